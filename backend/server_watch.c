/* The header deadline.
 *
 * libmicrohttpd times a connection out only once it has been idle for
 * --timeout seconds, and every byte that arrives makes it not idle: a
 * client sending the headers of a request a byte at a time could hold a
 * connection, and its thread, for ever, and a few hundred such clients
 * every connection the server allows (a "slowloris"). The body has a
 * deadline of its own (server.c); this is the one for the headers: a
 * connection must deliver the whole header block of a request within
 * --timeout + 1 seconds of being accepted or of its previous answer.
 *
 * A watch thread looks WATCH_MS apart and shuts down the socket of every
 * connection past its deadline: shutdown(2), never close, so the
 * descriptor stays libmicrohttpd's; it sees the peer gone and closes the
 * connection as usual. The extra second leaves a connection that is
 * merely idle to libmicrohttpd's own timeout, which closes it first, so
 * what the watch cuts, and logs, are connections that kept sending
 * without ever finishing their headers.
 *
 * libmicrohttpd reports a closed connection (MHD_CONNECTION_NOTIFY_CLOSED)
 * before it closes the descriptor, and the entry goes under the same lock
 * the watch holds while it shuts sockets down, so the watch never touches
 * a descriptor that was closed and given to someone else. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>

#include "backend/server_int.h"
#include "core/util.h"

#define WATCH_MS 250

struct srv_conn {
    int fd;
    int64_t deadline_ns;         /* 0 while a request is being handled */
    char peer[64];
    struct srv_conn *prev, *next;
};

static int64_t deadline_from_now(const server *s)
{
    return yx_mono_ns() + ((int64_t)s->cfg.request_timeout_s + 1) * 1000000000;
}

static void peer_name(struct MHD_Connection *c, char *out, size_t outlen)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    snprintf(out, outlen, "?");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)outlen);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)outlen);
}

void srv_conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                     enum MHD_ConnectionNotificationCode code)
{
    server *s = cls;
    struct srv_conn *sc = *socket_context;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!ci || !(sc = calloc(1, sizeof *sc))) return;   /* unwatched: the idle timeout still holds */
        sc->fd = ci->connect_fd;
        peer_name(c, sc->peer, sizeof sc->peer);
        pthread_mutex_lock(&s->cmu);
        sc->deadline_ns = deadline_from_now(s);
        sc->next = s->conns;
        if (s->conns) s->conns->prev = sc;
        s->conns = sc;
        pthread_mutex_unlock(&s->cmu);
        *socket_context = sc;
        return;
    }
    if (!sc) return;
    pthread_mutex_lock(&s->cmu);
    if (sc->prev) sc->prev->next = sc->next;
    else s->conns = sc->next;
    if (sc->next) sc->next->prev = sc->prev;
    pthread_mutex_unlock(&s->cmu);
    free(sc);
    *socket_context = NULL;
}

static struct srv_conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

void srv_conn_busy(server *s, struct MHD_Connection *c, int busy)
{
    struct srv_conn *sc = conn_of(c);
    if (!sc) return;
    pthread_mutex_lock(&s->cmu);
    sc->deadline_ns = busy ? 0 : deadline_from_now(s);
    pthread_mutex_unlock(&s->cmu);
}

static void *watch_main(void *arg)
{
    server *s = arg;
    prctl(PR_SET_NAME, "yxd-watch");
    pthread_mutex_lock(&s->cmu);
    while (!s->watch_stop) {
        struct timespec until = yx_deadline_ms(CLOCK_MONOTONIC, WATCH_MS);
        int64_t now;
        int cut = 0;
        char first[64] = "";
        pthread_cond_timedwait(&s->ccond, &s->cmu, &until);
        if (s->watch_stop) break;
        now = yx_mono_ns();
        for (struct srv_conn *sc = s->conns; sc; sc = sc->next)
            if (sc->deadline_ns && now > sc->deadline_ns && !cut++) snprintf(first, sizeof first, "%s", sc->peer);
        if (!cut) continue;
        /* logged first, so the line is there once the client sees the
         * connection end; all under cmu, which keeps every descriptor open */
        {
            cJSON *x = cJSON_CreateObject();
            cJSON_AddNumberToObject(x, "connections", cut);
            cJSON_AddStringToObject(x, "peer", first);
            cJSON_AddNumberToObject(x, "deadline_s", s->cfg.request_timeout_s + 1);
            srv_log("warning", "request headers too slow: connection closed", x);
        }
        for (struct srv_conn *sc = s->conns; sc; sc = sc->next)
            if (sc->deadline_ns && now > sc->deadline_ns) {
                shutdown(sc->fd, SHUT_RDWR);
                sc->deadline_ns = 0;   /* once: it is closing */
            }
    }
    pthread_mutex_unlock(&s->cmu);
    return NULL;
}

int server_watch_start(server *s, char *err, size_t errlen)
{
    pthread_condattr_t ca;
    pthread_mutex_init(&s->cmu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->ccond, &ca);
    pthread_condattr_destroy(&ca);
    s->watch_inited = 1;
    if (pthread_create(&s->watch, NULL, watch_main, s)) {
        snprintf(err, errlen, "cannot start the connection watch thread");
        return -1;
    }
    s->watch_running = 1;
    return 0;
}

void server_watch_stop(server *s)
{
    if (!s->watch_inited) return;
    if (s->watch_running) {
        pthread_mutex_lock(&s->cmu);
        s->watch_stop = 1;
        pthread_cond_signal(&s->ccond);
        pthread_mutex_unlock(&s->cmu);
        pthread_join(s->watch, NULL);
        s->watch_running = 0;
    }
    while (s->conns) {   /* none once libmicrohttpd has stopped; freed if so */
        struct srv_conn *sc = s->conns;
        s->conns = sc->next;
        free(sc);
    }
    pthread_cond_destroy(&s->ccond);
    pthread_mutex_destroy(&s->cmu);
    s->watch_inited = 0;
}
