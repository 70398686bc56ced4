/* Intake and change-feed throughput of a release yxd on loopback, durable
 * (synchronous=FULL): a fixed offered rate of 1,000 applications per
 * second, then saturation by 64 concurrent clients (group commit makes a
 * batch as large as the requests waiting, so too few clients would measure
 * the clients' round trip rather than the server), with the simulator's
 * latency percentiles; then checks that every acknowledged application
 * is in the database after a clean stop, and measures how fast a console
 * drains the change feed.
 *
 * Prints "name value" lines: intake_p50_ms_at_1000rps,
 * intake_p99_ms_at_1000rps, intake_errors_at_1000rps, intake_rps_max (wrk's
 * figure when wrk is installed, else the simulator's), intake_rps_max_sim,
 * intake_p99_ms_at_max_sim, intake_errors_at_max_sim, intake_rps_max_wrk,
 * intake_p99_ms_at_max_wrk and intake_errors_at_max_wrk (when wrk is
 * installed), disk_fdatasync_ms_p50 and _p99 (the disk's own floor under
 * a durable answer), wal_flushes_over_5ms_at_1000rps (WAL flushes over
 * 5 ms during the fixed-rate run, timed until their thread ran again, so
 * the disk and any wait for a CPU: each holds back every intake behind it), intake_acked_missing, changes_per_s, and the
 * slow-disk rows (slow_disk below). Progress goes to stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "backend/simulate.h"
#include "core/store.h"
#include "tests/common/yxd_proc.h"

#define PW "yixiang-demo"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(yxd_proc *p, const char *key, double rate, double secs, int conns, sim_report *rep)
{
    sim_config c = { 0 };
    char err[256];
    c.server = p->url;
    c.channel_key = key;
    c.rate = rate;
    c.duration_s = secs;
    c.connections = conns;
    c.seed = (uint64_t)(rate + conns);
    if (sim_run(&c, rep, err, sizeof err)) {
        fprintf(stderr, "bench_intake: %s\n", err);
        return -1;
    }
    fprintf(stderr, "rate %.0f: sent %lld accepted %lld errors %lld, %.0f/s, p50 %.2f p99 %.2f max %.2f ms\n",
            rate, (long long)rep->sent, (long long)rep->accepted, (long long)rep->errors, rep->achieved_rps,
            rep->p50_ms, rep->p99_ms, rep->max_ms);
    return 0;
}

/* Saturation measured by wrk (when installed) with a Lua script posting
 * valid applications under fresh Idempotency-Keys, each from a different
 * applicant (ID numbers with their check characters made in the script)
 * with varied income, amount and price, so the answers mix approvals,
 * referrals and declines as real traffic does: requests/s, p99 ms and
 * the count of 2xx answers (-1 each when wrk is missing). */
static void run_wrk(yxd_proc *p, const char *key, const char *tag, double *rps, double *p99, long *ok, long *sent)
{
    char script[400], cmd[1200], line[512];
    FILE *f;
    long total = 0, bad = 0, sock[4] = { 0, 0, 0, 0 };
    *rps = *p99 = -1;
    *ok = *sent = 0;
    if (system("command -v wrk >/dev/null 2>&1") != 0) { fprintf(stderr, "wrk not installed: skipped\n"); return; }
    snprintf(script, sizeof script, "%s/intake.lua", p->dir);
    if (!(f = fopen(script, "w"))) return;
    fprintf(f,
        "local W = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}\n"
        "local C = '10X98765432'\n"
        "local function id_number(k)\n"
        "  local s = string.format('110101%%04d%%02d%%02d%%03d', 1960 + k %% 40, 1 + math.floor(k / 40) %% 12,\n"
        "                          1 + math.floor(k / 480) %% 28, math.floor(k / 13440) %% 1000)\n"
        "  local sum = 0\n"
        "  for i = 1, 17 do sum = sum + (s:byte(i) - 48) * W[i] end\n"
        "  local c = (sum %% 11) + 1\n"
        "  return s .. C:sub(c, c)\n"
        "end\n"
        "local counter = 1\n"
        "function setup(thread) thread:set('tid', counter); counter = counter + 1 end\n"
        "local n = 0\n"
        "function request()\n"
        "  n = n + 1\n"
        "  local k = n * 8 + tid + %ld\n"
        "  local amount = 400 + (k * 7) %% 1500\n"
        "  local body = '{\"applicant\":{\"name\":\"欧阳娜娜\",\"mobile\":\"13812345678\",\"id_number\":\"' ..\n"
        "    id_number(k) .. '\"},\"product\":\"cash\",\"amount_fen\":500000,\"term_months\":12,\"completeness\":\"basic\",' ..\n"
        "    '\"features\":{\"Seniority\":' .. (k %% 20) .. ',\"Home\":\"rent\",\"Time\":60,\"Marital\":\"married\",' ..\n"
        "    '\"Records\":\"no\",\"Job\":\"fixed\",\"Expenses\":73,\"Income\":' .. (60 + k %% 180) ..\n"
        "    ',\"Assets\":0,\"Debt\":0,\"Amount\":' .. amount .. ',\"Price\":' .. (amount + 200 + k %% 800) .. '}}'\n"
        "  return wrk.format('POST', '/v1/intake/applications', {['Authorization'] = 'Bearer %s',"
        " ['Content-Type'] = 'application/json', ['Idempotency-Key'] = 'wrk-%s-' .. tid .. '-' .. n}, body)\n"
        "end\n", strcmp(tag, "bench") ? 6000000L : 0L, key, tag);
    fclose(f);
    snprintf(cmd, sizeof cmd, "wrk -t2 -c64 -d5s --latency -s %s %s 2>&1", script, p->url);
    if (!(f = popen(cmd, "r"))) return;
    while (fgets(line, sizeof line, f)) {
        double v;
        char unit[8];
        fputs(line, stderr);
        if (sscanf(line, " Requests/sec: %lf", &v) == 1) *rps = v;
        else if (sscanf(line, " 99%% %lf%7s", &v, unit) == 2)
            *p99 = !strcmp(unit, "us") ? v / 1000 : !strcmp(unit, "s") ? v * 1000 : v;
        else if (sscanf(line, " %ld requests in", &total) == 1) { }
        else if (sscanf(line, " Non-2xx or 3xx responses: %ld", &bad) == 1) { }
        else if (sscanf(line, " Socket errors: connect %ld, read %ld, write %ld, timeout %ld", &sock[0], &sock[1],
                        &sock[2], &sock[3]) == 4) { }
    }
    pclose(f);
    /* a request wrk gave up on (a timeout) or could not send is an error
     * too, not only a non-2xx answer */
    *ok = total - bad;
    *sent = total + sock[0] + sock[1] + sock[2] + sock[3];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The floor under any durable latency: how long this disk takes to make
 * 64 KiB (a small commit's worth of WAL pages) durable with fdatasync,
 * measured beside the database. p50 and p99 in ms; -1 when it cannot. */
static void disk_sync_ms(const char *dir, double *p50, double *p99)
{
    enum { N = 500 };
    static char page[65536];
    static double ms[N];
    char path[600];
    int fd;
    *p50 = *p99 = -1;
    snprintf(path, sizeof path, "%s/fsync-probe", dir);
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0) return;
    memset(page, 'x', sizeof page);
    for (int i = 0; i < N; i++) {
        double t0;
        if (write(fd, page, sizeof page) != (ssize_t)sizeof page) { close(fd); unlink(path); return; }
        t0 = now_s();
        if (fdatasync(fd)) { close(fd); unlink(path); return; }
        ms[i] = (now_s() - t0) * 1000;
    }
    close(fd);
    unlink(path);
    qsort(ms, N, sizeof ms[0], cmp_double);
    *p50 = ms[N / 2];
    *p99 = ms[N * 99 / 100];
}

/* Drains the change feed from the start as a console would; changes/s. */
static double drain_feed(yxd_proc *p, int64_t *n)
{
    char *tok = yx_login(p, "officer", PW), path[96], since[32] = "0";
    double t0 = now_s();
    *n = 0;
    if (!tok) return 0;
    for (;;) {
        yx_resp r;
        int k;
        snprintf(path, sizeof path, "/v1/changes?since=%s&limit=1000", since);
        if (yx_http("GET", p, path, tok, NULL, NULL, &r) || r.status != 200) { yx_resp_free(&r); break; }
        k = cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items"));
        snprintf(since, sizeof since, "%s", cJSON_GetObjectItem(r.json, "next")->valuestring);
        yx_resp_free(&r);
        *n += k;
        if (k == 0) break;
    }
    free(tok);
    return *n / (now_s() - t0);
}

/* Acknowledged applications missing from the database after the server
 * stopped: each id the simulator was answered 201 for, looked up one by
 * one (a count could let an application stored after a client-side
 * error stand in for a lost one), and wrk's 2xx answers against the
 * applications stored under its keys. -1 when the database cannot be
 * read. */
static int64_t acked_missing(const char *db, const sim_report *const *reps, int nreps, long wrk_ok)
{
    store *s;
    char err[256];
    int64_t missing = 0;
    sqlite3_stmt *st;
    if (store_open(&s, db, STORE_READONLY, err, sizeof err)) return -1;
    st = store_stmt(s, "SELECT count(*) FROM applications WHERE id = ?");
    for (int r = 0; st && r < nreps; r++)
        for (int64_t i = 0; i < reps[r]->nids; i++) {
            sqlite3_bind_int64(st, 1, reps[r]->ids[i]);
            if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int64(st, 0) != 1) missing++;
            sqlite3_reset(st);
        }
    if (st && wrk_ok > 0 && (st = store_stmt(s, "SELECT count(*) FROM applications WHERE idempotency_key LIKE "
                                                "'wrk-bench-%'")) && sqlite3_step(st) == SQLITE_ROW) {
        if (sqlite3_column_int64(st, 0) < wrk_ok) missing += wrk_ok - sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    if (!st) missing = -1;
    store_close(s);
    return missing;
}

/* The same server on a slower disk, as a network-attached one is: every
 * flush of the WAL takes 2 ms longer (tests/shim/sync_fault.c, preloaded;
 * $YX_SHIM names it, `make bench` builds it). Durable intake must not be
 * bounded by the flush time: the writer goes on while a flush runs.
 * Prints intake_p50/p99_ms_at_1000rps_disk2ms and intake_rps_max_disk2ms
 * (wrk's figure, else the simulator's); nothing when the shim is missing. */
static void slow_disk(yxd_proc *p, const char *key)
{
    const char *shim = getenv("YX_SHIM");
    sim_report fixed, sat;
    double rps, p99;
    long ok, total;
    int rc;
    if (!shim || access(shim, R_OK)) { fprintf(stderr, "no YX_SHIM: slow-disk rows skipped\n"); return; }
    setenv("LD_PRELOAD", shim, 1);
    setenv("YX_SHIM_SYNC_DELAY_MS", "2", 1);
    rc = yxd_proc_start(p, NULL);
    unsetenv("LD_PRELOAD");
    unsetenv("YX_SHIM_SYNC_DELAY_MS");
    if (rc) return;
    fprintf(stderr, "slow disk (each WAL flush 2 ms longer):\n");
    if (run(p, key, 1000, 5, 16, &fixed) == 0) {
        printf("intake_p50_ms_at_1000rps_disk2ms %.3f\n", fixed.p50_ms);
        printf("intake_p99_ms_at_1000rps_disk2ms %.3f\n", fixed.p99_ms);
        sim_report_free(&fixed);
    }
    /* other keys and applicants than the first run's: no replays */
    run_wrk(p, key, "disk2ms", &rps, &p99, &ok, &total);
    if (rps < 0 && run(p, key, 0, 5, 64, &sat) == 0) {
        rps = sat.achieved_rps;
        sim_report_free(&sat);
    }
    if (rps >= 0) printf("intake_rps_max_disk2ms %.0f\n", rps);
    yxd_proc_stop(p);
}

int main(void)
{
    yxd_proc p;
    char key[128];
    sim_report fixed, sat, warm;
    int64_t acked, missing, nchanges;
    double cps, wrk_rps, wrk_p99, sync_p50, sync_p99, flush0, fast0, slow_flushes;
    long wrk_ok, wrk_total;
    if (getenv("YX_BIN")) setenv("YX_TEST_BIN", getenv("YX_BIN"), 1);
    else setenv("YX_TEST_BIN", "build", 0);
    if (yxd_proc_tempdir(&p) || yxd_proc_init_demo(&p, 1000)) return 1;
    if (yxd_proc_add_channel(&p, "bench", "api", key, sizeof key)) return 1;
    disk_sync_ms(p.dir, &sync_p50, &sync_p99);
    fprintf(stderr, "disk: fdatasync of 64 KiB p50 %.2f p99 %.2f ms\n", sync_p50, sync_p99);
    if (yxd_proc_start(&p, NULL)) return 1;

    if (run(&p, key, 200, 1, 4, &warm)) return 1;
    flush0 = yx_metric(&p, "yxd_wal_flush_seconds_count ");
    fast0 = yx_metric(&p, "yxd_wal_flush_seconds_bucket{le=\"0.005\"} ");
    if (run(&p, key, 1000, 10, 16, &fixed)) return 1;
    /* the disk's share of the tail: flushes it took over 5 ms for */
    slow_flushes = (yx_metric(&p, "yxd_wal_flush_seconds_count ") - flush0) -
                   (yx_metric(&p, "yxd_wal_flush_seconds_bucket{le=\"0.005\"} ") - fast0);
    if (run(&p, key, 0, 5, 64, &sat)) return 1;
    run_wrk(&p, key, "bench", &wrk_rps, &wrk_p99, &wrk_ok, &wrk_total);
    /* exact for the simulator's requests, whose answers it counted */
    acked = warm.accepted + fixed.accepted + sat.accepted;
    cps = drain_feed(&p, &nchanges);
    fprintf(stderr, "change feed: %lld changes drained at %.0f/s\n", (long long)nchanges, cps);
    if (yxd_proc_stop(&p) != 0) fprintf(stderr, "bench_intake: yxd did not stop cleanly\n");
    {
        const sim_report *reps[] = { &warm, &fixed, &sat };
        missing = acked_missing(p.db, reps, 3, wrk_ok);
    }
    fprintf(stderr, "acknowledged %lld (and %ld by wrk), missing after stop %lld\n", (long long)acked, wrk_ok,
            (long long)missing);

    printf("intake_p50_ms_at_1000rps %.3f\n", fixed.p50_ms);
    printf("intake_p99_ms_at_1000rps %.3f\n", fixed.p99_ms);
    printf("intake_errors_at_1000rps %lld\n", (long long)fixed.errors);
    printf("wal_flushes_over_5ms_at_1000rps %.0f\n", slow_flushes);
    /* The server's capacity: wrk's figure when installed (the lighter
     * client leaves more of the two cores to yxd), else the simulator's;
     * both are printed. */
    printf("intake_rps_max %.0f\n", wrk_rps >= 0 ? wrk_rps : sat.achieved_rps);
    printf("intake_rps_max_sim %.0f\n", sat.achieved_rps);
    printf("intake_p99_ms_at_max_sim %.3f\n", sat.p99_ms);
    printf("intake_errors_at_max_sim %lld\n", (long long)sat.errors);
    if (wrk_rps >= 0) {
        fprintf(stderr, "wrk: %ld answered 2xx\n", wrk_ok);
        printf("intake_rps_max_wrk %.0f\n", wrk_rps);
        printf("intake_p99_ms_at_max_wrk %.3f\n", wrk_p99);
        printf("intake_errors_at_max_wrk %ld\n", wrk_total - wrk_ok);
    }
    printf("disk_fdatasync_ms_p50 %.3f\n", sync_p50);
    printf("disk_fdatasync_ms_p99 %.3f\n", sync_p99);
    printf("intake_acked_missing %lld\n", (long long)missing);
    printf("changes_per_s %.0f\n", cps);
    slow_disk(&p, key);
    sim_report_free(&warm);
    sim_report_free(&fixed);
    sim_report_free(&sat);
    yxd_proc_cleanup(&p);
    return 0;
}
