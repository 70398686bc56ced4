/* The virtualised table. It holds a window of consecutive rows (buf) around
 * the selection, in the source's order, and asks the source for more by key
 * when the selection nears either end; rows far from the selection are
 * dropped. The selected position and the total come from the source's rank
 * and count on jumps and are tracked by arithmetic on moves, so scrolling
 * never counts. Column widths only grow while scrolling, so moving the
 * selection repaints only the rows that changed. Drawing and actions are in
 * table_view.c. */
#include "tui/table_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/i18n.h"
#include "tui/text.h"

static void row_free(struct row *r)
{
    free(r->mem);
    r->mem = NULL;
}

int tui_rows_add(struct tui_rows *out, const char *key, const char *const *cells,
                 const char *const *roles)
{
    const struct tui_table *t = out->t;
    size_t len = strlen(key ? key : "") + 1;
    struct row *r;
    char *p;
    if (out->n >= out->max) return -1;
    for (int i = 0; i < t->ncol; i++) {
        len += strlen(cells && cells[i] ? cells[i] : "") + 1;
        if (roles && roles[i]) len += strlen(roles[i]) + 1;
    }
    r = &out->r[out->n];
    memset(r, 0, sizeof *r);
    if (!(r->mem = malloc(len))) return -1;
    p = r->mem;
#define PUT(dst, s) do { size_t l_ = strlen(s) + 1; memcpy(p, s, l_); dst = p; p += l_; } while (0)
    PUT(r->key, key ? key : "");
    if (strlen(r->key) >= TUI_TABLE_KEY_MAX) r->mem[TUI_TABLE_KEY_MAX - 1] = '\0';
    for (int i = 0; i < t->ncol; i++) {
        PUT(r->cell[i], cells && cells[i] ? cells[i] : "");
        if (roles && roles[i]) PUT(r->role[i], roles[i]);
    }
#undef PUT
    out->n++;
    return 0;
}

struct tui_table *tui_table_new(const struct tui_column *cols, int ncols,
                                const struct tui_table_source *src)
{
    struct tui_table *t;
    if (!cols || ncols <= 0 || ncols > TUI_TABLE_MAX_COLS || !src || !src->fetch) return NULL;
    if (!(t = calloc(1, sizeof *t))) return NULL;
    t->col = cols;
    t->ncol = ncols;
    t->src = src;
    for (int i = 0; i < ncols; i++)
        if (!(cols[i].flags & TUI_COL_HIDDEN)) t->order[t->norder++] = i;
    t->sort_col = -1;
    t->view = 20;
    t->pos = t->total = -1;
    return t;
}

static void clear_buf(struct tui_table *t)
{
    for (int i = 0; i < t->nbuf; i++) row_free(&t->buf[i]);
    t->nbuf = t->sel = t->top = 0;
}

void tui_table_free(struct tui_table *t)
{
    if (!t) return;
    clear_buf(t);
    free(t->buf);
    free(t);
}

static struct tui_table_query query(const struct tui_table *t)
{
    struct tui_table_query q = {t->sort_col, t->sort_desc, t->filter};
    return q;
}

/* Asks the source for up to n rows; returns how many came (-1 on error) in
 * *out (malloc'd, caller frees the rows and the array). */
static int fetch(struct tui_table *t, const char *key, int dir, int n, struct row **out)
{
    struct tui_table_query q = query(t);
    struct tui_rows rows = {t, calloc((size_t)n, sizeof(struct row)), 0, n};
    *out = rows.r;
    if (!rows.r) return -1;
    if (t->src->fetch(t->src->ctx, &q, key, dir, n, &rows) < 0) {
        snprintf(t->err, sizeof t->err, "%s", _("Could not read rows"));
        for (int i = 0; i < rows.n; i++) row_free(&rows.r[i]);
        return -1;
    }
    t->err[0] = '\0';
    return rows.n;
}

static int reserve(struct tui_table *t, int n)
{
    if (n <= t->cap) return 0;
    struct row *nb = realloc(t->buf, (size_t)n * sizeof *nb);
    if (!nb) return -1;
    t->buf = nb;
    t->cap = n;
    return 0;
}

static int chunk(const struct tui_table *t)
{
    return t->view * 2 + 8;
}

static void count(struct tui_table *t)
{
    struct tui_table_query q = query(t);
    t->total = t->src->count ? t->src->count(t->src->ctx, &q) : -1;
}

static void rank(struct tui_table *t)
{
    struct tui_table_query q = query(t);
    t->pos = t->nbuf && t->src->rank ? t->src->rank(t->src->ctx, &q, t->buf[t->sel].key) : -1;
    if (!t->nbuf) t->pos = -1;
}

static void grow_widths(struct tui_table *t, const struct row *r, int n)
{
    for (int i = 0; i < n; i++)
        for (int c = 0; c < t->ncol; c++) {
            int w = tui_text_width(r[i].cell[c]);
            if (w > t->width[c]) t->width[c] = w;
        }
}

/* Replaces the buffer with before (nearest first) + from. */
static void rebuild(struct tui_table *t, struct row *before, int nb, struct row *from, int nf)
{
    clear_buf(t);
    if (reserve(t, nb + nf) < 0) {
        for (int i = 0; i < nb; i++) row_free(&before[i]);
        for (int i = 0; i < nf; i++) row_free(&from[i]);
        return;
    }
    for (int i = 0; i < nb; i++) t->buf[i] = before[nb - 1 - i];
    for (int i = 0; i < nf; i++) t->buf[nb + i] = from[i];
    t->nbuf = nb + nf;
    grow_widths(t, t->buf, t->nbuf);
}

void tui__table_load_start(struct tui_table *t)
{
    struct row *r;
    int n = chunk(t), got = fetch(t, NULL, TUI_FETCH_AFTER, n, &r);
    memset(t->width, 0, sizeof t->width);
    t->loaded = 1;
    if (got >= 0) rebuild(t, NULL, 0, r, got);
    free(r);
    t->sel = t->top = 0;
    t->at_start = 1;
    t->at_end = got >= 0 && got < n;
    count(t);
    t->pos = t->nbuf ? 0 : -1;
}

void tui__table_load_end(struct tui_table *t)
{
    struct row *r;
    int n = chunk(t), got = fetch(t, NULL, TUI_FETCH_BEFORE, n, &r);
    if (got >= 0) rebuild(t, r, got, NULL, 0);
    free(r);
    t->sel = t->nbuf ? t->nbuf - 1 : 0;
    t->top = t->sel - t->view + 1 > 0 ? t->sel - t->view + 1 : 0;
    t->at_end = 1;
    t->at_start = got >= 0 && got < n;
    count(t);
    t->pos = t->total > 0 ? t->total - 1 : -1;
    if (t->pos < 0) rank(t);
}

/* Fetches around key (FROM key, and before it), selecting the row at key
 * and showing it on screen line `line`. Returns the rows from key. */
static int load_at(struct tui_table *t, const char *key, int line)
{
    char k[TUI_TABLE_KEY_MAX];
    struct row *b, *f;
    int n = chunk(t), nb, nf;
    snprintf(k, sizeof k, "%s", key);
    nf = fetch(t, k, TUI_FETCH_FROM, n, &f);
    if (nf < 0) { free(f); return -1; }
    nb = fetch(t, k, TUI_FETCH_BEFORE, n, &b);
    if (nb < 0) nb = 0;
    if (nf == 0 && nb == 0) {         /* nothing near the key any more */
        free(b);
        free(f);
        tui__table_load_start(t);
        return 0;
    }
    rebuild(t, b, nb, f, nf);
    free(b);
    free(f);
    t->at_start = nb < n;
    t->at_end = nf < n;
    t->sel = nf > 0 ? nb : t->nbuf - 1;
    if (t->sel < 0) t->sel = 0;
    if (line < 0) line = 0;
    if (line >= t->view) line = t->view - 1;
    t->top = t->sel - line > 0 ? t->sel - line : 0;
    count(t);
    rank(t);
    return nf;
}

/* Drops rows far from the selection so the buffer stays small. */
static void trim(struct tui_table *t)
{
    int keep = chunk(t) * 2, drop;
    if (t->nbuf <= keep * 2) return;
    drop = t->top - keep;
    if (drop > 0) {
        for (int i = 0; i < drop; i++) row_free(&t->buf[i]);
        memmove(t->buf, t->buf + drop, (size_t)(t->nbuf - drop) * sizeof *t->buf);
        t->nbuf -= drop;
        t->sel -= drop;
        t->top -= drop;
        t->at_start = 0;
    }
    drop = t->nbuf - (t->top + t->view + keep);
    if (drop > 0) {
        for (int i = t->nbuf - drop; i < t->nbuf; i++) row_free(&t->buf[i]);
        t->nbuf -= drop;
        t->at_end = 0;
    }
}

void tui__table_ensure_after(struct tui_table *t, int k)
{
    struct row *r;
    int n, got;
    if (t->at_end || t->nbuf - 1 - t->sel >= k || !t->nbuf) return;
    n = k > chunk(t) ? k : chunk(t);
    got = fetch(t, t->buf[t->nbuf - 1].key, TUI_FETCH_AFTER, n, &r);
    if (got >= 0 && reserve(t, t->nbuf + got) == 0) {
        memcpy(t->buf + t->nbuf, r, (size_t)got * sizeof *r);
        grow_widths(t, t->buf + t->nbuf, got);
        t->nbuf += got;
        t->at_end = got < n;
    } else if (got > 0) {
        for (int i = 0; i < got; i++) row_free(&r[i]);
    }
    free(r);
}

static void ensure_before(struct tui_table *t, int k)
{
    struct row *r;
    int n, got;
    if (t->at_start || t->sel >= k || !t->nbuf) return;
    n = k > chunk(t) ? k : chunk(t);
    got = fetch(t, t->buf[0].key, TUI_FETCH_BEFORE, n, &r);
    if (got >= 0 && reserve(t, t->nbuf + got) == 0) {
        memmove(t->buf + got, t->buf, (size_t)t->nbuf * sizeof *t->buf);
        for (int i = 0; i < got; i++) t->buf[got - 1 - i] = r[i];
        grow_widths(t, t->buf, got);
        t->nbuf += got;
        t->sel += got;
        t->top += got;
        t->at_start = got < n;
    } else if (got > 0) {
        for (int i = 0; i < got; i++) row_free(&r[i]);
    }
    free(r);
}

/* Moves the selection by delta rows; page moves keep the screen line. */
int tui__table_move(struct tui_table *t, int delta, int page)
{
    int old = t->sel, line = t->sel - t->top, step;
    if (!t->loaded) tui__table_load_start(t);
    if (!t->nbuf) return TUI_HANDLED;
    if (delta > 0) {
        tui__table_ensure_after(t, delta + (page ? t->view : 0));
        step = t->nbuf - 1 - t->sel < delta ? t->nbuf - 1 - t->sel : delta;
    } else {
        ensure_before(t, -delta + (page ? t->view : 0));
        step = t->sel < -delta ? -t->sel : delta;
    }
    t->sel += step;
    if (t->pos >= 0) t->pos += step;
    if (page) t->top = t->sel - line;
    if (t->top > t->sel) t->top = t->sel;
    if (t->sel >= t->top + t->view) t->top = t->sel - t->view + 1;
    if (t->top < 0) t->top = 0;
    trim(t);
    return t->sel == old && step == 0 ? TUI_HANDLED : TUI_REDRAW;
}

void tui_table_reload(struct tui_table *t)
{
    if (!t->loaded || !t->nbuf) {
        tui__table_load_start(t);
        return;
    }
    load_at(t, t->buf[t->sel].key, t->sel - t->top);
}

int tui_table_select_key(struct tui_table *t, const char *key)
{
    struct row *r;
    int got = fetch(t, key, TUI_FETCH_FROM, 1, &r), same = got == 1 && !strcmp(r[0].key, key);
    if (got > 0) row_free(&r[0]);
    free(r);
    if (!same) return -1;
    load_at(t, key, t->view / 2);
    return 0;
}

void tui_table_set_filter(struct tui_table *t, const char *text)
{
    snprintf(t->filter, sizeof t->filter, "%s", text ? text : "");
    tui__table_load_start(t);
}

void tui_table_set_sort(struct tui_table *t, int col, int desc)
{
    t->sort_col = col >= 0 && col < t->ncol ? col : -1;
    t->sort_desc = desc;
    tui__table_load_start(t);
}

void tui_table_set_order(struct tui_table *t, const int *order, int n)
{
    int k = 0;
    for (int i = 0; i < n && k < TUI_TABLE_MAX_COLS; i++)
        if (order[i] >= 0 && order[i] < t->ncol) t->order[k++] = order[i];
    if (k) t->norder = k;
}

int tui_table_order(const struct tui_table *t, int *order, int max)
{
    int n = t->norder < max ? t->norder : max;
    memcpy(order, t->order, (size_t)n * sizeof *order);
    return n;
}

const char *tui_table_selected_key(const struct tui_table *t)
{
    return t->nbuf ? t->buf[t->sel].key : NULL;
}

const char *tui_table_selected_cell(const struct tui_table *t, int col)
{
    return t->nbuf && col >= 0 && col < t->ncol ? t->buf[t->sel].cell[col] : NULL;
}

long tui_table_position(const struct tui_table *t, long *total)
{
    if (total) *total = t->total;
    return t->nbuf ? t->pos : -1;
}

const char *tui_table_error(const struct tui_table *t)
{
    return t->err[0] ? t->err : NULL;
}
