/* Typed staff actions behind POST /v1/actions. routes_actions.c runs every
 * action the same way (role check, Idempotency-Key, one transaction, audit,
 * change feed), with the body decoded beforehand (core/action); the
 * handlers only check their rules and write:
 * routes_cases.c for the three lines of defense and limit changes,
 * routes_disputes.c for disputes. */
#ifndef YXD_ACTIONS_H
#define YXD_ACTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "backend/server.h"
#include "core/action.h"
#include "core/crypto.h"
#include "core/store_app.h"

typedef struct act_ctx {
    srv_req     *r;
    const char  *type;           /* the action's wire name */
    const action_req *req;       /* its decoded body (core/action) */
    const char  *key;            /* the action's Idempotency-Key */
    unsigned char digest[CRYPTO_DIGEST_BYTES];   /* of the request body, kept with the key */
    char         record[48];     /* set by the handler: "application:12" */
    char         detail[600];    /* set by the handler: what the audit keeps */
    int64_t      seq;            /* set by the handler: change-feed sequence */
} act_ctx;

/* A handler runs inside the action's transaction. It either fills out with
 * an error (the transaction is rolled back: nothing changes) or with its
 * 2xx answer; returns -1 only for store failures. */
typedef int (*act_fn)(act_ctx *a, srv_resp *out);

int act_review(act_ctx *a, srv_resp *out);
int act_line2(act_ctx *a, srv_resp *out);
int act_audit(act_ctx *a, srv_resp *out);
int act_adjust_limit(act_ctx *a, srv_resp *out);
int act_dispute(act_ctx *a, srv_resp *out);
int act_alert_ack(act_ctx *a, srv_resp *out);       /* routes_reveal.c */
int act_reveal_request(act_ctx *a, srv_resp *out);
int act_reveal_decide(act_ctx *a, srv_resp *out);

/* An application with its defense-line states and the customer's credit
 * line as the API shows it (row from store_app_get, masked). NULL when out
 * of memory. */
cJSON *case_json(store *s, const app_row *row, const defense_state *d);

#endif
