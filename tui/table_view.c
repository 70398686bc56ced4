/* Showing the table and taking its actions: column widths by display
 * width, the heading with the sort mark, rows with the selection and cell
 * roles, the "row n of m" line; moves, pages, sort, n/N, the column chooser,
 * mouse clicks, and the table as a screen's focused widget. */
#include <stdio.h>
#include <string.h>

#include "tui/i18n.h"
#include "tui/internal.h"
#include "tui/table_impl.h"
#include "tui/text.h"

/* Display widths for the visible columns within cols. */
static void layout(const struct tui_table *t, int cols, int *w)
{
    int sum = 0;
    for (int i = 0; i < t->norder; i++) {
        const struct tui_column *c = &t->col[t->order[i]];
        int min = c->min_width ? c->min_width : tui_text_width(_(c->title)) + 1;
        w[i] = t->width[t->order[i]] > min ? t->width[t->order[i]] : min;
        if (c->max_width && w[i] > c->max_width) w[i] = c->max_width;
        sum += w[i] + (i ? 1 : 0);
    }
    /* Too wide: take from the widest column, down to 4 columns each. */
    while (sum > cols) {
        int wi = -1;
        for (int i = 0; i < t->norder; i++)
            if (w[i] > 4 && (wi < 0 || w[i] > w[wi])) wi = i;
        if (wi < 0) break;
        w[wi]--;
        sum--;
    }
}

/* Shows where the filter text matches in a cell just drawn at (y, x) in cw
 * columns, when the whole match is visible. */
static void mark_match(WINDOW *w, int y, int x, int cw, const char *cell, const char *filter,
                       int right, attr_t attr)
{
    long at = tui_text_find(cell, filter);
    int width = tui_text_width(cell), before, mw;
    char part[256];
    if (at < 0 || width > cw) return;
    before = tui_text_width_n(cell, (size_t)at);
    mw = tui_text_width_n(cell + at, strlen(filter));
    if (mw <= 0 || strlen(filter) >= sizeof part) return;
    memcpy(part, cell + at, strlen(filter));
    part[strlen(filter)] = '\0';
    tui_print(w, y, x + (right ? cw - width : 0) + before, mw, part, attr);
}

void tui_table_draw(struct tui_table *t, WINDOW *w, int y, int x, int rows, int cols,
                    struct tui_theme *th, int ascii, int accessible)
{
    int wid[TUI_TABLE_MAX_COLS], cx, data = rows - 2;
    attr_t head = tui_theme_attr(th, TUI_ROLE_HEADER), norm = tui_theme_attr(th, TUI_ROLE_NORMAL);
    attr_t selattr = tui_theme_attr(th, TUI_ROLE_SELECTION), muted = tui_theme_attr(th, TUI_ROLE_MUTED);
    char foot[256], right[200];
    if (rows < 3 || cols < 4) return;
    t->draw_y = y;
    t->draw_x = x;
    if (data != t->view) {
        t->view = data;
        if (t->sel >= t->top + t->view) t->top = t->sel - t->view + 1;
    }
    if (!t->loaded) tui__table_load_start(t);
    /* Fill the screen when the buffer stops short of it. */
    if (t->nbuf - t->top < t->view && !t->at_end) tui__table_ensure_after(t, t->view);
    layout(t, cols, wid);
    cx = x;
    wattrset(w, head);
    mvwhline(w, y, x, ' ', cols);
    for (int i = 0; i < t->norder && cx < x + cols; i++) {
        int c = t->order[i], cw = wid[i] < x + cols - cx ? wid[i] : x + cols - cx;
        char title[160];
        const char *arrow = c == t->sort_col ? (ascii ? (t->sort_desc ? "v" : "^")
                                                      : (t->sort_desc ? "▼" : "▲")) : "";
        snprintf(title, sizeof title, "%s%s", _(t->col[c].title), arrow);
        tui_print_aligned(w, y, cx, cw, title, head,
                          t->col[c].flags & TUI_COL_RIGHT ? TUI_ALIGN_RIGHT : TUI_ALIGN_LEFT);
        cx += cw + 1;
    }
    for (int r = 0; r < data; r++) {
        int bi = t->top + r, rowy = y + 1 + r;
        const struct row *row;
        if (bi >= t->nbuf) break;
        row = &t->buf[bi];
        cx = x;
        if (bi == t->sel) {
            wattrset(w, selattr);
            mvwhline(w, rowy, x, ' ', cols);
        }
        for (int i = 0; i < t->norder && cx < x + cols; i++) {
            int c = t->order[i], cw = wid[i] < x + cols - cx ? wid[i] : x + cols - cx;
            attr_t a = bi == t->sel ? selattr
                     : row->role[c] ? tui_theme_attr_named(th, row->role[c]) : norm;
            tui_print_aligned(w, rowy, cx, cw, row->cell[c], a,
                              t->col[c].flags & TUI_COL_RIGHT ? TUI_ALIGN_RIGHT : TUI_ALIGN_LEFT);
            if (t->filter[0] && bi != t->sel)
                mark_match(w, rowy, cx, cw, row->cell[c], t->filter, t->col[c].flags & TUI_COL_RIGHT,
                           tui_theme_attr(th, TUI_ROLE_MATCH));
            cx += cw + 1;
        }
    }
    if (!t->nbuf)
        snprintf(foot, sizeof foot, " %s", t->err[0] ? t->err : t->filter[0] ? _("No matching rows") : _("No rows"));
    else if (t->total >= 0 && t->pos >= 0)
        {
        char part[200];
        snprintf(part, sizeof part, _("row %ld of %ld"), t->pos + 1, t->total);
        snprintf(foot, sizeof foot, " %s", part);
    }
    else
        {
        char part[200];
        snprintf(part, sizeof part, _("row %ld"), t->pos + 1);
        snprintf(foot, sizeof foot, " %s", part);
    }
    right[0] = '\0';
    if (t->filter[0]) {
        char part[190];
        snprintf(part, sizeof part, _("filter: %s"), t->filter);
        snprintf(right, sizeof right, "%s ", part);
    }
    tui_print(w, y + rows - 1, x, cols, foot, t->err[0] ? tui_theme_attr(th, TUI_ROLE_ERROR) : muted);
    if (right[0] && tui_text_width(right) < cols - tui_text_width(foot) - 1)
        tui_print_aligned(w, y + rows - 1, x + cols - tui_text_width(right), tui_text_width(right),
                          right, muted, TUI_ALIGN_RIGHT);
    if (accessible && t->nbuf) wmove(w, y + 1 + t->sel - t->top, x);
}

static int next_sort(struct tui_table *t)
{
    for (int k = 1; k <= t->norder + 1; k++) {
        int idx = -1, c;
        for (int i = 0; i < t->norder; i++)
            if (t->order[i] == t->sort_col) idx = i;
        idx = (idx + k) % (t->norder + 1);
        if (idx == t->norder) { tui_table_set_sort(t, -1, 0); return TUI_REDRAW; }
        c = t->order[idx];
        if (t->col[c].flags & TUI_COL_SORTABLE) {
            tui_table_set_sort(t, c, 0);
            return TUI_REDRAW;
        }
    }
    return TUI_HANDLED;
}

int tui_table_on_action(void *table, const struct tui_action *a)
{
    struct tui_table *t = table;
    switch (a->id) {
    case TUI_ACT_MOVE_DOWN: return tui__table_move(t, 1, 0);
    case TUI_ACT_MOVE_UP: return tui__table_move(t, -1, 0);
    case TUI_ACT_PAGE_DOWN: return tui__table_move(t, t->view > 1 ? t->view : 1, 1);
    case TUI_ACT_PAGE_UP: return tui__table_move(t, t->view > 1 ? -t->view : -1, 1);
    case TUI_ACT_HOME: tui__table_load_start(t); return TUI_REDRAW;
    case TUI_ACT_END: tui__table_load_end(t); return TUI_REDRAW;
    case TUI_ACT_NEXT_MATCH:
        if (t->nbuf && t->sel == t->nbuf - 1 && t->at_end) { tui__table_load_start(t); return TUI_REDRAW; }
        return tui__table_move(t, 1, 0);
    case TUI_ACT_PREV_MATCH:
        if (t->nbuf && t->sel == 0 && t->at_start) { tui__table_load_end(t); return TUI_REDRAW; }
        return tui__table_move(t, -1, 0);
    case TUI_ACT_SORT: return next_sort(t);
    case TUI_ACT_SORT_REVERSE:
        tui_table_set_sort(t, t->sort_col, !t->sort_desc);
        return TUI_REDRAW;
    case TUI_ACT_COLUMNS:
        if (!t->screen) return TUI_UNHANDLED;
        tui__table_columns_open(t, tui_screen_app(t->screen));
        return TUI_REDRAW;
    case TUI_ACT_MOUSE: {
        int r = a->y - (t->draw_y + 1);
        if (r < 0 || r >= t->view || t->top + r >= t->nbuf) return TUI_UNHANDLED;
        t->pos += t->top + r - t->sel;
        t->sel = t->top + r;
        return TUI_REDRAW;
    }
    default:
        return TUI_UNHANDLED;
    }
}

static void table_set_filter(void *table, const char *text)
{
    tui_table_set_filter(table, text);
}

static const char *table_copy_text(void *table)
{
    const struct tui_table *t = table;
    for (int c = 0; c < t->ncol; c++)
        if (t->col[c].flags & TUI_COL_ID) return tui_table_selected_cell(t, c);
    return tui_table_selected_key(t);
}

void tui_table_focus(struct tui_screen *s, struct tui_table *t)
{
    struct tui_focus f = {"table", t, tui_table_on_action, 0, table_set_filter, table_copy_text};
    t->screen = s;
    tui_screen_focus(s, &f);
}

const struct tui_column *tui__table_columns(const struct tui_table *t, int *n)
{
    *n = t->ncol;
    return t->col;
}
