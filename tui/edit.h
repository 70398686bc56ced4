/* One line (or one block) of text being edited in place: insert at the
 * cursor, delete either side, move by character, jump to either end. The
 * '/' and ':' prompts, the typed confirmation and form fields share it. */
#ifndef TUI_EDIT_H
#define TUI_EDIT_H

#include <stddef.h>

#include "tui/screen.h"

struct tui_edit {
    char *buf;      /* NUL-terminated UTF-8, owned by the caller */
    size_t cap;     /* bytes in buf, NUL included */
    size_t cur;     /* cursor, a byte offset on a character boundary */
    int max_chars;  /* 0: only cap limits */
};

/* Edits buf (cap bytes, already holding text) with the cursor at its end. */
void tui_edit_init(struct tui_edit *e, char *buf, size_t cap, int max_chars);

/* Applies an action: TUI_ACT_KEY inserts a printable key, or moves on
 * Left/Right/Home/End and deletes on Delete when those arrive as raw keys;
 * move_left, move_right, home, end, delete_back and delete likewise.
 * Returns 1 when the text changed, 0 when only the cursor moved or nothing
 * applied, -1 when the action is not an editing one. */
int tui_edit_apply(struct tui_edit *e, const struct tui_action *a);

/* Display columns before the cursor (where to put the terminal cursor). */
int tui_edit_cursor_col(const struct tui_edit *e);

#endif
