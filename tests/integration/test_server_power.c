/* Power loss: channels send applications and a support agent opens
 * disputes against a real yxd while the preloaded power_cut library
 * (tests/shim/power_cut.c) keeps, beside the database, the image a power
 * loss would leave of it: only what yxd had flushed. yxd is killed in the
 * middle; the database is then replaced by that image, as a machine would
 * find it after losing power at that moment. Every application and action
 * yxd acknowledged must be in it, the database must be intact, its audit
 * chain must verify, and a new yxd must serve it. The first test checks
 * that the library itself keeps only what was flushed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/store.h"
#include "tests/common/sim_thread.h"
#include "tests/common/tmpdir.h"
#include "tests/common/yxd_proc.h"

#define PW "yixiang-demo"
#define CUSTOMERS 20      /* demo customers the disputes are opened for */
#define MAX_ACTIONS 4096

static yxd_proc P;
static char copies[400];                    /* the power_cut library's image */
static char env_db[512], env_dir[512];
static const char *power_env[] = { env_db, env_dir, NULL };

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the library on its own ---- */

static void fill(char *b, int c, size_t n) { memset(b, c, n); }

/* Run in a child with the library preloaded: writes that are flushed and
 * writes that are not, through two descriptors of one file, with pwrite,
 * write and ftruncate. Exits without flushing anything more. */
static int shim_child(const char *db)
{
    char wal[512], other[512], b[4096];
    int fd, w1, w2, o;
    snprintf(wal, sizeof wal, "%s-wal", db);
    snprintf(other, sizeof other, "%s.other", db);
    if ((fd = open(db, O_RDWR | O_CREAT, 0600)) < 0) return 10;
    fill(b, 'A', sizeof b);
    if (pwrite(fd, b, sizeof b, 0) != (ssize_t)sizeof b || fdatasync(fd)) return 11;
    fill(b, 'B', sizeof b);
    if (pwrite(fd, b, sizeof b, 4096) != (ssize_t)sizeof b) return 12;   /* never flushed */
    fill(b, 'C', 16);
    if (pwrite(fd, b, 16, 0) != 16) return 13;                         /* never flushed */

    if ((w1 = open(wal, O_RDWR | O_CREAT, 0600)) < 0 || (w2 = open(wal, O_RDWR)) < 0) return 20;
    fill(b, 'X', 200);
    if (pwrite(w1, b, 200, 0) != 200 || fdatasync(w2)) return 21;     /* flushed through the other */
    if (ftruncate(w1, 0) || lseek(w1, 100, SEEK_SET) != 100) return 22;
    fill(b, 'Y', 10);
    if (write(w1, b, 10) != 10 || fsync(w1)) return 23;                /* truncated, then Y at 100 */
    fill(b, 'Z', 10);
    if (pwrite(w2, b, 10, 0) != 10) return 24;                         /* never flushed */

    if ((o = open(other, O_RDWR | O_CREAT, 0600)) < 0 || pwrite(o, b, 10, 0) != 10 || fsync(o)) return 30;
    return 0;   /* no close: the process just ends, as at a power cut */
}

static void read_file(const char *path, char *buf, size_t n, ssize_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) fail_msg("no %s: %s", path, strerror(errno));
    *len = read(fd, buf, n);
    close(fd);
}

static void test_library_keeps_only_flushed_writes(void **state)
{
    char dir[256], db[300], path[400], lib[512], asan[600], buf[16384];
    char e_db[600], e_dir[600], arg0[] = "test_server_power", arg1[] = "--shim-child";
    ssize_t len;
    int status;
    pid_t pid;
    struct stat st;
    (void)state;
    assert_non_null(yx_test_mkdtemp(dir, sizeof dir, "yx-test-power"));
    snprintf(db, sizeof db, "%s/t.db", dir);
    snprintf(path, sizeof path, "%s/img", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(lib, sizeof lib, "%s/libyx_power_cut.so", yxd_test_bin());
    snprintf(asan, sizeof asan, "ASAN_OPTIONS=%s%sverify_asan_link_order=0",
             getenv("ASAN_OPTIONS") ? getenv("ASAN_OPTIONS") : "", getenv("ASAN_OPTIONS") ? ":" : "");
    snprintf(e_db, sizeof e_db, "YX_SHIM_POWER_DB=%s", db);
    snprintf(e_dir, sizeof e_dir, "YX_SHIM_POWER_DIR=%s", path);
    assert_int_equal(access(lib, R_OK), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char preload[600];
        snprintf(preload, sizeof preload, "LD_PRELOAD=%s", lib);
        char *const argv[] = { arg0, arg1, db, NULL };
        char *const envp[] = { preload, asan, e_db, e_dir, NULL };
        execve("/proc/self/exe", argv, envp);
        _exit(127);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status)) fail_msg("the child failed (status %d)", status);

    /* the database: the flushed A only, not the later B and C */
    snprintf(path, sizeof path, "%.300s/img/t.db", dir);
    read_file(path, buf, sizeof buf, &len);
    assert_int_equal(len, 4096);
    for (int i = 0; i < 4096; i++)
        if (buf[i] != 'A') fail_msg("byte %d of the image is '%c', not the flushed 'A'", i, buf[i]);
    /* the real file has everything */
    read_file(db, buf, sizeof buf, &len);
    assert_int_equal(len, 8192);
    assert_int_equal(buf[0], 'C');
    /* the WAL: flushed through either descriptor; truncation and write()
     * applied in order; the last Z lost */
    snprintf(path, sizeof path, "%.300s/img/t.db-wal", dir);
    read_file(path, buf, sizeof buf, &len);
    assert_int_equal(len, 110);
    for (int i = 0; i < 100; i++)
        if (buf[i] != 0) fail_msg("byte %d of the WAL image is %d, not 0 (after the truncation)", i, buf[i]);
    for (int i = 100; i < 110; i++) assert_int_equal(buf[i], 'Y');
    /* files not named are not kept */
    snprintf(path, sizeof path, "%.300s/img/t.db.other", dir);
    assert_int_equal(stat(path, &st), -1);
    yx_test_rmtree(dir);
}

/* ---- yxd under a power cut ---- */

/* Disputes opened one after another until the server stops answering;
 * the keys of those answered 200 are kept. */
struct act_arg {
    char *token;
    char keys[MAX_ACTIONS][48];
    _Atomic int acked;
    int tried;
    _Atomic int done;   /* the loop ended */
};

static void *run_actions(void *p)
{
    struct act_arg *a = p;
    for (int i = 0; i < MAX_ACTIONS; i++) {
        char body[200], hdr[100];
        const char *headers[] = { hdr, NULL };
        yx_resp r;
        snprintf(a->keys[a->acked], sizeof a->keys[0], "power-%d-%lld", i, (long long)now_ms());
        snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", a->keys[a->acked]);
        snprintf(body, sizeof body, "{\"type\":\"dispute_open\",\"customer_id\":%d,\"category\":\"collection\","
                 "\"message\":\"called at night, %d\"}", 1 + i % CUSTOMERS, i);
        a->tried++;
        if (yx_http("POST", &P, "/v1/actions", a->token, body, headers, &r) != 0) break;   /* it died */
        if (r.status != 200) {
            fprintf(stderr, "dispute_open answered %ld: %s\n", r.status, r.body);
            yx_resp_free(&r);
            break;
        }
        yx_resp_free(&r);
        a->acked++;
    }
    a->done = 1;
    return NULL;
}

static long intakes(void)
{
    return (long)yx_metric(&P, "yxd_requests_total{route=\"intake\",status=\"201\"} ");
}

static void copy_file(const char *from, const char *to)
{
    char buf[65536];
    ssize_t n;
    int in = open(from, O_RDONLY), out;
    if (in < 0) fail_msg("no %s: %s", from, strerror(errno));
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(out >= 0);
    while ((n = read(in, buf, sizeof buf)) > 0) assert_int_equal(write(out, buf, (size_t)n), n);
    assert_int_equal(n, 0);
    close(in);
    close(out);
}

/* What a machine that lost power now would find: the database and its
 * WAL as the library kept them (no shared-memory index: SQLite rebuilds
 * it from the WAL). */
static void cut_power(void)
{
    char from[600], to[600];
    struct stat st;
    static const char *const sfx[] = { "", "-wal", "-shm" };
    for (int i = 0; i < 3; i++) {
        snprintf(to, sizeof to, "%s%s", P.db, sfx[i]);
        unlink(to);
    }
    for (int i = 0; i < 2; i++) {
        snprintf(from, sizeof from, "%s/yx.db%s", copies, sfx[i]);
        snprintf(to, sizeof to, "%s%s", P.db, sfx[i]);
        if (stat(from, &st) == 0) copy_file(from, to);
        else if (i == 0) fail_msg("the library kept no image of the database");
    }
}

static void expect_all_acknowledged(const sim_report *rep, const struct act_arg *acts)
{
    char err[256];
    store *s;
    sqlite3_stmt *st;
    assert_int_equal(store_open(&s, P.db, 0, err, sizeof err), 0);
    st = store_stmt(s, "PRAGMA integrity_check");
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_reset(st);
    for (int64_t i = 0; i < rep->nids; i++) {
        st = store_stmt(s, "SELECT count(*) FROM applications a JOIN decisions d ON d.application_id = a.id "
                           "WHERE a.id = ?");
        sqlite3_bind_int64(st, 1, rep->ids[i]);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        if (sqlite3_column_int(st, 0) != 1)
            fail_msg("acknowledged application %lld (%lld of %lld) was lost with the power; the newest kept is %lld",
                     (long long)rep->ids[i], (long long)i + 1, (long long)rep->nids,
                     (long long)yx_db_number(&P, "SELECT max(id) FROM applications"));
        sqlite3_reset(st);
    }
    for (int i = 0; i < acts->acked; i++) {
        st = store_stmt(s, "SELECT count(*) FROM actions a JOIN disputes d ON a.record = 'dispute:' || d.id "
                           "WHERE a.idem_key = ?");
        sqlite3_bind_text(st, 1, acts->keys[i], -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        if (sqlite3_column_int(st, 0) != 1)
            fail_msg("acknowledged action %s (%d of %d) was lost with the power", acts->keys[i], i + 1, acts->acked);
        sqlite3_reset(st);
    }
    store_close(s);
}

/* Load until at least `want` intakes and a tenth as many actions are
 * acknowledged, then the power goes; extra: yxd serve options. */
static void power_cut_under_load(const char *channel, long want, const char *const *extra)
{
    yx_sim_thread a;
    static struct act_arg acts;
    pthread_t act_th;
    const char *verify[] = { "audit", "verify", "--db", P.db, NULL };
    char key[128], err[512], out[512];
    int status;
    memset(&a, 0, sizeof a);
    memset(&acts, 0, sizeof acts);
    /* an image of this run's own */
    assert_int_equal(yx_test_rmtree(copies), 0);
    assert_int_equal(mkdir(copies, 0700), 0);
    assert_int_equal(yxd_proc_add_channel(&P, channel, "api", key, sizeof key), 0);
    /* the image starts from the files as yxd first opens them, so takes
     * what init and channel add wrote as durable; sync() makes the real
     * disk agree (the image itself does not depend on it) */
    sync();
    assert_int_equal(yxd_proc_start_shim(&P, "power_cut", power_env, extra), 0);
    assert_non_null(acts.token = yx_login(&P, "support", PW));
    a.cfg.server = P.url;
    a.cfg.channel_key = key;
    a.cfg.rate = 0;
    a.cfg.duration_s = 20;
    a.cfg.connections = 4;
    a.cfg.seed = 17;
    assert_int_equal(yx_sim_start(&a), 0);
    assert_int_equal(pthread_create(&act_th, NULL, run_actions, &acts), 0);
    for (long n = 0; n < want || acts.acked < want / 10;) {   /* poll until far enough */
        const struct timespec pause = { 0, 2000000 };   /* 2 ms: leave the CPU to the load */
        n = intakes();
        assert_true(n >= 0);
        if (a.done) fail_msg("the simulator finished before %ld intakes (%ld)", want, n);
        if (acts.done) fail_msg("the actions stopped at %d acknowledged, before %ld", (int)acts.acked, want / 10);
        nanosleep(&pause, NULL);
    }
    kill(P.pid, SIGKILL);
    a.stop = 1;
    waitpid(P.pid, &status, 0);
    P.pid = 0;
    yx_sim_join(&a);
    pthread_join(act_th, NULL);
    assert_int_equal(a.rc, 0);
    assert_true(a.rep.accepted >= want);
    assert_true(a.rep.errors > 0);   /* it really died under load */
    assert_int_equal(a.rep.nids, a.rep.accepted);
    /* and in the middle of an action, unless all it had were answered */
    if (acts.acked < MAX_ACTIONS) assert_true(acts.tried > acts.acked);

    cut_power();
    expect_all_acknowledged(&a.rep, &acts);
    if (yxd_run(verify, NULL, out, sizeof out, err, sizeof err) != 0)
        fail_msg("the audit chain does not verify after the power cut: %s%s", out, err);
    /* and a new yxd serves it, intake included */
    assert_int_equal(yxd_proc_start(&P, NULL), 0);
    {
        char *body = yx_test_applicant_body(900);
        char hdr[100];
        const char *headers[] = { hdr, NULL };
        yx_resp r;
        snprintf(hdr, sizeof hdr, "Idempotency-Key: after-the-power-cut-%s", channel);
        assert_int_equal(yx_http("POST", &P, "/v1/intake/applications", key, body, headers, &r), 0);
        if (r.status != 201) fail_msg("intake after the power cut: %ld %s", r.status, r.body);
        yx_resp_free(&r);
        free(body);
    }
    assert_int_equal(yxd_proc_stop_verified(&P), 0);
    sim_report_free(&a.rep);
    free(acts.token);
}

static void test_acknowledged_writes_survive_power_cut(void **state)
{
    (void)state;
    power_cut_under_load("power", 300, NULL);
}

/* The same with the WAL started over every megabyte, so the power goes
 * soon after a restart: the new WAL header and the database the old
 * frames were copied into must be on disk before any write that
 * depends on them is acknowledged. */
static void test_power_cut_across_wal_restarts(void **state)
{
    const char *extra[] = { "--wal-max", "1", NULL };
    (void)state;
    power_cut_under_load("power-restarts", 600, extra);
}

static int setup(void **state)
{
    (void)state;
    if (yxd_proc_tempdir(&P) || yxd_proc_init_demo(&P, CUSTOMERS)) return -1;
    snprintf(copies, sizeof copies, "%s/power-image", P.dir);
    if (mkdir(copies, 0700)) return -1;
    snprintf(env_db, sizeof env_db, "YX_SHIM_POWER_DB=%s", P.db);
    snprintf(env_dir, sizeof env_dir, "YX_SHIM_POWER_DIR=%s", copies);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    yxd_proc_cleanup(&P);
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_library_keeps_only_flushed_writes),
        cmocka_unit_test(test_acknowledged_writes_survive_power_cut),
        cmocka_unit_test(test_power_cut_across_wal_restarts),
    };
    if (argc == 3 && !strcmp(argv[1], "--shim-child")) return shim_child(argv[2]);
    return cmocka_run_group_tests(tests, setup, teardown);
}
