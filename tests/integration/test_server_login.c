/* Logins and logouts under concurrency against a real yxd: their writes go
 * through the server's single writer, so logins from many threads while a
 * channel simulator keeps intake writing all succeed (no 503), and wrong
 * passwords sent all at once are each counted: exactly the configured
 * number of them is answered 401 and locks the user, the rest 429. */
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

#include "tests/common/yxd_proc.h"

#define PW "yixiang-demo"
#define THREADS 8
#define LOCKOUT_AFTER 5     /* yxd serve's default --lockout-after */

static yxd_proc P;
static char key[80], *officer;

static int setup(void **state)
{
    (void)state;
    if (yxd_proc_tempdir(&P) || yxd_proc_init_demo(&P, 5)) return -1;
    if (yxd_proc_add_channel(&P, "sim-h5", "h5", key, sizeof key)) return -1;
    if (yxd_proc_start(&P, NULL)) return -1;
    return (officer = yx_login(&P, "officer", PW)) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(officer);
    yxd_proc_cleanup(&P);
    return 0;
}

static int app_count(void)
{
    yx_resp r;
    int n;
    assert_int_equal(yx_http("GET", &P, "/v1/applications?limit=500", officer, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    n = cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items"));
    yx_resp_free(&r);
    return n;
}

/* ---- intake load in the background ------------------------------- */

struct sim { int rc; char out[1024]; };

static void *simulate(void *arg)
{
    struct sim *s = arg;
    char err[1024];
    const char *args[] = { "simulate", "--server", P.url, "--channel-key", key, "--rate", "200",
                           "--duration", "4", "--threads", "4", NULL };
    s->rc = yxd_run(args, NULL, s->out, sizeof s->out, err, sizeof err);
    if (s->rc) fprintf(stderr, "simulate: %s\n", err);
    return NULL;
}

/* ---- concurrent logins ------------------------------------------- */

#define ROUNDS 3

struct login_thread {
    pthread_t t;
    pthread_barrier_t *start;
    const char *user, *password;
    int rounds;
    long status[ROUNDS];
    char code[ROUNDS][32];
    char token[ROUNDS][80];
};

static void *login_rounds(void *arg)
{
    struct login_thread *l = arg;
    char body[160];
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", l->user, l->password);
    pthread_barrier_wait(l->start);
    for (int i = 0; i < l->rounds; i++) {
        yx_resp r;
        const cJSON *t;
        if (yx_http("POST", &P, "/v1/session", NULL, body, NULL, &r)) { l->status[i] = 0; continue; }
        l->status[i] = r.status;
        snprintf(l->code[i], sizeof l->code[i], "%s", yx_error_code(&r));
        t = cJSON_GetObjectItem(r.json, "token");
        if (cJSON_IsString(t)) snprintf(l->token[i], sizeof l->token[i], "%s", t->valuestring);
        yx_resp_free(&r);
    }
    return NULL;
}

/* Runs THREADS threads of `rounds` logins each, all starting at once. */
static void run_logins(struct login_thread *ls, int rounds, const char *(*user)(int), const char *password)
{
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, THREADS);
    for (int i = 0; i < THREADS; i++) {
        memset(&ls[i], 0, sizeof ls[i]);
        ls[i].start = &start;
        ls[i].user = user(i);
        ls[i].password = password;
        ls[i].rounds = rounds;
    }
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&ls[i].t, NULL, login_rounds, &ls[i]), 0);
    for (int i = 0; i < THREADS; i++) pthread_join(ls[i].t, NULL);
    pthread_barrier_destroy(&start);
}

static const char *staff(int i)
{
    static const char *const users[] = { "officer", "risk", "auditor", "support", "admin" };
    return users[i % 5];
}

static void test_logins_while_intake_writes(void **state)
{
    struct login_thread ls[THREADS];
    struct sim sim = { -1, "" };
    pthread_t st;
    int before, after, n = 0;
    (void)state;
    before = app_count();
    assert_int_equal(pthread_create(&st, NULL, simulate, &sim), 0);
    /* wait, by polling, until intake is writing */
    while (app_count() == before) { }
    before = app_count();
    run_logins(ls, ROUNDS, staff, PW);
    after = app_count();
    pthread_join(st, NULL);
    for (int i = 0; i < THREADS; i++)
        for (int k = 0; k < ROUNDS; k++) {
            yx_resp r;
            if (ls[i].status[k] != 200)
                fail_msg("login %d.%d of %s: %ld %s", i, k, ls[i].user, ls[i].status[k], ls[i].code[k]);
            /* each token is a live session of its user */
            assert_int_equal(yx_http("GET", &P, "/v1/session", ls[i].token[k], NULL, NULL, &r), 0);
            assert_int_equal(r.status, 200);
            assert_string_equal(cJSON_GetObjectItem(r.json, "user")->valuestring, ls[i].user);
            yx_resp_free(&r);
            n++;
        }
    assert_int_equal(n, THREADS * ROUNDS);
    assert_true(after > before);          /* intake wrote while the logins ran */
    assert_int_equal(sim.rc, 0);          /* and none of its requests failed */
    /* logouts from all threads' sessions, also through the writer */
    for (int i = 0; i < THREADS; i++) {
        yx_resp r;
        assert_int_equal(yx_http("DELETE", &P, "/v1/session", ls[i].token[0], NULL, NULL, &r), 0);
        assert_int_equal(r.status, 204);
        yx_resp_free(&r);
        assert_int_equal(yx_http("GET", &P, "/v1/session", ls[i].token[0], NULL, NULL, &r), 0);
        assert_int_equal(r.status, 401);
        yx_resp_free(&r);
    }
}

static const char *support(int i)
{
    (void)i;
    return "support";
}

/* THREADS wrong passwords at once: every one is counted, so exactly
 * LOCKOUT_AFTER are refused as wrong (the last of them locks the user)
 * and the others find the user locked; then even the right password is
 * refused, and the lockout is audited. */
static void test_concurrent_wrong_passwords_lock(void **state)
{
    struct login_thread ls[THREADS];
    int n401 = 0, n429 = 0;
    yx_resp r;
    char *auditor;
    (void)state;
    run_logins(ls, 1, support, "not-the-password");
    for (int i = 0; i < THREADS; i++) {
        if (ls[i].status[0] == 401) {
            assert_string_equal(ls[i].code[0], "invalid_credentials");
            n401++;
        } else if (ls[i].status[0] == 429) {
            assert_string_equal(ls[i].code[0], "locked");
            n429++;
        } else fail_msg("wrong password %d: %ld %s", i, ls[i].status[0], ls[i].code[0]);
    }
    assert_int_equal(n401, LOCKOUT_AFTER);
    assert_int_equal(n429, THREADS - LOCKOUT_AFTER);
    assert_int_equal(yx_http("POST", &P, "/v1/session", NULL,
                             "{\"username\":\"support\",\"password\":\"" PW "\"}", NULL, &r), 0);
    assert_int_equal(r.status, 429);
    assert_string_equal(yx_error_code(&r), "locked");
    yx_resp_free(&r);
    /* the audit trail has every attempt, under the user's own name and role */
    auditor = yx_login(&P, "auditor", PW);
    assert_non_null(auditor);
    {
        int failed = 0, locked = 0;
        char path[80], next[32] = "0";
        for (;;) {
            const cJSON *it, *nx;
            snprintf(path, sizeof path, "/v1/audit?limit=500&after=%s", next);
            assert_int_equal(yx_http("GET", &P, path, auditor, NULL, NULL, &r), 0);
            assert_int_equal(r.status, 200);
            cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items")) {
                const cJSON *a = cJSON_GetObjectItem(it, "action"), *rec = cJSON_GetObjectItem(it, "record");
                if (strcmp(rec->valuestring, "user:support")) continue;
                if (!strcmp(a->valuestring, "login_failed")) failed++;
                if (!strcmp(a->valuestring, "login_locked")) {
                    locked++;
                    assert_string_equal(cJSON_GetObjectItem(it, "actor")->valuestring, "support");
                    assert_string_equal(cJSON_GetObjectItem(it, "role")->valuestring, "support");
                }
            }
            nx = cJSON_GetObjectItem(r.json, "next");
            if (!cJSON_IsString(nx)) { yx_resp_free(&r); break; }
            snprintf(next, sizeof next, "%s", nx->valuestring);
            yx_resp_free(&r);
        }
        assert_int_equal(failed, LOCKOUT_AFTER);
        assert_int_equal(locked, THREADS - LOCKOUT_AFTER + 1);
    }
    free(auditor);
}

static double ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct timed_login { long status; _Atomic int done; };

static int cmp_ms(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void *timed_login(void *arg)
{
    struct timed_login *t = arg;
    yx_resp r;
    if (yx_http("POST", &P, "/v1/session", NULL, "{\"username\":\"risk\",\"password\":\"" PW "\"}", NULL, &r) == 0)
        t->status = r.status;
    yx_resp_free(&r);
    t->done = 1;
    return NULL;
}

/* The password check (argon2id, the slow part of a login) runs without a
 * database connection: with a single reading connection, reads by others
 * are answered while logins check passwords, not after them. */
static void test_password_check_holds_no_connection(void **state)
{
    const char *extra[] = { "--readers", "1", NULL };
    struct timed_login t[4];
    pthread_t th[4];
    double one, took[256];
    int reads = 0, running;
    (void)state;
    assert_int_equal(yxd_proc_stop(&P), 0);
    assert_int_equal(yxd_proc_start(&P, extra), 0);
    assert_int_equal(app_count() >= 0, 1);   /* the restarted server's first read, not timed */
    one = ms_now();
    memset(t, 0, sizeof t);
    timed_login(&t[0]);
    one = ms_now() - one;
    assert_int_equal(t[0].status, 200);
    memset(t, 0, sizeof t);
    for (int i = 0; i < 4; i++) assert_int_equal(pthread_create(&th[i], NULL, timed_login, &t[i]), 0);
    do {
        yx_resp r;
        double t0 = ms_now(), d;
        running = 0;
        assert_int_equal(yx_http("GET", &P, "/v1/applications?limit=1", officer, NULL, NULL, &r), 0);
        assert_int_equal(r.status, 200);
        yx_resp_free(&r);
        d = ms_now() - t0;
        if (reads < 256) took[reads++] = d;
        for (int i = 0; i < 4; i++) running += !t[i].done;
    } while (running);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(t[i].status, 200);
    }
    /* Held through the checks, the connection would let a read through
     * only between two logins: a handful of reads, each waiting about a
     * login's time. (The first read can still wait while the logins
     * fault in argon2's memory, so the median is what is compared.) */
    qsort(took, (size_t)reads, sizeof took[0], cmp_ms);
    if (reads < 5 || took[reads / 2] > one / 4)
        fail_msg("%d reads while 4 logins ran, median %.1f ms (one login takes %.1f ms)",
                 reads, took[reads / 2], one);
}

/* Last: yxd stops cleanly and the audit chain the suite left verifies. */
static void test_audit_chain_verifies_after_the_suite(void **state)
{
    (void)state;
    assert_int_equal(yxd_proc_stop_verified(&P), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logins_while_intake_writes),
        cmocka_unit_test(test_concurrent_wrong_passwords_lock),
        cmocka_unit_test(test_password_check_holds_no_connection),
        cmocka_unit_test(test_audit_chain_verifies_after_the_suite),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
