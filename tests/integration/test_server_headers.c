/* Oversized request headers against a real yxd: one big header, and many
 * small ones summing above the limit (16 KiB of header fields), get 431
 * header_too_large in the JSON error shape and count in the metrics; a
 * request just under the limit and an ordinary one on the same server
 * are served; headers too large even for libmicrohttpd's connection
 * memory still get a 431 (its own page) and leave the server serving.
 * A body sent a byte at a time, never idle for long, is cut off --timeout
 * seconds after its headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

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

static void test_slow_body_is_cut_off(void **state)
{
    const char *extra[] = { "--timeout", "2", NULL };
    const char head[] = "POST /v1/session HTTP/1.1\r\nHost: yxd\r\nContent-Type: application/json\r\n"
                        "Content-Length: 200\r\n\r\n{";
    yxd_proc q;
    struct sockaddr_in a;
    const char *colon;
    double t0, took = -1;
    int fd, sent = 0;
    (void)state;
    assert_int_equal(yxd_proc_start_demo(&q, 5, extra), 0);
    colon = strrchr(q.addr, ':');
    assert_non_null(colon);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)atoi(colon + 1));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(send(fd, head, sizeof head - 1, MSG_NOSIGNAL), (ssize_t)(sizeof head - 1));
    t0 = now_s();
    /* a byte every 0.3 s: never idle for the 2 s of --timeout, and 200
     * bytes would take a minute */
    while (now_s() - t0 < 15) {
        struct pollfd pf = { fd, POLLIN, 0 };
        char buf[512];
        if (poll(&pf, 1, 300) > 0) {
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n <= 0) {
                took = now_s() - t0;
                break;
            }
            continue;   /* an answer before the body is whole: keep reading */
        }
        if (send(fd, "a", 1, MSG_NOSIGNAL) != 1) {
            took = now_s() - t0;
            break;
        }
        sent++;
    }
    close(fd);
    if (took < 0) fail_msg("the connection stayed open for 15 s (%d bytes sent)", sent);
    if (took < 1.9 || took > 8) fail_msg("cut off after %.1f s, not about 2", took);
    assert_int_equal(yx_log_count(&q, "request body too slow"), 1);
    {   /* and the server goes on serving */
        yx_resp r;
        assert_int_equal(yx_http("GET", &q, "/v1/healthz", NULL, NULL, NULL, &r), 0);
        assert_int_equal(r.status, 200);
        yx_resp_free(&r);
    }
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
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
