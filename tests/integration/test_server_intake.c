/* POST /v1/intake/applications against a real yxd: a channel key from
 * `yxd channel add`, a decided and stored application, idempotent replays,
 * every kind of bad input refused with nothing stored, revoked and wrong
 * keys, personal data sealed at rest and masked on the way out, metrics,
 * and the change feed read in small pages while intakes arrive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/person.h"
#include "tests/common/yxd_proc.h"

#define PW "yixiang-demo"

static yxd_proc P;
static char key[80], key2[80], id_number[19], card[20], *officer;

static int add_channel(const char *name, char *out)
{
    return yxd_proc_add_channel(&P, name, "h5", out, 80);
}

static int setup(void **state)
{
    (void)state;
    snprintf(id_number, sizeof id_number, "11010119900307451%c", person_id_check("11010119900307451"));
    snprintf(card, sizeof card, "622202020011223%c", person_luhn_digit("622202020011223"));
    if (yxd_proc_tempdir(&P) || yxd_proc_init_demo(&P, 5)) return -1;
    if (add_channel("mall-h5", key) || add_channel("old-partner", key2)) return -1;
    if (yxd_proc_start(&P, NULL)) return -1;
    return (officer = yx_login(&P, "officer", PW)) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(officer);
    yxd_proc_cleanup(&P);
    return 0;
}

/* A valid application body with one field replaced (name=NULL: none). */
static char *body_with(const char *name, const char *raw_value)
{
    cJSON *b = yx_test_application(id_number, card);
    cJSON *a = cJSON_GetObjectItemCaseSensitive(b, "applicant"), *f = cJSON_GetObjectItemCaseSensitive(b, "features");
    char *s;
    if (name) {
        cJSON *target = b;
        const char *leaf = name;
        if (!strncmp(name, "applicant.", 10)) { target = a; leaf = name + 10; }
        else if (!strncmp(name, "features.", 9)) { target = f; leaf = name + 9; }
        cJSON_DeleteItemFromObjectCaseSensitive(target, leaf);
        if (raw_value) cJSON_AddItemToObject(target, leaf, cJSON_CreateRaw(raw_value));
    }
    s = cJSON_PrintUnformatted(b);
    cJSON_Delete(b);
    return s;
}

static void submit(const char *k, const char *idem, const char *body, yx_resp *r)
{
    char h[200];
    const char *hdr[] = { h, NULL };
    snprintf(h, sizeof h, "Idempotency-Key: %s", idem);
    assert_int_equal(yx_http("POST", &P, "/v1/intake/applications", k, body, idem ? hdr : NULL, r), 0);
}

static int app_count(void)
{
    yx_resp r;
    int n;
    assert_int_equal(yx_http("GET", &P, "/v1/applications?limit=500", officer, NULL, NULL, &r), 0);
    n = cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items"));
    yx_resp_free(&r);
    return n;
}

static void test_intake_decides_and_stores(void **state)
{
    char *body = body_with(NULL, NULL), path[64];
    yx_resp r, g;
    const cJSON *d;
    int before = app_count();
    double id;
    (void)state;
    submit(key, "order-0001-abcdef", body, &r);
    assert_int_equal(r.status, 201);
    id = cJSON_GetObjectItem(r.json, "application_id")->valuedouble;
    d = cJSON_GetObjectItem(r.json, "decision");
    assert_non_null(strstr("approve refer decline", cJSON_GetObjectItem(d, "outcome")->valuestring));
    assert_int_equal(strlen(cJSON_GetObjectItem(d, "risk_grade")->valuestring), 1);
    assert_int_equal(app_count(), before + 1);
    /* the record, masked for the console; the channel's kind recorded */
    snprintf(path, sizeof path, "/v1/applications/%.0f", id);
    assert_int_equal(yx_http("GET", &P, path, officer, NULL, NULL, &g), 0);
    assert_int_equal(g.status, 200);
    assert_string_equal(cJSON_GetObjectItem(g.json, "channel")->valuestring, "h5");
    assert_string_equal(cJSON_GetObjectItem(g.json, "partner")->valuestring, "mall-h5");
    assert_string_equal(cJSON_GetObjectItem(g.json, "name")->valuestring, "欧阳**");
    assert_null(strstr(g.body, id_number));
    assert_null(strstr(g.body, "13812345678"));
    assert_string_equal(cJSON_GetObjectItem(g.json, "status")->valuestring,
                        cJSON_GetObjectItem(r.json, "status")->valuestring);
    {   /* the change feed announces it at the version the record has */
        yx_resp f;
        const cJSON *it;
        int seen = 0;
        assert_int_equal(yx_http("GET", &P, "/v1/changes?since=0&limit=1000", officer, NULL, NULL, &f), 0);
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(f.json, "items"))
            if (cJSON_GetObjectItem(it, "record_id")->valuedouble == id) {
                assert_true(cJSON_GetObjectItem(it, "version")->valuedouble ==
                            cJSON_GetObjectItem(g.json, "version")->valuedouble);
                seen++;
            }
        assert_int_equal(seen, 1);
        yx_resp_free(&f);
    }
    yx_resp_free(&g);
    yx_resp_free(&r);
    free(body);
}

/* The velocity rule sees the applicant's earlier applications: more than 3
 * in 30 days refers, more than 8 declines, counted per customer (found
 * again by the keyed hash of the ID number). */
static void test_velocity_counts_the_customers_applications(void **state)
{
    char first17[18], idn[19], raw[32], idem[40], *body;
    (void)state;
    snprintf(first17, sizeof first17, "%s", "44030519850615123");
    snprintf(idn, sizeof idn, "%s%c", first17, person_id_check(first17));
    snprintf(raw, sizeof raw, "\"%s\"", idn);
    body = body_with("applicant.id_number", raw);
    for (int i = 1; i <= 10; i++) {
        yx_resp r;
        const cJSON *d;
        const char *reasons;
        snprintf(idem, sizeof idem, "velocity-%02d-abcdef", i);
        submit(key, idem, body, &r);
        assert_int_equal(r.status, 201);
        d = cJSON_GetObjectItem(r.json, "decision");
        reasons = cJSON_GetObjectItem(d, "reasons")->valuestring;
        if (i <= 4 && strstr(reasons, "R_VELOCITY")) fail_msg("application %d flagged: %s", i, reasons);
        if (i >= 5 && !strstr(reasons, "R_VELOCITY")) fail_msg("application %d not flagged: %s", i, reasons);
        if (i >= 5 && i <= 9) assert_string_not_equal(cJSON_GetObjectItem(d, "outcome")->valuestring, "approve");
        if (i == 10) assert_string_equal(cJSON_GetObjectItem(d, "outcome")->valuestring, "decline");
        yx_resp_free(&r);
    }
    free(body);
}

static void test_same_key_same_answer_nothing_stored_twice(void **state)
{
    char *body = body_with("amount_fen", "800000");
    yx_resp r1, r2, r3;
    int before = app_count();
    (void)state;
    submit(key, "order-0002-abcdef", body, &r1);
    submit(key, "order-0002-abcdef", body, &r2);
    assert_int_equal(r1.status, 201);
    assert_int_equal(r2.status, r1.status);
    assert_string_equal(r1.body, r2.body);
    assert_int_equal(app_count(), before + 1);
    /* another channel may not use that key to read the answer */
    submit(key2, "order-0002-abcdef", body, &r3);
    assert_int_equal(r3.status, 422);
    yx_resp_free(&r3);
    free(body);
    /* nor may this channel send another application under it: refused,
     * not answered with the first one's decision */
    body = body_with("amount_fen", "900000");
    submit(key, "order-0002-abcdef", body, &r3);
    assert_int_equal(r3.status, 422);
    assert_string_equal(yx_error_code(&r3), "idempotency_key_reused");
    yx_resp_free(&r3);
    assert_int_equal(app_count(), before + 1);
    /* keys are printable ASCII: a UTF-8 or control character is refused */
    submit(key, "\xe9\x94\xae\xe9\x94\xae\xe9\x94\xae-0001", body, &r3);
    assert_int_equal(r3.status, 400);
    assert_string_equal(yx_error_code(&r3), "bad_idempotency_key");
    yx_resp_free(&r3);
    assert_int_equal(app_count(), before + 1);
    yx_resp_free(&r1);
    yx_resp_free(&r2);
    free(body);
}

static void test_bad_input_is_refused_and_stores_nothing(void **state)
{
    static const struct { const char *field, *value; } bad[] = {
        { "applicant.id_number", "\"110101199003074510\"" },   /* wrong check character (fixed below) */
        { "applicant.id_number", "\"11010119900307\"" },
        { "applicant.id_number", "12345" },
        { "applicant.mobile", "\"12345678901\"" },
        { "applicant.bank_card", "\"6222020200112234\"" },
        { "applicant.name", "\"\"" },
        { "applicant.name", "\"\\u0001x\"" },
        { "applicant.name", NULL },
        { "amount_fen", "-100" },
        { "amount_fen", "1e300" },
        { "amount_fen", "12.5" },
        { "amount_fen", "\"500000\"" },
        { "term_months", "0" },
        { "term_months", "9999999999999999999999" },
        { "product", "\"yacht\"" },
        { "completeness", "null" },
        { "features.Home", "\"castle\"" },
        { "features.Income", "-1" },
        { "features.Seniority", "200" },   /* years employed */
        { "features.Time", "0" },          /* months */
        { "features.Favourite", "1" },
        { "applicant", "[]" },
        { "applicant.employer", "\"call 13912345678 after six\"" },   /* personal data in free text */
        { "applicant.employer", "\"call 139 1234 5678 after six\"" },  /* and as people write it */
        { "applicant.employeer", "\"Acme\"" },                        /* a misspelt field: not dropped */
        { "amount", "500000" },
        { "product_item", "\"IDX\"" },                                 /* replaced below by an ID */
    };
    int before = app_count();
    char idem[64];
    /* and nothing else either: no customer, audit entry or change */
    const char *const heads[] = { "SELECT count(*) FROM customers", "SELECT ifnull(max(id), 0) FROM audit",
                                  "SELECT ifnull(max(seq), 0) FROM changes" };
    int64_t was[3];
    (void)state;
    for (int i = 0; i < 3; i++) assert_true((was[i] = yx_db_number(&P, heads[i])) >= 0);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *body = body_with(bad[i].field, bad[i].value), fixed[24];
        yx_resp r;
        if (i == 0) {   /* make sure the check character really is wrong */
            snprintf(fixed, sizeof fixed, "\"11010119900307451%c\"", id_number[17] == '0' ? '1' : '0');
            free(body);
            body = body_with(bad[i].field, fixed);
        }
        if (bad[i].value && !strcmp(bad[i].value, "\"IDX\"")) {   /* a valid ID number in free text */
            snprintf(fixed, sizeof fixed, "\"%s\"", id_number);
            free(body);
            body = body_with(bad[i].field, fixed);
        }
        snprintf(idem, sizeof idem, "bad-input-%zu-attempt", i);
        submit(key, idem, body, &r);
        /* 422 naming the field */
        if (r.status != 422 || strcmp(yx_error_code(&r), "invalid_field") ||
            strncmp(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "error"), "message")->valuestring, bad[i].field,
                    strlen(bad[i].field)))
            fail_msg("case %zu (%s): got %ld %s", i, bad[i].field, r.status, r.body);
        yx_resp_free(&r);
        free(body);
    }
    {   /* the body as a whole: invalid UTF-8, a NUL (escaped, hiding a
         * control character from the field checks), not JSON at all: 400
         * with the codes of every other route */
        static const struct { const char *body, *code; } whole[] = {
            { "{\"applicant\":{\"name\":\"\xff\xfe\"}}", "bad_request" },
            { "{\"applicant\":{\"name\":\"\\u738b\\u0000\\u0001\"}}", "bad_request" },
            { "{\"partner\":\"ok\\u0000\"}", "bad_request" },
            { "{{{", "malformed_json" },
            { "[1]", "malformed_json" },
            { "{\"amount_fen\":500000,\"amount_fen\":1}", "malformed_json" },   /* which one counts? */
        };
        for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++) {
            yx_resp r;
            snprintf(idem, sizeof idem, "bad-body-%zu-attempt", i);
            submit(key, idem, whole[i].body, &r);
            if (r.status != 400 || strcmp(yx_error_code(&r), whole[i].code))
                fail_msg("body %zu: got %ld %s, want 400 %s", i, r.status, r.body, whole[i].code);
            yx_resp_free(&r);
        }
    }
    {   /* a whole valid application with more after it is not one object */
        char *body = body_with("scene", "\"checkout\""), *two = malloc(strlen(body) + 8);
        yx_resp r;
        assert_non_null(two);
        snprintf(two, strlen(body) + 8, "%s {}", body);
        submit(key, "bad-trailing-request", two, &r);
        if (r.status != 400 || strcmp(yx_error_code(&r), "malformed_json"))
            fail_msg("a body with more after its object got %ld %s", r.status, r.body);
        yx_resp_free(&r);
        free(two);
        free(body);
    }
    for (int i = 0; i < 3; i++)
        if (yx_db_number(&P, heads[i]) != was[i])
            fail_msg("%s: %lld, was %lld", heads[i], (long long)yx_db_number(&P, heads[i]), (long long)was[i]);
    assert_int_equal(app_count(), before);
}

/* The ID number decides the applicant's age: an Age feature a channel
 * sends is replaced by it, so an absurd one is never scored. */
static void test_age_comes_from_the_id_number(void **state)
{
    char *body = body_with("features.Age", "9999999"), sql[96];
    yx_resp r;
    int64_t id;
    (void)state;
    submit(key, "order-age-from-id", body, &r);
    free(body);
    assert_int_equal(r.status, 201);
    id = (int64_t)cJSON_GetObjectItem(r.json, "application_id")->valuedouble;
    yx_resp_free(&r);
    snprintf(sql, sizeof sql, "SELECT CAST(age AS INTEGER) FROM features WHERE application_id = %lld", (long long)id);
    /* born 1990-03-07, as the ID number says */
    assert_int_equal(yx_db_number(&P, sql), person_age(1990, 3, 7, (int64_t)time(NULL) * 1000));
}

static void test_sql_text_is_kept_as_text(void **state)
{
    char *body = body_with("applicant.employer", "\"x'); DROP TABLE applications; --\"");
    yx_resp r;
    int before = app_count();
    (void)state;
    submit(key, "order-sql-abcdef", body, &r);
    assert_int_equal(r.status, 201);
    yx_resp_free(&r);
    free(body);
    assert_int_equal(app_count(), before + 1);
}

/* SQL meta-characters in every string field are data: free-text fields
 * take them, checked fields refuse them; nothing else happens. 2 MiB
 * bodies are refused on every POST. */
static void test_sql_in_every_string_field_and_big_bodies(void **state)
{
    static const char *const free_text[] = { "applicant.name", "applicant.province", "applicant.city",
                                             "applicant.employer", "product_item", "scene", "partner" };
    static const char *const checked[] = { "applicant.id_number", "applicant.mobile", "applicant.bank_card",
                                           "product", "completeness", "features.Home" };
    const char *sql = "\"x');DROP TABLE t;--\"";   /* fits the shortest field */
    char idem[64], *big;
    int before = app_count(), accepted = 0;
    size_t n = 2u << 20;
    yx_resp r;
    (void)state;
    for (size_t i = 0; i < sizeof free_text / sizeof free_text[0]; i++) {
        char *body = body_with(free_text[i], sql);
        snprintf(idem, sizeof idem, "sql-free-text-%zu", i);
        submit(key, idem, body, &r);
        if (r.status != 201) fail_msg("%s: %ld %s", free_text[i], r.status, r.body);
        accepted++;
        yx_resp_free(&r);
        free(body);
    }
    for (size_t i = 0; i < sizeof checked / sizeof checked[0]; i++) {
        char *body = body_with(checked[i], sql);
        snprintf(idem, sizeof idem, "sql-checked-field-%zu", i);
        submit(key, idem, body, &r);
        if (r.status != 422) fail_msg("%s: %ld %s", checked[i], r.status, r.body);
        yx_resp_free(&r);
        free(body);
    }
    assert_int_equal(app_count(), before + accepted);
    big = malloc(n + 1);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    big[n] = '\0';
    submit(key, "big-body-request", big, &r);
    assert_int_equal(r.status, 413);
    yx_resp_free(&r);
    {
        const char *hdr[] = { "Idempotency-Key: big-action-request", NULL };
        assert_int_equal(yx_http("POST", &P, "/v1/actions", officer, big, hdr, &r), 0);
        assert_int_equal(r.status, 413);
        assert_string_equal(yx_error_code(&r), "body_too_large");
        yx_resp_free(&r);
    }
    free(big);
    assert_int_equal(app_count(), before + accepted);
}

static void test_keys(void **state)
{
    char *body = body_with(NULL, NULL), out[128], err[256];
    const char *revoke[] = { "channel", "revoke", "old-partner", "--db", P.db, NULL };
    yx_resp r;
    (void)state;
    submit(NULL, "no-key-abcdefgh", body, &r);
    assert_int_equal(r.status, 401);
    yx_resp_free(&r);
    submit(officer, "staff-key-abcdefgh", body, &r);    /* a staff token is not a channel key */
    assert_int_equal(r.status, 401);
    yx_resp_free(&r);
    assert_int_equal(yx_http("GET", &P, "/v1/applications", key, NULL, NULL, &r), 0);   /* and vice versa */
    assert_int_equal(r.status, 401);
    yx_resp_free(&r);
    assert_int_equal(yxd_run(revoke, NULL, out, sizeof out, err, sizeof err), 0);
    submit(key2, "revoked-abcdefgh", body, &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(yx_error_code(&r), "channel_revoked");
    yx_resp_free(&r);
    free(body);
}

static void test_metrics_count_decisions(void **state)
{
    yx_resp r;
    (void)state;
    assert_int_equal(yx_http("GET", &P, "/v1/metrics", NULL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "yxd_requests_total{route=\"intake\",status=\"201\"}"));
    assert_non_null(strstr(r.body, "yxd_decisions_total{outcome=\"approve\"}"));
    assert_non_null(strstr(r.body, "yxd_request_duration_seconds_bucket{route=\"intake\",le=\"+Inf\"}"));
    assert_non_null(strstr(r.body, "yxd_changes_last_seq"));
    yx_resp_free(&r);
}

static void reveal(const char *tok, const char *body, yx_resp *r)
{
    assert_int_equal(yx_http("POST", &P, "/v1/reveal", tok, body, NULL, r), 0);
}

/* A reasoned reveal gives the data in clear and is audited; line 1 needs
 * a request line 2 approved (not its own); no reason, or a role that sees
 * masked data only, gets nothing; many reveals raise an abnormal-access
 * alert and then are refused. */
static void test_reveal_is_reasoned_audited_and_alerting(void **state)
{
    char *body = body_with("amount_fen", "300000"), req[256], *risk = yx_login(&P, "risk", PW);
    char *sup = yx_login(&P, "support", PW), *aud = yx_login(&P, "auditor", PW);
    yx_resp r;
    double id;
    int found = 0;
    const cJSON *it;
    (void)state;
    assert_non_null(risk);
    submit(key, "order-reveal-abcdef", body, &r);
    assert_int_equal(r.status, 201);
    id = cJSON_GetObjectItem(r.json, "application_id")->valuedouble;
    yx_resp_free(&r);
    snprintf(req, sizeof req, "{\"application_id\":%.0f,\"fields\":[\"id_number\",\"mobile\"],"
             "\"reason\":\"customer called about a repayment\"}", id);
    /* line 1 needs line 2's approval: without a request, nothing */
    reveal(officer, req, &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(yx_error_code(&r), "reveal_not_approved");
    yx_resp_free(&r);
    {
        char rq[300];
        const char *hk[] = { "Idempotency-Key: reveal-req-0001", NULL }, *hd[] = { "Idempotency-Key: reveal-dec-0001", NULL };
        const char *hk2[] = { "Idempotency-Key: reveal-req-0002", NULL }, *hd2[] = { "Idempotency-Key: reveal-dec-0002", NULL };
        snprintf(rq, sizeof rq, "{\"type\":\"reveal_request\",\"application_id\":%.0f,"
                 "\"fields\":[\"id_number\",\"mobile\"],\"reason\":\"customer called about a repayment\"}", id);
        assert_int_equal(yx_http("POST", &P, "/v1/actions", officer, rq, hk, &r), 0);
        assert_int_equal(r.status, 200);
        assert_string_equal(cJSON_GetObjectItem(r.json, "request")->valuestring, "reveal-req-0001");
        yx_resp_free(&r);
        /* asked but not yet approved */
        snprintf(req, sizeof req, "{\"application_id\":%.0f,\"fields\":[\"id_number\",\"mobile\"],"
                 "\"reason\":\"customer called about a repayment\",\"request\":\"reveal-req-0001\"}", id);
        reveal(officer, req, &r);
        assert_int_equal(r.status, 403);
        yx_resp_free(&r);
        /* a risk officer cannot approve a request of their own */
        assert_int_equal(yx_http("POST", &P, "/v1/actions", risk, rq, hk2, &r), 0);
        assert_int_equal(r.status, 200);
        yx_resp_free(&r);
        assert_int_equal(yx_http("POST", &P, "/v1/actions", risk,
                                 "{\"type\":\"reveal_decide\",\"request\":\"reveal-req-0002\",\"decision\":\"approve\"}",
                                 hd2, &r), 0);
        assert_int_equal(r.status, 403);
        assert_string_equal(yx_error_code(&r), "separation_maker_checker");
        yx_resp_free(&r);
        /* line 2 approves the officer's request */
        assert_int_equal(yx_http("POST", &P, "/v1/actions", risk,
                                 "{\"type\":\"reveal_decide\",\"request\":\"reveal-req-0001\",\"decision\":\"approve\"}",
                                 hd, &r), 0);
        assert_int_equal(r.status, 200);
        yx_resp_free(&r);
        /* more fields than asked: refused */
        snprintf(rq, sizeof rq, "{\"application_id\":%.0f,\"fields\":[\"name\",\"mobile\"],"
                 "\"reason\":\"customer called about a repayment\",\"request\":\"reveal-req-0001\"}", id);
        reveal(officer, rq, &r);
        assert_int_equal(r.status, 403);
        yx_resp_free(&r);
    }
    reveal(officer, req, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "fields"), "id_number")->valuestring, id_number);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "fields"), "mobile")->valuestring, "13812345678");
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "fields"), "name"));   /* only what was asked */
    yx_resp_free(&r);
    reveal(sup, req, &r);
    assert_int_equal(r.status, 403);
    yx_resp_free(&r);
    reveal(aud, req, &r);
    assert_int_equal(r.status, 403);
    yx_resp_free(&r);
    snprintf(req, sizeof req, "{\"application_id\":%.0f,\"fields\":[\"name\"],\"reason\":\"x\"}", id);
    reveal(officer, req, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(yx_error_code(&r), "reason_required");
    yx_resp_free(&r);
    /* the audit trail has the reveal with its reason */
    assert_int_equal(yx_http("GET", &P, "/v1/audit?limit=500", aud, NULL, NULL, &r), 0);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items"))
        if (!strcmp(cJSON_GetObjectItem(it, "action")->valuestring, "reveal") &&
            !strcmp(cJSON_GetObjectItem(it, "actor")->valuestring, "officer") &&
            strstr(cJSON_GetObjectItem(it, "detail")->valuestring, "repayment"))
            found++;
    assert_int_equal(found, 1);
    assert_null(strstr(r.body, id_number));   /* the trail never holds the data itself */
    yx_resp_free(&r);
    /* 20 reveals within the hour raise an alert; beyond 40 they are refused */
    snprintf(req, sizeof req, "{\"application_id\":%.0f,\"fields\":[\"name\"],"
             "\"reason\":\"bulk check of one case\"}", id);
    for (int i = 1; i <= 41; i++) {
        reveal(risk, req, &r);
        assert_int_equal(r.status, i <= 40 ? 200 : 429);
        yx_resp_free(&r);
    }
    assert_int_equal(yx_http("GET", &P, "/v1/alerts", risk, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 1);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "items"), 0), "subject")->valuestring,
                        "user:risk");
    yx_resp_free(&r);
    assert_int_equal(yx_http("GET", &P, "/v1/alerts", officer, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 403);
    yx_resp_free(&r);
    {   /* line 2 acknowledges it, once; an auditor may not */
        const char *h1[] = { "Idempotency-Key: ack-alert-0001", NULL }, *h2[] = { "Idempotency-Key: ack-alert-0002", NULL };
        assert_int_equal(yx_http("POST", &P, "/v1/actions", aud, "{\"type\":\"alert_ack\",\"alert_id\":1}", h1, &r), 0);
        assert_int_equal(r.status, 403);
        yx_resp_free(&r);
        assert_int_equal(yx_http("POST", &P, "/v1/actions", risk, "{\"type\":\"alert_ack\",\"alert_id\":1}", h1, &r), 0);
        assert_int_equal(r.status, 200);
        yx_resp_free(&r);
        assert_int_equal(yx_http("POST", &P, "/v1/actions", risk, "{\"type\":\"alert_ack\",\"alert_id\":1}", h2, &r), 0);
        assert_int_equal(r.status, 409);
        yx_resp_free(&r);
        assert_int_equal(yx_http("POST", &P, "/v1/actions", risk, "{\"type\":\"alert_ack\",\"alert_id\":77}", h2, &r), 0);
        assert_int_equal(r.status, 404);   /* no such alert */
        yx_resp_free(&r);
        assert_int_equal(yx_http("GET", &P, "/v1/alerts", aud, NULL, NULL, &r), 0);
        assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "items"), 0),
                                                     "acknowledged")));
        yx_resp_free(&r);
    }
    /* the alert is in line 2's change feed, and not in line 1's */
    {
        int seen_risk = 0, seen_officer = 0;
        assert_int_equal(yx_http("GET", &P, "/v1/changes?since=0&limit=1000", risk, NULL, NULL, &r), 0);
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items"))
            if (!strcmp(cJSON_GetObjectItem(it, "kind")->valuestring, "alert") &&
                !strcmp(cJSON_GetObjectItem(cJSON_GetObjectItem(it, "record"), "kind")->valuestring, "abnormal_access"))
                seen_risk++;
        yx_resp_free(&r);
        assert_int_equal(yx_http("GET", &P, "/v1/changes?since=0&limit=1000", officer, NULL, NULL, &r), 0);
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items"))
            if (!strcmp(cJSON_GetObjectItem(it, "kind")->valuestring, "alert")) seen_officer++;
        yx_resp_free(&r);
        assert_int_equal(seen_risk, 2);   /* raised, then acknowledged */
        assert_int_equal(seen_officer, 0);
    }
    free(body);
    free(risk);
    free(sup);
    free(aud);
}

/* Submits the application of a fresh applicant, number n (0..999). */
static void submit_applicant(int n, const char *idem, yx_resp *r)
{
    char *body = yx_test_applicant_body(n);
    assert_non_null(body);
    submit(key, idem, body, r);
    free(body);
}

#define FEED_N 40
struct feeder { int64_t ids[FEED_N]; int n; _Atomic int done; };

/* FEED_N intakes of fresh applicants, one after another. */
static void *feed_intakes(void *arg)
{
    struct feeder *f = arg;
    for (int i = 0; i < FEED_N; i++) {
        char idem[40];
        yx_resp r;
        snprintf(idem, sizeof idem, "feed-page-%03d", i);
        submit_applicant(i, idem, &r);
        if (r.status == 201) f->ids[f->n++] = (int64_t)cJSON_GetObjectItem(r.json, "application_id")->valuedouble;
        yx_resp_free(&r);
    }
    f->done = 1;
    return NULL;
}

/* Pages of 7 while applications arrive: every page holds at most 7, the
 * sequence only rises across pages, and every new application shows up
 * exactly once. */
static void test_feed_pages_while_intakes_arrive(void **state)
{
    struct feeder f;
    pthread_t th;
    char cursor[32], path[96];
    int64_t last, seen[4 * FEED_N];
    int nseen = 0, more = 1;
    time_t deadline = time(NULL) + 60;
    (void)state;
    memset(&f, 0, sizeof f);
    /* the end of the feed now */
    snprintf(cursor, sizeof cursor, "0");
    while (more) {
        yx_resp r;
        snprintf(path, sizeof path, "/v1/changes?since=%s&limit=500", cursor);
        assert_int_equal(yx_http("GET", &P, path, officer, NULL, NULL, &r), 0);
        assert_int_equal(r.status, 200);
        snprintf(cursor, sizeof cursor, "%s", cJSON_GetObjectItem(r.json, "next")->valuestring);
        more = cJSON_IsTrue(cJSON_GetObjectItem(r.json, "more"));
        yx_resp_free(&r);
    }
    last = atoll(cursor);
    /* read to the end: no change waits for a reader */
    assert_true(yx_metric(&P, "yxd_changes_lag ") == 0);
    assert_int_equal(pthread_create(&th, NULL, feed_intakes, &f), 0);
    for (;;) {
        int all = f.done;   /* read before the page: a later page holds the rest */
        yx_resp r;
        const cJSON *it;
        int n = 0;
        if (time(NULL) > deadline) fail_msg("the feed showed %d applications in 60 s", nseen);
        snprintf(path, sizeof path, "/v1/changes?since=%s&limit=7&wait=1", cursor);
        assert_int_equal(yx_http("GET", &P, path, officer, NULL, NULL, &r), 0);
        assert_int_equal(r.status, 200);
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items")) {
            int64_t seq = (int64_t)cJSON_GetObjectItem(it, "seq")->valuedouble;
            if (seq <= last) fail_msg("seq %lld after %lld", (long long)seq, (long long)last);
            last = seq;
            n++;
            if (!strcmp(cJSON_GetObjectItem(it, "kind")->valuestring, "application") && nseen < 4 * FEED_N)
                seen[nseen++] = (int64_t)cJSON_GetObjectItem(it, "record_id")->valuedouble;
        }
        assert_true(n <= 7);
        snprintf(cursor, sizeof cursor, "%s", cJSON_GetObjectItem(r.json, "next")->valuestring);
        assert_true(atoll(cursor) >= last);
        more = cJSON_IsTrue(cJSON_GetObjectItem(r.json, "more"));
        yx_resp_free(&r);
        if (all && !more && n == 0) break;
    }
    pthread_join(th, NULL);
    assert_int_equal(f.n, FEED_N);
    assert_true(yx_metric(&P, "yxd_changes_lag ") == 0);
    {   /* one more intake nobody has read yet: the lag shows it */
        yx_resp r;
        submit_applicant(999, "feed-page-lag", &r);
        assert_int_equal(r.status, 201);
        yx_resp_free(&r);
        assert_true(yx_metric(&P, "yxd_changes_lag ") >= 1);
    }
    for (int i = 0; i < f.n; i++) {
        int times = 0;
        for (int k = 0; k < nseen; k++) times += seen[k] == f.ids[i];
        if (times != 1) fail_msg("application %lld shown %d times", (long long)f.ids[i], times);
    }
}

/* Line 3 samples the share of automatic decisions --sample-permille says:
 * all of them at 1000, none at 0 (a referral goes to a person on line 1
 * and is not sampled either way). */
static void test_sampling_share_is_configurable(void **state)
{
    static const char *const shares[] = { "1000", "0" };
    (void)state;
    for (int k = 0; k < 2; k++) {
        const char *extra[] = { "--sample-permille", shares[k], NULL };
        int automatic = 0;
        assert_int_equal(yxd_proc_stop(&P), 0);
        assert_int_equal(yxd_proc_start(&P, extra), 0);
        for (int i = 0; i < 16; i++) {
            char idem[48], sql[160];
            const char *status;
            int64_t id, sampled;
            yx_resp r;
            snprintf(idem, sizeof idem, "sampling-%s-%d", shares[k], i);
            submit_applicant(600 + 20 * k + i, idem, &r);
            assert_int_equal(r.status, 201);
            id = (int64_t)cJSON_GetObjectItem(r.json, "application_id")->valuedouble;
            status = cJSON_GetObjectItem(r.json, "status")->valuestring;
            snprintf(sql, sizeof sql, "SELECT count(*) FROM defense WHERE application_id = %lld AND l3 = 'sampled'",
                     (long long)id);
            sampled = yx_db_number(&P, sql);
            if (!strcmp(status, "approved") || !strcmp(status, "declined")) {
                automatic++;
                if (sampled != (k == 0)) fail_msg("automatic %s application %lld: sampled %lld at %s per mille",
                                                  status, (long long)id, (long long)sampled, shares[k]);
            } else if (sampled != 0)
                fail_msg("%s application %lld sampled by line 3", status, (long long)id);
            yx_resp_free(&r);
        }
        if (automatic == 0) fail_msg("no automatic decision among 16 applications at %s per mille", shares[k]);
    }
    assert_int_equal(yxd_proc_stop(&P), 0);
    assert_int_equal(yxd_proc_start(&P, NULL), 0);
}

/* Last: yxd stops cleanly and the audit chain the suite left verifies. */
static void test_audit_chain_verifies_after_the_suite(void **state)
{
    (void)state;
    assert_int_equal(yxd_proc_stop_verified(&P), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intake_decides_and_stores),
        cmocka_unit_test(test_velocity_counts_the_customers_applications),
        cmocka_unit_test(test_same_key_same_answer_nothing_stored_twice),
        cmocka_unit_test(test_bad_input_is_refused_and_stores_nothing),
        cmocka_unit_test(test_age_comes_from_the_id_number),
        cmocka_unit_test(test_sql_text_is_kept_as_text),
        cmocka_unit_test(test_sql_in_every_string_field_and_big_bodies),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_metrics_count_decisions),
        cmocka_unit_test(test_reveal_is_reasoned_audited_and_alerting),
        cmocka_unit_test(test_feed_pages_while_intakes_arrive),
        cmocka_unit_test(test_sampling_share_is_configurable),
        cmocka_unit_test(test_audit_chain_verifies_after_the_suite),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
