/* Applications: GET /v1/applications (keyset pages, newest first,
 * filtered by status, channel and grade) and GET /v1/applications/{id}.
 * Rows come from core/store_app already masked; reading a record is a read
 * of personal data and is audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/actions.h"
#include "backend/routes.h"
#include "core/store_app.h"
#include "core/util.h"
#include "core/wire.h"

#define APP_PAGE_MAX 500
#define APP_PAGE_DEFAULT 100

static int valid_grade(const char *g)
{
    return strlen(g) == 1 && strchr("ABCDER", g[0]);
}

int route_app_list(srv_req *r, srv_resp *out)
{
    const char *status = srv_query(r, "status"), *channel = srv_query(r, "channel"),
               *grade = srv_query(r, "grade"), *lim = srv_query(r, "limit"),
               *after = srv_query(r, "after");
    app_query q = { 0 };
    app_status as;
    channel_kind ck;
    int64_t limit = APP_PAGE_DEFAULT;
    int n = 0, has_next = 0;
    app_cursor next;
    app_row *rows;
    cJSON *o, *items;

    if (status && *status && app_status_parse(status, &as))
        return srv_error(out, 400, "bad_filter", "unknown status '%.40s'", status);
    if (channel && *channel && channel_kind_parse(channel, &ck))
        return srv_error(out, 400, "bad_filter", "unknown channel '%.40s' (api, semi_api, h5, own)", channel);
    if (grade && *grade && !valid_grade(grade))
        return srv_error(out, 400, "bad_filter", "grade must be one of A, B, C, D, E, R");
    if (lim && yx_parse_i64(lim, 1, APP_PAGE_MAX, &limit))
        return srv_error(out, 400, "bad_request", "limit must be an integer from 1 to %d", APP_PAGE_MAX);
    if (after && *after) {
        if (app_cursor_parse(after, &q.after))
            return srv_error(out, 400, "bad_cursor", "after must be a cursor returned as \"next\"");
        q.has_after = 1;
    }
    q.status = status && *status ? status : NULL;
    q.channel = channel && *channel ? channel : NULL;
    q.grade = grade && *grade ? grade : NULL;
    q.limit = (int)limit;

    rows = malloc(sizeof *rows * (size_t)limit);
    if (!rows) return srv_error(out, 503, "unavailable", "out of memory");
    if (store_app_list(r->st, &q, rows, (int)limit, &n, &next, &has_next)) {
        free(rows);
        return -1;
    }
    o = cJSON_CreateObject();
    items = cJSON_AddArrayToObject(o, "items");
    for (int i = 0; i < n; i++) {
        cJSON *it = wire_app_row_to_json(&rows[i]);
        if (it) cJSON_AddItemToArray(items, it);
    }
    free(rows);
    {
        char detail[160];
        snprintf(detail, sizeof detail, "rows=%d status=%.20s channel=%.10s grade=%.2s after=%.48s",
                 n, q.status ? q.status : "", q.channel ? q.channel : "", q.grade ? q.grade : "",
                 q.has_after ? after : "");
        if (srv_audit(r, "list", "applications", detail)) { cJSON_Delete(o); return -1; }
    }
    if (has_next) {
        char buf[48];
        app_cursor_format(&next, buf, sizeof buf);
        cJSON_AddStringToObject(o, "next", buf);
    } else {
        cJSON_AddNullToObject(o, "next");
    }
    return srv_json(out, 200, o);
}

int route_app_get(srv_req *r, srv_resp *out)
{
    app_row row;
    defense_state d;
    char record[48];
    int rc = store_app_get(r->st, r->path_id, &row);
    if (rc < 0) return -1;
    if (rc == 1) return srv_error(out, 404, "not_found", "no application %lld", (long long)r->path_id);
    snprintf(record, sizeof record, "application:%lld", (long long)r->path_id);
    /* Masked, but still personal data of level 3: every read is audited. */
    if (srv_audit(r, "read", record, NULL)) return -1;
    rc = store_defense_get(r->st, r->path_id, &d);
    if (rc < 0) return -1;
    if (rc == 1) {
        memset(&d, 0, sizeof d);   /* no case yet: line 1 pending, nothing else */
        d.application_id = r->path_id;
    }
    return srv_json(out, 200, case_json(r->st, &row, &d));
}
