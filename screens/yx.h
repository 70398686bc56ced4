/* What the console's screens share: the session, the HTTP client, the local
 * cache and the sync job, plus the glue that runs the client on the tui
 * event loop and keeps the status bar current. One `struct yx` per program,
 * handed to screens as the app's context (tui_app_ctx). */
#ifndef YX_SCREENS_YX_H
#define YX_SCREENS_YX_H

#include <stddef.h>
#include <stdint.h>

#include "core/cache.h"
#include "core/client.h"
#include "core/sync.h"
#include "tui/app.h"

#define YX_DEMO_PASSWORD "yixiang-demo"

struct yx {
    struct tui_app *app;
    client         *cl;        /* logged in; owned by main */
    cache          *ca;        /* owned by main */
    sync_job       *sync;      /* owned by main */
    client_session  session;
    char            login_user[64]; /* the name logged in with (again on 401) */
    int             demo;          /* --demo: the demo user's password is known */
    int             logged_out;    /* the server ended the session; read-only */
    int             asking;        /* the password dialog is open */
    int             logging_in;    /* a login is in flight on the loop */
    long long       auto_login_ms; /* when the last login without asking was */
    char            server[128];   /* shown in the status bar */
    /* Bumped whenever the cache changed; screens that show cached rows
     * reload when theirs differs. */
    unsigned        gen;
    int             sync_every_ms; /* a new round this long after the last */
    int             sync_timer;    /* handle, -1 none */
    int             net_timer;     /* the client's timer, -1 none */
    char            sync_text[64];
};

/* ---- net.c: the client on the event loop, sync, status bar ---------- */

/* Hooks the client to app's loop and the sync job's progress to the status
 * bar. Call once app, cl, ca and sync are set. */
void yx_net_attach(struct yx *y);
/* Starts a sync round now (the periodic rounds follow by themselves); when
 * the server ended the session, logs in again first (yx_session_ended). */
void yx_sync_now(struct yx *y);
/* Arms the timer of the next sync round unless one is armed. */
void yx_sync_later(struct yx *y);
/* The sync job's notification (pass it to sync_new with y as ctx). */
void yx_on_sync(void *ctx, const sync_status *st);
/* Fetches one application fresh from the server into the cache (the
 * detail screen shows the cached copy at once, then the fresh one). */
void yx_refresh_app(struct yx *y, int64_t id);
/* Pushes user, role, server and sync state to the status bar. */
void yx_status_update(struct yx *y);
/* The password to log in with without asking: YX_PASSWORD, else the demo
 * user's with --demo; NULL when the user must be asked. */
const char *yx_auto_password(int demo);
/* The server refused the session (401): log in again as the same user,
 * without asking when yx_auto_password has one, else through a password
 * dialog; then sync resumes from where it was. The login runs on the loop:
 * the screens repaint and take keys while the server answers. */
void yx_session_ended(struct yx *y);

/* ---- format.c: how values read on screen ---------------------------- */

/* Local time from unix ms: "11-24 19:44" for lists, long_form
 * "2026-11-24 19:44:05" for details. */
char *yx_fmt_time(int64_t ms, int long_form, char *buf, size_t n);
/* "12,345.00" from fen. */
char *yx_fmt_money(int64_t fen, char *buf, size_t n);
/* Translated labels of wire values. */
const char *yx_label_status(app_status s);
const char *yx_label_channel(channel_kind k);
const char *yx_label_product(product_kind p);
const char *yx_label_outcome(decision_outcome o);
const char *yx_label_completeness(completeness_level c);
/* A scene's wire name translated; unknown ones come back as given. */
const char *yx_label_scene(const char *scene);
/* Theme role for a status ("decision.declined", ...). */
const char *yx_role_status(app_status s);
/* What the product column shows: the item for mall purchases, else the
 * product's label. */
const char *yx_product_text(const app_row *r);

/* ---- screens (registry.c lists them all) ---------------------------- */

extern const struct tui_screen_ops yx_queue_ops;    /* "queue": the application list */
extern const struct tui_screen_ops yx_detail_ops;   /* "application": one application;
                                                       arg: const int64_t *id */
extern const struct tui_screen_ops *const yx_screens[];
extern const size_t yx_nscreens;
/* The screen a command-line name names, or NULL. */
const struct tui_screen_ops *yx_screen_find(const char *name);

#endif
