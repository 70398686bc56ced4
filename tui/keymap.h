/* Keys as data: a keymap file maps (context, key) to a named action.
 *
 * File format, one binding a line, '#' starts a comment:
 *     CONTEXT  KEY  ACTION
 * CONTEXT is "global", a widget ("table", "form", "dialog", "detail",
 * "prompt") or a screen name; KEY is a character ("j", "?", "/"), "C-x" for
 * Ctrl, or a name (Up Down Left Right PgUp PgDn Home End Enter Esc Tab BTab
 * Backspace Delete Insert Space F1..F12); ACTION is an action name, or
 * "none" to remove a binding. A later line for the same context and key
 * replaces the earlier one, which is how user overrides work. */
#ifndef TUI_KEYMAP_H
#define TUI_KEYMAP_H

#include <stddef.h>

/* Keys: Unicode code points for characters (Ctrl-A is 1 ...), and special
 * keys as TUI_KEY_BASE + the curses KEY_* code, so they never collide. */
#define TUI_KEY_BASE 0x200000
#define TUI_KEY_CTRL(c) ((c) & 0x1f)

struct tui_keymap;

/* An empty keymap; NULL when out of memory. */
struct tui_keymap *tui_keymap_new(void);
void tui_keymap_free(struct tui_keymap *km);

/* Adds the bindings of a keymap file, later lines winning. On a bad line
 * nothing from the file is applied and err names the file, line and problem.
 * Returns 0, or -1 with err set (a missing file is an error too). */
int tui_keymap_load(struct tui_keymap *km, const char *path, char *err, size_t errsz);
/* Same, from text already in memory; name is used in error messages. */
int tui_keymap_load_text(struct tui_keymap *km, const char *text, const char *name,
                         char *err, size_t errsz);

/* Binds (or with action NULL or "none", unbinds) one key. 0 or -1. */
int tui_keymap_bind(struct tui_keymap *km, const char *context, int key, const char *action);

/* The action name bound to key in context, or NULL. The string belongs to
 * the keymap. */
const char *tui_keymap_lookup(const struct tui_keymap *km, const char *context, int key);

/* Iteration over the bindings in file order: returns 0 and fills the
 * pointers (owned by the keymap) for i < count, else -1. */
size_t tui_keymap_count(const struct tui_keymap *km);
int tui_keymap_entry(const struct tui_keymap *km, size_t i, const char **context,
                     int *key, const char **action);

/* Keys bound to action in context, written as names separated by "/" into
 * buf ("j/Down"); returns the number of keys. */
int tui_keymap_keys_for(const struct tui_keymap *km, const char *context,
                        const char *action, char *buf, size_t n);

/* Parses a key name as in the file format; -1 when unknown. */
int tui_key_parse(const char *name);
/* Writes the name of key into buf ("j", "C-l", "PgDn"); returns buf. */
char *tui_key_name(int key, char *buf, size_t n);

#endif
