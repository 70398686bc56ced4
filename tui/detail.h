/* A scrollable detail view: sections of label/value pairs, labels aligned by
 * display width, long values wrapped by columns. */
#ifndef TUI_DETAIL_H
#define TUI_DETAIL_H

#include <curses.h>

#include "tui/screen.h"
#include "tui/theme.h"

struct tui_detail;

struct tui_detail *tui_detail_new(void);
void tui_detail_free(struct tui_detail *d);
/* Removes every line and scrolls to the top. */
void tui_detail_clear(struct tui_detail *d);
/* Starts a section with a heading (copied). */
void tui_detail_section(struct tui_detail *d, const char *title);
/* Adds a label and value (copied); role is a theme role name for the value,
 * NULL for normal. */
void tui_detail_field(struct tui_detail *d, const char *label, const char *value,
                      const char *role);
/* Paints the visible part into the rectangle. */
void tui_detail_draw(struct tui_detail *d, WINDOW *w, int y, int x, int rows, int cols,
                     struct tui_theme *th, int ascii);
/* Scrolling: move_up/down, page_up/down, home, end. */
int tui_detail_on_action(void *detail, const struct tui_action *a);
/* Makes d the focused widget of s ("detail" keymap context). */
void tui_detail_focus(struct tui_screen *s, struct tui_detail *d);

#endif
