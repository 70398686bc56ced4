/* The yxd HTTP server: libmicrohttpd with one thread per connection, a
 * pool of reading SQLite connections shared by those threads, one writer
 * connection that commits requests' writes in groups (srv_write), one
 * routing table (backend/routes_table.c), the JSON error shape of
 * DESIGN.md, body limits, a structured JSON access log on stderr and the
 * change-feed wake-up.
 *
 * Route handlers (backend/routes_*.c) get a srv_req with the caller already
 * authenticated and allowed by core/policy, and fill a srv_resp. */
#ifndef YXD_SERVER_H
#define YXD_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/auth.h"
#include "core/crypto.h"
#include "core/policy.h"
#include "core/store.h"

#define SRV_BODY_MAX (1024 * 1024)   /* larger bodies get 413 */

typedef struct server server;

typedef struct srv_config {
    const char *db_path;
    const char *listen;           /* "ADDR:PORT"; port 0 picks a free one */
    const char *tls_cert;         /* PEM files; both or neither */
    const char *tls_key;
    const char *audit_key_file;   /* Ed25519 audit signing key (0600) */
    const char *key_file;         /* personal-data key, as in yxd init --key-file */
    const char *strategy;         /* decision strategy JSON */
    int max_connections;          /* 0: default */
    int request_timeout_s;        /* idle connection timeout; 0: default */
    int pool_size;                /* SQLite connections; 0: default */
    int checkpoint_every;         /* audit entries between signed checkpoints */
    int wal_max_mib;              /* restart the WAL once it is this long; 0: default */
    auth_config auth;
    policy_limits limits;
} srv_config;

/* Fills cfg with the defaults (db_path and listen left NULL). */
void server_config_default(srv_config *cfg);

/* Opens the database (migrating it), binds and starts serving. On failure
 * returns -1 with a one-line reason in err naming what failed. */
int  server_start(server **out, const srv_config *cfg, char *err, size_t errlen);
/* The bound address as "ADDR:PORT" (valid until server_stop). */
const char *server_address(const server *s);
/* Stops accepting, wakes long-polls, lets in-flight requests finish, signs
 * a final audit checkpoint and frees everything. */
void server_stop(server *s);

/* ---- for route handlers -------------------------------------------- */

const auth_config *srv_auth_config(const server *s);
const policy_limits *srv_limits(const server *s);
/* The decision engine (read-only, shared by all threads) and the key that
 * seals personal data at rest. */
const struct engine *srv_engine(const server *s);
const crypto_key *srv_data_key(const server *s);

typedef struct srv_req {
    server       *srv;
    void         *conn;           /* struct MHD_Connection * */
    const char   *method;
    const char   *path;
    const char   *body;           /* NUL-terminated; NULL when empty */
    size_t        body_len;
    int64_t       path_id;        /* the {id} of the route pattern, else 0 */
    const char   *origin;         /* client address */
    store        *st;             /* borrowed from the pool for this request */
    auth_session  who;            /* filled for session routes */
    auth_channel  chan;           /* filled for channel-key routes */
} srv_req;

typedef struct srv_resp {
    int   status;
    char *body;                   /* malloc'd; the server frees it */
    const char *type;             /* content type; JSON when NULL */
} srv_resp;

/* Query string or header value, NULL when absent. */
const char *srv_query(const srv_req *r, const char *name);
const char *srv_header(const srv_req *r, const char *name);

/* Parses the body as a JSON object; on failure fills out with a 400 and
 * returns NULL. The caller deletes the result. */
cJSON *srv_body_json(const srv_req *r, srv_resp *out);
/* 1 when k is a well-formed Idempotency-Key: 8 to 128 printable ASCII
 * characters (no space). */
int srv_idem_key_ok(const char *k);

/* Sets a JSON response and takes ownership of (deletes) obj. Returns 0. */
int srv_json(srv_resp *out, int status, cJSON *obj);
/* Sets {"error":{"code":CODE,"message":MESSAGE}}. Returns 0. */
int srv_error(srv_resp *out, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* 503 for a store failure; logs the store's message, not the client's. */
int srv_store_error(srv_req *r, srv_resp *out);

/* Several reads of one request in one read transaction on r->st: every
 * new snapshot after a writer commit drops the connection's page cache, so
 * one snapshot instead of one per statement. srv_read_begin opens it
 * unless one is open; srv_read_end closes it (the pool rolls back one left
 * open). 0, or -1 with the reason in store_errmsg(r->st). */
int srv_read_begin(srv_req *r);
int srv_read_end(srv_req *r);

/* A request about to wait (for the writer, or on a slow password check)
 * lends its reading connection back to the pool so others need not wait
 * for one: 1 lent (r->st is NULL until srv_conn_back), 0 kept (none, or a
 * read transaction is open). srv_conn_back borrows one again. */
int  srv_conn_lend(srv_req *r);
void srv_conn_back(srv_req *r);

/* Tells long-polling readers that the change feed grew to seq (call after
 * the commit that wrote it). */
void srv_changed(server *s, int64_t seq);
/* Waits until the change feed may hold something after `since`, or until
 * deadline_ms (unix ms), or shutdown. Returns 1 when woken by a change. */
int  srv_wait_change(server *s, int64_t since, int64_t deadline_ms);
/* A long wait gives its database connection back to the pool meanwhile
 * and takes one again after; reacquire returns -1 when none opens. */
void srv_release_store(srv_req *r);
int  srv_reacquire_store(srv_req *r);

/* Requests received and not yet answered (for metrics). */
int srv_inflight(server *s);
/* The write-ahead log: its length in frames after the last commit, how
 * often the writer started it over, and how many of those restarts did
 * not wait for the checkpoint rounds (GET /v1/metrics). */
void srv_wal_stats(server *s, int *frames, long *restarts, long *forced);

/* The newest change sequence the server has seen committed durably:
 * every change up to it is on disk (the change feed serves no further). */
int64_t srv_last_change(server *s);

/* Runs fn as part of the server's write stream: fn gets the writer's
 * connection in r->st (the request's own is swapped back after) inside a
 * savepoint of a transaction shared with other requests (group commit).
 * fn returns 0 to keep its writes, 1 to undo them (a refusal), -1 on a
 * store failure (also undone). srv_write returns fn's result once the
 * transaction is durably committed, or -1 when the commit failed. fn must
 * not begin or commit transactions itself. */
int srv_write(srv_req *r, int (*fn)(srv_req *r, void *arg), void *arg);
/* Returns once everything written before the call is on disk: for a
 * request about to acknowledge a write it only read (a replay), which
 * may still be in flight to the disk. Ends the request's read transaction
 * first. 0, or -1 when the flush failed. */
int srv_write_barrier(srv_req *r);
/* The newest audit entry and signed checkpoint on disk: the audit routes
 * serve nothing newer, as the change feed serves no newer change. */
void srv_durable_audit(server *s, int64_t *audit_id, int64_t *checkpoint_id);
/* 1 once the disk refused to flush the WAL: every write is refused from
 * then on (GET /v1/healthz says so), until yxd is restarted. */
int srv_writes_failed(server *s);

/* Appends an audit entry for the caller of r (user or channel, role,
 * origin). Inside srv_write it joins that transaction, else it is written
 * through srv_write on its own.
 * A signed checkpoint follows by itself when one is due. 0 ok, -1 on
 * store failure. */
int srv_audit(srv_req *r, const char *action, const char *record, const char *detail);

/* The public half of the audit signing key (AUDIT_PK_BYTES). */
const unsigned char *srv_audit_public_key(const server *s);

/* Writes one JSON log line on stderr: {"ts":..,"level":..,"msg":..} plus
 * the given extra object's members (deleted here; may be NULL). */
void srv_log(const char *level, const char *msg, cJSON *extra);
/* srv_log("error", msg, {"error": why}). */
void srv_log_error(const char *msg, const char *why);

/* Keyset pages of id-ordered lists: limit from the query (1..max, default
 * def) and the cursor `after` (an id; 0 when absent). 0, or -1 with out
 * set to a 400. */
int srv_page_query(srv_req *r, srv_resp *out, int def, int max, int64_t *limit, int64_t *after);
/* A page of an id-ordered list: steps st (whose first column is the id
 * and which asks for LIMIT limit + 1) into a new object {"items": [row(st)
 * for each], "next": the last id when more rows follow, else null}, and
 * resets st. NULL on a step error (see store_errmsg). */
cJSON *srv_page_rows(store *s, sqlite3_stmt *st, int64_t limit, cJSON *(*row)(sqlite3_stmt *st));

#endif
