/* yxd simulate against servers that do not answer as they should:
 *   - nothing listening: every due request fails at once, the run ends on
 *     time and exits 1;
 *   - a server that takes connections and never answers: each request
 *     fails after --timeout, requests that never found a free connection
 *     are given up a second after the end, and the run neither hangs nor
 *     spins the CPU while it waits;
 * and against a real yxd, a stream across several channels: the requests
 * take the channel keys in turn; and a run stopped by its caller ends at
 * once, every request it sent answered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tests/common/sim_thread.h"
#include "tests/common/yxd_proc.h"

/* A loopback socket on an ephemeral port; listening when listen_too,
 * else only bound (nothing will accept on it). Its URL in url. */
static int loopback(int listen_too, char *url, size_t n)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || getsockname(fd, (struct sockaddr *)&a, &len) ||
        (listen_too && listen(fd, 64))) {
        close(fd);
        return -1;
    }
    snprintf(url, n, "http://127.0.0.1:%d", ntohs(a.sin_port));
    return fd;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds the finished children have used so far. */
static double children_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

static void test_nothing_listening(void **state)
{
    char url[64], out[4096], err[4096];
    int fd = loopback(0, url, sizeof url);   /* bound, not listening: refused */
    const char *args[] = { "simulate", "--server", url, "--channel-key", "no-such-key", "--rate", "50",
                           "--duration", "0.5", "--connections", "2", NULL };
    double t0;
    (void)state;
    assert_true(fd >= 0);
    t0 = now_s();
    assert_int_equal(yxd_run(args, NULL, out, sizeof out, err, sizeof err), 1);
    assert_true(now_s() - t0 < 10);
    /* every request due in the half second (one each 20 ms) was sent and failed */
    assert_non_null(strstr(out, "sent 25  accepted 0  errors 25"));
    assert_non_null(strstr(err, "25 of 25 requests failed"));
    close(fd);
}

static void test_server_that_never_answers(void **state)
{
    char url[64], out[4096], err[4096];
    int fd = loopback(1, url, sizeof url);   /* the kernel takes connections; nobody reads */
    const char *args[] = { "simulate", "--server", url, "--channel-key", "no-such-key", "--rate", "50",
                           "--duration", "0.5", "--connections", "2", "--timeout", "1", NULL };
    double t0, cpu0, wall;
    (void)state;
    assert_true(fd >= 0);
    t0 = now_s();
    cpu0 = children_cpu();
    assert_int_equal(yxd_run(args, NULL, out, sizeof out, err, sizeof err), 1);
    wall = now_s() - t0;
    /* two requests time out after 1 s, two more after another; the rest
     * are given up 1 s after the end: not 25 requests of 1 s each */
    assert_true(wall >= 1.0);
    if (wall > 8) fail_msg("the run took %.1f s", wall);
    assert_non_null(strstr(out, "sent 25  accepted 0  errors 25"));
    /* waiting is sleeping: a fraction of the wall time in CPU */
    if (children_cpu() - cpu0 > wall / 2) fail_msg("%.2f s of CPU in %.2f s", children_cpu() - cpu0, wall);
    close(fd);
}

/* Simulated applications stored for one channel. */
static int64_t apps_of(const char *db, const char *channel)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, "SELECT count(*) FROM applications a JOIN channels c ON c.id = a.channel_id "
                              "WHERE c.name = ? AND a.idempotency_key LIKE 'sim-%'", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

static void test_stream_across_channels(void **state)
{
    yxd_proc p;
    char k1[128], k2[128], k3[128], out[4096], err[4096];
    const char *args[] = { "simulate", "--server", NULL, "--channel-key", k1, "--channel-key", k2,
                           "--channel-key", k3, "--rate", "30", "--duration", "1", "--connections", "8", NULL };
    const char *bad[] = { "simulate", "--server", "http://127.0.0.1:9", "--channel-key", "a", "--channel-key", "b",
                          "--channel-key", "c", "--channel-key", "d", "--channel-key", "e", "--channel-key", "f",
                          "--channel-key", "g", "--channel-key", "h", "--channel-key", "i", NULL };
    (void)state;
    assert_int_equal(yxd_proc_start_demo(&p, 5, NULL), 0);
    assert_int_equal(yxd_proc_add_channel(&p, "partner-api", "api", k1, sizeof k1), 0);
    assert_int_equal(yxd_proc_add_channel(&p, "mall-h5", "h5", k2, sizeof k2), 0);
    assert_int_equal(yxd_proc_add_channel(&p, "own-app", "own", k3, sizeof k3), 0);
    args[2] = p.url;
    assert_int_equal(yxd_run(args, NULL, out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "sent 30  accepted 30  errors 0"));
    /* thirty due requests, the three keys in turn (the sanitizer build has
     * a second after the end to send the last of them) */
    assert_int_equal(apps_of(p.db, "partner-api"), 10);
    assert_int_equal(apps_of(p.db, "mall-h5"), 10);
    assert_int_equal(apps_of(p.db, "own-app"), 10);
    /* a ninth key is refused before anything is sent */
    assert_int_equal(yxd_run(bad, NULL, out, sizeof out, err, sizeof err), 2);
    assert_non_null(strstr(err, "at most 8 channel keys"));
    yxd_proc_cleanup(&p);
}

/* A run of a minute at 50/s, stopped by its caller after ten answers:
 * it ends within seconds, sends nothing more, and what it sent was all
 * answered and stored. */
static void test_stop_ends_the_run(void **state)
{
    yxd_proc p;
    yx_sim_thread a;
    char key[128];
    double t0;
    (void)state;
    memset(&a, 0, sizeof a);
    assert_int_equal(yxd_proc_start_demo(&p, 5, NULL), 0);
    assert_int_equal(yxd_proc_add_channel(&p, "partner-api", "api", key, sizeof key), 0);
    a.cfg.server = p.url;
    a.cfg.channel_key = key;
    a.cfg.rate = 50;
    a.cfg.duration_s = 60;
    a.cfg.connections = 2;
    a.cfg.seed = 3;
    t0 = now_s();
    assert_int_equal(yx_sim_start(&a), 0);
    while (yx_metric(&p, "yxd_requests_total{route=\"intake\",status=\"201\"} ") < 10)
        if (a.done) fail_msg("the run ended before it was stopped");
    a.stop = 1;
    yx_sim_join(&a);
    if (now_s() - t0 > 20) fail_msg("a stopped run took %.1f s", now_s() - t0);
    assert_int_equal(a.rc, 0);
    assert_int_equal(a.rep.errors, 0);
    assert_true(a.rep.sent >= 10);
    assert_int_equal(a.rep.accepted, a.rep.sent);
    assert_int_equal(apps_of(p.db, "partner-api"), a.rep.sent);
    sim_report_free(&a.rep);
    yxd_proc_cleanup(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_listening),
        cmocka_unit_test(test_server_that_never_answers),
        cmocka_unit_test(test_stream_across_channels),
        cmocka_unit_test(test_stop_ends_the_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
