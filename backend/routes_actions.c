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

/* By action type (core/action): the permission it needs, its handler. */
static const struct {
    permission  perm;
    act_fn      fn;
} action_types[ACTION__COUNT] = {
    [ACTION_REVIEW]               = { PERM_ACT_LINE1,     act_review },
    [ACTION_ESCALATE]             = { PERM_ACT_LINE1,     act_review },
    [ACTION_LINE2]                = { PERM_ACT_LINE2,     act_line2 },
    [ACTION_APPROVE_LINE2]        = { PERM_ACT_LINE2,     act_line2 },
    [ACTION_AUDIT_SAMPLE]         = { PERM_ACT_LINE3,     act_audit },
    [ACTION_AUDIT_PASS]           = { PERM_ACT_LINE3,     act_audit },
    [ACTION_AUDIT_FINDING]        = { PERM_ACT_LINE3,     act_audit },
    [ACTION_ADJUST_LIMIT]         = { PERM_ACT_LIMIT,     act_adjust_limit },
    [ACTION_DISPUTE_OPEN]         = { PERM_DISPUTE_OPEN,  act_dispute },
    [ACTION_DISPUTE_MESSAGE]      = { PERM_DISPUTE_WRITE, act_dispute },
    [ACTION_DISPUTE_ASSIGN]       = { PERM_DISPUTE_WRITE, act_dispute },
    [ACTION_DISPUTE_REQUEST_INFO] = { PERM_DISPUTE_WRITE, act_dispute },
    [ACTION_DISPUTE_EXTEND]       = { PERM_DISPUTE_WRITE, act_dispute },
    [ACTION_DISPUTE_RESOLVE]      = { PERM_DISPUTE_WRITE, act_dispute },
    [ACTION_DISPUTE_REJECT]       = { PERM_DISPUTE_WRITE, act_dispute },
    [ACTION_DISPUTE_ESCALATE]     = { PERM_DISPUTE_WRITE, act_dispute },
    [ACTION_ALERT_ACK]            = { PERM_ACT_LINE2,     act_alert_ack },
    [ACTION_REVEAL_REQUEST]       = { PERM_REVEAL,        act_reveal_request },
    [ACTION_REVEAL_DECIDE]        = { PERM_ACT_LINE2,     act_reveal_decide },
};

/* ---- idempotency ------------------------------------------------------ */

/* 1 and out filled when the key was used before (its answer again, or a
 * 422 when another user or another body used it), 0 when new, -1 error. */
static int replay(srv_req *r, const char *key, const unsigned char *digest, srv_resp *out)
{
    sqlite3_stmt *st = store_stmt(r->st, "SELECT user_id, status, response, body_digest FROM actions WHERE idem_key = ?");
    int rc;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const void *was = sqlite3_column_blob(st, 3);
        if (sqlite3_column_int64(st, 0) != r->who.user_id) {
            sqlite3_reset(st);
            srv_error(out, 422, "idempotency_key_reused", "this Idempotency-Key belongs to another user's action");
            return 1;
        }
        if (!crypto_digest_matches(was, (size_t)sqlite3_column_bytes(st, 3), digest)) {
            sqlite3_reset(st);
            srv_error(out, 422, "idempotency_key_reused",
                      "this Idempotency-Key came with another action: send a fresh key for a new one");
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
                                         "response, at, body_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    int rc;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, r->who.user_id);
    sqlite3_bind_text(st, 3, a->type, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, a->record, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, out->status);
    sqlite3_bind_text(st, 6, out->body ? out->body : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 7, store_now_ms());
    sqlite3_bind_blob(st, 8, a->digest, CRYPTO_DIGEST_BYTES, SQLITE_TRANSIENT);
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
    int rc = replay(r, j->key, j->a->digest, j->out);
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
    cJSON *body;
    action_req req;
    action_error err;
    act_ctx a;
    int rc, bad;
    if (!(body = srv_body_json(r, out))) return 0;
    /* the role is checked before the fields: a refused role learns nothing
     * of the body's other problems */
    if ((bad = action_decode(body, &req, &err)) < 0) {
        cJSON_Delete(body);
        return srv_error(out, 400, err.code, "%s", err.message);
    }
    if (!policy_allows(r->who.role, action_types[req.type].perm)) {
        const char *code = policy_refusal(r->who.role, action_types[req.type].perm);
        cJSON_Delete(body);
        return srv_error(out, 403, code, "role %s may not perform %s: %s", role_name(r->who.role),
                         action_type_name(req.type), policy_refusal_text(code));
    }
    if (bad) {
        cJSON_Delete(body);
        return srv_error(out, 400, err.code, "%s", err.message);
    }
    if (!key || !srv_idem_key_ok(key) || !strncmp(key, "approval:", 9)) {   /* approval: the server's own */
        cJSON_Delete(body);
        if (!key)
            return srv_error(out, 400, "idempotency_key_required", "send an Idempotency-Key header, fresh per action");
        return srv_error(out, 400, "bad_idempotency_key",
                         "the Idempotency-Key must be 8 to 128 printable ASCII characters, not starting approval:");
    }
    memset(&a, 0, sizeof a);
    a.r = r;
    a.type = action_type_name(req.type);
    a.req = &req;
    a.key = key;
    crypto_digest(r->body, r->body_len, a.digest);
    {
        struct action_job j = { &a, action_types[req.type].fn, key, out };
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
