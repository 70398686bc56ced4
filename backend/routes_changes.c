/* GET /v1/changes?since=SEQ&wait=S&limit=N: the change feed. Returns the
 * changes after `since`, oldest first, each with the record's current
 * state as the caller's role may see it (masked rows only), and "next",
 * the cursor to pass as since. With wait it long-polls: when nothing is
 * new it waits (holding no database connection) until a change commits
 * or S seconds pass, then answers, possibly with no items. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/metrics.h"
#include "backend/routes.h"
#include "core/changes.h"
#include "core/store_app.h"
#include "core/util.h"
#include "core/wire.h"

#define FEED_PAGE_DEFAULT 200
#define FEED_PAGE_MAX 1000
#define FEED_WAIT_MAX 30

/* The permission a role needs to see changes of one kind. */
static permission kind_permission(const char *kind)
{
    if (!strcmp(kind, "application")) return PERM_APP_READ;
    if (!strcmp(kind, "dispute")) return PERM_DISPUTE_READ;
    if (!strcmp(kind, "alert")) return PERM_ALERTS;
    return PERM__COUNT;   /* unknown kinds are shown to nobody */
}

/* The record of one change as JSON, or JSON null when it is gone. */
static cJSON *record_json(srv_req *r, const change_row *c, int *err)
{
    if (!strcmp(c->kind, "application")) {
        app_row row;
        int rc = store_app_get(r->st, c->record_id, &row);
        if (rc < 0) { *err = 1; return NULL; }
        return rc == 0 ? wire_app_row_to_json(&row) : cJSON_CreateNull();
    }
    if (!strcmp(c->kind, "dispute")) {
        cJSON *d = NULL;
        int rc = dispute_to_json(r->st, c->record_id, &d);
        if (rc < 0) { *err = 1; return NULL; }
        return rc == 0 ? d : cJSON_CreateNull();
    }
    if (!strcmp(c->kind, "alert")) {
        cJSON *al = NULL;
        int rc = alert_to_json(r->st, c->record_id, &al);
        if (rc < 0) { *err = 1; return NULL; }
        return rc == 0 ? al : cJSON_CreateNull();
    }
    return cJSON_CreateNull();
}

int route_changes(srv_req *r, srv_resp *out)
{
    const char *qs = srv_query(r, "since"), *qw = srv_query(r, "wait"), *ql = srv_query(r, "limit");
    int64_t since = 0, wait = 0, limit = FEED_PAGE_DEFAULT, next;
    change_row *rows;
    int n = 0, shown = 0, err = 0;
    cJSON *o, *items;
    char buf[24];

    if (qs && *qs && yx_parse_i64(qs, 0, INT64_MAX, &since))
        return srv_error(out, 400, "bad_cursor", "since must be a cursor returned as \"next\" (or 0)");
    if (qw && *qw && yx_parse_i64(qw, 0, FEED_WAIT_MAX, &wait))
        return srv_error(out, 400, "bad_request", "wait must be 0 to %d seconds", FEED_WAIT_MAX);
    if (ql && *ql && yx_parse_i64(ql, 1, FEED_PAGE_MAX, &limit))
        return srv_error(out, 400, "bad_request", "limit must be 1 to %d", FEED_PAGE_MAX);
    /* a cursor this server never handed out (the head only grows): a
     * client following it would skip every change up to it, so it is told
     * to start over instead (a database restored from an older copy) */
    if (since > srv_last_change(r->srv))
        return srv_error(out, 400, "bad_cursor", "since %lld is past the newest change (%lld): read the feed again from 0",
                         (long long)since, (long long)srv_last_change(r->srv));
    rows = malloc(sizeof *rows * (size_t)limit);
    if (!rows) return srv_error(out, 503, "unavailable", "out of memory");

    /* only durable changes: a cursor never passes one a power loss could
     * take back (and give its number to another change) */
    if (changes_list(r->st, since, srv_last_change(r->srv), (int)limit, rows, &n)) { free(rows); return -1; }
    if (n == 0 && wait > 0) {
        int64_t deadline = store_now_ms() + wait * 1000;
        srv_release_store(r);
        srv_wait_change(r->srv, since, deadline);
        if (srv_reacquire_store(r) || changes_list(r->st, since, srv_last_change(r->srv), (int)limit, rows, &n)) {
            free(rows);
            return -1;
        }
    }
    o = cJSON_CreateObject();
    items = cJSON_AddArrayToObject(o, "items");
    next = since;
    for (int i = 0; i < n; i++) {
        const change_row *c = &rows[i];
        cJSON *it, *rec;
        next = c->seq;
        if (!policy_allows(r->who.role, kind_permission(c->kind))) continue;
        rec = record_json(r, c, &err);
        if (err) break;
        it = cJSON_CreateObject();
        cJSON_AddNumberToObject(it, "seq", (double)c->seq);
        cJSON_AddNumberToObject(it, "at", (double)c->at);
        cJSON_AddStringToObject(it, "kind", c->kind);
        cJSON_AddNumberToObject(it, "record_id", (double)c->record_id);
        cJSON_AddNumberToObject(it, "version", (double)c->version);
        cJSON_AddItemToObject(it, "record", rec);
        cJSON_AddItemToArray(items, it);
        shown++;
    }
    free(rows);
    if (err) { cJSON_Delete(o); return -1; }
    snprintf(buf, sizeof buf, "%lld", (long long)next);
    cJSON_AddStringToObject(o, "next", buf);
    cJSON_AddBoolToObject(o, "more", n == (int)limit);
    if (shown) {
        char detail[64];
        snprintf(detail, sizeof detail, "since=%lld next=%lld items=%d", (long long)since, (long long)next, shown);
        if (srv_audit(r, "read", "changes", detail)) { cJSON_Delete(o); return -1; }
    }
    metrics_delivered(next);
    return srv_json(out, 200, o);
}
