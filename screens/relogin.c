/* Logging in again when the server ends the session (401: idle too long,
 * or older than its limit): the same user at the same server, without
 * asking when YX_PASSWORD or --demo gives the password, else through a
 * modal password dialog with echo off. The screens underneath stay as they
 * were (rows, selection, filter, sort) and sync resumes from the cursors
 * kept in the cache. Esc leaves the console read-only on the cached data;
 * the sync key asks again. The login runs on the event loop, so the
 * screens repaint and take keys while the server checks the password or
 * cannot be reached; the dialog says "logging in" meanwhile and Esc
 * abandons the attempt. The password lives only in the dialog's field and
 * the login request, and both wipe it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screens/yx.h"
#include "tui/form.h"
#include "tui/i18n.h"

/* A login without asking this soon after the last one means the server
 * keeps ending new sessions: ask instead of hammering it. */
#define AUTO_LOGIN_GAP_MS 10000
#define RELOGIN_TAG 0x5e55

const char *yx_auto_password(int demo)
{
    const char *env = getenv("YX_PASSWORD");
    return env ? env : demo ? YX_DEMO_PASSWORD : NULL;
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What a login as y->login_user came to (rc, s and e from the client); on
 * success sync resumes. 0, 1 refused, -1 no answer (the status bar then
 * says offline); msg says why. */
static int logged_in(struct yx *y, int rc, const client_session *s, const client_error *e,
                     char *msg, size_t n)
{
    if (rc == 0 && strcmp(s->role, y->session.role)) {
        /* The cache holds what the old role may see. */
        client_logout(y->cl, NULL);
        snprintf(msg, n, _("%s now has the role %s: quit and start yx again"), y->login_user, s->role);
        return 1;
    }
    if (rc == 0) {
        y->session = *s;
        y->logged_out = 0;
        tui_toast(y->app, TUI_TOAST_OK, "%s", _("Logged in again; sync resumes"));
        yx_sync_now(y);
        return 0;
    }
    if (e->status == 429)
        snprintf(msg, n, "%s", _("Too many failed logins: this user is locked for a while (how long "
                                 "is not known). Try again later or ask an administrator."));
    else
        snprintf(msg, n, "%s", e->message);
    if (rc < 0) {
        snprintf(y->sync_text, sizeof y->sync_text, "%s", _("offline"));
        yx_status_update(y);
    }
    return rc;
}

static void ask(struct yx *y);

/* The answer to a login started by the dialog (which then still says
 * "logging in") or without asking. */
static void on_login(void *ctx, int rc, const client_session *s, const client_error *e)
{
    struct yx *y = ctx;
    char msg[320];
    y->logging_in = 0;
    rc = logged_in(y, rc, s, e, msg, sizeof msg);
    tui_app_request(y->app, TUI_REDRAW);
    if (y->asking) {
        if (rc == 0) y->asking = 0;
        tui_form_answer(y->app, RELOGIN_TAG, rc ? msg : NULL);
        return;
    }
    if (rc == 0) return;
    tui_toast(y->app, TUI_TOAST_ERROR, "%s", msg);
    if (rc < 0) {
        /* The server is away: try again with the next sync round. */
        yx_sync_later(y);
        return;
    }
    ask(y);
}

/* Starts logging in as y->login_user with pw; 0, or -1 with e filled. */
static int login_start(struct yx *y, const char *pw, client_error *e)
{
    if (client_login_async(y->cl, y->login_user, pw, on_login, y, e)) return -1;
    y->logging_in = 1;
    return 0;
}

static const char *on_submit(const struct tui_form *f, int ok, void *ctx)
{
    static char msg[320];
    struct yx *y = ctx;
    client_error e;
    if (!ok) {
        /* Esc also abandons a login still waiting for the server. */
        if (y->logging_in) client_login_cancel(y->cl);
        y->logging_in = 0;
        y->asking = 0;
        tui_toast(y->app, TUI_TOAST_WARNING, "%s",
                  _("Logged out: the cached applications stay readable; r or :sync logs in again"));
        return NULL;
    }
    if (!y->logging_in && login_start(y, tui_form_text(f, 0), &e)) {
        snprintf(msg, sizeof msg, "%s", e.message);
        return msg;
    }
    /* The answer closes the form or shows why not (on_login). */
    return _("Logging in…");
}

static void ask(struct yx *y)
{
    /* The form reads these while it is open. */
    static struct tui_field field;
    static struct tui_form_spec spec;
    static char title[160];
    field = (struct tui_field){ .type = TUI_FIELD_SECRET, .label = _("Password"), .required = 1 };
    snprintf(title, sizeof title, _("Session ended — password for %s:"), y->login_user);
    spec = (struct tui_form_spec){ .title = title, .fields = &field, .nfields = 1,
                                   .tag = RELOGIN_TAG, .ctx = y };
    if (tui_form_open_checked(y->app, &spec, on_submit) == 0) y->asking = 1;
}

void yx_session_ended(struct yx *y)
{
    const char *pw = yx_auto_password(y->demo);
    client_error e;
    if (y->asking || y->logging_in) return;
    y->logged_out = 1;
    snprintf(y->sync_text, sizeof y->sync_text, "%s", _("logged out"));
    yx_status_update(y);
    tui_app_request(y->app, TUI_REDRAW);
    if (pw && mono_ms() - y->auto_login_ms >= AUTO_LOGIN_GAP_MS) {
        y->auto_login_ms = mono_ms();
        if (login_start(y, pw, &e) == 0) return;   /* the answer goes to on_login */
        tui_toast(y->app, TUI_TOAST_ERROR, "%s", e.message);
        yx_sync_later(y);
        return;
    }
    ask(y);
}
