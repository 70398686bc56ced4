/* The three lines of defense on an application case, and limit changes.
 *
 * Rules enforced here (codes from core/policy.h):
 * - the record version the user saw must be current, else 409 with the
 *   current record;
 * - nobody acts on two lines of one case; the maker is never the checker;
 * - line 1 approving above its authority, or overriding an automatic
 *   decline, does not approve: the case goes to line 2 (routed_to_line2);
 * - line 2 cannot approve above its own authority (403);
 * - a limit change above the actor's authority becomes a line-2 case and
 *   takes effect only when line 2 approves it;
 * - line 3 samples every override (and a share of automatic decisions at
 *   intake). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/actions.h"
#include "core/changes.h"
#include "core/util.h"
#include "core/wire.h"

typedef struct {
    app_row       row;
    defense_state d;
    char          maker[32];
    char          kind[16];        /* "application" or "limit" */
} case_state;

cJSON *case_json(store *s, const app_row *row, const defense_state *d)
{
    cJSON *o = wire_app_row_to_json(row), *def;
    sqlite3_stmt *st;
    if (!o) return NULL;
    st = store_stmt(s, "SELECT limit_fen, version FROM credit_lines WHERE customer_id = ?");
    if (st) {
        sqlite3_bind_int64(st, 1, row->app.customer_id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            cJSON *cl = cJSON_AddObjectToObject(o, "credit_line");
            cJSON_AddNumberToObject(cl, "limit_fen", (double)sqlite3_column_int64(st, 0));
            cJSON_AddNumberToObject(cl, "version", (double)sqlite3_column_int64(st, 1));
        } else {
            cJSON_AddNullToObject(o, "credit_line");
        }
        sqlite3_reset(st);
    }
    def = cJSON_AddObjectToObject(o, "defense");
    cJSON_AddStringToObject(def, "l1", line1_name(d->l1));
    cJSON_AddStringToObject(def, "l2", line2_name(d->l2));
    cJSON_AddStringToObject(def, "l3", line3_name(d->l3));
    cJSON_AddStringToObject(def, "l1_user", d->l1_user);
    cJSON_AddStringToObject(def, "l2_user", d->l2_user);
    cJSON_AddStringToObject(def, "l3_user", d->l3_user);
    return o;
}

/* Loads the case named by application_id and checks the version. Returns
 * 0 to go on, 1 when out holds the refusal, -1 on store failure. */
static int load(act_ctx *a, case_state *c, srv_resp *out)
{
    int64_t id = a->req->application_id, version = a->req->version;
    sqlite3_stmt *st;
    int rc;
    memset(c, 0, sizeof *c);
    rc = store_app_get(a->r->st, id, &c->row);
    if (rc < 0) return -1;
    if (rc == 1) { srv_error(out, 404, "not_found", "no application %lld", (long long)id); return 1; }
    rc = store_defense_get(a->r->st, id, &c->d);
    if (rc < 0) return -1;
    if (rc == 1) {   /* no case yet: line 1 pending, nothing else */
        c->d.application_id = id;
        c->d.l1 = L1_PENDING;
        c->d.l2 = L2_NOT_REQUIRED;
        c->d.l3 = L3_NOT_SAMPLED;
    }
    yx_strlcpy(c->kind, "application", sizeof c->kind);
    st = store_stmt(a->r->st, "SELECT ifnull(maker, ''), kind FROM defense WHERE application_id = ?");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        yx_strlcpy(c->maker, (const char *)sqlite3_column_text(st, 0), sizeof c->maker);
        yx_strlcpy(c->kind, (const char *)sqlite3_column_text(st, 1), sizeof c->kind);
    }
    sqlite3_reset(st);
    snprintf(a->record, sizeof a->record, "application:%lld", (long long)id);
    if (version != c->row.app.version) {
        cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
        char msg[128];
        snprintf(msg, sizeof msg, "the record changed: you saw version %lld, it is now %lld",
                 (long long)version, (long long)c->row.app.version);
        cJSON_AddStringToObject(e, "code", "stale_version");
        cJSON_AddStringToObject(e, "message", msg);
        cJSON_AddItemToObject(o, "current", case_json(a->r->st, &c->row, &c->d));
        srv_json(out, 409, o);
        return 1;
    }
    return 0;
}

static int refuse_state(act_ctx *a, srv_resp *out, const case_state *c, const char *why)
{
    cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
    cJSON_AddStringToObject(e, "code", "invalid_state");
    cJSON_AddStringToObject(e, "message", why);
    cJSON_AddItemToObject(o, "current", case_json(a->r->st, &c->row, &c->d));
    return srv_json(out, 409, o);
}

/* The lines of defense the caller acted on this case before, from every
 * action kept on the record (a limit applied within authority, a line-1
 * review since returned, ...): bit l for line l. -1 on store failure. */
static int acted_lines(act_ctx *a)
{
    sqlite3_stmt *st = store_stmt(a->r->st, "SELECT DISTINCT type FROM actions WHERE record = ? AND user_id = ? "
                                            "AND status = 200");
    int lines = 0, rc;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, a->record, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, a->r->who.user_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) lines |= 1 << action_line_of((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? lines & ~1 : store_fail(a->r->st, "actions of the case: %s", sqlite3_errmsg(store_db(a->r->st)));
}

/* 0 when the caller may act on this line of the case; 1 when out holds
 * the 403; -1 on store failure. */
static int check_line(act_ctx *a, const case_state *c, int line, srv_resp *out)
{
    int lines = acted_lines(a);
    policy_case pc = { c->maker, c->d.l1_user, c->d.l2_user, c->d.l3_user, (unsigned)lines };
    const char *rule;
    if (lines < 0) return -1;
    if (!(rule = policy_check_line(&pc, line, a->r->who.user))) return 0;
    srv_error(out, 403, rule, !strcmp(rule, POLICY_MAKER_CHECKER)
              ? "you made this change, so someone else must check it"
              : "you already acted on another line of defense of this case");
    return 1;
}

/* Writes the new status and defense states, the change-feed entry, and
 * answers 200 with the case and what happened. */
static int commit_case(act_ctx *a, case_state *c, app_status st, const char *maker,
                       const char *result, const char *rule, srv_resp *out)
{
    int64_t v;
    int rc = store_app_set_status(a->r->st, c->row.app.id, st, c->row.app.version, &v);
    cJSON *o;
    if (rc < 0) return -1;
    if (rc == 1) return srv_error(out, 409, "stale_version", "the record changed meanwhile; reload it");
    if (store_defense_put(a->r->st, &c->d, maker && *maker ? maker : NULL)) return -1;
    if (!strcmp(c->kind, "limit")) {
        sqlite3_stmt *k = store_stmt(a->r->st, "UPDATE defense SET kind = 'limit' WHERE application_id = ?");
        if (!k) return -1;
        sqlite3_bind_int64(k, 1, c->row.app.id);
        rc = sqlite3_step(k);
        sqlite3_reset(k);
        if (rc != SQLITE_DONE) return store_fail(a->r->st, "defense kind: %s", sqlite3_errmsg(store_db(a->r->st)));
    }
    if ((a->seq = changes_append(a->r->st, "application", c->row.app.id, v)) < 0) return -1;
    c->row.app.status = st;
    c->row.app.version = v;
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "result", result);
    if (rule) cJSON_AddStringToObject(o, "rule", rule);
    cJSON_AddItemToObject(o, "record", case_json(a->r->st, &c->row, &c->d));
    return srv_json(out, 200, o);
}

static int64_t case_amount(const case_state *c)
{
    return c->row.grade && c->row.limit_fen > 0 ? c->row.limit_fen : c->row.app.amount_fen;
}

int act_review(act_ctx *a, srv_resp *out)
{
    const char *reason = a->req->reason, *me = a->r->who.user, *rule = NULL;
    case_state c;
    int d = a->req->decision, rc, auto_declined;
    app_status st;
    if ((rc = load(a, &c, out))) return rc < 0 ? -1 : 0;
    /* An automatic decision ("auto" on line 1) may be reviewed: that is an
     * override. A person's line-1 decision stands. */
    if ((c.d.l1 != L1_PENDING && strcmp(c.d.l1_user, "auto")) || c.d.l2 == L2_PENDING)
        return refuse_state(a, out, &c, "line 1 has already decided this case");
    if (c.row.app.status == APP_APPROVED || c.row.app.status == APP_ESCALATED)
        return refuse_state(a, out, &c, "this application is not waiting for line 1");
    if ((rc = check_line(a, &c, 1, out))) return rc < 0 ? -1 : 0;
    auto_declined = c.row.app.status == APP_DECLINED;
    snprintf(a->detail, sizeof a->detail, "decision=%s reason=%.400s", action_decision_name(a->req), reason);
    yx_strlcpy(c.d.l1_user, me, sizeof c.d.l1_user);
    if (d == 0 && auto_declined) rule = POLICY_OVERRIDE_NEEDS_L2;
    else if (d == 0 && case_amount(&c) > srv_limits(a->r->srv)->authority_fen[a->r->who.role]) rule = POLICY_AUTHORITY;
    if (d == 2 || rule) {
        c.d.l1 = L1_ESCALATED;
        c.d.l2 = L2_PENDING;
        st = APP_ESCALATED;
        return commit_case(a, &c, st, me, rule ? "routed_to_line2" : "escalated", rule, out);
    }
    c.d.l1 = d == 0 ? L1_APPROVED : L1_REJECTED;
    st = d == 0 ? APP_APPROVED : APP_DECLINED;
    return commit_case(a, &c, st, c.maker, d == 0 ? "approved" : "declined", NULL, out);
}

/* The limit a pending limit case asks for: the latest adjust_limit action
 * on the record holds it. 0 when none. */
static int64_t requested_limit(act_ctx *a)
{
    sqlite3_stmt *st = store_stmt(a->r->st, "SELECT response FROM actions WHERE type = 'adjust_limit' "
                                            "AND record = ? AND status = 200 ORDER BY at DESC LIMIT 1");
    int64_t v = 0;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, a->record, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *j = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, "requested_limit_fen");
        if (cJSON_IsNumber(x)) v = (int64_t)x->valuedouble;
        cJSON_Delete(j);
    }
    sqlite3_reset(st);
    return v;
}

/* The customer's credit limit now: the credit line when one was set by
 * people, else the automatic decision's limit. */
static int64_t current_limit(act_ctx *a, const case_state *c)
{
    sqlite3_stmt *st = store_stmt(a->r->st, "SELECT limit_fen FROM credit_lines WHERE customer_id = ?");
    int64_t v = c->row.limit_fen;
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, c->row.app.customer_id);
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return v;
}

/* Sets the customer's credit line and records the change in its history.
 * The automatic decision stays as it was decided (it is what replay and
 * the intake answer show). */
static int set_limit(act_ctx *a, case_state *c, int64_t limit, const char *reason)
{
    store *s = a->r->st;
    int64_t old = current_limit(a, c), now = store_now_ms();
    sqlite3_stmt *st;
    int rc;
    if (old < 0) return -1;
    st = store_stmt(s, "INSERT INTO credit_lines (customer_id, limit_fen, updated_at) VALUES (?1, ?2, ?3) "
                       "ON CONFLICT(customer_id) DO UPDATE SET limit_fen = ?2, version = version + 1, "
                       "updated_at = ?3 RETURNING id");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, c->row.app.customer_id);
    sqlite3_bind_int64(st, 2, limit);
    sqlite3_bind_int64(st, 3, now);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return store_fail(s, "credit line: %s", sqlite3_errmsg(store_db(s)));
    }
    int64_t line = sqlite3_column_int64(st, 0);
    sqlite3_step(st);
    sqlite3_reset(st);
    st = store_stmt(s, "INSERT INTO limit_history (credit_line_id, old_fen, new_fen, reason, by_user, at) "
                       "VALUES (?, ?, ?, ?, ?, ?)");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, line);
    sqlite3_bind_int64(st, 2, old);
    sqlite3_bind_int64(st, 3, limit);
    sqlite3_bind_text(st, 4, reason, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, a->r->who.user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, now);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_fail(s, "limit history: %s", sqlite3_errmsg(store_db(s)));
}

int act_line2(act_ctx *a, srv_resp *out)
{
    const char *reason = a->req->reason;
    case_state c;
    int d = a->req->decision, rc, limit_case;
    app_status st = APP_APPROVED;
    if ((rc = load(a, &c, out))) return rc < 0 ? -1 : 0;
    if (c.d.l2 != L2_PENDING) return refuse_state(a, out, &c, "no line-2 decision is pending on this case");
    if ((rc = check_line(a, &c, 2, out))) return rc < 0 ? -1 : 0;
    limit_case = !strcmp(c.kind, "limit");
    snprintf(a->detail, sizeof a->detail, "decision=%s reason=%.400s", action_decision_name(a->req), reason);
    yx_strlcpy(c.d.l2_user, a->r->who.user, sizeof c.d.l2_user);
    if (d == 0) {
        int64_t amount = limit_case ? requested_limit(a) : case_amount(&c);
        if (amount < 0) return -1;
        if (amount > srv_limits(a->r->srv)->authority_fen[a->r->who.role])
            return srv_error(out, 403, POLICY_AUTHORITY, "%lld fen is above your authority of %lld fen",
                             (long long)amount, (long long)srv_limits(a->r->srv)->authority_fen[a->r->who.role]);
        if (limit_case && amount > 0 && set_limit(a, &c, amount, reason)) return -1;
        c.d.l2 = L2_APPROVED;
        /* An approved override of an automatic decline is always sampled,
         * even when line 3 had already passed the automatic decision: the
         * override is a new decision it has not seen. An open finding
         * keeps line 3 on the case as it is. */
        if (!limit_case && c.row.grade && c.row.outcome == OUT_DECLINE &&
            (c.d.l3 == L3_NOT_SAMPLED || c.d.l3 == L3_PASSED))
            c.d.l3 = L3_SAMPLED;
        st = APP_APPROVED;
    } else if (d == 1) {
        c.d.l2 = L2_REJECTED;
        st = limit_case ? c.row.app.status : APP_DECLINED;
    } else {
        c.d.l2 = L2_RETURNED;
        c.d.l1 = L1_PENDING;
        st = limit_case ? c.row.app.status : APP_REFERRED;
        /* what its maker asked for no longer stands: the officer who
         * escalated decides it again on line 1, as maker of nothing */
        return commit_case(a, &c, st, NULL, action_decision_name(a->req), NULL, out);
    }
    return commit_case(a, &c, st, c.maker, action_decision_name(a->req), NULL, out);
}

int act_audit(act_ctx *a, srv_resp *out)
{
    const char *note = a->req->note, *remediation = NULL;
    case_state c;
    int rc;
    if ((rc = load(a, &c, out))) return rc < 0 ? -1 : 0;
    if ((rc = check_line(a, &c, 3, out))) return rc < 0 ? -1 : 0;
    if (a->req->type == ACTION_AUDIT_SAMPLE) {
        if (c.d.l3 != L3_NOT_SAMPLED) return refuse_state(a, out, &c, "this case is already sampled");
        c.d.l3 = L3_SAMPLED;
    } else {
        if (c.d.l3 != L3_SAMPLED) return refuse_state(a, out, &c, "sample the case before recording a result");
        if (a->req->type == ACTION_AUDIT_FINDING) {
            remediation = a->req->remediation;
            c.d.l3 = L3_FINDING;
        } else {
            c.d.l3 = L3_PASSED;
        }
    }
    snprintf(a->detail, sizeof a->detail, "%s%s%s%s%s note=%.200s", a->type,
             remediation ? " severity=" : "", remediation ? action_severities[a->req->severity] : "",
             remediation ? " remediation=" : "", remediation ? remediation : "", note ? note : "");
    yx_strlcpy(c.d.l3_user, a->r->who.user, sizeof c.d.l3_user);
    return commit_case(a, &c, c.row.app.status, c.maker, line3_name(c.d.l3), NULL, out);
}

int act_adjust_limit(act_ctx *a, srv_resp *out)
{
    const char *reason = a->req->reason;
    case_state c;
    int64_t limit = a->req->new_limit_fen;
    int rc;
    if ((rc = load(a, &c, out))) return rc < 0 ? -1 : 0;
    if (!c.row.grade || c.row.app.status != APP_APPROVED)
        return refuse_state(a, out, &c, "only an approved application's limit can change");
    if (c.d.l2 == L2_PENDING) return refuse_state(a, out, &c, "a line-2 decision is pending on this case");
    if ((rc = check_line(a, &c, 1, out))) return rc < 0 ? -1 : 0;
    snprintf(a->detail, sizeof a->detail, "from=%lld to=%lld reason=%.400s",
             (long long)current_limit(a, &c), (long long)limit, reason);
    if (limit <= srv_limits(a->r->srv)->authority_fen[a->r->who.role]) {
        if (set_limit(a, &c, limit, reason)) return -1;
        return commit_case(a, &c, c.row.app.status, c.maker, "applied", NULL, out);
    }
    /* Above authority: a line-2 case made by this user. */
    yx_strlcpy(c.kind, "limit", sizeof c.kind);
    c.d.l2 = L2_PENDING;
    if (commit_case(a, &c, c.row.app.status, a->r->who.user, "routed_to_line2", POLICY_AUTHORITY, out))
        return -1;
    if (out->status == 200) {
        /* The request travels in the stored answer until line 2 decides. */
        cJSON *o = cJSON_Parse(out->body);
        cJSON_AddNumberToObject(o, "requested_limit_fen", (double)limit);
        return srv_json(out, 200, o);
    }
    return 0;
}
