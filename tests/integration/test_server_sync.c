/* Pipelined durability against a real yxd on a disk made slow or failing
 * by a preloaded fault injector (tests/shim/sync_fault.c: it delays or
 * fails the flushes of SQLite's WAL file):
 *   - a commit that other requests can already read, but that is not yet
 *     on disk, is not served by the change feed: a cursor never passes a
 *     change a power loss could take back;
 *   - a replay of an intake's Idempotency-Key is not answered before the
 *     first request is (its application may still be on its way to disk);
 *   - the audit chain is served only as far as it is on disk;
 *   - a flush the disk refuses fails its requests with 503, and every
 *     later write too, with the reason in the log and GET /v1/healthz;
 *   - slow flushes show in the metrics and in the log, at most one line
 *     per ten seconds;
 *   - SIGTERM during a write's flush answers it and keeps it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/person.h"
#include "tests/common/yxd_proc.h"

#define PW "yixiang-demo"
#define DELAY_MS "800"          /* each WAL flush of the slow disk */

static yxd_proc P;
static char key[80], *officer;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static char fail_file[400];

/* Starts yxd with the fault injector preloaded and configured by
 * name=value (YX_SHIM_...). */
static int start_with_shim(const char *name, const char *value)
{
    static char setting[512];
    const char *env[] = { setting, NULL };
    snprintf(setting, sizeof setting, "%s=%s", name, value);
    return yxd_proc_start_shim(&P, "sync_fault", env, NULL);
}

/* A server on a demo database with a channel, the disk faulty as
 * configured (fail: by the file fail_file; else slow), an officer in. */
static int setup_disk(int fail)
{
    if (yxd_proc_tempdir(&P) || yxd_proc_init_demo(&P, 5)) return -1;
    if (yxd_proc_add_channel(&P, "mall-h5", "h5", key, sizeof key)) return -1;
    snprintf(fail_file, sizeof fail_file, "%s/disk-fails", P.dir);
    if (fail ? start_with_shim("YX_SHIM_SYNC_FAIL_FILE", fail_file)
             : start_with_shim("YX_SHIM_SYNC_DELAY_MS", DELAY_MS))
        return -1;
    return (officer = yx_login(&P, "officer", PW)) ? 0 : -1;
}

static int setup_slow(void **state)
{
    (void)state;
    return setup_disk(0);
}

static int setup_failing(void **state)
{
    (void)state;
    return setup_disk(1);
}

static int teardown(void **state)
{
    (void)state;
    free(officer);
    officer = NULL;
    yxd_proc_cleanup(&P);
    return 0;
}


/* POST an application under an Idempotency-Key: the status, and the
 * application's id in *id (0 when none). */
static long post(int seed, const char *idem, int64_t *id)
{
    char hdr[200], *body = yx_test_applicant_body(seed);
    const char *headers[] = { hdr, NULL };
    yx_resp r;
    long status;
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", idem);
    *id = 0;
    if (yx_http("POST", &P, "/v1/intake/applications", key, body, headers, &r)) {
        free(body);
        return 0;
    }
    free(body);
    status = r.status;
    if (r.json) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(r.json, "application_id");

        if (cJSON_IsNumber(v)) *id = (int64_t)v->valuedouble;
    }
    yx_resp_free(&r);
    return status;
}

struct poster { int seed; const char *idem; long status; int64_t id, done_ns; _Atomic int done; };

static void poster_init(struct poster *p, int seed, const char *idem)
{
    memset(p, 0, sizeof *p);
    p->seed = seed;
    p->idem = idem;
}

static void *post_thread(void *arg)
{
    struct poster *p = arg;
    p->status = post(p->seed, p->idem, &p->id);
    p->done_ns = now_ns();
    p->done = 1;
    return NULL;
}

/* What another process reading the database sees, as the one integer
 * sql selects (0 when none or on error). Read straight from the file: the
 * API's own reads of applications write an audit entry, which would wait
 * for the slow disk too. */
static int64_t newest_id(const char *sql)
{
    int64_t id = yx_db_number(&P, sql);
    return id > 0 ? id : 0;
}

static int64_t newest_application(void)
{
    return newest_id("SELECT coalesce(max(id), 0) FROM applications");
}

/* The change feed after `since`: how many items, the cursor it returns,
 * and whether one is the application app_id. -1 on error. */
static int feed(int64_t since, int64_t app_id, int64_t *next, int *has_app)
{
    char path[96];
    yx_resp r;
    int n = -1;
    snprintf(path, sizeof path, "/v1/changes?since=%lld&limit=500", (long long)since);
    if (yx_http("GET", &P, path, officer, NULL, NULL, &r)) return -1;
    *has_app = 0;
    if (r.status == 200 && r.json) {
        cJSON *items = cJSON_GetObjectItemCaseSensitive(r.json, "items"), *it;
        cJSON *nx = cJSON_GetObjectItemCaseSensitive(r.json, "next");
        n = cJSON_GetArraySize(items);
        cJSON_ArrayForEach(it, items) {
            cJSON *kind = cJSON_GetObjectItemCaseSensitive(it, "kind");
            cJSON *rid = cJSON_GetObjectItemCaseSensitive(it, "record_id");
            if (cJSON_IsString(kind) && !strcmp(kind->valuestring, "application") && cJSON_IsNumber(rid) &&
                (int64_t)rid->valuedouble == app_id)
                *has_app = 1;
        }
        if (next && cJSON_IsString(nx)) *next = strtoll(nx->valuestring, NULL, 10);
    }
    yx_resp_free(&r);
    return n;
}

/* Waits (polling, bounded by the poster finishing) until readers see an
 * application newer than `before`; returns its id, 0 if the poster was
 * answered first. */
static int64_t wait_visible(int64_t before, struct poster *p)
{
    for (;;) {
        int64_t id = newest_application();
        if (id > before) return id;
        if (p->done) return 0;
    }
}

static void test_feed_serves_only_durable_changes(void **state)
{
    /* static: a poster outliving a failed test writes into no dead frame */
    static struct poster a;
    pthread_t th;
    int64_t since = 0, before, visible, next;
    int n, has;
    (void)state;
    poster_init(&a, 11, "sync-feed-0001");
    /* the cursor at the end of the feed so far */
    for (int i = 0; i < 100; i++) {
        int64_t prev = since;
        assert_true(feed(since, 0, &since, &has) >= 0);
        if (since == prev) break;
    }
    before = newest_application();
    assert_true(before > 0);
    assert_int_equal(pthread_create(&th, NULL, post_thread, &a), 0);
    visible = wait_visible(before, &a);
    /* committed and readable, its flush still sleeping in the slow disk */
    assert_true(visible > before);
    n = feed(since, visible, &next, &has);
    assert_int_equal(has, 0);
    assert_int_equal(n, 0);
    assert_int_equal(next, since);
    assert_false(a.done);   /* and it was still in flight when the feed answered */
    pthread_join(th, NULL);
    assert_int_equal(a.status, 201);
    assert_int_equal(a.id, visible);
    /* answered, so durable: now the feed serves it */
    n = feed(since, visible, &next, &has);
    assert_true(n >= 1);
    assert_int_equal(has, 1);
    assert_true(next > since);
}

static void test_replay_waits_for_the_first_answer(void **state)
{
    /* static: a poster outliving a failed test writes into no dead frame */
    static struct poster a;
    pthread_t th;
    int64_t before, visible, id = 0, b_start, b_done, delay_ns = atoll(DELAY_MS) * 1000000;
    struct timespec half = { 0, (long)(delay_ns / 2) };
    long status;
    (void)state;
    poster_init(&a, 12, "sync-replay-0001");
    before = newest_application();
    assert_true(before > 0);
    assert_int_equal(pthread_create(&th, NULL, post_thread, &a), 0);
    visible = wait_visible(before, &a);
    assert_true(visible > before);
    assert_false(a.done);
    /* the same key again, half-way through the first one's flush (a sleep
     * that places the request, not a wait for a condition) */
    nanosleep(&half, NULL);
    b_start = now_ns();
    status = post(12, "sync-replay-0001", &id);
    b_done = now_ns();
    pthread_join(th, NULL);
    assert_int_equal(a.status, 201);
    assert_true(status == 200 || status == 201);
    assert_int_equal(id, a.id);
    /* The replay promised what the first had not yet: it waited for a flush
     * of its own, begun after it read the application (at least one slow
     * flush long), not for the first's (half of one), and came back well
     * after the first. */
    assert_true(b_done - b_start >= delay_ns * 3 / 4);
    assert_true(b_done - a.done_ns >= delay_ns / 4);
}

static int64_t newest_audit_entry(void)
{
    return newest_id("SELECT coalesce(max(id), 0) FROM audit");
}

/* GET /v1/audit?after=: the number of entries served (-1 on error). */
static int audit_entries_after(const char *token, int64_t after)
{
    char path[80];
    yx_resp r;
    int n = -1;
    snprintf(path, sizeof path, "/v1/audit?after=%lld&limit=100", (long long)after);
    if (yx_http("GET", &P, path, token, NULL, NULL, &r)) return -1;
    if (r.status == 200 && r.json) n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "items"));
    yx_resp_free(&r);
    return n;
}

/* The audit chain, like the change feed, is served only as far as it is
 * on disk: an auditor never sees (or verifies, or exports) an entry a
 * power loss could take back. */
static void test_audit_serves_only_durable_entries(void **state)
{
    /* static: a poster outliving a failed test writes into no dead frame */
    static struct poster a;
    char *auditor = yx_login(&P, "auditor", PW);
    pthread_t th;
    int64_t base;
    int n;
    (void)state;
    poster_init(&a, 13, "sync-audit-0001");
    assert_non_null(auditor);
    base = newest_audit_entry();
    assert_true(base > 0);
    assert_int_equal(pthread_create(&th, NULL, post_thread, &a), 0);
    while (newest_audit_entry() == base && !a.done) { }
    assert_true(newest_audit_entry() > base);   /* A's entry is committed... */
    n = audit_entries_after(auditor, base);
    assert_int_equal(n, 0);                     /* ...but not served */
    assert_false(a.done);                       /* while its flush still ran */
    pthread_join(th, NULL);
    assert_int_equal(a.status, 201);
    assert_true(audit_entries_after(auditor, base) >= 1);
    free(auditor);
}

/* Every flush of the slow disk takes DELAY_MS: the histogram of flushes
 * counts them above 0.5 s, the writer's groups are counted with their
 * requests, and the log warns of the slow disk without a line per flush.
 * Run on a fresh server, whose first slow flush (the login of the setup)
 * was logged a moment ago: the three here come within ten seconds. */
static void test_slow_flushes_are_measured_and_logged(void **state)
{
    const char *slow = "slow to flush the write-ahead log";
    double flushes = yx_metric(&P, "yxd_wal_flush_seconds_count ");
    double requests = yx_metric(&P, "yxd_write_batch_requests_total ");
    int64_t id;
    (void)state;
    assert_true(flushes >= 1 && requests >= 1);
    assert_int_equal(yx_log_count(&P, slow), 1);
    assert_int_equal(post(41, "sync-slow-0041", &id), 201);
    assert_int_equal(post(42, "sync-slow-0042", &id), 201);
    assert_int_equal(post(43, "sync-slow-0043", &id), 201);
    assert_true(yx_metric(&P, "yxd_wal_flush_seconds_count ") >= flushes + 3);
    assert_true(yx_metric(&P, "yxd_wal_flush_seconds_bucket{le=\"0.5\"} ") <
                yx_metric(&P, "yxd_wal_flush_seconds_count "));
    assert_true(yx_metric(&P, "yxd_wal_flush_seconds_sum ") >= 3 * 0.8);
    assert_true(yx_metric(&P, "yxd_write_batch_requests_total ") >= requests + 3);
    assert_true(yx_metric(&P, "yxd_write_batch_seconds_count ") >= 3);
    /* three more slow flushes within the same ten seconds: no new line */
    assert_int_equal(yx_log_count(&P, slow), 1);
    assert_int_equal(yx_log_count(&P, "\"worst_ms\":"), 1);
}

static void test_failed_flush_refuses_writes(void **state)
{
    int64_t id;
    int fd;
    yx_resp r;
    (void)state;
    assert_int_equal(yx_http("GET", &P, "/v1/healthz", NULL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    yx_resp_free(&r);
    assert_int_equal(post(22, "sync-fail-0002", &id), 201);
    fd = open(fail_file, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    close(fd);
    /* the disk refuses the flush: not acknowledged */
    assert_int_equal(post(23, "sync-fail-0003", &id), 503);
    unlink(fail_file);
    /* and the server writes no more, even once the disk answers again:
     * what reached the disk is for a restart to find out */
    assert_int_equal(post(24, "sync-fail-0004", &id), 503);
    assert_true(yx_log_count(&P, "cannot be flushed to disk") >= 1);
    /* and the health check tells the operator */
    assert_int_equal(yx_http("GET", &P, "/v1/healthz", NULL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 503);
    assert_non_null(r.json);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(r.json, "database")->valuestring, "disk_failed");
    yx_resp_free(&r);
}

/* SIGTERM while an intake waits for its flush: the request is answered
 * 201 and its application is in the database after yxd has exited 0. */
static void test_sigterm_finishes_a_write_in_flight(void **state)
{
    struct poster p;
    pthread_t th;
    (void)state;
    poster_init(&p, 51, "sync-term-0051");
    assert_int_equal(pthread_create(&th, NULL, post_thread, &p), 0);
    /* in flight: the intake and this metrics request (the flush takes
     * DELAY_MS, polling takes a few) */
    while (yx_metric(&P, "yxd_requests_in_flight ") < 2 && !p.done) { }
    assert_false(p.done);
    assert_int_equal(yxd_proc_stop(&P), 0);
    pthread_join(th, NULL);
    assert_int_equal(p.status, 201);
    assert_true(p.id > 0);
    assert_int_equal(yx_db_number(&P, "SELECT count(*) FROM applications WHERE idempotency_key = 'sync-term-0051'"), 1);
}

int main(void)
{
    const struct CMUnitTest slow[] = {
        cmocka_unit_test(test_feed_serves_only_durable_changes),
        cmocka_unit_test(test_replay_waits_for_the_first_answer),
        cmocka_unit_test(test_audit_serves_only_durable_entries),
    };
    const struct CMUnitTest measured[] = {
        cmocka_unit_test(test_slow_flushes_are_measured_and_logged),
    };
    const struct CMUnitTest stopped[] = {
        cmocka_unit_test(test_sigterm_finishes_a_write_in_flight),
    };
    const struct CMUnitTest failing[] = {
        cmocka_unit_test(test_failed_flush_refuses_writes),
    };
    int failed = cmocka_run_group_tests_name("slow disk", slow, setup_slow, teardown);
    failed += cmocka_run_group_tests_name("slow disk, measured", measured, setup_slow, teardown);
    failed += cmocka_run_group_tests_name("slow disk, stopped", stopped, setup_slow, teardown);
    failed += cmocka_run_group_tests_name("failing disk", failing, setup_failing, teardown);
    return failed;
}
