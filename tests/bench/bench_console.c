/* Console data path benchmark: the local cache (upserts, keyset pages,
 * counts and ranks over 200,000 rows) and a full sync of a real yxd's list
 * into an empty cache through the asynchronous client, plus the time
 * `yxd init --demo 2000` takes (the first start of `yx --demo`). Prints
 * "name value" lines; anything else goes to stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/cache.h"
#include "core/client.h"
#include "core/sync.h"
#include "tests/common/client_loop.h"
#include "tests/common/yxd_proc.h"

#define CACHE_ROWS 200000
#define SYNC_APPS  20000

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static app_row make_row(int64_t id)
{
    static const app_status st[] = { APP_APPROVED, APP_DECLINED, APP_REFERRED, APP_SUBMITTED };
    app_row r;
    memset(&r, 0, sizeof r);
    r.app.id = id;
    r.app.customer_id = id;
    r.app.created_at = 1700000000000 + id * 1000;
    r.app.updated_at = r.app.created_at;
    r.app.channel = (channel_kind)(id % CH__COUNT);
    r.app.product = (product_kind)(id % PROD__COUNT);
    snprintf(r.app.partner, sizeof r.app.partner, "partner-%d", (int)(id % 17));
    snprintf(r.app.product_item, sizeof r.app.product_item, "数码3C");
    snprintf(r.app.scene, sizeof r.app.scene, "shopping");
    r.app.amount_fen = 100000 + id % 5000 * 100;
    r.app.term_months = 12;
    r.app.status = st[id % 4];
    r.app.version = 1;
    snprintf(r.name, sizeof r.name, "欧阳**");
    snprintf(r.id_number, sizeof r.id_number, "1****************X");
    snprintf(r.mobile, sizeof r.mobile, "138****1234");
    snprintf(r.bank_card, sizeof r.bank_card, "622848*********1234");
    snprintf(r.province, sizeof r.province, "浙江省");
    snprintf(r.city, sizeof r.city, "杭州市");
    r.grade = (char)('A' + id % 5);
    return r;
}

static int bench_cache(const char *dir)
{
    char path[512], err[256];
    cache *c = NULL;
    app_row *rows = malloc(sizeof *rows * 200);
    double t0, samples[400];
    long total = 0;
    int n;
    cache_filter referred = { .status = "referred" };
    snprintf(path, sizeof path, "%s/bench-cache.db", dir);
    if (!rows || cache_open(&c, path, err, sizeof err)) {
        fprintf(stderr, "cache: %s\n", err);
        free(rows);
        return -1;
    }
    t0 = now_ms();
    for (int64_t id = 1; id <= CACHE_ROWS; id += 200) {
        for (int i = 0; i < 200; i++) rows[i] = make_row(id + i);
        if (cache_upsert(c, rows, 200, NULL)) { fprintf(stderr, "%s\n", cache_errmsg(c)); return -1; }
    }
    printf("cache_upsert_rows_per_s %.0f\n", CACHE_ROWS / ((now_ms() - t0) / 1e3));

    /* A page of 50 from a random position, as the table asks when the
     * officer jumps (keyset: the cost must not grow with the position). */
    srand(7);
    for (int i = 0; i < 400; i++) {
        int64_t id = 1 + rand() % CACHE_ROWS;
        cache_key k = { 1700000000000 + id * 1000, id };
        t0 = now_ms();
        cache_page(c, NULL, &k, CACHE_AFTER, rows, 50, &n);
        samples[i] = (now_ms() - t0) * 1e3;
    }
    qsort(samples, 400, sizeof samples[0], cmp_double);
    printf("cache_page50_p50_us %.1f\n", samples[200]);
    printf("cache_page50_p99_us %.1f\n", samples[396]);
    for (int i = 0; i < 20; i++) {
        t0 = now_ms();
        total = cache_count(c, NULL);
        samples[i] = now_ms() - t0;
    }
    qsort(samples, 20, sizeof samples[0], cmp_double);
    printf("cache_count_ms %.2f\n", samples[10]);
    for (int i = 0; i < 20; i++) {
        t0 = now_ms();
        cache_count(c, &referred);
        samples[i] = now_ms() - t0;
    }
    qsort(samples, 20, sizeof samples[0], cmp_double);
    printf("cache_count_status_ms %.2f\n", samples[10]);
    for (int i = 0; i < 20; i++) {
        cache_key k = { 1700000000000 + (CACHE_ROWS / 2) * 1000, CACHE_ROWS / 2 };
        t0 = now_ms();
        cache_rank(c, NULL, &k);
        samples[i] = now_ms() - t0;
    }
    qsort(samples, 20, sizeof samples[0], cmp_double);
    printf("cache_rank_mid_ms %.2f\n", samples[10]);
    if (total != CACHE_ROWS) fprintf(stderr, "cache: count %ld, expected %d\n", total, CACHE_ROWS);
    cache_close(c);
    free(rows);
    return 0;
}

struct probe { int done; };

static void on_sync(void *ctx, const sync_status *st)
{
    struct probe *p = ctx;
    if (st->state == SYNC_DONE || st->state == SYNC_FAILED) p->done = 1;
}

static int bench_sync(yxd_proc *p)
{
    char path[512], err[256];
    cache *ca = NULL;
    client *cl = NULL;
    client_session s;
    client_error e;
    struct client_loop_state l;
    struct probe pr = { 0 };
    sync_job *job;
    double t0;
    snprintf(path, sizeof path, "%s/bench-sync.db", p->dir);
    if (cache_open(&ca, path, err, sizeof err) || client_new(&cl, p->url, err, sizeof err) ||
        client_login(cl, "officer", "yixiang-demo", &s, &e)) {
        fprintf(stderr, "sync: cannot start: %s %s\n", err, e.message);
        return -1;
    }
    client_loop_attach(&l, cl);
    job = sync_new(cl, ca, 500, 0, on_sync, &pr);
    t0 = now_ms();
    sync_start(job);
    if (client_loop_run(&l, &pr.done, 120000) || sync_get(job)->state != SYNC_DONE) {
        fprintf(stderr, "sync failed: %s\n", sync_get(job)->error);
    } else {
        double ms = now_ms() - t0;
        printf("sync_full_ms %.0f\n", ms);
        printf("sync_rows_per_s %.0f\n", (double)cache_count(ca, NULL) / (ms / 1e3));
    }
    sync_free(job);
    client_free(cl);
    cache_close(ca);
    return 0;
}

int main(void)
{
    yxd_proc p;
    const char *bin = getenv("YX_BIN");
    char err[1024];
    const char *args[] = { "init", "--db", NULL, "--demo", "2000", NULL };
    char demo_db[400];
    double t0;
    /* The release yxd: yxd_proc takes its directory from YX_TEST_BIN. */
    if (bin && *bin) setenv("YX_TEST_BIN", bin, 1);
    if (yxd_proc_tempdir(&p)) { fprintf(stderr, "no temp dir\n"); return 1; }
    bench_cache(p.dir);

    snprintf(demo_db, sizeof demo_db, "%s/demo.db", p.dir);
    args[2] = demo_db;
    t0 = now_ms();
    if (yxd_run(args, NULL, NULL, 0, err, sizeof err) == 0)
        printf("demo_init_2000_ms %.0f\n", now_ms() - t0);
    else
        fprintf(stderr, "yxd init --demo 2000 failed: %s\n", err);

    if (yxd_proc_init_demo(&p, SYNC_APPS) == 0 && yxd_proc_start(&p, NULL) == 0) bench_sync(&p);
    else fprintf(stderr, "sync: yxd did not start\n");
    yxd_proc_cleanup(&p);
    return 0;
}
