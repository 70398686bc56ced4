/* Policy rules: each kind of check hits exactly when it should, and a
 * broken rules file is refused with a message naming the rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/rules.h"

static rules *shipped(void)
{
    rules *r;
    char err[256];
    if (rules_load_file(&r, "assets/rules/policy.json", err, sizeof err)) fail_msg("%s", err);
    return r;
}

/* A clean applicant: no rule of the shipped file hits. */
static decide_input clean(void)
{
    decide_input in;
    memset(&in, 0, sizeof in);
    in.channel = CH_API;
    in.product = PROD_CASH;
    in.amount_fen = 500000;
    in.term_months = 12;
    in.age = 35;
    in.id_valid = 1;
    for (int i = 0; i < F__COUNT; i++) in.feat.v[i] = 1;
    in.feat.v[F_RECORDS] = 0;
    in.feat.v[F_INCOME] = 150;
    in.feat.v[F_EXPENSES] = 60;
    return in;
}

/* The codes that hit, comma-joined, with their action letter. */
static const char *run(const rules *r, const decide_input *in)
{
    static char buf[256];
    rule_hit h[16];
    int n = rules_eval(r, in, h, 16);
    buf[0] = '\0';
    for (int i = 0; i < n; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s:%c", i ? "," : "", h[i].code,
                 h[i].action == RULE_DECLINE ? 'D' : 'R');
    return buf;
}

static void each_kind(void **state)
{
    (void)state;
    rules *r = shipped();
    assert_string_equal(rules_version(r), "rules-2026.11");
    assert_int_equal(rules_count(r), 9);
    decide_input in = clean();
    assert_string_equal(run(r, &in), "");

    in = clean(); in.blacklist_hit = 1;
    assert_string_equal(run(r, &in), "R_BLACKLIST:D");
    in = clean(); in.id_valid = 0;
    assert_string_equal(run(r, &in), "R_ID_INVALID:D");
    /* age bounds are per product and inclusive */
    in = clean(); in.age = 22;
    assert_string_equal(run(r, &in), "");
    in.age = 21;
    assert_string_equal(run(r, &in), "R_AGE_RANGE:D");
    in.product = PROD_MALL; in.amount_fen = 100000;
    assert_string_equal(run(r, &in), "");
    in = clean(); in.amount_fen = 20000001;
    assert_string_equal(run(r, &in), "R_AMOUNT_RANGE:D");
    /* velocity: refer above 3, decline above 8 */
    in = clean(); in.recent_apps = 3;
    assert_string_equal(run(r, &in), "");
    in.recent_apps = 4;
    assert_string_equal(run(r, &in), "R_VELOCITY:R");
    in.recent_apps = 9;
    assert_string_equal(run(r, &in), "R_VELOCITY:D,R_VELOCITY:R");
    /* missing income matters only above the amount */
    in = clean(); in.feat.v[F_INCOME] = NAN; in.amount_fen = 300000;
    assert_string_equal(run(r, &in), "");
    in.amount_fen = 300001;
    assert_string_equal(run(r, &in), "R_INCOME_MISSING:R");
    in = clean(); in.feat.v[F_RECORDS] = 1;
    assert_string_equal(run(r, &in), "R_RECORDS:R");
    in = clean(); in.feat.v[F_EXPENSES] = 136;   /* 136 / 150 > 0.9 */
    assert_string_equal(run(r, &in), "R_EXPENSES_HIGH:R");
    in.feat.v[F_EXPENSES] = 135;
    assert_string_equal(run(r, &in), "");
    /* everything at once, in file order; hits beyond max are counted */
    in = clean(); in.blacklist_hit = 1; in.id_valid = 0; in.feat.v[F_RECORDS] = 1;
    assert_string_equal(run(r, &in), "R_BLACKLIST:D,R_ID_INVALID:D,R_RECORDS:R");
    rule_hit one[1];
    assert_int_equal(rules_eval(r, &in, one, 1), 3);
    assert_string_equal(one[0].code, "R_BLACKLIST");
    rules_free(r);
}

static void expect_broken(const char *json, const char *msg)
{
    rules *r = (rules *)1;
    char err[256] = "";
    assert_int_equal(rules_load_json(&r, json, strlen(json), "r.json", err, sizeof err), -1);
    assert_null(r);
    if (!strstr(err, msg) || strncmp(err, "r.json: ", 8)) fail_msg("expected \"%s\", got \"%s\"", msg, err);
}

static void broken_files_rejected(void **state)
{
    (void)state;
    expect_broken("{\"rules\": []}", "version must be a non-empty string");
    expect_broken("{\"version\": \"v\", \"rules\": {}}", "rules must be an array");
    expect_broken("{\"version\": \"v\", \"rules\": [{\"code\": \"R_NOPE\", \"kind\": \"blacklist\", \"action\": \"decline\"}]}",
                  "rule 1: code must be an R_ reason code");
    expect_broken("{\"version\": \"v\", \"rules\": [{\"code\": \"SC_AGE\", \"kind\": \"blacklist\", \"action\": \"decline\"}]}",
                  "rule 1: code must be an R_ reason code");
    expect_broken("{\"version\": \"v\", \"rules\": [{\"code\": \"R_BLACKLIST\", \"kind\": \"blacklist\", \"action\": \"decline\"},"
                  "{\"code\": \"R_AGE_RANGE\", \"kind\": \"astrology\", \"action\": \"decline\"}]}",
                  "rule 2 (R_AGE_RANGE): unknown kind");
    expect_broken("{\"version\": \"v\", \"rules\": [{\"code\": \"R_BLACKLIST\", \"kind\": \"blacklist\", \"action\": \"maybe\"}]}",
                  "rule 1 (R_BLACKLIST): action must be \"decline\" or \"refer\"");
    expect_broken("{\"version\": \"v\", \"rules\": [{\"code\": \"R_AGE_RANGE\", \"kind\": \"age_range\", \"action\": \"decline\","
                  "\"min\": {\"mall\": 18, \"cash\": 22}, \"max\": {\"mall\": 60, \"cash\": 60, \"smb\": 60}}]}",
                  "min and max need a number for each product");
    expect_broken("{\"version\": \"v\", \"rules\": [{\"code\": \"R_AGE_RANGE\", \"kind\": \"age_range\", \"action\": \"decline\","
                  "\"min\": {\"mall\": 18, \"cash\": 70, \"smb\": 22}, \"max\": {\"mall\": 60, \"cash\": 60, \"smb\": 60}}]}",
                  "min above max for cash");
    expect_broken("{\"version\": \"v\", \"rules\": [{\"code\": \"R_VELOCITY\", \"kind\": \"recent_applications\", \"action\": \"refer\"}]}",
                  "rule 1 (R_VELOCITY): max must be a number >= 0");
    expect_broken("{\"version\": \"v\", \"rules\": [{\"code\": \"R_INCOME_MISSING\", \"kind\": \"income_missing\", \"action\": \"refer\", \"above_fen\": -1}]}",
                  "above_fen must be a number >= 0");
    expect_broken("not json", "not valid JSON");
    rules *r;
    char err[256];
    assert_int_equal(rules_load_file(&r, "/nonexistent/rules.json", err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot read"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_kind),
        cmocka_unit_test(broken_files_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
