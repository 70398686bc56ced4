/* The real yx on a pseudo-terminal against a real yxd whose sessions are
 * ended under it (`yxd user reset` ends the user's sessions, as an idle or
 * too old session would): the console opens its password dialog over the
 * queue, refuses a wrong password with the server's message and stays
 * open, never echoes what is typed, and with the right password logs in
 * again and resumes syncing (new applications reach the queue) with the
 * selection where it was; q then leaves the terminal restored. With
 * YX_PASSWORD set it logs in again without asking. Against a server that
 * takes the connection but never answers, the dialog says it is logging
 * in and Esc closes it at once: the login never freezes the screen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "tests/common/vt_harness.h"
#include "tests/common/yxd_proc.h"

#define NAPPS 40
#define ROWS 30
#define COLS 100
#define PW "yixiang-demo"
#define DIALOG "Session ended — password for officer:"

static yxd_proc srv;
static char yx_bin[512], key[128];
static char env_state[400], env_config[400], env_datadir[600];

static int group_setup(void **state)
{
    const char *dd = getenv("YX_DATADIR");
    (void)state;
    snprintf(yx_bin, sizeof yx_bin, "%s/yx", yxd_test_bin());
    if (yxd_proc_tempdir(&srv) || yxd_proc_init_demo(&srv, NAPPS)) return -1;
    if (yxd_proc_add_channel(&srv, "relogin-h5", "h5", key, sizeof key)) return -1;
    if (yxd_proc_start(&srv, NULL)) return -1;
    snprintf(env_state, sizeof env_state, "XDG_STATE_HOME=%s/state", srv.dir);
    snprintf(env_config, sizeof env_config, "XDG_CONFIG_HOME=%s/config", srv.dir);
    snprintf(env_datadir, sizeof env_datadir, "YX_DATADIR=%s", dd && *dd ? dd : "assets");
    return 0;
}

/* yxd stopped: the kernel still completes connections to its listening
 * socket, but nothing reads or answers them. */
static int srv_stopped;

static void srv_pause(int stop)
{
    assert_int_equal(kill(srv.pid, stop ? SIGSTOP : SIGCONT), 0);
    srv_stopped = stop;
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int group_teardown(void **state)
{
    (void)state;
    if (srv_stopped) kill(srv.pid, SIGCONT);
    vt_close();
    yxd_proc_cleanup(&srv);
    return 0;
}

/* Ends every session of the officer, the console's too (a reset to the
 * same password). */
static void end_sessions(void)
{
    const char *reset[] = { "user", "reset", "officer", "--db", srv.db, NULL };
    char out[256], err[256];
    assert_int_equal(yxd_run(reset, PW "\n", out, sizeof out, err, sizeof err), 0);
}

/* A few applications through the channel; returns the newest id. */
static long long post_applications(void)
{
    const char *sim[] = { "simulate", "--server", srv.url, "--channel-key", key,
                          "--rate", "3", "--duration", "1", NULL };
    char out[512], err[512], *tok;
    long long id = -1;
    yx_resp r;
    assert_int_equal(yxd_run(sim, NULL, out, sizeof out, err, sizeof err), 0);
    tok = yx_login(&srv, "officer", PW);
    assert_non_null(tok);
    assert_int_equal(yx_http("GET", &srv, "/v1/applications?limit=1", tok, NULL, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    id = (long long)cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "items"), 0)
             ->child->valuedouble;
    yx_resp_free(&r);
    free(tok);
    return id;
}

/* Whether the queue's footer counts *arg rows ("row n of M"): the demo's
 * ids run from 1, so the newest id is the count. The view keeps the
 * selection in place, so new rows above it may be scrolled out of sight. */
static int counts(void *arg)
{
    const char *t = strstr(vt_screen_text(), " of ");
    return t && atoll(t + 4) == *(long long *)arg;
}

/* The id of the one data row drawn unlike all the others (the selection),
 * or -1. */
static long long selected_id(void)
{
    struct vt_attr a[ROWS];
    int data[ROWS], n = 0;
    for (int r = 0; r < ROWS; r++) {
        const char *t = vt_row_text(r);
        while (*t == ' ') t++;
        if (*t >= '0' && *t <= '9' && strstr(t, ".")) {
            a[n] = vt_cell_attr(r, 1);
            data[n++] = r;
        }
    }
    for (int i = 0; i < n; i++) {
        int same = 0;
        for (int k = 0; k < n; k++)
            same += a[k].reverse == a[i].reverse && a[k].fg == a[i].fg && a[k].bg == a[i].bg;
        if (same == 1) return atoll(vt_row_text(data[i]) + strspn(vt_row_text(data[i]), " "));
    }
    return -1;
}

static int output_has(const char *text, int since_send)
{
    size_t len, since, n = strlen(text);
    const char *out = vt_output(&len, &since);
    for (size_t i = since_send ? since : 0; i + n <= len; i++)
        if (!memcmp(out + i, text, n)) return 1;
    return 0;
}

/* Starts yx as the officer (with_env: YX_PASSWORD set, else typed at its
 * prompt) and waits for the first sync to finish. */
static void start_console(int with_env)
{
    const char *argv[] = { yx_bin, "--server", srv.url, "--user", "officer", NULL };
    const char *env[] = { with_env ? "YX_PASSWORD=" PW : "YX_PASSWORD", env_state, env_config,
                          env_datadir, "LANG=C.UTF-8", "LC_ALL", "LANGUAGE", NULL };
    assert_int_equal(vt_spawn(argv, env, ROWS, COLS), 0);
    if (!with_env) {
        assert_int_equal(vt_wait_text("Password for officer", 10000), 0);
        assert_int_equal(vt_send(PW "\r"), 0);
    }
    assert_int_equal(vt_wait_text("synced", 30000), 0);
}

/* q quits cleanly and the terminal is as it was. */
static void quit_restored(void)
{
    assert_int_equal(vt_quit_clean("q"), 1);
    vt_close();
}

static void test_dialog_logs_in_again(void **state)
{
    char want[64];
    long long sel, newest;
    (void)state;
    start_console(0);
    snprintf(want, sizeof want, "row 1 of %d", NAPPS);
    assert_non_null(strstr(vt_screen_text(), want));
    /* The officer's place: the third row. */
    assert_int_equal(vt_send("jj"), 0);
    snprintf(want, sizeof want, "row 3 of %d", NAPPS);
    assert_int_equal(vt_wait_text(want, 5000), 0);
    assert_int_equal(vt_wait_quiet(50), 0);
    sel = selected_id();
    assert_true(sel > 0);

    /* The server ends the session; the console learns it from its next
     * request, made when the change feed answers with new applications. */
    end_sessions();
    newest = post_applications();
    assert_int_equal(vt_wait_text(DIALOG, 15000), 0);
    assert_non_null(strstr(vt_screen_text(), "logged out"));

    /* A wrong password: the server's message, the dialog stays, no echo. */
    assert_int_equal(vt_send("not-the-password\r"), 0);
    assert_int_equal(vt_wait_text("wrong user name or password", 10000), 0);
    assert_non_null(strstr(vt_screen_text(), DIALOG));
    assert_false(output_has("not-the-password", 0));
    assert_false(output_has("*****", 1));

    /* The right one: the dialog goes, sync resumes, the place is kept. */
    assert_int_equal(vt_send(PW "\r"), 0);
    assert_int_equal(vt_wait_gone(DIALOG, 10000), 0);
    assert_int_equal(vt_wait_text("Logged in again", 5000), 0);
    assert_false(output_has(PW, 0));
    assert_int_equal(vt_wait_for(counts, &newest, 10000), 0);
    newest = post_applications();
    assert_int_equal(vt_wait_for(counts, &newest, 15000), 0);
    assert_int_equal(vt_wait_quiet(50), 0);
    assert_int_equal(selected_id(), sel);
    assert_null(strstr(vt_screen_text(), "logged out"));

    quit_restored();
}

static void test_escape_keeps_cached_rows_read_only(void **state)
{
    long long newest;
    (void)state;
    start_console(0);
    end_sessions();
    newest = post_applications();
    assert_int_equal(vt_wait_text(DIALOG, 15000), 0);
    /* Esc: the cached rows stay, marked logged out and read-only. */
    assert_int_equal(vt_send("\033"), 0);
    assert_int_equal(vt_wait_gone(DIALOG, 5000), 0);
    assert_non_null(strstr(vt_screen_text(), "logged out"));
    assert_non_null(strstr(vt_screen_text(), "READ-ONLY"));
    assert_true(selected_id() > 0);   /* (a toast may cover the footer) */
    /* r asks again; logged in, sync catches up with all of them. */
    assert_int_equal(vt_send("r"), 0);
    assert_int_equal(vt_wait_text(DIALOG, 5000), 0);
    assert_int_equal(vt_send(PW "\r"), 0);
    assert_int_equal(vt_wait_gone(DIALOG, 10000), 0);
    assert_int_equal(vt_wait_for(counts, &newest, 10000), 0);
    assert_null(strstr(vt_screen_text(), "READ-ONLY"));
    quit_restored();
}

static void test_known_password_logs_in_without_asking(void **state)
{
    long long newest;
    (void)state;
    start_console(1);
    end_sessions();
    newest = post_applications();
    assert_int_equal(vt_wait_text("Logged in again", 15000), 0);
    newest = post_applications();
    assert_int_equal(vt_wait_for(counts, &newest, 15000), 0);
    assert_false(output_has("Session ended", 0));
    quit_restored();
}

static void test_login_never_freezes_the_screen(void **state)
{
    long long newest, t0;
    (void)state;
    start_console(0);
    end_sessions();
    newest = post_applications();
    assert_int_equal(vt_wait_text(DIALOG, 15000), 0);

    /* The server goes silent; the login waits for it on the loop. */
    srv_pause(1);
    t0 = mono_ms();
    assert_int_equal(vt_send(PW "\r"), 0);
    assert_int_equal(vt_wait_text("Logging in", 3000), 0);
    assert_non_null(strstr(vt_screen_text(), DIALOG));
    /* Esc abandons it: the queue with its cached rows, read-only, long
     * before the connect (5 s) or request (30 s) timeout. */
    assert_int_equal(vt_send("\033"), 0);
    assert_int_equal(vt_wait_gone(DIALOG, 3000), 0);
    assert_int_equal(vt_wait_text("READ-ONLY", 3000), 0);
    assert_true(selected_id() > 0);
    assert_true(mono_ms() - t0 < 4000);
    /* The console still takes keys: r asks again at once. */
    assert_int_equal(vt_send("r"), 0);
    assert_int_equal(vt_wait_text(DIALOG, 3000), 0);
    assert_true(mono_ms() - t0 < 5000);

    /* The server is back: the same dialog logs in and sync catches up. */
    srv_pause(0);
    assert_int_equal(vt_send(PW "\r"), 0);
    assert_int_equal(vt_wait_gone(DIALOG, 10000), 0);
    assert_int_equal(vt_wait_text("Logged in again", 5000), 0);
    assert_int_equal(vt_wait_for(counts, &newest, 10000), 0);
    assert_null(strstr(vt_screen_text(), "READ-ONLY"));
    quit_restored();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dialog_logs_in_again),
        cmocka_unit_test(test_escape_keeps_cached_rows_read_only),
        cmocka_unit_test(test_known_password_logs_in_without_asking),
        cmocka_unit_test(test_login_never_freezes_the_screen),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
