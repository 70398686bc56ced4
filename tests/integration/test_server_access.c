/* Identity and access against a real yxd: the permission table endpoint
 * by endpoint and role (written out here as the specification, not read
 * from core/policy), lockout after repeated failures, session expiry
 * (idle and absolute, as set by --session-idle and --session-max), `yxd
 * user add`, `reset`, `disable` and `enable`, and `yxd channel
 * add|list|revoke`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/store.h"
#include "tests/common/yxd_proc.h"

#define PW "yixiang-demo"

static yxd_proc P;
static const char *const role_users[] = { "officer", "risk", "auditor", "support", "admin" };
static char *tok[5];

static int setup(void **state)
{
    (void)state;
    const char *extra[] = { "--lockout-after", "3", NULL };
    if (yxd_proc_start_demo(&P, 10, extra)) return -1;
    for (int i = 0; i < 5; i++)
        if (!(tok[i] = yx_login(&P, role_users[i], PW))) return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < 5; i++) free(tok[i]);
    yxd_proc_cleanup(&P);
    return 0;
}

/* 1 = allowed (any answer but 401/403), 0 = refused with 403. Columns:
 * officer, risk, auditor, support, admin. */
static const struct {
    const char *method, *path, *body;
    int allowed[5];
} matrix[] = {
    { "GET", "/v1/applications?limit=1", NULL,              { 1, 1, 1, 1, 0 } },
    { "GET", "/v1/applications/1", NULL,                    { 1, 1, 1, 1, 0 } },
    { "GET", "/v1/changes?since=999999", NULL,              { 1, 1, 1, 1, 0 } },
    { "GET", "/v1/disputes", NULL,                          { 1, 1, 1, 1, 0 } },
    { "GET", "/v1/audit?limit=1", NULL,                     { 0, 1, 1, 0, 1 } },
    { "GET", "/v1/alerts", NULL,                            { 0, 1, 1, 0, 1 } },
    { "POST", "/v1/reveal", "{\"application_id\":999999,\"fields\":[\"name\"],"
                            "\"reason\":\"a good reason\"}", { 1, 1, 0, 0, 0 } },
    { "GET", "/v1/audit/checkpoints", NULL,                 { 1, 1, 1, 1, 1 } },
    { "GET", "/v1/metrics", NULL,                           { 1, 1, 1, 1, 1 } },
    { "GET", "/v1/session", NULL,                           { 1, 1, 1, 1, 1 } },
    { "POST", "/v1/actions", "{\"type\":\"review\",\"application_id\":999999,\"version\":1,"
                             "\"decision\":\"approve\",\"reason\":\"x\"}", { 1, 0, 0, 0, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"line2\",\"application_id\":999999,\"version\":1,"
                             "\"decision\":\"approve\",\"reason\":\"x\"}", { 0, 1, 0, 0, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"audit_sample\",\"application_id\":999999,\"version\":1}",
                                                            { 0, 0, 1, 0, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"adjust_limit\",\"application_id\":999999,\"version\":1,"
                             "\"new_limit_fen\":100,\"reason\":\"x\"}", { 1, 1, 0, 0, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"dispute_open\",\"application_id\":999999,"
                             "\"category\":\"limit\",\"message\":\"x\"}", { 0, 0, 0, 1, 0 } },
    { "GET", "/v1/disputes/999999", NULL,                   { 1, 1, 1, 1, 0 } },
    /* every other action type, on records that do not exist: the role is
     * checked first, so a permitted role gets 404 or 400, never 403 */
    { "POST", "/v1/actions", "{\"type\":\"escalate\",\"application_id\":999999,\"version\":1,"
                             "\"reason\":\"x\"}", { 1, 0, 0, 0, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"approve_line2\",\"application_id\":999999,\"version\":1,"
                             "\"reason\":\"x\"}", { 0, 1, 0, 0, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"audit_pass\",\"application_id\":999999,\"version\":1}",
                                                            { 0, 0, 1, 0, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"audit_finding\",\"application_id\":999999,\"version\":1,"
                             "\"severity\":\"low\",\"remediation\":\"x\"}", { 0, 0, 1, 0, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"dispute_message\",\"dispute_id\":999999,\"version\":1,"
                             "\"message\":\"x\"}", { 0, 1, 0, 1, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"dispute_assign\",\"dispute_id\":999999,\"version\":1,"
                             "\"assignee\":\"support\"}", { 0, 1, 0, 1, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"dispute_request_info\",\"dispute_id\":999999,\"version\":1,"
                             "\"reason\":\"x\"}", { 0, 1, 0, 1, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"dispute_extend\",\"dispute_id\":999999,\"version\":1,"
                             "\"reason\":\"x\"}", { 0, 1, 0, 1, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"dispute_escalate\",\"dispute_id\":999999,\"version\":1,"
                             "\"reason\":\"x\"}", { 0, 1, 0, 1, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"dispute_resolve\",\"dispute_id\":999999,\"version\":1,"
                             "\"resolution\":\"x\"}", { 0, 1, 0, 1, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"dispute_reject\",\"dispute_id\":999999,\"version\":1,"
                             "\"resolution\":\"x\"}", { 0, 1, 0, 1, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"alert_ack\",\"alert_id\":999999}", { 0, 1, 0, 0, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"reveal_request\",\"application_id\":999999,"
                             "\"fields\":[\"name\"],\"reason\":\"a good reason\"}", { 1, 1, 0, 0, 0 } },
    { "POST", "/v1/actions", "{\"type\":\"reveal_decide\",\"request\":\"no-such-request\","
                             "\"decision\":\"approve\"}", { 0, 1, 0, 0, 0 } },
};

static void test_permission_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof matrix / sizeof matrix[0]; i++)
        for (int role = 0; role < 5; role++) {
            const char *hdr[] = { "Idempotency-Key: matrix-key-000000", NULL };
            char key[64];
            yx_resp r;
            snprintf(key, sizeof key, "Idempotency-Key: matrix-%zu-%d", i, role);
            hdr[0] = key;
            assert_int_equal(yx_http(matrix[i].method, &P, matrix[i].path, tok[role], matrix[i].body, hdr, &r), 0);
            /* allowed: past the role check to the record (404 for these
             * unknown ids, 409, ...), never a 5xx; refused: 403 */
            if (matrix[i].allowed[role] ? (r.status == 403 || r.status == 401 || r.status >= 500) : r.status != 403)
                fail_msg("%s %s %s as %s: got %ld %s", matrix[i].method, matrix[i].path,
                         matrix[i].body ? matrix[i].body : "", role_users[role], r.status, r.body);
            if (r.status == 403) assert_true(strlen(yx_error_code(&r)) > 0);
            yx_resp_free(&r);
        }
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs one statement on q's database beside the running server. */
static void exec_on(const yxd_proc *q, const char *sql)
{
    store *s;
    char err[256];
    if (store_open(&s, q->db, 0, err, sizeof err)) fail_msg("%s", err);
    if (sqlite3_exec(store_db(s), sql, NULL, NULL, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(s)));
    store_close(s);
}

/* tok's request for path: its status and error code. */
static long status_for(const yxd_proc *q, const char *path, const char *token, char *code, size_t n)
{
    yx_resp r;
    long st;
    assert_int_equal(yx_http("GET", q, path, token, NULL, NULL, &r), 0);
    st = r.status;
    snprintf(code, n, "%s", yx_error_code(&r));
    yx_resp_free(&r);
    return st;
}

/* Sessions end --session-idle minutes after their last request and
 * --session-max minutes after the login, whichever comes first (the
 * sessions rows are aged here instead of waiting): a request on an ended
 * session, on any route, is 401 session_expired and the session is
 * removed, so the token is unknown from then on; a session used within
 * the idle time goes on and its idle timer restarts; the user may log in
 * again. */
static void test_session_idle_and_absolute_expiry(void **state)
{
    const char *extra[] = { "--session-idle", "5", "--session-max", "10", NULL };
    yxd_proc q;
    char *idle, *old, *busy, *again, sql[256], code[64];
    int64_t t0, t1, expires;
    yx_resp r;
    (void)state;
    assert_int_equal(yxd_proc_start_demo(&q, 3, extra), 0);
    t0 = now_ms();
    idle = yx_login(&q, "officer", PW);
    old = yx_login(&q, "risk", PW);
    busy = yx_login(&q, "auditor", PW);
    t1 = now_ms();
    assert_true(idle && old && busy);
    /* the absolute expiry is --session-max (10 minutes) after the login */
    assert_int_equal(yx_http("GET", &q, "/v1/session", old, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    expires = (int64_t)cJSON_GetObjectItem(r.json, "expires_at")->valuedouble;
    yx_resp_free(&r);
    if (expires < t0 + 600000 || expires > t1 + 600000)
        fail_msg("expires_at %lld is not 10 minutes after the login (%lld..%lld)", (long long)expires,
                 (long long)t0, (long long)t1);

    /* officer: idle a second longer than --session-idle (5 minutes; the
     * default 30 would keep it); auditor: idle 4 minutes, within it */
    snprintf(sql, sizeof sql, "UPDATE sessions SET last_seen = %lld WHERE user_id = "
             "(SELECT id FROM users WHERE name = 'officer')", (long long)(now_ms() - 5 * 60000 - 1000));
    exec_on(&q, sql);
    snprintf(sql, sizeof sql, "UPDATE sessions SET last_seen = %lld WHERE user_id = "
             "(SELECT id FROM users WHERE name = 'auditor')", (long long)(now_ms() - 4 * 60000));
    exec_on(&q, sql);
    /* risk: used just now, but past its absolute expiry */
    snprintf(sql, sizeof sql, "UPDATE sessions SET expires_at = %lld WHERE user_id = "
             "(SELECT id FROM users WHERE name = 'risk')", (long long)(now_ms() - 1000));
    exec_on(&q, sql);

    assert_int_equal(status_for(&q, "/v1/session", idle, code, sizeof code), 401);
    assert_string_equal(code, "session_expired");
    assert_int_equal(status_for(&q, "/v1/applications?limit=1", old, code, sizeof code), 401);
    assert_string_equal(code, "session_expired");
    /* both sessions are gone: the tokens are now merely unknown */
    assert_int_equal(yx_db_number(&q, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id "
                                      "WHERE u.name IN ('officer', 'risk')"), 0);
    assert_int_equal(status_for(&q, "/v1/session", idle, code, sizeof code), 401);
    assert_string_equal(code, "unauthorized");
    assert_int_equal(status_for(&q, "/v1/session", old, code, sizeof code), 401);
    assert_string_equal(code, "unauthorized");

    /* within the idle time: served, and the idle timer starts again */
    t0 = now_ms();
    assert_int_equal(status_for(&q, "/v1/applications?limit=1", busy, code, sizeof code), 200);
    assert_true(yx_db_number(&q, "SELECT last_seen FROM sessions s JOIN users u ON u.id = s.user_id "
                                 "WHERE u.name = 'auditor'") >= t0);

    /* an ended session is no lockout: the user logs in again */
    again = yx_login(&q, "officer", PW);
    assert_non_null(again);
    assert_int_equal(status_for(&q, "/v1/session", again, code, sizeof code), 200);
    free(idle); free(old); free(busy); free(again);
    yxd_proc_cleanup(&q);
}

static void user_cmd(const char *verb, const char *name, const char *role, const char *pw, int want)
{
    char out[512], err[512];
    const char *args[] = { "user", verb, name, "--db", P.db, role ? "--role" : NULL, role, NULL };
    int rc = yxd_run(args, pw, out, sizeof out, err, sizeof err);
    if (rc != want) fail_msg("yxd user %s %s: exit %d, want %d: %s", verb, name, rc, want, err);
}

static long login_status(const char *name, const char *pw, char *code, size_t n)
{
    char body[256];
    yx_resp r;
    long st;
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", name, pw);
    assert_int_equal(yx_http("POST", &P, "/v1/session", NULL, body, NULL, &r), 0);
    st = r.status;
    if (code) snprintf(code, n, "%s", yx_error_code(&r));
    yx_resp_free(&r);
    return st;
}

static void test_user_add_lockout_reset_disable(void **state)
{
    char code[64], *t;
    yx_resp r;
    (void)state;
    user_cmd("add", "temp.officer", "officer", "first-password\n", 0);
    user_cmd("add", "temp.officer", "officer", "first-password\n", 1);   /* exists */
    user_cmd("add", "someone", "wizard", "first-password\n", 2);          /* bad role */
    user_cmd("add", "nopass", "officer", "", 2);                          /* no password */
    assert_int_equal(login_status("temp.officer", "first-password", NULL, 0), 200);
    for (int i = 0; i < 3; i++) assert_int_equal(login_status("temp.officer", "wrong-password", NULL, 0), 401);
    /* locked after 3 (--lockout-after 3): even the right password is refused now */
    assert_int_equal(login_status("temp.officer", "first-password", code, sizeof code), 429);
    assert_string_equal(code, "locked");
    /* a reset sets a new password and lifts the lockout */
    user_cmd("reset", "temp.officer", NULL, "second-password\n", 0);
    assert_int_equal(login_status("temp.officer", "first-password", NULL, 0), 401);
    t = yx_login(&P, "temp.officer", "second-password");
    assert_non_null(t);
    /* disabling ends the session and refuses logins */
    user_cmd("disable", "temp.officer", NULL, NULL, 0);
    assert_int_equal(yx_http("GET", &P, "/v1/applications", t, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 401);
    yx_resp_free(&r);
    assert_int_equal(login_status("temp.officer", "second-password", code, sizeof code), 403);
    assert_string_equal(code, "user_disabled");
    user_cmd("enable", "temp.officer", NULL, NULL, 0);
    assert_int_equal(login_status("temp.officer", "second-password", NULL, 0), 200);
    user_cmd("disable", "no.such.user", NULL, NULL, 1);
    free(t);
}

static void test_channel_keys(void **state)
{
    char out[512], err[512];
    const char *add[] = { "channel", "add", "partner-x", "--kind", "api", "--db", P.db, NULL };
    const char *bad[] = { "channel", "add", "partner-y", "--kind", "fax", "--db", P.db, NULL };
    const char *list[] = { "channel", "list", "--db", P.db, NULL };
    const char *revoke[] = { "channel", "revoke", "partner-x", "--db", P.db, NULL };
    const char *revoke2[] = { "channel", "revoke", "partner-none", "--db", P.db, NULL };
    (void)state;
    assert_int_equal(yxd_run(add, NULL, out, sizeof out, err, sizeof err), 0);
    assert_int_equal(strlen(out), 65);     /* 64 hex characters and a newline, shown once */
    assert_int_equal(strspn(out, "0123456789abcdef"), 64);
    assert_int_equal(yxd_run(add, NULL, out, sizeof out, err, sizeof err), 1);   /* name taken */
    assert_int_equal(yxd_run(bad, NULL, out, sizeof out, err, sizeof err), 2);
    assert_int_equal(yxd_run(list, NULL, out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "partner-x"));
    assert_null(strstr(out, "revoked"));
    assert_int_equal(yxd_run(revoke, NULL, out, sizeof out, err, sizeof err), 0);
    assert_int_equal(yxd_run(list, NULL, out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "revoked"));
    assert_int_equal(yxd_run(revoke2, NULL, out, sizeof out, err, sizeof err), 1);
}

/* HTTPS with --tls-cert/--tls-key (a self-signed certificate made here
 * with openssl); plain HTTP to that port gets no answer; half a pair is
 * bad usage and an unreadable file a failure naming it. */
static void test_tls(void **state)
{
    yxd_proc q;
    char cmd[1024], cert[280], key[280], out[256], err[512];
    const char *extra[] = { "--tls-cert", cert, "--tls-key", key, NULL };
    const char *half[] = { "serve", "--db", P.db, "--listen", "127.0.0.1:0", "--tls-cert", cert, NULL };
    const char *missing[] = { "serve", "--db", P.db, "--listen", "127.0.0.1:0", "--tls-cert", "/nonexistent.pem",
                              "--tls-key", "/nonexistent.key", NULL };
    yx_resp r;
    (void)state;
    assert_int_equal(yxd_proc_tempdir(&q), 0);
    snprintf(cert, sizeof cert, "%.256s/tls.crt", q.dir);
    snprintf(key, sizeof key, "%.256s/tls.key", q.dir);
    snprintf(cmd, sizeof cmd, "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s -out %s -days 2 "
             "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1", key, cert);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(yxd_proc_init_demo(&q, 3), 0);
    assert_int_equal(yxd_proc_start(&q, extra), 0);
    assert_int_equal(strncmp(q.url, "https://", 8), 0);
    snprintf(q.cainfo, sizeof q.cainfo, "%s", cert);
    assert_int_equal(yx_http("GET", &q, "/v1/healthz", NULL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    yx_resp_free(&r);
    {
        char *t = yx_login(&q, "officer", PW);
        assert_non_null(t);
        free(t);
    }
    {   /* the simulator posts applications over HTTPS, trusting the certificate */
        char ckey[128];
        const char *sim[] = { "simulate", "--server", q.url, "--channel-key", ckey, "--cacert", cert,
                              "--rate", "20", "--duration", "1", "--connections", "2", NULL };
        assert_int_equal(yxd_proc_add_channel(&q, "tls-partner", "api", ckey, sizeof ckey), 0);
        assert_int_equal(yxd_run(sim, NULL, out, sizeof out, err, sizeof err), 0);
        assert_non_null(strstr(out, "errors 0"));
    }
    snprintf(q.url, sizeof q.url, "http://%.80s", q.addr);
    assert_int_equal(yx_http("GET", &q, "/v1/healthz", NULL, NULL, NULL, &r), -1);
    yx_resp_free(&r);
    assert_int_equal(yxd_run(half, NULL, out, sizeof out, err, sizeof err), 2);
    assert_int_equal(yxd_run(missing, NULL, out, sizeof out, err, sizeof err), 1);
    assert_non_null(strstr(err, "/nonexistent.pem"));
    yxd_proc_cleanup(&q);
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
        cmocka_unit_test(test_permission_table),
        cmocka_unit_test(test_user_add_lockout_reset_disable),
        cmocka_unit_test(test_session_idle_and_absolute_expiry),
        cmocka_unit_test(test_channel_keys),
        cmocka_unit_test(test_tls),
        cmocka_unit_test(test_audit_chain_verifies_after_the_suite),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
