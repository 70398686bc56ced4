/* The routing table of yxd: method, path, handler, permission. The
 * permission column refers to core/policy.c, which decides per role. */
#include "backend/routes.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

const route routes[] = {
    { "GET",    "/v1/healthz",             route_healthz,          PERM_PUBLIC,   "healthz" },
    { "GET",    "/v1/metrics",             route_metrics,          PERM_PUBLIC,   "metrics" },
    { "POST",   "/v1/session",             route_session_create,   PERM_PUBLIC,   "session_create" },
    { "GET",    "/v1/session",             route_session_get,      PERM_SESSION,  "session_get" },
    { "DELETE", "/v1/session",             route_session_delete,   PERM_SESSION,  "session_delete" },
    { "POST",   "/v1/intake/applications", route_intake,           PERM_CHANNEL,  "intake" },
    { "GET",    "/v1/applications",        route_app_list,         PERM_APP_READ, "applications_list" },
    { "GET",    "/v1/applications/{id}",   route_app_get,          PERM_APP_READ, "applications_get" },
    { "GET",    "/v1/changes",             route_changes,          PERM_CHANGES,  "changes" },
    { "POST",   "/v1/actions",             route_actions,          PERM_SESSION,  "actions" },
    { "GET",    "/v1/disputes",            route_dispute_list,     PERM_DISPUTE_READ, "disputes_list" },
    { "GET",    "/v1/disputes/{id}",       route_dispute_get,      PERM_DISPUTE_READ, "disputes_get" },
    { "POST",   "/v1/reveal",              route_reveal,           PERM_REVEAL,   "reveal" },
    { "GET",    "/v1/alerts",              route_alerts,           PERM_ALERTS,   "alerts" },
    { "GET",    "/v1/audit",               route_audit_list,       PERM_AUDIT_READ, "audit_list" },
    { "GET",    "/v1/audit/checkpoints",   route_audit_checkpoints, PERM_PUBLIC,  "audit_checkpoints" },
};
const int routes_count = (int)(sizeof routes / sizeof routes[0]);

/* Matches one pattern; {id} takes a strictly positive decimal integer. */
static int match(const char *pat, const char *path, int64_t *id)
{
    while (*pat) {
        if (!strncmp(pat, "{id}", 4)) {
            char num[24];
            size_t n = strcspn(path, "/");
            if (n == 0 || n >= sizeof num) return 0;
            memcpy(num, path, n);
            num[n] = '\0';
            if (yx_parse_i64(num, 1, INT64_MAX, id)) return 0;
            path += n;
            pat += 4;
            continue;
        }
        if (*pat++ != *path++) return 0;
    }
    return *path == '\0';
}

const route *routes_match(const char *method, const char *path, int64_t *id, int *path_known)
{
    *path_known = 0;
    *id = 0;
    for (int i = 0; i < routes_count; i++) {
        int64_t v = 0;
        if (!match(routes[i].pattern, path, &v)) continue;
        *path_known = 1;
        /* HEAD is GET without the body (libmicrohttpd drops the body). */
        if (!strcmp(routes[i].method, method) || (!strcmp(method, "HEAD") && !strcmp(routes[i].method, "GET"))) {
            *id = v;
            return &routes[i];
        }
    }
    return NULL;
}
