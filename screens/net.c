/* The HTTP client on the tui event loop: the client's sockets become loop
 * watches and its one timer a loop timer, so requests progress while the
 * officer types. Sync progress lands here too: it bumps the cache
 * generation (screens reload), updates the status bar, and schedules the
 * next round. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "screens/yx.h"
#include "tui/i18n.h"

static int on_fd(void *ctx, int fd, short revents)
{
    struct yx *y = ctx;
    int what = 0;
    if (revents & POLLIN) what |= CLIENT_IO_IN;
    if (revents & POLLOUT) what |= CLIENT_IO_OUT;
    if (revents & (POLLERR | POLLHUP | POLLNVAL)) what |= CLIENT_IO_ERR;
    client_on_socket(y->cl, fd, what);
    return TUI_HANDLED;
}

static int net_watch(void *ctx, int fd, int what)
{
    struct yx *y = ctx;
    short ev = 0;
    if (!what) {
        tui_app_unwatch(y->app, fd);
        return 0;
    }
    if (what & CLIENT_IO_IN) ev |= POLLIN;
    if (what & CLIENT_IO_OUT) ev |= POLLOUT;
    return tui_app_watch(y->app, fd, ev, on_fd, y);
}

static int on_net_timer(void *ctx)
{
    struct yx *y = ctx;
    y->net_timer = -1;          /* the client may arm a new one from here */
    client_on_timeout(y->cl);
    return TUI_HANDLED;
}

static void net_timer(void *ctx, long ms)
{
    struct yx *y = ctx;
    if (y->net_timer >= 0) tui_app_timer_cancel(y->app, y->net_timer);
    y->net_timer = -1;
    if (ms >= 0) y->net_timer = tui_app_timer(y->app, ms > 600000 ? 600000 : (int)ms, 0, on_net_timer, y);
}

static int on_sync_timer(void *ctx)
{
    struct yx *y = ctx;
    y->sync_timer = -1;
    yx_sync_now(y);
    return TUI_HANDLED;
}

void yx_status_update(struct yx *y)
{
    struct tui_status st = {
        .user = y->session.user,
        .role = y->session.role,
        .server = y->server,
        .sync = y->sync_text,
        /* auditors only ever read; nobody while logged out */
        .read_only = strcmp(y->session.role, "auditor") == 0 || y->logged_out,
    };
    tui_app_status(y->app, &st);
}

void yx_on_sync(void *ctx, const sync_status *st)
{
    struct yx *y = ctx;
    char when[32];
    switch (st->state) {
    case SYNC_RUNNING:
        if (st->pulled) snprintf(y->sync_text, sizeof y->sync_text, _("syncing %ld"), st->pulled);
        else snprintf(y->sync_text, sizeof y->sync_text, "%s", _("syncing"));
        break;
    case SYNC_DONE: {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(when, sizeof when, "%H:%M", &tm);
        snprintf(y->sync_text, sizeof y->sync_text, _("synced %s"), when);
        break;
    }
    case SYNC_FAILED:
        if (st->http_status == 401) {
            yx_session_ended(y);
            return;
        }
        if (st->http_status == 403) {
            /* Refused, not unreachable: say it once; retrying cannot help. */
            snprintf(y->sync_text, sizeof y->sync_text, "%s", _("not allowed"));
            tui_toast(y->app, TUI_TOAST_ERROR, "%s", st->error);
            yx_status_update(y);
            tui_app_request(y->app, TUI_REDRAW);
            return;
        }
        snprintf(y->sync_text, sizeof y->sync_text, "%s", _("offline"));
        tui_toast(y->app, TUI_TOAST_ERROR, "%s", st->error);
        break;
    default:
        break;
    }
    if (st->changed) y->gen++;
    /* Without the feed (or after a failure) the next round is on a timer. */
    if (st->state != SYNC_RUNNING && !st->live) yx_sync_later(y);
    yx_status_update(y);
    tui_app_request(y->app, TUI_REDRAW);
}

void yx_sync_later(struct yx *y)
{
    if (y->sync_every_ms > 0 && y->sync_timer < 0)
        y->sync_timer = tui_app_timer(y->app, y->sync_every_ms, 0, on_sync_timer, y);
}

void yx_sync_now(struct yx *y)
{
    if (y->sync_timer >= 0) tui_app_timer_cancel(y->app, y->sync_timer);
    y->sync_timer = -1;
    if (y->logged_out) {
        yx_session_ended(y);
        return;
    }
    sync_start(y->sync);   /* failures arrive through yx_on_sync */
}

static void on_app_fetched(void *ctx, int rc, const app_row *row, const client_error *e)
{
    struct yx *y = ctx;
    int changed = 0;
    if (rc == 0) {
        if (cache_upsert(y->ca, row, 1, &changed) == 0 && changed) {
            y->gen++;
            tui_app_request(y->app, TUI_REDRAW);
        }
    } else if (e->status == 401) {
        yx_session_ended(y);
    } else if (e->status != 404) {
        tui_toast(y->app, TUI_TOAST_WARNING, "%s", e->message);
    }
}

void yx_refresh_app(struct yx *y, int64_t id)
{
    client_error e;
    if (client_get_async(y->cl, id, on_app_fetched, y, &e))
        tui_toast(y->app, TUI_TOAST_WARNING, "%s", e.message);
}

void yx_net_attach(struct yx *y)
{
    client_loop hooks = { net_watch, net_timer, y };
    y->net_timer = -1;
    y->sync_timer = -1;
    client_attach(y->cl, &hooks);
}
