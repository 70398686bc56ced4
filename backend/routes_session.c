/* Health and sessions: GET /v1/healthz, POST/GET/DELETE /v1/session.
 * Logins, failed logins and logouts are audited. */
#include <stdio.h>
#include <string.h>

#include "backend/routes.h"
#include "core/util.h"

int route_healthz(srv_req *r, srv_resp *out)
{
    sqlite3_stmt *st = store_stmt(r->st, "SELECT 1");
    cJSON *o;
    int ok = st && sqlite3_step(st) == SQLITE_ROW;
    if (st) sqlite3_reset(st);
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", ok ? "ok" : "degraded");
    cJSON_AddStringToObject(o, "version", YX_VERSION);
    cJSON_AddStringToObject(o, "database", ok ? "ok" : "failing");
    cJSON_AddNumberToObject(o, "last_change", (double)srv_last_change(r->srv));
    return srv_json(out, ok ? 200 : 503, o);
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

int route_session_create(srv_req *r, srv_resp *out)
{
    cJSON *j = srv_body_json(r, out), *u, *p;
    char token[AUTH_TOKEN_LEN + 1], record[80];
    auth_result ar;
    if (!j) return 0;
    u = cJSON_GetObjectItemCaseSensitive(j, "username");
    p = cJSON_GetObjectItemCaseSensitive(j, "password");
    if (!cJSON_IsString(u) || !cJSON_IsString(p) || !u->valuestring[0] ||
        strlen(u->valuestring) > 64 || strlen(p->valuestring) > 1024) {
        cJSON_Delete(j);
        return srv_error(out, 400, "bad_request",
                         "send {\"username\": \"...\", \"password\": \"...\"} (strings, name up to 64 bytes)");
    }
    ar = auth_login(r->st, srv_auth_config(r->srv), u->valuestring, p->valuestring, r->origin,
                    token, &r->who);
    snprintf(record, sizeof record, "user:%s", u->valuestring);
    cJSON_Delete(j);
    switch (ar) {
    case AUTH_OK: {
        cJSON *o;
        if (srv_audit(r, "login", record, NULL)) {
            auth_logout(r->st, token);   /* no unaudited sessions */
            return -1;
        }
        o = session_json(&r->who, token);
        memset(token, 0, sizeof token);
        return srv_json(out, 200, o);
    }
    case AUTH_LOCKED:
        if (srv_audit(r, "login_locked", record, NULL)) return -1;
        return srv_error(out, 429, "locked",
                         "too many failed logins; this user is locked for a while, try again later");
    case AUTH_DISABLED:
        if (srv_audit(r, "login_disabled", record, NULL)) return -1;
        return srv_error(out, 403, "user_disabled", "this user is disabled; ask an administrator");
    case AUTH_ERROR:
        return -1;
    default:
        if (srv_audit(r, "login_failed", record, NULL)) return -1;
        return srv_error(out, 401, "invalid_credentials", "wrong user name or password");
    }
}

int route_session_get(srv_req *r, srv_resp *out)
{
    return srv_json(out, 200, session_json(&r->who, NULL));
}

int route_session_delete(srv_req *r, srv_resp *out)
{
    const char *h = srv_header(r, "Authorization");
    char record[80];
    if (!h) return srv_error(out, 401, "unauthorized", "no token");
    h += 7;   /* the server checked the "Bearer " prefix */
    while (*h == ' ') h++;
    if (auth_logout(r->st, h) < 0) return -1;
    snprintf(record, sizeof record, "user:%s", r->who.user);
    if (srv_audit(r, "logout", record, NULL)) return -1;
    out->status = 204;
    return 0;
}
