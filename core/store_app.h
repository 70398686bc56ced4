/* Applications in the store: customers (masked copies for display, sealed
 * raw values, a keyed hash of the ID number), applications with their
 * features, decisions and scores, defense-line states, and the keyset-paged
 * list the console and the API read. Rows read from here never carry raw
 * personal data: only masked values.
 *
 * Return convention (unless said otherwise): 0 ok, 1 not found / conflict,
 * -1 error with the reason in store_errmsg().
 *
 * Writes of several rows are atomic: called outside a transaction they
 * open and commit their own; called inside one (store_begin) they join it,
 * and after a failure the caller must roll back (store_rollback). */
#ifndef YX_STORE_APP_H
#define YX_STORE_APP_H

#include <stddef.h>
#include <stdint.h>

#include "core/crypto.h"
#include "core/domain.h"
#include "core/store.h"

/* A summary row for lists and details: the application, its customer's
 * masked data, and its decision when decided. */
typedef struct {
    application app;          /* app.feat is all NaN in rows from store_app_list;
                                 store_app_get fills it */
    /* masked personal data (core/mask.h) and location of the customer */
    char name[64];
    char id_number[24];
    char mobile[16];
    char bank_card[24];
    char province[32];
    char city[32];
    /* decision: grade is 0 while undecided, and then outcome, limit_fen,
     * apr_bp and reasons are meaningless (0 / OUT_APPROVE / "") */
    char             grade;       /* 'A'..'E', 'R', or 0 */
    decision_outcome outcome;
    int64_t          limit_fen;
    int              apr_bp;
    char             reasons[256];
} app_row;

/* Position in the list; the order is newest first: created_at DESC, id DESC. */
typedef struct { int64_t created_at; int64_t id; } app_cursor;

typedef struct {
    const char *status;   /* app_status wire name; NULL = any */
    const char *channel;  /* channel_kind wire name; NULL = any */
    const char *grade;    /* "A".."E", "R"; NULL = any */
    int         limit;    /* rows wanted (capped by max); <= 0 means max */
    int         has_after;
    app_cursor  after;    /* rows strictly after this position */
} app_query;

/* One page of at most min(q->limit, max) rows into rows; *n receives the
 * count. *has_next says whether more rows follow; *next is then the cursor
 * of the last row returned (pass it as q->after). An unknown filter value
 * is an error (-1). Uses the app_* indexes: cost is the page, not the table. */
int store_app_list(store *s, const app_query *q, app_row *rows, int max, int *n,
                   app_cursor *next, int *has_next);
/* The SQL text store_app_list runs for q (for query-plan checks). */
const char *store_app_list_sql(const app_query *q);
/* 0 found, 1 not found, -1 error. app.feat is filled. */
int store_app_get(store *s, int64_t id, app_row *out);

/* How many applications the customer made after since_ms (the velocity
 * signal of the decision), or -1; 0 for customer 0 (new). Counted from
 * the app_customer_time index alone. */
int store_app_count_since(store *s, int64_t customer_id, int64_t since_ms);
extern const char STORE_APP_COUNT_SINCE_SQL[];

/* Cursor <-> opaque text for the wire ("CREATEDAT.ID", decimal). buf needs 48
 * bytes. Parsing is strict: anything else is -1. */
void app_cursor_format(const app_cursor *c, char *buf, size_t n);
int  app_cursor_parse(const char *s, app_cursor *c);

/* Stores a customer: masked copies, the raw values sealed with k, and the
 * keyed hash of the ID number. Sets *id (and c->id is not changed). */
int store_customer_insert(store *s, const customer *c, const crypto_key *k, int64_t *id);
/* The same with an explicit creation time (unix ms), for loads that must
 * be reproducible. */
int store_customer_insert_at(store *s, const customer *c, const crypto_key *k, int64_t at,
                             int64_t *id);
/* Finds a customer by ID number through the keyed hash. 0 / 1 / -1. */
int store_customer_find(store *s, const crypto_key *k, const char *id_number, int64_t *id);
/* Opens the sealed values of a customer (for an audited reveal only).
 * 0 / 1 not found / -1 error (including a wrong key). */
int store_customer_reveal(store *s, const crypto_key *k, int64_t id, customer *out);

/* Inserts an application and its features row (NaN -> NULL). created_at 0
 * means now; updated_at 0 means created_at; version starts at 1; status is
 * kept as given. Sets a->id, a->version and *id (id may be NULL). */
int store_app_insert(store *s, application *a, int64_t *id);
/* The same for intake: records the channel and the idempotency key. When
 * the key was seen before, nothing is inserted, *id is the earlier
 * application and the result is 1. idem_key may be NULL; idem_digest,
 * the CRYPTO_DIGEST_BYTES digest of the body the key came with, is kept
 * beside it when given. */
int store_app_insert_from(store *s, application *a, int64_t channel_id,
                          const char *idem_key, const unsigned char *idem_digest, int64_t *id);
/* Features of an application. 0 / 1 / -1. */
int store_app_features(store *s, int64_t id, features *out);

/* Sets the status, bumps version and updated_at. When expect_version > 0
 * and the stored version differs, nothing changes and the result is 1 (a
 * conflict; also 1 when the application does not exist). *new_version
 * (may be NULL) receives the version after the change. */
int store_app_set_status(store *s, int64_t id, app_status st, int64_t expect_version,
                         int64_t *new_version);
/* The same with an explicit time of the change (unix ms), for loads that
 * must be reproducible. */
int store_app_set_status_at(store *s, int64_t id, app_status st, int64_t expect_version,
                            int64_t at, int64_t *new_version);

/* Stores (or replaces) the decision of d->application_id with the engine's
 * input (may be NULL) and d->trace_json (may be NULL), copies the risk grade
 * to the application and bumps its version. Status is not changed: use
 * store_app_set_status. 1 when the application does not exist. */
int store_decision_put(store *s, const decision *d, const char *input_json);
/* Reads a decision. When input_json is not NULL it receives a malloc'd copy
 * (or NULL); out->trace_json is malloc'd (or NULL). The caller frees both.
 * 0 / 1 / -1. */
int store_decision_get(store *s, int64_t application_id, decision *out, char **input_json);
/* Stores (or replaces) one model's score of an application. */
int store_score_put(store *s, int64_t application_id, const model_score *m);

/* Creates or replaces the defense-line states of an application case;
 * maker (may be NULL) is who made the decision under review. */
int store_defense_put(store *s, const defense_state *d, const char *maker);
/* The same with an explicit time of the change (unix ms). */
int store_defense_put_at(store *s, const defense_state *d, const char *maker, int64_t at);
/* 0 / 1 / -1. */
int store_defense_get(store *s, int64_t application_id, defense_state *out);

/* Outcome -> the status it gives an application (approve -> approved,
 * refer -> referred, decline -> declined). */
app_status store_status_for_outcome(decision_outcome o);

#endif
