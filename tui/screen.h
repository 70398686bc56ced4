/* The screen interface. A screen is a const table of functions; the
 * framework allocates its private state, keeps the navigation stack, turns
 * keys into actions and calls the handlers. Handlers return what must happen
 * next (flags below); only the loop paints.
 *
 * An action goes first to the focused widget (if the screen set one), then
 * to the screen's on_action, then to the application's global handler, then
 * to the framework (back, quit, help, command line, filter, redraw...). */
#ifndef TUI_SCREEN_H
#define TUI_SCREEN_H

#include <curses.h>
#include <stddef.h>
#include <string.h>

struct tui_app;
struct tui_screen;
struct tui_form;

/* Handler results; OR them. Any non-zero value means "handled". */
enum tui_result {
    TUI_UNHANDLED = 0,
    TUI_HANDLED   = 1 << 0,  /* taken, nothing changed on screen */
    TUI_REDRAW    = 1 << 1,  /* repaint */
    TUI_RELAYOUT  = 1 << 2,  /* call layout, then repaint */
    TUI_BACK      = 1 << 3,  /* close this screen (pop the stack) */
    TUI_QUIT      = 1 << 4   /* leave the program */
};

/* Actions the framework knows by number; everything else an application
 * binds arrives with id TUI_ACT_NAMED and its name. The names in comments
 * are the ones the keymap file uses. */
enum tui_action_id {
    TUI_ACT_NONE = 0,
    TUI_ACT_KEY,          /* a key with no binding (text entry): a->key */
    TUI_ACT_NAMED,        /* an application action: a->name */
    TUI_ACT_MOVE_UP,      /* move_up */
    TUI_ACT_MOVE_DOWN,    /* move_down */
    TUI_ACT_MOVE_LEFT,    /* move_left */
    TUI_ACT_MOVE_RIGHT,   /* move_right */
    TUI_ACT_PAGE_UP,      /* page_up */
    TUI_ACT_PAGE_DOWN,    /* page_down */
    TUI_ACT_HOME,         /* home */
    TUI_ACT_END,          /* end */
    TUI_ACT_OPEN,         /* open: Enter on a row */
    TUI_ACT_BACK,         /* back: q / Esc */
    TUI_ACT_QUIT,         /* quit */
    TUI_ACT_HELP,         /* help */
    TUI_ACT_COMMAND,      /* command: the ':' line */
    TUI_ACT_FILTER,       /* filter: the '/' prompt */
    TUI_ACT_NEXT_MATCH,   /* next_match */
    TUI_ACT_PREV_MATCH,   /* prev_match */
    TUI_ACT_REDRAW,       /* redraw: Ctrl-L */
    TUI_ACT_SORT,         /* sort: sort by the next sortable column */
    TUI_ACT_SORT_REVERSE, /* sort_reverse */
    TUI_ACT_COLUMNS,      /* columns: choose and reorder columns */
    TUI_ACT_COPY,         /* copy: the selected id through OSC 52 */
    TUI_ACT_MOUSE_TOGGLE, /* mouse_toggle */
    TUI_ACT_NEXT_FIELD,   /* next_field: Tab */
    TUI_ACT_PREV_FIELD,   /* prev_field: BTab */
    TUI_ACT_SUBMIT,       /* submit: Enter in forms and dialogs */
    TUI_ACT_CANCEL,       /* cancel: Esc in forms and dialogs */
    TUI_ACT_DELETE_BACK,  /* delete_back: Backspace */
    TUI_ACT_DELETE,       /* delete: Delete */
    TUI_ACT_COMPLETE,     /* complete: Tab on the command line */
    TUI_ACT_TOGGLE,       /* toggle: Space in choosers */
    TUI_ACT_MOUSE,        /* a mouse click at a->y, a->x (screen coordinates) */
    TUI_ACT_DIALOG_DONE,  /* a confirmation closed: a->tag, a->ok */
    TUI_ACT_FORM_DONE,    /* a form closed: a->tag, a->ok, a->form */
    TUI_ACT_RESUME,       /* the screen above closed; this one shows again */
    TUI_ACT_BUILTIN_COUNT
};

struct tui_action {
    int id;               /* enum tui_action_id */
    const char *name;     /* keymap name ("move_down", "approve"); never NULL */
    int key;              /* the key that caused it, 0 if none */
    int y, x;             /* TUI_ACT_MOUSE */
    int tag;              /* TUI_ACT_DIALOG_DONE / FORM_DONE: the opener's tag */
    int ok;               /* 1 confirmed / submitted, 0 cancelled */
    const struct tui_form *form;  /* TUI_ACT_FORM_DONE: valid during the call */
};

/* 1 when a is the named action (built-in or application). */
static inline int tui_action_is(const struct tui_action *a, const char *name)
{
    return a->name && strcmp(a->name, name) == 0;
}

/* An action a screen or application offers, for the help screen. help is
 * an N_() string, translated when shown. Arrays end with {NULL, NULL}. */
struct tui_action_def {
    const char *name;
    const char *help;
};

enum tui_screen_flags {
    TUI_SCREEN_MODAL  = 1 << 0,  /* drawn over the screen below (dialogs) */
    TUI_SCREEN_HIDDEN = 1 << 1   /* not offered on the command line */
};

struct tui_screen_ops {
    const char *name;     /* command-line name and keymap context: "queue" */
    const char *title;    /* N_() title for the title bar */
    size_t priv_size;     /* zeroed private state allocated by the framework */
    unsigned flags;       /* enum tui_screen_flags */
    const struct tui_action_def *actions;  /* own actions for help; may be NULL */
    /* arg is the opener's; copy what is needed. 0 ok, -1 refuses to open
     * (the screen should have called tui_toast to say why). */
    int  (*open)(struct tui_screen *s, const void *arg);
    /* Size of the screen's window changed (also called once after open). */
    void (*layout)(struct tui_screen *s, int rows, int cols);
    /* Paint into w (the screen's area, already erased). */
    void (*draw)(struct tui_screen *s, WINDOW *w);
    int  (*on_action)(struct tui_screen *s, const struct tui_action *a);
    int  (*on_timer)(struct tui_screen *s, int timer_id);
    /* Free what the private state points to (not the state itself). */
    void (*close)(struct tui_screen *s);
};

/* The widget that gets actions first, and what the framework may ask of it. */
struct tui_focus {
    const char *context;  /* keymap context: "table", "form", "detail"... */
    void *widget;
    int (*on_action)(void *widget, const struct tui_action *a);
    /* Printable keys go to on_action as TUI_ACT_KEY before any keymap. */
    int text_entry;
    /* Optional: '/' prompt text changed (incremental filter). */
    void (*set_filter)(void *widget, const char *text);
    /* Optional: text ':copy' / the copy action sends (the selected id). */
    const char *(*copy_text)(void *widget);
};

void *tui_screen_priv(struct tui_screen *s);
struct tui_app *tui_screen_app(struct tui_screen *s);
const struct tui_screen_ops *tui_screen_ops(const struct tui_screen *s);
/* Size of the screen's area (between title bar and status bar). */
void tui_screen_size(const struct tui_screen *s, int *rows, int *cols);
/* Sets (f copied) or with NULL clears the focused widget. */
void tui_screen_focus(struct tui_screen *s, const struct tui_focus *f);
/* A subtitle after the title ("Application 1024"); copied; NULL clears. */
void tui_screen_subtitle(struct tui_screen *s, const char *text);
/* Calls ops->on_timer(s, timer_id) after ms milliseconds (every ms when
 * repeat); removed when the screen closes. Returns a handle for
 * tui_app_timer_cancel, or -1. */
int tui_screen_timer(struct tui_screen *s, int ms, int repeat, int timer_id);

/* Opens a screen on top of the stack; -1 when it refused or on no memory. */
int tui_push(struct tui_app *app, const struct tui_screen_ops *ops, const void *arg);
/* Opens a registered screen by name; -1 when unknown or refused. */
int tui_push_name(struct tui_app *app, const char *name, const void *arg);
/* Closes the top screen (the loop does it after the current handler). */
void tui_pop(struct tui_app *app);
/* The top screen, or NULL. */
struct tui_screen *tui_top(struct tui_app *app);
/* Number of screens on the stack. */
int tui_depth(const struct tui_app *app);

/* Splits rows for a list above and a detail below: from 28 rows (a 30-line
 * terminal) the list gets about 40%, the detail the rest; fewer rows give
 * everything to the list (*bottom 0), so 80x24 keeps a full-height list. */
void tui_split_rows(int rows, int *top, int *bottom);

#endif
