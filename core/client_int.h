/* Inside the console's HTTP client: the request and client structures and
 * the pieces shared by the blocking calls (client.c) and the event-loop
 * driven ones (client_async.c). Not for use outside those two files. */
#ifndef YX_CLIENT_INT_H
#define YX_CLIENT_INT_H

#include <curl/curl.h>
#include <cjson/cJSON.h>

#include "core/client.h"
#include "core/util.h"

#define RESP_MAX (64u << 20)   /* a page of 500 rows is ~400 KB; refuse absurd bodies */

typedef enum { REQ_LOGIN, REQ_LOGOUT, REQ_LIST, REQ_GET, REQ_HEAD, REQ_FEED } req_kind;

struct req {
    CURL *easy;
    struct curl_slist *hdrs;
    yx_buf body;         /* response body */
    char *post;          /* request body, ours: wiped when the request is freed
                            (a login's holds the password) */
    size_t post_len;
    int too_big;
    req_kind kind;
    client_list_cb list_cb;
    client_get_cb get_cb;
    client_head_cb head_cb;
    client_feed_cb feed_cb;
    client_login_cb login_cb;
    void *ctx;
    struct req *next;    /* in-flight list */
    char errbuf[CURL_ERROR_SIZE];
};

struct client {
    char url[512];
    char token[160];
    long connect_ms, total_ms;
    CURLM *multi;
    client_loop loop;
    struct req *inflight;
    int npending;
};

void client__err(client_error *e, long status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A request ready to perform: method, c->url + path, the bearer token when
 * logged in, body (copied into r->post, sent from there) as JSON; total_ms
 * 0 uses the client's timeout. NULL on no memory. */
struct req *client__req_new(client *c, req_kind kind, const char *method, const char *path,
                            const char *body, long total_ms);
void client__req_free(struct req *r);
/* A finished transfer as 0 / 1 / -1 (see client.h) and, on 0, the parsed
 * JSON body (*json, caller deletes). */
int client__result(client *c, struct req *r, CURLcode cc, cJSON **json, client_error *e);
/* POST /v1/session for name and password, ready to perform; forgets the
 * old token first. No copy of the password is left outside the request,
 * which wipes its own when freed. NULL with e filled on no memory. */
struct req *client__login_req(client *c, const char *name, const char *password,
                              client_error *e);
/* The answer to a login: keeps the token and fills out (may be NULL). */
int client__take_session(client *c, const cJSON *j, client_session *out, client_error *e);
int client__bad_answer(const client *c, client_error *e, const char *what);
int client__parse_page(const client *c, const cJSON *j, client_page *out, client_error *e);
int client__parse_row(const client *c, const cJSON *j, app_row *out, client_error *e);
int client__parse_feed(const client *c, const cJSON *j, client_feed *out, client_error *e);
/* "/v1/applications?limit=..&status=.." with escaped values; -1 when too long. */
int client__list_path(const client_query *q, char *buf, size_t n);

#endif
