/* Server state that outlives single requests: the SQLite connection pool,
 * the listening socket, in-flight accounting for a clean shutdown, the
 * change-feed wake-up and the audit checkpoint clock. */
#include "backend/server_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/changes.h"
#include "core/decide.h"
#include "core/util.h"

/* ---- pool ---------------------------------------------------------- */

/* SQLite's own busy handler backs off to 100 ms sleeps, so a reader that
 * meets the writer resetting the WAL can lose a second. Here the only
 * contention is that brief, so retry every 200 microseconds, for up to
 * five seconds. */
static int busy_retry(void *ctx, int n)
{
    struct timespec ts = { 0, 200000 };
    (void)ctx;
    if (n >= 25000) return 0;
    nanosleep(&ts, NULL);
    return 1;
}

void server_busy_handler(store *s)
{
    sqlite3_busy_handler(store_db(s), busy_retry, NULL);
}

/* A configured pool connection, or NULL with the reason in err. */
static store *pool_open(store_pool *p, char *err, size_t errlen)
{
    store *s = NULL;
    /* synchronous=FULL (no STORE_NOSYNC), so an acknowledged write survives
     * a power loss. No memory map: every commit of the writer makes each
     * reader drop its whole mapping at its next read (an munmap with a TLB
     * flush on every core), which cost more than reading the few pages a
     * request needs with pread. */
    if (store_open(&s, p->path, 0, err, errlen)) return NULL;
    server_busy_handler(s);
    if (sqlite3_exec(store_db(s), "PRAGMA mmap_size=0", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(store_db(s)));
        store_close(s);
        return NULL;
    }
    return s;
}

store *pool_get(store_pool *p)
{
    store *s = NULL;
    char err[256];
    pthread_mutex_lock(&p->mu);
    while (!p->nidle && p->open >= p->max) pthread_cond_wait(&p->cv, &p->mu);
    if (p->nidle) {
        s = p->idle[--p->nidle];
        pthread_mutex_unlock(&p->mu);
        return s;
    }
    /* only after a connection was lost: open a replacement */
    p->open++;
    pthread_mutex_unlock(&p->mu);
    if (!(s = pool_open(p, err, sizeof err))) {
        srv_log_error("cannot open a database connection", err);
        pthread_mutex_lock(&p->mu);
        p->open--;
        pthread_cond_signal(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    return s;
}

store *pool_get_idle(store_pool *p)
{
    store *s;
    pthread_mutex_lock(&p->mu);
    while (!p->nidle) pthread_cond_wait(&p->cv, &p->mu);
    s = p->idle[--p->nidle];
    pthread_mutex_unlock(&p->mu);
    return s;
}

void pool_put(store_pool *p, store *s)
{
    if (!s) return;
    store_rollback(s);    /* a handler that failed mid-transaction */
    pthread_mutex_lock(&p->mu);
    p->idle[p->nidle++] = s;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

int srv_conn_lend(srv_req *r)
{
    if (!r->st || !sqlite3_get_autocommit(store_db(r->st))) return 0;
    pool_put(&r->srv->pool, r->st);
    r->st = NULL;
    return 1;
}

void srv_conn_back(srv_req *r)
{
    if (!r->st) r->st = pool_get_idle(&r->srv->pool);
}

int srv_read_begin(srv_req *r)
{
    if (!sqlite3_get_autocommit(store_db(r->st))) return 0;
    return server_step(r->st, "BEGIN") ? store_fail(r->st, "cannot begin reading: %s", sqlite3_errmsg(store_db(r->st))) : 0;
}

int srv_read_end(srv_req *r)
{
    if (sqlite3_get_autocommit(store_db(r->st))) return 0;
    return server_step(r->st, "COMMIT") ? store_fail(r->st, "cannot end reading: %s", sqlite3_errmsg(store_db(r->st))) : 0;
}

/* ---- setup --------------------------------------------------------- */

static char *read_pem(const char *path, char *err, size_t errlen)
{
    char *t = yx_read_file(path, NULL, 1 << 20);
    if (!t) snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    return t;
}

int server_state_init(server *s, char *err, size_t errlen)
{
    store *first = NULL;
    char keypath[4096];
    s->listen_fd = -1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->changed, NULL);
    pthread_cond_init(&s->idle, NULL);
    pthread_mutex_init(&s->pool.mu, NULL);
    pthread_cond_init(&s->pool.cv, NULL);
    s->pool.path = s->cfg.db_path;
    s->pool.max = s->cfg.pool_size > 0 && s->cfg.pool_size <= POOL_MAX ? s->cfg.pool_size : 16;

    if (access(s->cfg.db_path, F_OK)) {
        snprintf(err, errlen, "database %s does not exist (create it with: yxd init --db %s)",
                 s->cfg.db_path, s->cfg.db_path);
        return -1;
    }
    if (store_open(&first, s->cfg.db_path, 0, err, errlen)) return -1;
    if (store_migrate(first)) {
        snprintf(err, errlen, "cannot migrate %s: %s", s->cfg.db_path, store_errmsg(first));
        store_close(first);
        return -1;
    }
    s->last_seq = changes_last(first);
    server_busy_handler(first);
    s->pool.idle[s->pool.nidle++] = first;
    s->pool.open = 1;
    /* Open the whole pool now: opening configures the journal, which can
     * wait on the writer's locks, and no request should pay for that. */
    while (s->pool.open < s->pool.max) {
        store *c = pool_open(&s->pool, err, errlen);
        if (!c) return -1;
        s->pool.idle[s->pool.nidle++] = c;
        s->pool.open++;
    }

    if (s->cfg.audit_key_file) yx_strlcpy(keypath, s->cfg.audit_key_file, sizeof keypath);
    else snprintf(keypath, sizeof keypath, "%s.audit.key", s->cfg.db_path);
    if (audit_key_load(keypath, &s->key, err, errlen)) return -1;
    if (s->cfg.key_file) yx_strlcpy(keypath, s->cfg.key_file, sizeof keypath);
    else snprintf(keypath, sizeof keypath, "%s.key", s->cfg.db_path);
    /* Never made here: a new key would silently seal new customers under
     * a key the old ones do not open with. yxd init makes it. */
    if (crypto_key_load(keypath, 0, &s->data_key, err, errlen)) return -1;
    {
        char strategy[4096], why[400];
        if (s->cfg.strategy) yx_strlcpy(strategy, s->cfg.strategy, sizeof strategy);
        else yx_asset_path(strategy, sizeof strategy, "strategies/default.json");
        if (engine_load(&s->eng, strategy, why, sizeof why)) {
            snprintf(err, errlen, "cannot load the decision strategy %s: %s (set YX_DATADIR or pass --strategy)",
                     strategy, why);
            return -1;
        }
    }

    if (!s->cfg.tls_cert != !s->cfg.tls_key) {
        snprintf(err, errlen, "--tls-cert and --tls-key go together");
        return -1;
    }
    if (s->cfg.tls_cert) {
        if (!(s->tls_cert = read_pem(s->cfg.tls_cert, err, errlen))) return -1;
        if (!(s->tls_key = read_pem(s->cfg.tls_key, err, errlen))) return -1;
    }
    return 0;
}

void server_state_free(server *s)
{
    server_watch_stop(s);   /* after libmicrohttpd: every connection is closed */
    server_writer_stop(s);
    if (s->listen_fd >= 0) close(s->listen_fd);
    for (int i = 0; i < s->pool.nidle; i++) store_close(s->pool.idle[i]);
    if (s->tls_key) {
        memset(s->tls_key, 0, strlen(s->tls_key));
        free(s->tls_key);
    }
    free(s->tls_cert);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->changed);
    pthread_cond_destroy(&s->idle);
    pthread_mutex_destroy(&s->pool.mu);
    pthread_cond_destroy(&s->pool.cv);
    memset(&s->key, 0, sizeof s->key);
    memset(&s->data_key, 0, sizeof s->data_key);
    engine_free(s->eng);
    free(s);
}

/* Binds ADDR:PORT ourselves (rather than inside MHD) so a failure can name
 * the address and the reason. Accepts IPv4, [IPv6] and host names. */
int server_listen(server *s, char *err, size_t errlen)
{
    char host[256], port[16], shown[64];
    const char *spec = s->cfg.listen, *colon = strrchr(spec, ':');
    struct addrinfo hints = { 0 }, *ai = NULL;
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    int fd, one = 1, rc;
    size_t hl;
    if (!colon || colon == spec || strlen(colon + 1) == 0 || strlen(colon + 1) >= sizeof port) {
        snprintf(err, errlen, "--listen %s: expected ADDR:PORT, e.g. 127.0.0.1:8080", spec);
        return -1;
    }
    hl = (size_t)(colon - spec);
    if (spec[0] == '[' && hl >= 2 && spec[hl - 1] == ']') { spec++; hl -= 2; }
    if (hl >= sizeof host) { snprintf(err, errlen, "--listen %s: address too long", s->cfg.listen); return -1; }
    memcpy(host, spec, hl);
    host[hl] = '\0';
    yx_strlcpy(port, colon + 1, sizeof port);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
        snprintf(err, errlen, "cannot listen on %s: %s", s->cfg.listen, gai_strerror(rc));
        return -1;
    }
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 512)) {
        snprintf(err, errlen, "cannot listen on %s: %s", s->cfg.listen, strerror(errno));
        if (fd >= 0) close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    getsockname(fd, (struct sockaddr *)&bound, &blen);
    if (bound.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)(const void *)&bound;
        inet_ntop(AF_INET6, &a->sin6_addr, shown, sizeof shown);
        snprintf(s->address, sizeof s->address, "[%s]:%u", shown, ntohs(a->sin6_port));
    } else {
        const struct sockaddr_in *a = (const struct sockaddr_in *)(const void *)&bound;
        inet_ntop(AF_INET, &a->sin_addr, shown, sizeof shown);
        snprintf(s->address, sizeof s->address, "%s:%u", shown, ntohs(a->sin_port));
    }
    s->listen_fd = fd;
    return 0;
}

/* ---- in-flight requests and shutdown -------------------------------- */

void server_request_begin(server *s)
{
    pthread_mutex_lock(&s->mu);
    s->inflight++;
    pthread_mutex_unlock(&s->mu);
}

int srv_inflight(server *s)
{
    int n;
    pthread_mutex_lock(&s->mu);
    n = s->inflight;
    pthread_mutex_unlock(&s->mu);
    return n;
}

void server_request_end(server *s)
{
    pthread_mutex_lock(&s->mu);
    if (--s->inflight == 0) pthread_cond_broadcast(&s->idle);
    pthread_mutex_unlock(&s->mu);
}

static struct timespec abs_deadline(int64_t unix_ms)
{
    struct timespec ts = { (time_t)(unix_ms / 1000), (long)(unix_ms % 1000) * 1000000 };
    return ts;
}

void server_drain(server *s, int max_ms)
{
    struct timespec until = abs_deadline(store_now_ms() + max_ms);
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    pthread_cond_broadcast(&s->changed);
    while (s->inflight > 0)
        if (pthread_cond_timedwait(&s->idle, &s->mu, &until) == ETIMEDOUT) break;
    pthread_mutex_unlock(&s->mu);
}

/* ---- change feed ---------------------------------------------------- */

void srv_release_store(srv_req *r)
{
    pool_put(&r->srv->pool, r->st);
    r->st = NULL;
}

int srv_reacquire_store(srv_req *r)
{
    if (!r->st) r->st = pool_get(&r->srv->pool);
    return r->st ? 0 : -1;
}

void srv_changed(server *s, int64_t seq)
{
    pthread_mutex_lock(&s->mu);
    if (seq > s->last_seq) s->last_seq = seq;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->mu);
}

int srv_wait_change(server *s, int64_t since, int64_t deadline_ms)
{
    struct timespec until = abs_deadline(deadline_ms);
    int woke;
    pthread_mutex_lock(&s->mu);
    while (!s->stopping && s->last_seq <= since)
        if (pthread_cond_timedwait(&s->changed, &s->mu, &until) == ETIMEDOUT) break;
    woke = s->last_seq > since;
    pthread_mutex_unlock(&s->mu);
    return woke;
}

int64_t srv_last_change(server *s)
{
    int64_t v;
    pthread_mutex_lock(&s->mu);
    v = s->last_seq;
    pthread_mutex_unlock(&s->mu);
    return v;
}

/* ---- audit checkpoints ---------------------------------------------- */

struct audit_job { const char *action, *record, *detail; };

static int audit_job(srv_req *r, void *arg)
{
    const struct audit_job *j = arg;
    audit_event e = {
        r->who.user[0] ? r->who.user : r->chan.name[0] ? r->chan.name : "anonymous",
        r->who.user[0] ? role_name(r->who.role) : r->chan.name[0] ? "channel" : "none",
        j->action, j->record, r->origin, j->detail,
    };
    if (audit_append(r->st, &e) < 0) return -1;
    pthread_mutex_lock(&r->srv->mu);
    r->srv->since_checkpoint++;
    pthread_mutex_unlock(&r->srv->mu);
    return 0;
}

int srv_audit(srv_req *r, const char *action, const char *record, const char *detail)
{
    struct audit_job j = { action, record, detail };
    if (!sqlite3_get_autocommit(store_db(r->st))) return audit_job(r, &j);
    return srv_write(r, audit_job, &j) ? -1 : 0;
}

int server_checkpoint_take(server *s)
{
    int due;
    pthread_mutex_lock(&s->mu);
    due = s->since_checkpoint >= s->cfg.checkpoint_every;
    if (due) s->since_checkpoint = 0;
    pthread_mutex_unlock(&s->mu);
    return due;
}

const unsigned char *srv_audit_public_key(const server *s)
{
    return s->key.pk;
}

void server_final_checkpoint(server *s)
{
    store *db = pool_get(&s->pool);
    if (db && audit_checkpoint(db, &s->key) < 0) srv_log_error("final audit checkpoint failed", store_errmsg(db));
    pool_put(&s->pool, db);
}
