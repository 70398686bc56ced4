/* POST /v1/actions against a real yxd: idempotency, stale versions, the
 * three lines of defense (authority routing, override of an automatic
 * decline, nobody on two lines, auditors read-only, line 3 results),
 * limit changes through line 2, bad input that changes nothing, SQL
 * meta-characters in every string field kept as data, disputes
 * (who acts in which state, a dispute about a customer alone, bad subjects
 * that change nothing) and the change feed (entries, role filtering,
 * long-poll). The cases are set up in the demo database before yxd
 * starts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/store_app.h"
#include "core/store_user.h"
#include "tests/common/yxd_proc.h"

#define PW "yixiang-demo"

enum { A_SMALL = 1, A_LARGE, A_DECLINED, A_APPROVED, A_STALE, A_BAD, A_FEED, A_MID, A_AUTO, A_HUMAN, A_PASSED, A_HUGE, A_RETRY, A_SOD,
       A_MAKER, A_SQL_REVIEW, A_SQL_LINE2, A_SQL_APPROVE2, A_SQL_LIMIT, A_SQL_REVEAL,
       A_RETURN };

static yxd_proc P;
static char *officer, *officer2, *risk, *auditor, *support;

static void decide(store *s, int64_t id, decision_outcome o, char grade, int64_t limit)
{
    decision d;
    memset(&d, 0, sizeof d);
    d.application_id = id;
    d.outcome = o;
    d.risk_grade = grade;
    d.limit_fen = limit;
    d.apr_bp = 1800;
    strcpy(d.strategy_version, "test");
    strcpy(d.reasons, "R01");
    /* a fresh case: whatever yxd init decided for it is replaced */
    defense_state def = { .application_id = id, .l1 = L1_PENDING, .l2 = L2_NOT_REQUIRED, .l3 = L3_NOT_SAMPLED };
    if (store_decision_put(s, &d, NULL) || store_app_set_status(s, id, store_status_for_outcome(o), 0, NULL) ||
        store_defense_put(s, &def, NULL))
        fail_msg("fixture: %s", store_errmsg(s));
}

static int setup(void **state)
{
    store *s;
    char err[256];
    (void)state;
    if (yxd_proc_tempdir(&P) || yxd_proc_init_demo(&P, 40)) return -1;
    if (store_open(&s, P.db, 0, err, sizeof err)) return -1;
    decide(s, A_SMALL, OUT_REFER, 'C', 2000000);        /* 20,000 yuan: officer may approve */
    decide(s, A_LARGE, OUT_REFER, 'C', 8000000);        /* 80,000 yuan: above officer authority */
    decide(s, A_DECLINED, OUT_DECLINE, 'E', 0);         /* automatic decline */
    decide(s, A_APPROVED, OUT_APPROVE, 'A', 3000000);
    decide(s, A_STALE, OUT_REFER, 'B', 1000000);
    decide(s, A_BAD, OUT_REFER, 'B', 1000000);
    decide(s, A_FEED, OUT_REFER, 'B', 1000000);
    decide(s, A_MID, OUT_REFER, 'B', 4800000);          /* 48,000 yuan: above the configured 45,000 */
    decide(s, A_AUTO, OUT_DECLINE, 'E', 0);
    decide(s, A_HUMAN, OUT_REFER, 'C', 1000000);
    decide(s, A_PASSED, OUT_DECLINE, 'E', 0);
    decide(s, A_HUGE, OUT_REFER, 'B', 60000000);        /* 600,000 yuan: above line 2's 500,000 too */
    decide(s, A_RETRY, OUT_REFER, 'B', 1000000);
    decide(s, A_SOD, OUT_APPROVE, 'A', 3000000);
    decide(s, A_MAKER, OUT_APPROVE, 'A', 3000000);
    decide(s, A_RETURN, OUT_REFER, 'C', 1000000);
    decide(s, A_SQL_REVIEW, OUT_REFER, 'C', 2000000);   /* SQL text in every field: one case per line */
    decide(s, A_SQL_LINE2, OUT_REFER, 'B', 1000000);
    decide(s, A_SQL_APPROVE2, OUT_REFER, 'B', 1000000);
    decide(s, A_SQL_LIMIT, OUT_APPROVE, 'A', 3000000);
    {   /* settled on line 1: automatically, and by a person */
        defense_state a = { .application_id = A_AUTO, .l1 = L1_REJECTED, .l2 = L2_NOT_REQUIRED, .l3 = L3_NOT_SAMPLED };
        defense_state h = { .application_id = A_HUMAN, .l1 = L1_APPROVED, .l2 = L2_NOT_REQUIRED, .l3 = L3_NOT_SAMPLED };
        /* an automatic decline line 3 sampled and passed */
        defense_state p = { .application_id = A_PASSED, .l1 = L1_PENDING, .l2 = L2_NOT_REQUIRED, .l3 = L3_PASSED };
        strcpy(a.l1_user, "auto");
        strcpy(h.l1_user, "officer2");
        strcpy(p.l3_user, "auditor");
        if (store_defense_put(s, &a, NULL) || store_defense_put(s, &h, NULL) || store_defense_put(s, &p, NULL))
            return -1;
    }
    if (store_user_add(s, "officer2", ROLE_OFFICER, PW, NULL) != 0) return -1;
    store_close(s);
    {
        const char *extra[] = { "--authority", "officer=45000", NULL };
        if (yxd_proc_start(&P, extra)) return -1;
    }
    officer = yx_login(&P, "officer", PW);
    officer2 = yx_login(&P, "officer2", PW);
    risk = yx_login(&P, "risk", PW);
    auditor = yx_login(&P, "auditor", PW);
    support = yx_login(&P, "support", PW);
    return officer && officer2 && risk && auditor && support ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(officer); free(officer2); free(risk); free(auditor); free(support);
    yxd_proc_cleanup(&P);
    return 0;
}

/* A fresh idempotency key per call unless one is given. */
static void act(const char *tok, const char *key, const char *body, yx_resp *r)
{
    static int n;
    char hdr[200], fresh[64];
    const char *headers[] = { hdr, NULL };
    if (!key) {
        snprintf(fresh, sizeof fresh, "test-%d-%ld", ++n, (long)time(NULL));
        key = fresh;
    }
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
    assert_int_equal(yx_http("POST", &P, "/v1/actions", tok, body, headers, r), 0);
}

/* POSTs body as tok and expects a 403 with this code. */
static void act_refused(const char *tok, const char *body, const char *code)
{
    yx_resp r;
    act(tok, NULL, body, &r);
    if (r.status != 403) fail_msg("%s: got %ld, want 403 %s: %s", body, r.status, code, r.body);
    assert_string_equal(yx_error_code(&r), code);
    yx_resp_free(&r);
}

/* A number of application id's record, as line 2 reads it. */
static double app_field(int64_t id, const char *name)
{
    char path[64];
    yx_resp r;
    double v;
    snprintf(path, sizeof path, "/v1/applications/%lld", (long long)id);
    assert_int_equal(yx_http("GET", &P, path, risk, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    v = cJSON_GetObjectItem(r.json, name)->valuedouble;
    yx_resp_free(&r);
    return v;
}

static double version_of(int64_t id)
{
    return app_field(id, "version");
}

static const char *rec_str(const yx_resp *r, const char *name)
{
    const cJSON *rec = cJSON_GetObjectItem(r->json, "record");
    const cJSON *v = cJSON_GetObjectItem(rec, name);
    if (!v) v = cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "defense"), name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* A good action without its key is 400; the role is still refused first
 * (an auditor learns it is read only), and the body's fields before the
 * key. */
static void test_key_required(void **state)
{
    char body[256];
    yx_resp r;
    (void)state;
    snprintf(body, sizeof body, "{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,"
             "\"decision\":\"approve\",\"reason\":\"income verified\"}", A_SMALL, version_of(A_SMALL));
    static char **const toks[] = { &officer, &auditor, &officer };
    static const struct { int tok, good_body; long status; const char *code; } cases[] = {
        { 0, 1, 400, "idempotency_key_required" },
        { 1, 1, 403, "read_only_role" },
        { 2, 0, 400, "bad_field" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(yx_http("POST", &P, "/v1/actions", *toks[cases[i].tok], cases[i].good_body ? body : "{\"type\":\"review\"}",
                                 NULL, &r), 0);
        if (r.status != cases[i].status || strcmp(yx_error_code(&r), cases[i].code))
            fail_msg("case %zu: got %ld %s, want %ld %s", i, r.status, r.body, cases[i].status, cases[i].code);
        yx_resp_free(&r);
    }
}

static void test_approve_within_authority_is_idempotent(void **state)
{
    char body[256];
    yx_resp r1, r2;
    double v = version_of(A_SMALL);
    (void)state;
    snprintf(body, sizeof body, "{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,"
             "\"decision\":\"approve\",\"reason\":\"income verified\"}", A_SMALL, v);
    act(officer, "key-approve-small-1", body, &r1);
    assert_int_equal(r1.status, 200);
    assert_string_equal(cJSON_GetObjectItem(r1.json, "result")->valuestring, "approved");
    assert_string_equal(rec_str(&r1, "status"), "approved");
    assert_string_equal(rec_str(&r1, "l1"), "approved");
    assert_string_equal(rec_str(&r1, "l1_user"), "officer");
    act(officer, "key-approve-small-1", body, &r2);   /* the same key again */
    assert_int_equal(r2.status, 200);
    assert_string_equal(r1.body, r2.body);
    assert_true(version_of(A_SMALL) == v + 1);        /* applied once */
    yx_resp_free(&r1);
    yx_resp_free(&r2);
    /* the same key from another user is refused, not replayed */
    act(officer2, "key-approve-small-1", body, &r1);
    assert_int_equal(r1.status, 422);
    yx_resp_free(&r1);
    /* and so is the same key with another action: not the first answer
     * for a request that was never applied */
    snprintf(body, sizeof body, "{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,"
             "\"decision\":\"approve\",\"reason\":\"income verified\"}", A_LARGE, version_of(A_LARGE));
    act(officer, "key-approve-small-1", body, &r1);
    assert_int_equal(r1.status, 422);
    assert_string_equal(yx_error_code(&r1), "idempotency_key_reused");
    yx_resp_free(&r1);
    assert_true(version_of(A_SMALL) == v + 1);
    /* a key that is not 8 to 128 printable ASCII characters */
    act(officer, "short", body, &r1);
    assert_int_equal(r1.status, 400);
    assert_string_equal(yx_error_code(&r1), "bad_idempotency_key");
    yx_resp_free(&r1);
}

static void test_stale_version_is_409_with_current(void **state)
{
    char body[256];
    yx_resp r;
    double v = version_of(A_STALE);
    (void)state;
    snprintf(body, sizeof body, "{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,"
             "\"decision\":\"decline\",\"reason\":\"x\"}", A_STALE, v - 1);
    act(officer, NULL, body, &r);
    assert_int_equal(r.status, 409);
    assert_string_equal(yx_error_code(&r), "stale_version");
    assert_true(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "current"), "version")->valuedouble == v);
    yx_resp_free(&r);
    assert_true(version_of(A_STALE) == v);
}

static void test_above_authority_goes_to_line2(void **state)
{
    char body[256];
    yx_resp r;
    double v = version_of(A_LARGE);
    (void)state;
    snprintf(body, sizeof body, "{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,"
             "\"decision\":\"approve\",\"reason\":\"good customer\"}", A_LARGE, v);
    act(officer, NULL, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(cJSON_GetObjectItem(r.json, "result")->valuestring, "routed_to_line2");
    assert_string_equal(cJSON_GetObjectItem(r.json, "rule")->valuestring, "limit_exceeds_authority");
    assert_string_equal(rec_str(&r, "status"), "escalated");
    assert_string_equal(rec_str(&r, "l2"), "pending");
    yx_resp_free(&r);
    /* an officer cannot take the line-2 decision */
    snprintf(body, sizeof body, "{\"type\":\"line2\",\"application_id\":%d,\"version\":%.0f,"
             "\"decision\":\"approve\",\"reason\":\"ok\"}", A_LARGE, v + 1);
    act_refused(officer2, body, "forbidden_role");
    act(risk, NULL, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(rec_str(&r, "status"), "approved");
    assert_string_equal(rec_str(&r, "l2"), "approved");
    assert_string_equal(rec_str(&r, "l2_user"), "risk");
    yx_resp_free(&r);
    /* risk acted on line 2 of this case: it may not act on line 1 (a limit change) */
    snprintf(body, sizeof body, "{\"type\":\"adjust_limit\",\"application_id\":%d,\"version\":%.0f,"
             "\"new_limit_fen\":7000000,\"reason\":\"x\"}", A_LARGE, v + 2);
    act_refused(risk, body, "separation_two_lines");
}

/* The officer's authority is configured at 45,000 yuan: 48,000 goes to line 2. */
static void test_authority_is_configurable(void **state)
{
    char body[256];
    yx_resp r;
    (void)state;
    snprintf(body, sizeof body, "{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,"
             "\"decision\":\"approve\",\"reason\":\"ok\"}", A_MID, version_of(A_MID));
    act(officer, NULL, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(cJSON_GetObjectItem(r.json, "rule")->valuestring, "limit_exceeds_authority");
    yx_resp_free(&r);
}

/* An automatic line-1 decision may be overridden (through line 2); a
 * person's line-1 decision stands. */
static void test_automatic_decisions_can_be_overridden(void **state)
{
    char body[256];
    yx_resp r;
    (void)state;
    snprintf(body, sizeof body, "{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,"
             "\"decision\":\"approve\",\"reason\":\"documents prove income\"}", A_AUTO, version_of(A_AUTO));
    act(officer, NULL, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(cJSON_GetObjectItem(r.json, "rule")->valuestring, "override_needs_line2");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,"
             "\"decision\":\"decline\",\"reason\":\"second opinion\"}", A_HUMAN, version_of(A_HUMAN));
    act(officer, NULL, body, &r);
    assert_int_equal(r.status, 409);
    assert_string_equal(yx_error_code(&r), "invalid_state");
    yx_resp_free(&r);
}

/* POST an action of this type on application id at version v; fields
 * are the action's own, as JSON members ("\"decision\":\"approve\",..."). */
static void act_case(const char *tok, const char *type, int id, double v, const char *fields, yx_resp *r)
{
    char body[512];
    snprintf(body, sizeof body, "{\"type\":\"%s\",\"application_id\":%d,\"version\":%.0f,%s}", type, id, v,
             fields);
    act(tok, NULL, body, r);
}

/* act_case, expecting status and, under name in the answer ("result",
 * "rule", or "error" for the error code), the string want. */
static void case_step(const char *tok, const char *type, int id, double v, const char *fields, long status,
                      const char *name, const char *want)
{
    yx_resp r;
    const cJSON *got;
    act_case(tok, type, id, v, fields, &r);
    got = cJSON_GetObjectItem(r.json, name);
    if (r.status != status || strcmp(!strcmp(name, "error") ? yx_error_code(&r) : cJSON_IsString(got) ? got->valuestring : "",
                                     want))
        fail_msg("%s on %d: got %ld %s, want %ld with %s %s", type, id, r.status, r.body, status, name, want);
    yx_resp_free(&r);
}

/* A refusal is not kept under its Idempotency-Key: the same key carries
 * the corrected request, whose answer is then the one replayed. */
static void test_refusal_leaves_the_key_free(void **state)
{
    char body[256];
    yx_resp r;
    double v = version_of(A_RETRY), replayed;
    (void)state;
    snprintf(body, sizeof body, "{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,"
             "\"decision\":\"approve\",\"reason\":\"income verified\"}", A_RETRY, v - 1);
    act(officer, "retry-key-0001", body, &r);
    assert_int_equal(r.status, 409);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,"
             "\"decision\":\"approve\",\"reason\":\"income verified\"}", A_RETRY, v);
    act(officer, "retry-key-0001", body, &r);
    assert_int_equal(r.status, 200);
    replayed = cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "record"), "version")->valuedouble;
    yx_resp_free(&r);
    act(officer, "retry-key-0001", body, &r);
    assert_int_equal(r.status, 200);
    assert_true(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "record"), "version")->valuedouble == replayed);
    yx_resp_free(&r);
    assert_true(version_of(A_RETRY) == v + 1);   /* written once */
}

/* Line 3 had passed the automatic decline; the override that follows is a
 * decision it has not seen, and is sampled again. */
static void test_override_after_line3_passed_is_sampled_again(void **state)
{
    yx_resp r;
    double v = version_of(A_PASSED);
    (void)state;
    act_case(officer, "review", A_PASSED, v, "\"decision\":\"approve\",\"reason\":\"income verified\"", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(rec_str(&r, "l3"), "passed");
    yx_resp_free(&r);
    act_case(risk, "line2", A_PASSED, v + 1, "\"decision\":\"approve\",\"reason\":\"agreed\"", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(rec_str(&r, "status"), "approved");
    assert_string_equal(rec_str(&r, "l3"), "sampled");
    yx_resp_free(&r);
}

/* Above line 2's own authority line 2 cannot approve either: refused with
 * the rule's code, and the case is left as it was for a smaller limit or
 * a rejection. */
static void test_line2_above_its_authority_is_refused(void **state)
{
    yx_resp r;
    double v = version_of(A_HUGE);
    (void)state;
    case_step(officer, "review", A_HUGE, v, "\"decision\":\"approve\",\"reason\":\"strong file\"", 200,
              "rule", "limit_exceeds_authority");
    case_step(risk, "line2", A_HUGE, v + 1, "\"decision\":\"approve\",\"reason\":\"agreed\"", 403,
              "error", "limit_exceeds_authority");
    assert_true(version_of(A_HUGE) == v + 1);   /* nothing changed */
    act_case(risk, "line2", A_HUGE, v + 1, "\"decision\":\"reject\",\"reason\":\"above every authority\"", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(rec_str(&r, "status"), "declined");
    yx_resp_free(&r);
}

static void test_override_of_decline_needs_line2_and_is_sampled(void **state)
{
    char body[256];
    yx_resp r;
    double v = version_of(A_DECLINED);
    (void)state;
    snprintf(body, sizeof body, "{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,"
             "\"decision\":\"approve\",\"reason\":\"bureau error corrected\"}", A_DECLINED, v);
    act(officer, NULL, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(cJSON_GetObjectItem(r.json, "rule")->valuestring, "override_needs_line2");
    assert_string_equal(rec_str(&r, "status"), "escalated");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"line2\",\"application_id\":%d,\"version\":%.0f,"
             "\"decision\":\"approve\",\"reason\":\"agreed\"}", A_DECLINED, v + 1);
    act(risk, NULL, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(rec_str(&r, "status"), "approved");
    assert_string_equal(rec_str(&r, "l3"), "sampled");   /* every override is sampled */
    yx_resp_free(&r);
    /* line 3 records a finding on it; auditors can do nothing else */
    snprintf(body, sizeof body, "{\"type\":\"audit_finding\",\"application_id\":%d,\"version\":%.0f,"
             "\"severity\":\"high\",\"remediation\":\"retrain on bureau corrections\"}", A_DECLINED, v + 2);
    act(auditor, NULL, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(rec_str(&r, "l3"), "finding");
    assert_string_equal(rec_str(&r, "l3_user"), "auditor");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,"
             "\"decision\":\"decline\",\"reason\":\"x\"}", A_DECLINED, v + 3);
    act_refused(auditor, body, "read_only_role");
    act_refused(support, body, "forbidden_role");
}

static double credit_limit(const cJSON *answer)
{
    const cJSON *cl = cJSON_GetObjectItem(cJSON_GetObjectItem(answer, "record"), "credit_line");
    return cJSON_IsObject(cl) ? cJSON_GetObjectItem(cl, "limit_fen")->valuedouble : -1;
}

static void test_limit_change_above_authority_needs_line2(void **state)
{
    char body[256], path[64];
    yx_resp r;
    double v = version_of(A_APPROVED);
    (void)state;
    /* within authority: applied at once */
    snprintf(body, sizeof body, "{\"type\":\"adjust_limit\",\"application_id\":%d,\"version\":%.0f,"
             "\"new_limit_fen\":4000000,\"reason\":\"more data supplied\"}", A_APPROVED, v);
    act(officer, NULL, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(cJSON_GetObjectItem(r.json, "result")->valuestring, "applied");
    assert_true(credit_limit(r.json) == 4000000);
    yx_resp_free(&r);
    /* above: a line-2 case; the limit does not change yet */
    snprintf(body, sizeof body, "{\"type\":\"adjust_limit\",\"application_id\":%d,\"version\":%.0f,"
             "\"new_limit_fen\":9000000,\"reason\":\"vip\"}", A_APPROVED, v + 1);
    act(officer, NULL, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(cJSON_GetObjectItem(r.json, "rule")->valuestring, "limit_exceeds_authority");
    assert_true(credit_limit(r.json) == 4000000);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"line2\",\"application_id\":%d,\"version\":%.0f,"
             "\"decision\":\"approve\",\"reason\":\"ok\"}", A_APPROVED, v + 2);
    act(risk, NULL, body, &r);
    assert_int_equal(r.status, 200);
    yx_resp_free(&r);
    snprintf(path, sizeof path, "/v1/applications/%d", A_APPROVED);
    assert_int_equal(yx_http("GET", &P, path, officer, NULL, NULL, &r), 0);
    assert_true(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "credit_line"), "limit_fen")->valuedouble == 9000000);
    assert_true(cJSON_GetObjectItem(r.json, "limit_fen")->valuedouble == 3000000);   /* as decided */
    yx_resp_free(&r);
}

/* A number from the database yxd serves (committed rows); fails when the
 * query does. */
static int64_t db_count(const char *sql)
{
    int64_t n = yx_db_number(&P, sql);
    if (n < 0) fail_msg("%s failed", sql);
    return n;
}

/* Nobody acts on two lines of one case, counting every act on it and not
 * only the latest on each line: line 2 that applied a limit within its
 * authority (a line-1 act, which leaves no line-1 user on the case) may
 * not then approve an officer's request on it. And the maker of a limit
 * request never approves it. */
static void test_two_lines_and_maker_checker_on_limit_cases(void **state)
{
    double v = version_of(A_SOD);
    int64_t acts = db_count("SELECT count(*) FROM actions");
    (void)state;
    case_step(risk, "adjust_limit", A_SOD, v, "\"new_limit_fen\":3500000,\"reason\":\"income proven\"", 200,
              "result", "applied");
    case_step(officer, "adjust_limit", A_SOD, v + 1, "\"new_limit_fen\":9000000,\"reason\":\"vip\"", 200,
              "rule", "limit_exceeds_authority");
    case_step(risk, "line2", A_SOD, v + 2, "\"decision\":\"approve\",\"reason\":\"agreed\"", 403,
              "error", "separation_two_lines");
    assert_true(version_of(A_SOD) == v + 2);
    assert_int_equal(db_count("SELECT count(*) FROM actions"), acts + 2);   /* the refusal is not kept */
    /* risk asks above its own authority (600,000 yuan): its own request */
    v = version_of(A_MAKER);
    case_step(risk, "adjust_limit", A_MAKER, v, "\"new_limit_fen\":60000000,\"reason\":\"corporate guarantee\"", 200,
              "result", "routed_to_line2");
    case_step(risk, "line2", A_MAKER, v + 1, "\"decision\":\"approve\",\"reason\":\"mine\"", 403,
              "error", "separation_maker_checker");
    /* a case line 2 returns goes back to the officer who escalated it,
     * who decides it again on line 1 (the same line, and no longer the
     * maker of anything) */
    v = version_of(A_RETURN);
    case_step(officer, "escalate", A_RETURN, v, "\"reason\":\"unsure of the income\"", 200, "result", "escalated");
    case_step(risk, "line2", A_RETURN, v + 1, "\"decision\":\"return\",\"reason\":\"ask for payslips\"", 200,
              "result", "return");
    case_step(officer, "review", A_RETURN, v + 2, "\"decision\":\"approve\",\"reason\":\"payslips seen\"", 200,
              "result", "approved");
    assert_true(version_of(A_MAKER) == v + 1);
}

/* Every bad body gets a 4xx with a code and changes nothing. */
static void test_bad_input_changes_nothing(void **state)
{
    char bodies[16][320];
    static const char *const codes[16] = { [12] = "malformed_json", [13] = "bad_field", [14] = "bad_field",
                                           [15] = "bad_field" };
    int nb = 0;
    double v = version_of(A_BAD);
    /* nothing anywhere: no audit entry, no change, no action, no limit */
    const char *const heads[] = { "SELECT ifnull(max(id), 0) FROM audit", "SELECT ifnull(max(seq), 0) FROM changes",
                                  "SELECT count(*) FROM actions", "SELECT count(*) FROM limit_history" };
    int64_t was[4];
    (void)state;
    for (int i = 0; i < 4; i++) was[i] = db_count(heads[i]);
#define B(...) snprintf(bodies[nb++], sizeof bodies[0], __VA_ARGS__)
    B("{\"type\":\"review\",\"application_id\":%d,\"version\":\"%.0f\",\"decision\":\"approve\",\"reason\":\"x\"}", A_BAD, v);
    B("{\"type\":\"review\",\"application_id\":%d,\"version\":1e300,\"decision\":\"approve\",\"reason\":\"x\"}", A_BAD);
    B("{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,\"decision\":\"maybe\",\"reason\":\"x\"}", A_BAD, v);
    B("{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,\"decision\":\"approve\"}", A_BAD, v);
    B("{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,\"decision\":\"approve\",\"reason\":\"\xc3\x28\"}", A_BAD, v);
    B("{\"type\":\"review\",\"application_id\":999999,\"version\":1,\"decision\":\"approve\",\"reason\":\"x\"}");
    B("{\"type\":\"review\",\"application_id\":-%d,\"version\":%.0f,\"decision\":\"approve\",\"reason\":\"x\"}", A_BAD, v);
    B("{\"type\":\"adjust_limit\",\"application_id\":%d,\"version\":%.0f,\"new_limit_fen\":-5,\"reason\":\"x\"}", A_BAD, v);
    B("{\"type\":\"drop_tables\",\"application_id\":%d}", A_BAD);
    B("{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,\"decision\":\"approve'; DROP TABLE applications;--\",\"reason\":\"x\"}", A_BAD, v);
    B("{\"type\":\"review\",\"application_id\":%d,", A_BAD);
    B("[1,2,3]");
    /* a whole valid action with more after it: the body is not one object */
    B("{\"type\":\"escalate\",\"application_id\":%d,\"version\":%.0f,\"reason\":\"x\"} {\"type\":\"x\"}", A_BAD, v);
    B("{\"type\":\"escalate\",\"application_id\":%d,\"version\":%.0f,\"reason\":\"a\\u0007b\"}", A_BAD, v);
    B("{\"type\":\"escalate\",\"application_id\":true,\"version\":%.0f,\"reason\":\"x\"}", v);
    B("{\"type\":\"escalate\",\"application_id\":%d.5,\"version\":%.0f,\"reason\":\"x\"}", A_BAD, v);
#undef B
    for (int i = 0; i < nb; i++) {
        yx_resp r;
        act(officer, NULL, bodies[i], &r);
        if (r.status < 400 || r.status >= 500) fail_msg("body %d got %ld: %s", i, r.status, r.body);
        assert_true(strlen(yx_error_code(&r)) > 0);
        if (codes[i] && strcmp(yx_error_code(&r), codes[i]))
            fail_msg("body %d got %s, want %s: %s", i, yx_error_code(&r), codes[i], r.body);
        yx_resp_free(&r);
    }
    for (int i = 0; i < 4; i++)
        if (db_count(heads[i]) != was[i])
            fail_msg("%s: %lld, was %lld", heads[i], (long long)db_count(heads[i]), (long long)was[i]);
    assert_true(version_of(A_BAD) == v);
}

/* SQL meta-characters in a free-text field are kept as text. */
static void test_sql_text_is_data(void **state)
{
    char body[320];
    yx_resp r;
    double v = version_of(A_BAD);
    (void)state;
    snprintf(body, sizeof body, "{\"type\":\"escalate\",\"application_id\":%d,\"version\":%.0f,"
             "\"reason\":\"x'); DELETE FROM applications; -- \\\" OR 1=1\"}", A_BAD, v);
    act(officer, NULL, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(rec_str(&r, "status"), "escalated");
    yx_resp_free(&r);
    assert_int_equal(yx_http("GET", &P, "/v1/applications?limit=500", risk, NULL, NULL, &r), 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 40);
    yx_resp_free(&r);
}

/* ---- disputes ------------------------------------------------------------ */

static double rec_num(const yx_resp *r, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, "record"), name);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* A dispute action on dispute id at version v: answers status (and code). */
static void dispute_act(const char *tok, const char *verb, const char *field, double id, double v,
                        long want, const char *code, yx_resp *r)
{
    char body[320];
    snprintf(body, sizeof body, "{\"type\":\"dispute_%s\",\"dispute_id\":%.0f,\"version\":%.0f,\"%s\":\"x y z\"}",
             verb, id, v, field);
    act(tok, NULL, body, r);
    if (r->status != want) fail_msg("dispute_%s: got %ld, want %ld: %s", verb, r->status, want, r->body);
    if (code) assert_string_equal(yx_error_code(r), code);
}

/* Who may open and act on a dispute in which state (core/policy): each
 * refusal is a 403 naming its rule and changes nothing. */
static void test_dispute_rules_by_role_and_state(void **state)
{
    const char *open = "{\"type\":\"dispute_open\",\"application_id\":31,\"category\":\"limit\",\"message\":\"too low\"}";
    yx_resp r;
    double id, v;
    int64_t rows = db_count("SELECT count(*) FROM disputes");
    (void)state;
    act(risk, NULL, open, &r);           /* line 2 does not open disputes */
    assert_int_equal(r.status, 403);
    assert_string_equal(yx_error_code(&r), "dispute_open_support_only");
    yx_resp_free(&r);
    /* the role is refused before the fields: a risk officer's open with no
     * message learns the rule, not the missing field */
    act(risk, NULL, "{\"type\":\"dispute_open\",\"application_id\":31,\"category\":\"limit\"}", &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(yx_error_code(&r), "dispute_open_support_only");
    yx_resp_free(&r);
    act(support, NULL, "{\"type\":\"dispute_open\",\"application_id\":31,\"category\":\"limit\"}", &r);
    assert_int_equal(r.status, 400);     /* the same body from support: the field */
    yx_resp_free(&r);
    act_refused(auditor, open, "read_only_role");
    act_refused(officer, open, "forbidden_role");
    assert_int_equal(db_count("SELECT count(*) FROM disputes"), rows);
    act(support, NULL, open, &r);
    assert_int_equal(r.status, 200);
    id = rec_num(&r, "id");
    v = rec_num(&r, "version");
    yx_resp_free(&r);
    /* open: support's, not line 2's, and auditors only read it */
    dispute_act(risk, "message", "message", id, v, 403, "dispute_line2_escalated_only", &r);
    yx_resp_free(&r);
    dispute_act(risk, "escalate", "reason", id, v, 403, "dispute_line2_escalated_only", &r);
    yx_resp_free(&r);
    dispute_act(auditor, "message", "message", id, v, 403, "read_only_role", &r);
    yx_resp_free(&r);
    dispute_act(support, "request_info", "reason", id, v, 200, NULL, &r);
    assert_string_equal(rec_str(&r, "status"), "info_requested");
    yx_resp_free(&r);
    dispute_act(risk, "resolve", "resolution", id, v + 1, 403, "dispute_line2_escalated_only", &r);
    yx_resp_free(&r);
    dispute_act(support, "escalate", "reason", id, v + 1, 200, NULL, &r);
    assert_string_equal(rec_str(&r, "status"), "escalated");
    yx_resp_free(&r);
    /* escalated: line 2's, support hands it over */
    dispute_act(support, "message", "message", id, v + 2, 403, "dispute_escalated_to_line2", &r);
    yx_resp_free(&r);
    dispute_act(support, "resolve", "resolution", id, v + 2, 403, "dispute_escalated_to_line2", &r);
    yx_resp_free(&r);
    dispute_act(auditor, "resolve", "resolution", id, v + 2, 403, "read_only_role", &r);
    yx_resp_free(&r);
    dispute_act(risk, "escalate", "reason", id, v + 2, 409, "invalid_state", &r);   /* already there */
    yx_resp_free(&r);
    dispute_act(risk, "message", "message", id, v + 2, 200, NULL, &r);
    yx_resp_free(&r);
    /* line 2 asking for information keeps the dispute: support still may not close it */
    dispute_act(risk, "request_info", "reason", id, v + 3, 200, NULL, &r);
    assert_string_equal(rec_str(&r, "status"), "escalated");
    yx_resp_free(&r);
    dispute_act(support, "resolve", "resolution", id, v + 4, 403, "dispute_escalated_to_line2", &r);
    yx_resp_free(&r);
    dispute_act(risk, "reject", "resolution", id, v + 4, 200, NULL, &r);
    assert_string_equal(rec_str(&r, "status"), "rejected");
    assert_string_equal(rec_str(&r, "resolution"), "x y z");
    yx_resp_free(&r);
    /* the refusals wrote nothing: 5 changes, 1 open + 5 messages */
    {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT max(version) FROM disputes WHERE id = %.0f", id);
        assert_true(db_count(sql) == v + 5);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM dispute_messages WHERE dispute_id = %.0f", id);
        assert_int_equal(db_count(sql), 6);
    }
}

/* A dispute about a customer alone: stored, listed, in the feed and the
 * audit trail like any other, with the same deadlines. */
static void test_dispute_for_a_customer(void **state)
{
    double cust = app_field(32, "customer_id"), id, v, opened;
    char body[320], path[96], since[32];
    const cJSON *items, *it;
    int found = 0;
    yx_resp r;
    (void)state;
    assert_int_equal(yx_http("GET", &P, "/v1/changes?since=0&limit=1000", support, NULL, NULL, &r), 0);
    snprintf(since, sizeof since, "%s", cJSON_GetObjectItem(r.json, "next")->valuestring);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"dispute_open\",\"customer_id\":%.0f,\"category\":\"collection\","
             "\"message\":\"collector called at night\"}", cust);
    act(support, NULL, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(cJSON_GetObjectItem(r.json, "result")->valuestring, "open");
    id = rec_num(&r, "id");
    v = rec_num(&r, "version");
    opened = rec_num(&r, "opened_at");
    assert_true(rec_num(&r, "customer_id") == cust);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "record"), "application_id")));
    assert_string_equal(rec_str(&r, "status"), "open");
    assert_true(rec_num(&r, "due_at") - opened == 15.0 * 86400000);
    yx_resp_free(&r);
    dispute_act(support, "extend", "reason", id, v, 200, NULL, &r);   /* 30 days, once */
    assert_true(rec_num(&r, "due_at") - opened == 30.0 * 86400000);
    yx_resp_free(&r);
    dispute_act(support, "extend", "reason", id, v + 1, 409, "invalid_state", &r);
    yx_resp_free(&r);
    /* listed, and read one by one, by support as by everybody who reads disputes */
    assert_int_equal(yx_http("GET", &P, "/v1/disputes?status=open&limit=500", support, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items"))
        if (cJSON_GetObjectItem(it, "id")->valuedouble == id) {
            found = 1;
            assert_true(cJSON_GetObjectItem(it, "customer_id")->valuedouble == cust);
            assert_true(cJSON_IsNull(cJSON_GetObjectItem(it, "application_id")));
            assert_null(cJSON_GetObjectItem(it, "mobile"));
        }
    assert_true(found);
    yx_resp_free(&r);
    snprintf(path, sizeof path, "/v1/disputes/%.0f", id);
    assert_int_equal(yx_http("GET", &P, path, auditor, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(cJSON_GetObjectItem(r.json, "customer_id")->valuedouble == cust);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "extended")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "messages")), 1);
    yx_resp_free(&r);
    /* in the feed: the opening and the extension */
    snprintf(path, sizeof path, "/v1/changes?since=%s", since);
    assert_int_equal(yx_http("GET", &P, path, support, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    items = cJSON_GetObjectItem(r.json, "items");
    assert_int_equal(cJSON_GetArraySize(items), 2);
    cJSON_ArrayForEach(it, items) {
        assert_string_equal(cJSON_GetObjectItem(it, "kind")->valuestring, "dispute");
        assert_true(cJSON_GetObjectItem(it, "record_id")->valuedouble == id);
        assert_true(cJSON_GetObjectItem(cJSON_GetObjectItem(it, "record"), "customer_id")->valuedouble == cust);
    }
    yx_resp_free(&r);
    /* audited like any other */
    {
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM audit WHERE action = 'action.dispute_open' AND "
                 "record = 'dispute:%.0f' AND detail = 'category=collection customer=%.0f application=none'", id, cust);
        assert_int_equal(db_count(sql), 1);
    }
    /* both, when the application is the customer's */
    snprintf(body, sizeof body, "{\"type\":\"dispute_open\",\"customer_id\":%.0f,\"application_id\":32,"
             "\"category\":\"decision\",\"message\":\"why declined\"}", cust);
    act(support, NULL, body, &r);
    assert_int_equal(r.status, 200);
    assert_true(rec_num(&r, "customer_id") == cust);
    assert_true(rec_num(&r, "application_id") == 32);
    yx_resp_free(&r);
}

/* A dispute needs a subject that exists and holds together; every bad one
 * is refused with its code and leaves no row, message, change or audit
 * entry behind. */
static void test_dispute_bad_subject_changes_nothing(void **state)
{
    static const char *const counts[] = {
        "SELECT count(*) FROM disputes", "SELECT count(*) FROM dispute_messages",
        "SELECT count(*) FROM changes", "SELECT count(*) FROM audit",
    };
    double cust = app_field(33, "customer_id");
    int other = 34;
    int64_t before[4];
    char bodies[8][256];
    long want[8];
    const char *code[8];
    int nb = 0;
    (void)state;
    while (app_field(other, "customer_id") == cust) other++;
#define B(st, c, ...) (want[nb] = (st), code[nb] = (c), snprintf(bodies[nb++], sizeof bodies[0], __VA_ARGS__))
    B(404, "not_found", "{\"type\":\"dispute_open\",\"customer_id\":999999,\"category\":\"limit\",\"message\":\"x\"}");
    B(404, "not_found", "{\"type\":\"dispute_open\",\"application_id\":999999,\"category\":\"limit\",\"message\":\"x\"}");
    B(422, "application_not_of_customer", "{\"type\":\"dispute_open\",\"customer_id\":%.0f,\"application_id\":%d,"
      "\"category\":\"limit\",\"message\":\"x\"}", cust, other);
    B(422, "dispute_subject_required", "{\"type\":\"dispute_open\",\"category\":\"limit\",\"message\":\"x\"}");
    B(422, "dispute_subject_required", "{\"type\":\"dispute_open\",\"customer_id\":null,\"application_id\":null,"
      "\"category\":\"limit\",\"message\":\"x\"}");
    B(400, "bad_field", "{\"type\":\"dispute_open\",\"customer_id\":\"%.0f\",\"category\":\"limit\",\"message\":\"x\"}", cust);
    B(400, "bad_field", "{\"type\":\"dispute_open\",\"customer_id\":0,\"category\":\"limit\",\"message\":\"x\"}");
    B(400, "bad_field", "{\"type\":\"dispute_open\",\"customer_id\":%.0f,\"category\":\"mood\",\"message\":\"x\"}", cust);
#undef B
    for (int i = 0; i < 4; i++) before[i] = db_count(counts[i]);
    for (int i = 0; i < nb; i++) {
        yx_resp r;
        act(support, NULL, bodies[i], &r);
        if (r.status != want[i] || strcmp(yx_error_code(&r), code[i]))
            fail_msg("body %d got %ld %s, want %ld %s", i, r.status, r.body, want[i], code[i]);
        yx_resp_free(&r);
    }
    for (int i = 0; i < 4; i++)
        if (db_count(counts[i]) != before[i]) fail_msg("%s changed", counts[i]);
}

/* ---- SQL text in every string field ------------------------------------ */

/* Quotes, a statement terminator, comment dashes, a percent sign, double
 * quotes and a backslash (the last two escaped in the JSON bodies). */
#define SQL_TEXT "x'); DROP TABLE actions; -- 100% \"off\" \\ OR '1'='1"
/* The same as an Idempotency-Key (printable ASCII, no spaces), which is
 * also the id of the reveal request it makes. */
#define SQL_KEY "k');DROP/**/TABLE/**/actions;--\"%'1'='1"

/* A count on the served database with text bound as ?1 (the text is not
 * pasted into the query). */
static int64_t db_count_text(const char *sql, const char *text)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_open_v2(P.db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (n < 0) fail_msg("%s failed", sql);
    return n;
}

/* POSTs body (to /v1/actions, or path) as tok and expects status with
 * this error code (NULL for a 2xx). */
static void sql_step(const char *tok, const char *path, const char *key, const char *body, long status,
                     const char *code, yx_resp *r)
{
    if (path) {
        assert_int_equal(yx_http("POST", &P, path, tok, body, NULL, r), 0);
    } else {
        act(tok, key, body, r);
    }
    if (r->status != status || strcmp(yx_error_code(r), code ? code : ""))
        fail_msg("%s: got %ld %s, want %ld %s", body, r->status, r->body, status, code ? code : "");
}

/* One audit entry after `after` of this action on this record holds
 * "NAME=TEXT" in its detail (the text as sent, whole). */
static void audit_holds(int64_t after, const char *action, const char *record, const char *name)
{
    char path[64], want[256];
    yx_resp r;
    const cJSON *it;
    int found = 0;
    snprintf(want, sizeof want, "%s=%s", name, SQL_TEXT);
    snprintf(path, sizeof path, "/v1/audit?after=%lld&limit=500", (long long)after);
    assert_int_equal(yx_http("GET", &P, path, auditor, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items")) {
        const cJSON *d = cJSON_GetObjectItem(it, "detail");
        if (!strcmp(cJSON_GetObjectItem(it, "action")->valuestring, action) &&
            !strcmp(cJSON_GetObjectItem(it, "record")->valuestring, record) && cJSON_IsString(d) &&
            strstr(d->valuestring, want))
            found = 1;
    }
    if (!found) fail_msg("no %s entry on %s holds %s", action, record, want);
    yx_resp_free(&r);
}

/* SQL meta-characters in every string field of every action type, the
 * reveal's reason and request, and the Idempotency-Key, are data: each
 * request gets the documented answer it would get with plain text (the
 * choice fields 400 bad_field, a dispute assignee that is no user 422
 * bad_assignee, a reveal request id that does not exist 404 or 403),
 * never a 5xx; every table is still there afterwards; and the text reads
 * back unchanged where it is kept (dispute messages, the extension
 * reason and the resolution through GET /v1/disputes/{id}, the limit
 * history, the audit trail's details, the reveal request's id). */
static void test_sql_text_in_every_field(void **state)
{
    static const char *const tables[] = {
        "users", "sessions", "channels", "customers", "applications", "features", "scores", "decisions",
        "defense", "credit_lines", "limit_history", "disputes", "dispute_messages", "actions", "changes",
        "audit", "audit_checkpoints", "alerts", "meta",
    };
    cJSON *js = cJSON_CreateString(SQL_TEXT), *jk = cJSON_CreateString(SQL_KEY);
    char *q = cJSON_PrintUnformatted(js), *qk = cJSON_PrintUnformatted(jk);
    char body[1024], rec[48];
    int64_t audit_head = db_count("SELECT ifnull(max(id), 0) FROM audit");
    int64_t apps = db_count("SELECT count(*) FROM applications");
    double d1, d2, v;
    yx_resp r;
    (void)state;
    cJSON_Delete(js);
    cJSON_Delete(jk);
    assert_non_null(q);
    assert_non_null(qk);

    /* choice fields and the type: refused as any unknown choice */
    snprintf(body, sizeof body, "{\"type\":%s,\"application_id\":%d,\"version\":1}", q, A_SQL_REVIEW);
    sql_step(officer, NULL, NULL, body, 400, "unknown_action", &r);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,\"decision\":%s,"
             "\"reason\":\"x\"}", A_SQL_REVIEW, version_of(A_SQL_REVIEW), q);
    sql_step(officer, NULL, NULL, body, 400, "bad_field", &r);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"audit_finding\",\"application_id\":%d,\"version\":%.0f,"
             "\"severity\":%s,\"remediation\":\"x\"}", A_SQL_REVIEW, version_of(A_SQL_REVIEW), q);
    sql_step(auditor, NULL, NULL, body, 400, "bad_field", &r);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"dispute_open\",\"application_id\":38,\"category\":%s,\"message\":\"x\"}", q);
    sql_step(support, NULL, NULL, body, 400, "bad_field", &r);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"reveal_request\",\"application_id\":%d,\"fields\":[%s],"
             "\"reason\":\"a good reason\"}", A_SQL_REVEAL, q);
    sql_step(officer, NULL, NULL, body, 400, "bad_field", &r);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"reveal_decide\",\"request\":\"no-such-request\",\"decision\":%s}", q);
    sql_step(risk, NULL, NULL, body, 400, "bad_field", &r);
    yx_resp_free(&r);

    /* line 1: review and escalate (reason); line 2: line2 and
     * approve_line2 (reason); line 3: audit_sample and audit_pass (note),
     * audit_finding (remediation and note); adjust_limit (reason) */
    snprintf(body, sizeof body, "{\"type\":\"review\",\"application_id\":%d,\"version\":%.0f,\"decision\":\"decline\","
             "\"reason\":%s}", A_SQL_REVIEW, version_of(A_SQL_REVIEW), q);
    sql_step(officer, NULL, NULL, body, 200, NULL, &r);
    assert_string_equal(rec_str(&r, "status"), "declined");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"audit_sample\",\"application_id\":%d,\"version\":%.0f,\"note\":%s}",
             A_SQL_REVIEW, version_of(A_SQL_REVIEW), q);
    sql_step(auditor, NULL, NULL, body, 200, NULL, &r);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"audit_finding\",\"application_id\":%d,\"version\":%.0f,"
             "\"severity\":\"high\",\"remediation\":%s,\"note\":%s}", A_SQL_REVIEW, version_of(A_SQL_REVIEW), q, q);
    sql_step(auditor, NULL, NULL, body, 200, NULL, &r);
    assert_string_equal(rec_str(&r, "l3"), "finding");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"escalate\",\"application_id\":%d,\"version\":%.0f,\"reason\":%s}",
             A_SQL_LINE2, version_of(A_SQL_LINE2), q);
    sql_step(officer, NULL, NULL, body, 200, NULL, &r);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"line2\",\"application_id\":%d,\"version\":%.0f,\"decision\":\"approve\","
             "\"reason\":%s}", A_SQL_LINE2, version_of(A_SQL_LINE2), q);
    sql_step(risk, NULL, NULL, body, 200, NULL, &r);
    assert_string_equal(rec_str(&r, "status"), "approved");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"audit_sample\",\"application_id\":%d,\"version\":%.0f}", A_SQL_LINE2,
             version_of(A_SQL_LINE2));
    sql_step(auditor, NULL, NULL, body, 200, NULL, &r);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"audit_pass\",\"application_id\":%d,\"version\":%.0f,\"note\":%s}",
             A_SQL_LINE2, version_of(A_SQL_LINE2), q);
    sql_step(auditor, NULL, NULL, body, 200, NULL, &r);
    assert_string_equal(rec_str(&r, "l3"), "passed");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"escalate\",\"application_id\":%d,\"version\":%.0f,\"reason\":\"plain\"}",
             A_SQL_APPROVE2, version_of(A_SQL_APPROVE2));
    sql_step(officer, NULL, NULL, body, 200, NULL, &r);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"approve_line2\",\"application_id\":%d,\"version\":%.0f,\"reason\":%s}",
             A_SQL_APPROVE2, version_of(A_SQL_APPROVE2), q);
    sql_step(risk, NULL, NULL, body, 200, NULL, &r);
    assert_string_equal(rec_str(&r, "status"), "approved");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"adjust_limit\",\"application_id\":%d,\"version\":%.0f,"
             "\"new_limit_fen\":3500000,\"reason\":%s}", A_SQL_LIMIT, version_of(A_SQL_LIMIT), q);
    sql_step(officer, NULL, NULL, body, 200, NULL, &r);
    assert_string_equal(cJSON_GetObjectItem(r.json, "result")->valuestring, "applied");
    yx_resp_free(&r);

    /* disputes: open (message), message, assign (no such user: 422),
     * request_info, extend and escalate (reason), resolve (line 2) and,
     * on a second one, reject (resolution) */
    snprintf(body, sizeof body, "{\"type\":\"dispute_open\",\"application_id\":38,\"category\":\"limit\",\"message\":%s}", q);
    sql_step(support, NULL, NULL, body, 200, NULL, &r);
    d1 = rec_num(&r, "id");
    yx_resp_free(&r);
    {
        static const struct { const char *verb, *field; int line2; long status; const char *code; } steps[] = {
            { "message", "message", 0, 200, NULL },
            { "assign", "assignee", 0, 422, "bad_assignee" },
            { "request_info", "reason", 0, 200, NULL },
            { "extend", "reason", 0, 200, NULL },
            { "escalate", "reason", 0, 200, NULL },
            { "resolve", "resolution", 1, 200, NULL },
        };
        v = 1;
        for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
            snprintf(body, sizeof body, "{\"type\":\"dispute_%s\",\"dispute_id\":%.0f,\"version\":%.0f,\"%s\":%s}",
                     steps[i].verb, d1, v, steps[i].field, q);
            sql_step(steps[i].line2 ? risk : support, NULL, NULL, body, steps[i].status, steps[i].code, &r);
            if (steps[i].status == 200) v++;
            yx_resp_free(&r);
        }
    }
    snprintf(body, sizeof body, "{\"type\":\"dispute_open\",\"application_id\":39,\"category\":\"pricing\","
             "\"message\":\"plain\"}");
    sql_step(support, NULL, NULL, body, 200, NULL, &r);
    d2 = rec_num(&r, "id");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"dispute_reject\",\"dispute_id\":%.0f,\"version\":1,\"resolution\":%s}", d2, q);
    sql_step(support, NULL, NULL, body, 200, NULL, &r);
    yx_resp_free(&r);

    /* reveals: a request whose id (its Idempotency-Key) is SQL text too,
     * line 2's decision on it, line 1's reveal under it, line 2's own
     * reveal; request ids that name nothing */
    snprintf(body, sizeof body, "{\"type\":\"reveal_request\",\"application_id\":%d,\"fields\":[\"name\"],\"reason\":%s}",
             A_SQL_REVEAL, q);
    sql_step(officer, NULL, SQL_KEY, body, 200, NULL, &r);
    assert_string_equal(cJSON_GetObjectItem(r.json, "request")->valuestring, SQL_KEY);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"reveal_decide\",\"request\":%s,\"decision\":\"approve\"}", q);
    sql_step(risk, NULL, NULL, body, 404, "not_found", &r);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"reveal_decide\",\"request\":%s,\"decision\":\"approve\"}", qk);
    sql_step(risk, NULL, NULL, body, 200, NULL, &r);
    assert_string_equal(cJSON_GetObjectItem(r.json, "request")->valuestring, SQL_KEY);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"application_id\":%d,\"fields\":[\"name\"],\"reason\":%s,\"request\":%s}",
             A_SQL_REVEAL, q, q);
    sql_step(officer, "/v1/reveal", NULL, body, 403, "reveal_not_approved", &r);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"application_id\":%d,\"fields\":[\"name\"],\"reason\":%s,\"request\":%s}",
             A_SQL_REVEAL, q, qk);
    sql_step(officer, "/v1/reveal", NULL, body, 200, NULL, &r);
    assert_true(cJSON_IsString(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "fields"), "name")));
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"application_id\":%d,\"fields\":[\"mobile\"],\"reason\":%s}", A_SQL_REVEAL, q);
    sql_step(risk, "/v1/reveal", NULL, body, 200, NULL, &r);
    yx_resp_free(&r);

    /* every table is still there, and every application */
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        if (db_count_text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", tables[i]) != 1)
            fail_msg("table %s is gone", tables[i]);
    assert_int_equal(db_count("SELECT count(*) FROM applications"), apps);

    /* read back: the first dispute holds the text in all five messages
     * (open, message, request_info, escalate, resolve), as the extension
     * reason and as the resolution; the assignment changed nothing */
    {
        char path[64];
        const cJSON *m;
        int n = 0;
        snprintf(path, sizeof path, "/v1/disputes/%.0f", d1);
        assert_int_equal(yx_http("GET", &P, path, support, NULL, NULL, &r), 0);
        assert_int_equal(r.status, 200);
        assert_string_equal(cJSON_GetObjectItem(r.json, "status")->valuestring, "resolved");
        assert_string_equal(cJSON_GetObjectItem(r.json, "extend_reason")->valuestring, SQL_TEXT);
        assert_string_equal(cJSON_GetObjectItem(r.json, "resolution")->valuestring, SQL_TEXT);
        assert_string_equal(cJSON_GetObjectItem(r.json, "assignee")->valuestring, "support");
        cJSON_ArrayForEach(m, cJSON_GetObjectItem(r.json, "messages")) {
            assert_string_equal(cJSON_GetObjectItem(m, "body")->valuestring, SQL_TEXT);
            n++;
        }
        assert_int_equal(n, 5);
        yx_resp_free(&r);
        snprintf(path, sizeof path, "/v1/disputes/%.0f", d2);
        assert_int_equal(yx_http("GET", &P, path, support, NULL, NULL, &r), 0);
        assert_int_equal(r.status, 200);
        assert_string_equal(cJSON_GetObjectItem(r.json, "status")->valuestring, "rejected");
        assert_string_equal(cJSON_GetObjectItem(r.json, "resolution")->valuestring, SQL_TEXT);
        assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "messages"), 1), "body")
                                ->valuestring, SQL_TEXT);
        yx_resp_free(&r);
    }
    assert_int_equal(db_count_text("SELECT count(*) FROM limit_history WHERE reason = ?1", SQL_TEXT), 1);
    assert_int_equal(db_count_text("SELECT count(*) FROM actions WHERE idem_key = ?1 AND type = 'reveal_request'",
                                   SQL_KEY), 1);
    /* and in the audit trail, each action's detail */
    snprintf(rec, sizeof rec, "application:%d", A_SQL_REVIEW);
    audit_holds(audit_head, "action.review", rec, "reason");
    audit_holds(audit_head, "action.audit_sample", rec, "note");
    audit_holds(audit_head, "action.audit_finding", rec, "remediation");
    audit_holds(audit_head, "action.audit_finding", rec, "note");
    snprintf(rec, sizeof rec, "application:%d", A_SQL_LINE2);
    audit_holds(audit_head, "action.escalate", rec, "reason");
    audit_holds(audit_head, "action.line2", rec, "reason");
    audit_holds(audit_head, "action.audit_pass", rec, "note");
    snprintf(rec, sizeof rec, "application:%d", A_SQL_APPROVE2);
    audit_holds(audit_head, "action.approve_line2", rec, "reason");
    snprintf(rec, sizeof rec, "application:%d", A_SQL_LIMIT);
    audit_holds(audit_head, "action.adjust_limit", rec, "reason");
    snprintf(rec, sizeof rec, "application:%d", A_SQL_REVEAL);
    audit_holds(audit_head, "action.reveal_request", rec, "reason");
    snprintf(rec, sizeof rec, "dispute:%.0f", d1);
    audit_holds(audit_head, "action.dispute_message", rec, "message");
    audit_holds(audit_head, "action.dispute_request_info", rec, "reason");
    audit_holds(audit_head, "action.dispute_extend", rec, "reason");
    audit_holds(audit_head, "action.dispute_escalate", rec, "reason");
    audit_holds(audit_head, "action.dispute_resolve", rec, "resolution");
    snprintf(rec, sizeof rec, "dispute:%.0f", d2);
    audit_holds(audit_head, "action.dispute_reject", rec, "resolution");
    snprintf(rec, sizeof rec, "customer:%.0f", app_field(A_SQL_REVEAL, "customer_id"));
    audit_holds(audit_head, "reveal", rec, "reason");
    free(q);
    free(qk);
}

struct poll_arg { char since[32]; yx_resp r; };

static void *long_poll(void *p)
{
    struct poll_arg *a = p;
    char path[96];
    snprintf(path, sizeof path, "/v1/changes?since=%s&wait=20", a->since);
    yx_http("GET", &P, path, officer2, NULL, NULL, &a->r);
    return NULL;
}

static void test_change_feed_and_long_poll(void **state)
{
    struct poll_arg pa;
    pthread_t th;
    yx_resp r;
    char body[256], path[96];
    const cJSON *items, *last;
    struct timespec t0, t1;
    (void)state;
    /* the head of the feed now */
    assert_int_equal(yx_http("GET", &P, "/v1/changes?since=0&limit=1000", officer, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    items = cJSON_GetObjectItem(r.json, "items");
    assert_true(cJSON_GetArraySize(items) >= 8);   /* the actions above */
    snprintf(pa.since, sizeof pa.since, "%s", cJSON_GetObjectItem(r.json, "next")->valuestring);
    yx_resp_free(&r);
    /* nothing new: an empty page after the wait, same cursor */
    snprintf(path, sizeof path, "/v1/changes?since=%s&wait=1", pa.since);
    assert_int_equal(yx_http("GET", &P, path, officer, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 0);
    assert_string_equal(cJSON_GetObjectItem(r.json, "next")->valuestring, pa.since);
    yx_resp_free(&r);
    /* a cursor past the newest change was never handed out: following it
     * would skip every change up to it */
    assert_int_equal(yx_http("GET", &P, "/v1/changes?since=999999999&wait=1", officer, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 400);
    assert_string_equal(yx_error_code(&r), "bad_cursor");
    yx_resp_free(&r);
    /* admin may not read the feed */
    {
        char *admin = yx_login(&P, "admin", PW);
        assert_non_null(admin);
        assert_int_equal(yx_http("GET", &P, "/v1/changes", admin, NULL, NULL, &r), 0);
        assert_int_equal(r.status, 403);
        yx_resp_free(&r);
        free(admin);
    }

    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(pthread_create(&th, NULL, long_poll, &pa), 0);
    snprintf(body, sizeof body, "{\"type\":\"escalate\",\"application_id\":%d,\"version\":%.0f,\"reason\":\"feed\"}",
             A_FEED, version_of(A_FEED));
    act(officer, NULL, body, &r);
    assert_int_equal(r.status, 200);
    yx_resp_free(&r);
    pthread_join(th, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(pa.r.status, 200);
    assert_true(t1.tv_sec - t0.tv_sec < 15);   /* woken by the change, not the timeout */
    items = cJSON_GetObjectItem(pa.r.json, "items");
    assert_int_equal(cJSON_GetArraySize(items), 1);
    last = cJSON_GetArrayItem(items, 0);
    assert_string_equal(cJSON_GetObjectItem(last, "kind")->valuestring, "application");
    assert_true(cJSON_GetObjectItem(last, "record_id")->valuedouble == A_FEED);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(last, "record"), "status")->valuestring, "escalated");
    assert_non_null(strchr(cJSON_GetObjectItem(cJSON_GetObjectItem(last, "record"), "mobile")->valuestring, '*'));
    yx_resp_free(&pa.r);
}

/* Last: SIGTERM while a long poll is in flight: the poll is answered (not
 * cut off), yxd exits 0, and the audit chain it leaves verifies. */
static void test_sigterm_finishes_in_flight(void **state)
{
    struct poll_arg pa;
    pthread_t th;
    char out[256], err[256];
    const char *verify[] = { "audit", "verify", "--db", P.db, NULL };
    (void)state;
    /* the head: a poll that waits for the next change */
    snprintf(pa.since, sizeof pa.since, "%lld", (long long)db_count("SELECT ifnull(max(seq), 0) FROM changes"));
    assert_int_equal(pthread_create(&th, NULL, long_poll, &pa), 0);
    /* wait (by polling, no sleeps) until the server holds the long poll:
     * two requests in flight, the poll and this metrics request */
    for (int in_flight = 0; in_flight < 2;) {
        yx_resp r;
        const char *g;
        assert_int_equal(yx_http("GET", &P, "/v1/metrics", NULL, NULL, NULL, &r), 0);
        g = strstr(r.body, "\nyxd_requests_in_flight ");
        assert_non_null(g);
        in_flight = atoi(g + 24);
        yx_resp_free(&r);
    }
    assert_int_equal(yxd_proc_stop(&P), 0);
    pthread_join(th, NULL);
    assert_int_equal(pa.r.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(pa.r.json, "items")), 0);
    yx_resp_free(&pa.r);
    assert_int_equal(yxd_run(verify, NULL, out, sizeof out, err, sizeof err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_required),
        cmocka_unit_test(test_approve_within_authority_is_idempotent),
        cmocka_unit_test(test_stale_version_is_409_with_current),
        cmocka_unit_test(test_above_authority_goes_to_line2),
        cmocka_unit_test(test_authority_is_configurable),
        cmocka_unit_test(test_automatic_decisions_can_be_overridden),
        cmocka_unit_test(test_override_of_decline_needs_line2_and_is_sampled),
        cmocka_unit_test(test_refusal_leaves_the_key_free),
        cmocka_unit_test(test_override_after_line3_passed_is_sampled_again),
        cmocka_unit_test(test_line2_above_its_authority_is_refused),
        cmocka_unit_test(test_limit_change_above_authority_needs_line2),
        cmocka_unit_test(test_two_lines_and_maker_checker_on_limit_cases),
        cmocka_unit_test(test_bad_input_changes_nothing),
        cmocka_unit_test(test_sql_text_is_data),
        cmocka_unit_test(test_dispute_rules_by_role_and_state),
        cmocka_unit_test(test_dispute_for_a_customer),
        cmocka_unit_test(test_dispute_bad_subject_changes_nothing),
        cmocka_unit_test(test_sql_text_in_every_field),
        cmocka_unit_test(test_change_feed_and_long_poll),
        cmocka_unit_test(test_sigterm_finishes_in_flight),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
