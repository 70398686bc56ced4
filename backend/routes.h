/* The routes of the yxd HTTP API v1: one table (routes_table.c) naming for
 * each method and path the handler and the permission it needs, so what
 * is served and who may call it can be read in one place. Handlers live in
 * backend/routes_AREA.c. */
#ifndef YXD_ROUTES_H
#define YXD_ROUTES_H

#include "backend/server.h"

typedef int (*route_fn)(srv_req *r, srv_resp *out);

typedef struct route {
    const char *method;
    const char *pattern;     /* "/v1/applications/{id}": {id} is a positive integer */
    route_fn    fn;
    permission  perm;        /* PERM_PUBLIC: no login; PERM_CHANNEL: channel key */
    const char *name;        /* metric label */
} route;

extern const route routes[];
extern const int routes_count;

/* Finds the route for method + path. Returns the route, or NULL with
 * *path_known set when the path exists for another method (405). */
const route *routes_match(const char *method, const char *path, int64_t *id, int *path_known);

/* routes_session.c */
int route_healthz(srv_req *r, srv_resp *out);
int route_session_create(srv_req *r, srv_resp *out);
int route_session_delete(srv_req *r, srv_resp *out);
int route_session_get(srv_req *r, srv_resp *out);

/* routes_applications.c */
int route_app_list(srv_req *r, srv_resp *out);
int route_app_get(srv_req *r, srv_resp *out);

/* routes_intake.c */
int route_intake(srv_req *r, srv_resp *out);

/* routes_changes.c */
int route_changes(srv_req *r, srv_resp *out);

/* routes_actions.c (each action type checks its own permission) */
int route_actions(srv_req *r, srv_resp *out);

/* routes_disputes.c */
int route_dispute_list(srv_req *r, srv_resp *out);
/* Open disputes past their deadline, as the list's overdue=1 finds them
 * (for /v1/metrics); -1 on store failure. */
int64_t disputes_overdue(store *s);
int route_dispute_get(srv_req *r, srv_resp *out);
/* The dispute as JSON into *out (caller deletes). 0 / 1 not found / -1. */
int dispute_to_json(store *s, int64_t id, cJSON **out);

/* routes_reveal.c */
int route_reveal(srv_req *r, srv_resp *out);
int route_alerts(srv_req *r, srv_resp *out);
/* The alert as JSON into *out (caller deletes). 0 / 1 not found / -1. */
int alert_to_json(store *s, int64_t id, cJSON **out);

/* routes_audit.c */
int route_audit_checkpoints(srv_req *r, srv_resp *out);
int route_audit_list(srv_req *r, srv_resp *out);

/* routes_metrics.c (the counters behind it: backend/metrics.h) */
int route_metrics(srv_req *r, srv_resp *out);

#endif
