/* The column chooser a table opens on 'columns': a small modal list where
 * Space shows or hides a column, J/K move it, Enter applies, Esc cancels. */
#include "tui/internal.h"

#include <stdio.h>
#include <string.h>

#include "tui/i18n.h"
#include "tui/table.h"
#include "tui/text.h"

struct chooser {
    struct tui_table *t;
    const struct tui_column *col;
    int item[TUI_TABLE_MAX_COLS];    /* column index, in display order */
    int shown[TUI_TABLE_MAX_COLS];
    int n, cur;
};

static int cols_open(struct tui_screen *s, const void *arg)
{
    struct chooser *c = tui_screen_priv(s);
    int order[TUI_TABLE_MAX_COLS], no, ncol;
    c->t = (struct tui_table *)(uintptr_t)arg;
    c->col = tui__table_columns(c->t, &ncol);
    no = tui_table_order(c->t, order, TUI_TABLE_MAX_COLS);
    /* Visible columns first in their order, then the hidden ones. */
    for (int i = 0; i < no; i++) {
        c->item[c->n] = order[i];
        c->shown[c->n++] = 1;
    }
    for (int k = 0; k < ncol; k++) {
        int seen = 0;
        for (int i = 0; i < no; i++) seen |= order[i] == k;
        if (!seen) {
            c->item[c->n] = k;
            c->shown[c->n++] = 0;
        }
    }
    tui__modal_size(s, c->n + 4, 44);
    return 0;
}

void tui__frame(struct tui_app *app, WINDOW *w, const char *title)
{
    int rows, cols;
    getmaxyx(w, rows, cols);
    wattrset(w, tui_theme_attr(tui_app_theme(app), TUI_ROLE_BORDER));
    if (tui_app_ascii(app)) wborder(w, '|', '|', '-', '-', '+', '+', '+', '+');
    else box(w, 0, 0);
    if (title && cols > 6) {
        char t[200];
        snprintf(t, sizeof t, " %s ", title);
        tui_print(w, 0, 2, tui_text_width(t) < cols - 4 ? tui_text_width(t) : cols - 4, t,
                  tui_theme_attr(tui_app_theme(app), TUI_ROLE_HEADER));
    }
    (void)rows;
    wattrset(w, A_NORMAL);
}

static void cols_draw(struct tui_screen *s, WINDOW *w)
{
    struct chooser *c = tui_screen_priv(s);
    struct tui_app *app = tui_screen_app(s);
    struct tui_theme *th = tui_app_theme(app);
    int rows, cols;
    tui_screen_size(s, &rows, &cols);
    tui__frame(app, w, _("Columns"));
    for (int i = 0; i < c->n && i + 1 < rows - 2; i++) {
        char line[200];
        snprintf(line, sizeof line, "[%c] %s", c->shown[i] ? 'x' : ' ', _(c->col[c->item[i]].title));
        tui_print(w, 1 + i, 2, cols - 4, line,
                  tui_theme_attr(th, i == c->cur ? TUI_ROLE_SELECTION : TUI_ROLE_DIALOG));
    }
    tui_print(w, rows - 2, 2, cols - 4, _("Space show/hide  J/K move  Enter apply"),
              tui_theme_attr(th, TUI_ROLE_MUTED));
    wmove(w, 1 + c->cur, 3);
}

static void swap(struct chooser *c, int a, int b)
{
    int ti = c->item[a], ts = c->shown[a];
    c->item[a] = c->item[b];
    c->shown[a] = c->shown[b];
    c->item[b] = ti;
    c->shown[b] = ts;
}

static int cols_action(struct tui_screen *s, const struct tui_action *a)
{
    struct chooser *c = tui_screen_priv(s);
    switch (a->id) {
    case TUI_ACT_MOVE_UP: if (c->cur > 0) c->cur--; return TUI_REDRAW;
    case TUI_ACT_MOVE_DOWN: if (c->cur < c->n - 1) c->cur++; return TUI_REDRAW;
    case TUI_ACT_TOGGLE: {
        int shown = 0;
        for (int i = 0; i < c->n; i++) shown += c->shown[i];
        if (c->shown[c->cur] && shown == 1) return TUI_HANDLED;   /* keep one */
        c->shown[c->cur] = !c->shown[c->cur];
        return TUI_REDRAW;
    }
    case TUI_ACT_SUBMIT: {
        int order[TUI_TABLE_MAX_COLS], n = 0;
        for (int i = 0; i < c->n; i++)
            if (c->shown[i]) order[n++] = c->item[i];
        tui_table_set_order(c->t, order, n);
        return TUI_BACK;
    }
    case TUI_ACT_CANCEL:
    case TUI_ACT_BACK:
        return TUI_BACK;
    default:
        break;
    }
    if (tui_action_is(a, "column_up") && c->cur > 0) {
        swap(c, c->cur, c->cur - 1);
        c->cur--;
        return TUI_REDRAW;
    }
    if (tui_action_is(a, "column_down") && c->cur < c->n - 1) {
        swap(c, c->cur, c->cur + 1);
        c->cur++;
        return TUI_REDRAW;
    }
    return TUI_HANDLED;    /* a modal list swallows the rest */
}

static const struct tui_action_def columns_actions[] = {
    {"column_up", N_("Move the column up")},
    {"column_down", N_("Move the column down")},
    {NULL, NULL},
};

static const struct tui_screen_ops columns_ops = {
    .name = "columns",
    .title = N_("Columns"),
    .priv_size = sizeof(struct chooser),
    .flags = TUI_SCREEN_MODAL | TUI_SCREEN_HIDDEN,
    .actions = columns_actions,
    .open = cols_open,
    .draw = cols_draw,
    .on_action = cols_action,
};

int tui__table_columns_open(struct tui_table *t, struct tui_app *app)
{
    return tui_push(app, &columns_ops, t);
}
