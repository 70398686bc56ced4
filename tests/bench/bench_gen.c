/* Benchmark of the demo data generator: rows per second of a bulk load
 * (customer with sealed data + application + features) into a fresh
 * temporary database, as `yxd init --demo` runs it, without decisions and
 * with every application decided by the shipped strategy (decision with
 * input and trace, scores, defense row). Also reports the size the rows
 * take on disk. Rows: $YX_BENCH_GEN_ROWS (default 200000) undecided and
 * $YX_BENCH_GEN_DECIDED_ROWS (default 50000) decided. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/dataset.h"
#include "core/decide.h"
#include "core/gen.h"
#include "core/store.h"
#include "core/util.h"
#include "tests/common/tmpdir.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int rows_from_env(const char *name, int64_t dflt, int64_t *rows)
{
    const char *env = getenv(name);
    *rows = dflt;
    if (env && yx_parse_i64(env, 1, 100000000, rows)) {
        fprintf(stderr, "bench_gen: %s must be a positive number\n", name);
        return -1;
    }
    return 0;
}

/* Loads rows into a new database in dir; prints "<name>_rows_per_s" and
 * "<bytes_name>" lines. 0 ok, -1 with a message on stderr. */
static int load(const char *dir, const dataset *ds, const engine *e, int64_t rows,
                const char *rate_name, const char *bytes_name)
{
    char db[256], path[300], err[512];
    crypto_key k;
    store *s;
    struct stat st, wal;
    double t0, t1;
    snprintf(db, sizeof db, "%s/bench.db", dir);
    memset(&k, 7, sizeof k);
    if (store_open(&s, db, STORE_CREATE | STORE_NOSYNC, err, sizeof err)) {
        fprintf(stderr, "bench_gen: %s\n", err);
        return -1;
    }
    if (store_migrate(s)) { fprintf(stderr, "bench_gen: %s\n", store_errmsg(s)); store_close(s); return -1; }
    t0 = now_s();
    if (gen_demo(s, &k, ds, rows, 42, e, err, sizeof err)) {
        fprintf(stderr, "bench_gen: %s\n", err);
        store_close(s);
        return -1;
    }
    t1 = now_s();
    store_close(s);
    printf("%s %.0f\n", rate_name, (double)rows / (t1 - t0));
    snprintf(path, sizeof path, "%s-wal", db);
    if (stat(db, &st) == 0) {
        if (stat(path, &wal) == 0) st.st_size += wal.st_size;
        printf("%s %.0f\n", bytes_name, (double)st.st_size / (double)rows);
    }
    unlink(db);
    unlink(path);
    snprintf(path, sizeof path, "%s-shm", db);
    unlink(path);
    return 0;
}

int main(void)
{
    char dir[256], err[512], path[4096];
    int64_t rows, decided_rows;
    dataset ds;
    engine *e;
    int rc;
    if (rows_from_env("YX_BENCH_GEN_ROWS", 200000, &rows) ||
        rows_from_env("YX_BENCH_GEN_DECIDED_ROWS", 50000, &decided_rows))
        return 2;
    if (dataset_load(yx_asset_path(path, sizeof path, "data/credit_data.csv"), &ds, err, sizeof err) ||
        engine_load(&e, yx_asset_path(path, sizeof path, "strategies/default.json"), err, sizeof err)) {
        fprintf(stderr, "bench_gen: %s\n", err);
        return 1;
    }
    if (!yx_test_mkdtemp(dir, sizeof dir, "yx-bench-gen")) { perror("bench_gen: mkdtemp"); return 1; }
    rc = load(dir, &ds, NULL, rows, "generate_rows_per_s", "bytes_per_demo_row") ||
         load(dir, &ds, e, decided_rows, "generate_decided_rows_per_s", "bytes_per_decided_row");
    engine_free(e);
    dataset_free(&ds);
    yx_test_rmtree(dir);
    return rc ? 1 : 0;
}
