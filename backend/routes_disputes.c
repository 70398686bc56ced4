/* Customer disputes: GET /v1/disputes (keyset pages, newest first, by
 * status or overdue), GET /v1/disputes/{id} (with its messages), and the
 * dispute_* actions of POST /v1/actions.
 *
 * Deadlines follow the consumer-complaint rule: 15 days from opening,
 * extendable once to 30 for a complex case with a recorded reason; an open
 * dispute past its deadline is "overdue". A dispute is about a customer,
 * and about one of the customer's applications when one is named. Who may
 * open or act on a dispute in which state is core/policy's rule
 * (policy_check_dispute): support opens and works disputes; an escalated
 * one belongs to line 2 (risk), which acts on nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/actions.h"
#include "backend/routes.h"
#include "core/changes.h"
#include "core/store_user.h"
#include "core/util.h"

#define DAY_MS (24 * 3600 * 1000LL)
#define DUE_DAYS 15
#define DUE_DAYS_EXTENDED 30

static const char *const status_names[] = { "open", "info_requested", "escalated", "resolved", "rejected", NULL };

static int is_closed(const char *status)
{
    return !strcmp(status, "resolved") || !strcmp(status, "rejected");
}

/* What overdue means in SQL (is_closed's statuses, the deadline before :now). */
#define OVERDUE_WHERE "(status NOT IN ('resolved', 'rejected') AND due_at < :now)"

int64_t disputes_overdue(store *s)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM disputes WHERE " OVERDUE_WHERE);
    int64_t n = -1;
    if (!st) return -1;
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":now"), store_now_ms());
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return n;
}

static const char *col(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? t : "";
}

#define DISPUTE_COLS "id, customer_id, ifnull(application_id, 0), category, status, ifnull(assignee, ''), " \
                     "opened_by, opened_at, due_at, extended, ifnull(extend_reason, ''), " \
                     "ifnull(resolution, ''), version"

static cJSON *row_json(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    int64_t due = sqlite3_column_int64(st, 8);
    cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(st, 0));
    cJSON_AddNumberToObject(o, "customer_id", (double)sqlite3_column_int64(st, 1));
    if (sqlite3_column_int64(st, 2)) cJSON_AddNumberToObject(o, "application_id", (double)sqlite3_column_int64(st, 2));
    else cJSON_AddNullToObject(o, "application_id");
    cJSON_AddStringToObject(o, "category", col(st, 3));
    cJSON_AddStringToObject(o, "status", col(st, 4));
    cJSON_AddStringToObject(o, "assignee", col(st, 5));
    cJSON_AddStringToObject(o, "opened_by", col(st, 6));
    cJSON_AddNumberToObject(o, "opened_at", (double)sqlite3_column_int64(st, 7));
    cJSON_AddNumberToObject(o, "due_at", (double)due);
    cJSON_AddBoolToObject(o, "extended", sqlite3_column_int(st, 9));
    cJSON_AddStringToObject(o, "extend_reason", col(st, 10));
    cJSON_AddStringToObject(o, "resolution", col(st, 11));
    cJSON_AddNumberToObject(o, "version", (double)sqlite3_column_int64(st, 12));
    cJSON_AddBoolToObject(o, "overdue", !is_closed(col(st, 4)) && store_now_ms() > due);
    return o;
}

int dispute_to_json(store *s, int64_t id, cJSON **out)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT " DISPUTE_COLS " FROM disputes WHERE id = ?");
    cJSON *msgs;
    int rc;
    *out = NULL;
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *out = row_json(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return 1;
    if (rc != SQLITE_ROW) return store_fail(s, "disputes: %s", sqlite3_errmsg(store_db(s)));
    st = store_stmt(s, "SELECT author, body, at FROM dispute_messages WHERE dispute_id = ? ORDER BY id");
    if (!st) { cJSON_Delete(*out); *out = NULL; return -1; }
    sqlite3_bind_int64(st, 1, id);
    msgs = cJSON_AddArrayToObject(*out, "messages");
    while (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "author", col(st, 0));
        cJSON_AddStringToObject(m, "body", col(st, 1));
        cJSON_AddNumberToObject(m, "at", (double)sqlite3_column_int64(st, 2));
        cJSON_AddItemToArray(msgs, m);
    }
    sqlite3_reset(st);
    return 0;
}

int route_dispute_list(srv_req *r, srv_resp *out)
{
    const char *status = srv_query(r, "status"), *overdue = srv_query(r, "overdue");
    int64_t limit, after_id;
    int want_overdue = overdue && !strcmp(overdue, "1"), known = !status || !*status;
    sqlite3_stmt *st;
    cJSON *o;
    for (int i = 0; !known && status_names[i]; i++) known = !strcmp(status, status_names[i]);
    if (!known) return srv_error(out, 400, "bad_filter", "unknown dispute status '%.40s'", status);
    if (overdue && strcmp(overdue, "0") && strcmp(overdue, "1"))
        return srv_error(out, 400, "bad_filter", "overdue must be 0 or 1");
    if (srv_page_query(r, out, 100, 500, &limit, &after_id)) return 0;
    if (after_id == 0) after_id = INT64_MAX;   /* newest first: start above every id */
    st = store_stmt(r->st, "SELECT " DISPUTE_COLS " FROM disputes WHERE id < ?1 "
                           "AND (?2 IS NULL OR status = ?2) "
                           "AND (?3 = 0 OR " OVERDUE_WHERE ") "
                           "ORDER BY id DESC LIMIT ?5");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, after_id);
    if (status && *status) sqlite3_bind_text(st, 2, status, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, want_overdue);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":now"), store_now_ms());
    sqlite3_bind_int64(st, 5, limit + 1);
    if (!(o = srv_page_rows(r->st, st, limit, row_json))) return -1;
    {   /* a page of disputes is a read of customers' records: audited as
         * a page of applications is */
        char detail[120];
        snprintf(detail, sizeof detail, "rows=%d status=%.20s overdue=%d",
                 cJSON_GetArraySize(cJSON_GetObjectItem(o, "items")), status ? status : "", want_overdue);
        if (srv_audit(r, "list", "disputes", detail)) { cJSON_Delete(o); return -1; }
    }
    return srv_json(out, 200, o);
}

int route_dispute_get(srv_req *r, srv_resp *out)
{
    cJSON *d;
    char record[48];
    int rc = dispute_to_json(r->st, r->path_id, &d);
    if (rc < 0) return -1;
    if (rc == 1) return srv_error(out, 404, "not_found", "no dispute %lld", (long long)r->path_id);
    snprintf(record, sizeof record, "dispute:%lld", (long long)r->path_id);
    if (srv_audit(r, "read", record, NULL)) { cJSON_Delete(d); return -1; }
    return srv_json(out, 200, d);
}

/* ---- actions ------------------------------------------------------------ */

static int exec_ok(store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_fail(s, "disputes: %s", sqlite3_errmsg(store_db(s)));
}

static int add_message(store *s, int64_t id, const char *author, const char *body)
{
    sqlite3_stmt *st = store_stmt(s, "INSERT INTO dispute_messages (dispute_id, author, body, at) VALUES (?, ?, ?, ?)");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, author, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, body, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, store_now_ms());
    return exec_ok(s, st);
}

/* Answers 200 with the dispute after the change and feeds the change. */
static int answer(act_ctx *a, int64_t id, int64_t version, srv_resp *out)
{
    cJSON *d, *o;
    int rc;
    snprintf(a->record, sizeof a->record, "dispute:%lld", (long long)id);
    if ((a->seq = changes_append(a->r->st, "dispute", id, version)) < 0) return -1;
    rc = dispute_to_json(a->r->st, id, &d);
    if (rc) return -1;
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "result", a->type + strlen("dispute_"));
    cJSON_AddItemToObject(o, "record", d);
    return srv_json(out, 200, o);
}

/* The first column of the row `sql` finds for id: *v = 0 when none. */
static int lookup(store *s, const char *sql, int64_t id, int64_t *v)
{
    sqlite3_stmt *st = store_stmt(s, sql);
    int rc;
    *v = 0;
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fail(s, "disputes: %s", sqlite3_errmsg(store_db(s)));
}

/* dispute_open: customer_id, application_id or both (the application must
 * then be the customer's); the customer of an application-only dispute is
 * the application's. */
static int open_dispute(act_ctx *a, srv_resp *out)
{
    const char *msg = a->req->text;
    int64_t app_id = a->req->application_id, cust = a->req->customer_id, found, now = store_now_ms(), id;
    sqlite3_stmt *st;
    dispute_category dc = a->req->category;
    char app_txt[24] = "none";
    if (!cust && !app_id)
        return srv_error(out, 422, "dispute_subject_required",
                         "name the customer_id or the application_id the dispute is about (or both)");
    if (cust) {
        if (lookup(a->r->st, "SELECT id FROM customers WHERE id = ?", cust, &found)) return -1;
        if (!found) return srv_error(out, 404, "not_found", "no customer %lld", (long long)cust);
    }
    if (app_id) {
        if (lookup(a->r->st, "SELECT customer_id FROM applications WHERE id = ?", app_id, &found)) return -1;
        if (!found) return srv_error(out, 404, "not_found", "no application %lld", (long long)app_id);
        if (cust && found != cust)
            return srv_error(out, 422, "application_not_of_customer", "application %lld is not customer %lld's",
                             (long long)app_id, (long long)cust);
        cust = found;
        snprintf(app_txt, sizeof app_txt, "%lld", (long long)app_id);
    }
    st = store_stmt(a->r->st, "INSERT INTO disputes (customer_id, application_id, category, status, assignee, "
                              "opened_by, opened_at, due_at, version) VALUES (?, ?, ?, 'open', ?, ?, ?, ?, 1)");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, cust);
    if (app_id) sqlite3_bind_int64(st, 2, app_id);
    else sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, dispute_category_name(dc), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->r->who.user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, a->r->who.user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, now);
    sqlite3_bind_int64(st, 7, now + DUE_DAYS * DAY_MS);
    if (exec_ok(a->r->st, st)) return -1;
    id = sqlite3_last_insert_rowid(store_db(a->r->st));
    if (add_message(a->r->st, id, a->r->who.user, msg)) return -1;
    snprintf(a->detail, sizeof a->detail, "category=%s customer=%lld application=%s",
             dispute_category_name(dc), (long long)cust, app_txt);
    return answer(a, id, 1, out);
}

/* 403 with the code of the dispute rule core/policy names. */
static int refuse(act_ctx *a, const char *code, srv_resp *out)
{
    return srv_error(out, 403, code, "role %s may not perform %s: %s", role_name(a->r->who.role), a->type,
                     policy_refusal_text(code));
}

int act_dispute(act_ctx *a, srv_resp *out)
{
    const char *verb = a->type + strlen("dispute_"), *text = a->req->text, *field = a->req->text_field;
    int64_t id = a->req->dispute_id, version = a->req->version, cur_version = 0, opened_at = 0;
    char status[24] = "";
    int extended = 0;
    dispute_status dst;
    const char *refused;
    sqlite3_stmt *st;
    /* route_actions refused every role but support before this */
    if (!strcmp(verb, "open")) return open_dispute(a, out);
    st = store_stmt(a->r->st, "SELECT status, version, opened_at, extended FROM disputes WHERE id = ?");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        yx_strlcpy(status, col(st, 0), sizeof status);
        cur_version = sqlite3_column_int64(st, 1);
        opened_at = sqlite3_column_int64(st, 2);
        extended = sqlite3_column_int(st, 3);
    }
    sqlite3_reset(st);
    if (!status[0]) return srv_error(out, 404, "not_found", "no dispute %lld", (long long)id);
    if (version != cur_version) {
        cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error"), *d = NULL;
        cJSON_AddStringToObject(e, "code", "stale_version");
        cJSON_AddStringToObject(e, "message", "the dispute changed since you saw it");
        if (dispute_to_json(a->r->st, id, &d) == 0) cJSON_AddItemToObject(o, "current", d);
        return srv_json(out, 409, o);
    }
    if (is_closed(status)) return srv_error(out, 409, "invalid_state", "the dispute is %s", status);
    if (dispute_status_parse(status, &dst))
        return store_fail(a->r->st, "dispute %lld has status %s", (long long)id, status);
    if ((refused = policy_check_dispute(a->r->who.role, 0, dst))) return refuse(a, refused, out);
    if (!strcmp(verb, "escalate") && !strcmp(status, "escalated"))
        return srv_error(out, 409, "invalid_state", "the dispute is already escalated");
    snprintf(a->detail, sizeof a->detail, "%s=%.500s", field, text);

    if (!strcmp(verb, "assign")) {
        user u;
        int rc = store_user_find(a->r->st, text, &u, NULL, 0);
        if (rc < 0) return -1;
        /* the assignee must be someone who may work the dispute as it is
         * now (core/policy): support, or line 2 once it is escalated */
        if (rc == 1 || u.disabled || policy_check_dispute(u.role, 0, dst))
            return srv_error(out, 422, "bad_assignee", "assign to an active user who may work a dispute %s: %s", status,
                             dst == DSPS_ESCALATED ? "line 2 (risk)" : "support");
        st = store_stmt(a->r->st, "UPDATE disputes SET assignee = ?, version = version + 1 WHERE id = ?");
        if (!st) return -1;
        sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, id);
    } else if (!strcmp(verb, "extend")) {
        if (extended) return srv_error(out, 409, "invalid_state", "the deadline was already extended to 30 days");
        st = store_stmt(a->r->st, "UPDATE disputes SET extended = 1, extend_reason = ?, due_at = ?, "
                                  "version = version + 1 WHERE id = ?");
        if (!st) return -1;
        sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, opened_at + DUE_DAYS_EXTENDED * DAY_MS);
        sqlite3_bind_int64(st, 3, id);
    } else if (!strcmp(verb, "message")) {
        if (add_message(a->r->st, id, a->r->who.user, text)) return -1;
        st = store_stmt(a->r->st, "UPDATE disputes SET version = version + 1 WHERE id = ?");
        if (!st) return -1;
        sqlite3_bind_int64(st, 1, id);
    } else {
        /* Line 2 asking for information keeps an escalated dispute its
         * own: were it to become info_requested, support could close it. */
        int escalated = !strcmp(status, "escalated");
        const char *to = !strcmp(verb, "request_info") ? (escalated ? "escalated" : "info_requested")
                       : !strcmp(verb, "escalate")   ? "escalated"
                       : !strcmp(verb, "resolve")    ? "resolved"
                                                     : "rejected";
        int closes = !strcmp(verb, "resolve") || !strcmp(verb, "reject");
        if (add_message(a->r->st, id, a->r->who.user, text)) return -1;
        st = store_stmt(a->r->st, "UPDATE disputes SET status = ?, resolution = CASE WHEN ? THEN ? "
                                  "ELSE resolution END, version = version + 1 WHERE id = ?");
        if (!st) return -1;
        sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, closes);
        sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 4, id);
    }
    if (exec_ok(a->r->st, st)) return -1;
    return answer(a, id, cur_version + 1, out);
}
