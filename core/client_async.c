/* The console's HTTP client, event-loop side: curl's multi interface with
 * the socket callbacks handed to the caller's loop (client_loop), and the
 * asynchronous login, list, get, head and change-feed requests. */
#include "core/client_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int on_curl_socket(CURL *easy, curl_socket_t fd, int what, void *ud, void *sockp)
{
    client *c = ud;
    int w = 0;
    (void)easy;
    (void)sockp;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) w |= CLIENT_IO_IN;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) w |= CLIENT_IO_OUT;
    /* CURL_POLL_REMOVE gives w == 0: stop watching. */
    return c->loop.watch && c->loop.watch(c->loop.ctx, (int)fd, w) < 0 && w ? -1 : 0;
}

static int on_curl_timer(CURLM *m, long ms, void *ud)
{
    client *c = ud;
    (void)m;
    if (c->loop.timer) c->loop.timer(c->loop.ctx, ms);
    return 0;
}

void client_attach(client *c, const client_loop *loop)
{
    c->loop = *loop;
}

static void finish(client *c, struct req *r, CURLcode cc)
{
    client_error e = { 0 };
    cJSON *j = NULL;
    int rc = client__result(c, r, cc, &j, &e);
    if (r->kind == REQ_LOGIN) {
        client_session s;
        if (rc == 0) rc = client__take_session(c, j, &s, &e);
        r->login_cb(r->ctx, rc, rc == 0 ? &s : NULL, &e);
    } else if (r->kind == REQ_HEAD) {
        const cJSON *last = cJSON_GetObjectItemCaseSensitive(j, "last_change");
        if (rc == 0 && !cJSON_IsNumber(last)) rc = client__bad_answer(c, &e, "no last_change in healthz");
        r->head_cb(r->ctx, rc, rc == 0 ? (int64_t)last->valuedouble : 0, &e);
    } else if (r->kind == REQ_FEED) {
        client_feed f = { 0 };
        if (rc == 0) rc = client__parse_feed(c, j, &f, &e);
        r->feed_cb(r->ctx, rc, &f, &e);
    } else if (r->kind == REQ_LIST) {
        client_page page = { 0 };
        if (rc == 0) rc = client__parse_page(c, j, &page, &e);
        r->list_cb(r->ctx, rc, &page, &e);
    } else {
        app_row row;
        memset(&row, 0, sizeof row);
        if (rc == 0) rc = client__parse_row(c, j, &row, &e);
        r->get_cb(r->ctx, rc, rc == 0 ? &row : NULL, &e);
    }
    cJSON_Delete(j);
}

/* Hands every finished transfer to its callback. Each request is unlinked
 * before its callback runs, so a callback may start the next request. */
static void reap(client *c)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(c->multi, &left))) {
        struct req *r = NULL, **pp;
        CURLcode cc = m->data.result;
        if (m->msg != CURLMSG_DONE) continue;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        curl_multi_remove_handle(c->multi, m->easy_handle);
        for (pp = &c->inflight; *pp; pp = &(*pp)->next) {
            if (*pp == r) { *pp = r->next; break; }
        }
        c->npending--;
        finish(c, r, cc);
        client__req_free(r);
    }
}

void client_on_socket(client *c, int fd, int what)
{
    int running, ev = 0;
    if (!c->multi) return;
    if (what & CLIENT_IO_IN) ev |= CURL_CSELECT_IN;
    if (what & CLIENT_IO_OUT) ev |= CURL_CSELECT_OUT;
    if (what & CLIENT_IO_ERR) ev |= CURL_CSELECT_ERR;
    curl_multi_socket_action(c->multi, (curl_socket_t)fd, ev, &running);
    reap(c);
}

void client_on_timeout(client *c)
{
    int running;
    if (!c->multi) return;
    curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    reap(c);
}

static int start(client *c, struct req *r, client_error *e)
{
    if (!c->multi) {
        if (!(c->multi = curl_multi_init())) goto nomem;
        curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
        curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
        curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
        curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
    }
    r->next = c->inflight;
    c->inflight = r;
    c->npending++;
    if (curl_multi_add_handle(c->multi, r->easy) != CURLM_OK) {
        c->inflight = r->next;
        c->npending--;
        goto nomem;
    }
    return 0;
nomem:
    client__req_free(r);
    client__err(e, 0, "", "cannot start a request to %s", c->url);
    return -1;
}

int client_login_async(client *c, const char *name, const char *password, client_login_cb cb,
                       void *ctx, client_error *e)
{
    struct req *r = client__login_req(c, name, password, e);
    if (!r) return -1;
    r->login_cb = cb;
    r->ctx = ctx;
    return start(c, r, e);
}

int client_login_cancel(client *c)
{
    struct req **pp = &c->inflight;
    int n = 0;
    while (*pp) {
        struct req *r = *pp;
        if (r->kind != REQ_LOGIN) {
            pp = &r->next;
            continue;
        }
        *pp = r->next;
        curl_multi_remove_handle(c->multi, r->easy);  /* closes its socket through the callback */
        client__req_free(r);
        c->npending--;
        n++;
    }
    return n;
}

/* A GET of path started on the multi handle, for the caller to set its
 * callback on (nothing completes before control is back in the loop).
 * NULL with e filled when it could not start. */
static struct req *get_started(client *c, req_kind kind, const char *path, long total_ms,
                               void *ctx, client_error *e)
{
    struct req *r = client__req_new(c, kind, "GET", path, NULL, total_ms);
    if (!r) {
        client__err(e, 0, "", "out of memory");
        return NULL;
    }
    r->ctx = ctx;
    return start(c, r, e) ? NULL : r;
}

int client_list_async(client *c, const client_query *q, client_list_cb cb, void *ctx,
                      client_error *e)
{
    char path[768];
    struct req *r;
    if (client__list_path(q, path, sizeof path)) {
        client__err(e, 0, "", "list filter too long");
        return -1;
    }
    if (!(r = get_started(c, REQ_LIST, path, 0, ctx, e))) return -1;
    r->list_cb = cb;
    return 0;
}

int client_get_async(client *c, int64_t id, client_get_cb cb, void *ctx, client_error *e)
{
    char path[64];
    struct req *r;
    snprintf(path, sizeof path, "/v1/applications/%lld", (long long)id);
    if (!(r = get_started(c, REQ_GET, path, 0, ctx, e))) return -1;
    r->get_cb = cb;
    return 0;
}

int client_head_async(client *c, client_head_cb cb, void *ctx, client_error *e)
{
    struct req *r = get_started(c, REQ_HEAD, "/v1/healthz", 0, ctx, e);
    if (!r) return -1;
    r->head_cb = cb;
    return 0;
}

int client_feed_async(client *c, int64_t since, int wait_s, client_feed_cb cb, void *ctx,
                      client_error *e)
{
    char path[96];
    struct req *r;
    if (wait_s < 0) wait_s = 0;
    snprintf(path, sizeof path, "/v1/changes?since=%lld&wait=%d", (long long)since, wait_s);
    /* The server may hold the answer for wait_s: allow that plus the usual. */
    if (!(r = get_started(c, REQ_FEED, path, c->total_ms + wait_s * 1000L, ctx, e))) return -1;
    r->feed_cb = cb;
    return 0;
}
