/* The console's HTTP client for yxd (libcurl): log in and out, list
 * application pages, get one application.
 *
 * Two ways to call it. The blocking calls are for start-up (login before the
 * screen opens) and for scripts and tests. The asynchronous calls run on
 * curl's multi interface and never block: the caller's event loop watches
 * the sockets the client asks for (client_loop.watch), arms one timer
 * (client_loop.timer), and hands readiness back through client_on_socket
 * and client_on_timeout; completion callbacks then run from those calls.
 *
 * Rows arrive already masked by the server (core/wire.h checks every field).
 * The bearer token lives inside the client and is wiped when it is freed. */
#ifndef YX_CLIENT_H
#define YX_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/store_app.h"

typedef struct client client;

typedef struct {
    char    user[64];
    char    role[16];       /* wire name: officer, risk, auditor, support, admin */
    int64_t expires_at;     /* as the server sent it */
} client_session;

/* Why a call failed. status is the HTTP status, 0 when no response came
 * (unreachable, timed out, cancelled); code is the server's error.code
 * ("invalid_credentials", ...) or "" ; message is one line for people and
 * names the server's URL when the server could not be reached. */
typedef struct {
    long status;
    char code[48];
    char message[320];
} client_error;

/* One page of the application list. rows is malloc'd and owned by the page:
 * free it with client_page_free. next is the cursor for the following page
 * when has_next. */
typedef struct {
    app_row *rows;
    int      n;
    int      has_next;
    char     next[48];
} client_page;

void client_page_free(client_page *p);

/* Filters and position of a list request; NULL / 0 fields mean "any" /
 * "first page" / "the server's default page size". */
typedef struct {
    const char *status;
    const char *channel;
    const char *grade;
    const char *after;
    int         limit;
} client_query;

/* base_url is "http://HOST:PORT" or "https://..." (a trailing '/' is
 * dropped). 0, or -1 with err set on a malformed URL or no memory. */
int  client_new(client **out, const char *base_url, char *err, size_t errlen);
/* Cancels what is in flight (no callbacks run), stops watching sockets,
 * wipes the token. NULL is allowed. */
void client_free(client *c);
const char *client_url(const client *c);
/* Connect and whole-request timeouts for later requests (defaults 5 s and
 * 30 s); the long-poll of the change feed will need a longer total. */
void client_set_timeouts(client *c, long connect_ms, long total_ms);

/* Return convention of the calls below: 0 ok, 1 the server refused (e->status
 * >= 400: wrong password, not found...), -1 no usable answer (unreachable,
 * timeout, malformed response). e may be NULL. */

/* POST /v1/session; on success the client keeps the token for later calls. */
int client_login(client *c, const char *name, const char *password, client_session *out,
                 client_error *e);
/* DELETE /v1/session, then forgets the token (even when the call failed). */
int client_logout(client *c, client_error *e);
int client_logged_in(const client *c);

int client_list(client *c, const client_query *q, client_page *out, client_error *e);
int client_get(client *c, int64_t id, app_row *out, client_error *e);

/* ---- asynchronous ---------------------------------------------------- */

enum { CLIENT_IO_IN = 1, CLIENT_IO_OUT = 2, CLIENT_IO_ERR = 4 };

typedef struct {
    /* Watch fd for what (CLIENT_IO_IN | CLIENT_IO_OUT); what == 0: stop
     * watching it. 0, or -1 when it cannot (the request then fails). */
    int  (*watch)(void *ctx, int fd, int what);
    /* Call client_on_timeout in ms milliseconds (0: as soon as possible);
     * ms < 0 cancels. Only one timer: a new call replaces the old one. */
    void (*timer)(void *ctx, long ms);
    void *ctx;
} client_loop;

/* Must be called before the first asynchronous request; loop is copied. */
void client_attach(client *c, const client_loop *loop);
/* The loop saw fd ready (CLIENT_IO_* bits). Completions run from here. */
void client_on_socket(client *c, int fd, int what);
/* The client's timer expired. Completions run from here. */
void client_on_timeout(client *c);
/* Requests in flight. */
int  client_pending(const client *c);

/* rc as for the blocking calls. page belongs to the callback: it must call
 * client_page_free (or take the rows). Returns 0 when started, -1 when it
 * could not be (e filled). */
typedef void (*client_list_cb)(void *ctx, int rc, client_page *page, const client_error *e);
int client_list_async(client *c, const client_query *q, client_list_cb cb, void *ctx,
                      client_error *e);
typedef void (*client_get_cb)(void *ctx, int rc, const app_row *row, const client_error *e);
int client_get_async(client *c, int64_t id, client_get_cb cb, void *ctx, client_error *e);

/* client_login on the loop: POST /v1/session; on rc 0 the client keeps the
 * token and s is the session, else s is NULL. */
typedef void (*client_login_cb)(void *ctx, int rc, const client_session *s, const client_error *e);
int client_login_async(client *c, const char *name, const char *password, client_login_cb cb,
                       void *ctx, client_error *e);
/* Abandons the logins in flight: their callbacks never run. How many. */
int client_login_cancel(client *c);

/* GET /v1/healthz: the server's newest change sequence (where a change
 * feed reader that has everything up to now starts). */
typedef void (*client_head_cb)(void *ctx, int rc, int64_t last_change, const client_error *e);
int client_head_async(client *c, client_head_cb cb, void *ctx, client_error *e);

/* One answer of the change feed. rows holds the current (masked) state of
 * the applications that changed, malloc'd and owned by the feed: free with
 * client_feed_free. Changes of other kinds and of records that are gone
 * are counted in changes but carry no row. */
typedef struct {
    app_row *rows;
    int      n;
    int      changes;   /* changes in the answer, every kind */
    int64_t  next;      /* pass as since next time */
    int      more;      /* more are waiting: ask again at once */
} client_feed;

void client_feed_free(client_feed *f);
/* GET /v1/changes?since=&wait=: with wait_s > 0 the server holds the
 * request until a change commits or wait_s seconds pass (the request's
 * timeout is stretched to match). */
typedef void (*client_feed_cb)(void *ctx, int rc, client_feed *f, const client_error *e);
int client_feed_async(client *c, int64_t since, int wait_s, client_feed_cb cb, void *ctx,
                      client_error *e);

#endif
