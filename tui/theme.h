/* Colours named by meaning. A theme file (assets/themes/NAME) gives each
 * role a foreground, background and attributes; the framework's own roles are
 * below, an application adds any others by name ("decision.declined").
 *
 * File format, one role a line, '#' starts a comment:
 *     ROLE  fg=COLOUR  bg=COLOUR  attr=bold,underline  mono=reverse
 * COLOUR is "default", a name (black red green yellow blue magenta cyan
 * white, bright-NAME) or 0..255. On an 8-colour terminal 256-colour values
 * map to the nearest of the 8; without colour (monochrome terminal, NO_COLOR
 * set, or colour switched off) only attr and mono are used. */
#ifndef TUI_THEME_H
#define TUI_THEME_H

#include <curses.h>
#include <stddef.h>

enum tui_role {
    TUI_ROLE_NORMAL,     /* body text */
    TUI_ROLE_TITLE,      /* title bar */
    TUI_ROLE_STATUS,     /* status bar */
    TUI_ROLE_HEADER,     /* table column headings */
    TUI_ROLE_SELECTION,  /* the selected row or field */
    TUI_ROLE_BORDER,     /* lines and boxes */
    TUI_ROLE_MUTED,      /* secondary text: labels, hints */
    TUI_ROLE_MATCH,      /* filter matches */
    TUI_ROLE_INPUT,      /* text being edited */
    TUI_ROLE_ERROR,      /* errors, validation messages */
    TUI_ROLE_WARNING,
    TUI_ROLE_OK,
    TUI_ROLE_INFO,
    TUI_ROLE_DIALOG,     /* dialog body */
    TUI_ROLE_DANGER,     /* destructive choices */
    TUI_ROLE_BADGE,      /* status badges such as read-only */
    TUI_ROLE_WATERMARK,
    TUI_ROLE_BUILTIN_COUNT
};

/* How many colours the terminal offers, chosen once curses is up. */
enum tui_colour_mode { TUI_COLOUR_MONO, TUI_COLOUR_8, TUI_COLOUR_256 };

struct tui_theme;

/* Loads a theme file; NULL with err set ("FILE:LINE: problem") on failure.
 * A role the file does not mention looks like TUI_ROLE_NORMAL (roles the
 * framework needs distinguishable, such as the selection, get a reverse
 * video default). */
struct tui_theme *tui_theme_load(const char *path, char *err, size_t errsz);
/* The built-in monochrome theme (never fails unless out of memory). */
struct tui_theme *tui_theme_default(void);
void tui_theme_free(struct tui_theme *th);

/* Id of a role by name ("selection", "decision.declined"); unknown names get
 * a new id that renders like "normal". -1 only when out of memory. */
int tui_theme_role(struct tui_theme *th, const char *name);

/* Allocates the curses colour pairs for mode; call after start_color()
 * (or with TUI_COLOUR_MONO without it). */
void tui_theme_apply(struct tui_theme *th, enum tui_colour_mode mode);

/* The curses attributes (colour pair included) for a role id. */
attr_t tui_theme_attr(const struct tui_theme *th, int role);
/* Same by name (a lookup; prefer ids in hot paths). th NULL: A_NORMAL. */
attr_t tui_theme_attr_named(struct tui_theme *th, const char *name);

enum tui_colour_mode tui_theme_mode(const struct tui_theme *th);

#endif
