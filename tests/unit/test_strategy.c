/* Strategies: the shipped one loads with the values the engine relies on;
 * a broken file is refused with a message naming its first problem and
 * leaves the caller's strategy untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strategy.h"
#include "core/util.h"

static void shipped_strategy(void **state)
{
    (void)state;
    strategy s;
    char err[256];
    if (strategy_load_file(&s, "assets/strategies/default.json", err, sizeof err)) fail_msg("%s", err);
    assert_string_equal(s.version, "strategy-2026.11");
    assert_string_equal(s.gbdt_file, "models/gbdt.json");
    assert_int_equal(s.cross[0][0], 'A');
    assert_int_equal(s.cross[4][4], 'E');
    assert_int_equal(s.cross[0][4], 'R');
    assert_int_equal(s.channel[CH_H5].admit[RG_C], OUT_REFER);
    assert_int_equal(s.channel[CH_OWN].apr_bp[RG_A], 720);
    assert_int_equal(s.channel[CH_OWN].nterms, 5);
    assert_true(s.completeness[CPL_BASIC] < s.completeness[CPL_BUREAU]);
    assert_int_equal(s.limit_round_fen, 10000);
    /* pd grades: below the first cut is grade 1, at or above the last is 5 */
    assert_int_equal(strategy_gbdt_grade(&s, 0.0), 1);
    assert_int_equal(strategy_gbdt_grade(&s, s.gbdt_pd_cuts[0]), 2);
    assert_int_equal(strategy_gbdt_grade(&s, 0.99), 5);
    assert_int_equal(strategy_grade_index('R'), RG_R);
    assert_int_equal(strategy_grade_index('F'), -1);
    assert_int_equal(strategy_grade_char(RG_B), 'B');
}

static void expect_broken(const char *from, const char *to, const char *msg)
{
    size_t len;
    char *json = yx_read_file("assets/strategies/default.json", &len, 1u << 20);
    assert_non_null(json);
    char *at = strstr(json, from);
    if (!at) fail_msg("\"%s\" not in the shipped strategy", from);
    size_t cap = len + strlen(to) + 1;
    char *buf = malloc(cap);
    snprintf(buf, cap, "%.*s%s%s", (int)(at - json), json, to, at + strlen(from));
    free(json);
    strategy s;
    memset(&s, 0x5a, sizeof s);
    char err[256] = "";
    int rc = strategy_load_json(&s, buf, strlen(buf), "s.json", err, sizeof err);
    free(buf);
    assert_int_equal(rc, -1);
    assert_int_equal(((unsigned char *)&s)[0], 0x5a);   /* untouched */
    if (!strstr(err, msg) || strncmp(err, "s.json: ", 8)) fail_msg("expected \"%s\", got \"%s\"", msg, err);
}

static void broken_files_rejected(void **state)
{
    (void)state;
    expect_broken("\"version\": \"strategy-2026.11\"", "\"version\": \"\"", "version must be a non-empty string");
    expect_broken("\"gbdt\": \"models/gbdt.json\"", "\"gbdt\": 3", "models.gbdt must name the XGBoost JSON model file");
    expect_broken("0.045,", "0.5,", "models.gbdt_pd_cuts must be 4 ascending probabilities");
    expect_broken("\"AABRR\"", "\"AABRX\"", "cross row 1 column 5: 'X' is not a risk grade");
    expect_broken("\"AABRR\"", "\"AAB\"", "cross row 1 must be a string of 5 risk grades");
    expect_broken("\"rules\": \"rules/policy.json\"", "\"rulez\": 1", "rules must name the policy rules file");
    expect_broken("\"A\": \"approve\"", "\"A\": \"maybe\"", "channels.api.admit.A must be approve, refer or decline");
    expect_broken("\"A\": 900", "\"A\": 9000", "channels.api.apr_bp.A must be whole basis points from 0 to 3600");
    expect_broken("\"mall\": 5000000", "\"mall\": -1", "channels.api.caps_fen.mall must be a positive whole number");
    expect_broken("\"terms\": [\n        3,", "\"terms\": [\n        0,", "channels.api.terms: a term is a whole number");
    expect_broken("\"semi_api\": {", "\"semi\": {", "channels.semi_api missing");
    expect_broken("\"bank_card\": 0.65", "\"bank_card\": 0.4", "completeness.bank_card is below the level before it");
    expect_broken("\"limit_round_fen\": 10000", "\"limit_round_fen\": 0", "limit_round_fen must be a positive whole number of fen");
    expect_broken("{", "{{", "not valid JSON");
    strategy s;
    char err[256];
    assert_int_equal(strategy_load_json(&s, "[1]", 3, "s.json", err, sizeof err), -1);
    assert_string_equal(err, "s.json: not a JSON object");
    assert_int_equal(strategy_load_file(&s, "/nonexistent/s.json", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/s.json: cannot read"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_strategy),
        cmocka_unit_test(broken_files_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
