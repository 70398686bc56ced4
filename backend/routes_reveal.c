/* Personal data in clear, and alerts.
 *
 * POST /v1/reveal {application_id, fields[], reason, request?}: opens the
 * sealed personal data of the application's customer for a reason of at
 * least 10 bytes. Line 2 (risk) reveals on its own reason; line 1 only
 * under a reveal_request action of its own that line 2 approved with a
 * reveal_decide action (someone else than the requester) within the last
 * 30 minutes, for no more fields than were asked. The audit entry (who, which fields, why) is durable before the
 * answer leaves; the answer says until when it may be shown and is never
 * cached (Cache-Control: no-store on every response). A user who reveals
 * more than REVEAL_ALERT_AT times in an hour raises an abnormal-access
 * alert for line 2; beyond twice that, reveals are refused until the hour
 * is over.
 *
 * GET /v1/alerts?after=&limit=: alerts, newest first; the alert_ack action
 * (line 2) marks one as looked at. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/actions.h"
#include "backend/routes.h"
#include "core/changes.h"
#include "core/store_app.h"
#include "core/util.h"

#define REVEAL_ALERT_AT 20
#define REVEAL_WINDOW_MS (3600 * 1000LL)
#define REVEAL_SHOW_MS (5 * 60 * 1000LL)
#define REVEAL_APPROVAL_MS (30 * 60 * 1000LL)
#define RATE_SLOTS 128

/* Reveals per user in the current window, process-wide. */
static struct {
    pthread_mutex_t mu;
    struct { char user[32]; int64_t since; int n; } slot[RATE_SLOTS];
} rate = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* Counts one reveal by who; returns the count in the window. */
static int count_reveal(const char *who, int64_t now)
{
    int i, free_i = -1, oldest = 0, n;
    pthread_mutex_lock(&rate.mu);
    for (i = 0; i < RATE_SLOTS; i++) {
        if (!strcmp(rate.slot[i].user, who)) break;
        if (!rate.slot[i].user[0] && free_i < 0) free_i = i;
        if (rate.slot[i].since < rate.slot[oldest].since) oldest = i;
    }
    if (i == RATE_SLOTS) {
        i = free_i >= 0 ? free_i : oldest;
        yx_strlcpy(rate.slot[i].user, who, sizeof rate.slot[i].user);
        rate.slot[i].since = now;
        rate.slot[i].n = 0;
    }
    if (now - rate.slot[i].since > REVEAL_WINDOW_MS) {
        rate.slot[i].since = now;
        rate.slot[i].n = 0;
    }
    n = ++rate.slot[i].n;
    pthread_mutex_unlock(&rate.mu);
    return n;
}

struct reveal_job {
    const char *record, *detail;
    int raise_alert;
    int64_t seq;
};

static int reveal_job(srv_req *r, void *arg)
{
    struct reveal_job *j = arg;
    if (srv_audit(r, "reveal", j->record, j->detail)) return -1;
    if (j->raise_alert) {
        char subject[48], msg[160];
        sqlite3_stmt *st = store_stmt(r->st, "INSERT INTO alerts (at, kind, severity, subject, message) "
                                             "VALUES (?, 'abnormal_access', 'high', ?, ?)");
        if (!st) return -1;
        snprintf(subject, sizeof subject, "user:%.40s", r->who.user);
        snprintf(msg, sizeof msg, "%.31s revealed personal data %d times within an hour",
                 r->who.user, REVEAL_ALERT_AT);
        sqlite3_bind_int64(st, 1, store_now_ms());
        sqlite3_bind_text(st, 2, subject, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, msg, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) {
            sqlite3_reset(st);
            return store_fail(r->st, "alert: %s", sqlite3_errmsg(store_db(r->st)));
        }
        sqlite3_reset(st);
        j->seq = changes_append(r->st, "alert", sqlite3_last_insert_rowid(store_db(r->st)), 1);
        if (j->seq < 0) return -1;
    }
    return 0;
}

/* Line 1 reveals only under a reveal request of its own that line 2
 * approved less than REVEAL_APPROVAL_MS ago, for that application and no
 * more fields than were asked. Returns NULL when it holds, else why not;
 * -1 in *rc on a store failure. */
static const char *approved(srv_req *r, const char *key, int64_t app_id, const int want[REVEAL__COUNT], int *rc)
{
    sqlite3_stmt *st;
    char akey[160];
    const char *why = NULL;
    cJSON *req = NULL;
    *rc = 0;
    if (!key) return "line 1 reveals under an approved reveal request: send its id as 'request'";
    st = store_stmt(r->st, "SELECT user_id, response FROM actions WHERE idem_key = ? AND type = 'reveal_request' "
                           "AND status = 200");
    if (!st) { *rc = -1; return "store"; }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == r->who.user_id)
        req = cJSON_Parse((const char *)sqlite3_column_text(st, 1));
    sqlite3_reset(st);
    if (!req) return "no reveal request of yours has that id";
    if (cJSON_GetObjectItem(req, "application_id")->valuedouble != (double)app_id)
        why = "the request was for another application";
    for (int i = 0; !why && i < REVEAL__COUNT; i++) {
        const cJSON *f;
        int asked = 0;
        cJSON_ArrayForEach(f, cJSON_GetObjectItem(req, "fields"))
            if (cJSON_IsString(f) && !strcmp(f->valuestring, reveal_field_names[i])) asked = 1;
        if (want[i] && !asked) why = "the request did not ask for all these fields";
    }
    cJSON_Delete(req);
    if (why) return why;
    snprintf(akey, sizeof akey, "approval:%s", key);
    st = store_stmt(r->st, "SELECT response, at FROM actions WHERE idem_key = ?");
    if (!st) { *rc = -1; return "store"; }
    sqlite3_bind_text(st, 1, akey, -1, SQLITE_TRANSIENT);
    why = "line 2 has not approved the request";
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (strcmp((const char *)sqlite3_column_text(st, 0), "approve")) why = "line 2 rejected the request";
        else if (store_now_ms() - sqlite3_column_int64(st, 1) > REVEAL_APPROVAL_MS) why = "the approval has expired";
        else why = NULL;
    }
    sqlite3_reset(st);
    return why;
}

int route_reveal(srv_req *r, srv_resp *out)
{
    cJSON *body = srv_body_json(r, out), *o, *vals;
    const char *why;
    int n, rc;
    app_row row;
    customer c;
    char record[48], detail[760];
    int64_t now = store_now_ms();
    struct reveal_job j;
    reveal_req q;
    action_error err;
    if (!body) return 0;
    /* line 2 reveals on its own reason and cites no request */
    if (reveal_decode(body, r->who.role != ROLE_RISK, &q, &err)) {
        cJSON_Delete(body);
        return srv_error(out, 400, err.code, "%s", err.message);
    }
    rc = store_app_get(r->st, q.application_id, &row);
    if (rc) {
        cJSON_Delete(body);
        return rc < 0 ? -1 : srv_error(out, 404, "not_found", "no application %lld", (long long)q.application_id);
    }
    /* Line 2 reveals on its own reason; everyone else needs line 2's yes. */
    if (r->who.role != ROLE_RISK && (why = approved(r, q.request, q.application_id, q.want, &rc))) {
        cJSON_Delete(body);
        return rc < 0 ? -1 : srv_error(out, 403, "reveal_not_approved", "%s", why);
    }
    n = count_reveal(r->who.user, now);
    if (n > 2 * REVEAL_ALERT_AT) {
        cJSON_Delete(body);
        return srv_error(out, 429, "reveal_rate_limited",
                         "too many reveals within an hour; line 2 has been alerted");
    }
    snprintf(record, sizeof record, "customer:%lld", (long long)row.app.customer_id);
    snprintf(detail, sizeof detail, "application=%lld fields=%s request=%.64s reason=%.500s",
             (long long)row.app.id, q.fields, q.request ? q.request : "-", q.reason);
    cJSON_Delete(body);
    rc = store_customer_reveal(r->st, srv_data_key(r->srv), row.app.customer_id, &c);
    if (rc) return rc < 0 ? -1 : srv_error(out, 404, "not_found", "the customer's data is gone");
    j.record = record;
    j.detail = detail;
    j.raise_alert = n == REVEAL_ALERT_AT;
    j.seq = 0;
    if (srv_write(r, reveal_job, &j)) {   /* no audit, no data */
        memset(&c, 0, sizeof c);
        return -1;
    }
    if (j.seq > 0) srv_changed(r->srv, j.seq);
    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "application_id", (double)row.app.id);
    cJSON_AddNumberToObject(o, "customer_id", (double)row.app.customer_id);
    cJSON_AddNumberToObject(o, "show_until", (double)(now + REVEAL_SHOW_MS));
    vals = cJSON_AddObjectToObject(o, "fields");
    if (q.want[REVEAL_NAME]) cJSON_AddStringToObject(vals, "name", c.name);
    if (q.want[REVEAL_ID_NUMBER]) cJSON_AddStringToObject(vals, "id_number", c.id_number);
    if (q.want[REVEAL_MOBILE]) cJSON_AddStringToObject(vals, "mobile", c.mobile);
    if (q.want[REVEAL_BANK_CARD]) cJSON_AddStringToObject(vals, "bank_card", c.bank_card);
    memset(&c, 0, sizeof c);
    return srv_json(out, 200, o);
}

/* Action reveal_request {application_id, fields[], reason}: asks line 2
 * to let this user see those fields. The request's id is the action's
 * Idempotency-Key. */
int act_reveal_request(act_ctx *a, srv_resp *out)
{
    const reveal_req *q = &a->req->reveal;
    int64_t app_id = q->application_id;
    int rc;
    app_row row;
    cJSON *o, *fa;
    rc = store_app_get(a->r->st, app_id, &row);
    if (rc) return rc < 0 ? -1 : srv_error(out, 404, "not_found", "no application %lld", (long long)app_id);
    snprintf(a->record, sizeof a->record, "application:%lld", (long long)app_id);
    snprintf(a->detail, sizeof a->detail, "fields=%s reason=%.500s", q->fields, q->reason);
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "result", "requested");
    cJSON_AddStringToObject(o, "request", a->key);
    cJSON_AddNumberToObject(o, "application_id", (double)app_id);
    fa = cJSON_AddArrayToObject(o, "fields");
    for (int i = 0; i < REVEAL__COUNT; i++)
        if (q->want[i]) cJSON_AddItemToArray(fa, cJSON_CreateString(reveal_field_names[i]));
    return srv_json(out, 200, o);
}

/* Action reveal_decide {request, decision: approve|reject}: line 2 decides
 * a reveal request once; never its own. */
int act_reveal_decide(act_ctx *a, srv_resp *out)
{
    const char *key = a->req->request, *verdict = action_decision_name(a->req);
    char akey[160], maker[32] = "";
    int rc;
    sqlite3_stmt *st;
    policy_case pc = { maker, "", "", "", 0 };
    const char *rule;
    cJSON *o;
    st = store_stmt(a->r->st, "SELECT u.name FROM actions a JOIN users u ON u.id = a.user_id "
                              "WHERE a.idem_key = ? AND a.type = 'reveal_request' AND a.status = 200");
    if (!st) return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) yx_strlcpy(maker, (const char *)sqlite3_column_text(st, 0), sizeof maker);
    sqlite3_reset(st);
    if (!maker[0]) return srv_error(out, 404, "not_found", "no reveal request has that id");
    if ((rule = policy_check_line(&pc, 2, a->r->who.user)))
        return srv_error(out, 403, rule, "you asked for this reveal, so someone else must decide it");
    snprintf(akey, sizeof akey, "approval:%s", key);
    st = store_stmt(a->r->st, "INSERT INTO actions (idem_key, user_id, type, record, status, response, at) "
                              "VALUES (?, ?, 'reveal_decision', ?, 200, ?, ?)");
    if (!st) return -1;
    snprintf(a->record, sizeof a->record, "reveal:%.40s", key);
    sqlite3_bind_text(st, 1, akey, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, a->r->who.user_id);
    sqlite3_bind_text(st, 3, a->record, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, verdict, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, store_now_ms());
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT)
        return srv_error(out, 409, "invalid_state", "this reveal request was already decided");
    if (rc != SQLITE_DONE) return store_fail(a->r->st, "reveal decision: %s", sqlite3_errmsg(store_db(a->r->st)));
    snprintf(a->detail, sizeof a->detail, "decision=%s requested_by=%s", verdict, maker);
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "result", verdict);
    cJSON_AddStringToObject(o, "request", key);
    return srv_json(out, 200, o);
}

/* Action alert_ack {alert_id}: line 2 has looked at the alert. */
int act_alert_ack(act_ctx *a, srv_resp *out)
{
    int64_t id = a->req->alert_id;
    sqlite3_stmt *st;
    int rc;
    st = store_stmt(a->r->st, "UPDATE alerts SET acknowledged = 1 WHERE id = ? AND acknowledged = 0");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return store_fail(a->r->st, "alert: %s", sqlite3_errmsg(store_db(a->r->st)));
    if (sqlite3_changes(store_db(a->r->st)) == 0) {
        st = store_stmt(a->r->st, "SELECT count(*) FROM alerts WHERE id = ?");
        if (!st) return -1;
        sqlite3_bind_int64(st, 1, id);
        rc = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
        sqlite3_reset(st);
        if (rc < 0) return store_fail(a->r->st, "alert: %s", sqlite3_errmsg(store_db(a->r->st)));
        return rc ? srv_error(out, 409, "invalid_state", "alert %lld is already acknowledged", (long long)id)
                  : srv_error(out, 404, "not_found", "no alert %lld", (long long)id);
    }
    snprintf(a->record, sizeof a->record, "alert:%lld", (long long)id);
    if ((a->seq = changes_append(a->r->st, "alert", id, 2)) < 0) return -1;
    {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "result", "acknowledged");
        cJSON_AddNumberToObject(o, "alert_id", (double)id);
        return srv_json(out, 200, o);
    }
}

static cJSON *alert_json(sqlite3_stmt *st)
{
    cJSON *it = cJSON_CreateObject();
    cJSON_AddNumberToObject(it, "id", (double)sqlite3_column_int64(st, 0));
    cJSON_AddNumberToObject(it, "at", (double)sqlite3_column_int64(st, 1));
    cJSON_AddStringToObject(it, "kind", (const char *)sqlite3_column_text(st, 2));
    cJSON_AddStringToObject(it, "severity", (const char *)sqlite3_column_text(st, 3));
    cJSON_AddStringToObject(it, "subject", (const char *)sqlite3_column_text(st, 4));
    cJSON_AddStringToObject(it, "message", (const char *)sqlite3_column_text(st, 5));
    cJSON_AddBoolToObject(it, "acknowledged", sqlite3_column_int(st, 6));
    return it;
}

#define ALERT_COLS "id, at, kind, severity, subject, message, acknowledged"

int alert_to_json(store *s, int64_t id, cJSON **out)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT " ALERT_COLS " FROM alerts WHERE id = ?");
    int rc;
    *out = NULL;
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *out = alert_json(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return 0;
    return rc == SQLITE_DONE ? 1 : store_fail(s, "alerts: %s", sqlite3_errmsg(store_db(s)));
}

int route_alerts(srv_req *r, srv_resp *out)
{
    int64_t limit, after_id;
    sqlite3_stmt *st;
    cJSON *o;
    if (srv_page_query(r, out, 100, 500, &limit, &after_id)) return 0;
    if (after_id == 0) after_id = INT64_MAX;   /* newest first: start above every id */
    st = store_stmt(r->st, "SELECT " ALERT_COLS " FROM alerts WHERE id < ? ORDER BY id DESC LIMIT ?");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, after_id);
    sqlite3_bind_int64(st, 2, limit + 1);
    if (!(o = srv_page_rows(r->st, st, limit, alert_json))) return -1;
    return srv_json(out, 200, o);
}
