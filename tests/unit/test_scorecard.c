/* The application scorecard: the C evaluator gives the training script's
 * score for every row of the data set and for rows with missing values;
 * grades, reason gaps, and the loader's messages for broken files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/domain.h"
#include "core/scorecard.h"
#include "core/util.h"
#include "tests/unit/fixture_csv.h"

static scorecard *load_shipped(void)
{
    scorecard *sc;
    char err[256];
    if (scorecard_load_file(&sc, "assets/models/scorecard.json", err, sizeof err)) fail_msg("%s", err);
    return sc;
}

static void parity_with_training_script(void **state)
{
    (void)state;
    scorecard *sc = load_shipped();
    table t;
    table_load(&t, "tests/fixtures/scorecard_pred.csv");
    assert_int_equal(t.ncols, F__COUNT + 1);
    assert_true(t.nrows >= 4454 + 200);
    int missing_rows = 0, grades[6] = { 0 };
    for (int i = 0; i < t.nrows; i++) {
        features f;
        memcpy(f.v, &t.v[i * t.ncols], sizeof f.v);
        for (int j = 0; j < F__COUNT; j++)
            if (isnan(f.v[j])) { missing_rows++; break; }
        scorecard_result r;
        scorecard_eval(sc, &f, &r);
        if (r.score != (int)t.v[i * t.ncols + F__COUNT])
            fail_msg("row %d: score %d, training script %g", i + 2, r.score, t.v[i * t.ncols + F__COUNT]);
        assert_true(r.grade >= 1 && r.grade <= 5);
        assert_int_equal(r.grade, scorecard_grade(sc, r.score));
        grades[r.grade]++;
        for (int j = 0; j < F__COUNT; j++) {
            assert_true(r.gap[j] >= 0);
            assert_true(isnan(f.v[j]) ? r.bin[j] == -1 : r.bin[j] >= 0);
        }
    }
    assert_true(missing_rows >= 200);
    /* quintile cut-offs: every grade is used */
    for (int g = 1; g <= 5; g++) assert_true(grades[g] > t.nrows / 10);
    free(t.v);
    scorecard_free(sc);
}

static void grades_and_bins(void **state)
{
    (void)state;
    scorecard *sc = load_shipped();
    assert_string_equal(scorecard_version(sc), "scorecard-2026.11");
    assert_true(scorecard_pdo(sc) == 40);
    /* higher score, better grade */
    assert_int_equal(scorecard_grade(sc, 900), 1);
    assert_int_equal(scorecard_grade(sc, 300), 5);
    for (int s = 301; s <= 900; s++) assert_true(scorecard_grade(sc, s) <= scorecard_grade(sc, s - 1));
    features f;
    for (int i = 0; i < F__COUNT; i++) f.v[i] = NAN;
    scorecard_result all_missing, r;
    scorecard_eval(sc, &f, &all_missing);
    /* a code naming no level counts as missing */
    f.v[F_HOME] = 17;
    scorecard_eval(sc, &f, &r);
    assert_int_equal(r.bin[F_HOME], -1);
    assert_int_equal(r.score, all_missing.score);
    /* owners score better than renters: the bins come from the data */
    f.v[F_HOME] = feature_level_code(F_HOME, "owner");
    scorecard_eval(sc, &f, &r);
    int owner = r.points[F_HOME];
    f.v[F_HOME] = feature_level_code(F_HOME, "rent");
    scorecard_eval(sc, &f, &r);
    assert_true(owner > r.points[F_HOME]);
    assert_true(r.gap[F_HOME] > 0);
    scorecard_free(sc);
}

/* Replaces the first occurrence of `from` in the shipped file with `to` and
 * expects loading to fail with `msg`. */
static void expect_broken(const char *from, const char *to, const char *msg)
{
    size_t len;
    char *json = yx_read_file("assets/models/scorecard.json", &len, 1u << 20);
    assert_non_null(json);
    char *at = strstr(json, from);
    assert_non_null(at);
    char buf[1 << 16];
    assert_true(len + strlen(to) < sizeof buf);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - json), json, to, at + strlen(from));
    free(json);
    scorecard *sc = (scorecard *)1;
    char err[256] = "";
    assert_int_equal(scorecard_load_json(&sc, buf, strlen(buf), "sc.json", err, sizeof err), -1);
    assert_null(sc);
    if (!strstr(err, msg)) fail_msg("expected \"%s\", got \"%s\"", msg, err);
}

static void broken_files_rejected(void **state)
{
    (void)state;
    expect_broken("\"pdo\": 40", "\"pdo\": 0", "pdo (points to double the odds) must be a positive number");
    expect_broken("\"name\": \"Seniority\"", "\"name\": \"Shoe size\"", "unknown feature Shoe size");
    expect_broken("\"name\": \"Home\"", "\"name\": \"Seniority\"", "feature Seniority appears twice");
    expect_broken("\"level\": \"owner\"", "\"level\": \"castle\"", "feature Home bin 3: level must be \"owner\"");
    expect_broken("\"below\": 3.0", "\"below\": 0.5", "feature Seniority bin 2: \"below\" must be a number above");
    expect_broken("\"points\": -47", "\"points\": 1.5", "feature Seniority bin 1: points must be an integer");
    expect_broken("\"version\": \"scorecard-2026.11\"", "\"version\": 7", "version must be a non-empty string");
    expect_broken("\"grade_cuts\": [", "\"grade_cuts\": [1000, ", "grade_cuts must be 4 descending scores");
    expect_broken("{", "[", "not valid JSON");
    scorecard *sc;
    char err[256];
    assert_int_equal(scorecard_load_file(&sc, "/nonexistent.json", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent.json: cannot read"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parity_with_training_script),
        cmocka_unit_test(grades_and_bins),
        cmocka_unit_test(broken_files_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
