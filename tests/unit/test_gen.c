/* The demo data generator and `yxd init`: same seed same data, different
 * seed different data; generated people and applications are valid and
 * plausible (IDs, ages matching the Age feature, cards, shares of channels,
 * products and scenes, missing values kept); loads decided by the shipped
 * strategy (stored as intake stores them, replayable); and the
 * real yxd binary end to end, including bad usage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/dataset.h"
#include "core/decide.h"
#include "core/gen.h"
#include "core/mask.h"
#include "core/person.h"
#include "core/store_app.h"
#include "core/store_user.h"
#include "core/util.h"
#include "tests/common/yxd_proc.h"
#include "tests/common/tmpdir.h"

#define NOW 1795521600000LL          /* fixed clock: 2026-11-24 12:00 UTC */
#define DAY_MS (24LL * 3600 * 1000)

typedef struct {
    char dir[64];
    dataset ds;
    crypto_key key;
    engine *eng;          /* the shipped strategy */
    int ndb;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char err[512], path[4096];
    if (!yx_test_mkdtemp(f->dir, sizeof f->dir, "yx-test-gen")) return -1;
    if (dataset_load(yx_asset_path(path, sizeof path, "data/credit_data.csv"), &f->ds, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    if (engine_load(&f->eng, yx_asset_path(path, sizeof path, "strategies/default.json"), err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    memset(&f->key, 0x33, sizeof f->key);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    dataset_free(&f->ds);
    engine_free(f->eng);
    if (yx_test_rmtree(f->dir)) fprintf(stderr, "could not remove %s\n", f->dir);
    free(f);
    return 0;
}

static store *new_db(fixture *f, char *path, size_t n)
{
    store *s;
    char err[256];
    snprintf(path, n, "%s/g%d.db", f->dir, f->ndb++);
    assert_int_equal(store_open(&s, path, STORE_CREATE | STORE_NOSYNC, err, sizeof err), 0);
    assert_int_equal(store_migrate(s), 0);
    return s;
}

static store *generate(fixture *f, int64_t n, uint64_t seed, const engine *e)
{
    char path[128], err[512] = "";
    store *s = new_db(f, path, sizeof path);
    if (gen_demo_at(s, &f->key, &f->ds, n, seed, NOW, e, err, sizeof err))
        fail_msg("gen_demo: %s", err);
    return s;
}

typedef struct { char *p; size_t len, cap; } text;

static void text_add(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

/* Appends every column of every row of sql to t. */
static void dump_query(store *s, const char *sql, text *t)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            text_add(t, v ? v : "NULL", strlen(v ? v : "NULL"));
            text_add(t, i + 1 < sqlite3_column_count(st) ? "|" : "\n", 1);
        }
    }
    sqlite3_finalize(st);
}

/* Everything the generator writes except the sealed columns, whose
 * nonces are random by design, and the creation times of channels. */
static char *dump(store *s)
{
    text t = { 0 };
    dump_query(s, "SELECT * FROM applications ORDER BY id", &t);
    dump_query(s, "SELECT id, name_masked, id_masked, mobile_masked, card_masked,"
                  " hex(id_hash), province, city, employer, birth_date, gender, created_at"
                  " FROM customers ORDER BY id", &t);
    dump_query(s, "SELECT * FROM features ORDER BY application_id", &t);
    dump_query(s, "SELECT * FROM decisions ORDER BY application_id", &t);
    dump_query(s, "SELECT * FROM defense ORDER BY application_id", &t);
    dump_query(s, "SELECT name, kind FROM channels ORDER BY id", &t);
    return t.p;
}

static void test_same_seed_same_data(void **state)
{
    fixture *f = *state;
    store *a = generate(f, 400, 11, NULL), *b = generate(f, 400, 11, NULL),
          *c = generate(f, 400, 12, NULL);
    char *da = dump(a), *db = dump(b), *dc = dump(c);
    assert_true(strlen(da) > 400 * 100);
    assert_string_equal(da, db);
    assert_true(strcmp(da, dc) != 0);
    /* The sealed values differ (fresh nonces) but open to the same people. */
    for (int64_t id = 1; id <= 400; id += 37) {
        customer x, y;
        assert_int_equal(store_customer_reveal(a, &f->key, id, &x), 0);
        assert_int_equal(store_customer_reveal(b, &f->key, id, &y), 0);
        assert_string_equal(x.name, y.name);
        assert_string_equal(x.id_number, y.id_number);
        assert_string_equal(x.bank_card, y.bank_card);
        assert_string_equal(x.mobile, y.mobile);
    }
    free(da);
    free(db);
    free(dc);
    store_close(a);
    store_close(b);
    store_close(c);
}

static int count(store *s, const char *sql)
{
    sqlite3_stmt *st;
    int n = -1;
    assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void test_plausible_rows(void **state)
{
    fixture *f = *state;
    const int n = 3000;
    store *s = generate(f, n, 5, NULL);
    int compound = 0, mall_3c = 0;
    int64_t prev_t = 0;
    app_query q = { 0 };
    (void)q;
    for (int64_t id = 1; id <= n; id++) {
        app_row row;
        customer c;
        int y, m, d;
        assert_int_equal(store_app_get(s, id, &row), 0);
        assert_int_equal(store_customer_reveal(s, &f->key, row.app.customer_id, &c), 0);
        /* People are valid, and as old as the data set row says. */
        assert_true(person_id_valid(c.id_number));
        assert_int_equal(person_id_birth(c.id_number, &y, &m, &d, NULL), 0);
        assert_int_equal(person_age(y, m, d, row.app.created_at), (int)row.app.feat.v[F_AGE]);
        assert_true(person_luhn_valid(c.bank_card));
        assert_true(person_mobile_valid(c.mobile));
        compound += mask_compound_surname(c.name);
        /* Applications: time order follows ids, within the last 90 days. */
        assert_true(row.app.created_at >= prev_t);
        prev_t = row.app.created_at;
        assert_true(row.app.created_at > NOW - 90 * DAY_MS && row.app.created_at <= NOW);
        assert_true(row.app.amount_fen > 0 && row.app.amount_fen % 100 == 0);
        assert_int_equal(row.app.status, APP_SUBMITTED);
        assert_int_equal(row.grade, 0);
        switch (row.app.product) {
        case PROD_MALL: assert_in_range(row.app.term_months, 3, 24); break;
        case PROD_CASH: assert_in_range(row.app.term_months, 3, 36); break;
        default:        assert_in_range(row.app.term_months, 6, 36); break;
        }
        mall_3c += !strcmp(row.app.product_item, "数码3C");
        for (int ft = 0; ft < F__COUNT; ft++) {
            double v = row.app.feat.v[ft];
            int nl;
            if (isnan(v)) continue;
            if (feature_levels((feature_id)ft, &nl)) assert_true(v == floor(v) && v >= 0 && v < nl);
            else assert_true(v >= 0);
        }
    }
    assert_true(compound > 0);
    assert_true(mall_3c > n / 20);
    /* Shares: every channel, product and scene occurs in a plausible share;
     * missing incomes stay missing (about 8% of the data set). */
    assert_in_range(count(s, "SELECT count(*) FROM applications WHERE channel = 'api'"), n / 4, n / 2);
    assert_in_range(count(s, "SELECT count(*) FROM applications WHERE channel = 'own'"), n / 10, n / 3);
    assert_in_range(count(s, "SELECT count(*) FROM applications WHERE product = 'smb'"), n / 40, n / 5);
    assert_int_equal(count(s, "SELECT count(DISTINCT scene) FROM applications"), 5);
    assert_int_equal(count(s, "SELECT count(DISTINCT completeness) FROM applications"), CPL__COUNT);
    assert_in_range(count(s, "SELECT count(*) FROM features WHERE income IS NULL"), n / 30, n / 6);
    assert_int_equal(count(s, "SELECT count(*) FROM applications WHERE channel_id IS NULL"), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM decisions"), 0);
    store_close(s);
}

/* Counts of outcomes in s, in the order approve, refer, decline. */
static void outcome_counts(store *s, int out[3])
{
    out[0] = count(s, "SELECT count(*) FROM decisions WHERE outcome = 'approve'");
    out[1] = count(s, "SELECT count(*) FROM decisions WHERE outcome = 'refer'");
    out[2] = count(s, "SELECT count(*) FROM decisions WHERE outcome = 'decline'");
}

static void test_decided_load(void **state)
{
    fixture *f = *state;
    const int n = 600;
    store *s = generate(f, n, 9, f->eng);
    int oc[3];
    assert_int_equal(count(s, "SELECT count(*) FROM decisions"), n);
    assert_int_equal(count(s, "SELECT count(*) FROM defense"), n);
    /* Both model scores, and the engine's input for replay. */
    assert_int_equal(count(s, "SELECT count(*) FROM scores WHERE model = 'scorecard'"), n);
    assert_int_equal(count(s, "SELECT count(*) FROM scores WHERE model = 'gbdt'"), n);
    assert_int_equal(count(s, "SELECT count(*) FROM decisions WHERE input_json IS NULL"), 0);
    {
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM decisions WHERE strategy_version = '%s'",
                 engine_strategy_version(f->eng));
        assert_int_equal(count(s, sql), n);
    }
    /* Status follows the outcome; referrals wait on line 1. */
    assert_int_equal(count(s, "SELECT count(*) FROM applications a JOIN decisions d"
                              " ON d.application_id = a.id WHERE NOT ("
                              " (d.outcome = 'approve' AND a.status = 'approved') OR"
                              " (d.outcome = 'refer' AND a.status = 'referred') OR"
                              " (d.outcome = 'decline' AND a.status = 'declined'))"), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM applications a JOIN defense df"
                              " ON df.application_id = a.id WHERE a.status = 'referred'"
                              " AND df.l1 <> 'pending'"), 0);
    /* Automatic decisions are settled on line 1 by the engine. */
    assert_int_equal(count(s, "SELECT count(*) FROM applications a JOIN defense df"
                              " ON df.application_id = a.id WHERE a.status <> 'referred'"
                              " AND (df.l1 = 'pending' OR df.l1_user IS NOT 'auto')"), 0);
    assert_true(count(s, "SELECT count(*) FROM applications WHERE status = 'referred'") > 0);
    assert_int_equal(count(s, "SELECT count(*) FROM applications WHERE grade IS NULL"), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM applications a JOIN decisions d"
                              " ON d.application_id = a.id WHERE d.risk_grade <> a.grade"
                              " OR d.decided_at < a.created_at OR d.trace_json IS NULL"), 0);
    /* Approvals carry a limit and a price; declines no limit. */
    assert_int_equal(count(s, "SELECT count(*) FROM decisions WHERE outcome = 'approve'"
                              " AND (limit_fen <= 0 OR apr_bp <= 0)"), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM decisions WHERE outcome = 'decline'"
                              " AND limit_fen <> 0"), 0);
    /* A demo queue shows every outcome, and people decide a minority. */
    outcome_counts(s, oc);
    assert_true(oc[0] > n / 10 && oc[1] > 0 && oc[2] > n / 10);
    assert_true(oc[1] < n / 2);
    assert_true(count(s, "SELECT count(DISTINCT grade) FROM applications") >= 5);
    /* Decided loads are reproducible too, defense rows included. */
    {
        store *s2 = generate(f, n, 9, f->eng);
        char *d1 = dump(s), *d2 = dump(s2);
        assert_string_equal(d1, d2);
        free(d1);
        free(d2);
        store_close(s2);
    }
    store_close(s);
}

/* A store failure in the middle of a decided load names the application
 * and leaves nothing behind. */
static void test_failure_stops_cleanly(void **state)
{
    fixture *f = *state;
    char path[128], err[512] = "";
    store *s = new_db(f, path, sizeof path);
    assert_int_equal(sqlite3_exec(store_db(s),
        "CREATE TEMP TRIGGER stop5 BEFORE INSERT ON decisions WHEN NEW.application_id = 5"
        " BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(gen_demo_at(s, &f->key, &f->ds, 100, 1, NOW, f->eng, err, sizeof err), -1);
    assert_non_null(strstr(err, "application 5"));
    assert_int_equal(count(s, "SELECT count(*) FROM applications"), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM customers"), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM decisions"), 0);
    store_close(s);
}

static void test_bad_arguments(void **state)
{
    fixture *f = *state;
    char path[128], err[512] = "";
    dataset empty = { 0 };
    store *s = new_db(f, path, sizeof path);
    assert_int_equal(gen_demo_at(s, &f->key, &empty, 10, 1, NOW, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "empty"));
    assert_int_equal(gen_demo_at(s, &f->key, &f->ds, -1, 1, NOW, NULL, err, sizeof err), -1);
    assert_int_equal(count(s, "SELECT count(*) FROM applications"), 0);
    store_close(s);
}

static void test_dataset_errors(void **state)
{
    dataset d;
    char err[256];
    const char good[] = "Status,Seniority,Home,Time,Age,Marital,Records,Job,Expenses,Income,Assets,Debt,Amount,Price\n"
                        "bad,1,rent,60,30,,no,fixed,73,,0,0,800,846\n";
    const char bad_level[] = "Status,Seniority,Home,Time,Age,Marital,Records,Job,Expenses,Income,Assets,Debt,Amount,Price\n"
                             "good,1,castle,60,30,married,no,fixed,73,1,0,0,800,846\n";
    const char no_col[] = "Status,Seniority\ngood,1\n";
    const char bad_num[] = "Status,Seniority,Home,Time,Age,Marital,Records,Job,Expenses,Income,Assets,Debt,Amount,Price\n"
                           "good,1,rent,60,3o,married,no,fixed,73,1,0,0,800,846\n";
    (void)state;
    assert_int_equal(dataset_parse(good, sizeof good - 1, "g.csv", &d, err, sizeof err), 0);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.label[0], 1);
    assert_true(isnan(d.rows[0].v[F_MARITAL]) && isnan(d.rows[0].v[F_INCOME]));
    assert_true(d.rows[0].v[F_HOME] == feature_level_code(F_HOME, "rent"));
    assert_true(d.rows[0].v[F_PRICE] == 846);
    dataset_free(&d);
    assert_int_equal(dataset_parse(bad_level, sizeof bad_level - 1, "b.csv", &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "b.csv:2"));
    assert_non_null(strstr(err, "castle"));
    assert_null(d.rows);
    assert_int_equal(dataset_parse(no_col, sizeof no_col - 1, "c.csv", &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "no Home column"));
    assert_int_equal(dataset_parse(bad_num, sizeof bad_num - 1, "n.csv", &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "Age"));
    assert_int_equal(dataset_load("/nonexistent/x.csv", &d, err, sizeof err), -1);
}

static void test_shipped_dataset(void **state)
{
    fixture *f = *state;
    int bad = 0;
    assert_int_equal(f->ds.n, 4454);
    for (int i = 0; i < f->ds.n; i++) bad += f->ds.label[i];
    assert_int_equal(bad, 1254);
}

/* ---- yxd init, the real binary ------------------------------------- */

static int init(const char *const *args, char *out, size_t n, char *err, size_t en)
{
    return yxd_run(args, NULL, out, n, err, en);
}

static void test_init_command(void **state)
{
    fixture *f = *state;
    char db[128], key[160], out[2048], err[2048], hash[256];
    struct stat st;
    store *s;
    user u;
    snprintf(db, sizeof db, "%s/init.db", f->dir);
    snprintf(key, sizeof key, "%s.key", db);
    {
        const char *args[] = { "init", "--db", db, "--demo", "40", "--seed", "3", NULL };
        if (init(args, out, sizeof out, err, sizeof err) != 0) fail_msg("yxd init failed: %s", err);
    }
    assert_non_null(strstr(out, "40 applications"));
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, 32);
    {
        char e2[256];
        assert_int_equal(store_open(&s, db, 0, e2, sizeof e2), 0);
    }
    assert_int_equal(store_version(s), store_schema_count());
    assert_int_equal(count(s, "SELECT count(*) FROM applications"), 40);
    assert_int_equal(count(s, "SELECT count(*) FROM channels"), 4);
    assert_int_equal(count(s, "SELECT count(DISTINCT kind) FROM channels"), 4);
    /* Every demo application is decided by the shipped strategy. */
    assert_int_equal(count(s, "SELECT count(*) FROM decisions"), 40);
    assert_int_equal(count(s, "SELECT count(*) FROM applications WHERE status = 'submitted'"), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM users"), 5);
    {
        const char *names[] = { "officer", "risk", "auditor", "support", "admin" };
        for (int i = 0; i < 5; i++) {
            assert_int_equal(store_user_find(s, names[i], &u, hash, sizeof hash), 0);
            assert_string_equal(role_name(u.role), names[i]);
        }
        assert_true(store_password_verify(hash, GEN_DEMO_PASSWORD));
    }
    store_close(s);
    /* The stored decisions replay to the same result. */
    for (int id = 1; id <= 40; id += 13) {
        char ids[16];
        const char *args[] = { "replay", "--db", db, "--application", ids, NULL };
        snprintf(ids, sizeof ids, "%d", id);
        if (init(args, out, sizeof out, err, sizeof err) != 0) fail_msg("replay %d: %s%s", id, out, err);
        assert_non_null(strstr(out, "identical"));
    }
    /* Init again without --demo: a no-op on an existing database. */
    {
        const char *args[] = { "init", "--db", db, NULL };
        assert_int_equal(init(args, out, sizeof out, err, sizeof err), 0);
        assert_int_equal(store_open(&s, db, 0, err, sizeof err), 0);
        assert_int_equal(count(s, "SELECT count(*) FROM applications"), 40);
        store_close(s);
    }
    /* Demo data twice into one database is refused and changes nothing. */
    {
        const char *args[] = { "init", "--db", db, "--demo", "5", NULL };
        assert_int_equal(init(args, out, sizeof out, err, sizeof err), 1);
        assert_non_null(strstr(err, "already holds 40"));
        assert_int_equal(store_open(&s, db, 0, err, sizeof err), 0);
        assert_int_equal(count(s, "SELECT count(*) FROM applications"), 40);
        store_close(s);
    }
    /* An existing database without its key is not given a new one. */
    {
        char other[200];
        const char *args[] = { "init", "--db", db, "--key-file", other, NULL };
        snprintf(other, sizeof other, "%s/missing.key", f->dir);
        assert_int_equal(init(args, out, sizeof out, err, sizeof err), 1);
        assert_non_null(strstr(err, "key"));
        assert_int_equal(access(other, F_OK), -1);
    }
    /* A key file others can read is refused. */
    assert_int_equal(chmod(key, 0644), 0);
    {
        const char *args[] = { "init", "--db", db, NULL };
        assert_int_equal(init(args, out, sizeof out, err, sizeof err), 1);
        assert_non_null(strstr(err, "chmod 600"));
    }
}

static void test_init_usage(void **state)
{
    fixture *f = *state;
    char db[128], out[4096], err[2048];
    const char *const *cases[] = {
        (const char *const[]){ "init", NULL },
        (const char *const[]){ "init", "--db", NULL },
        (const char *const[]){ "init", "--db", "x.db", "--demo", "ten", NULL },
        (const char *const[]){ "init", "--db", "x.db", "--demo", "-5", NULL },
        (const char *const[]){ "init", "--db", "x.db", "--seed", "1.5", NULL },
        (const char *const[]){ "init", "--db", "x.db", "--bogus", NULL },
        (const char *const[]){ "init", "--db", "x.db", "--strategy", NULL },
        (const char *const[]){ "init", "x.db", NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(init(cases[i], out, sizeof out, err, sizeof err), 2);
        /* One clear line on stderr. */
        assert_non_null(strstr(err, "yxd init: "));
        assert_non_null(strchr(err, '\n'));
        assert_int_equal(strchr(err, '\n')[1], '\0');
    }
    assert_int_equal(access("x.db", F_OK), -1);       /* bad usage created nothing */
    {
        const char *args[] = { "init", "--help", NULL };
        assert_int_equal(init(args, out, sizeof out, err, sizeof err), 0);
        assert_non_null(strstr(out, "yixiang-demo"));
        assert_non_null(strstr(out, "--demo N"));
        assert_non_null(strstr(out, "--strategy FILE"));
    }
    {
        const char *args[] = { "init", "--db", "/nonexistent-dir/x.db", NULL };
        assert_int_equal(init(args, out, sizeof out, err, sizeof err), 1);
    }
    snprintf(db, sizeof db, "%s/d.db", f->dir);
    {
        const char *args[] = { "init", "--db", db, "--demo", "5", "--data", "/nonexistent.csv", NULL };
        assert_int_equal(init(args, out, sizeof out, err, sizeof err), 1);
        assert_non_null(strstr(err, "/nonexistent.csv"));
    }
    {
        const char *args[] = { "init", "--db", db, "--demo", "5", "--strategy", "/nonexistent.json", NULL };
        assert_int_equal(init(args, out, sizeof out, err, sizeof err), 1);
        assert_non_null(strstr(err, "/nonexistent.json"));
    }
    {
        store *s;
        assert_int_equal(store_open(&s, db, 0, err, sizeof err), 0);
        assert_int_equal(count(s, "SELECT count(*) FROM applications"), 0);
        store_close(s);
    }
    /* An explicit strategy decides the load. */
    {
        char strat[4096], db2[160];
        const char *args[] = { "init", "--db", db2, "--demo", "3", "--strategy", strat, NULL };
        store *s;
        yx_asset_path(strat, sizeof strat, "strategies/default.json");
        snprintf(db2, sizeof db2, "%s/s.db", f->dir);
        if (init(args, out, sizeof out, err, sizeof err) != 0) fail_msg("yxd init --strategy: %s", err);
        assert_non_null(strstr(out, "strategy strategy-"));
        assert_int_equal(store_open(&s, db2, 0, err, sizeof err), 0);
        assert_int_equal(count(s, "SELECT count(*) FROM decisions"), 3);
        store_close(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_data),
        cmocka_unit_test(test_plausible_rows),
        cmocka_unit_test(test_decided_load),
        cmocka_unit_test(test_failure_stops_cleanly),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_dataset_errors),
        cmocka_unit_test(test_shipped_dataset),
        cmocka_unit_test(test_init_command),
        cmocka_unit_test(test_init_usage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
