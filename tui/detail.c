/* The detail view: label/value lines in sections, scrolled by display line.
 * Wrapping is recomputed on each draw for the current width, which keeps
 * resizing trivial; detail documents are a few hundred lines at most. */
#include "tui/detail.h"

#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/text.h"

struct line {
    char *label;    /* NULL for a section heading */
    char *value;    /* the heading text for a section */
    char *role;
};

struct tui_detail {
    struct line *l;
    int n, cap;
    int top;        /* first display line shown */
    int shown;      /* display lines in the last draw's window */
    int total;      /* display lines in the last draw */
};

struct tui_detail *tui_detail_new(void)
{
    return calloc(1, sizeof(struct tui_detail));
}

void tui_detail_clear(struct tui_detail *d)
{
    for (int i = 0; i < d->n; i++) {
        free(d->l[i].label);
        free(d->l[i].value);
        free(d->l[i].role);
    }
    d->n = 0;
    d->top = 0;
}

void tui_detail_free(struct tui_detail *d)
{
    if (!d) return;
    tui_detail_clear(d);
    free(d->l);
    free(d);
}

static void add(struct tui_detail *d, const char *label, const char *value, const char *role)
{
    struct line *l;
    if (d->n == d->cap) {
        int cap = d->cap ? d->cap * 2 : 16;
        struct line *nl = realloc(d->l, (size_t)cap * sizeof *nl);
        if (!nl) return;   /* out of memory: the line is not shown */
        d->l = nl;
        d->cap = cap;
    }
    l = &d->l[d->n];
    l->label = label ? strdup(label) : NULL;
    l->value = strdup(value ? value : "");
    l->role = role ? strdup(role) : NULL;
    if ((label && !l->label) || !l->value) {
        free(l->label);
        free(l->value);
        free(l->role);
        return;
    }
    d->n++;
}

void tui_detail_section(struct tui_detail *d, const char *title)
{
    add(d, NULL, title, NULL);
}

void tui_detail_field(struct tui_detail *d, const char *label, const char *value, const char *role)
{
    add(d, label ? label : "", value, role);
}

/* Number of display lines value takes at width w (at least 1). */
static int wrapped(const char *value, int w)
{
    int lines = 1;
    const char *p = value;
    if (w <= 0) return 1;
    while (*p) {
        size_t take = tui_text_prefix(p, w);
        if (take == 0) take = 1;
        if (p[strcspn(p, "\n")] && strcspn(p, "\n") < take) take = strcspn(p, "\n") + 1;
        p += take;
        if (*p) lines++;
    }
    return lines;
}

void tui_detail_draw(struct tui_detail *d, WINDOW *w, int y, int x, int rows, int cols,
                     struct tui_theme *th, int ascii)
{
    int lw = 0, vw, line = 0;
    attr_t lab = tui_theme_attr(th, TUI_ROLE_MUTED), head = tui_theme_attr(th, TUI_ROLE_HEADER);
    (void)ascii;
    for (int i = 0; i < d->n; i++)
        if (d->l[i].label) {
            int lwi = tui_text_width(d->l[i].label);
            if (lwi > lw) lw = lwi;
        }
    if (lw > cols / 3) lw = cols / 3;
    vw = cols - lw - 3;
    d->total = 0;
    for (int i = 0; i < d->n; i++) d->total += d->l[i].label ? wrapped(d->l[i].value, vw) : 1;
    d->shown = rows;
    if (d->top > d->total - rows) d->top = d->total - rows;
    if (d->top < 0) d->top = 0;
    for (int i = 0; i < d->n && line - d->top < rows; i++) {
        struct line *l = &d->l[i];
        if (!l->label) {
            if (line >= d->top) tui_print(w, y + line - d->top, x, cols, l->value, head);
            line++;
            continue;
        }
        {
            const char *p = l->value;
            attr_t va = l->role ? tui_theme_attr_named(th, l->role) : tui_theme_attr(th, TUI_ROLE_NORMAL);
            int first = 1;
            do {
                size_t take = tui_text_prefix(p, vw > 0 ? vw : 1), nl = strcspn(p, "\n");
                char chunk[1024];
                if (take == 0 && *p) take = 1;
                if (nl < take) take = nl;
                if (take >= sizeof chunk) take = sizeof chunk - 1;
                memcpy(chunk, p, take);
                chunk[take] = '\0';
                p += take;
                if (*p == '\n') p++;
                if (line >= d->top && line - d->top < rows) {
                    int row = y + line - d->top;
                    tui_print(w, row, x, 1, "", A_NORMAL);
                    if (first) tui_print(w, row, x + 1, lw, l->label, lab);
                    tui_print(w, row, x + lw + 3, vw, chunk, va);
                }
                first = 0;
                line++;
            } while (*p);
        }
    }
}

int tui_detail_on_action(void *detail, const struct tui_action *a)
{
    struct tui_detail *d = detail;
    int old = d->top, page = d->shown > 1 ? d->shown - 1 : 1;
    switch (a->id) {
    case TUI_ACT_MOVE_UP: d->top--; break;
    case TUI_ACT_MOVE_DOWN: d->top++; break;
    case TUI_ACT_PAGE_UP: d->top -= page; break;
    case TUI_ACT_PAGE_DOWN: d->top += page; break;
    case TUI_ACT_HOME: d->top = 0; break;
    case TUI_ACT_END: d->top = d->total; break;
    default: return TUI_UNHANDLED;
    }
    if (d->top > d->total - d->shown) d->top = d->total - d->shown;
    if (d->top < 0) d->top = 0;
    return d->top == old ? TUI_HANDLED : TUI_REDRAW;
}

void tui_detail_focus(struct tui_screen *s, struct tui_detail *d)
{
    struct tui_focus f = {"detail", d, tui_detail_on_action, 0, NULL, NULL};
    tui_screen_focus(s, &f);
}
