/* What the framework's own files share and applications do not see: the
 * application and screen structures, and the hooks between the loop, the
 * terminal, the chrome (title, status, prompt) and the built-in screens. */
#ifndef TUI_INTERNAL_H
#define TUI_INTERNAL_H

#include <signal.h>
#include <stdint.h>

#include "tui/app.h"
#include "tui/edit.h"

#define TUI_MAX_DEPTH   32
#define TUI_MAX_WATCHES 32

struct tui_screen {
    const struct tui_screen_ops *ops;
    struct tui_app *app;
    void *priv;
    WINDOW *win;
    int rows, cols;           /* size of win */
    int modal_rows, modal_cols;  /* modal screens: wanted size, 0 = full area */
    struct tui_focus focus;
    int has_focus;
    int closing;              /* pop after the current handler */
    int has_result;           /* deliver result to the screen below on close */
    struct tui_action result;
    char subtitle[128];
    char filter[256];         /* what '/' last set on this screen's widget */
};

struct tui_watch {
    int fd;
    short events;
    int (*cb)(void *ctx, int fd, short revents);
    void *ctx;
};

struct tui_timer {
    int handle;               /* 0: free slot */
    int64_t due;              /* monotonic ms */
    int period;               /* 0: once */
    int (*cb)(void *ctx);
    void *ctx;
    struct tui_screen *owner; /* screen timers: owner->ops->on_timer(timer_id) */
    int timer_id;
};

enum tui_prompt { TUI_PROMPT_NONE, TUI_PROMPT_COMMAND, TUI_PROMPT_FILTER };

struct tui_app {
    struct tui_config cfg;
    struct tui_keymap *km;
    struct tui_theme *theme;
    char datadir[512];
    int ascii, accessible, mouse, no_color;
    int running;

    struct tui_screen *stack[TUI_MAX_DEPTH];
    int depth;

    struct tui_watch watches[TUI_MAX_WATCHES];
    int nwatch;
    struct tui_timer *timers;
    int ntimers, next_handle;

    int dirty, relayout, quit, exit_code;
    int rows, cols;
    WINDOW *title_win, *status_win, *toast_win;
    int cursor_on;            /* last curs_set value */

    /* chrome */
    char user[64], role[64], server[128], sync[64];
    int pending, read_only;
    char watermark[128];
    char toast[256];
    int toast_kind;
    int toast_timer;
    int clock_timer;

    /* ':' and '/' prompt */
    enum tui_prompt prompt;
    char prompt_buf[256];
    struct tui_edit prompt_edit;   /* edits prompt_buf */
    char filter_before[256];  /* restored when '/' is cancelled */
};

/* loop.c */
int64_t tui__now_ms(void);
void tui__apply(struct tui_app *app, struct tui_screen *s, int flags);
int tui__dispatch(struct tui_app *app, const struct tui_action *a);
void tui__action_init(struct tui_action *a, int id, const char *name, int key);
int tui__action_id(const char *name);
const char *tui__action_name(int id);
const char *tui__builtin_help(const char *name);
/* Cancels the timers a closing screen owns. */
void tui__timers_drop_owner(struct tui_app *app, struct tui_screen *s);

/* nav.c */
void tui__reap(struct tui_app *app);
void tui__layout_all(struct tui_app *app);
void tui__close_all(struct tui_app *app);
/* A modal screen asks for a window of this size (centred). */
void tui__modal_size(struct tui_screen *s, int rows, int cols);
/* Closes s and hands result to the screen below; returns TUI_BACK. */
int tui__finish(struct tui_screen *s, const struct tui_action *result);

/* term.c */
int tui__term_start(struct tui_app *app, char *err, size_t errsz);
void tui__term_stop(struct tui_app *app);
void tui__term_mouse(struct tui_app *app, int on);
/* Signals seen since the last call: returns a mask of 1<<SIG... bits. */
unsigned tui__term_signals(void);
int tui__term_sigfd(void);
void tui__term_size(int *rows, int *cols);

/* chrome.c */
void tui__paint(struct tui_app *app);
int tui__prompt_key(struct tui_app *app, int key);
void tui__prompt_open(struct tui_app *app, enum tui_prompt kind);
int tui__run_command(struct tui_app *app, const char *line);

/* table.c / table_cols.c: the column chooser */
struct tui_table;
const struct tui_column *tui__table_columns(const struct tui_table *t, int *n);
int tui__table_columns_open(struct tui_table *t, struct tui_app *app);

/* A box around a window honouring the ASCII option, with a title. */
void tui__frame(struct tui_app *app, WINDOW *w, const char *title);

/* help.c */
extern const struct tui_screen_ops tui__help_ops;

#endif
