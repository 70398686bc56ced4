/* Oversized request headers against a real yxd: one big header, and many
 * small ones summing above the limit (16 KiB of header fields), get 431
 * header_too_large in the JSON error shape and count in the metrics; a
 * request just under the limit and an ordinary one on the same server
 * are served; headers too large even for libmicrohttpd's connection
 * memory still get a 431 (its own page) and leave the server serving.
 * A body sent a byte at a time, never idle for long, is cut off --timeout
 * seconds after its headers, and headers sent so --timeout + 1 seconds
 * after the connection opened or its last answer. At --max-connections
 * open connections a further one is closed unanswered, and served again
 * once they close. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "tests/common/yxd_proc.h"

#define HEADER_MAX (16 * 1024)   /* yxd's limit on the header fields in all */

static yxd_proc P;

static int setup(void **state)
{
    (void)state;
    return yxd_proc_start_demo(&P, 5, NULL);
}

static int teardown(void **state)
{
    (void)state;
    yxd_proc_cleanup(&P);
    return 0;
}

/* "NAME: " followed by n letters: a header line of n + strlen(NAME) + 2. */
static char *header_of(const char *name, size_t n)
{
    size_t k = strlen(name);
    char *h = malloc(k + 2 + n + 1);
    assert_non_null(h);
    memcpy(h, name, k);
    memcpy(h + k, ": ", 2);
    memset(h + k + 2, 'a', n);
    h[k + 2 + n] = '\0';
    return h;
}

static void assert_healthy(void)
{
    yx_resp r;
    assert_int_equal(yx_http("GET", &P, "/v1/healthz", NULL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(cJSON_GetObjectItem(r.json, "status")->valuestring, "ok");
    yx_resp_free(&r);
}

static void assert_431_json(const yx_resp *r)
{
    const cJSON *e;
    assert_int_equal(r->status, 431);
    assert_non_null(r->json);
    assert_string_equal(yx_error_code(r), "header_too_large");
    e = cJSON_GetObjectItem(r->json, "error");
    assert_true(cJSON_IsString(cJSON_GetObjectItem(e, "message")));
    assert_non_null(strstr(cJSON_GetObjectItem(e, "message")->valuestring, "16384"));
}

static void test_one_big_header_is_431_json(void **state)
{
    char *h = header_of("X-Big", 20 * 1024);
    const char *hs[] = { h, NULL };
    yx_resp r;
    (void)state;
    assert_int_equal(yx_http("GET", &P, "/v1/healthz", NULL, NULL, hs, &r), 0);
    assert_431_json(&r);
    yx_resp_free(&r);
    /* the same on a route with a body: refused before the body is read */
    assert_int_equal(yx_http("POST", &P, "/v1/session", NULL,
                             "{\"username\":\"officer\",\"password\":\"yixiang-demo\"}", hs, &r), 0);
    assert_431_json(&r);
    yx_resp_free(&r);
    free(h);
    assert_healthy();
}

static void test_many_small_headers_sum_to_431(void **state)
{
    enum { N = 400 };
    char *hs[N + 1], name[16];
    size_t total = 0;
    yx_resp r;
    (void)state;
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "X-H%d", i);
        hs[i] = header_of(name, 40);
        total += strlen(hs[i]) + 2;
    }
    hs[N] = NULL;
    assert_true(total > HEADER_MAX + 1024);   /* no single header is large */
    assert_int_equal(yx_http("GET", &P, "/v1/healthz", NULL, NULL, (const char *const *)hs, &r), 0);
    assert_431_json(&r);
    yx_resp_free(&r);
    for (int i = 0; i < N; i++) free(hs[i]);
    assert_healthy();
}

/* Just under the limit is served: the limit counts the header fields,
 * not more. */
static void test_headers_under_the_limit_are_served(void **state)
{
    char *h = header_of("X-Big", HEADER_MAX - 1024);
    const char *hs[] = { h, NULL };
    yx_resp r;
    (void)state;
    assert_int_equal(yx_http("GET", &P, "/v1/healthz", NULL, NULL, hs, &r), 0);
    assert_int_equal(r.status, 200);
    yx_resp_free(&r);
    free(h);
}

/* Beyond libmicrohttpd's per-connection memory the request never reaches
 * yxd's handler: libmicrohttpd answers 431 itself (not our JSON shape,
 * as the server's comment says) and closes; the server keeps serving. */
static void test_headers_beyond_the_connection_memory(void **state)
{
    char *h = header_of("X-Huge", 300 * 1024);
    const char *hs[] = { h, NULL };
    yx_resp r;
    (void)state;
    assert_int_equal(yx_http("GET", &P, "/v1/healthz", NULL, NULL, hs, &r), 0);
    assert_int_equal(r.status, 431);
    yx_resp_free(&r);
    free(h);
    assert_healthy();
}

/* The 431s answered by yxd are counted under their own status. */
static void test_metrics_count_431(void **state)
{
    yx_resp r;
    const char *line;
    (void)state;
    assert_int_equal(yx_http("GET", &P, "/v1/metrics", NULL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    line = strstr(r.body, "yxd_requests_total{route=\"unmatched\",status=\"431\"} ");
    assert_non_null(line);
    assert_true(atoi(line + strlen("yxd_requests_total{route=\"unmatched\",status=\"431\"} ")) >= 3);
    yx_resp_free(&r);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A connection to q's port. */
static int connect_to(const yxd_proc *q)
{
    struct sockaddr_in a;
    const char *colon = strrchr(q->addr, ':');
    int fd;
    assert_non_null(colon);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)atoi(colon + 1));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    return fd;
}

/* Sends head, then one byte every 0.3 s (never idle for the 2 s of
 * --timeout) while reading whatever comes back, for at most max_s:
 * seconds until the server closed the connection, or -1 if it never did. */
static double trickle(int fd, const char *head, double max_s, int *sent)
{
    double t0;
    *sent = 0;
    assert_int_equal(send(fd, head, strlen(head), MSG_NOSIGNAL), (ssize_t)strlen(head));
    t0 = now_s();
    while (now_s() - t0 < max_s) {
        struct pollfd pf = { fd, POLLIN, 0 };
        char buf[512];
        if (poll(&pf, 1, 300) > 0) {
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n <= 0) return now_s() - t0;
            continue;   /* an answer before the request is whole: keep reading */
        }
        if (send(fd, "a", 1, MSG_NOSIGNAL) != 1) return now_s() - t0;
        (*sent)++;
    }
    return -1;
}

static void assert_serves(yxd_proc *q)
{
    yx_resp r;
    assert_int_equal(yx_http("GET", q, "/v1/healthz", NULL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    yx_resp_free(&r);
}

static void test_slow_body_is_cut_off(void **state)
{
    const char *extra[] = { "--timeout", "2", NULL };
    yxd_proc q;
    double took;
    int fd, sent;
    (void)state;
    assert_int_equal(yxd_proc_start_demo(&q, 5, extra), 0);
    fd = connect_to(&q);
    /* 200 bytes of body at a byte every 0.3 s would take a minute */
    took = trickle(fd, "POST /v1/session HTTP/1.1\r\nHost: yxd\r\nContent-Type: application/json\r\n"
                       "Content-Length: 200\r\n\r\n{", 15, &sent);
    close(fd);
    if (took < 0) fail_msg("the connection stayed open for 15 s (%d bytes sent)", sent);
    if (took < 1.9 || took > 8) fail_msg("cut off after %.1f s, not about 2", took);
    assert_int_equal(yx_log_count(&q, "request body too slow"), 1);
    assert_serves(&q);
    yxd_proc_cleanup(&q);
}

/* Sends req on fd and reads its answer, which must be a 200. */
static void read_answer(int fd, const char *req, int n)
{
    char buf[4096];
    ssize_t got = 0, k;
    struct pollfd pf = { fd, POLLIN, 0 };
    assert_int_equal(send(fd, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
    while (got < 12 && (k = recv(fd, buf + got, sizeof buf - 1 - (size_t)got, 0)) > 0) got += k;
    buf[got] = '\0';
    if (strncmp(buf, "HTTP/1.1 200", 12) != 0) fail_msg("request %d on a kept-alive connection: %s", n, buf);
    while (poll(&pf, 1, 100) > 0 && recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) { }   /* the rest of it */
}

/* Headers sent a byte at a time: libmicrohttpd's idle timeout never
 * fires, the header deadline (--timeout + 1 s after the connection was
 * accepted) does. A connection that is only idle is left to the idle
 * timeout, without the warning; one that makes a request, waits, and
 * makes another is served both times. */
static void test_slow_headers_are_cut_off(void **state)
{
    const char *extra[] = { "--timeout", "2", NULL };
    const char get[] = "GET /v1/healthz HTTP/1.1\r\nHost: yxd\r\n\r\n";
    yxd_proc q;
    double took, t0;
    int fd, sent;
    char buf[4096];
    (void)state;
    assert_int_equal(yxd_proc_start_demo(&q, 5, extra), 0);

    fd = connect_to(&q);
    took = trickle(fd, "GET /v1/healthz HTTP/1.1\r\nHost: yxd\r\nX-Slow: ", 15, &sent);
    close(fd);
    if (took < 0) fail_msg("the connection stayed open for 15 s (%d header bytes sent)", sent);
    if (took < 2.5 || took > 8) fail_msg("cut off after %.1f s, not about 3", took);
    assert_int_equal(yx_log_count(&q, "request headers too slow"), 1);
    assert_serves(&q);

    /* idle: closed by the idle timeout, not counted as slow headers */
    fd = connect_to(&q);
    t0 = now_s();
    {
        struct pollfd pf = { fd, POLLIN, 0 };
        assert_int_equal(poll(&pf, 1, 10000), 1);
        assert_true(recv(fd, buf, sizeof buf, 0) <= 0);
    }
    close(fd);
    if (now_s() - t0 > 8) fail_msg("an idle connection stayed open %.1f s", now_s() - t0);
    assert_int_equal(yx_log_count(&q, "request headers too slow"), 1);

    /* kept alive: each answer starts the deadline again (four requests a
     * second apart outlast one deadline), and the headers of a request
     * after an answer are held to it too */
    fd = connect_to(&q);
    for (int i = 0; i < 4; i++) {
        struct timespec pause = { 1, 0 };
        read_answer(fd, get, i + 1);
        nanosleep(&pause, NULL);
    }
    read_answer(fd, get, 5);
    took = trickle(fd, "GET /v1/healthz HTTP/1.1\r\nHost: yxd\r\nX-Slow: ", 15, &sent);
    close(fd);
    if (took < 0) fail_msg("after an answer, slow headers kept the connection open 15 s");
    if (took < 2.5 || took > 8) fail_msg("after an answer, cut off after %.1f s, not about 3", took);
    assert_int_equal(yx_log_count(&q, "request headers too slow"), 2);
    yxd_proc_cleanup(&q);
}

/* The whole answer to one raw request on a fresh connection (closed by
 * the server after it, as each request asks). */
static void raw_answer(const char *req, char *buf, size_t n)
{
    int fd = connect_to(&P);
    size_t got = 0;
    ssize_t k;
    assert_int_equal(send(fd, req, strlen(req), MSG_NOSIGNAL), (ssize_t)strlen(req));
    while (got < n - 1 && (k = recv(fd, buf + got, n - 1 - got, 0)) > 0) got += (size_t)k;
    buf[got] = '\0';
    close(fd);
}

/* Two Content-Length fields (the way a request is smuggled past a proxy
 * that reads the other) are refused with the JSON error, and a %00 in the
 * path or the query is not decoded into a NUL that would cut the value
 * short: /v1/applications/1%00x is not application 1. */
static void test_framing_and_nul_escapes_are_refused(void **state)
{
    char buf[4096], *tok = yx_login(&P, "officer", "yixiang-demo"), req[512];
    (void)state;
    assert_non_null(tok);
    raw_answer("GET /v1/healthz HTTP/1.1\r\nHost: yxd\r\nContent-Length: 0\r\nContent-Length: 0\r\n"
               "Connection: close\r\n\r\n", buf, sizeof buf);
    if (strncmp(buf, "HTTP/1.1 400", 12) || !strstr(buf, "\"bad_request\"")) fail_msg("two lengths: %s", buf);
    snprintf(req, sizeof req, "GET /v1/applications/1%%00x HTTP/1.1\r\nHost: yxd\r\nAuthorization: Bearer %s\r\n"
             "Connection: close\r\n\r\n", tok);
    raw_answer(req, buf, sizeof buf);
    if (strncmp(buf, "HTTP/1.1 404", 12)) fail_msg("a %%00 in the path: %s", buf);
    snprintf(req, sizeof req, "GET /v1/applications?status=approved%%00x HTTP/1.1\r\nHost: yxd\r\n"
             "Authorization: Bearer %s\r\nConnection: close\r\n\r\n", tok);
    raw_answer(req, buf, sizeof buf);
    if (strncmp(buf, "HTTP/1.1 400", 12) || !strstr(buf, "bad_filter")) fail_msg("a %%00 in the query: %s", buf);
    /* other escapes still decode */
    snprintf(req, sizeof req, "GET /v1/applications?status=%%61pproved HTTP/1.1\r\nHost: yxd\r\n"
             "Authorization: Bearer %s\r\nConnection: close\r\n\r\n", tok);
    raw_answer(req, buf, sizeof buf);
    if (strncmp(buf, "HTTP/1.1 200", 12)) fail_msg("an escaped letter in the query: %s", buf);
    free(tok);
    assert_healthy();
}

/* --max-connections N: with N connections open (each answered once, so
 * libmicrohttpd holds it, then left idle and kept alive) a further
 * connection is not queued until one closes: libmicrohttpd
 * (MHD_OPTION_CONNECTION_LIMIT) accepts it and closes it at once without
 * an answer, logging "Server reached connection limit". The N open
 * connections are still served; once they close, new connections are
 * served again (a slot is free once the closed connection's thread has
 * ended, so that is polled for). */
static void test_connection_limit(void **state)
{
    const char *extra[] = { "--max-connections", "3", NULL };
    const char get[] = "GET /v1/healthz HTTP/1.1\r\nHost: yxd\r\n\r\n";
    enum { N = 3 };
    yxd_proc q;
    int fd[N], tries = 0;
    double t0;
    yx_resp r;
    (void)state;
    assert_int_equal(yxd_proc_start_demo(&q, 5, extra), 0);
    for (int i = 0; i < N; i++) {
        fd[i] = connect_to(&q);
        read_answer(fd[i], get, i + 1);
    }
    /* one more: closed without an answer, and logged */
    assert_int_equal(yx_http("GET", &q, "/v1/healthz", NULL, NULL, NULL, &r), -1);
    assert_int_equal(r.status, 0);
    yx_resp_free(&r);
    assert_int_equal(yx_log_count(&q, "Server reached connection limit"), 1);
    /* the connections already open are served as before */
    for (int i = 0; i < N; i++) read_answer(fd[i], get, N + 1 + i);
    for (int i = 0; i < N; i++) close(fd[i]);
    t0 = now_s();
    for (;;) {
        int rc = yx_http("GET", &q, "/v1/healthz", NULL, NULL, NULL, &r);
        long st = r.status;
        yx_resp_free(&r);
        tries++;
        if (rc == 0) {
            assert_int_equal(st, 200);
            break;
        }
        if (now_s() - t0 > 10) fail_msg("no request served within 10 s of closing the connections (%d tries)", tries);
        {   /* a short pause between tries, not a wait for the outcome */
            struct pollfd none = { -1, 0, 0 };
            poll(&none, 1, 10);
        }
    }
    yxd_proc_cleanup(&q);
}

/* On SIGTERM yxd stops listening at once, so a new connection is
 * refused (not left in the kernel's queue for an accept that never comes)
 * while a request already begun is finished and answered. */
static void test_sigterm_refuses_new_connections_and_finishes_begun_ones(void **state)
{
    const char body[] = "{\"username\":\"officer\",\"password\":\"yixiang-demo\"}";
    char head[256], buf[512];
    yxd_proc q;
    int fd, status, refused = 0;
    ssize_t got = 0, k;
    double t0;
    (void)state;
    assert_int_equal(yxd_proc_start_demo(&q, 5, NULL), 0);
    fd = connect_to(&q);
    snprintf(head, sizeof head, "POST /v1/session HTTP/1.1\r\nHost: yxd\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\n\r\n", strlen(body));
    assert_int_equal(send(fd, head, strlen(head), MSG_NOSIGNAL), (ssize_t)strlen(head));
    assert_int_equal(send(fd, body, 10, MSG_NOSIGNAL), 10);
    /* wait (polling) until yxd holds the begun request */
    for (t0 = now_s(); yx_metric(&q, "yxd_requests_in_flight ") < 2;)
        if (now_s() - t0 > 10) fail_msg("the begun request never showed as in flight");
    assert_int_equal(kill(q.pid, SIGTERM), 0);
    for (t0 = now_s(); !refused && now_s() - t0 < 5;) {
        struct sockaddr_in a;
        const char *colon = strrchr(q.addr, ':');
        int c = socket(AF_INET, SOCK_STREAM, 0);
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons((uint16_t)atoi(colon + 1));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        refused = connect(c, (struct sockaddr *)&a, sizeof a) != 0 && errno == ECONNREFUSED;
        close(c);
    }
    if (!refused) fail_msg("new connections were still taken 5 s after SIGTERM");
    assert_int_equal(send(fd, body + 10, strlen(body) - 10, MSG_NOSIGNAL), (ssize_t)(strlen(body) - 10));
    while (got < 12 && (k = recv(fd, buf + got, sizeof buf - 1 - (size_t)got, 0)) > 0) got += k;
    buf[got] = '\0';
    if (strncmp(buf, "HTTP/1.1 200", 12)) fail_msg("the begun login after SIGTERM: %s", buf);
    close(fd);
    assert_int_equal(waitpid(q.pid, &status, 0), q.pid);
    q.pid = 0;
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    yxd_proc_cleanup(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_big_header_is_431_json),
        cmocka_unit_test(test_many_small_headers_sum_to_431),
        cmocka_unit_test(test_headers_under_the_limit_are_served),
        cmocka_unit_test(test_headers_beyond_the_connection_memory),
        cmocka_unit_test(test_metrics_count_431),
        cmocka_unit_test(test_slow_body_is_cut_off),
        cmocka_unit_test(test_slow_headers_are_cut_off),
        cmocka_unit_test(test_framing_and_nul_escapes_are_refused),
        cmocka_unit_test(test_connection_limit),
        cmocka_unit_test(test_sigterm_refuses_new_connections_and_finishes_begun_ones),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
