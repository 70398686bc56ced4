/* POST /v1/actions against a real yxd: idempotency, stale versions, the
 * three lines of defense (authority routing, override of an automatic
 * decline, nobody on two lines, auditors read-only, line 3 results),
 * limit changes through line 2, bad input that changes nothing, and the
 * change feed (entries, role filtering, long-poll). The cases are set up
 * in the demo database before yxd starts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/store_app.h"
#include "core/store_user.h"
#include "tests/common/yxd_proc.h"

#define PW "yixiang-demo"

enum { A_SMALL = 1, A_LARGE, A_DECLINED, A_APPROVED, A_STALE, A_BAD, A_FEED, A_MID, A_AUTO, A_HUMAN };

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
    {   /* settled on line 1: automatically, and by a person */
        defense_state a = { .application_id = A_AUTO, .l1 = L1_REJECTED, .l2 = L2_NOT_REQUIRED, .l3 = L3_NOT_SAMPLED };
        defense_state h = { .application_id = A_HUMAN, .l1 = L1_APPROVED, .l2 = L2_NOT_REQUIRED, .l3 = L3_NOT_SAMPLED };
        strcpy(a.l1_user, "auto");
        strcpy(h.l1_user, "officer2");
        if (store_defense_put(s, &a, NULL) || store_defense_put(s, &h, NULL)) return -1;
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

static double version_of(int64_t id)
{
    char path[64];
    yx_resp r;
    double v;
    snprintf(path, sizeof path, "/v1/applications/%lld", (long long)id);
    assert_int_equal(yx_http("GET", &P, path, risk, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    v = cJSON_GetObjectItem(r.json, "version")->valuedouble;
    yx_resp_free(&r);
    return v;
}

static const char *rec_str(const yx_resp *r, const char *name)
{
    const cJSON *rec = cJSON_GetObjectItem(r->json, "record");
    const cJSON *v = cJSON_GetObjectItem(rec, name);
    if (!v) v = cJSON_GetObjectItem(cJSON_GetObjectItem(rec, "defense"), name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static void test_key_required(void **state)
{
    yx_resp r;
    (void)state;
    assert_int_equal(yx_http("POST", &P, "/v1/actions", officer, "{\"type\":\"review\"}", NULL, &r), 0);
    assert_int_equal(r.status, 400);
    assert_string_equal(yx_error_code(&r), "idempotency_key_required");
    yx_resp_free(&r);
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
    act(officer2, NULL, body, &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(yx_error_code(&r), "forbidden_role");
    yx_resp_free(&r);
    act(risk, NULL, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(rec_str(&r, "status"), "approved");
    assert_string_equal(rec_str(&r, "l2"), "approved");
    assert_string_equal(rec_str(&r, "l2_user"), "risk");
    yx_resp_free(&r);
    /* risk acted on line 2 of this case: it may not act on line 1 (a limit change) */
    snprintf(body, sizeof body, "{\"type\":\"adjust_limit\",\"application_id\":%d,\"version\":%.0f,"
             "\"new_limit_fen\":7000000,\"reason\":\"x\"}", A_LARGE, v + 2);
    act(risk, NULL, body, &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(yx_error_code(&r), "separation_two_lines");
    yx_resp_free(&r);
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
    act(auditor, NULL, body, &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(yx_error_code(&r), "read_only_role");
    yx_resp_free(&r);
    act(support, NULL, body, &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(yx_error_code(&r), "forbidden_role");
    yx_resp_free(&r);
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

/* Every bad body gets a 4xx with a code and leaves the record alone. */
static void test_bad_input_changes_nothing(void **state)
{
    char bodies[12][320];
    int nb = 0;
    double v = version_of(A_BAD);
    (void)state;
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
#undef B
    for (int i = 0; i < nb; i++) {
        yx_resp r;
        act(officer, NULL, bodies[i], &r);
        if (r.status < 400 || r.status >= 500) fail_msg("body %d got %ld: %s", i, r.status, r.body);
        assert_true(strlen(yx_error_code(&r)) > 0);
        yx_resp_free(&r);
    }
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
    char body[256];
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
    assert_int_equal(yx_http("GET", &P, "/v1/changes?since=999999&wait=1", officer, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 0);
    assert_string_equal(cJSON_GetObjectItem(r.json, "next")->valuestring, "999999");
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
    snprintf(pa.since, sizeof pa.since, "999999");
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
        cmocka_unit_test(test_limit_change_above_authority_needs_line2),
        cmocka_unit_test(test_bad_input_changes_nothing),
        cmocka_unit_test(test_sql_text_is_data),
        cmocka_unit_test(test_change_feed_and_long_poll),
        cmocka_unit_test(test_sigterm_finishes_in_flight),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
