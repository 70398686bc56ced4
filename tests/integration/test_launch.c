/* The private yxd of `yx --demo`: finding the binary, creating the demo
 * database once, starting `yxd serve` on a free port and logging in to it,
 * stopping it cleanly, and the one-line errors when yxd cannot do its part. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/client.h"
#include "core/launch.h"
#include "tests/common/yxd_proc.h"
#include "tests/common/tmpdir.h"

static char tmpdir[64];
static char yxd[600];

static int setup(void **state)
{
    const char *bin = yxd_test_bin();
    (void)state;
    if (!yx_test_mkdtemp(tmpdir, sizeof tmpdir, "yx-launch")) return -1;
    /* An absolute path: the children run elsewhere. */
    if (bin[0] == '/') snprintf(yxd, sizeof yxd, "%s/yxd", bin);
    else if (getcwd(yxd, 256)) snprintf(yxd + strlen(yxd), sizeof yxd - strlen(yxd), "/%s/yxd", bin);
    return access(yxd, X_OK);
}

static int teardown(void **state)
{
    (void)state;
    yx_test_rmtree(tmpdir);
    return 0;
}

static void test_find_yxd(void **state)
{
    char found[1024], err[256], dir[600], *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    (void)state;
    /* Not next to this test program, so PATH decides. */
    setenv("PATH", "/nonexistent", 1);
    assert_int_equal(launch_find_yxd(found, sizeof found, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot find yxd"));
    snprintf(dir, sizeof dir, "%s", yxd);
    *strrchr(dir, '/') = '\0';
    setenv("PATH", dir, 1);
    assert_int_equal(launch_find_yxd(found, sizeof found, err, sizeof err), 0);
    assert_string_equal(found, yxd);
    if (old) setenv("PATH", old, 1);
    free(old);
}

static void test_demo_db_made_once_then_served(void **state)
{
    char db[1200], log[600], err[512];
    int created = -1, rc;
    launch_server srv;
    client *c = NULL;
    client_session s;
    client_error e;
    (void)state;
    snprintf(log, sizeof log, "%s/yxd.log", tmpdir);
    assert_int_equal(launch_demo_db(yxd, tmpdir, 50, log, db, sizeof db, &created, err, sizeof err), 0);
    assert_int_equal(created, 1);
    assert_int_equal(access(db, F_OK), 0);
    assert_int_equal(launch_demo_db(yxd, tmpdir, 50, log, db, sizeof db, &created, err, sizeof err), 0);
    assert_int_equal(created, 0);

    assert_int_equal(launch_serve(&srv, yxd, db, log, 30000, err, sizeof err), 0);
    assert_true(srv.pid > 0);
    assert_int_equal(strncmp(srv.url, "http://127.0.0.1:", 17), 0);
    assert_int_equal(client_new(&c, srv.url, err, sizeof err), 0);
    assert_int_equal(client_login(c, "officer", "yixiang-demo", &s, &e), 0);
    assert_string_equal(s.role, "officer");
    /* The demo channel's key: made once, kept for the user alone, reused. */
    {
        char key[256], again[256], kpath[1300];
        struct stat sb;
        launch_server sim;
        assert_int_equal(launch_demo_channel(yxd, db, log, key, sizeof key, err, sizeof err), 0);
        assert_true(strlen(key) >= 32);
        snprintf(kpath, sizeof kpath, "%s.channel-key", db);
        assert_int_equal(stat(kpath, &sb), 0);
        assert_int_equal(sb.st_mode & 0777, 0600);
        assert_int_equal(launch_demo_channel(yxd, db, log, again, sizeof again, err, sizeof err), 0);
        assert_string_equal(again, key);
        /* Traffic through it: the change feed (a long poll, no sleeping)
         * reports new applications. */
        {
            yxd_proc px;
            yx_resp h, ch;
            char *tok, path[96];
            memset(&px, 0, sizeof px);
            snprintf(px.url, sizeof px.url, "%s", srv.url);
            tok = yx_login(&px, "officer", "yixiang-demo");
            assert_non_null(tok);
            assert_int_equal(yx_http("GET", &px, "/v1/healthz", NULL, NULL, NULL, &h), 0);
            snprintf(path, sizeof path, "/v1/changes?since=%lld&wait=20",
                     (long long)cJSON_GetObjectItemCaseSensitive(h.json, "last_change")->valuedouble);
            assert_int_equal(launch_simulate(&sim, yxd, srv.url, key, 50, log, err, sizeof err), 0);
            assert_true(sim.pid > 0);
            assert_int_equal(yx_http("GET", &px, path, tok, NULL, NULL, &ch), 0);
            assert_int_equal(ch.status, 200);
            assert_true(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ch.json, "items")) > 0);
            yx_resp_free(&h);
            yx_resp_free(&ch);
            free(tok);
        }
        launch_stop(&sim, 10000);
        assert_int_equal(sim.pid, 0);
    }
    client_free(c);
    /* The child is in its own process group: Ctrl-C at the console does
     * not reach it. */
    assert_int_equal(getpgid(srv.pid), srv.pid);
    rc = launch_stop(&srv, 10000);
    assert_int_equal(rc, 0);           /* a clean stop on SIGTERM */
    assert_int_equal(srv.pid, 0);
    assert_int_equal(launch_stop(&srv, 1000), -1);
}

static void test_failures_say_why(void **state)
{
    char db[1200], log[600], err[512], missing[600];
    launch_server srv;
    (void)state;
    snprintf(log, sizeof log, "%s/fail.log", tmpdir);
    assert_int_equal(launch_demo_db(yxd, "/nonexistent/dir", 10, log, db, sizeof db, NULL, err,
                                    sizeof err), -1);
    assert_non_null(strstr(err, "yxd init --demo 10 failed: "));
    snprintf(missing, sizeof missing, "%s/none/x.db", tmpdir);
    assert_int_equal(launch_serve(&srv, yxd, missing, log, 30000, err, sizeof err), -1);
    assert_non_null(strstr(err, "yxd serve did not start: "));
    assert_int_equal(srv.pid, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_yxd),
        cmocka_unit_test(test_demo_db_made_once_then_served),
        cmocka_unit_test(test_failures_say_why),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
