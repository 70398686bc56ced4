/* POST /v1/actions: every staff action runs the same way.
 *
 * 1. the role must hold the action's permission (core/policy), else 403;
 * 2. an Idempotency-Key header is required; the action, its answer and the
 *    key are stored in the same transaction as the change, so the same key
 *    again returns the first answer and changes nothing;
 * 3. the handler checks its rules (version, separation of duties,
 *    authority) and writes; any refusal rolls everything back;
 * 4. an audit entry and a change-feed entry go into that transaction; long
 *    polls are woken after the commit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/actions.h"
#include "backend/routes.h"
#include "core/util.h"

static const struct {
    const char *type;
    permission  perm;
    act_fn      fn;
} action_types[] = {
    { "review",            PERM_ACT_LINE1,     act_review },
    { "escalate",          PERM_ACT_LINE1,     act_review },
    { "line2",             PERM_ACT_LINE2,     act_line2 },
    { "approve_line2",     PERM_ACT_LINE2,     act_line2 },
    { "audit_sample",      PERM_ACT_LINE3,     act_audit },
    { "audit_pass",        PERM_ACT_LINE3,     act_audit },
    { "audit_finding",     PERM_ACT_LINE3,     act_audit },
    { "adjust_limit",      PERM_ACT_LIMIT,     act_adjust_limit },
    { "dispute_open",      PERM_DISPUTE_WRITE, act_dispute },
    { "dispute_message",   PERM_DISPUTE_WRITE, act_dispute },
    { "dispute_assign",    PERM_DISPUTE_WRITE, act_dispute },
    { "dispute_request_info", PERM_DISPUTE_WRITE, act_dispute },
    { "dispute_extend",    PERM_DISPUTE_WRITE, act_dispute },
    { "dispute_resolve",   PERM_DISPUTE_WRITE, act_dispute },
    { "dispute_reject",    PERM_DISPUTE_WRITE, act_dispute },
    { "dispute_escalate",  PERM_DISPUTE_WRITE, act_dispute },
    { "alert_ack",         PERM_ACT_LINE2,     act_alert_ack },
    { "reveal_request",    PERM_REVEAL,        act_reveal_request },
    { "reveal_decide",     PERM_ACT_LINE2,     act_reveal_decide },
};
#define NTYPES ((int)(sizeof action_types / sizeof action_types[0]))

/* ---- body fields ------------------------------------------------------- */

static const cJSON *field(act_ctx *a, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(a->body, name);
}

int act_int(act_ctx *a, const char *name, int64_t min, int64_t max, int64_t *v, srv_resp *out)
{
    const cJSON *f = field(a, name);
    double d;
    if (!cJSON_IsNumber(f)) {
        srv_error(out, 400, "bad_field", "'%s' must be an integer", name);
        return -1;
    }
    d = f->valuedouble;
    /* Reject fractions and anything beyond the range before converting. */
    if (d != d || d < (double)min || d > (double)max || d != (double)(int64_t)d) {
        srv_error(out, 400, "bad_field", "'%s' must be an integer from %lld to %lld", name,
                  (long long)min, (long long)max);
        return -1;
    }
    *v = (int64_t)d;
    return 0;
}

int act_str(act_ctx *a, const char *name, size_t maxlen, int required, const char **v, srv_resp *out)
{
    const cJSON *f = field(a, name);
    size_t n;
    *v = NULL;
    if (!f || cJSON_IsNull(f)) {
        if (!required) return 0;
        srv_error(out, 400, "bad_field", "'%s' is required", name);
        return -1;
    }
    if (!cJSON_IsString(f)) {
        srv_error(out, 400, "bad_field", "'%s' must be a string", name);
        return -1;
    }
    n = strlen(f->valuestring);
    if ((required && n == 0) || n > maxlen || !yx_utf8_valid(f->valuestring, n)) {
        srv_error(out, 400, "bad_field", "'%s' must be 1 to %zu bytes of UTF-8 text", name, maxlen);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)f->valuestring[i] < 0x20 && f->valuestring[i] != '\n') {
            srv_error(out, 400, "bad_field", "'%s' must not hold control characters", name);
            return -1;
        }
    *v = f->valuestring;
    return 0;
}

int act_choice(act_ctx *a, const char *name, const char *const *choices, int *idx, srv_resp *out)
{
    const char *v;
    char list[256] = "";
    if (act_str(a, name, 64, 1, &v, out)) return -1;
    for (int i = 0; choices[i]; i++) {
        if (!strcmp(v, choices[i])) { *idx = i; return 0; }
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", choices[i]);
    }
    srv_error(out, 400, "bad_field", "'%s' must be one of: %s", name, list);
    return -1;
}

/* ---- idempotency ------------------------------------------------------ */

static int key_ok(const char *k)
{
    size_t n = k ? strlen(k) : 0;
    if (n < 8 || n > 128) return 0;
    if (!strncmp(k, "approval:", 9)) return 0;   /* the server's own namespace */
    for (size_t i = 0; i < n; i++)
        if (k[i] < 0x21 || k[i] > 0x7e) return 0;
    return 1;
}

/* 1 and out filled when the key was used before, 0 when new, -1 error. */
static int replay(srv_req *r, const char *key, srv_resp *out)
{
    sqlite3_stmt *st = store_stmt(r->st, "SELECT user_id, status, response FROM actions WHERE idem_key = ?");
    int rc;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_int64(st, 0) != r->who.user_id) {
            sqlite3_reset(st);
            srv_error(out, 422, "idempotency_key_reused", "this Idempotency-Key belongs to another user's action");
            return 1;
        }
        out->status = sqlite3_column_int(st, 1);
        out->body = strdup((const char *)sqlite3_column_text(st, 2));
        sqlite3_reset(st);
        return out->body ? 1 : -1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_fail(r->st, "actions: %s", sqlite3_errmsg(store_db(r->st)));
}

static int remember(srv_req *r, const char *key, const act_ctx *a, const srv_resp *out)
{
    sqlite3_stmt *st = store_stmt(r->st, "INSERT INTO actions (idem_key, user_id, type, record, status, "
                                         "response, at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    int rc;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, r->who.user_id);
    sqlite3_bind_text(st, 3, a->type, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, a->record, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, out->status);
    sqlite3_bind_text(st, 6, out->body ? out->body : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 7, store_now_ms());
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_fail(r->st, "actions: %s", sqlite3_errmsg(store_db(r->st)));
}

/* ---- the route --------------------------------------------------------- */

struct action_job {
    act_ctx *a;
    act_fn fn;
    const char *key;
    srv_resp *out;
};

/* In the write stream: replay, or run the handler, remember the answer
 * under the key and audit it. 1 (undo) for replays and refusals. */
static int action_job(srv_req *r, void *arg)
{
    struct action_job *j = arg;
    char action[48];
    int rc = replay(r, j->key, j->out);
    if (rc) return rc;   /* answered before: nothing to write */
    rc = j->fn(j->a, j->out);
    if (rc < 0) return -1;
    if (j->out->status < 200 || j->out->status >= 300) return 1;
    snprintf(action, sizeof action, "action.%s", j->a->type);
    if (remember(r, j->key, j->a, j->out) ||
        srv_audit(r, action, j->a->record, j->a->detail[0] ? j->a->detail : NULL))
        return -1;
    return 0;
}

int route_actions(srv_req *r, srv_resp *out)
{
    const char *key = srv_header(r, "Idempotency-Key");
    cJSON *body, *t;
    act_ctx a;
    int ti = -1, rc;
    if (!key_ok(key))
        return srv_error(out, 400, "idempotency_key_required",
                         "send an Idempotency-Key header of 8 to 128 printable characters, fresh per action");
    if (!(body = srv_body_json(r, out))) return 0;
    t = cJSON_GetObjectItemCaseSensitive(body, "type");
    for (int i = 0; cJSON_IsString(t) && i < NTYPES; i++)
        if (!strcmp(t->valuestring, action_types[i].type)) { ti = i; break; }
    if (ti < 0) {
        cJSON_Delete(body);
        return srv_error(out, 400, "unknown_action", "'type' must name an action (review, line2, audit_sample, "
                         "audit_pass, audit_finding, adjust_limit, dispute_...)");
    }
    if (!policy_allows(r->who.role, action_types[ti].perm)) {
        cJSON_Delete(body);
        return srv_error(out, 403, r->who.role == ROLE_AUDITOR ? POLICY_READ_ONLY : POLICY_FORBIDDEN_ROLE,
                         "role %s may not perform %s", role_name(r->who.role), action_types[ti].type);
    }
    memset(&a, 0, sizeof a);
    a.r = r;
    a.type = action_types[ti].type;
    a.body = body;
    a.key = key;
    {
        struct action_job j = { &a, action_types[ti].fn, key, out };
        rc = srv_write(r, action_job, &j);
        if (rc < 0) {
            free(out->body);
            out->body = NULL;
            out->status = 0;
            cJSON_Delete(body);
            return -1;
        }
    }
    cJSON_Delete(body);
    /* Only a kept change moves the feed; an undone one never happened. */
    if (rc == 0 && a.seq > 0) srv_changed(r->srv, a.seq);
    return 0;
}
