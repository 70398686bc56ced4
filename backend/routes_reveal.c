/* Personal data in clear, and alerts.
 *
 * POST /v1/reveal {application_id, fields[], reason}: opens the sealed
 * personal data of the application's customer for a reason of at least 10
 * bytes. The audit entry (who, which fields, why) is durable before the
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

int route_reveal(srv_req *r, srv_resp *out)
{
    static const char *const names[] = { "name", "id_number", "mobile", "bank_card" };
    cJSON *body = srv_body_json(r, out), *f, *it, *o, *vals;
    const cJSON *aid, *reason;
    int want[4] = { 0 }, n, rc;
    app_row row;
    customer c;
    char record[48], detail[700], fields[64] = "";
    int64_t now = store_now_ms(), app_id;
    struct reveal_job j;
    if (!body) return 0;
    aid = cJSON_GetObjectItemCaseSensitive(body, "application_id");
    reason = cJSON_GetObjectItemCaseSensitive(body, "reason");
    f = cJSON_GetObjectItemCaseSensitive(body, "fields");
    if (!cJSON_IsNumber(aid) || aid->valuedouble < 1 || aid->valuedouble > 9e15 ||
        aid->valuedouble != (double)(int64_t)aid->valuedouble) {
        cJSON_Delete(body);
        return srv_error(out, 400, "bad_field", "'application_id' must be a positive integer");
    }
    if (!cJSON_IsString(reason) || strlen(reason->valuestring) < 10 || strlen(reason->valuestring) > 500 ||
        !yx_utf8_valid(reason->valuestring, strlen(reason->valuestring))) {
        cJSON_Delete(body);
        return srv_error(out, 400, "reason_required", "say why, in 10 to 500 bytes of text ('reason')");
    }
    if (!cJSON_IsArray(f) || cJSON_GetArraySize(f) == 0) {
        cJSON_Delete(body);
        return srv_error(out, 400, "bad_field", "'fields' must list some of: name, id_number, mobile, bank_card");
    }
    cJSON_ArrayForEach(it, f) {
        int k = -1;
        for (int i = 0; i < 4 && cJSON_IsString(it); i++) if (!strcmp(it->valuestring, names[i])) k = i;
        if (k < 0) {
            cJSON_Delete(body);
            return srv_error(out, 400, "bad_field", "'fields' must list some of: name, id_number, mobile, bank_card");
        }
        if (!want[k]) snprintf(fields + strlen(fields), sizeof fields - strlen(fields), "%s%s", fields[0] ? "," : "", names[k]);
        want[k] = 1;
    }
    app_id = (int64_t)aid->valuedouble;
    rc = store_app_get(r->st, app_id, &row);
    if (rc) {
        cJSON_Delete(body);
        return rc < 0 ? -1 : srv_error(out, 404, "not_found", "no application %lld", (long long)app_id);
    }
    n = count_reveal(r->who.user, now);
    if (n > 2 * REVEAL_ALERT_AT) {
        cJSON_Delete(body);
        return srv_error(out, 429, "reveal_rate_limited",
                         "too many reveals within an hour; line 2 has been alerted");
    }
    snprintf(record, sizeof record, "customer:%lld", (long long)row.app.customer_id);
    snprintf(detail, sizeof detail, "application=%lld fields=%s reason=%.500s",
             (long long)row.app.id, fields, reason->valuestring);
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
    if (want[0]) cJSON_AddStringToObject(vals, "name", c.name);
    if (want[1]) cJSON_AddStringToObject(vals, "id_number", c.id_number);
    if (want[2]) cJSON_AddStringToObject(vals, "mobile", c.mobile);
    if (want[3]) cJSON_AddStringToObject(vals, "bank_card", c.bank_card);
    memset(&c, 0, sizeof c);
    return srv_json(out, 200, o);
}

/* Action alert_ack {alert_id}: line 2 has looked at the alert. */
int act_alert_ack(act_ctx *a, srv_resp *out)
{
    int64_t id;
    sqlite3_stmt *st;
    int rc;
    if (act_int(a, "alert_id", 1, INT64_MAX / 2, &id, out)) return 0;
    st = store_stmt(a->r->st, "UPDATE alerts SET acknowledged = 1 WHERE id = ? AND acknowledged = 0");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return store_fail(a->r->st, "alert: %s", sqlite3_errmsg(store_db(a->r->st)));
    if (sqlite3_changes(store_db(a->r->st)) == 0)
        return srv_error(out, 409, "invalid_state", "alert %lld does not exist or is already acknowledged",
                         (long long)id);
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

int route_alerts(srv_req *r, srv_resp *out)
{
    int64_t limit, after_id;
    sqlite3_stmt *st;
    cJSON *o;
    if (srv_page_query(r, out, 100, 500, &limit, &after_id)) return 0;
    if (after_id == 0) after_id = INT64_MAX;   /* newest first: start above every id */
    st = store_stmt(r->st, "SELECT id, at, kind, severity, subject, message, acknowledged FROM alerts "
                           "WHERE id < ? ORDER BY id DESC LIMIT ?");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, after_id);
    sqlite3_bind_int64(st, 2, limit + 1);
    if (!(o = srv_page_rows(r->st, st, limit, alert_json))) return -1;
    return srv_json(out, 200, o);
}
