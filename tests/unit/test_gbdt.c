/* The native XGBoost evaluator: parity with XGBoost's own predictions on
 * every row of the credit data set, on rows placed exactly on thresholds and
 * rows with missing values, for every supported objective; float32
 * threshold semantics; and loader errors on broken models. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/domain.h"
#include "core/gbdt.h"
#include "core/util.h"
#include "backend/cmd.h"
#include "tests/unit/cli_capture.h"
#include "tests/unit/fixture_csv.h"
#include "tests/common/tmpdir.h"

static gbdt *load(const char *path)
{
    gbdt *m;
    char err[256];
    if (gbdt_load_file(&m, path, err, sizeof err)) fail_msg("%s", err);
    return m;
}

/* Checks every row; returns how many rows had a missing value. */
static int check_parity(const char *model_path, const char *fixture, int min_rows)
{
    gbdt *m = load(model_path);
    table t;
    table_load(&t, fixture);
    int nf = gbdt_num_features(m);
    int has_contribs = t.ncols == nf + 2 + nf + 1;
    assert_true(t.ncols == nf + 2 || has_contribs);
    assert_true(t.nrows >= min_rows);
    double contribs[64];
    int with_missing = 0;
    for (int i = 0; i < t.nrows; i++) {
        const double *row = &t.v[i * t.ncols];
        for (int j = 0; j < nf; j++)
            if (isnan(row[j])) { with_missing++; break; }
        float margin = gbdt_margin(m, row);
        double pred = gbdt_predict(m, row);
        if (fabs(pred - row[nf]) > 1e-6 || fabs(margin - row[nf + 1]) > 1e-6)
            fail_msg("%s row %d: pred %.9g margin %.9g, XGBoost %.9g %.9g",
                     fixture, i + 2, pred, margin, row[nf], row[nf + 1]);
        if (!has_contribs) continue;
        assert_true(gbdt_contribs(m, row, contribs) == margin);
        double sum = 0;
        for (int j = 0; j <= nf; j++) {
            sum += contribs[j];
            if (fabs(contribs[j] - row[nf + 2 + j]) > 1e-5)
                fail_msg("%s row %d: contribution %d %.9g, XGBoost %.9g",
                         fixture, i + 2, j, contribs[j], row[nf + 2 + j]);
        }
        assert_true(fabs(sum - margin) < 1e-4);
    }
    free(t.v);
    gbdt_free(m);
    return with_missing;
}

static void parity_every_row(void **state)
{
    (void)state;
    /* the whole data set: 4454 rows, some with missing values */
    assert_true(check_parity("assets/models/gbdt.json", "tests/fixtures/xgb_gbdt_pred.csv", 4454) > 300);
}

static void parity_thresholds_and_missing(void **state)
{
    (void)state;
    assert_true(check_parity("assets/models/gbdt.json", "tests/fixtures/xgb_gbdt_edge.csv", 500) >= 200);
}

static void parity_other_objectives(void **state)
{
    (void)state;
    static const char *const objs[] = { "binary_logitraw", "reg_logistic", "reg_squarederror" };
    for (size_t i = 0; i < 3; i++) {
        char mp[128], fp[128];
        snprintf(mp, sizeof mp, "tests/fixtures/xgb_%s.json", objs[i]);
        snprintf(fp, sizeof fp, "tests/fixtures/xgb_%s_pred.csv", objs[i]);
        check_parity(mp, fp, 400);
    }
    gbdt *m = load("tests/fixtures/xgb_binary_logitraw.json");
    assert_int_equal(gbdt_get_objective(m), GBDT_BINARY_LOGITRAW);
    gbdt_free(m);
}

static void shipped_model_metadata(void **state)
{
    (void)state;
    gbdt *m = load("assets/models/gbdt.json");
    const char *names[F__COUNT];
    char err[200];
    for (int i = 0; i < F__COUNT; i++) names[i] = feature_name((feature_id)i);
    assert_int_equal(gbdt_check_features(m, names, F__COUNT, err, sizeof err), 0);
    names[3] = "Income";
    assert_int_equal(gbdt_check_features(m, names, F__COUNT, err, sizeof err), -1);
    assert_non_null(strstr(err, "feature 4 is \"Age\""));
    assert_int_equal(gbdt_check_features(m, names, 12, err, sizeof err), -1);
    assert_string_equal(gbdt_version(m), "gbdt-2026.11");
    assert_int_equal(gbdt_num_trees(m), 150);
    gbdt_free(m);
}

/* A one-split model: feature a < THR goes to the left leaf (-1), else the
 * right leaf (2); missing goes to the side named by DLEFT. */
static const char tiny_fmt[] =
    "{\"learner\":{\"attributes\":{},\"feature_names\":[\"a\",\"b\"],\"feature_types\":[],"
    "\"gradient_booster\":{\"model\":{\"gbtree_model_param\":{\"num_trees\":\"1\"},"
    "\"tree_info\":[0],\"trees\":[{\"base_weights\":[0,-1,2],\"default_left\":[%d,0,0],"
    "\"id\":0,\"left_children\":[%s,-1,-1],\"right_children\":[2,-1,-1],"
    "\"split_conditions\":[%s,-1,2],\"split_indices\":[%s,0,0],\"split_type\":[0,0,0],"
    "\"sum_hessian\":[4,1,3]}]},\"name\":\"gbtree\"},"
    "\"learner_model_param\":{\"base_score\":\"%s\",\"num_class\":\"0\",\"num_feature\":\"2\"},"
    "\"objective\":{\"name\":\"%s\"}},\"version\":[1,7,4]}";

static int tiny(gbdt **m, int dleft, const char *left, const char *thr, const char *feat,
                const char *base, const char *obj, char *err, size_t n)
{
    char json[2048];
    snprintf(json, sizeof json, tiny_fmt, dleft, left, thr, feat, base, obj);
    return gbdt_load_json(m, json, strlen(json), "tiny.json", err, n);
}

static void threshold_semantics(void **state)
{
    (void)state;
    gbdt *m;
    char err[200];
    assert_int_equal(tiny(&m, 1, "1", "1E-1", "0", "5E-1", "reg:squarederror", err, sizeof err), 0);
    double x[2] = { 0.1, 0 };
    /* equal to the threshold goes right */
    assert_true(gbdt_margin(m, x) == 2.5f);
    /* compared in float32: 0.1000000001 rounds to the same float as 0.1 */
    x[0] = 0.1000000001;
    assert_true(gbdt_margin(m, x) == 2.5f);
    x[0] = 0.0999999;
    assert_true(gbdt_margin(m, x) == -0.5f);
    x[0] = NAN;   /* default_left */
    assert_true(gbdt_margin(m, x) == -0.5f);
    double c[3];
    gbdt_contribs(m, x, c);
    /* root mean (3*2 + 1*-1)/4 = 1.25; left leaf -1 -> -2.25 to feature a */
    assert_true(fabs(c[0] + 2.25) < 1e-7 && c[1] == 0 && fabs(c[2] - 1.75) < 1e-7);
    gbdt_free(m);

    /* missing goes right when default_left is 0 */
    assert_int_equal(tiny(&m, 0, "1", "1E-1", "0", "5E-1", "reg:squarederror", err, sizeof err), 0);
    assert_true(gbdt_margin(m, x) == 2.5f);
    gbdt_free(m);

    /* base_score as a probability, with or without brackets */
    gbdt *a, *b;
    assert_int_equal(tiny(&a, 1, "1", "0", "0", "2E-1", "binary:logistic", err, sizeof err), 0);
    assert_int_equal(tiny(&b, 1, "1", "0", "0", "[2E-1]", "binary:logistic", err, sizeof err), 0);
    x[0] = 1;
    float want = -logf(1.0f / 0.2f - 1.0f) + 2.0f;
    assert_true(gbdt_margin(a, x) == want && gbdt_margin(b, x) == want);
    assert_true(fabs(gbdt_predict(a, x) - 1 / (1 + exp(-(double)want))) < 1e-6);
    gbdt_free(a);
    gbdt_free(b);
}

static void broken_models_rejected(void **state)
{
    (void)state;
    static const struct { int dleft; const char *left, *thr, *feat, *base, *obj, *msg; } cases[] = {
        { 1, "1", "0", "0", "5E-1", "multi:softmax", "objective multi:softmax is not supported" },
        { 1, "1", "0", "0", "1", "binary:logistic", "base_score 1 must be in (0, 1)" },
        { 1, "1", "0", "0", "x", "binary:logistic", "base_score missing or not a number" },
        { 1, "1", "0", "7", "5E-1", "binary:logistic", "split feature 7 out of range" },
        { 1, "0", "0", "0", "5E-1", "binary:logistic", "bad child index" },
        { 1, "9", "0", "0", "5E-1", "binary:logistic", "bad child index" },
        /* a node with two parents, or a fractional index */
        { 1, "2", "0", "0", "5E-1", "binary:logistic", "bad child index" },
        { 1, "1.5", "0", "0", "5E-1", "binary:logistic", "bad child index" },
        { 1, "1", "0", "0.5", "5E-1", "binary:logistic", "split feature 0.5 out of range" },
        { 1, "1", "\"a\"", "0", "5E-1", "binary:logistic", "non-numeric entry" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gbdt *m = (gbdt *)1;
        char err[200] = "";
        assert_int_equal(tiny(&m, cases[i].dleft, cases[i].left, cases[i].thr, cases[i].feat,
                              cases[i].base, cases[i].obj, err, sizeof err), -1);
        assert_null(m);
        if (!strstr(err, cases[i].msg) || strncmp(err, "tiny.json: ", 11))
            fail_msg("case %zu: got \"%s\"", i, err);
    }
    gbdt *m;
    char err[200];
    assert_int_equal(gbdt_load_json(&m, "{\"learner\":", 11, "x.json", err, sizeof err), -1);
    assert_string_equal(err, "x.json: not valid JSON at line 1, column 11");
    /* a document is one value: what follows it is not ignored */
    assert_int_equal(gbdt_load_json(&m, "{} x", 4, "x.json", err, sizeof err), -1);
    assert_string_equal(err, "x.json: not valid JSON at line 1, column 4");
    /* the line and column of a bad value further down */
    static const char two[] = "{\"learner\": {\n  \"a\": 1,\n  \"b\": tru\n}}";
    assert_int_equal(gbdt_load_json(&m, two, sizeof two - 1, "x.json", err, sizeof err), -1);
    assert_string_equal(err, "x.json: not valid JSON at line 3, column 8");
    assert_int_equal(gbdt_load_json(&m, "{}", 2, "x.json", err, sizeof err), -1);
    assert_non_null(strstr(err, "not an XGBoost JSON model"));
    assert_int_equal(gbdt_load_file(&m, "/nonexistent/m.json", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/m.json: cannot read"));
}

/* A "tree" of 40 nodes where each split sends both ways to the next node:
 * 2^39 paths. It must be refused, not walked. */
static void shared_nodes_rejected(void **state)
{
    (void)state;
    enum { N = 40 };
    char kids[N * 4], zeros[N * 3], ones[N * 3], json[4096];
    size_t a = 0, b = 0, c = 0;
    for (int k = 0; k < N; k++) {
        a += (size_t)snprintf(kids + a, sizeof kids - a, "%s%d", k ? "," : "", k + 1 < N ? k + 1 : -1);
        b += (size_t)snprintf(zeros + b, sizeof zeros - b, "%s0", k ? "," : "");
        c += (size_t)snprintf(ones + c, sizeof ones - c, "%s1", k ? "," : "");
    }
    snprintf(json, sizeof json,
             "{\"learner\":{\"gradient_booster\":{\"model\":{\"tree_info\":[0],\"trees\":[{"
             "\"default_left\":[%s],\"left_children\":[%s],\"right_children\":[%s],"
             "\"split_conditions\":[%s],\"split_indices\":[%s],\"sum_hessian\":[%s]}]},"
             "\"name\":\"gbtree\"},\"learner_model_param\":{\"base_score\":\"5E-1\","
             "\"num_feature\":\"1\"},\"objective\":{\"name\":\"binary:logistic\"}}}",
             zeros, kids, kids, zeros, zeros, ones);
    gbdt *m;
    char err[200];
    assert_int_equal(gbdt_load_json(&m, json, strlen(json), "dag.json", err, sizeof err), -1);
    assert_null(m);
    assert_non_null(strstr(err, "trees[0] node 0: bad child index"));
}

static void model_predict_command(void **state)
{
    (void)state;
    table t;
    table_load(&t, "tests/fixtures/xgb_gbdt_edge.csv");
    /* the fixture has the features and XGBoost's outputs: extra columns
     * are ignored, empty cells are missing */
    const char *pred[] = { "model", "predict", "--model", "assets/models/gbdt.json",
                     "--csv", "tests/fixtures/xgb_gbdt_edge.csv", NULL, NULL };
    for (int mode = 0; mode < 3; mode++) {
        pred[6] = mode == 0 ? NULL : mode == 1 ? "--margin" : "--contribs";
        cli_result r = cli_run(cmd_model, pred);
        assert_int_equal(r.rc, 0);
        assert_string_equal(r.err, "");
        char *line = r.out;
        for (int i = 0; i < t.nrows; i++) {
            const double *row = &t.v[i * t.ncols];
            int ncol = mode == 2 ? F__COUNT + 1 : 1;
            for (int c = 0; c < ncol; c++) {
                char *end;
                double v = strtod(line, &end);
                assert_true(end != line);
                double want = mode == 0 ? row[F__COUNT] : mode == 1 ? row[F__COUNT + 1] : row[F__COUNT + 2 + c];
                if (fabs(v - want) > (mode == 2 ? 1e-5 : 1e-6))
                    fail_msg("mode %d row %d col %d: %.9g, XGBoost %.9g", mode, i + 2, c, v, want);
                assert_int_equal(*end, c + 1 < ncol ? ',' : '\n');
                line = end + 1;
            }
        }
        assert_int_equal(*line, '\0');
        cli_done(&r);
    }
    /* the data set itself: level names for categorical columns */
    const char *ds[] = { "model", "predict", "--model", "assets/models/gbdt.json",
                   "--csv", "assets/data/credit_data.csv", NULL };
    cli_result r = cli_run(cmd_model, ds);
    assert_int_equal(r.rc, 0);
    assert_true(!strncmp(r.out, "0.143178388\n0.105678551\n", 24));
    cli_done(&r);
    free(t.v);
}

static void model_predict_errors(void **state)
{
    (void)state;
    char dir[256], bad[300], nocol[300];
    assert_non_null(yx_test_mkdtemp(dir, sizeof dir, "yx-gbdt"));
    snprintf(bad, sizeof bad, "%s/bad.csv", dir);
    snprintf(nocol, sizeof nocol, "%s/nocol.csv", dir);
    FILE *f = fopen(bad, "w");
    fputs("Seniority,Home,Time,Age,Marital,Records,Job,Expenses,Income,Assets,Debt,Amount,Price\n"
          "1,rent,60,30,married,no,fixed,50,100,0,0,800,900\n"
          "1,igloo,60,30,married,no,fixed,50,100,0,0,800,900\n", f);
    fclose(f);
    f = fopen(nocol, "w");
    fputs("Seniority,Home\n1,2\n", f);
    fclose(f);
    static const struct { const char *model, *csv, *flag; int rc; const char *msg; } cases[] = {
        { "assets/models/gbdt.json", NULL, NULL, 1, ":3: column 2 (Home): not a number: \"igloo\"" },
        { "assets/models/gbdt.json", "nocol", NULL, 1, ":1: no column for model feature 3 (Time)" },
        { "assets/models/gbdt.json", "/nonexistent.csv", NULL, 1, "cannot read /nonexistent.csv" },
        { "assets/data/credit_data.csv", "/nonexistent.csv", NULL, 1, "assets/data/credit_data.csv: not valid JSON at line 1, column 9" },
        { "assets/models/gbdt.json", NULL, "--bogus", 2, "unknown option --bogus" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *csv = !cases[i].csv ? bad : !strcmp(cases[i].csv, "nocol") ? nocol : cases[i].csv;
        const char *argv[] = { "model", "predict", "--model", cases[i].model, "--csv", csv,
                               cases[i].flag, NULL };
        cli_result r = cli_run(cmd_model, argv);
        assert_int_equal(r.rc, cases[i].rc);
        if (!strstr(r.err, cases[i].msg) || !strchr(r.err, '\n') || strchr(r.err, '\n')[1])
            fail_msg("case %zu: stderr \"%s\"", i, r.err);
        if (i == 0)   /* the good row before the bad one was printed */
            assert_true(strchr(r.out, '\n') && strchr(r.out, '\n') == r.out + strlen(r.out) - 1);
        cli_done(&r);
    }
    const char *usage[] = { "model", NULL };
    cli_result r = cli_run(cmd_model, usage);
    assert_int_equal(r.rc, 2);
    cli_done(&r);
    const char *help[] = { "model", "--help", NULL };
    r = cli_run(cmd_model, help);
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.out, "usage: yxd model predict"));
    cli_done(&r);
    yx_test_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parity_every_row),
        cmocka_unit_test(parity_thresholds_and_missing),
        cmocka_unit_test(parity_other_objectives),
        cmocka_unit_test(shipped_model_metadata),
        cmocka_unit_test(threshold_semantics),
        cmocka_unit_test(broken_models_rejected),
        cmocka_unit_test(shared_nodes_rejected),
        cmocka_unit_test(model_predict_command),
        cmocka_unit_test(model_predict_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
