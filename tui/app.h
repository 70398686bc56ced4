/* The application: one poll() loop over the terminal, registered file
 * descriptors, a signal self-pipe and timers; the screen stack; the title
 * bar, status bar, toasts, watermark, help, ':' command line and '/' prompt.
 *
 * Terminal rows: 0 title bar (title, watermark), 1..rows-2 the top screen,
 * rows-1 status bar (or the active prompt). Painting is wnoutrefresh on each
 * window and one doupdate per turn of the loop. SIGWINCH only sets a flag;
 * SIGHUP and SIGTERM end the loop cleanly; SIGSEGV, SIGABRT, SIGBUS and
 * SIGFPE restore the terminal with async-signal-safe writes and re-raise. */
#ifndef TUI_APP_H
#define TUI_APP_H

#include <curses.h>
#include <stddef.h>

#include "tui/screen.h"
#include "tui/theme.h"
#include "tui/keymap.h"

struct tui_app;

/* A ':' command. args is the text after the name (may be ""). Returns
 * handler flags; tui_toast to report problems. */
struct tui_command {
    const char *name;
    const char *help;     /* N_() */
    int (*run)(struct tui_app *app, const char *args, void *ctx);
};

struct tui_config {
    const char *app_name;     /* "yixiang": names $XDG_CONFIG_HOME/<app_name>/keymap */
    const char *datadir;      /* assets: <datadir>/keymap, <datadir>/themes/<theme> */
    const char *config_home;  /* NULL: $XDG_CONFIG_HOME, else $HOME/.config */
    const char *theme;        /* NULL: "dark" */
    int ascii_lines;          /* draw lines with -|+ instead of line drawing */
    int accessible;           /* cursor on the selected row or focused field */
    int mouse;                /* start with the mouse on (a key toggles it) */
    int no_color;             /* force monochrome (NO_COLOR is honoured too) */
    /* Screens ':' can open by name (those without TUI_SCREEN_HIDDEN); their
     * open() then gets the rest of the command line as a const char *, or
     * NULL when there was none. */
    const struct tui_screen_ops *const *screens;
    size_t nscreens;
    /* Extra ':' commands (the framework has quit, help, theme, mouse, ascii,
     * accessible, copy, redraw). */
    const struct tui_command *commands;
    size_t ncommands;
    /* Application-wide actions for help, {NULL, NULL} ended; may be NULL. */
    const struct tui_action_def *actions;
    /* Bindings in keymap file syntax applied before <datadir>/keymap and the
     * user's file, which can override them (a program's own screens); may
     * be NULL. */
    const char *keymap_defaults;
    /* Global handler, after the focused widget and the screen. */
    int (*on_action)(struct tui_app *app, const struct tui_action *a, void *ctx);
    void *ctx;                /* handed to on_action, commands, callbacks */
};

/* Loads the keymap (<datadir>/keymap, then the user's override) and theme.
 * Does not touch the terminal. NULL with err set on failure (a bad keymap or
 * theme file names its file and line). The config's pointers must outlive
 * the app. */
struct tui_app *tui_app_new(const struct tui_config *cfg, char *err, size_t errsz);

/* Takes the terminal, opens first (arg is handed to its open), runs the loop
 * until quit, closes every screen and restores the terminal. Returns 0 after
 * a quit, 128+N after SIGHUP, SIGTERM or SIGINT (N the signal), -1 when the
 * terminal or the first screen could not be opened (err set). Expects the
 * locale set already (tui_i18n_init). */
int tui_app_run(struct tui_app *app, const struct tui_screen_ops *first, const void *arg,
                char *err, size_t errsz);

void tui_app_free(struct tui_app *app);

void *tui_app_ctx(struct tui_app *app);
struct tui_theme *tui_app_theme(struct tui_app *app);
const struct tui_keymap *tui_app_keymap(const struct tui_app *app);
int tui_app_ascii(const struct tui_app *app);
int tui_app_accessible(const struct tui_app *app);

/* Watches fd for events (POLLIN...). cb runs from the loop with the revents
 * and returns handler flags. One watch per fd; 0 or -1. */
int tui_app_watch(struct tui_app *app, int fd, short events,
                  int (*cb)(void *ctx, int fd, short revents), void *ctx);
void tui_app_unwatch(struct tui_app *app, int fd);

/* Calls cb after ms milliseconds (every ms with repeat). Returns a handle or
 * -1. cb returns handler flags. */
int tui_app_timer(struct tui_app *app, int ms, int repeat, int (*cb)(void *ctx), void *ctx);
void tui_app_timer_cancel(struct tui_app *app, int handle);

/* Asks the loop to repaint (flags as from a handler), from callbacks that
 * cannot return flags. */
void tui_app_request(struct tui_app *app, int flags);
/* Ends the loop after the current turn. */
void tui_app_quit(struct tui_app *app);

/* The status bar's content; strings are copied; NULL leaves a field empty. */
struct tui_status {
    const char *user;
    const char *role;
    const char *server;
    const char *sync;     /* "synced", "syncing 40%", "offline" */
    int pending;          /* actions waiting to be pushed */
    int read_only;        /* shows a read-only badge */
};
void tui_app_status(struct tui_app *app, const struct tui_status *st);

/* The watermark on every screen: who (copied) and the current time. */
void tui_app_watermark(struct tui_app *app, const char *who);

enum tui_toast_kind { TUI_TOAST_INFO, TUI_TOAST_OK, TUI_TOAST_WARNING, TUI_TOAST_ERROR };
/* Shows a message above the status bar for a few seconds (errors longer). */
void tui_toast(struct tui_app *app, enum tui_toast_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Puts text on the user's clipboard through OSC 52. */
void tui_app_copy(struct tui_app *app, const char *text);

/* Switches theme by name; 0, or -1 with a toast. */
int tui_app_set_theme(struct tui_app *app, const char *name);

/* Draws a horizontal line honouring the ASCII option. */
void tui_app_hline(struct tui_app *app, WINDOW *w, int y, int x, int n);

/* Prints s at (y, x) fitted to exactly cols columns (cut with "…", padded)
 * in attr. */
void tui_print(WINDOW *w, int y, int x, int cols, const char *s, attr_t attr);
/* Same, right-aligned or centred (enum tui_align in tui/text.h). */
void tui_print_aligned(WINDOW *w, int y, int x, int cols, const char *s, attr_t attr, int align);

#endif
