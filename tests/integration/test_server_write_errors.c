/* When the single writer cannot write, the reason reaches yxd's log: a
 * write batch that cannot begin (another process holds the database's
 * write lock) names that on the failed request's own log line, and an
 * audit checkpoint the writer cannot sign is logged with the store's
 * reason, not SQLite's state after the rollback. A lock held briefly is
 * waited out: the request succeeds once it is released. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/store.h"
#include "core/util.h"
#include "tests/common/yxd_proc.h"

#define PW "yixiang-demo"

static yxd_proc P;

static int teardown(void **state)
{
    (void)state;
    yxd_proc_cleanup(&P);
    return 0;
}

static void exec_sql(store *s, const char *sql)
{
    assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
}

/* The first log line (a JSON object) whose "msg" is msg and, when path is
 * not NULL, whose "path" is path: its "error" into why. 0, or -1 when
 * there is none. */
static int log_error_of(const char *msg, const char *path, char *why, size_t n)
{
    char *log = yx_read_file(P.log, NULL, 16 << 20), *line, *save = NULL;
    int found = 0;
    assert_non_null(log);
    for (line = strtok_r(log, "\n", &save); line && !found; line = strtok_r(NULL, "\n", &save)) {
        cJSON *o = cJSON_Parse(line);
        const cJSON *m = cJSON_GetObjectItem(o, "msg"), *p = cJSON_GetObjectItem(o, "path"),
                    *e = cJSON_GetObjectItem(o, "error");
        if (cJSON_IsString(m) && !strcmp(m->valuestring, msg) && cJSON_IsString(e) &&
            (!path || (cJSON_IsString(p) && !strcmp(p->valuestring, path))))
            found = snprintf(why, n, "%s", e->valuestring) >= 0;
        cJSON_Delete(o);
    }
    free(log);
    return found ? 0 : -1;
}

/* A login while another process holds the write lock longer than the
 * writer waits: 503, and the request's "store failure" line says why. */
static void test_batch_that_cannot_begin_names_the_reason(void **state)
{
    store *s;
    char err[256], why[512];
    yx_resp r;
    (void)state;
    assert_int_equal(yxd_proc_start_demo(&P, 5, NULL), 0);
    assert_int_equal(store_open(&s, P.db, 0, err, sizeof err), 0);
    exec_sql(s, "BEGIN IMMEDIATE");
    assert_int_equal(yx_http("POST", &P, "/v1/session", NULL,
                             "{\"username\":\"officer\",\"password\":\"" PW "\"}", NULL, &r), 0);
    exec_sql(s, "ROLLBACK");
    store_close(s);
    assert_int_equal(r.status, 503);
    assert_string_equal(yx_error_code(&r), "unavailable");
    yx_resp_free(&r);
    assert_int_equal(yxd_proc_stop(&P), 0);
    assert_int_equal(log_error_of("store failure", "/v1/session", why, sizeof why), 0);
    if (!strstr(why, "locked")) fail_msg("the failed login's log line says \"%s\"", why);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct locker { _Atomic int held; double released_at; };

/* Another process's short write transaction: the lock for 300 ms. */
static void *hold_lock(void *arg)
{
    struct locker *l = arg;
    struct timespec hold = { 0, 300000000 };
    store *s;
    char err[256];
    if (store_open(&s, P.db, 0, err, sizeof err)) {
        l->held = -1;
        return NULL;
    }
    if (sqlite3_exec(store_db(s), "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
        l->held = 1;
        nanosleep(&hold, NULL);
        l->released_at = now_s();
        sqlite3_exec(store_db(s), "ROLLBACK", NULL, NULL, NULL);
    } else {
        l->held = -1;
    }
    store_close(s);
    return NULL;
}

/* A login while another process holds the write lock for a moment: the
 * writer waits it out and the login succeeds, answered only after the
 * lock was let go. */
static void test_brief_lock_is_waited_out(void **state)
{
    struct locker l = { 0, 0 };
    pthread_t th;
    yx_resp r;
    double answered;
    (void)state;
    assert_int_equal(yxd_proc_start_demo(&P, 5, NULL), 0);
    assert_int_equal(pthread_create(&th, NULL, hold_lock, &l), 0);
    while (!l.held) { }
    assert_int_equal(l.held, 1);
    assert_int_equal(yx_http("POST", &P, "/v1/session", NULL,
                             "{\"username\":\"officer\",\"password\":\"" PW "\"}", NULL, &r), 0);
    answered = now_s();
    pthread_join(th, NULL);
    assert_int_equal(r.status, 200);
    yx_resp_free(&r);
    assert_true(answered >= l.released_at);
}

/* Signing refused by the database (a trigger): the writer's log line
 * carries the refusal. */
static void test_unsigned_checkpoint_names_the_reason(void **state)
{
    const char *extra[] = { "--checkpoint-every", "1", NULL };
    store *s;
    char err[256], why[512], *tok;
    (void)state;
    assert_int_equal(yxd_proc_tempdir(&P), 0);
    assert_int_equal(yxd_proc_init_demo(&P, 5), 0);
    assert_int_equal(store_open(&s, P.db, 0, err, sizeof err), 0);
    exec_sql(s, "CREATE TRIGGER refuse_checkpoints BEFORE INSERT ON audit_checkpoints "
                "BEGIN SELECT RAISE(ABORT, 'checkpoints refused here'); END");
    store_close(s);
    assert_int_equal(yxd_proc_start(&P, extra), 0);
    tok = yx_login(&P, "officer", PW);   /* an audited write: a checkpoint is due */
    assert_non_null(tok);
    free(tok);
    assert_int_equal(yxd_proc_stop(&P), 0);   /* the writer has run by now */
    assert_int_equal(log_error_of("audit checkpoint failed", NULL, why, sizeof why), 0);
    if (!strstr(why, "checkpoints refused here")) fail_msg("the writer logged \"%s\"", why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_batch_that_cannot_begin_names_the_reason, teardown),
        cmocka_unit_test_teardown(test_brief_lock_is_waited_out, teardown),
        cmocka_unit_test_teardown(test_unsigned_checkpoint_names_the_reason, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
