/* What surrounds every screen: the title bar with the watermark, the status
 * bar, toasts, the ':' command line with completion and the '/' filter
 * prompt, and painting it all with one doupdate. */
#include "tui/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui/i18n.h"
#include "tui/text.h"

void tui_print_aligned(WINDOW *w, int y, int x, int cols, const char *s, attr_t attr, int align)
{
    char buf[2048];
    if (cols <= 0) return;
    if (cols > 600) cols = 600;
    tui_text_fit(buf, sizeof buf, s ? s : "", cols, (enum tui_align)align, 1);
    wattrset(w, attr);
    mvwaddstr(w, y, x, buf);
    wattrset(w, A_NORMAL);
}

void tui_print(WINDOW *w, int y, int x, int cols, const char *s, attr_t attr)
{
    tui_print_aligned(w, y, x, cols, s, attr, TUI_ALIGN_LEFT);
}

void tui_app_hline(struct tui_app *app, WINDOW *w, int y, int x, int n)
{
    if (app->ascii) mvwhline(w, y, x, '-', n);
    else mvwhline(w, y, x, ACS_HLINE, n);
}

static void copy_str(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

void tui_app_status(struct tui_app *app, const struct tui_status *st)
{
    copy_str(app->user, sizeof app->user, st->user);
    copy_str(app->role, sizeof app->role, st->role);
    copy_str(app->server, sizeof app->server, st->server);
    copy_str(app->sync, sizeof app->sync, st->sync);
    app->pending = st->pending;
    app->read_only = st->read_only;
    app->dirty = 1;
}

void tui_app_watermark(struct tui_app *app, const char *who)
{
    copy_str(app->watermark, sizeof app->watermark, who);
    app->dirty = 1;
}

static int toast_expired(void *ctx)
{
    struct tui_app *app = ctx;
    app->toast[0] = '\0';
    app->toast_timer = 0;
    return TUI_REDRAW;
}

void tui_toast(struct tui_app *app, enum tui_toast_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->toast, sizeof app->toast, fmt, ap);
    va_end(ap);
    app->toast_kind = kind;
    if (app->toast_timer) tui_app_timer_cancel(app, app->toast_timer);
    app->toast_timer = tui_app_timer(app, kind == TUI_TOAST_ERROR ? 6000 : 3000, 0, toast_expired, app);
    app->dirty = 1;
}

void tui_app_copy(struct tui_app *app, const char *text)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(text), o = 0;
    char out[1024];
    (void)app;
    if (n > 600) n = 600;
    o += (size_t)snprintf(out, sizeof out, "\033]52;c;");
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)text[i] << 16;
        if (i + 1 < n) v |= (unsigned char)text[i + 1] << 8;
        if (i + 2 < n) v |= (unsigned char)text[i + 2];
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? b64[v & 63] : '=';
    }
    out[o++] = '\a';
    /* curses has flushed its output at the last doupdate; this does not
     * change any cell, so it can go straight to the terminal. */
    if (write(STDOUT_FILENO, out, o) < 0) tui_toast(app, TUI_TOAST_ERROR, "%s", _("Copy failed"));
}

int tui_app_set_theme(struct tui_app *app, const char *name)
{
    char path[1024], err[256];
    struct tui_theme *th;
    if (!*name || strchr(name, '/') || name[0] == '.') {
        tui_toast(app, TUI_TOAST_ERROR, _("No theme named '%s'"), name);
        return -1;
    }
    snprintf(path, sizeof path, "%s/themes/%s", app->datadir, name);
    if (!(th = tui_theme_load(path, err, sizeof err))) {
        tui_toast(app, TUI_TOAST_ERROR, "%s", err);
        return -1;
    }
    tui_theme_apply(th, tui_theme_mode(app->theme));
    tui_theme_free(app->theme);
    app->theme = th;
    app->relayout = app->dirty = 1;
    return 0;
}

static void draw_title(struct tui_app *app)
{
    struct tui_screen *s = NULL;
    attr_t at = tui_theme_attr(app->theme, TUI_ROLE_TITLE);
    char title[256], mark[192] = "";
    int mw = 0;
    /* The title of the screen under any dialogs. */
    for (int i = app->depth - 1; i >= 0; i--) {
        s = app->stack[i];
        if (!(s->ops->flags & TUI_SCREEN_MODAL)) break;
    }
    snprintf(title, sizeof title, " %s%s%s", s && s->ops->title ? _(s->ops->title) : "",
             s && s->subtitle[0] ? " · " : "", s ? s->subtitle : "");
    if (app->watermark[0]) {
        time_t now = time(NULL);
        struct tm tm;
        char when[32];
        localtime_r(&now, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
        snprintf(mark, sizeof mark, "%s %s ", app->watermark, when);
        mw = tui_text_width(mark);
        if (mw > app->cols / 2) mw = app->cols / 2;
    }
    wbkgdset(app->title_win, ' ' | at);
    tui_print(app->title_win, 0, 0, app->cols - mw, title, at);
    if (mw) tui_print_aligned(app->title_win, 0, app->cols - mw, mw, mark,
                              at | tui_theme_attr(app->theme, TUI_ROLE_WATERMARK), TUI_ALIGN_RIGHT);
    wnoutrefresh(app->title_win);
}

/* Appends to the NUL-terminated buf of size bytes, cutting when full. */
static void appendf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;
    if (len + 1 >= size) return;
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

static void draw_status(struct tui_app *app)
{
    attr_t at = tui_theme_attr(app->theme, TUI_ROLE_STATUS);
    char left[512] = " ", right[128];
    int n, rw;
    WINDOW *w = app->status_win;
    wbkgdset(w, ' ' | at);
    if (app->prompt != TUI_PROMPT_NONE) {
        char line[300];
        attr_t in = tui_theme_attr(app->theme, TUI_ROLE_INPUT);
        snprintf(line, sizeof line, "%c%s", app->prompt == TUI_PROMPT_COMMAND ? ':' : '/',
                 app->prompt_buf);
        n = 1 + tui_edit_cursor_col(&app->prompt_edit);
        tui_print(w, 0, 0, app->cols, line, in);
        wmove(w, 0, n < app->cols ? n : app->cols - 1);
        wnoutrefresh(w);
        return;
    }
    if (app->user[0])
        appendf(left, sizeof left, "%s%s%s%s  ", app->user, app->role[0] ? " (" : "", app->role,
                app->role[0] ? ")" : "");
    if (app->server[0]) appendf(left, sizeof left, "%s  ", app->server);
    if (app->sync[0]) appendf(left, sizeof left, "%s  ", app->sync);
    if (app->pending) {
        appendf(left, sizeof left, _("%d pending"), app->pending);
        appendf(left, sizeof left, "  ");
    }
    snprintf(right, sizeof right, "%s%s%s %s ", app->mouse ? _("mouse") : "", app->mouse ? "  " : "",
             _("? help"), _(": command"));
    rw = tui_text_width(right);
    if (rw > app->cols / 2) rw = 0;
    tui_print(w, 0, 0, app->cols - rw, left, at);
    if (rw) tui_print(w, 0, app->cols - rw, rw, right, at);
    if (app->read_only) {
        const char *ro = _("READ-ONLY");
        int x = tui_text_width(left) + 1;
        if (x + tui_text_width(ro) + 2 < app->cols - rw)
            tui_print(w, 0, x, tui_text_width(ro) + 2, ro,
                      tui_theme_attr(app->theme, TUI_ROLE_BADGE));
    }
    wnoutrefresh(w);
}

static void draw_toast(struct tui_app *app)
{
    static const int roles[] = {TUI_ROLE_INFO, TUI_ROLE_OK, TUI_ROLE_WARNING, TUI_ROLE_ERROR};
    char msg[300];
    int width;
    if (!app->toast[0] || app->rows < 4) return;
    snprintf(msg, sizeof msg, " %s ", app->toast);
    width = tui_text_width(msg);
    if (width > app->cols) width = app->cols;
    werase(app->toast_win);
    /* Only the message's cells, so the screen below stays visible. */
    mvwin(app->toast_win, app->rows - 2, 0);
    wresize(app->toast_win, 1, width > 0 ? width : 1);
    tui_print(app->toast_win, 0, 0, width, msg,
              tui_theme_attr(app->theme, roles[app->toast_kind & 3]) | A_BOLD);
    wnoutrefresh(app->toast_win);
}

void tui__paint(struct tui_app *app)
{
    int base = app->depth - 1, want_cursor;
    struct tui_screen *top = tui_top(app);
    while (base > 0 && (app->stack[base]->ops->flags & TUI_SCREEN_MODAL)) base--;
    draw_title(app);
    for (int i = base < 0 ? 0 : base; i < app->depth; i++) {
        struct tui_screen *s = app->stack[i];
        if (!s->win) continue;
        wbkgdset(s->win, ' ' | tui_theme_attr(app->theme,
                     s->ops->flags & TUI_SCREEN_MODAL ? TUI_ROLE_DIALOG : TUI_ROLE_NORMAL));
        werase(s->win);
        if (s->ops->draw) s->ops->draw(s, s->win);
    }
    for (int i = base < 0 ? 0 : base; i < app->depth; i++)
        if (app->stack[i]->win) wnoutrefresh(app->stack[i]->win);
    draw_status(app);
    draw_toast(app);
    /* The cursor goes where the prompt or the top screen left its own. */
    {
        WINDOW *cw = app->prompt != TUI_PROMPT_NONE ? app->status_win : top ? top->win : NULL;
        if (cw) {
            int cy, cx, by, bx;
            getyx(cw, cy, cx);
            getbegyx(cw, by, bx);
            setsyx(by + cy, bx + cx);
        }
    }
    want_cursor = app->prompt != TUI_PROMPT_NONE || app->accessible ||
                  (top && top->has_focus && top->focus.text_entry);
    if (want_cursor != app->cursor_on) {
        curs_set(want_cursor ? 1 : 0);
        app->cursor_on = want_cursor;
    }
    doupdate();
    app->dirty = 0;
}
