/* The application object and its one loop: poll() on the terminal, the
 * signal self-pipe and registered descriptors, with the nearest timer as the
 * timeout; keys become actions through the keymap and go to the focused
 * widget, the screen, the application and the framework in turn. */
#include "tui/internal.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui/i18n.h"

/* Indexed by enum tui_action_id. */
static const char *const action_names[TUI_ACT_BUILTIN_COUNT] = {
    "none", "key", "", "move_up", "move_down", "move_left", "move_right", "page_up",
    "page_down", "home", "end", "open", "back", "quit", "help", "command", "filter",
    "next_match", "prev_match", "redraw", "sort", "sort_reverse", "columns", "copy",
    "mouse_toggle", "next_field", "prev_field", "submit", "cancel", "delete_back",
    "delete", "complete", "toggle", "mouse", "dialog_done", "form_done", "resume",
};

static const struct tui_action_def builtin_help[] = {
    {"move_up", N_("Move up")},
    {"move_down", N_("Move down")},
    {"move_left", N_("Move left / previous choice")},
    {"move_right", N_("Move right / next choice")},
    {"page_up", N_("Previous page")},
    {"page_down", N_("Next page")},
    {"home", N_("Go to the first row")},
    {"end", N_("Go to the last row")},
    {"open", N_("Open the selected item")},
    {"back", N_("Go back (quit on the first screen)")},
    {"quit", N_("Quit")},
    {"help", N_("Show this help")},
    {"command", N_("Command line (Tab completes)")},
    {"filter", N_("Filter the table as you type")},
    {"next_match", N_("Next match")},
    {"prev_match", N_("Previous match")},
    {"redraw", N_("Redraw the screen")},
    {"sort", N_("Sort by the next column")},
    {"sort_reverse", N_("Reverse the sort order")},
    {"columns", N_("Choose and reorder columns")},
    {"copy", N_("Copy the selected id to the clipboard")},
    {"mouse_toggle", N_("Turn the mouse on or off")},
    {"next_field", N_("Next field")},
    {"prev_field", N_("Previous field")},
    {"submit", N_("Confirm / submit")},
    {"cancel", N_("Cancel")},
    {"delete_back", N_("Delete the character before the cursor")},
    {"delete", N_("Delete the character under the cursor")},
    {"complete", N_("Complete the command")},
    {"toggle", N_("Toggle the choice")},
    {NULL, NULL},
};

int64_t tui__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int tui__action_id(const char *name)
{
    for (int i = TUI_ACT_MOVE_UP; i < TUI_ACT_BUILTIN_COUNT; i++)
        if (!strcmp(action_names[i], name)) return i;
    return TUI_ACT_NAMED;
}

const char *tui__action_name(int id)
{
    return id >= 0 && id < TUI_ACT_BUILTIN_COUNT ? action_names[id] : "";
}

const char *tui__builtin_help(const char *name)
{
    for (const struct tui_action_def *d = builtin_help; d->name; d++)
        if (!strcmp(d->name, name)) return d->help;
    return NULL;
}

void tui__action_init(struct tui_action *a, int id, const char *name, int key)
{
    memset(a, 0, sizeof *a);
    a->id = id;
    a->name = name ? name : tui__action_name(id);
    a->key = key;
}

struct tui_app *tui_app_new(const struct tui_config *cfg, char *err, size_t errsz)
{
    struct tui_app *app = calloc(1, sizeof *app);
    const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
    char path[1024];
    if (!app) { snprintf(err, errsz, "out of memory"); return NULL; }
    app->cfg = *cfg;
    snprintf(app->datadir, sizeof app->datadir, "%s", cfg->datadir ? cfg->datadir : ".");
    app->ascii = cfg->ascii_lines;
    app->accessible = cfg->accessible;
    app->mouse = cfg->mouse;
    app->no_color = cfg->no_color;
    app->next_handle = 1;
    if (!(app->km = tui_keymap_new())) { snprintf(err, errsz, "out of memory"); goto fail; }
    if (cfg->keymap_defaults &&
        tui_keymap_load_text(app->km, cfg->keymap_defaults, "built-in keymap", err, errsz) < 0)
        goto fail;
    snprintf(path, sizeof path, "%s/keymap", app->datadir);
    if (tui_keymap_load(app->km, path, err, errsz) < 0) goto fail;
    /* The user's overrides; having none is normal. */
    if (cfg->config_home) snprintf(path, sizeof path, "%s/%s/keymap", cfg->config_home, cfg->app_name);
    else if (xdg && *xdg) snprintf(path, sizeof path, "%s/%s/keymap", xdg, cfg->app_name);
    else snprintf(path, sizeof path, "%s/.config/%s/keymap", home ? home : ".", cfg->app_name);
    if (access(path, F_OK) == 0 && tui_keymap_load(app->km, path, err, errsz) < 0) goto fail;
    snprintf(path, sizeof path, "%s/themes/%s", app->datadir, cfg->theme ? cfg->theme : "dark");
    if (!(app->theme = tui_theme_load(path, err, errsz))) goto fail;
    return app;
fail:
    tui_app_free(app);
    return NULL;
}

void tui_app_free(struct tui_app *app)
{
    if (!app) return;
    tui__close_all(app);
    tui_keymap_free(app->km);
    tui_theme_free(app->theme);
    free(app->timers);
    free(app);
}

void *tui_app_ctx(struct tui_app *app) { return app->cfg.ctx; }
struct tui_theme *tui_app_theme(struct tui_app *app) { return app->theme; }
const struct tui_keymap *tui_app_keymap(const struct tui_app *app) { return app->km; }
int tui_app_ascii(const struct tui_app *app) { return app->ascii; }
int tui_app_accessible(const struct tui_app *app) { return app->accessible; }

void tui_app_request(struct tui_app *app, int flags)
{
    if (flags & TUI_RELAYOUT) app->relayout = 1;
    if (flags & (TUI_REDRAW | TUI_RELAYOUT)) app->dirty = 1;
    if (flags & TUI_QUIT) app->quit = 1;
}

void tui_app_quit(struct tui_app *app)
{
    app->quit = 1;
}

int tui_app_watch(struct tui_app *app, int fd, short events,
                  int (*cb)(void *ctx, int fd, short revents), void *ctx)
{
    for (int i = 0; i < app->nwatch; i++)
        if (app->watches[i].fd == fd) {
            app->watches[i] = (struct tui_watch){fd, events, cb, ctx};
            return 0;
        }
    if (app->nwatch == TUI_MAX_WATCHES || fd < 0) return -1;
    app->watches[app->nwatch++] = (struct tui_watch){fd, events, cb, ctx};
    return 0;
}

void tui_app_unwatch(struct tui_app *app, int fd)
{
    for (int i = 0; i < app->nwatch; i++)
        if (app->watches[i].fd == fd) {
            app->watches[i] = app->watches[--app->nwatch];
            return;
        }
}

static int timer_add(struct tui_app *app, int ms, int repeat, int (*cb)(void *ctx), void *ctx,
                     struct tui_screen *owner, int timer_id)
{
    int slot = -1;
    if (ms < 0) ms = 0;
    for (int i = 0; i < app->ntimers; i++)
        if (!app->timers[i].handle) { slot = i; break; }
    if (slot < 0) {
        struct tui_timer *nt = realloc(app->timers, (size_t)(app->ntimers + 8) * sizeof *nt);
        if (!nt) return -1;
        memset(nt + app->ntimers, 0, 8 * sizeof *nt);
        app->timers = nt;
        slot = app->ntimers;
        app->ntimers += 8;
    }
    app->timers[slot] = (struct tui_timer){app->next_handle++, tui__now_ms() + ms,
                                           repeat ? (ms ? ms : 1) : 0, cb, ctx, owner, timer_id};
    if (app->next_handle == INT_MAX) app->next_handle = 1;
    return app->timers[slot].handle;
}

int tui_app_timer(struct tui_app *app, int ms, int repeat, int (*cb)(void *ctx), void *ctx)
{
    return cb ? timer_add(app, ms, repeat, cb, ctx, NULL, 0) : -1;
}

int tui_screen_timer(struct tui_screen *s, int ms, int repeat, int timer_id)
{
    return timer_add(s->app, ms, repeat, NULL, NULL, s, timer_id);
}

void tui_app_timer_cancel(struct tui_app *app, int handle)
{
    for (int i = 0; handle > 0 && i < app->ntimers; i++)
        if (app->timers[i].handle == handle) app->timers[i].handle = 0;
}

void tui__timers_drop_owner(struct tui_app *app, struct tui_screen *s)
{
    for (int i = 0; i < app->ntimers; i++)
        if (app->timers[i].handle && app->timers[i].owner == s) app->timers[i].handle = 0;
}

static int next_timeout(struct tui_app *app)
{
    int64_t now = tui__now_ms(), best = -1;
    for (int i = 0; i < app->ntimers; i++) {
        int64_t d;
        if (!app->timers[i].handle) continue;
        d = app->timers[i].due - now;
        if (d < 0) d = 0;
        if (best < 0 || d < best) best = d;
    }
    return best > INT_MAX ? INT_MAX : (int)best;
}

static void run_timers(struct tui_app *app)
{
    int64_t now = tui__now_ms();
    /* Index loop: callbacks may add timers and move the array. */
    for (int i = 0; i < app->ntimers; i++) {
        struct tui_timer t = app->timers[i];
        int flags;
        if (!t.handle || t.due > now) continue;
        if (t.period) app->timers[i].due = now + t.period;
        else app->timers[i].handle = 0;
        if (t.owner) {
            flags = t.owner->ops->on_timer && !t.owner->closing
                        ? t.owner->ops->on_timer(t.owner, t.timer_id) : 0;
            tui__apply(app, t.owner, flags);
        } else {
            flags = t.cb(t.ctx);
            tui__apply(app, tui_top(app), flags);
        }
    }
    tui__reap(app);
}

void tui__apply(struct tui_app *app, struct tui_screen *s, int flags)
{
    if (flags & TUI_QUIT) app->quit = 1;
    if (flags & TUI_BACK && s) s->closing = 1;
    if (flags & TUI_RELAYOUT) app->relayout = 1;
    if (flags & (TUI_REDRAW | TUI_RELAYOUT | TUI_BACK)) app->dirty = 1;
}

/* What the framework does with an action nobody else took. */
static int builtin_action(struct tui_app *app, struct tui_screen *top, const struct tui_action *a)
{
    switch (a->id) {
    case TUI_ACT_BACK:
        if (app->depth > 1) return TUI_BACK;
        return a->key == 27 ? TUI_HANDLED : TUI_QUIT;   /* a stray Esc never quits */
    case TUI_ACT_QUIT:
        return TUI_QUIT;
    case TUI_ACT_HELP:
        return tui_push(app, &tui__help_ops, top) == 0 ? TUI_REDRAW : TUI_HANDLED;
    case TUI_ACT_COMMAND:
        tui__prompt_open(app, TUI_PROMPT_COMMAND);
        return TUI_REDRAW;
    case TUI_ACT_FILTER:
        if (top && top->has_focus && top->focus.set_filter) {
            tui__prompt_open(app, TUI_PROMPT_FILTER);
            return TUI_REDRAW;
        }
        tui_toast(app, TUI_TOAST_INFO, "%s", _("Nothing to filter here"));
        return TUI_REDRAW;
    case TUI_ACT_REDRAW:
        clearok(curscr, TRUE);
        return TUI_RELAYOUT;
    case TUI_ACT_COPY:
        return tui__run_command(app, "copy");
    case TUI_ACT_MOUSE_TOGGLE:
        return tui__run_command(app, "mouse");
    default:
        return TUI_UNHANDLED;
    }
}

int tui__dispatch(struct tui_app *app, const struct tui_action *a)
{
    struct tui_screen *top = tui_top(app);
    int r = 0;
    if (top && top->has_focus && top->focus.on_action) {
        r = top->focus.on_action(top->focus.widget, a);
        if (r) { tui__apply(app, top, r); return r; }
    }
    if (top && top->ops->on_action && (r = top->ops->on_action(top, a))) {
        tui__apply(app, top, r);
        return r;
    }
    /* Modal screens keep global keys from acting underneath them. */
    if (top && (top->ops->flags & TUI_SCREEN_MODAL)) return 0;
    if (app->cfg.on_action && (r = app->cfg.on_action(app, a, app->cfg.ctx))) {
        tui__apply(app, top, r);
        return r;
    }
    r = builtin_action(app, top, a);
    tui__apply(app, top, r);
    return r;
}

static int printable(int key)
{
    return key >= 0x20 && key != 0x7F && key < TUI_KEY_BASE;
}

/* One key from the terminal. */
static void handle_key(struct tui_app *app, int key)
{
    struct tui_screen *top = tui_top(app);
    struct tui_action a;
    const char *name = NULL;
    if (app->prompt != TUI_PROMPT_NONE) {
        tui__prompt_key(app, key);
        return;
    }
    if (!top) return;
    if (top->has_focus && top->focus.text_entry && printable(key)) {
        tui__action_init(&a, TUI_ACT_KEY, NULL, key);
        if (tui__dispatch(app, &a)) return;
    }
    if (top->has_focus && top->focus.context) name = tui_keymap_lookup(app->km, top->focus.context, key);
    if (!name) name = tui_keymap_lookup(app->km, top->ops->name, key);
    if (!name) name = tui_keymap_lookup(app->km, "global", key);
    if (name) tui__action_init(&a, tui__action_id(name), name, key);
    else tui__action_init(&a, TUI_ACT_KEY, NULL, key);
    tui__dispatch(app, &a);
}

static void handle_mouse(struct tui_app *app)
{
    MEVENT ev;
    struct tui_screen *top = tui_top(app);
    struct tui_action a;
    int by = 0, bx = 0;
    if (getmouse(&ev) != OK || !top) return;
    if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
        int id = ev.bstate & BUTTON4_PRESSED ? TUI_ACT_MOVE_UP : TUI_ACT_MOVE_DOWN;
        for (int i = 0; i < 3; i++) {
            tui__action_init(&a, id, NULL, 0);
            tui__dispatch(app, &a);
        }
        return;
    }
    getbegyx(top->win, by, bx);
    tui__action_init(&a, TUI_ACT_MOUSE, NULL, 0);
    a.y = ev.y - by;
    a.x = ev.x - bx;
    tui__dispatch(app, &a);
}

static void read_keys(struct tui_app *app)
{
    wint_t wch;
    int rc;
    while (!app->quit && (rc = wget_wch(stdscr, &wch)) != ERR) {
        int key;
        if (rc == KEY_CODE_YES) {
            if (wch == KEY_MOUSE) { handle_mouse(app); continue; }
            if (wch == KEY_RESIZE) { app->relayout = app->dirty = 1; continue; }
            key = wch == KEY_ENTER ? '\r' : TUI_KEY_BASE + (int)wch;
        } else {
            key = (int)wch;
            if (key == 127 || key == 8) key = TUI_KEY_BASE + KEY_BACKSPACE;
            if (key == '\n') key = '\r';
        }
        handle_key(app, key);
        tui__reap(app);
    }
}

static void handle_signals(struct tui_app *app)
{
    unsigned seen = tui__term_signals();
    if (seen & (1u << SIGWINCH)) {
        int rows, cols;
        tui__term_size(&rows, &cols);
        resizeterm(rows, cols);
        app->relayout = app->dirty = 1;
    }
    for (int sig = 1; sig < 32; sig++)
        if ((seen & (1u << sig)) && (sig == SIGTERM || sig == SIGHUP || sig == SIGINT)) {
            app->quit = 1;
            app->exit_code = 128 + sig;
        }
}

static int clock_tick(void *ctx)
{
    struct tui_app *app = ctx;
    return app->watermark[0] ? TUI_REDRAW : 0;
}

int tui_app_run(struct tui_app *app, const struct tui_screen_ops *first, const void *arg,
                char *err, size_t errsz)
{
    if (tui__term_start(app, err, errsz) < 0) return -1;
    app->running = 1;
    app->quit = 0;
    app->exit_code = 0;
    tui__term_size(&app->rows, &app->cols);
    if (app->rows != LINES || app->cols != COLS) resizeterm(app->rows, app->cols);
    tui__layout_all(app);
    if (tui_push(app, first, arg) < 0) {
        tui__close_all(app);
        tui__term_stop(app);
        app->running = 0;
        snprintf(err, errsz, "the first screen (%s) could not be opened", first->name);
        return -1;
    }
    app->clock_timer = tui_app_timer(app, 20000, 1, clock_tick, app);
    app->dirty = 1;
    while (!app->quit && app->depth > 0) {
        struct pollfd pfd[2 + TUI_MAX_WATCHES];
        int nw = app->nwatch, n;
        if (app->relayout) tui__layout_all(app);
        if (app->dirty) tui__paint(app);
        pfd[0] = (struct pollfd){STDIN_FILENO, POLLIN, 0};
        pfd[1] = (struct pollfd){tui__term_sigfd(), POLLIN, 0};
        for (int i = 0; i < nw; i++)
            pfd[2 + i] = (struct pollfd){app->watches[i].fd, app->watches[i].events, 0};
        n = poll(pfd, (nfds_t)(2 + nw), next_timeout(app));
        if (n < 0 && errno != EINTR) break;
        if (n > 0 && pfd[1].revents) handle_signals(app);
        if (n > 0 && (pfd[0].revents & POLLIN)) read_keys(app);
        if (n > 0 && (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))) {
            /* the terminal went away: the keys it still had are read, and
             * then polling it again would only return at once, forever */
            app->quit = 1;
            app->exit_code = 128 + SIGHUP;
        }
        for (int i = 0; n > 0 && i < nw && !app->quit; i++) {
            if (!pfd[2 + i].revents) continue;
            /* The callback may unwatch; find the watch again by fd. */
            for (int j = 0; j < app->nwatch; j++)
                if (app->watches[j].fd == pfd[2 + i].fd) {
                    struct tui_watch w = app->watches[j];
                    tui__apply(app, tui_top(app), w.cb(w.ctx, w.fd, pfd[2 + i].revents));
                    break;
                }
            tui__reap(app);
        }
        run_timers(app);
    }
    tui_app_timer_cancel(app, app->clock_timer);
    tui__close_all(app);
    if (app->title_win) delwin(app->title_win);
    if (app->status_win) delwin(app->status_win);
    if (app->toast_win) delwin(app->toast_win);
    app->title_win = app->status_win = app->toast_win = NULL;
    tui__term_stop(app);
    app->running = 0;
    return app->exit_code;
}
