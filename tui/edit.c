/* In-place text editing shared by prompts, dialogs and forms. */
#include "tui/edit.h"

#include <curses.h>
#include <string.h>

#include "tui/keymap.h"
#include "tui/text.h"

void tui_edit_init(struct tui_edit *e, char *buf, size_t cap, int max_chars)
{
    e->buf = buf;
    e->cap = cap;
    e->cur = strlen(buf);
    e->max_chars = max_chars;
}

static size_t next(const char *s, size_t off)
{
    uint32_t cp;
    size_t n = strlen(s + off);
    return n ? off + tui_utf8_decode(s + off, n, &cp) : off;
}

static int put_key(struct tui_edit *e, int key)
{
    char enc[4];
    size_t n = tui_utf8_encode((uint32_t)key, enc), len = strlen(e->buf);
    if (len + n >= e->cap || (e->max_chars && tui_utf8_count(e->buf) >= e->max_chars)) return 0;
    memmove(e->buf + e->cur + n, e->buf + e->cur, len - e->cur + 1);
    memcpy(e->buf + e->cur, enc, n);
    e->cur += n;
    return 1;
}

static int cut(struct tui_edit *e, size_t from, size_t to)
{
    if (from >= to) return 0;
    memmove(e->buf + from, e->buf + to, strlen(e->buf + to) + 1);
    e->cur = from;
    return 1;
}

int tui_edit_apply(struct tui_edit *e, const struct tui_action *a)
{
    int id = a->id;
    if (id == TUI_ACT_KEY) {
        if (a->key >= 0x20 && a->key != 0x7F && a->key < TUI_KEY_BASE) return put_key(e, a->key);
        switch (a->key - TUI_KEY_BASE) {
        case KEY_LEFT: id = TUI_ACT_MOVE_LEFT; break;
        case KEY_RIGHT: id = TUI_ACT_MOVE_RIGHT; break;
        case KEY_HOME: id = TUI_ACT_HOME; break;
        case KEY_END: id = TUI_ACT_END; break;
        case KEY_DC: id = TUI_ACT_DELETE; break;
        case KEY_BACKSPACE: id = TUI_ACT_DELETE_BACK; break;
        default: return -1;
        }
    }
    switch (id) {
    case TUI_ACT_MOVE_LEFT: e->cur = tui_utf8_prev(e->buf, e->cur); return 0;
    case TUI_ACT_MOVE_RIGHT: e->cur = next(e->buf, e->cur); return 0;
    case TUI_ACT_HOME: e->cur = 0; return 0;
    case TUI_ACT_END: e->cur = strlen(e->buf); return 0;
    case TUI_ACT_DELETE_BACK: return cut(e, tui_utf8_prev(e->buf, e->cur), e->cur);
    case TUI_ACT_DELETE: return cut(e, e->cur, next(e->buf, e->cur));
    default: return -1;
    }
}

int tui_edit_cursor_col(const struct tui_edit *e)
{
    return tui_text_width_n(e->buf, e->cur);
}
