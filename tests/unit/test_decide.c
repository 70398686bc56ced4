/* The decision pipeline on the shipped strategy: each step's effect on the
 * outcome, the ranked reasons, the trace, the input's JSON round trip, and
 * replay of stored decisions (identical, and the difference shown). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/dataset.h"
#include "core/decide.h"
#include "core/gbdt.h"
#include "core/reasons.h"
#include "core/replay.h"
#include "core/scorecard.h"
#include "core/store.h"
#include "core/store_app.h"
#include "backend/cmd.h"
#include "tests/unit/cli_capture.h"

static engine *eng;
static dataset ds;

static int setup(void **state)
{
    (void)state;
    char err[256];
    if (engine_load(&eng, "assets/strategies/default.json", err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    if (dataset_load("assets/data/credit_data.csv", &ds, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    engine_free(eng);
    dataset_free(&ds);
    return 0;
}

/* Row i of the data set as an application that passes every policy rule. */
static decide_input input_of(int i)
{
    decide_input in;
    memset(&in, 0, sizeof in);
    in.channel = CH_OWN;
    in.product = PROD_CASH;
    in.amount_fen = 500000;
    in.term_months = 12;
    in.completeness = CPL_BUREAU;
    in.feat = ds.rows[i];
    in.feat.v[F_RECORDS] = 0;
    in.feat.v[F_INCOME] = 100;
    in.feat.v[F_EXPENSES] = 60;
    in.age = 35;
    in.id_valid = 1;
    return in;
}

static int has_reason(const decide_result *r, const char *code)
{
    for (int i = 0; i < r->nreasons; i++)
        if (!strcmp(r->reasons[i], code)) return 1;
    return 0;
}

/* A row whose input (with clean policy signals) reaches risk grade g. */
static int row_with_grade(char g)
{
    decide_result r = { 0 };
    for (int i = 0; i < ds.n; i++) {
        decide_input in = input_of(i);
        assert_int_equal(engine_decide(eng, &in, &r), 0);
        if (r.risk_grade == g) { decide_result_free(&r); return i; }
    }
    fail_msg("no row reaches grade %c", g);
    return -1;
}

static void every_row_is_consistent(void **state)
{
    (void)state;
    decide_result r = { 0 };
    int count[OUT__COUNT] = { 0 }, grades[128] = { 0 };
    assert_true(ds.n >= 4454);
    for (int i = 0; i < ds.n; i++) {
        decide_input in;
        memset(&in, 0, sizeof in);
        in.channel = (channel_kind)(i % CH__COUNT);
        in.product = (product_kind)(i % PROD__COUNT);
        in.amount_fen = in.product == PROD_SMB ? 2000000 : 300000 + 1000 * (i % 97);
        in.term_months = 12;
        in.completeness = (completeness_level)(i % CPL__COUNT);
        in.feat = ds.rows[i];
        in.age = isnan(ds.rows[i].v[F_AGE]) ? 30 : (int)ds.rows[i].v[F_AGE];
        in.id_valid = i % 50 != 0;
        in.recent_apps = i % 7;
        assert_int_equal(engine_decide(eng, &in, &r), 0);
        count[r.outcome]++;
        grades[(unsigned char)r.risk_grade]++;
        assert_non_null(strchr("ABCDER", r.risk_grade));
        assert_true(r.limit_fen % 10000 == 0);
        if (r.outcome == OUT_DECLINE) assert_true(r.limit_fen == 0 && r.apr_bp == 0);
        if (r.outcome == OUT_APPROVE) assert_true(r.limit_fen > 0 && r.limit_fen <= 5000000 && r.apr_bp > 0);
        if (!in.id_valid) assert_string_equal(r.reasons[0], "R_ID_INVALID");
        for (int k = 0; k < r.nreasons; k++) assert_non_null(reason_text(r.reasons[k]));
        assert_int_equal(strlen(r.trace), r.trace_len);
        if (i % 10 == 0) {   /* the trace is JSON and ends with the result */
            cJSON *t = cJSON_Parse(r.trace);
            assert_non_null(t);
            assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(t, "steps")), 7);
            assert_string_equal(cJSON_GetObjectItem(t, "outcome")->valuestring, outcome_name(r.outcome));
            assert_true(cJSON_GetObjectItem(t, "limit_fen")->valuedouble == (double)r.limit_fen);
            cJSON_Delete(t);
        }
    }
    /* the data set has all kinds of applicants */
    for (int o = 0; o < OUT__COUNT; o++) assert_true(count[o] > ds.n / 20);
    for (const char *g = "ABCDER"; *g; g++) assert_true(grades[(unsigned char)*g] > 0);
    decide_result_free(&r);
}

static void models_agree_with_their_modules(void **state)
{
    (void)state;
    gbdt *m;
    scorecard *sc;
    char err[256];
    assert_int_equal(gbdt_load_file(&m, "assets/models/gbdt.json", err, sizeof err), 0);
    assert_int_equal(scorecard_load_file(&sc, "assets/models/scorecard.json", err, sizeof err), 0);
    decide_result r = { 0 };
    for (int i = 0; i < 200; i++) {
        decide_input in = input_of(i);
        assert_int_equal(engine_decide(eng, &in, &r), 0);
        scorecard_result sr;
        scorecard_eval(sc, &in.feat, &sr);
        assert_int_equal(r.sc_score, sr.score);
        assert_int_equal(r.sc_grade, sr.grade);
        assert_true(r.gb_pd == gbdt_predict(m, in.feat.v));
    }
    assert_string_equal(r.gbdt_version, "gbdt-2026.11");
    assert_string_equal(r.scorecard_version, "scorecard-2026.11");
    assert_string_equal(r.strategy_version, "strategy-2026.11");
    model_score ms[2];
    decide_result_scores(&r, ms);
    assert_string_equal(ms[0].model, "scorecard");
    assert_true(ms[1].score == r.gb_pd && ms[1].grade == r.gb_grade);
    decide_result_free(&r);
    gbdt_free(m);
    scorecard_free(sc);
}

/* AUC of a score (higher = riskier) against the data set's labels, by the
 * rank-sum formula with ties sharing their rank. */
typedef struct { double score; int bad; } scored;

static int cmp_scored(const void *a, const void *b)
{
    double x = ((const scored *)a)->score, y = ((const scored *)b)->score;
    return (x > y) - (x < y);
}

static double auc(scored *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_scored);
    double rank_sum = 0;
    long bad = 0;
    for (int i = 0; i < n;) {
        int j = i;
        while (j < n && v[j].score == v[i].score) j++;
        for (int k = i; k < j; k++)
            if (v[k].bad) { rank_sum += (i + j + 1) / 2.0; bad++; }
        i = j;
    }
    long good = n - bad;
    return (rank_sum - bad * (bad + 1) / 2.0) / ((double)bad * good);
}

static void models_rank_risk(void **state)
{
    (void)state;
    scored *sc = calloc((size_t)ds.n, sizeof *sc), *gb = calloc((size_t)ds.n, sizeof *gb),
           *cross = calloc((size_t)ds.n, sizeof *cross);
    decide_result r = { 0 };
    for (int i = 0; i < ds.n; i++) {
        decide_input in;
        memset(&in, 0, sizeof in);
        in.channel = CH_OWN;
        in.product = PROD_CASH;
        in.amount_fen = 100000;
        in.term_months = 12;
        in.feat = ds.rows[i];
        in.age = 30;
        in.id_valid = 1;
        assert_int_equal(engine_decide(eng, &in, &r), 0);
        sc[i] = (scored){ -r.sc_score, ds.label[i] };
        gb[i] = (scored){ r.gb_pd, ds.label[i] };
        /* refer (the models disagree) counts between C and D */
        cross[i] = (scored){ r.risk_grade == 'R' ? 3.5 : r.risk_grade - 'A' + 1, ds.label[i] };
    }
    /* the whole data set (three quarters of it trained the models): the
     * holdout figures are in assets/models/README.md */
    double a_sc = auc(sc, ds.n), a_gb = auc(gb, ds.n), a_cross = auc(cross, ds.n);
    if (!(a_sc > 0.8 && a_gb > 0.8 && a_cross > 0.78))
        fail_msg("AUC scorecard %.3f gbdt %.3f cross %.3f", a_sc, a_gb, a_cross);
    free(sc);
    free(gb);
    free(cross);
    decide_result_free(&r);
}

static void steps_change_the_outcome(void **state)
{
    (void)state;
    decide_result r = { 0 };
    int a = row_with_grade('A');
    decide_input in = input_of(a);
    assert_int_equal(engine_decide(eng, &in, &r), 0);
    assert_int_equal(r.outcome, OUT_APPROVE);
    assert_int_equal(r.apr_bp, 720);          /* own channel, grade A */
    /* 100 units x 100 yuan x 3.5, full completeness */
    assert_int_equal(r.limit_fen, 3500000);

    /* completeness: the limit grows with the data supplied */
    int64_t prev = -1;
    for (int c = 0; c < CPL__COUNT; c++) {
        in.completeness = (completeness_level)c;
        assert_int_equal(engine_decide(eng, &in, &r), 0);
        assert_true(r.limit_fen > prev);
        prev = r.limit_fen;
    }
    in.completeness = CPL_INCOME;   /* 3,535,000 x 0.8 rounds down to 100 yuan */
    in.feat.v[F_INCOME] = 101;
    assert_int_equal(engine_decide(eng, &in, &r), 0);
    assert_int_equal(r.limit_fen, 2820000);

    /* authority: above the automatic ceiling a person decides */
    in = input_of(a);
    in.feat.v[F_INCOME] = 400;
    assert_int_equal(engine_decide(eng, &in, &r), 0);
    assert_int_equal(r.outcome, OUT_REFER);
    assert_string_equal(r.reasons[0], "S_ABOVE_AUTO_CEILING");
    assert_int_equal(r.limit_fen, 14000000);   /* capped for cash */

    /* a hard rule declines whatever the models say */
    in = input_of(a);
    in.blacklist_hit = 1;
    assert_int_equal(engine_decide(eng, &in, &r), 0);
    assert_int_equal(r.outcome, OUT_DECLINE);
    assert_string_equal(r.reasons[0], "R_BLACKLIST");
    /* a refer rule refers */
    in = input_of(a);
    in.recent_apps = 5;
    assert_int_equal(engine_decide(eng, &in, &r), 0);
    assert_int_equal(r.outcome, OUT_REFER);
    assert_string_equal(r.reasons[0], "R_VELOCITY");
    /* a term the channel does not offer */
    in = input_of(a);
    in.term_months = 7;
    assert_int_equal(engine_decide(eng, &in, &r), 0);
    assert_int_equal(r.outcome, OUT_DECLINE);
    assert_string_equal(r.reasons[0], "S_TERM_NOT_OFFERED");
    /* missing income: the strategy's base, not zero */
    in = input_of(a);
    in.feat.v[F_INCOME] = NAN;
    in.amount_fen = 200000;
    assert_int_equal(engine_decide(eng, &in, &r), 0);
    assert_int_equal(r.limit_fen, 300000);

    /* the cross matrix: where the models disagree a person decides */
    in = input_of(row_with_grade('R'));
    assert_int_equal(engine_decide(eng, &in, &r), 0);
    assert_int_equal(r.outcome, OUT_REFER);
    assert_true(has_reason(&r, "S_MODELS_DISAGREE"));
    assert_true(abs(r.sc_grade - r.gb_grade) >= 3);
    /* grade E is not admitted */
    in = input_of(row_with_grade('E'));
    assert_int_equal(engine_decide(eng, &in, &r), 0);
    assert_int_equal(r.outcome, OUT_DECLINE);
    assert_string_equal(r.reasons[0], "S_GRADE_DECLINE");
    /* h5 refers grade C where the own app approves */
    in = input_of(row_with_grade('C'));
    in.channel = CH_H5;
    assert_int_equal(engine_decide(eng, &in, &r), 0);
    assert_int_equal(r.outcome, OUT_REFER);
    assert_string_equal(r.reasons[0], "S_GRADE_REFER");

    /* absurd income: capped, not overflowed */
    in = input_of(a);
    in.feat.v[F_INCOME] = 1e300;
    assert_int_equal(engine_decide(eng, &in, &r), 0);
    assert_int_equal(r.limit_fen, 20000000);

    /* out-of-range input is refused */
    in.feat.v[F_DEBT] = INFINITY;
    assert_int_equal(engine_decide(eng, &in, &r), -1);
    in.feat.v[F_DEBT] = 0;
    in.amount_fen = -1;
    assert_int_equal(engine_decide(eng, &in, &r), -1);
    in.amount_fen = 100000;
    in.channel = CH__COUNT;
    assert_int_equal(engine_decide(eng, &in, &r), -1);
    decide_result_free(&r);
}

static void reasons_are_ranked(void **state)
{
    (void)state;
    decide_result r = { 0 };
    decide_input in = input_of(row_with_grade('D'));
    assert_int_equal(engine_decide(eng, &in, &r), 0);
    /* model reasons alternate scorecard and GBDT, largest first */
    assert_true(r.nreasons >= 4);
    int sc = 0, gb = 0;
    for (int i = 0; i < r.nreasons; i++) {
        if (!strncmp(r.reasons[i], "SC_", 3)) sc++;
        if (!strncmp(r.reasons[i], "GB_", 3)) gb++;
    }
    assert_true(sc >= 1 && sc <= 3 && gb >= 1 && gb <= 3);
    cJSON *t = cJSON_Parse(r.trace);
    cJSON *steps = cJSON_GetObjectItem(t, "steps");
    cJSON *contribs = cJSON_GetObjectItem(cJSON_GetArrayItem(steps, 2), "contribs");
    /* the first GB_ reason is the feature with the largest contribution */
    const char *first_gb = NULL;
    for (int i = 0; i < r.nreasons && !first_gb; i++)
        if (!strncmp(r.reasons[i], "GB_", 3)) first_gb = r.reasons[i];
    double best = -1;
    const char *best_name = NULL;
    for (cJSON *c = contribs->child; c; c = c->next)
        if (strcmp(c->string, "bias") && c->valuedouble > best) { best = c->valuedouble; best_name = c->string; }
    feature_id f;
    assert_int_equal(feature_parse(best_name, &f), 0);
    assert_string_equal(first_gb, reason_gbdt_code(f));
    cJSON_Delete(t);
    char joined[256];
    decide_reasons_join(&r, joined, sizeof joined);
    assert_non_null(strstr(joined, first_gb));
    assert_int_equal(joined[strlen(r.reasons[0])], ',');
    decide_result_free(&r);
}

static void trace_is_deterministic(void **state)
{
    (void)state;
    decide_result a = { 0 }, b = { 0 };
    decide_input in = input_of(7);
    assert_int_equal(engine_decide(eng, &in, &a), 0);
    char *first = strdup(a.trace);
    /* reuse of the buffer with another input, then the first again */
    decide_input other = input_of(8);
    assert_int_equal(engine_decide(eng, &other, &a), 0);
    assert_int_equal(engine_decide(eng, &in, &a), 0);
    assert_int_equal(engine_decide(eng, &in, &b), 0);
    assert_string_equal(first, a.trace);
    assert_string_equal(first, b.trace);
    free(first);
    decide_result_free(&a);
    decide_result_free(&b);
}

static void input_json_round_trip(void **state)
{
    (void)state;
    decide_input in = input_of(3), back;
    in.feat.v[F_ASSETS] = 0.1 + 0.2;     /* not a short decimal */
    in.feat.v[F_DEBT] = NAN;
    in.feat.v[F_HOME] = NAN;
    in.blacklist_hit = 1;
    in.recent_apps = 2;
    in.channel = CH_SEMI_API;
    char *json = decide_input_to_json(&in);
    assert_non_null(json);
    char err[200];
    assert_int_equal(decide_input_from_json(json, &back, err, sizeof err), 0);
    for (int i = 0; i < F__COUNT; i++)
        assert_true(isnan(in.feat.v[i]) ? isnan(back.feat.v[i]) : in.feat.v[i] == back.feat.v[i]);
    assert_int_equal(back.channel, CH_SEMI_API);
    assert_int_equal(back.amount_fen, in.amount_fen);
    assert_int_equal(back.completeness, in.completeness);
    assert_true(back.blacklist_hit && back.id_valid && back.recent_apps == 2 && back.age == 35);
    free(json);

    static const struct { const char *json, *msg; } bad[] = {
        { "[]", "not a JSON object" },
        { "{\"channel\":\"fax\"}", "channel (api, semi_api, h5 or own) missing or invalid" },
        { "{\"channel\":\"api\",\"product\":\"cash\",\"amount_fen\":1.5,\"term_months\":12}", "amount_fen" },
        { "{\"channel\":\"api\",\"product\":\"cash\",\"amount_fen\":100,\"term_months\":12,\"features\":{\"Shoe\":1}}",
          "features.Shoe: unknown feature" },
        { "{\"channel\":\"api\",\"product\":\"cash\",\"amount_fen\":100,\"term_months\":12,\"features\":{\"Home\":\"cave\"}}",
          "features.Home: unknown level \"cave\"" },
        { "{\"channel\":\"api\",\"product\":\"cash\",\"amount_fen\":100,\"term_months\":12,\"features\":{}}",
          "age (years, 0-150) missing or invalid" },
        { "{\"channel\":\"api\",\"product\":\"cash\",\"amount_fen\":100,\"term_months\":12,\"features\":{\"Age\":1e300}}",
          "age (years, 0-150) missing or invalid" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&back, 0x33, sizeof back);
        assert_int_equal(decide_input_from_json(bad[i].json, &back, err, sizeof err), -1);
        assert_int_equal(((unsigned char *)&back)[0], 0x33);
        if (!strstr(err, bad[i].msg)) fail_msg("case %zu: got \"%s\"", i, err);
    }
}

/* ---- replay against a real store ---- */

static int64_t store_one(store *s, const decide_input *in, const decide_result *r, const char *input_json)
{
    customer c;
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "欧阳娜娜");
    snprintf(c.id_number, sizeof c.id_number, "11010519491231002X");
    crypto_key k;
    memset(&k, 7, sizeof k);
    int64_t cid, aid;
    assert_int_equal(store_customer_insert(s, &c, &k, &cid), 0);
    application a;
    memset(&a, 0, sizeof a);
    a.customer_id = cid;
    a.channel = in->channel;
    a.product = in->product;
    a.amount_fen = in->amount_fen;
    a.term_months = in->term_months;
    a.completeness = in->completeness;
    a.feat = in->feat;
    assert_int_equal(store_app_insert(s, &a, &aid), 0);
    decision d;
    decide_result_to_decision(r, aid, 1700000000000, &d);
    assert_int_equal(store_decision_put(s, &d, input_json), 0);
    return aid;
}

static void replay_stored_decisions(void **state)
{
    (void)state;
    char dir[] = "/tmp/yx-decide-XXXXXX", path[128], err[256], report[2048];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/yx.db", dir);
    store *s;
    assert_int_equal(store_open(&s, path, STORE_CREATE, err, sizeof err), 0);
    assert_int_equal(store_migrate(s), 0);

    decide_result r = { 0 };
    decide_input in = input_of(11);
    assert_int_equal(engine_decide(eng, &in, &r), 0);
    char *json = decide_input_to_json(&in);
    int64_t ok = store_one(s, &in, &r, json);
    assert_int_equal(decide_replay(s, eng, ok, report, sizeof report, err, sizeof err), 0);
    assert_string_equal(report, "");

    /* a stored decision that differs from what the engine decides now */
    in.feat.v[F_INCOME] = 90;
    decide_result other = { 0 };
    assert_int_equal(engine_decide(eng, &in, &other), 0);
    assert_true(other.limit_fen != r.limit_fen);
    int64_t bad = store_one(s, &in, &other, json);   /* json: the old input */
    assert_int_equal(decide_replay(s, eng, bad, report, sizeof report, err, sizeof err), 1);
    assert_non_null(strstr(report, "limit_fen: stored"));
    assert_non_null(strstr(report, "trace: differs at byte"));

    /* no input stored, no decision at all */
    int64_t noin = store_one(s, &in, &other, NULL);
    assert_int_equal(decide_replay(s, eng, noin, report, sizeof report, err, sizeof err), -1);
    assert_non_null(strstr(err, "without its input"));
    assert_int_equal(decide_replay(s, eng, 999, report, sizeof report, err, sizeof err), -1);
    assert_non_null(strstr(err, "has no decision"));

    /* the same through yxd replay */
    char okid[24], badid[24];
    snprintf(okid, sizeof okid, "%lld", (long long)ok);
    snprintf(badid, sizeof badid, "%lld", (long long)bad);
    const char *argv_ok[] = { "replay", "--db", path, "--application", okid,
                              "--strategy", "assets/strategies/default.json", NULL };
    cli_result cr = cli_run(cmd_replay, argv_ok);
    assert_int_equal(cr.rc, 0);
    assert_non_null(strstr(cr.out, "identical: application"));
    cli_done(&cr);
    const char *argv_bad[] = { "replay", "--db", path, "--application", badid,
                               "--strategy", "assets/strategies/default.json", NULL };
    cr = cli_run(cmd_replay, argv_bad);
    assert_int_equal(cr.rc, 1);
    assert_non_null(strstr(cr.out, "different: application"));
    assert_non_null(strstr(cr.out, "limit_fen: stored"));
    assert_non_null(strstr(cr.err, "differs"));
    cli_done(&cr);
    const char *argv_usage[] = { "replay", "--db", path, "--application", "x1", NULL };
    cr = cli_run(cmd_replay, argv_usage);
    assert_int_equal(cr.rc, 2);
    assert_non_null(strstr(cr.err, "positive application id"));
    cli_done(&cr);

    free(json);
    decide_result_free(&r);
    decide_result_free(&other);
    store_close(s);
    unlink(path);
    snprintf(path, sizeof path, "%s/yx.db-wal", dir); unlink(path);
    snprintf(path, sizeof path, "%s/yx.db-shm", dir); unlink(path);
    rmdir(dir);
}

static void decide_command(void **state)
{
    (void)state;
    char dir[] = "/tmp/yx-decide-XXXXXX", app[64], bad[64];
    assert_non_null(mkdtemp(dir));
    snprintf(app, sizeof app, "%s/app.json", dir);
    snprintf(bad, sizeof bad, "%s/bad.json", dir);
    decide_input in = input_of(5);
    char *json = decide_input_to_json(&in);
    FILE *f = fopen(app, "w");
    fputs(json, f);
    fclose(f);
    free(json);
    f = fopen(bad, "w");
    fputs("{\"channel\":\"api\",\"product\":\"cash\",\"amount_fen\":100,\"term_months\":12,"
          "\"features\":{\"Shoe\":1}}", f);
    fclose(f);

    decide_result r = { 0 };
    assert_int_equal(engine_decide(eng, &in, &r), 0);
    const char *argv[] = { "decide", "--strategy", "assets/strategies/default.json", "--json", app, NULL };
    cli_result cr = cli_run(cmd_decide, argv);
    assert_int_equal(cr.rc, 0);
    cJSON *o = cJSON_Parse(cr.out);
    assert_non_null(o);
    assert_string_equal(cJSON_GetObjectItem(o, "outcome")->valuestring, outcome_name(r.outcome));
    assert_true(cJSON_GetObjectItem(o, "limit_fen")->valuedouble == (double)r.limit_fen);
    cJSON *reasons = cJSON_GetObjectItem(o, "reasons");
    assert_int_equal(cJSON_GetArraySize(reasons), r.nreasons);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(reasons, 0), "text")->valuestring,
                        reason_text(r.reasons[0]));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "trace"), "steps")), 7);
    cJSON_Delete(o);
    cli_done(&cr);

    const char *argv_bad[] = { "decide", "--json", bad, NULL };
    cr = cli_run(cmd_decide, argv_bad);
    assert_int_equal(cr.rc, 1);
    assert_non_null(strstr(cr.err, "bad.json: features.Shoe: unknown feature"));
    assert_string_equal(cr.out, "");
    cli_done(&cr);
    const char *argv_nostrat[] = { "decide", "--strategy", "/nonexistent.json", "--json", app, NULL };
    cr = cli_run(cmd_decide, argv_nostrat);
    assert_int_equal(cr.rc, 1);
    assert_non_null(strstr(cr.err, "/nonexistent.json: cannot read"));
    cli_done(&cr);
    const char *argv_usage[] = { "decide", NULL };
    cr = cli_run(cmd_decide, argv_usage);
    assert_int_equal(cr.rc, 2);
    cli_done(&cr);
    decide_result_free(&r);
    unlink(app);
    unlink(bad);
    rmdir(dir);
}

static void reason_table_is_consistent(void **state)
{
    (void)state;
    int n;
    const reason_info *t = reason_table(&n);
    assert_true(n >= 14 + 2 * F__COUNT);
    for (int i = 0; i < n; i++) {
        assert_true(strlen(t[i].code) < 24 && strlen(t[i].text) > 5);
        assert_ptr_equal(reason_text(t[i].code), t[i].text);
        for (int j = 0; j < i; j++) assert_string_not_equal(t[i].code, t[j].code);
    }
    /* the per-feature codes name their feature */
    for (int f = 0; f < F__COUNT; f++) {
        char want[32];
        const char *name = feature_name((feature_id)f);
        size_t k = 0;
        for (; name[k] && k < 20; k++) want[k] = (char)(name[k] >= 'a' ? name[k] - 32 : name[k]);
        want[k] = '\0';
        assert_string_equal(reason_scorecard_code((feature_id)f) + 3, want);
        assert_string_equal(reason_gbdt_code((feature_id)f) + 3, want);
        assert_int_equal(strncmp(reason_scorecard_code((feature_id)f), "SC_", 3), 0);
        assert_int_equal(strncmp(reason_gbdt_code((feature_id)f), "GB_", 3), 0);
    }
    assert_null(reason_text("NO_SUCH_CODE"));
}

static void broken_strategy_named(void **state)
{
    (void)state;
    engine *e = (engine *)1;
    char err[256];
    assert_int_equal(engine_load(&e, "/nonexistent/strategy.json", err, sizeof err), -1);
    assert_null(e);
    assert_non_null(strstr(err, "/nonexistent/strategy.json: cannot read"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_row_is_consistent),
        cmocka_unit_test(models_agree_with_their_modules),
        cmocka_unit_test(models_rank_risk),
        cmocka_unit_test(steps_change_the_outcome),
        cmocka_unit_test(reasons_are_ranked),
        cmocka_unit_test(trace_is_deterministic),
        cmocka_unit_test(input_json_round_trip),
        cmocka_unit_test(replay_stored_decisions),
        cmocka_unit_test(decide_command),
        cmocka_unit_test(reason_table_is_consistent),
        cmocka_unit_test(broken_strategy_named),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
