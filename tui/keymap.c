/* The keymap: bindings (context, key) -> action name, loaded from data
 * files, later bindings replacing earlier ones. A few dozen bindings, so a
 * flat array searched in order is both the simplest and fast enough. */
#include "tui/keymap.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/text.h"

struct binding {
    char *context;
    int key;
    char *action;
};

struct tui_keymap {
    struct binding *b;
    size_t n, cap;
};

static const struct { const char *name; int code; } key_names[] = {
    {"Up", KEY_UP}, {"Down", KEY_DOWN}, {"Left", KEY_LEFT}, {"Right", KEY_RIGHT},
    {"PgUp", KEY_PPAGE}, {"PgDn", KEY_NPAGE}, {"Home", KEY_HOME}, {"End", KEY_END},
    {"BTab", KEY_BTAB}, {"Backspace", KEY_BACKSPACE}, {"Delete", KEY_DC},
    {"Insert", KEY_IC}, {"Resize", KEY_RESIZE}, {"Mouse", KEY_MOUSE},
    {"KEnter", KEY_ENTER},
};

struct tui_keymap *tui_keymap_new(void)
{
    return calloc(1, sizeof(struct tui_keymap));
}

void tui_keymap_free(struct tui_keymap *km)
{
    if (!km) return;
    for (size_t i = 0; i < km->n; i++) {
        free(km->b[i].context);
        free(km->b[i].action);
    }
    free(km->b);
    free(km);
}

int tui_key_parse(const char *name)
{
    uint32_t cp;
    size_t n = strlen(name);
    if (n == 0) return -1;
    if (!strcmp(name, "Enter")) return '\r';
    if (!strcmp(name, "Esc")) return 27;
    if (!strcmp(name, "Tab")) return '\t';
    if (!strcmp(name, "Space")) return ' ';
    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
        if (!strcmp(name, key_names[i].name)) return TUI_KEY_BASE + key_names[i].code;
    if (name[0] == 'F' && n >= 2 && n <= 3 && name[1] >= '1' && name[1] <= '9' &&
        (n == 2 || (name[2] >= '0' && name[2] <= '9'))) {
        int f = atoi(name + 1);
        if (f >= 1 && f <= 12) return TUI_KEY_BASE + KEY_F(f);
    }
    if (n == 3 && name[0] == 'C' && name[1] == '-') {
        char c = name[2];
        if (c >= 'a' && c <= 'z') return TUI_KEY_CTRL(c);
        if (c >= 'A' && c <= 'Z') return TUI_KEY_CTRL(c);
        return -1;
    }
    if (tui_utf8_decode(name, n, &cp) == n && cp != TUI_REPLACEMENT && cp > ' ')
        return (int)cp;
    return -1;
}

char *tui_key_name(int key, char *buf, size_t n)
{
    if (n == 0) return buf;
    buf[0] = '\0';
    if (key == '\r' || key == '\n') snprintf(buf, n, "Enter");
    else if (key == 27) snprintf(buf, n, "Esc");
    else if (key == '\t') snprintf(buf, n, "Tab");
    else if (key == ' ') snprintf(buf, n, "Space");
    else if (key > 0 && key < 32) snprintf(buf, n, "C-%c", 'a' + key - 1);
    else if (key >= TUI_KEY_BASE) {
        int code = key - TUI_KEY_BASE;
        for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
            if (key_names[i].code == code) { snprintf(buf, n, "%s", key_names[i].name); return buf; }
        for (int f = 1; f <= 12; f++)
            if (code == KEY_F(f)) { snprintf(buf, n, "F%d", f); return buf; }
        snprintf(buf, n, "key%d", code);
    } else if (key > 0) {
        char enc[5] = {0};
        tui_utf8_encode((uint32_t)key, enc);
        snprintf(buf, n, "%s", enc);
    }
    return buf;
}

static struct binding *find(const struct tui_keymap *km, const char *context, int key)
{
    for (size_t i = 0; i < km->n; i++)
        if (km->b[i].key == key && !strcmp(km->b[i].context, context)) return &km->b[i];
    return NULL;
}

int tui_keymap_bind(struct tui_keymap *km, const char *context, int key, const char *action)
{
    struct binding *b = find(km, context, key);
    char *a;
    if (!action || !strcmp(action, "none")) {
        if (b) {
            free(b->context);
            free(b->action);
            memmove(b, b + 1, (size_t)(km->b + km->n - (b + 1)) * sizeof *b);
            km->n--;
        }
        return 0;
    }
    if (!(a = strdup(action))) return -1;
    if (b) {
        free(b->action);
        b->action = a;
        return 0;
    }
    if (km->n == km->cap) {
        size_t cap = km->cap ? km->cap * 2 : 64;
        struct binding *nb = realloc(km->b, cap * sizeof *nb);
        if (!nb) { free(a); return -1; }
        km->b = nb;
        km->cap = cap;
    }
    b = &km->b[km->n];
    if (!(b->context = strdup(context))) { free(a); return -1; }
    b->key = key;
    b->action = a;
    km->n++;
    return 0;
}

const char *tui_keymap_lookup(const struct tui_keymap *km, const char *context, int key)
{
    const struct binding *b = find(km, context, key);
    return b ? b->action : NULL;
}

size_t tui_keymap_count(const struct tui_keymap *km)
{
    return km->n;
}

int tui_keymap_entry(const struct tui_keymap *km, size_t i, const char **context,
                     int *key, const char **action)
{
    if (i >= km->n) return -1;
    if (context) *context = km->b[i].context;
    if (key) *key = km->b[i].key;
    if (action) *action = km->b[i].action;
    return 0;
}

int tui_keymap_keys_for(const struct tui_keymap *km, const char *context,
                        const char *action, char *buf, size_t n)
{
    int count = 0;
    size_t len = 0;
    if (n) buf[0] = '\0';
    for (size_t i = 0; i < km->n; i++) {
        char name[32];
        if (strcmp(km->b[i].context, context) || strcmp(km->b[i].action, action)) continue;
        tui_key_name(km->b[i].key, name, sizeof name);
        if (len < n) {
            int w = snprintf(buf + len, n - len, "%s%s", count ? "/" : "", name);
            if (w > 0) len += (size_t)w;
        }
        count++;
    }
    return count;
}

static int valid_word(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-' || *s == '.'))
            return 0;
    return 1;
}

/* Frees the parsed lines of a file. */
static void free_lines(struct binding *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(b[i].context);
        free(b[i].action);
    }
    free(b);
}

int tui_keymap_load_text(struct tui_keymap *km, const char *text, const char *name,
                         char *err, size_t errsz)
{
    /* Parse everything first, so a bad line leaves km untouched. */
    struct binding *lines = NULL;
    size_t n = 0, cap = 0;
    const char *p = text;
    int line = 0;
    while (*p) {
        char buf[512], *f[3], *save = NULL, *tok;
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        int nf = 0, key;
        line++;
        if (len >= sizeof buf) {
            snprintf(err, errsz, "%s:%d: line too long", name, line);
            goto fail;
        }
        memcpy(buf, p, len);
        buf[len] = '\0';
        p += len + (eol ? 1 : 0);
        /* A '#' word starts a comment, except as the KEY field itself. */
        for (tok = strtok_r(buf, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
            if (tok[0] == '#' && nf != 1) break;
            if (nf == 3) {
                snprintf(err, errsz, "%s:%d: expected CONTEXT KEY ACTION", name, line);
                goto fail;
            }
            f[nf++] = tok;
        }
        if (nf == 0) continue;
        if (nf != 3) {
            snprintf(err, errsz, "%s:%d: expected CONTEXT KEY ACTION", name, line);
            goto fail;
        }
        if (!valid_word(f[0])) {
            snprintf(err, errsz, "%s:%d: bad context '%s'", name, line, f[0]);
            goto fail;
        }
        if ((key = tui_key_parse(f[1])) < 0) {
            snprintf(err, errsz, "%s:%d: unknown key '%s'", name, line, f[1]);
            goto fail;
        }
        if (!valid_word(f[2])) {
            snprintf(err, errsz, "%s:%d: bad action '%s'", name, line, f[2]);
            goto fail;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct binding *nb = realloc(lines, ncap * sizeof *nb);
            if (!nb) goto oom;
            lines = nb;
            cap = ncap;
        }
        lines[n].context = strdup(f[0]);
        lines[n].action = strdup(f[2]);
        lines[n].key = key;
        n++;
        if (!lines[n - 1].context || !lines[n - 1].action) goto oom;
    }
    for (size_t i = 0; i < n; i++)
        if (tui_keymap_bind(km, lines[i].context, lines[i].key, lines[i].action) < 0) goto oom;
    free_lines(lines, n);
    return 0;
oom:
    snprintf(err, errsz, "%s: out of memory", name);
fail:
    free_lines(lines, n);
    return -1;
}

int tui_keymap_load(struct tui_keymap *km, const char *path, char *err, size_t errsz)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t len = 0, cap = 0;
    int rc;
    if (!f) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return -1;
    }
    for (;;) {
        if (cap - len < 4096) {
            char *nt;
            if (cap >= (1u << 20)) {
                snprintf(err, errsz, "%s: file too large", path);
                free(text);
                fclose(f);
                return -1;
            }
            cap = cap ? cap * 2 : 8192;
            if (!(nt = realloc(text, cap))) {
                free(text);
                fclose(f);
                snprintf(err, errsz, "%s: out of memory", path);
                return -1;
            }
            text = nt;
        }
        size_t got = fread(text + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) break;
    }
    text[len] = '\0';
    fclose(f);
    rc = tui_keymap_load_text(km, text, path, err, errsz);
    free(text);
    return rc;
}
