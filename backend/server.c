/* The yxd HTTP server on libmicrohttpd: request assembly with the header
 * and body limits, routing, authentication and the policy check,
 * responses in the JSON error shape, the access log, and a clean shutdown
 * that lets in-flight requests finish.
 *
 * Threads: one per connection (MHD_USE_THREAD_PER_CONNECTION), so a
 * long-polling change-feed reader only ever blocks its own connection.
 * SQLite connections are never shared between threads at the same time:
 * a request borrows a reading connection from the pool (server_state.c)
 * and returns it; all writes go through the single writer connection of
 * server_write.c (group commit). */
#include "backend/server.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "backend/metrics.h"
#include "backend/routes.h"
#include "backend/server_int.h"
#include "core/audit.h"
#include "core/json_doc.h"
#include "core/util.h"

void server_config_default(srv_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->max_connections = 256;
    cfg->request_timeout_s = 60;
    cfg->pool_size = 16;
    cfg->checkpoint_every = 1000;
    cfg->wal_max_mib = 128;
    auth_config_default(&cfg->auth);
    policy_limits_default(&cfg->limits);
}

/* Request headers: the header fields of a request (each counted as name,
 * ": ", value and CRLF, the request line not included) may total at most
 * SRV_HEADER_MAX bytes; a request with more gets 431 header_too_large in
 * our error shape, checked on the first call of the access handler, before
 * any of the body is read.
 *
 * libmicrohttpd (0.9.75) keeps the whole header block of a request in the
 * connection's memory pool (MHD_OPTION_CONNECTION_MEMORY_LIMIT), together
 * with one record per header. A header block that does not fit there never
 * reaches the access handler: MHD answers by itself, 431 (414 when even the
 * request line does not fit) with its own small HTML page, closes the
 * connection, and only logs a line (through mhd_logger); such a request
 * is not in the access log or in the metrics. That API offers no hook to
 * shape that answer, so the pool is made 4 times our limit (SRV_CONN_MEMORY):
 * headers from SRV_HEADER_MAX up to roughly SRV_CONN_MEMORY less MHD's own
 * bookkeeping (about 63 KiB; less for a great many small headers, each
 * with its record) get our JSON 431, only larger ones (no
 * browser or channel sends such) MHD's page. The pool is not larger than
 * that because MHD clears all of it after every request: at 128 KiB that
 * clearing took 4 % of yxd's CPU under full intake load. */
#define SRV_HEADER_MAX  (16 * 1024)
#define SRV_CONN_MEMORY ((size_t)64 * 1024)

/* Per-request state, from the first call of the access handler until the
 * completion callback. */
struct conn_req {
    yx_buf  body;
    int     too_large;          /* body above SRV_BODY_MAX */
    int     headers_too_large;  /* header fields above SRV_HEADER_MAX */
    int     framing;            /* more than one Content-Length */
    int64_t start_ns;
};

/* ---- responses ----------------------------------------------------- */

int srv_json(srv_resp *out, int status, cJSON *obj)
{
    free(out->body);
    out->status = status;
    out->type = NULL;
    out->body = obj ? cJSON_PrintUnformatted(obj) : NULL;
    cJSON_Delete(obj);
    if (!out->body) {
        out->status = 500;
        out->body = strdup("{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}");
    }
    return 0;
}

int srv_error(srv_resp *out, int status, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", msg);
    return srv_json(out, status, o);
}

int srv_store_error(srv_req *r, srv_resp *out)
{
    cJSON *x = cJSON_CreateObject();
    cJSON_AddStringToObject(x, "path", r->path);
    cJSON_AddStringToObject(x, "error", r->st ? store_errmsg(r->st) : "no store");
    srv_log("error", "store failure", x);
    return srv_error(out, 503, "unavailable", "the database is busy or failing; retry shortly");
}

const char *srv_query(const srv_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *srv_header(const srv_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int srv_idem_key_ok(const char *k)
{
    size_t n = k ? strlen(k) : 0;
    if (n < 8 || n > 128) return 0;
    for (size_t i = 0; i < n; i++)
        if (k[i] < 0x21 || k[i] > 0x7e) return 0;
    return 1;
}

cJSON *srv_body_json(const srv_req *r, srv_resp *out)
{
    const char *code, *message;
    cJSON *j = json_body_object(r->body, r->body_len, &code, &message);
    if (!j) srv_error(out, 400, code, "%s", message);
    return j;
}

/* ---- logging ------------------------------------------------------- */

void srv_log(const char *level, const char *msg, cJSON *extra)
{
    cJSON *o = cJSON_CreateObject();
    char *line;
    json_add_int(o, "ts", store_now_ms());
    cJSON_AddStringToObject(o, "level", level);
    cJSON_AddStringToObject(o, "msg", msg);
    if (extra) {
        cJSON *it = extra->child;
        while (it) {
            cJSON *next = it->next;
            cJSON_AddItemToObject(o, it->string, cJSON_DetachItemViaPointer(extra, it));
            it = next;
        }
        cJSON_Delete(extra);
    }
    line = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (line) {
        /* One write per line, so lines from concurrent threads never mix. */
        size_t n = strlen(line);
        line[n] = '\n';
        if (write(STDERR_FILENO, line, n + 1) < 0) { /* nowhere left to report it */ }
        free(line);
    }
}

void srv_log_error(const char *msg, const char *why)
{
    cJSON *x = cJSON_CreateObject();
    cJSON_AddStringToObject(x, "error", why);
    srv_log("error", msg, x);
}

int srv_page_query(srv_req *r, srv_resp *out, int def, int max, int64_t *limit, int64_t *after)
{
    const char *l = srv_query(r, "limit"), *a = srv_query(r, "after");
    *limit = def;
    *after = 0;
    if (l && yx_parse_i64(l, 1, max, limit)) {
        srv_error(out, 400, "bad_request", "limit must be an integer from 1 to %d", max);
        return -1;
    }
    if (a && *a && yx_parse_i64(a, 0, INT64_MAX, after)) {
        srv_error(out, 400, "bad_cursor", "after must be a cursor returned as \"next\"");
        return -1;
    }
    return 0;
}

cJSON *srv_page_rows(store *s, sqlite3_stmt *st, int64_t limit, cJSON *(*row)(sqlite3_stmt *st))
{
    cJSON *o = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(o, "items");
    int64_t n = 0, last = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < limit) {
        last = sqlite3_column_int64(st, 0);
        cJSON_AddItemToArray(items, row(st));
        n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        cJSON_Delete(o);
        store_fail(s, "list: %s", sqlite3_errmsg(store_db(s)));
        return NULL;
    }
    if (rc == SQLITE_ROW) {   /* the extra row: another page follows */
        char buf[24];
        snprintf(buf, sizeof buf, "%lld", (long long)last);
        cJSON_AddStringToObject(o, "next", buf);
    } else {
        cJSON_AddNullToObject(o, "next");
    }
    return o;
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    size_t n;
    (void)cls;
    vsnprintf(msg, sizeof msg, fmt, ap);
    n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = '\0';
    cJSON *x = cJSON_CreateObject();
    cJSON_AddStringToObject(x, "detail", msg);
    srv_log("warn", "http", x);
}

/* ---- dispatch ------------------------------------------------------ */

static const char *bearer(struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7)) return NULL;
    h += 7;
    while (*h == ' ') h++;
    return h;
}

static void client_addr(struct MHD_Connection *c, char *buf, size_t n)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    yx_strlcpy(buf, "?", n);
    if (!ci || !ci->client_addr) return;
    if (ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr, buf, (socklen_t)n);
    else if (ci->client_addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr, buf, (socklen_t)n);
}

/* The write a session check asks for (a refreshed idle timer, or the
 * removal of an ended session), in the write stream like every write. */
struct session_write { const char *token; auth_write what; };

static int session_write_job(srv_req *r, void *arg)
{
    const struct session_write *w = arg;
    if (w->what == AUTH_WRITE_END) return auth_logout(r->st, w->token) < 0 ? -1 : 0;
    return auth_touch(r->st, w->token);
}

/* Authenticates the caller as the route requires; 0 to go on, else out is
 * the refusal. */
static int authorize(srv_req *r, const route *rt, srv_resp *out)
{
    const char *tok = bearer(r->conn);
    auth_result ar;
    if (rt->perm == PERM_PUBLIC) return 0;
    if (!tok) {
        srv_error(out, 401, "unauthorized", "log in first: send Authorization: Bearer TOKEN");
        return -1;
    }
    if (rt->perm == PERM_CHANNEL) {
        /* intake's own reads continue in this snapshot */
        if (srv_read_begin(r)) { srv_store_error(r, out); return -1; }
        ar = auth_channel_check(r->st, tok, &r->chan);
        if (ar == AUTH_OK) return 0;
        if (ar == AUTH_ERROR) { srv_store_error(r, out); return -1; }
        srv_error(out, 401, ar == AUTH_DISABLED ? "channel_revoked" : "unauthorized",
                  ar == AUTH_DISABLED ? "this channel key has been revoked" : "unknown channel key");
        return -1;
    }
    {
        struct session_write w = { tok, AUTH_WRITE_NONE };
        ar = auth_check_read(r->st, &r->srv->cfg.auth, tok, &r->who, &w.what);
        if (w.what != AUTH_WRITE_NONE && srv_write(r, session_write_job, &w)) ar = AUTH_ERROR;
    }
    switch (ar) {
    case AUTH_OK: break;
    case AUTH_ERROR: srv_store_error(r, out); return -1;
    case AUTH_EXPIRED:
        srv_error(out, 401, "session_expired", "the session has ended; log in again");
        return -1;
    case AUTH_DISABLED:
        srv_error(out, 401, "user_disabled", "this user is disabled");
        return -1;
    default:
        srv_error(out, 401, "unauthorized", "the token is not valid; log in again");
        return -1;
    }
    if (!policy_allows(r->who.role, rt->perm)) {
        srv_error(out, 403, POLICY_FORBIDDEN_ROLE, "role %s may not use %s (%s)",
                  role_name(r->who.role), rt->pattern, permission_name(rt->perm));
        return -1;
    }
    return 0;
}

static void handle(server *s, struct MHD_Connection *c, const char *method,
                   const char *url, struct conn_req *cr, srv_resp *out,
                   const route **rtp, char *who, size_t whon, char *origin, size_t on)
{
    int known = 0;
    srv_req r;
    const route *rt;
    memset(&r, 0, sizeof r);
    *rtp = NULL;
    client_addr(c, origin, on);
    if (cr->headers_too_large) {
        srv_error(out, 431, "header_too_large", "request header fields are limited to %d bytes in all",
                  SRV_HEADER_MAX);
        return;
    }
    if (cr->too_large) {
        srv_error(out, 413, "body_too_large", "request bodies are limited to %d bytes", SRV_BODY_MAX);
        return;
    }
    if (cr->framing) {
        srv_error(out, 400, "bad_request", "send one Content-Length header");
        return;
    }
    rt = routes_match(method, url, &r.path_id, &known);
    if (!rt) {
        if (known) srv_error(out, 405, "method_not_allowed", "%s is not allowed on %s", method, url);
        else srv_error(out, 404, "not_found", "no such endpoint: %s", url);
        return;
    }
    *rtp = rt;
    r.srv = s;
    r.conn = c;
    r.method = method;
    r.path = url;
    r.body = cr->body.p;
    r.body_len = cr->body.len;
    r.origin = origin;
    r.st = pool_get(&s->pool);
    if (!r.st) { srv_store_error(&r, out); return; }
    if (authorize(&r, rt, out) == 0) {
        if (rt->fn(&r, out) != 0 && !out->body) srv_store_error(&r, out);
    }
    if (r.who.user[0]) yx_strlcpy(who, r.who.user, whon);
    else if (r.chan.name[0]) yx_strlcpy(who, r.chan.name, whon);
    pool_put(&s->pool, r.st);   /* rolls back a handler that failed mid-transaction */
}

static enum MHD_Result queue(struct MHD_Connection *c, srv_resp *out)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    static char empty[1];
    size_t len = out->body ? strlen(out->body) : 0;
    resp = MHD_create_response_from_buffer(len, out->body ? out->body : empty,
                                           out->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) { free(out->body); out->body = NULL; return MHD_NO; }
    out->body = NULL;   /* owned by the response now */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            out->type ? out->type : "application/json; charset=utf-8");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (out->status == 401) MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    ret = MHD_queue_response(c, (unsigned)out->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void access_log(const char *method, const char *url, int status, double secs,
                       const char *who, const char *origin)
{
    cJSON *x = cJSON_CreateObject();
    cJSON_AddStringToObject(x, "method", method);
    cJSON_AddStringToObject(x, "path", url);
    json_add_int(x, "status", status);
    {   /* as text: cJSON would print it through %g and a scanf check */
        char ms[32];
        snprintf(ms, sizeof ms, "%.2f", secs * 1e3);
        cJSON_AddRawToObject(x, "ms", ms);
    }
    if (who[0]) cJSON_AddStringToObject(x, "user", who);
    cJSON_AddStringToObject(x, "origin", origin);
    srv_log(status >= 500 ? "error" : "info", "request", x);
}

struct header_sum { size_t bytes; int lengths; };

static enum MHD_Result add_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
                                       size_t key_size, const char *value, size_t value_size)
{
    struct header_sum *sum = cls;
    (void)kind;
    (void)value;
    sum->bytes += key_size + value_size + 4;   /* ": " and CRLF */
    if (key && !strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) sum->lengths++;
    return MHD_YES;
}

/* The size of the request's header fields as they came on the wire, give
 * or take the spaces around the colons, and how many Content-Length
 * fields it has (the library reads the first; two that disagree are how
 * requests get smuggled past a proxy that reads the other, so more than
 * one is refused). */
static struct header_sum header_fields(struct MHD_Connection *c)
{
    struct header_sum sum = { 0, 0 };
    MHD_get_connection_values_n(c, MHD_HEADER_KIND, add_header_size, &sum);
    return sum;
}

/* Percent-decoding of the path and the query, as the library's own but
 * for %00, kept as the three characters: a decoded NUL would end the C
 * string there, so /v1/applications/1%00x would read as application 1 and
 * status=approved%00x pass as approved. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    char *w = s;
    (void)cls;
    (void)c;
    for (const char *p = s; *p;) {
        if (p[0] == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2]) &&
            !(p[1] == '0' && p[2] == '0')) {
            char hex[3] = { p[1], p[2], 0 };
            *w++ = (char)strtol(hex, NULL, 16);
            p += 3;
        } else {
            *w++ = *p++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    server *s = cls;
    struct conn_req *cr = *con_cls;
    srv_resp out = { 0 };
    const route *rt = NULL;
    char who[48] = "", origin[64] = "";
    enum MHD_Result ret;
    (void)version;
    if (!cr) {
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        cr = calloc(1, sizeof *cr);
        if (!cr) return MHD_NO;
        cr->start_ns = yx_mono_ns();
        *con_cls = cr;
        srv_conn_busy(s, c, 1);   /* its headers are in */
        server_request_begin(s);
        /* Refuse oversize headers, and an announced oversize body, before
         * reading any of the body. */
        struct header_sum sum = header_fields(c);
        if (sum.bytes > SRV_HEADER_MAX) cr->headers_too_large = 1;
        else if (sum.lengths > 1) cr->framing = 1;
        else if (cl && strtoull(cl, NULL, 10) > SRV_BODY_MAX) cr->too_large = 1;
        if (!cr->too_large && !cr->headers_too_large && !cr->framing) return MHD_YES;
    } else if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        /* The idle timeout alone would let a client keep a request (and
         * its thread) open for ever by sending a byte now and then: a body
         * still arriving --timeout seconds after its headers is cut off. */
        if (yx_mono_ns() - cr->start_ns > (int64_t)s->cfg.request_timeout_s * 1000000000) {
            cJSON *x = cJSON_CreateObject();
            cJSON_AddStringToObject(x, "method", method);
            cJSON_AddStringToObject(x, "path", url);
            cJSON_AddNumberToObject(x, "received", (double)(cr->body.len + n));
            srv_log("warning", "request body too slow: connection closed", x);
            return MHD_NO;
        }
        if (cr->too_large || cr->headers_too_large || cr->framing) return MHD_YES;
        if (cr->body.len + n > SRV_BODY_MAX) {
            cr->too_large = 1;
            free(cr->body.p);
            memset(&cr->body, 0, sizeof cr->body);
            return MHD_YES;
        }
        return yx_buf_append(&cr->body, upload, n) ? MHD_NO : MHD_YES;
    }
    handle(s, c, method, url, cr, &out, &rt, who, sizeof who, origin, sizeof origin);
    if (!out.body && !out.status) srv_error(&out, 500, "internal", "no response");
    {
        double secs = (double)(yx_mono_ns() - cr->start_ns) / 1e9;
        metrics_observe(rt, out.status, secs);
        access_log(method, url, out.status, secs, who, origin[0] ? origin : "?");
    }
    ret = queue(c, &out);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    struct conn_req *cr = *con_cls;
    (void)why;
    srv_conn_busy(cls, c, 0);   /* the next request's headers are due */
    if (!cr) return;
    free(cr->body.p);
    free(cr);
    *con_cls = NULL;
    server_request_end(cls);
}

/* ---- start and stop ------------------------------------------------ */

int server_start(server **out, const srv_config *cfg, char *err, size_t errlen)
{
    server *s = calloc(1, sizeof *s);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_ITC | MHD_USE_POLL | MHD_USE_ERROR_LOG;
    *out = NULL;
    if (!s) { snprintf(err, errlen, "out of memory"); return -1; }
    s->cfg = *cfg;
    if (server_state_init(s, err, errlen)) { server_state_free(s); return -1; }
    if (server_writer_start(s, err, errlen) || server_listen(s, err, errlen) ||
        server_watch_start(s, err, errlen)) {
        server_state_free(s);
        return -1;
    }
    if (s->tls_cert) flags |= MHD_USE_TLS;
    s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,
        MHD_OPTION_LISTEN_SOCKET, s->listen_fd,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, srv_conn_notify, s,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->request_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, SRV_CONN_MEMORY,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        s->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, s->tls_cert,
        MHD_OPTION_HTTPS_MEM_KEY, s->tls_key,
        MHD_OPTION_END);
    if (!s->mhd) {
        snprintf(err, errlen, "cannot serve on %s%s", s->address,
                 s->tls_cert ? " (check the TLS certificate and key)" : "");
        server_state_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

const auth_config *srv_auth_config(const server *s)
{
    return &s->cfg.auth;
}

const policy_limits *srv_limits(const server *s)
{
    return &s->cfg.limits;
}

const struct engine *srv_engine(const server *s)
{
    return s->eng;
}

const crypto_key *srv_data_key(const server *s)
{
    return &s->data_key;
}

const char *server_address(const server *s)
{
    return s->address;
}

void server_stop(server *s)
{
    if (!s) return;
    if (s->mhd) {
        MHD_quiesce_daemon(s->mhd);       /* no new connections */
        /* and none waiting in the kernel's queue for an accept that never
         * comes (they hung until exit, then were reset): a client is
         * refused at once and can go to another server. Shut down, not
         * closed, so the descriptor stays valid until the library's
         * threads have let go of it. */
        if (s->listen_fd >= 0) shutdown(s->listen_fd, SHUT_RDWR);
        server_drain(s, 10000);           /* wake long-polls, let requests finish */
        MHD_stop_daemon(s->mhd);
    }
    server_writer_stop(s);
    server_final_checkpoint(s);
    server_state_free(s);
}
