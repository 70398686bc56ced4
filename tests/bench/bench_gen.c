/* Benchmark of the demo data generator: rows per second of a bulk load
 * (customer with sealed data + application + features) into a fresh
 * temporary database, as `yxd init --demo` runs it. Also reports the size
 * the rows take on disk. Rows: $YX_BENCH_GEN_ROWS, default 200000. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/dataset.h"
#include "core/gen.h"
#include "core/store.h"
#include "core/util.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(void)
{
    char dir[] = "/tmp/yx-bench-gen-XXXXXX", db[256], err[512], path[4096];
    const char *env = getenv("YX_BENCH_GEN_ROWS");
    int64_t rows = 200000;
    crypto_key k;
    dataset ds;
    store *s;
    struct stat st;
    double t0, t1;
    if (env && yx_parse_i64(env, 1, 100000000, &rows)) {
        fprintf(stderr, "bench_gen: YX_BENCH_GEN_ROWS must be a positive number\n");
        return 2;
    }
    if (!mkdtemp(dir)) { perror("bench_gen: mkdtemp"); return 1; }
    snprintf(db, sizeof db, "%s/bench.db", dir);
    memset(&k, 7, sizeof k);
    if (dataset_load(yx_asset_path(path, sizeof path, "data/credit_data.csv"), &ds, err, sizeof err) ||
        store_open(&s, db, STORE_CREATE | STORE_NOSYNC, err, sizeof err)) {
        fprintf(stderr, "bench_gen: %s\n", err);
        return 1;
    }
    if (store_migrate(s)) { fprintf(stderr, "bench_gen: %s\n", store_errmsg(s)); return 1; }
    t0 = now_s();
    if (gen_demo(s, &k, &ds, rows, 42, NULL, err, sizeof err)) {
        fprintf(stderr, "bench_gen: %s\n", err);
        return 1;
    }
    t1 = now_s();
    store_close(s);
    printf("generate_rows_per_s %.0f\n", (double)rows / (t1 - t0));
    if (stat(db, &st) == 0) {
        struct stat wal;
        char walp[300];
        snprintf(walp, sizeof walp, "%s-wal", db);
        if (stat(walp, &wal) == 0) st.st_size += wal.st_size;
        printf("bytes_per_demo_row %.0f\n", (double)st.st_size / (double)rows);
    }
    dataset_free(&ds);
    unlink(db);
    snprintf(path, sizeof path, "%s-wal", db); unlink(path);
    snprintf(path, sizeof path, "%s-shm", db); unlink(path);
    rmdir(dir);
    return 0;
}
