/* The audit chain against a real yxd: reads of personal data and state
 * changes are audited, GET /v1/audit pages the trail, checkpoints are
 * signed every N entries and on shutdown and verify with the published
 * public key, `yxd audit verify` passes on the result and names the entry
 * or checkpoint when any byte of any entry or signed head is changed or an
 * entry is removed. It checks the heads against a pinned key (or the
 * server's key file), so a database writer who rewrites the chain and
 * re-signs it with a key of their own is caught; only with neither key at
 * hand does it fall back to the stored keys, and says so. Also the
 * disputes flow: deadlines, extension, escalation to line 2, closing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdint.h>
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
    assert_int_equal(r.status, 422);   /* only who may work it takes a dispute */
    assert_string_equal(yx_error_code(&r), "bad_assignee");
    yx_resp_free(&r);
    snprintf(body, sizeof body, "{\"type\":\"dispute_assign\",\"dispute_id\":%.0f,\"version\":%.0f,"
             "\"assignee\":\"risk\"}", id, v);
    act(support, body, &r);
    assert_int_equal(r.status, 422);   /* line 2 works escalated disputes only */
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
    double id, overdue_before = yx_metric(&P, "yxd_disputes_overdue ");
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
    /* and counted for the operator, nobody having to read it */
    assert_true(overdue_before >= 0);
    assert_true(yx_metric(&P, "yxd_disputes_overdue ") == overdue_before + 1);
}

static void test_reads_are_audited_and_paged(void **state)
{
    yx_resp r;
    int found = 0, listed = 0, total = 0;
    char path[80], next[32] = "0";
    (void)state;
    assert_int_equal(yx_http("GET", &P, "/v1/applications/7", support, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    yx_resp_free(&r);
    assert_int_equal(yx_http("GET", &P, "/v1/disputes?status=open", support, NULL, NULL, &r), 0);
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
            if (!strcmp(cJSON_GetObjectItem(it, "record")->valuestring, "disputes") &&
                !strcmp(cJSON_GetObjectItem(it, "action")->valuestring, "list") &&
                !strcmp(cJSON_GetObjectItem(it, "actor")->valuestring, "support"))
                listed++;
        }
        nx = cJSON_GetObjectItem(r.json, "next");
        if (!cJSON_IsString(nx)) { yx_resp_free(&r); break; }
        snprintf(next, sizeof next, "%s", nx->valuestring);
        yx_resp_free(&r);
    }
    assert_int_equal(found, 1);
    assert_true(listed >= 1);      /* a page of disputes is audited too (earlier tests list some) */
    assert_true(total >= 10);
}

static void be64(unsigned char b[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--) { b[i] = (unsigned char)(v & 0xff); v >>= 8; }
}

/* What a checkpoint signs, as GET /v1/audit/checkpoints describes it. */
static void signed_message(uint64_t audit_id, const unsigned char head[32], uint64_t at, unsigned char msg[48])
{
    be64(msg, audit_id);
    memcpy(msg + 8, head, 32);
    be64(msg + 40, at);
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
        signed_message(aid, head, at, msg);
        assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof msg, pk), 0);
        msg[20] ^= 1;   /* and a changed head does not */
        assert_int_not_equal(crypto_sign_verify_detached(sig, msg, sizeof msg, pk), 0);
        n++;
    }
    assert_true(n >= 2);   /* every 5 entries */
    yx_resp_free(&r);
    {   /* in pages of one, newest first, every checkpoint once */
        char path[96] = "/v1/audit/checkpoints?limit=1";
        double prev = 1e18;
        int paged = 0;
        for (;;) {
            const cJSON *next;
            assert_int_equal(yx_http("GET", &P, path, NULL, NULL, NULL, &r), 0);
            assert_int_equal(r.status, 200);
            it = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "items"), 0);
            if (it) {
                assert_true(cJSON_GetObjectItem(it, "id")->valuedouble < prev);
                prev = cJSON_GetObjectItem(it, "id")->valuedouble;
                paged++;
            }
            next = cJSON_GetObjectItem(r.json, "next");
            if (!cJSON_IsString(next)) { yx_resp_free(&r); break; }
            snprintf(path, sizeof path, "/v1/audit/checkpoints?limit=1&before=%s", next->valuestring);
            yx_resp_free(&r);
            assert_true(paged <= n + 1);
        }
        assert_true(paged >= n);   /* and any signed since */
        assert_int_equal(yx_http("GET", &P, "/v1/audit/checkpoints?after=3", NULL, NULL, NULL, &r), 0);
        assert_int_equal(r.status, 400);
        yx_resp_free(&r);
    }
}

/* `yxd audit verify --db db [--public-key pk_hex]` */
static int verify_with(const char *db, const char *pk_hex, char *out, size_t n, char *err, size_t en)
{
    const char *args[] = { "audit", "verify", "--db", db, "--public-key", pk_hex, NULL };
    if (!pk_hex) args[4] = NULL;
    return yxd_run(args, NULL, out, n, err, en);
}

static int verify(char *out, size_t n, char *err, size_t en)
{
    return verify_with(P.db, NULL, out, n, err, en);
}

static void exec_sql(const char *sql)
{
    store *s;
    char err[256];
    assert_int_equal(store_open(&s, P.db, 0, err, sizeof err), 0);
    assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
    store_close(s);
}

/* The one integer a query on db answers. */
static int64_t sql_int(const char *db, const char *sql)
{
    store *s;
    char err[256];
    sqlite3_stmt *st;
    int64_t v;
    assert_int_equal(store_open(&s, db, 0, err, sizeof err), 0);
    st = store_stmt(s, sql);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    store_close(s);
    return v;
}

/* A prepared statement the caller finalizes (store_stmt caches by the SQL
 * text's address, so it is for string literals only). */
static sqlite3_stmt *prep(store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(s)));
    return st;
}

/* Flips the low bit of the middle byte of a text or blob column of one row
 * (of an integer column: of the value), keeping its type; done twice, it
 * undoes itself. */
static void flip(const char *table, const char *column, int64_t id)
{
    store *s;
    char err[256], sql[160];
    unsigned char buf[4096];
    sqlite3_stmt *rd, *wr;
    int type, n;
    assert_int_equal(store_open(&s, P.db, 0, err, sizeof err), 0);
    snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE id = ?", column, table);
    rd = prep(s, sql);
    sqlite3_bind_int64(rd, 1, id);
    assert_int_equal(sqlite3_step(rd), SQLITE_ROW);
    snprintf(sql, sizeof sql, "UPDATE %s SET %s = ? WHERE id = ?", table, column);
    wr = prep(s, sql);
    type = sqlite3_column_type(rd, 0);
    if (type == SQLITE_INTEGER) {
        sqlite3_bind_int64(wr, 1, sqlite3_column_int64(rd, 0) ^ 1);
    } else {
        const void *v = type == SQLITE_TEXT ? (const void *)sqlite3_column_text(rd, 0) : sqlite3_column_blob(rd, 0);
        n = sqlite3_column_bytes(rd, 0);
        assert_true(n > 0 && (size_t)n <= sizeof buf);
        memcpy(buf, v, (size_t)n);
        buf[n / 2] ^= 1;
        if (type == SQLITE_TEXT) sqlite3_bind_text(wr, 1, (const char *)buf, n, SQLITE_TRANSIENT);
        else sqlite3_bind_blob(wr, 1, buf, n, SQLITE_TRANSIENT);
    }
    sqlite3_bind_int64(wr, 2, id);
    assert_int_equal(sqlite3_step(wr), SQLITE_DONE);
    assert_int_equal(sqlite3_changes(store_db(s)), 1);
    sqlite3_finalize(rd);
    sqlite3_finalize(wr);
    store_close(s);
}

/* Last: stop (signs the head), verify, then change one byte of one field
 * of every 5th entry, then one byte of the other columns of an entry and
 * of a checkpoint: each is named, and undoing it verifies again. */
static void test_verify_and_tamper(void **state)
{
    static const char *const fields[] = { "actor", "action", "record", "origin", "role" };
    static const struct { const char *table, *column; } flips[] = {
        { "audit", "at" }, { "audit", "detail" }, { "audit", "prev_hash" },
        { "audit_checkpoints", "signature" }, { "audit_checkpoints", "head_hash" },
        { "audit_checkpoints", "public_key" },
    };
    char out[512], err[512], sql[200], want[32];
    int64_t entry, checkpoint;
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
    /* an entry past the first that has a detail, and a checkpoint between
     * the first and the last */
    entry = sql_int(P.db, "SELECT min(id) FROM audit WHERE id > 1 AND detail IS NOT NULL");
    checkpoint = sql_int(P.db, "SELECT max(id) - 1 FROM audit_checkpoints");
    assert_true(entry > 1);
    assert_true(checkpoint > 1);
    for (size_t i = 0; i < sizeof flips / sizeof flips[0]; i++) {
        int is_entry = !strcmp(flips[i].table, "audit");
        flip(flips[i].table, flips[i].column, is_entry ? entry : checkpoint);
        assert_int_equal(verify(out, sizeof out, err, sizeof err), 1);
        snprintf(want, sizeof want, "%s %lld:", is_entry ? "entry" : "checkpoint",
                 (long long)(is_entry ? entry : checkpoint));
        if (!strstr(err, want)) fail_msg("flipped a byte of %s.%s, verify said: %s", flips[i].table, flips[i].column, err);
        flip(flips[i].table, flips[i].column, is_entry ? entry : checkpoint);
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

/* Verify reads the evidence as it is: it neither upgrades an older schema
 * (here: a database that claims to be one version behind, which any
 * read-write open by yxd would migrate again, and fail on) nor writes
 * anything else. */
static void test_verify_changes_nothing(void **state)
{
    yxd_proc q;
    char out[512], err[512];
    const char *args[] = { "audit", "verify", "--db", q.db, NULL };
    int64_t version;
    (void)state;
    assert_int_equal(yxd_proc_tempdir(&q), 0);
    assert_int_equal(yxd_proc_init_demo(&q, 3), 0);
    version = yx_db_number(&q, "PRAGMA user_version");
    assert_true(version > 1);
    {
        store *s;
        char e[256], sql[64];
        assert_int_equal(store_open(&s, q.db, 0, e, sizeof e), 0);
        snprintf(sql, sizeof sql, "PRAGMA user_version=%lld", (long long)(version - 1));
        assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
        store_close(s);
    }
    assert_int_equal(yxd_run(args, NULL, out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "intact"));
    assert_int_equal(yx_db_number(&q, "PRAGMA user_version"), version - 1);
    yxd_proc_cleanup(&q);
}

/* A fresh server (checkpoints every 3 entries) after a few logins, stopped,
 * which signs the head. pk_hex gets the public key that
 * GET /v1/audit/checkpoints published, as an auditor pins it. */
static void signed_chain(yxd_proc *q, char pk_hex[65])
{
    const char *extra[] = { "--checkpoint-every", "3", NULL };
    yx_resp r;
    assert_int_equal(yxd_proc_start_demo(q, 3, extra), 0);
    for (int i = 0; i < 7; i++) {
        char *t = yx_login(q, "officer", PW);
        assert_non_null(t);
        free(t);
    }
    assert_int_equal(yx_http("GET", q, "/v1/audit/checkpoints", NULL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(strlen(cJSON_GetObjectItem(r.json, "public_key")->valuestring), 64);
    snprintf(pk_hex, 65, "%s", cJSON_GetObjectItem(r.json, "public_key")->valuestring);
    yx_resp_free(&r);
    assert_int_equal(yxd_proc_stop(q), 0);
    assert_true(sql_int(q->db, "SELECT count(*) FROM audit_checkpoints") >= 3);
}

/* The canonical form audit.h documents, written again from the outside:
 * SHA-256 over the previous hash, then at (decimal), actor, role, action,
 * record, origin and detail, each as its 8-byte big-endian length and its
 * bytes. row holds them in columns 1 to 7. */
static void outside_hash(const unsigned char prev[32], sqlite3_stmt *row, unsigned char out[32])
{
    crypto_hash_sha256_state h;
    unsigned char len[8];
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, prev, 32);
    for (int c = 1; c <= 7; c++) {
        const unsigned char *v = sqlite3_column_text(row, c);
        be64(len, (uint64_t)sqlite3_column_bytes(row, c));
        crypto_hash_sha256_update(&h, len, sizeof len);
        if (v) crypto_hash_sha256_update(&h, v, (unsigned long long)sqlite3_column_bytes(row, c));
    }
    crypto_hash_sha256_final(&h, out);
}

/* What someone who can write the database, but cannot read the key file,
 * can do: give entry rewrite (0: none) another actor, recompute every hash
 * from it on, and re-sign the checkpoints from the first one (or, with
 * only_last, the last one) with a fresh key, stored in each row as yxd
 * stores its own. pk_hex gets that key. */
static void forge(const char *db, int64_t rewrite, int only_last, char pk_hex[65])
{
    unsigned char pk[32], sk[64], prev[32] = { 0 }, h[32], msg[48], sig[64];
    sqlite3_stmt *st, *wr;
    store *s;
    char err[256];
    int rehashed = 0, signed_n = 0;
    assert_int_equal(store_open(&s, db, 0, err, sizeof err), 0);
    assert_int_equal(store_begin(s), 0);
    if (rewrite) {
        st = prep(s, "UPDATE audit SET actor = 'nobody' WHERE id = ?");
        sqlite3_bind_int64(st, 1, rewrite);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        assert_int_equal(sqlite3_changes(store_db(s)), 1);
        sqlite3_finalize(st);
        st = prep(s, "SELECT id, at, actor, role, action, record, origin, detail, hash FROM audit ORDER BY id");
        wr = prep(s, "UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?");
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (sqlite3_column_int64(st, 0) < rewrite) {
                assert_int_equal(sqlite3_column_bytes(st, 8), 32);
                memcpy(prev, sqlite3_column_blob(st, 8), 32);
                continue;
            }
            outside_hash(prev, st, h);
            sqlite3_bind_blob(wr, 1, prev, 32, SQLITE_TRANSIENT);
            sqlite3_bind_blob(wr, 2, h, 32, SQLITE_TRANSIENT);
            sqlite3_bind_int64(wr, 3, sqlite3_column_int64(st, 0));
            assert_int_equal(sqlite3_step(wr), SQLITE_DONE);
            sqlite3_reset(wr);
            memcpy(prev, h, 32);
            rehashed++;
        }
        sqlite3_finalize(st);
        sqlite3_finalize(wr);
        assert_true(rehashed > 1);
    }
    crypto_sign_keypair(pk, sk);
    st = prep(s, "SELECT c.id, c.audit_id, c.at, a.hash FROM audit_checkpoints c JOIN audit a "
                 "ON a.id = c.audit_id WHERE c.id >= "
                 "CASE WHEN ? THEN (SELECT max(id) FROM audit_checkpoints) ELSE 0 END ORDER BY c.id");
    wr = prep(s, "UPDATE audit_checkpoints SET head_hash = ?, signature = ?, public_key = ? WHERE id = ?");
    sqlite3_bind_int(st, 1, only_last);
    while (sqlite3_step(st) == SQLITE_ROW) {
        assert_int_equal(sqlite3_column_bytes(st, 3), 32);
        memcpy(h, sqlite3_column_blob(st, 3), 32);
        signed_message((uint64_t)sqlite3_column_int64(st, 1), h, (uint64_t)sqlite3_column_int64(st, 2), msg);
        crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
        sqlite3_bind_blob(wr, 1, h, 32, SQLITE_TRANSIENT);
        sqlite3_bind_blob(wr, 2, sig, 64, SQLITE_TRANSIENT);
        sqlite3_bind_blob(wr, 3, pk, 32, SQLITE_TRANSIENT);
        sqlite3_bind_int64(wr, 4, sqlite3_column_int64(st, 0));
        assert_int_equal(sqlite3_step(wr), SQLITE_DONE);
        sqlite3_reset(wr);
        signed_n++;
    }
    sqlite3_finalize(st);
    sqlite3_finalize(wr);
    assert_true(signed_n >= 1);
    assert_int_equal(store_commit(s), 0);
    store_close(s);
    sodium_bin2hex(pk_hex, 65, pk, 32);
}

/* Moves the server's key file beside db out of the way (hide) or back. */
static void key_file(const char *db, int hide)
{
    char path[400], away[420];
    snprintf(path, sizeof path, "%s.audit.key", db);
    snprintf(away, sizeof away, "%s.away", path);
    assert_int_equal(hide ? rename(path, away) : rename(away, path), 0);
}

/* Runs verify on db (pk_hex NULL: without --public-key) into out and err
 * (1024 bytes each) and expects exit code rc, with want_out (unless NULL)
 * on stdout and want_err (unless NULL) on stderr. */
static void verify_says(const char *db, const char *pk_hex, int rc, char *out, char *err,
                        const char *want_out, const char *want_err)
{
    int got = verify_with(db, pk_hex, out, 1024, err, 1024);
    if (got != rc || (want_out && !strstr(out, want_out)) || (want_err && !strstr(err, want_err)))
        fail_msg("verify %s: exit %d, want %d with \"%s\" / \"%s\"; it said: %s / %s", pk_hex ? pk_hex : "(no key)",
                 got, rc, want_out ? want_out : "", want_err ? want_err : "", out, err);
}

/* The key an auditor pinned: the chain verifies against it and verify says
 * so; the key file beside the database is the same key; any other key is
 * refused at the first checkpoint. */
static void test_verify_with_pinned_key(void **state)
{
    yxd_proc q;
    char pinned[65], upper[65], other[65], out[1024], err[1024], want[160], bad[160];
    unsigned char pk[32], sk[64];
    long long entries, checkpoints;
    (void)state;
    signed_chain(&q, pinned);
    snprintf(want, sizeof want, "public key: %s (pinned with --public-key)", pinned);
    verify_says(q.db, pinned, 0, out, err, want, NULL);
    assert_int_equal(sscanf(out, "intact: %lld entries, %lld signed checkpoints", &entries, &checkpoints), 2);
    assert_true(checkpoints >= 3);
    assert_null(strstr(err, "warning"));
    /* hex in capitals is the same key */
    for (int i = 0; i < 65; i++) upper[i] = (char)(pinned[i] >= 'a' && pinned[i] <= 'f' ? pinned[i] - 32 : pinned[i]);
    verify_says(q.db, upper, 0, out, err, want, NULL);
    /* without it: the server's key file, the same key */
    snprintf(want, sizeof want, "public key: %s (from the signing key file", pinned);
    verify_says(q.db, NULL, 0, out, err, want, NULL);
    assert_null(strstr(err, "warning"));
    /* another key: the very first checkpoint is not signed by it */
    crypto_sign_keypair(pk, sk);
    sodium_bin2hex(other, sizeof other, pk, 32);
    snprintf(bad, sizeof bad, "checkpoint 1: carries public key %s, not", pinned);
    verify_says(q.db, other, 1, out, err, other, bad);
    yxd_proc_cleanup(&q);
}

/* Rewrite entry 2, rehash everything after it and re-sign every checkpoint
 * with the attacker's key: the pinned key and the key file both catch it;
 * with neither, the chain agrees with itself and passes, with a warning,
 * naming the attacker's key. */
static void test_resigned_chain_is_detected(void **state)
{
    yxd_proc q;
    char pinned[65], forged[65], out[1024], err[1024], want[160], bad[160];
    (void)state;
    signed_chain(&q, pinned);
    forge(q.db, 2, 0, forged);
    assert_string_not_equal(forged, pinned);
    snprintf(bad, sizeof bad, "checkpoint 1: carries public key %s, not", forged);
    verify_says(q.db, pinned, 1, out, err, pinned, bad);
    snprintf(want, sizeof want, "public key: %s (from the signing key file", pinned);
    verify_says(q.db, NULL, 1, out, err, want, bad);
    assert_null(strstr(err, "warning"));
    key_file(q.db, 1);
    snprintf(want, sizeof want, "public key: %s (stored with the checkpoints, not pinned)", forged);
    verify_says(q.db, NULL, 0, out, err, want, "warning: public key not pinned");
    key_file(q.db, 0);
    yxd_proc_cleanup(&q);
}

/* Only the last checkpoint re-signed with another key (a valid signature
 * under the key stored beside it): caught against the pinned key, the key
 * file, and, with neither, as unlike the first checkpoint's key. */
static void test_checkpoint_with_another_key_is_detected(void **state)
{
    yxd_proc q;
    char pinned[65], forged[65], out[1024], err[1024], want[160], bad[200];
    int64_t last;
    (void)state;
    signed_chain(&q, pinned);
    forge(q.db, 0, 1, forged);
    last = sql_int(q.db, "SELECT max(id) FROM audit_checkpoints");
    snprintf(bad, sizeof bad, "checkpoint %lld: carries public key %s, not", (long long)last, forged);
    verify_says(q.db, pinned, 1, out, err, NULL, bad);
    verify_says(q.db, NULL, 1, out, err, NULL, bad);
    key_file(q.db, 1);
    snprintf(want, sizeof want, "public key: %s (stored with the checkpoints, not pinned)", pinned);
    snprintf(bad, sizeof bad, "checkpoint %lld: carries public key %s, not the key of the first checkpoint",
             (long long)last, forged);
    verify_says(q.db, NULL, 1, out, err, want, bad);
    assert_non_null(strstr(err, "warning: public key not pinned"));
    key_file(q.db, 0);
    yxd_proc_cleanup(&q);
}

/* Removing the newest checkpoint with the entries it signed leaves a chain
 * that agrees with itself; the checkpoint id an auditor recorded catches
 * it. With every checkpoint gone, verify warns that nothing proves the
 * entries. */
static void test_removed_checkpoints_are_caught_by_the_recorded_id(void **state)
{
    yxd_proc q;
    char pinned[65], out[1024], err[1024], newest[32], sql[160];
    const char *args[] = { "audit", "verify", "--db", q.db, "--public-key", pinned, "--checkpoint", newest, NULL };
    int64_t last, prev_head;
    store *s;
    (void)state;
    signed_chain(&q, pinned);
    last = sql_int(q.db, "SELECT max(id) FROM audit_checkpoints");
    snprintf(newest, sizeof newest, "%lld", (long long)last);
    assert_int_equal(yxd_run(args, NULL, out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "signed through entry"));
    snprintf(sql, sizeof sql, "SELECT audit_id FROM audit_checkpoints WHERE id = %lld", (long long)(last - 1));
    prev_head = sql_int(q.db, sql);
    assert_int_equal(store_open(&s, q.db, 0, err, sizeof err), 0);
    snprintf(sql, sizeof sql, "DELETE FROM audit_checkpoints WHERE id = %lld", (long long)last);
    assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
    snprintf(sql, sizeof sql, "DELETE FROM audit WHERE id > %lld", (long long)prev_head);
    assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
    store_close(s);
    /* without the recorded id it looks whole */
    args[6] = NULL;
    assert_int_equal(yxd_run(args, NULL, out, sizeof out, err, sizeof err), 0);
    args[6] = "--checkpoint";
    assert_int_equal(yxd_run(args, NULL, out, sizeof out, err, sizeof err), 1);
    assert_non_null(strstr(err, "is gone"));
    /* every checkpoint gone: a warning, and the recorded id still fails it */
    assert_int_equal(store_open(&s, q.db, 0, err, sizeof err), 0);
    assert_int_equal(sqlite3_exec(store_db(s), "DELETE FROM audit_checkpoints", NULL, NULL, NULL), SQLITE_OK);
    store_close(s);
    args[6] = NULL;
    assert_int_equal(yxd_run(args, NULL, out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(err, "no signed checkpoint"));
    args[6] = "--checkpoint";
    assert_int_equal(yxd_run(args, NULL, out, sizeof out, err, sizeof err), 1);
    /* a malformed id is refused before anything is read */
    snprintf(newest, sizeof newest, "latest");
    assert_int_equal(yxd_run(args, NULL, out, sizeof out, err, sizeof err), 2);
    yxd_proc_cleanup(&q);
}

/* A malformed --public-key is refused (exit 2) before the database is
 * looked at: here it does not even exist, which would be exit 1. */
static void test_bad_public_key_is_refused(void **state)
{
    static const char *const bad[] = {
        "", "abc", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg",
        "0x23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdef 123456789abcdef0123456789abcdef",
    };
    const char *missing[] = { "audit", "verify", "--db", "/nonexistent/yx.db", "--public-key", NULL };
    char out[1024], err[1024];
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(verify_with("/nonexistent/yx.db", bad[i], out, sizeof out, err, sizeof err), 2);
        if (!strstr(err, "--public-key must be the 64 hex digits")) fail_msg("\"%s\": %s", bad[i], err);
        assert_string_equal(out, "");
    }
    assert_int_equal(yxd_run(missing, NULL, out, sizeof out, err, sizeof err), 2);
    assert_non_null(strstr(err, "--public-key needs a value"));
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
        cmocka_unit_test(test_verify_changes_nothing),
        cmocka_unit_test(test_verify_with_pinned_key),
        cmocka_unit_test(test_resigned_chain_is_detected),
        cmocka_unit_test(test_checkpoint_with_another_key_is_detected),
        cmocka_unit_test(test_removed_checkpoints_are_caught_by_the_recorded_id),
        cmocka_unit_test(test_bad_public_key_is_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
