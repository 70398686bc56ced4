/* Durability: the simulator sends applications to a real yxd; the yxd is
 * killed with SIGKILL in the middle (no clean shutdown, no final
 * checkpoint). Every application the server acknowledged must be in the
 * database afterwards, the database must open and verify, and a new yxd
 * must serve it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "backend/simulate.h"
#include "core/store.h"
#include "core/util.h"
#include "tests/common/sim_thread.h"
#include "tests/common/yxd_proc.h"

static yxd_proc P;
static char key[128];

/* Intake answers counted by the server so far. */
static long intakes(void)
{
    return (long)yx_metric(&P, "yxd_requests_total{route=\"intake\",status=\"201\"} ");
}

static void test_acknowledged_applications_survive_sigkill(void **state)
{
    yx_sim_thread a;
    const char *verify[] = { "audit", "verify", "--db", P.db, NULL };
    char err[256], out[256];
    int status;
    store *s;
    (void)state;
    assert_int_equal(yxd_proc_add_channel(&P, "crash-test", "own", key, sizeof key), 0);
    assert_int_equal(yxd_proc_start(&P, NULL), 0);
    memset(&a, 0, sizeof a);
    a.cfg.server = P.url;
    a.cfg.channel_key = key;
    a.cfg.rate = 0;
    a.cfg.duration_s = 2;
    a.cfg.connections = 4;
    a.cfg.seed = 11;
    assert_int_equal(yx_sim_start(&a), 0);
    for (long n = 0; n < 40;) {          /* poll until the load is under way */
        n = intakes();
        assert_true(n >= 0);
        if (a.done) fail_msg("the simulator finished before 40 intakes (%ld)", n);
    }
    kill(P.pid, SIGKILL);
    waitpid(P.pid, &status, 0);
    P.pid = 0;
    yx_sim_join(&a);
    assert_int_equal(a.rc, 0);
    assert_true(a.rep.accepted >= 40);
    assert_true(a.rep.errors > 0);        /* it really died under load */

    assert_int_equal(store_open(&s, P.db, 0, err, sizeof err), 0);
    for (int64_t i = 0; i < a.rep.nids; i++) {
        sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM applications a JOIN decisions d "
                                         "ON d.application_id = a.id WHERE a.id = ?");
        sqlite3_bind_int64(st, 1, a.rep.ids[i]);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        if (sqlite3_column_int(st, 0) != 1) fail_msg("acknowledged application %lld is missing", (long long)a.rep.ids[i]);
        sqlite3_reset(st);
    }
    assert_int_equal(a.rep.nids, a.rep.accepted);
    store_close(s);
    assert_int_equal(yxd_run(verify, NULL, out, sizeof out, err, sizeof err), 0);
    sim_report_free(&a.rep);
    assert_int_equal(yxd_proc_start(&P, NULL), 0);   /* and it serves again */
    assert_true(intakes() == 0);
    assert_int_equal(yxd_proc_stop(&P), 0);
}

/* A server with --wal-max wal_max_mib under 3 s of intakes at rate (0:
 * as fast as connections allow), which must all be accepted. */
static void load(const char *channel, const char *wal_max_mib, double rate, int connections, unsigned seed,
                 sim_report *rep)
{
    const char *extra[] = { "--wal-max", wal_max_mib, NULL };
    char err[256], k[128];
    sim_config c;
    assert_int_equal(yxd_proc_add_channel(&P, channel, "api", k, sizeof k), 0);
    assert_int_equal(yxd_proc_start(&P, extra), 0);
    memset(&c, 0, sizeof c);
    c.server = P.url;
    c.channel_key = k;
    c.rate = rate;
    c.duration_s = 3;
    c.connections = connections;
    c.seed = seed;
    assert_int_equal(sim_run(&c, rep, err, sizeof err), 0);
    assert_int_equal(rep->errors, 0);
}

/* Under steady load the write-ahead log never empties by itself; yxd
 * starts it over once it reaches --wal-max, so its file stays near that
 * size instead of growing with every commit. */
static void test_wal_stays_bounded_under_load(void **state)
{
    char wal[600];
    sim_report rep;
    struct stat stw;
    long restarts;
    (void)state;
    load("wal-test", "1", 0, 8, 5, &rep);
    restarts = (long)yx_metric(&P, "yxd_wal_restarts_total ");
    snprintf(wal, sizeof wal, "%s-wal", P.db);
    assert_int_equal(stat(wal, &stw), 0);
    /* every accepted application wrote at least one 4 KiB page */
    if (rep.accepted * 4096 <= 4 * 1048576)
        fail_msg("too little load to test: %lld applications", (long long)rep.accepted);
    if (restarts < 1) fail_msg("the WAL was never started over (%lld applications)", (long long)rep.accepted);
    /* each restart is timed, as writes wait for it (and so is an attempt
     * that found a reader still in the old WAL) */
    if ((long)yx_metric(&P, "yxd_wal_restart_seconds_count ") < restarts)
        fail_msg("%ld restarts, fewer timed", restarts);
    if (stw.st_size > 3 * 1048576)
        fail_msg("the WAL grew to %lld bytes with --wal-max 1", (long long)stw.st_size);
    sim_report_free(&rep);
    assert_int_equal(yxd_proc_stop(&P), 0);
}

/* At a steady rate the checkpoint thread keeps up: a restart waits for
 * its two rounds (run at once, beside the writes), instead of forcing its
 * way once the WAL has grown a sixteenth of --wal-max past the mark. */
static void test_wal_restart_waits_for_checkpoint_rounds(void **state)
{
    sim_report rep;
    long restarts, forced, rounds, idle;
    int64_t t0, ms;
    (void)state;
    /* fast enough that the checkpoints never catch up by themselves (at
     * a few intakes a second SQLite starts the WAL over on its own), with
     * a restart about every half second */
    load("wal-rounds", "8", 400, 4, 6, &rep);
    restarts = (long)yx_metric(&P, "yxd_wal_restarts_total ");
    forced = (long)yx_metric(&P, "yxd_wal_restarts_forced_total ");
    rounds = (long)yx_metric(&P, "yxd_checkpoint_seconds_count ");
    /* a restart about every half second alone; under a full suite beside
     * it as few as one was seen */
    if (restarts < 1) fail_msg("no restart of the WAL in %lld intakes", (long long)rep.accepted);
    /* none forced in runs here, even beside two busy loops */
    if (forced * 2 > restarts) fail_msg("%ld of %ld restarts forced their way past the checkpoint rounds", forced, restarts);
    /* every round is timed: each restart that waited, waited for two */
    if (rounds < 2 * (restarts - forced))
        fail_msg("%ld checkpoint rounds timed for %ld restarts that waited for two each", rounds, restarts - forced);
    /* and timed once: with nothing written, the checkpointer runs one
     * round a tenth of a second (never sooner; later under load), so a
     * second counts at most ten or so; timed twice it would count twenty */
    t0 = yx_mono_ns();
    do {
        const struct timespec pause = { 0, 50000000 };
        nanosleep(&pause, NULL);   /* time passing is what is measured */
    } while ((ms = (yx_mono_ns() - t0) / 1000000) < 1000);
    idle = (long)yx_metric(&P, "yxd_checkpoint_seconds_count ") - rounds;
    ms = (yx_mono_ns() - t0) / 1000000;
    if (idle < 1 || idle > ms / 100 + 2)
        fail_msg("%ld checkpoint rounds timed in %lld ms with nothing written; want 1 to %lld", idle, (long long)ms,
                 (long long)(ms / 100 + 2));
    sim_report_free(&rep);
    assert_int_equal(yxd_proc_stop(&P), 0);
}

static int setup(void **state)
{
    (void)state;
    return yxd_proc_tempdir(&P) || yxd_proc_init_demo(&P, 5) ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    yxd_proc_cleanup(&P);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_acknowledged_applications_survive_sigkill),
        cmocka_unit_test(test_wal_stays_bounded_under_load),
        cmocka_unit_test(test_wal_restart_waits_for_checkpoint_rounds),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
