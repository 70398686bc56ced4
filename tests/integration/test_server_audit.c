/* The audit chain against a real yxd: reads of personal data and state
 * changes are audited, GET /v1/audit pages the trail, checkpoints are
 * signed every N entries and on shutdown and verify with the published
 * public key, `yxd audit verify` passes on the result and names the entry
 * when any byte of any entry is changed or an entry is removed. Also the
 * disputes flow: deadlines, extension, escalation to line 2, closing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/store.h"
#include "tests/common/yxd_proc.h"

#define PW "yixiang-demo"

static yxd_proc P;
static char *support, *risk, *auditor, *officer;

static int setup(void **state)
{
    const char *extra[] = { "--checkpoint-every", "5", NULL };
    (void)state;
    if (yxd_proc_start_demo(&P, 20, extra)) return -1;
    support = yx_login(&P, "support", PW);
    risk = yx_login(&P, "risk", PW);
    auditor = yx_login(&P, "auditor", PW);
    officer = yx_login(&P, "officer", PW);
    return support && risk && auditor && officer ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(support); free(risk); free(auditor); free(officer);
    yxd_proc_cleanup(&P);
    return 0;
}

static void act(const char *tok, const char *body, yx_resp *r)
{
    static int n;
    char h[80];
    const char *hdr[] = { h, NULL };
    snprintf(h, sizeof h, "Idempotency-Key: audit-test-%d", ++n);
    assert_int_equal(yx_http("POST", &P, "/v1/actions", tok, body, hdr, r), 0);
}

static double num(const cJSON *o, const char *path1, const char *path2)
{
    const cJSON *x = cJSON_GetObjectItem(o, path1);
    if (path2) x = cJSON_GetObjectItem(x, path2);
    return x ? x->valuedouble : -1;
}

static void test_dispute_flow(void **state)
{
    char body[300];
    yx_resp r;
    double id, v, opened, due;
    (void)state;
    act(officer, "{\"type\":\"dispute_open\",\"application_id\":3,\"category\":\"limit\",\"message\":\"too low\"}", &r);
    assert_int_equal(r.status, 403);   /* support opens disputes */
    yx_resp_free(&r);
    act(support, "{\"type\":\"dispute_open\",\"application_id\":3,\"category\":\"pricing\","
                 "\"message\":\"客户认为费率过高\"}", &r);
    assert_int_equal(r.status, 200);
    id = num(r.json, "record", "id");
    v = num(r.json, "record", "version");
    opened = num(r.json, "record", "opened_at");
    due = num(r.json, "record", "due_at");
    assert_true(due - opened == 15.0 * 86400000);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"dispute_extend\",\"dispute_id\":%.0f,\"version\":%.0f,"
             "\"reason\":\"needs the partner's fee schedule\"}", id, v);
    act(support, body, &r);
    assert_int_equal(r.status, 200);
    assert_true(num(r.json, "record", "due_at") - opened == 30.0 * 86400000);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"dispute_extend\",\"dispute_id\":%.0f,\"version\":%.0f,"
             "\"reason\":\"again\"}", id, v + 1);
    act(support, body, &r);
    assert_int_equal(r.status, 409);   /* only once */
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"dispute_message\",\"dispute_id\":%.0f,\"version\":%.0f,"
             "\"message\":\"called the customer\"}", id, v);
    act(support, body, &r);
    assert_int_equal(r.status, 409);   /* stale version */
    assert_string_equal(yx_error_code(&r), "stale_version");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"dispute_resolve\",\"dispute_id\":%.0f,\"version\":%.0f,"
             "\"resolution\":\"x\"}", id, v + 1);
    act(risk, body, &r);
    assert_int_equal(r.status, 403);   /* line 2 only takes escalated disputes */
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"dispute_escalate\",\"dispute_id\":%.0f,\"version\":%.0f,"
             "\"reason\":\"fee above the published schedule\"}", id, v + 1);
    act(support, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "record"), "status")->valuestring, "escalated");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"dispute_resolve\",\"dispute_id\":%.0f,\"version\":%.0f,"
             "\"resolution\":\"fee refunded\"}", id, v + 2);
    act(support, body, &r);
    assert_int_equal(r.status, 403);   /* escalated: line 2's now */
    yx_resp_free(&r);
    act(risk, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "record"), "status")->valuestring, "resolved");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "record"), "messages")), 3);
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"dispute_message\",\"dispute_id\":%.0f,\"version\":%.0f,"
             "\"message\":\"late\"}", id, v + 3);
    act(risk, body, &r);
    assert_int_equal(r.status, 409);   /* closed */
    yx_resp_free(&r);
    /* everybody who may read disputes sees it; nobody sees it as overdue */
    assert_int_equal(yx_http("GET", &P, "/v1/disputes?status=resolved", auditor, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 1);
    yx_resp_free(&r);
    assert_int_equal(yx_http("GET", &P, "/v1/disputes?overdue=1", support, NULL, NULL, &r), 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 0);
    yx_resp_free(&r);
}

static void test_dispute_assign_and_request_info(void **state)
{
    char body[300];
    yx_resp r;
    double id, v;
    (void)state;
    act(support, "{\"type\":\"dispute_open\",\"application_id\":5,\"category\":\"data_correction\","
                 "\"message\":\"wrong employer on file\"}", &r);
    assert_int_equal(r.status, 200);
    id = num(r.json, "record", "id");
    v = num(r.json, "record", "version");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"dispute_assign\",\"dispute_id\":%.0f,\"version\":%.0f,"
             "\"assignee\":\"officer\"}", id, v);
    act(support, body, &r);
    assert_int_equal(r.status, 422);   /* only support or risk take disputes */
    assert_string_equal(yx_error_code(&r), "bad_assignee");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"dispute_assign\",\"dispute_id\":%.0f,\"version\":%.0f,"
             "\"assignee\":\"support\"}", id, v);
    act(support, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "record"), "assignee")->valuestring, "support");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"dispute_request_info\",\"dispute_id\":%.0f,\"version\":%.0f,"
             "\"reason\":\"need the employment contract\"}", id, v + 1);
    act(support, body, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "record"), "status")->valuestring,
                        "info_requested");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "/v1/disputes/%.0f", id);
    assert_int_equal(yx_http("GET", &P, body, officer, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "messages")), 2);
    yx_resp_free(&r);
    assert_int_equal(yx_http("GET", &P, "/v1/disputes/999999", officer, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 404);
    yx_resp_free(&r);
    {   /* pages of one: newest first, the next page holds the older one */
        char path[64];
        double first;
        assert_int_equal(yx_http("GET", &P, "/v1/disputes?limit=1", officer, NULL, NULL, &r), 0);
        first = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "items"), 0), "id")->valuedouble;
        assert_true(first == id);
        snprintf(path, sizeof path, "/v1/disputes?limit=1&after=%s", cJSON_GetObjectItem(r.json, "next")->valuestring);
        yx_resp_free(&r);
        assert_int_equal(yx_http("GET", &P, path, officer, NULL, NULL, &r), 0);
        assert_true(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "items"), 0), "id")->valuedouble < first);
        assert_true(cJSON_IsNull(cJSON_GetObjectItem(r.json, "next")));
        yx_resp_free(&r);
    }
}

static void test_overdue_disputes_are_flagged(void **state)
{
    yx_resp r;
    store *s;
    char err[256];
    double id;
    (void)state;
    act(support, "{\"type\":\"dispute_open\",\"application_id\":4,\"category\":\"not_me\",\"message\":\"not me\"}", &r);
    assert_int_equal(r.status, 200);
    id = num(r.json, "record", "id");
    yx_resp_free(&r);
    /* move its deadline into the past, as if 15 days went by */
    assert_int_equal(store_open(&s, P.db, 0, err, sizeof err), 0);
    sqlite3_stmt *st = store_stmt(s, "UPDATE disputes SET due_at = 1000 WHERE id = ?");
    sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_reset(st);
    store_close(s);
    assert_int_equal(yx_http("GET", &P, "/v1/disputes?overdue=1", support, NULL, NULL, &r), 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")), 1);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "items"), 0), "overdue")));
    yx_resp_free(&r);
}

static void test_reads_are_audited_and_paged(void **state)
{
    yx_resp r;
    int found = 0, total = 0;
    char path[80], next[32] = "0";
    (void)state;
    assert_int_equal(yx_http("GET", &P, "/v1/applications/7", support, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    yx_resp_free(&r);
    for (;;) {
        const cJSON *it, *nx;
        snprintf(path, sizeof path, "/v1/audit?limit=7&after=%s", next);
        assert_int_equal(yx_http("GET", &P, path, auditor, NULL, NULL, &r), 0);
        assert_int_equal(r.status, 200);
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items")) {
            total++;
            if (!strcmp(cJSON_GetObjectItem(it, "record")->valuestring, "application:7") &&
                !strcmp(cJSON_GetObjectItem(it, "action")->valuestring, "read") &&
                !strcmp(cJSON_GetObjectItem(it, "actor")->valuestring, "support"))
                found++;
        }
        nx = cJSON_GetObjectItem(r.json, "next");
        if (!cJSON_IsString(nx)) { yx_resp_free(&r); break; }
        snprintf(next, sizeof next, "%s", nx->valuestring);
        yx_resp_free(&r);
    }
    assert_int_equal(found, 1);
    assert_true(total >= 10);
}

/* Checkpoints verify against the published key. */
static void test_checkpoints_are_signed(void **state)
{
    yx_resp r;
    unsigned char pk[32], head[32], sig[64], msg[48];
    const cJSON *it;
    int n = 0;
    (void)state;
    assert_int_equal(yx_http("GET", &P, "/v1/audit/checkpoints", NULL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(sodium_hex2bin(pk, 32, cJSON_GetObjectItem(r.json, "public_key")->valuestring, 64,
                                    NULL, NULL, NULL), 0);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items")) {
        uint64_t aid = (uint64_t)cJSON_GetObjectItem(it, "audit_id")->valuedouble;
        uint64_t at = (uint64_t)cJSON_GetObjectItem(it, "at")->valuedouble;
        assert_int_equal(sodium_hex2bin(head, 32, cJSON_GetObjectItem(it, "head_hash")->valuestring, 64,
                                        NULL, NULL, NULL), 0);
        assert_int_equal(sodium_hex2bin(sig, 64, cJSON_GetObjectItem(it, "signature")->valuestring, 128,
                                        NULL, NULL, NULL), 0);
        for (int i = 7; i >= 0; i--) { msg[i] = (unsigned char)(aid & 0xff); aid >>= 8; }
        memcpy(msg + 8, head, 32);
        for (int i = 7; i >= 0; i--) { msg[40 + i] = (unsigned char)(at & 0xff); at >>= 8; }
        assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof msg, pk), 0);
        msg[20] ^= 1;   /* and a changed head does not */
        assert_int_not_equal(crypto_sign_verify_detached(sig, msg, sizeof msg, pk), 0);
        n++;
    }
    assert_true(n >= 2);   /* every 5 entries */
    yx_resp_free(&r);
}

static int verify(char *out, size_t n, char *err, size_t en)
{
    const char *args[] = { "audit", "verify", "--db", P.db, NULL };
    return yxd_run(args, NULL, out, n, err, en);
}

static void exec_sql(const char *sql)
{
    store *s;
    char err[256];
    assert_int_equal(store_open(&s, P.db, 0, err, sizeof err), 0);
    assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
    store_close(s);
}

/* Last: stop (signs the head), verify, then change one byte of one field
 * of every 5th entry: each is named, and undoing it verifies again. */
static void test_verify_and_tamper(void **state)
{
    static const char *const fields[] = { "actor", "action", "record", "origin", "role" };
    char out[512], err[512], sql[200], want[32];
    int n = 0;
    (void)state;
    assert_int_equal(yxd_proc_stop(&P), 0);
    assert_int_equal(verify(out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "intact"));
    assert_int_equal(sscanf(out, "intact: %d entries", &n), 1);
    assert_true(n >= 10);
    for (int id = 1, k = 0; id <= n; id += 5, k++) {
        const char *f = fields[k % 5];
        snprintf(sql, sizeof sql, "UPDATE audit SET %s = %s || 'x' WHERE id = %d", f, f, id);
        exec_sql(sql);
        assert_int_equal(verify(out, sizeof out, err, sizeof err), 1);
        snprintf(want, sizeof want, "entry %d:", id);
        if (!strstr(err, want)) fail_msg("changed %s of entry %d, verify said: %s", f, id, err);
        snprintf(sql, sizeof sql, "UPDATE audit SET %s = substr(%s, 1, length(%s) - 1) WHERE id = %d", f, f, f, id);
        exec_sql(sql);
        assert_int_equal(verify(out, sizeof out, err, sizeof err), 0);
    }
    /* a damaged stored hash */
    exec_sql("UPDATE audit SET hash = zeroblob(32) WHERE id = 6");
    assert_int_equal(verify(out, sizeof out, err, sizeof err), 1);
    assert_non_null(strstr(err, "entry 6:"));
}

static void test_removed_tail_is_detected(void **state)
{
    yxd_proc q;
    char out[512], err[512];
    const char *args[] = { "audit", "verify", "--db", q.db, NULL };
    char *t;
    (void)state;
    assert_int_equal(yxd_proc_tempdir(&q), 0);
    assert_int_equal(yxd_proc_init_demo(&q, 3), 0);
    assert_int_equal(yxd_proc_start(&q, NULL), 0);
    t = yx_login(&q, "officer", PW);
    assert_non_null(t);
    free(t);
    assert_int_equal(yxd_proc_stop(&q), 0);   /* signs the head */
    assert_int_equal(yxd_run(args, NULL, out, sizeof out, err, sizeof err), 0);
    {
        store *s;
        char e[256];
        assert_int_equal(store_open(&s, q.db, 0, e, sizeof e), 0);
        assert_int_equal(sqlite3_exec(store_db(s), "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)",
                                      NULL, NULL, NULL), SQLITE_OK);
        store_close(s);
    }
    /* the chain that is left is consistent, but the signed head is gone */
    assert_int_equal(yxd_run(args, NULL, out, sizeof out, err, sizeof err), 1);
    assert_non_null(strstr(err, "entry"));
    yxd_proc_cleanup(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dispute_flow),
        cmocka_unit_test(test_dispute_assign_and_request_info),
        cmocka_unit_test(test_overdue_disputes_are_flagged),
        cmocka_unit_test(test_reads_are_audited_and_paged),
        cmocka_unit_test(test_checkpoints_are_signed),
        cmocka_unit_test(test_verify_and_tamper),
        cmocka_unit_test(test_removed_tail_is_detected),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
