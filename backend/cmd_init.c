/* yxd init: creates (or migrates) a database and its data key, and with
 * --demo fills it with demo users, channels and applications decided by
 * the shipped strategy (or --strategy FILE). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/cmd.h"
#include "core/crypto.h"
#include "core/dataset.h"
#include "core/decide.h"
#include "core/gen.h"
#include "core/store.h"
#include "core/util.h"

#define DEMO_MAX 100000000LL

typedef struct {
    const char *db;
    const char *key_file;
    const char *data;      /* data set for demo features; NULL = shipped one */
    const char *strategy;  /* strategy deciding demo applications; NULL = shipped one */
    int         demo;      /* --demo given */
    int64_t     n;
    uint64_t    seed;
} init_opts;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: yxd init --db FILE [--demo N] [--seed S] [--key-file F] [--data CSV]\n"
        "                [--strategy FILE]\n"
        "\n"
        "Creates the database FILE (or brings an existing one to the current schema)\n"
        "and the key that seals personal data in it, FILE.key (mode 0600), unless\n"
        "--key-file names another. Keep the key: without it sealed data is lost.\n"
        "\n"
        "  --demo N      also add demo data: the users officer, risk, auditor, support\n"
        "                and admin, all with the password 'yixiang-demo' (for demo\n"
        "                databases only: never use them in production), the four demo\n"
        "                channels, and N synthetic applications whose features come\n"
        "                from the real credit data set, each decided by the\n"
        "                decision engine (approved, referred or declined, with its\n"
        "                grade, limit, APR and a replayable input)\n"
        "  --seed S      seed of the demo data (default 1); a seed always gives the\n"
        "                same data\n"
        "  --key-file F  where the data key lives (created when missing)\n"
        "  --data CSV    credit data set for demo features (default: the shipped one)\n"
        "  --strategy FILE\n"
        "                strategy that decides the demo applications (default: the\n"
        "                shipped strategies/default.json)\n"
        "  --help, --version\n");
}

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "yxd init: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (try yxd init --help)\n");
    return 2;
}

/* 0 ok, 2 bad usage, -1 --help/--version handled (exit 0). */
static int parse_args(int argc, char **argv, init_opts *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int64_t x;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(stdout); return -1; }
        if (!strcmp(a, "--version")) { printf("yxd %s\n", YX_VERSION); return -1; }
        if (strcmp(a, "--db") && strcmp(a, "--demo") && strcmp(a, "--seed") &&
            strcmp(a, "--key-file") && strcmp(a, "--data") && strcmp(a, "--strategy"))
            return bad_usage("unknown option '%s'", a);
        if (!v) return bad_usage("%s needs a value", a);
        i++;
        if (!strcmp(a, "--db")) o->db = v;
        else if (!strcmp(a, "--key-file")) o->key_file = v;
        else if (!strcmp(a, "--data")) o->data = v;
        else if (!strcmp(a, "--strategy")) o->strategy = v;
        else if (!strcmp(a, "--demo")) {
            if (yx_parse_i64(v, 0, DEMO_MAX, &x))
                return bad_usage("--demo wants a number of applications from 0 to 100000000, not '%s'", v);
            o->demo = 1;
            o->n = x;
        } else {
            if (yx_parse_i64(v, 0, INT64_MAX, &x))
                return bad_usage("--seed wants a non-negative integer, not '%s'", v);
            o->seed = (uint64_t)x;
        }
    }
    if (!o->db || !*o->db) return bad_usage("%s", "--db FILE is required");
    return 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Applications already in the database, -1 on error. */
static int64_t app_count(store *s)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM applications");
    int64_t n = -1;
    if (st && store_row(s, st, "count applications") == 0) {
        n = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    return n;
}

static int load_demo(store *s, const init_opts *o, const crypto_key *k)
{
    char err[512], path[4096], spath[4096];
    dataset ds;
    engine *e;
    struct timespec t0;
    const char *data = o->data ? o->data : yx_asset_path(path, sizeof path, "data/credit_data.csv");
    int64_t have = app_count(s);
    int rc;
    /* The same seed twice would give the same people twice. */
    if (have != 0) {
        fprintf(stderr, "yxd init: %s already holds %lld applications; demo data goes into a "
                "new database\n", o->db, (long long)have);
        return 1;
    }
    const char *strategy = o->strategy ? o->strategy
                                       : yx_asset_path(spath, sizeof spath, "strategies/default.json");
    if (engine_load(&e, strategy, err, sizeof err)) {
        fprintf(stderr, "yxd init: %s (set YX_DATADIR or pass --strategy)\n", err);
        return 1;
    }
    if (dataset_load(data, &ds, err, sizeof err)) {
        fprintf(stderr, "yxd init: %s (set YX_DATADIR or pass --data)\n", err);
        engine_free(e);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = gen_demo_principals(s, err, sizeof err) ||
         gen_demo(s, k, &ds, o->n, o->seed, e, err, sizeof err);
    dataset_free(&ds);
    if (rc) {
        fprintf(stderr, "yxd init: %s\n", err);
        engine_free(e);
        return 1;
    }
    printf("demo data: %lld applications (seed %llu, strategy %s) in %.1f s; users officer, "
           "risk, auditor, support, admin with password '%s'\n",
           (long long)o->n, (unsigned long long)o->seed, engine_strategy_version(e),
           seconds_since(&t0), GEN_DEMO_PASSWORD);
    engine_free(e);
    return 0;
}

int cmd_init(int argc, char **argv)
{
    init_opts o;
    char err[512], keypath[4096];
    crypto_key k;
    store *s;
    int rc = parse_args(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    if (!o.key_file) {
        snprintf(keypath, sizeof keypath, "%s.key", o.db);
        o.key_file = keypath;
    }
    /* A new key for an existing database would make its sealed data
     * unreadable: only a new database gets a new key. */
    if (access(o.db, F_OK) == 0 && access(o.key_file, F_OK) != 0) {
        fprintf(stderr, "yxd init: %s exists but its key file %s does not; pass --key-file "
                "with the key it was made with\n", o.db, o.key_file);
        return 1;
    }
    if (crypto_key_load(o.key_file, 1, &k, err, sizeof err)) {
        fprintf(stderr, "yxd init: %s\n", err);
        return 1;
    }
    /* A bulk load may use synchronous=NORMAL: a crash loses at most the last
     * batch, and the database is not in use yet. */
    if (store_open(&s, o.db, STORE_CREATE | (o.demo ? STORE_NOSYNC : 0), err, sizeof err)) {
        fprintf(stderr, "yxd init: %s\n", err);
        return 1;
    }
    if (store_migrate(s)) {
        fprintf(stderr, "yxd init: %s: %s\n", o.db, store_errmsg(s));
        store_close(s);
        return 1;
    }
    printf("database %s at schema version %d; data key in %s\n", o.db, store_version(s), o.key_file);
    rc = o.demo ? load_demo(s, &o, &k) : 0;
    if (rc == 0) {
        sqlite3_stmt *st = store_stmt(s, "PRAGMA wal_checkpoint(TRUNCATE)");
        if (st) { while (sqlite3_step(st) == SQLITE_ROW) {} sqlite3_reset(st); }
    }
    store_close(s);
    return rc;
}
