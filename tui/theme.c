/* Themes: role name -> colours and attributes, loaded from data files, and
 * the fallback from 256 colours to 8 colours to monochrome. */
#include "tui/theme.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COLOUR_DEFAULT (-1)

struct role {
    char *name;
    int given;          /* the theme file described it */
    int fg, bg;         /* COLOUR_DEFAULT or 0..255 */
    attr_t attr;        /* attributes in every mode */
    attr_t mono;        /* extra attributes without colour */
    int has_mono;
    attr_t resolved;    /* for the current mode */
};

struct tui_theme {
    struct role *r;
    int n, cap;
    enum tui_colour_mode mode;
};

static const char *const builtin_names[TUI_ROLE_BUILTIN_COUNT] = {
    "normal", "title", "status", "header", "selection", "border", "muted", "match",
    "input", "error", "warning", "ok", "info", "dialog", "danger", "badge", "watermark",
};

/* Without colour these keep the framework's roles apart. */
static attr_t builtin_mono(int role)
{
    switch (role) {
    case TUI_ROLE_TITLE: case TUI_ROLE_STATUS: case TUI_ROLE_SELECTION: case TUI_ROLE_BADGE:
        return A_REVERSE;
    case TUI_ROLE_HEADER: case TUI_ROLE_ERROR: case TUI_ROLE_DANGER: case TUI_ROLE_WARNING:
        return A_BOLD;
    case TUI_ROLE_MATCH: case TUI_ROLE_INPUT:
        return A_UNDERLINE;
    case TUI_ROLE_MUTED: case TUI_ROLE_WATERMARK:
        return A_DIM;
    default:
        return A_NORMAL;
    }
}

static int add_role(struct tui_theme *th, const char *name)
{
    if (th->n == th->cap) {
        int cap = th->cap ? th->cap * 2 : 32;
        struct role *nr = realloc(th->r, (size_t)cap * sizeof *nr);
        if (!nr) return -1;
        th->r = nr;
        th->cap = cap;
    }
    memset(&th->r[th->n], 0, sizeof th->r[0]);
    if (!(th->r[th->n].name = strdup(name))) return -1;
    th->r[th->n].fg = th->r[th->n].bg = COLOUR_DEFAULT;
    return th->n++;
}

struct tui_theme *tui_theme_default(void)
{
    struct tui_theme *th = calloc(1, sizeof *th);
    if (!th) return NULL;
    for (int i = 0; i < TUI_ROLE_BUILTIN_COUNT; i++)
        if (add_role(th, builtin_names[i]) < 0) {
            tui_theme_free(th);
            return NULL;
        }
    tui_theme_apply(th, TUI_COLOUR_MONO);
    return th;
}

void tui_theme_free(struct tui_theme *th)
{
    if (!th) return;
    for (int i = 0; i < th->n; i++) free(th->r[i].name);
    free(th->r);
    free(th);
}

static int find_role(const struct tui_theme *th, const char *name)
{
    for (int i = 0; i < th->n; i++)
        if (!strcmp(th->r[i].name, name)) return i;
    return -1;
}

int tui_theme_role(struct tui_theme *th, const char *name)
{
    int i = find_role(th, name);
    if (i >= 0) return i;
    if ((i = add_role(th, name)) < 0) return -1;
    th->r[i].resolved = th->r[TUI_ROLE_NORMAL].resolved;
    return i;
}

static int parse_colour(const char *s, int *out)
{
    static const char *const names[8] = {"black", "red", "green", "yellow", "blue",
                                         "magenta", "cyan", "white"};
    char *end;
    long v;
    if (!strcmp(s, "default")) { *out = COLOUR_DEFAULT; return 0; }
    for (int i = 0; i < 8; i++) {
        if (!strcmp(s, names[i])) { *out = i; return 0; }
        if (!strncmp(s, "bright-", 7) && !strcmp(s + 7, names[i])) { *out = i + 8; return 0; }
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > 255) return -1;
    *out = (int)v;
    return 0;
}

static int parse_attrs(char *s, attr_t *out)
{
    char *save = NULL;
    *out = A_NORMAL;
    for (char *a = strtok_r(s, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
        if (!strcmp(a, "bold")) *out |= A_BOLD;
        else if (!strcmp(a, "underline")) *out |= A_UNDERLINE;
        else if (!strcmp(a, "reverse")) *out |= A_REVERSE;
        else if (!strcmp(a, "dim")) *out |= A_DIM;
        else if (!strcmp(a, "italic")) *out |= A_ITALIC;
        else if (!strcmp(a, "blink")) *out |= A_BLINK;
        else if (strcmp(a, "none")) return -1;
    }
    return 0;
}

/* Parses "ROLE key=value..." into the theme; 0 or -1 with err. */
static int parse_line(struct tui_theme *th, char *line, const char *path, int ln,
                      char *err, size_t errsz)
{
    char *save = NULL, *name = strtok_r(line, " \t\r\n", &save), *tok;
    struct role spec;
    int i;
    if (!name || name[0] == '#') return 0;
    memset(&spec, 0, sizeof spec);
    spec.fg = spec.bg = COLOUR_DEFAULT;
    while ((tok = strtok_r(NULL, " \t\r\n", &save)) && tok[0] != '#') {
        char *eq = strchr(tok, '=');
        int bad = !eq;
        if (eq) {
            *eq = '\0';
            if (!strcmp(tok, "fg")) bad = parse_colour(eq + 1, &spec.fg);
            else if (!strcmp(tok, "bg")) bad = parse_colour(eq + 1, &spec.bg);
            else if (!strcmp(tok, "attr")) bad = parse_attrs(eq + 1, &spec.attr);
            else if (!strcmp(tok, "mono")) { bad = parse_attrs(eq + 1, &spec.mono); spec.has_mono = 1; }
            else bad = 1;
        }
        if (bad) {
            snprintf(err, errsz, "%s:%d: bad setting '%s%s%s'", path, ln, tok,
                     eq ? "=" : "", eq ? eq + 1 : "");
            return -1;
        }
    }
    if ((i = tui_theme_role(th, name)) < 0) {
        snprintf(err, errsz, "%s: out of memory", path);
        return -1;
    }
    spec.name = th->r[i].name;
    spec.given = 1;
    th->r[i] = spec;
    return 0;
}

struct tui_theme *tui_theme_load(const char *path, char *err, size_t errsz)
{
    struct tui_theme *th;
    char line[512];
    int ln = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (!(th = tui_theme_default())) {
        fclose(f);
        snprintf(err, errsz, "%s: out of memory", path);
        return NULL;
    }
    while (fgets(line, sizeof line, f)) {
        ln++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, errsz, "%s:%d: line too long", path, ln);
            goto fail;
        }
        if (parse_line(th, line, path, ln, err, errsz) < 0) goto fail;
    }
    fclose(f);
    tui_theme_apply(th, TUI_COLOUR_MONO);
    return th;
fail:
    fclose(f);
    tui_theme_free(th);
    return NULL;
}

/* Nearest of the 8 basic colours for a 256-colour index. */
static int to_8(int c)
{
    if (c < 0) return c;
    if (c < 8) return c;
    if (c < 16) return c - 8;
    if (c < 232) {
        int v = c - 16, r = v / 36, g = (v / 6) % 6, b = v % 6;
        return (r >= 3) | (g >= 3) << 1 | (b >= 3) << 2;
    }
    return c < 244 ? 0 : 7;
}

void tui_theme_apply(struct tui_theme *th, enum tui_colour_mode mode)
{
    int pair = 1;
    th->mode = mode;
    for (int i = 0; i < th->n; i++) {
        struct role *r = &th->r[i];
        attr_t mono = i < TUI_ROLE_BUILTIN_COUNT ? builtin_mono(i) : A_NORMAL;
        if (mode == TUI_COLOUR_MONO || !r->given) {
            r->resolved = r->attr | (r->has_mono ? r->mono : mono);
            if (mode != TUI_COLOUR_MONO && !r->given && i != TUI_ROLE_NORMAL)
                r->resolved |= th->r[TUI_ROLE_NORMAL].resolved & A_COLOR;
            continue;
        }
        r->resolved = r->attr;
        if (r->fg != COLOUR_DEFAULT || r->bg != COLOUR_DEFAULT) {
            int fg = mode == TUI_COLOUR_8 ? to_8(r->fg) : r->fg;
            int bg = mode == TUI_COLOUR_8 ? to_8(r->bg) : r->bg;
            if (pair < COLOR_PAIRS && init_pair((short)pair, (short)fg, (short)bg) != ERR)
                r->resolved |= COLOR_PAIR(pair++);
            else
                r->resolved |= r->has_mono ? r->mono : mono;
        }
    }
}

attr_t tui_theme_attr(const struct tui_theme *th, int role)
{
    if (!th) return role == TUI_ROLE_SELECTION ? A_REVERSE : A_NORMAL;
    if (role < 0 || role >= th->n) role = TUI_ROLE_NORMAL;
    return th->r[role].resolved;
}

attr_t tui_theme_attr_named(struct tui_theme *th, const char *name)
{
    if (!th) return A_NORMAL;
    return tui_theme_attr(th, tui_theme_role(th, name));
}

enum tui_colour_mode tui_theme_mode(const struct tui_theme *th)
{
    return th ? th->mode : TUI_COLOUR_MONO;
}
