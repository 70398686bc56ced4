/* The walking skeleton against a real yxd on an ephemeral loopback port:
 * health, login (right and wrong password), tokens required, keyset pages
 * through every application with no repeats and no skips, filters and
 * their errors, records and 404s, logout, the JSON error shape for unknown
 * paths, wrong methods and oversize bodies, and yxd serve's command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/routes.h"
#include "core/util.h"
#include "tests/common/yxd_proc.h"

#define DEMO_N 300
#define PW "yixiang-demo"

static yxd_proc P;

static int setup(void **state)
{
    (void)state;
    return yxd_proc_start_demo(&P, DEMO_N, NULL);
}

static int teardown(void **state)
{
    (void)state;
    yxd_proc_cleanup(&P);
    return 0;
}

static void test_healthz(void **state)
{
    yx_resp r;
    (void)state;
    assert_int_equal(yx_http("GET", &P, "/v1/healthz", NULL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(cJSON_GetObjectItem(r.json, "status")->valuestring, "ok");
    yx_resp_free(&r);
    assert_int_equal(yx_http("HEAD", &P, "/v1/healthz", NULL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    yx_resp_free(&r);
}

static void test_login_returns_token_role_expiry(void **state)
{
    yx_resp r;
    const cJSON *t;
    (void)state;
    assert_int_equal(yx_http("POST", &P, "/v1/session", NULL,
                             "{\"username\":\"officer\",\"password\":\"" PW "\"}", NULL, &r), 0);
    assert_int_equal(r.status, 200);
    t = cJSON_GetObjectItem(r.json, "token");
    assert_true(cJSON_IsString(t));
    assert_int_equal(strlen(t->valuestring), 64);
    assert_string_equal(cJSON_GetObjectItem(r.json, "role")->valuestring, "officer");
    assert_string_equal(cJSON_GetObjectItem(r.json, "user")->valuestring, "officer");
    assert_true(cJSON_GetObjectItem(r.json, "expires_at")->valuedouble > 1.7e12);
    yx_resp_free(&r);
}

static void test_wrong_password_is_401(void **state)
{
    yx_resp r;
    (void)state;
    assert_int_equal(yx_http("POST", &P, "/v1/session", NULL,
                             "{\"username\":\"risk\",\"password\":\"not-the-password\"}", NULL, &r), 0);
    assert_int_equal(r.status, 401);
    assert_string_equal(yx_error_code(&r), "invalid_credentials");
    assert_true(cJSON_IsString(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "error"), "message")));
    yx_resp_free(&r);
    assert_int_equal(yx_http("POST", &P, "/v1/session", NULL,
                             "{\"username\":\"nobody\",\"password\":\"whatever1\"}", NULL, &r), 0);
    assert_int_equal(r.status, 401);
    assert_string_equal(yx_error_code(&r), "invalid_credentials");
    yx_resp_free(&r);
}

static void test_bad_login_bodies_are_400(void **state)
{
    static const char *const bodies[] = {
        "{\"username\":\"officer\"", "[]", "{\"username\":1,\"password\":\"x\"}",
        "{\"username\":\"officer\"}", "{\"username\":\"\xff\",\"password\":\"x\"}",
    };
    (void)state;
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        yx_resp r;
        assert_int_equal(yx_http("POST", &P, "/v1/session", NULL, bodies[i], NULL, &r), 0);
        assert_int_equal(r.status, 400);
        assert_non_null(r.json);
        assert_true(strlen(yx_error_code(&r)) > 0);
        yx_resp_free(&r);
    }
}

static void test_token_required(void **state)
{
    yx_resp r;
    (void)state;
    assert_int_equal(yx_http("GET", &P, "/v1/applications", NULL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 401);
    assert_string_equal(yx_error_code(&r), "unauthorized");
    yx_resp_free(&r);
    assert_int_equal(yx_http("GET", &P, "/v1/applications",
                             "0000000000000000000000000000000000000000000000000000000000000000",
                             NULL, NULL, &r), 0);
    assert_int_equal(r.status, 401);
    yx_resp_free(&r);
    assert_int_equal(yx_http("GET", &P, "/v1/applications/1", "short", NULL, NULL, &r), 0);
    assert_int_equal(r.status, 401);
    yx_resp_free(&r);
}

/* Pages through everything with a small page size: every application
 * exactly once, newest first. */
static void test_pages_without_repeats_or_skips(void **state)
{
    char *tok = yx_login(&P, "officer", PW), path[256], next[64] = "";
    char *seen = calloc(1000000, 1);
    int total = 0, pages = 0;
    double prev_t = 1e300, prev_id = 1e300;
    (void)state;
    assert_non_null(tok);
    for (;;) {
        yx_resp r;
        const cJSON *items, *it, *nx;
        snprintf(path, sizeof path, "/v1/applications?limit=37%s%s", next[0] ? "&after=" : "", next);
        assert_int_equal(yx_http("GET", &P, path, tok, NULL, NULL, &r), 0);
        assert_int_equal(r.status, 200);
        items = cJSON_GetObjectItem(r.json, "items");
        assert_true(cJSON_IsArray(items));
        assert_true(cJSON_GetArraySize(items) <= 37);
        cJSON_ArrayForEach(it, items) {
            double id = cJSON_GetObjectItem(it, "id")->valuedouble;
            double t = cJSON_GetObjectItem(it, "created_at")->valuedouble;
            assert_true(id > 0 && id < 1000000);
            assert_int_equal(seen[(int)id], 0);
            seen[(int)id] = 1;
            assert_true(t < prev_t || (t == prev_t && id < prev_id));
            prev_t = t;
            prev_id = id;
            total++;
        }
        pages++;
        nx = cJSON_GetObjectItem(r.json, "next");
        if (cJSON_IsNull(nx)) { yx_resp_free(&r); break; }
        assert_true(cJSON_IsString(nx));
        snprintf(next, sizeof next, "%s", nx->valuestring);
        yx_resp_free(&r);
    }
    assert_int_equal(total, DEMO_N);
    assert_int_equal(pages, (DEMO_N + 36) / 37);
    free(seen);
    free(tok);
}

static void test_filters_and_their_errors(void **state)
{
    char *tok = yx_login(&P, "risk", PW);
    static const char *const bad[] = {
        "/v1/applications?status=nonsense", "/v1/applications?channel=fax",
        "/v1/applications?grade=Z", "/v1/applications?limit=0", "/v1/applications?limit=501",
        "/v1/applications?limit=ten", "/v1/applications?after=garbage",
        "/v1/applications?after=1%27%3B%20DROP%20TABLE%20applications%3B--",
    };
    yx_resp r;
    const cJSON *it;
    (void)state;
    assert_non_null(tok);
    assert_int_equal(yx_http("GET", &P, "/v1/applications?channel=h5&limit=500", tok, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "items")) > 0);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r.json, "items"))
        assert_string_equal(cJSON_GetObjectItem(it, "channel")->valuestring, "h5");
    yx_resp_free(&r);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(yx_http("GET", &P, bad[i], tok, NULL, NULL, &r), 0);
        assert_int_equal(r.status, 400);
        assert_true(strlen(yx_error_code(&r)) > 0);
        yx_resp_free(&r);
    }
    free(tok);
}

static void test_record_and_404(void **state)
{
    char *tok = yx_login(&P, "support", PW), path[64];
    yx_resp r;
    double id;
    const char *idn;
    (void)state;
    assert_non_null(tok);
    assert_int_equal(yx_http("GET", &P, "/v1/applications?limit=1", tok, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    id = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "items"), 0), "id")->valuedouble;
    yx_resp_free(&r);
    snprintf(path, sizeof path, "/v1/applications/%.0f", id);
    assert_int_equal(yx_http("GET", &P, path, tok, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(cJSON_GetObjectItem(r.json, "id")->valuedouble == id);
    idn = cJSON_GetObjectItem(r.json, "id_number")->valuestring;
    assert_non_null(strchr(idn, '*'));   /* masked, never the raw number */
    yx_resp_free(&r);
    assert_int_equal(yx_http("GET", &P, "/v1/applications/999999", tok, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 404);
    assert_string_equal(yx_error_code(&r), "not_found");
    yx_resp_free(&r);
    assert_int_equal(yx_http("GET", &P, "/v1/applications/abc", tok, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 404);
    yx_resp_free(&r);
    free(tok);
}

static void test_logout_ends_the_session(void **state)
{
    char *tok = yx_login(&P, "officer", PW);
    yx_resp r;
    (void)state;
    assert_non_null(tok);
    assert_int_equal(yx_http("GET", &P, "/v1/session", tok, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    yx_resp_free(&r);
    assert_int_equal(yx_http("DELETE", &P, "/v1/session", tok, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 204);
    yx_resp_free(&r);
    assert_int_equal(yx_http("GET", &P, "/v1/applications", tok, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 401);
    yx_resp_free(&r);
    free(tok);
}

static void test_unknown_path_method_and_big_body(void **state)
{
    yx_resp r;
    size_t n = 2u << 20;
    char *big = malloc(n + 1);
    (void)state;
    assert_int_equal(yx_http("GET", &P, "/v1/nothing-here", NULL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 404);
    assert_string_equal(yx_error_code(&r), "not_found");
    yx_resp_free(&r);
    assert_int_equal(yx_http("PUT", &P, "/v1/healthz", NULL, "{}", NULL, &r), 0);
    assert_int_equal(r.status, 405);
    assert_string_equal(yx_error_code(&r), "method_not_allowed");
    yx_resp_free(&r);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    big[n] = '\0';
    assert_int_equal(yx_http("POST", &P, "/v1/session", NULL, big, NULL, &r), 0);
    assert_int_equal(r.status, 413);
    assert_string_equal(yx_error_code(&r), "body_too_large");
    yx_resp_free(&r);
    free(big);
    /* still serving after all that */
    assert_int_equal(yx_http("GET", &P, "/v1/healthz", NULL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    yx_resp_free(&r);
}

static void test_command_line(void **state)
{
    char out[4096], err[4096];
    const char *help[] = { "serve", "--help", NULL };
    const char *noargs[] = { "serve", "--db", P.db, NULL };
    const char *badopt[] = { "serve", "--db", P.db, "--listen", "127.0.0.1:0", "--frobnicate", "1", NULL };
    const char *nodb[] = { "serve", "--db", "/nonexistent/dir/x.db", "--listen", "127.0.0.1:0", NULL };
    const char *taken[] = { "serve", "--db", P.db, "--listen", P.addr, NULL };
    (void)state;
    assert_int_equal(yxd_run(help, NULL, out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "--listen"));
    assert_int_equal(yxd_run(noargs, NULL, out, sizeof out, err, sizeof err), 2);
    assert_non_null(strstr(err, "--listen"));
    assert_int_equal(yxd_run(badopt, NULL, out, sizeof out, err, sizeof err), 2);
    assert_int_equal(yxd_run(nodb, NULL, out, sizeof out, err, sizeof err), 1);
    assert_non_null(strstr(err, "/nonexistent/dir/x.db"));
    /* the running server holds the port: the error names the address */
    assert_int_equal(yxd_run(taken, NULL, out, sizeof out, err, sizeof err), 1);
    assert_non_null(strstr(err, P.addr));
    assert_string_equal(out, "");
}

/* Last: SIGTERM stops the server cleanly (exit 0) and it can start again
 * on the same database. */
static void test_clean_stop_and_restart(void **state)
{
    yx_resp r;
    (void)state;
    assert_int_equal(yxd_proc_stop(&P), 0);
    assert_int_equal(yxd_proc_start(&P, NULL), 0);
    assert_int_equal(yx_http("GET", &P, "/v1/healthz", NULL, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    yx_resp_free(&r);
}

/* assets/openapi.yaml documents every route of the routing table, each
 * with the statuses any request may get (413, 431, 500, 503). */
static void test_openapi_has_every_route(void **state)
{
    char path[4096], *spec;
    (void)state;
    spec = yx_read_file(yx_asset_path(path, sizeof path, "openapi.yaml"), NULL, 1 << 20);
    assert_non_null(spec);
    assert_non_null(strstr(spec, "openapi: 3.0"));
    for (int i = 0; i < routes_count; i++) {
        char key[128], method[16];
        const char *at, *end;
        size_t k;
        snprintf(key, sizeof key, "\n  %s:\n", routes[i].pattern);
        at = strstr(spec, key);
        if (!at) fail_msg("openapi.yaml lacks %s", routes[i].pattern);
        at += strlen(key);
        end = strstr(at, "\n  /");
        if (!end) end = at + strlen(at);
        for (k = 0; routes[i].method[k] && k < sizeof method - 1; k++)
            method[k] = (char)(routes[i].method[k] | 0x20);
        method[k] = '\0';
        snprintf(key, sizeof key, "\n    %s:", method);
        at = strstr(at - 1, key);
        if (!at || at > end) fail_msg("openapi.yaml lacks %s %s", routes[i].method, routes[i].pattern);
        {   /* the statuses any operation may answer are listed on each */
            static const char *const any[] = { "\"413\":", "\"431\":", "\"500\":", "\"503\":" };
            const char *op_end = end;
            static const char *const methods[] = { "\n    get:", "\n    post:", "\n    put:", "\n    delete:" };
            for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
                const char *next = strstr(at + 1, methods[m]);
                if (next && next < op_end) op_end = next;
            }
            for (size_t c = 0; c < sizeof any / sizeof any[0]; c++) {
                const char *hit = strstr(at, any[c]);
                if (!hit || hit > op_end)
                    fail_msg("openapi.yaml: %s %s does not list %s", routes[i].method, routes[i].pattern, any[c]);
            }
        }
    }
    free(spec);
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
        cmocka_unit_test(test_healthz),
        cmocka_unit_test(test_login_returns_token_role_expiry),
        cmocka_unit_test(test_wrong_password_is_401),
        cmocka_unit_test(test_bad_login_bodies_are_400),
        cmocka_unit_test(test_token_required),
        cmocka_unit_test(test_pages_without_repeats_or_skips),
        cmocka_unit_test(test_filters_and_their_errors),
        cmocka_unit_test(test_record_and_404),
        cmocka_unit_test(test_logout_ends_the_session),
        cmocka_unit_test(test_unknown_path_method_and_big_body),
        cmocka_unit_test(test_command_line),
        cmocka_unit_test(test_clean_stop_and_restart),
        cmocka_unit_test(test_openapi_has_every_route),
        cmocka_unit_test(test_audit_chain_verifies_after_the_suite),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
