/* The decision pipeline on the shipped strategy: each step's effect on the
 * outcome, the models' agreement with their own modules, the ranked
 * reasons and the trace. The decision's JSON input, replay and the command
 * lines are in test_decide_io.c. */
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
#include "core/scorecard.h"
#include "core/util.h"
#include "tests/unit/decide_fixture.h"
#include "tests/common/tmpdir.h"

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

    /* a strategy naming a model whose features are not the application's,
     * or one that predicts no probability */
    static const struct { const char *names, *obj, *msg; } models[] = {
        { "\"Seniority\",\"Home\"", "binary:logistic", "m.json: model has 2 features, input has 13" },
        { "\"Seniority\",\"Home\",\"Time\",\"Age\",\"Marital\",\"Records\",\"Job\",\"Expenses\","
          "\"Income\",\"Assets\",\"Debt\",\"Price\",\"Amount\"", "binary:logistic",
          "m.json: feature 12 is \"Price\" in the model but \"Amount\" in the input" },
        { "\"Seniority\",\"Home\",\"Time\",\"Age\",\"Marital\",\"Records\",\"Job\",\"Expenses\","
          "\"Income\",\"Assets\",\"Debt\",\"Amount\",\"Price\"", "reg:squarederror",
          "m.json: the decision model must predict a probability" },
    };
    char dir[256], model[300], strat[300];
    assert_non_null(yx_test_mkdtemp(dir, sizeof dir, "yx-strategy"));
    snprintf(model, sizeof model, "%s/m.json", dir);
    snprintf(strat, sizeof strat, "%s/s.json", dir);
    size_t len;
    char *text = yx_read_file("assets/strategies/default.json", &len, 1 << 20);
    assert_non_null(text);
    char *at = strstr(text, "\"models/gbdt.json\"");
    assert_non_null(at);
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        int nf = 1;
        for (const char *p = models[i].names; *p; p++) nf += *p == ',';
        FILE *f = fopen(model, "w");
        assert_non_null(f);
        fprintf(f, "{\"learner\":{\"feature_names\":[%s],\"gradient_booster\":{\"model\":{"
                "\"tree_info\":[0],\"trees\":[{\"default_left\":[0],\"left_children\":[-1],"
                "\"right_children\":[-1],\"split_conditions\":[0.1],\"split_indices\":[0],"
                "\"sum_hessian\":[1]}]},\"name\":\"gbtree\"},\"learner_model_param\":{"
                "\"base_score\":\"5E-1\",\"num_feature\":\"%d\"},\"objective\":{\"name\":\"%s\"}}}",
                models[i].names, nf, models[i].obj);
        fclose(f);
        f = fopen(strat, "w");
        assert_non_null(f);
        fprintf(f, "%.*s\"%s\"%s", (int)(at - text), text, model, at + strlen("\"models/gbdt.json\""));
        fclose(f);
        e = (engine *)1;
        assert_int_equal(engine_load(&e, strat, err, sizeof err), -1);
        assert_null(e);
        if (!strstr(err, models[i].msg)) fail_msg("case %zu: got \"%s\"", i, err);
    }
    free(text);
    yx_test_rmtree(dir);
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
        cmocka_unit_test(reason_table_is_consistent),
        cmocka_unit_test(broken_strategy_named),
    };
    return cmocka_run_group_tests(tests, decide_setup, decide_teardown);
}
