/* The decision's input and output: the input's JSON round trip, replay of
 * stored decisions from a real store (identical, and the difference
 * shown), and the yxd decide and yxd replay command lines. */
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

#include "core/decide.h"
#include "core/reasons.h"
#include "core/replay.h"
#include "core/store.h"
#include "core/store_app.h"
#include "backend/cmd.h"
#include "tests/unit/cli_capture.h"
#include "tests/unit/decide_fixture.h"
#include "tests/common/tmpdir.h"

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
    char dir[256], path[300], err[256], report[2048];
    assert_non_null(yx_test_mkdtemp(dir, sizeof dir, "yx-decide"));
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
    yx_test_rmtree(dir);
}

static void decide_command(void **state)
{
    (void)state;
    char dir[256], app[300], bad[300];
    assert_non_null(yx_test_mkdtemp(dir, sizeof dir, "yx-decide"));
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
    yx_test_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(input_json_round_trip),
        cmocka_unit_test(replay_stored_decisions),
        cmocka_unit_test(decide_command),
    };
    return cmocka_run_group_tests(tests, decide_setup, decide_teardown);
}
