/* The console's HTTP client, blocking side: set-up, the requests and the
 * reading of answers (shared with the event-loop side in client_async.c, so
 * a page parsed at start-up and a page parsed while the officer types are
 * the same code), and login, logout, list and get performed with curl easy. */
#include "core/client_int.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/wire.h"

void client__err(client_error *e, long status, const char *code, const char *fmt, ...)
{
    va_list ap;
    if (!e) return;
    e->status = status;
    yx_strlcpy(e->code, code ? code : "", sizeof e->code);
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

void client_page_free(client_page *p)
{
    if (!p) return;
    free(p->rows);
    memset(p, 0, sizeof *p);
}

int client_new(client **out, const char *base_url, char *err, size_t errlen)
{
    client *c;
    size_t n;
    *out = NULL;
    if (!base_url || (strncmp(base_url, "http://", 7) && strncmp(base_url, "https://", 8)) ||
        strlen(base_url) >= sizeof c->url || strchr(base_url, ' ') ||
        !base_url[strncmp(base_url, "http://", 7) ? 8 : 7]) {
        snprintf(err, errlen, "server URL must look like http://HOST:PORT, not '%.200s'",
                 base_url ? base_url : "");
        return -1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || sodium_init() < 0 ||
        !(c = calloc(1, sizeof *c))) {
        snprintf(err, errlen, "cannot start the HTTP client (out of memory)");
        return -1;
    }
    yx_strlcpy(c->url, base_url, sizeof c->url);
    n = strlen(c->url);
    while (n > 0 && c->url[n - 1] == '/') c->url[--n] = '\0';
    c->connect_ms = 5000;
    c->total_ms = 30000;
    *out = c;
    return 0;
}

void client__req_free(struct req *r)
{
    if (!r) return;
    if (r->easy) curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->hdrs);
    free(r->body.p);
    if (r->post) sodium_memzero(r->post, r->post_len);
    free(r->post);
    free(r);
}

void client_free(client *c)
{
    if (!c) return;
    while (c->inflight) {
        struct req *r = c->inflight;
        c->inflight = r->next;
        curl_multi_remove_handle(c->multi, r->easy);  /* closes its sockets through the callback */
        client__req_free(r);
    }
    if (c->multi) curl_multi_cleanup(c->multi);
    sodium_memzero(c->token, sizeof c->token);
    free(c);
    curl_global_cleanup();
}

const char *client_url(const client *c) { return c->url; }
int client_logged_in(const client *c) { return c->token[0] != '\0'; }
int client_pending(const client *c) { return c->npending; }

void client_set_timeouts(client *c, long connect_ms, long total_ms)
{
    c->connect_ms = connect_ms;
    c->total_ms = total_ms;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    struct req *r = ud;
    size_t n = size * nmemb;
    if (r->body.len + n + 1 > RESP_MAX) { r->too_big = 1; return 0; }
    if (yx_buf_append(&r->body, data, n)) return 0;
    return n;
}

struct req *client__req_new(client *c, req_kind kind, const char *method, const char *path,
                           const char *body, long total_ms)
{
    struct req *r = calloc(1, sizeof *r);
    char url[1024], auth[200];
    if (!r || !(r->easy = curl_easy_init())) { free(r); return NULL; }
    r->kind = kind;
    snprintf(url, sizeof url, "%s%s", c->url, path);
    r->hdrs = curl_slist_append(NULL, "Accept: application/json");
    if (body) {
        /* curl sends from our copy (POSTFIELDS, not COPYPOSTFIELDS) so it can
         * be wiped: a login's body holds the password. */
        r->post_len = strlen(body);
        if (!(r->post = malloc(r->post_len + 1))) { client__req_free(r); return NULL; }
        memcpy(r->post, body, r->post_len + 1);
        r->hdrs = curl_slist_append(r->hdrs, "Content-Type: application/json");
    }
    if (c->token[0]) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
        r->hdrs = curl_slist_append(r->hdrs, auth);
        sodium_memzero(auth, sizeof auth);
    }
    if (!r->hdrs) { client__req_free(r); return NULL; }
    curl_easy_setopt(r->easy, CURLOPT_URL, url);
    curl_easy_setopt(r->easy, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->hdrs);
    curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT_MS, c->connect_ms);
    curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, total_ms > 0 ? total_ms : c->total_ms);
    curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
    /* A proxy from the environment must never see the console's traffic to
     * a loopback yxd (the demo and the tests). */
    curl_easy_setopt(r->easy, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
    curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
    if (body) {
        curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE, (long)r->post_len);
        curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, r->post);
    }
    return r;
}

/* Turns a finished transfer into 0 / 1 / -1 and, on 0, the parsed JSON
 * body (*json, caller deletes; NULL for an empty 2xx answer). */
int client__result(client *c, struct req *r, CURLcode cc, cJSON **json, client_error *e)
{
    long status = 0;
    cJSON *j;
    *json = NULL;
    if (cc != CURLE_OK) {
        if (r->too_big) {
            client__err(e, 0, "", "answer from %s is larger than %u MB", c->url, RESP_MAX >> 20);
        } else {
            client__err(e, 0, "", "cannot reach the server at %s: %s", c->url,
                    r->errbuf[0] ? r->errbuf : curl_easy_strerror(cc));
        }
        return -1;
    }
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    j = r->body.len ? cJSON_ParseWithLength(r->body.p, r->body.len) : NULL;
    if (status >= 400) {
        const cJSON *eo = cJSON_GetObjectItemCaseSensitive(j, "error");
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(eo, "code");
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(eo, "message");
        client__err(e, status, cJSON_IsString(code) ? code->valuestring : "", "%s (HTTP %ld from %s)",
                cJSON_IsString(msg) ? msg->valuestring : "request refused", status, c->url);
        cJSON_Delete(j);
        return 1;
    }
    if (status < 200 || status >= 300 || (r->body.len && !j)) {
        client__err(e, status, "", "unexpected answer from %s (HTTP %ld%s)", c->url, status,
                r->body.len && !j ? ", not JSON" : "");
        cJSON_Delete(j);
        return -1;
    }
    *json = j;
    return 0;
}

int client__bad_answer(const client *c, client_error *e, const char *what)
{
    client__err(e, 200, "", "unexpected answer from %s: %s", c->url, what);
    return -1;
}

int client__parse_page(const client *c, const cJSON *j, client_page *out, client_error *e)
{
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "items");
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(j, "next");
    const cJSON *it;
    int n = cJSON_GetArraySize(items), i = 0;
    char why[200];
    memset(out, 0, sizeof *out);
    if (!cJSON_IsArray(items) || !(cJSON_IsNull(next) || cJSON_IsString(next)))
        return client__bad_answer(c, e, "a page needs \"items\" (array) and \"next\" (string or null)");
    if (cJSON_IsString(next)) {
        app_cursor cur;
        if (app_cursor_parse(next->valuestring, &cur))
            return client__bad_answer(c, e, "\"next\" is not a cursor");
        yx_strlcpy(out->next, next->valuestring, sizeof out->next);
        out->has_next = 1;
    }
    if (n > 0 && !(out->rows = malloc(sizeof *out->rows * (size_t)n))) {
        client__err(e, 0, "", "out of memory reading a page from %s", c->url);
        return -1;
    }
    cJSON_ArrayForEach(it, items) {
        if (wire_app_row_from_json(it, &out->rows[i], why, sizeof why)) {
            char m[260];
            snprintf(m, sizeof m, "row %d: %s", i + 1, why);
            client_page_free(out);
            return client__bad_answer(c, e, m);
        }
        i++;
    }
    out->n = i;
    return 0;
}

int client__parse_row(const client *c, const cJSON *j, app_row *out, client_error *e)
{
    char why[200];
    if (wire_app_row_from_json(j, out, why, sizeof why)) return client__bad_answer(c, e, why);
    return 0;
}

void client_feed_free(client_feed *f)
{
    if (!f) return;
    free(f->rows);
    memset(f, 0, sizeof *f);
}

int client__parse_feed(const client *c, const cJSON *j, client_feed *out, client_error *e)
{
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "items");
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(j, "next");
    const cJSON *more = cJSON_GetObjectItemCaseSensitive(j, "more");
    const cJSON *it;
    int n = cJSON_GetArraySize(items);
    char why[200];
    memset(out, 0, sizeof *out);
    if (!cJSON_IsArray(items) || !cJSON_IsString(next) ||
        yx_parse_i64(next->valuestring, 0, INT64_MAX, &out->next))
        return client__bad_answer(c, e, "a change feed answer needs \"items\" and \"next\"");
    out->more = cJSON_IsTrue(more);
    if (n > 0 && !(out->rows = malloc(sizeof *out->rows * (size_t)n))) {
        client__err(e, 0, "", "out of memory reading changes from %s", c->url);
        return -1;
    }
    cJSON_ArrayForEach(it, items) {
        const cJSON *kind = cJSON_GetObjectItemCaseSensitive(it, "kind");
        const cJSON *rec = cJSON_GetObjectItemCaseSensitive(it, "record");
        out->changes++;
        if (!cJSON_IsString(kind) || strcmp(kind->valuestring, "application") || !cJSON_IsObject(rec))
            continue;
        if (wire_app_row_from_json(rec, &out->rows[out->n], why, sizeof why)) {
            char m[260];
            snprintf(m, sizeof m, "change %d: %s", out->changes, why);
            client_feed_free(out);
            return client__bad_answer(c, e, m);
        }
        out->n++;
    }
    return 0;
}

/* "/v1/applications?limit=..&status=.." with escaped values; -1 on no memory. */
int client__list_path(const client_query *q, char *buf, size_t n)
{
    const char *names[] = { "status", "channel", "grade", "after" };
    const char *vals[4];
    size_t len;
    int first = 1;
    vals[0] = q ? q->status : NULL;
    vals[1] = q ? q->channel : NULL;
    vals[2] = q ? q->grade : NULL;
    vals[3] = q ? q->after : NULL;
    len = (size_t)snprintf(buf, n, "/v1/applications");
    if (q && q->limit > 0) {
        len += (size_t)snprintf(buf + len, n - len, "?limit=%d", q->limit);
        first = 0;
    }
    for (int i = 0; i < 4 && len < n; i++) {
        char *v;
        if (!vals[i] || !*vals[i]) continue;
        if (!(v = curl_easy_escape(NULL, vals[i], 0))) return -1;
        len += (size_t)snprintf(buf + len, n - len, "%c%s=%s", first ? '?' : '&', names[i], v);
        first = 0;
        curl_free(v);
    }
    return len < n ? 0 : -1;
}

/* ---- blocking ------------------------------------------------------- */

/* Performs r (consumed) and reads its answer. */
static int perform_req(client *c, struct req *r, cJSON **json, client_error *e)
{
    int rc;
    if (!r) { client__err(e, 0, "", "out of memory"); return -1; }
    rc = client__result(c, r, curl_easy_perform(r->easy), json, e);
    client__req_free(r);
    return rc;
}

static int perform(client *c, req_kind kind, const char *method, const char *path,
                   const char *body, cJSON **json, client_error *e)
{
    return perform_req(c, client__req_new(c, kind, method, path, body, 0), json, e);
}

struct req *client__login_req(client *c, const char *name, const char *password,
                              client_error *e)
{
    cJSON *body = cJSON_CreateObject();
    struct req *r;
    char *text;
    if (!body || !cJSON_AddStringToObject(body, "username", name) ||
        !cJSON_AddStringToObject(body, "password", password) ||
        !(text = cJSON_PrintUnformatted(body))) {
        cJSON_Delete(body);
        client__err(e, 0, "", "out of memory");
        return NULL;
    }
    /* The password must not linger in freed memory. */
    sodium_memzero(cJSON_GetObjectItemCaseSensitive(body, "password")->valuestring,
                   strlen(password));
    cJSON_Delete(body);
    sodium_memzero(c->token, sizeof c->token);
    r = client__req_new(c, REQ_LOGIN, "POST", "/v1/session", text, 0);
    sodium_memzero(text, strlen(text));
    cJSON_free(text);
    if (!r) client__err(e, 0, "", "out of memory");
    return r;
}

int client__take_session(client *c, const cJSON *j, client_session *out, client_error *e)
{
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(j, "token");
    const cJSON *role = cJSON_GetObjectItemCaseSensitive(j, "role");
    const cJSON *who = cJSON_GetObjectItemCaseSensitive(j, "user");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(j, "expires_at");
    user_role rl;
    if (!cJSON_IsString(tok) || !tok->valuestring[0] ||
        strlen(tok->valuestring) >= sizeof c->token || strpbrk(tok->valuestring, "\r\n ") ||
        !cJSON_IsString(role) || role_parse(role->valuestring, &rl) ||
        !cJSON_IsString(who) || !cJSON_IsNumber(exp))
        return client__bad_answer(c, e, "a session needs token, role, user and expires_at");
    yx_strlcpy(c->token, tok->valuestring, sizeof c->token);
    sodium_memzero(tok->valuestring, strlen(tok->valuestring));
    if (out) {
        memset(out, 0, sizeof *out);
        yx_strlcpy(out->user, who->valuestring, sizeof out->user);
        yx_strlcpy(out->role, role_name(rl), sizeof out->role);
        out->expires_at = (int64_t)exp->valuedouble;
    }
    return 0;
}

int client_login(client *c, const char *name, const char *password, client_session *out,
                 client_error *e)
{
    cJSON *j = NULL;
    struct req *r = client__login_req(c, name, password, e);
    int rc;
    if (!r) return -1;
    if ((rc = perform_req(c, r, &j, e))) return rc;
    rc = client__take_session(c, j, out, e);
    cJSON_Delete(j);
    return rc;
}

int client_logout(client *c, client_error *e)
{
    cJSON *j = NULL;
    int rc;
    if (!c->token[0]) { client__err(e, 0, "", "not logged in to %s", c->url); return -1; }
    rc = perform(c, REQ_LOGOUT, "DELETE", "/v1/session", NULL, &j, e);
    cJSON_Delete(j);
    sodium_memzero(c->token, sizeof c->token);
    return rc;
}

int client_list(client *c, const client_query *q, client_page *out, client_error *e)
{
    char path[768];
    cJSON *j = NULL;
    int rc;
    memset(out, 0, sizeof *out);
    if (client__list_path(q, path, sizeof path)) { client__err(e, 0, "", "list filter too long"); return -1; }
    if ((rc = perform(c, REQ_LIST, "GET", path, NULL, &j, e))) return rc;
    rc = client__parse_page(c, j, out, e);
    cJSON_Delete(j);
    return rc;
}

int client_get(client *c, int64_t id, app_row *out, client_error *e)
{
    char path[64];
    cJSON *j = NULL;
    int rc;
    snprintf(path, sizeof path, "/v1/applications/%lld", (long long)id);
    if ((rc = perform(c, REQ_GET, "GET", path, NULL, &j, e))) return rc;
    rc = client__parse_row(c, j, out, e);
    cJSON_Delete(j);
    return rc;
}
