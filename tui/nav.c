/* The navigation stack: opening and closing screens, their windows, and
 * handing a dialog's result to the screen that opened it. Closing is
 * deferred to the end of the current handler, so no screen is freed while
 * one of its own functions is running. */
#include "tui/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *tui_screen_priv(struct tui_screen *s) { return s->priv; }
struct tui_app *tui_screen_app(struct tui_screen *s) { return s->app; }
const struct tui_screen_ops *tui_screen_ops(const struct tui_screen *s) { return s->ops; }

void tui_screen_size(const struct tui_screen *s, int *rows, int *cols)
{
    if (rows) *rows = s->rows;
    if (cols) *cols = s->cols;
}

void tui_screen_focus(struct tui_screen *s, const struct tui_focus *f)
{
    if (f) {
        s->focus = *f;
        s->has_focus = 1;
    } else {
        memset(&s->focus, 0, sizeof s->focus);
        s->has_focus = 0;
    }
}

void tui_screen_subtitle(struct tui_screen *s, const char *text)
{
    snprintf(s->subtitle, sizeof s->subtitle, "%s", text ? text : "");
    s->app->dirty = 1;
}

void tui__modal_size(struct tui_screen *s, int rows, int cols)
{
    s->modal_rows = rows;
    s->modal_cols = cols;
}

struct tui_screen *tui_top(struct tui_app *app)
{
    return app->depth ? app->stack[app->depth - 1] : NULL;
}

int tui_depth(const struct tui_app *app)
{
    return app->depth;
}

/* (Re)creates the screen's window for the current terminal size. */
static void place(struct tui_app *app, struct tui_screen *s)
{
    int area = app->rows > 3 ? app->rows - 2 : 1, rows = area, cols = app->cols, y = 1, x = 0;
    if (s->modal_rows > 0) {
        rows = s->modal_rows < area ? s->modal_rows : area;
        cols = s->modal_cols > 0 && s->modal_cols < app->cols ? s->modal_cols : app->cols;
        y = 1 + (area - rows) / 2;
        x = (app->cols - cols) / 2;
    }
    if (s->win) delwin(s->win);
    s->win = newwin(rows, cols, y, x);
    if (s->win) keypad(s->win, TRUE);
    s->rows = s->win ? rows : 0;
    s->cols = s->win ? cols : 0;
    if (s->ops->layout) s->ops->layout(s, s->rows, s->cols);
}

void tui__layout_all(struct tui_app *app)
{
    tui__term_size(&app->rows, &app->cols);
    if (app->rows != LINES || app->cols != COLS) resizeterm(app->rows, app->cols);
    if (app->title_win) delwin(app->title_win);
    if (app->status_win) delwin(app->status_win);
    if (app->toast_win) delwin(app->toast_win);
    app->title_win = newwin(1, app->cols, 0, 0);
    app->status_win = newwin(1, app->cols, app->rows > 1 ? app->rows - 1 : 0, 0);
    app->toast_win = newwin(1, app->cols, app->rows > 2 ? app->rows - 2 : 0, 0);
    for (int i = 0; i < app->depth; i++) place(app, app->stack[i]);
    /* The old contents are gone; draw everything. */
    clearok(curscr, TRUE);
    app->relayout = 0;
    app->dirty = 1;
}

int tui_push(struct tui_app *app, const struct tui_screen_ops *ops, const void *arg)
{
    struct tui_screen *s;
    if (!app->running || app->depth == TUI_MAX_DEPTH) return -1;
    if (!(s = calloc(1, sizeof *s))) return -1;
    s->ops = ops;
    s->app = app;
    if (!(s->priv = calloc(1, ops->priv_size ? ops->priv_size : 1))) {
        free(s);
        return -1;
    }
    app->stack[app->depth++] = s;
    if (ops->open && ops->open(s, arg) < 0) {
        app->depth--;
        if (ops->close) ops->close(s);
        tui__timers_drop_owner(app, s);
        free(s->priv);
        free(s);
        app->dirty = 1;
        return -1;
    }
    place(app, s);
    app->dirty = 1;
    return 0;
}

int tui_push_name(struct tui_app *app, const char *name, const void *arg)
{
    for (size_t i = 0; i < app->cfg.nscreens; i++)
        if (!strcmp(app->cfg.screens[i]->name, name)) return tui_push(app, app->cfg.screens[i], arg);
    return -1;
}

void tui_pop(struct tui_app *app)
{
    struct tui_screen *top = tui_top(app);
    if (top) top->closing = 1;
    app->dirty = 1;
}

int tui__finish(struct tui_screen *s, const struct tui_action *result)
{
    s->result = *result;
    s->has_result = 1;
    return TUI_BACK;
}

static void destroy(struct tui_app *app, struct tui_screen *s)
{
    if (s->ops->close) s->ops->close(s);
    tui__timers_drop_owner(app, s);
    if (s->win) delwin(s->win);
    free(s->priv);
    free(s);
}

void tui__reap(struct tui_app *app)
{
    for (;;) {
        int i, was_top;
        struct tui_screen *s = NULL, *below;
        for (i = app->depth - 1; i >= 0; i--)
            if (app->stack[i]->closing) { s = app->stack[i]; break; }
        if (!s) return;
        was_top = i == app->depth - 1;
        memmove(&app->stack[i], &app->stack[i + 1], (size_t)(app->depth - i - 1) * sizeof s);
        app->depth--;
        below = i > 0 ? app->stack[i - 1] : NULL;
        if (below && below->ops->on_action && !below->closing) {
            struct tui_action a;
            if (s->has_result) a = s->result;
            else tui__action_init(&a, TUI_ACT_RESUME, NULL, 0);
            if (s->has_result || was_top) tui__apply(app, below, below->ops->on_action(below, &a));
        }
        destroy(app, s);   /* after the result was read: it may point into s */
        app->dirty = 1;
    }
}

void tui__close_all(struct tui_app *app)
{
    while (app->depth > 0) destroy(app, app->stack[--app->depth]);
}

void tui_split_rows(int rows, int *top, int *bottom)
{
    if (rows < 28) {
        *top = rows;
        *bottom = 0;
        return;
    }
    *top = rows * 2 / 5;
    if (*top < 5) *top = 5;
    *bottom = rows - *top;
}
