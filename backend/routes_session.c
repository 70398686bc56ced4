/* Health and sessions: GET /v1/healthz, POST/GET/DELETE /v1/session.
 * Logins, failed logins and logouts are audited; their writes go through
 * the server's single writer (srv_write) like every other write. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "backend/routes.h"
#include "core/util.h"

int route_healthz(srv_req *r, srv_resp *out)
{
    sqlite3_stmt *st = store_stmt(r->st, "SELECT 1");
    cJSON *o;
    int ok = st && sqlite3_step(st) == SQLITE_ROW, disk = !srv_writes_failed(r->srv);
    if (st) sqlite3_reset(st);
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", ok && disk ? "ok" : "degraded");
    cJSON_AddStringToObject(o, "version", YX_VERSION);
    /* a disk that refused a flush leaves the server unable to write */
    cJSON_AddStringToObject(o, "database", !ok ? "failing" : !disk ? "disk_failed" : "ok");
    cJSON_AddNumberToObject(o, "last_change", (double)srv_last_change(r->srv));
    return srv_json(out, ok && disk ? 200 : 503, o);
}

static cJSON *session_json(const auth_session *s, const char *token)
{
    cJSON *o = cJSON_CreateObject();
    if (token) cJSON_AddStringToObject(o, "token", token);
    cJSON_AddStringToObject(o, "role", role_name(s->role));
    cJSON_AddStringToObject(o, "user", s->user);
    cJSON_AddNumberToObject(o, "expires_at", (double)s->expires_at);
    return o;
}

/* The write half of a login, in the write stream (srv_write): the
 * outcome of the password check made before, decided again on the user as
 * it is now (auth_login_finish), and its audit entry, in one savepoint, so
 * no session exists without its audit entry. */
struct login_job {
    const char *name;
    const auth_attempt *attempt;
    char *token;
    auth_result ar;
};

static int login_job(srv_req *r, void *arg)
{
    struct login_job *j = arg;
    char record[80];
    const char *action;
    j->ar = auth_login_finish(r->st, srv_auth_config(r->srv), j->name, j->attempt, r->origin,
                              j->token, &r->who);
    switch (j->ar) {
    case AUTH_OK: action = "login"; break;
    case AUTH_LOCKED: action = "login_locked"; break;
    case AUTH_DISABLED: action = "login_disabled"; break;
    case AUTH_ERROR: return -1;
    default: action = "login_failed"; break;
    }
    snprintf(record, sizeof record, "user:%s", j->name);
    return srv_audit(r, action, record, NULL) ? -1 : 0;
}

/* The password is checked here, on the request's own thread and reading
 * connection, before the job is queued: argon2id takes tens of
 * milliseconds, which would hold up every write of the server if it ran
 * inside the writer's transaction. */
int route_session_create(srv_req *r, srv_resp *out)
{
    cJSON *j = srv_body_json(r, out), *u, *p;
    char token[AUTH_TOKEN_LEN + 1];
    auth_attempt a;
    struct login_job job = { NULL, &a, token, AUTH_ERROR };
    int rc;
    if (!j) return 0;
    u = cJSON_GetObjectItemCaseSensitive(j, "username");
    p = cJSON_GetObjectItemCaseSensitive(j, "password");
    if (!cJSON_IsString(u) || !cJSON_IsString(p) || !u->valuestring[0] ||
        strlen(u->valuestring) > 64 || strlen(p->valuestring) > 1024) {
        cJSON_Delete(j);
        return srv_error(out, 400, "bad_request",
                         "send {\"username\": \"...\", \"password\": \"...\"} (strings, name up to 64 bytes)");
    }
    /* argon2id takes tens of milliseconds: the connection goes back to the
     * pool meanwhile, so a burst of logins cannot hold up intake */
    if ((rc = auth_login_read(r->st, u->valuestring, &a)) == 0) {
        int lent = srv_conn_lend(r);
        auth_login_verify(&a, p->valuestring);
        if (lent) srv_conn_back(r);
    }
    job.name = u->valuestring;
    if (rc == 0) rc = srv_write(r, login_job, &job);
    sodium_memzero(&a, sizeof a);
    cJSON_Delete(j);
    if (rc) {
        sodium_memzero(token, sizeof token);
        return -1;
    }
    switch (job.ar) {
    case AUTH_OK: {
        cJSON *o = session_json(&r->who, token);
        sodium_memzero(token, sizeof token);
        return srv_json(out, 200, o);
    }
    case AUTH_LOCKED:
        return srv_error(out, 429, "locked",
                         "too many failed logins; this user is locked for a while, try again later");
    case AUTH_DISABLED:
        return srv_error(out, 403, "user_disabled", "this user is disabled; ask an administrator");
    default:
        return srv_error(out, 401, "invalid_credentials", "wrong user name or password");
    }
}

int route_session_get(srv_req *r, srv_resp *out)
{
    return srv_json(out, 200, session_json(&r->who, NULL));
}

/* Logout in the write stream: the session row goes with its audit entry. */
static int logout_job(srv_req *r, void *arg)
{
    char record[80];
    const char *const *token = arg;
    if (auth_logout(r->st, *token) < 0) return -1;
    snprintf(record, sizeof record, "user:%s", r->who.user);
    return srv_audit(r, "logout", record, NULL) ? -1 : 0;
}

int route_session_delete(srv_req *r, srv_resp *out)
{
    const char *h = srv_header(r, "Authorization");
    if (!h) return srv_error(out, 401, "unauthorized", "no token");
    h += 7;   /* the server checked the "Bearer " prefix */
    while (*h == ' ') h++;
    if (srv_write(r, logout_job, &h)) return -1;
    out->status = 204;
    return 0;
}
