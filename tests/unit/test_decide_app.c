/* Recording a decided application (core/decide_app): the engine's input
 * from an application and the platform signals, and the rows a decision
 * leaves: decision with input (replayable), both scores, status, version,
 * and the defense case for each outcome and sampling choice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/decide_app.h"
#include "core/person.h"
#include "core/replay.h"
#include "core/store_app.h"
#include "core/util.h"
#include "tests/common/tmpdir.h"

typedef struct {
    char path[256];
    store *s;
    engine *e;
    int64_t customer_id;      /* the applicant of every application */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char err[512], p[4096];
    int fd;
    if ((fd = yx_test_mkstemp(f->path, sizeof f->path, "yx-test-decide-app")) < 0) return -1;
    close(fd);
    if (store_open(&f->s, f->path, STORE_CREATE | STORE_NOSYNC, err, sizeof err) || store_migrate(f->s) ||
        engine_load(&f->e, yx_asset_path(p, sizeof p, "strategies/default.json"), err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    {
        customer c;
        crypto_key k;
        rng r;
        rng_seed(&r, 1);
        person_gen(&r, 30, 1795521600000LL, &c);
        memset(&k, 5, sizeof k);
        if (store_customer_insert(f->s, &c, &k, &f->customer_id)) return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char p[300];
    store_close(f->s);
    engine_free(f->e);
    unlink(f->path);
    snprintf(p, sizeof p, "%s-wal", f->path); unlink(p);
    snprintf(p, sizeof p, "%s-shm", f->path); unlink(p);
    free(f);
    return 0;
}

/* A stored application with the given records level (0 no, 1 yes) and
 * amount; status submitted. */
static void new_app(fixture *f, int records, int64_t amount_fen, application *a)
{
    static const double row[F__COUNT] = { 12, 2, 48, 28, 1, 1, 0, 47, 108, 4200, 1550, 400, 1739 };
    memset(a, 0, sizeof *a);
    for (int i = 0; i < F__COUNT; i++) a->feat.v[i] = row[i];
    a->feat.v[F_RECORDS] = records;
    a->customer_id = f->customer_id;
    a->channel = CH_API;
    a->product = PROD_CASH;
    a->amount_fen = amount_fen;
    a->term_months = 3;
    a->completeness = CPL_INCOME;
    a->status = APP_SUBMITTED;
    a->created_at = 1795521600000LL;
    yx_strlcpy(a->partner, "途旅网", sizeof a->partner);
    assert_int_equal(store_app_insert(f->s, a, NULL), 0);
}

static void decide(fixture *f, const application *a, int blacklist, decide_result *r, char **json)
{
    decide_signals sig = { 30, 1, blacklist, 0 };
    decide_input in;
    decide_app_input(a, &sig, &in);
    assert_int_equal(in.amount_fen, a->amount_fen);
    assert_int_equal(in.channel, a->channel);
    assert_int_equal(in.age, 30);
    assert_int_equal(in.blacklist_hit, blacklist);
    assert_true(in.feat.v[F_INCOME] == a->feat.v[F_INCOME]);
    assert_int_equal(engine_decide(f->e, &in, r), 0);
    assert_non_null(*json = decide_input_to_json(&in));
}

static void test_record_each_case(void **state)
{
    fixture *f = *state;
    decide_result r;
    int refers = 0;
    memset(&r, 0, sizeof r);
    /* A past record refers (R_RECORDS); a blacklist hit declines. */
    for (int blacklist = 0; blacklist <= 1; blacklist++)
        for (int kase = DECIDE_CASE_NONE; kase <= DECIDE_CASE_SAMPLED; kase++) {
            application a;
            app_row row;
            defense_state df;
            char *json, report[1024], err[256];
            int64_t version = 0;
            int has_case;
            new_app(f, 1, 200000, &a);
            decide(f, &a, blacklist, &r, &json);
            if (blacklist) assert_int_equal(r.outcome, OUT_DECLINE);
            assert_int_equal(decide_app_record(f->s, &a, &r, json, a.created_at + 100, (decide_case)kase,
                                               "tulv-api", &version), 0);
            free(json);
            assert_int_equal(store_app_get(f->s, a.id, &row), 0);
            assert_int_equal(row.app.status, store_status_for_outcome(r.outcome));
            assert_int_equal(row.app.version, version);
            assert_int_equal(row.grade, r.risk_grade);
            assert_int_equal(row.limit_fen, r.limit_fen);
            assert_int_equal(row.app.updated_at, a.created_at + 100);
            assert_int_equal(decide_replay(f->s, f->e, a.id, report, sizeof report, err, sizeof err), 0);
            has_case = store_defense_get(f->s, a.id, &df) == 0;
            if (r.outcome == OUT_REFER) {
                refers++;
                assert_true(has_case);
                assert_int_equal(df.l1, L1_PENDING);
                assert_int_equal(df.l3, L3_NOT_SAMPLED);
            } else if (kase == DECIDE_CASE_NONE) {
                assert_false(has_case);
            } else {
                assert_true(has_case);
                assert_int_equal(df.l1, r.outcome == OUT_APPROVE ? L1_APPROVED : L1_REJECTED);
                assert_string_equal(df.l1_user, "auto");
                assert_int_equal(df.l3, kase == DECIDE_CASE_SAMPLED ? L3_SAMPLED : L3_NOT_SAMPLED);
            }
        }
    assert_int_equal(refers, 3);
    {
        char sql[] = "SELECT count(*) FROM scores";
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(store_db(f->s), sql, -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), 12);   /* two per application */
        sqlite3_finalize(st);
    }
    decide_result_free(&r);
}

/* Inserted already with the outcome's status (decided first): recorded
 * the same, with one version step fewer; a missing application is 1. */
static void test_status_set_before_insert(void **state)
{
    fixture *f = *state;
    decide_result r;
    application a, b;
    app_row row;
    char *json;
    int64_t version = 0;
    memset(&r, 0, sizeof r);
    new_app(f, 0, 200000, &a);
    decide(f, &a, 0, &r, &json);
    b = a;
    b.status = store_status_for_outcome(r.outcome);
    assert_int_equal(store_app_insert(f->s, &b, NULL), 0);
    assert_int_equal(decide_app_record(f->s, &b, &r, json, b.created_at, DECIDE_CASE_NONE, NULL, &version), 0);
    assert_int_equal(version, 2);
    assert_int_equal(store_app_get(f->s, b.id, &row), 0);
    assert_int_equal(row.app.version, 2);
    assert_int_equal(row.app.status, b.status);
    b.id = 999999;
    assert_int_equal(decide_app_record(f->s, &b, &r, json, b.created_at, DECIDE_CASE_NONE, NULL, &version), 1);
    free(json);
    decide_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_each_case),
        cmocka_unit_test(test_status_set_before_insert),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
