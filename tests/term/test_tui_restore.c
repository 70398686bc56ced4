/* Every way out leaves the terminal usable: q, SIGTERM, SIGHUP and a crash
 * signal; and the one loop keeps answering keys while a registered
 * descriptor floods it with data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "tests/common/tui_demo.h"
#include "tests/common/vt_harness.h"

static void start(const char *const *args)
{
    assert_int_equal(tui_demo_start(args, NULL, 24, 80), 0);
    /* Something on screen in colour and reverse video, so a missing reset
     * would show. */
    vt_send("j");
    assert_int_equal(vt_wait_text("row 2 of 1000", 3000), 0);
    assert_int_equal(vt_wait_quiet(50), 0);
}

static void test_restored_after_q(void **state)
{
    int status;
    (void)state;
    start(NULL);
    vt_send("q");
    assert_int_equal(vt_wait_exit(&status), 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(vt_terminal_restored());
    vt_close();
}

/* Sends sig; the demo must exit with code (or die of sig when code is -1)
 * and leave the terminal restored. */
static void restored_after(int sig, int code)
{
    int status;
    start(NULL);
    assert_int_equal(vt_kill(sig), 0);
    assert_int_equal(vt_wait_exit(&status), 0);
    if (code >= 0) {
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), code);
    } else {
        /* It still fails as the crash it is (dies of the signal, or exits
         * non-zero when a sanitizer took the signal over to report it),
         * but put the terminal back first. */
        if (WIFSIGNALED(status)) assert_int_equal(WTERMSIG(status), sig);
        else assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
    }
    assert_true(vt_terminal_restored());
    vt_close();
}

static void test_restored_after_sigterm(void **state)
{
    (void)state;
    restored_after(SIGTERM, 128 + SIGTERM);
}

static void test_restored_after_sighup(void **state)
{
    (void)state;
    restored_after(SIGHUP, 128 + SIGHUP);
}

static void test_restored_after_sigsegv(void **state)
{
    (void)state;
    restored_after(SIGSEGV, -1);
}

static void test_restored_after_sigabrt(void **state)
{
    (void)state;
    restored_after(SIGABRT, -1);
}

/* A crash that leaves no stack: the handler runs on its own stack. */
static void test_restored_after_stack_overflow(void **state)
{
    const char *args[] = {"--overflow", NULL};
    int status;
    (void)state;
    start(args);
    vt_send("X");
    assert_int_equal(vt_wait_exit(&status), 0);
    if (WIFSIGNALED(status)) assert_int_equal(WTERMSIG(status), SIGSEGV);
    else assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
    assert_true(vt_terminal_restored());
    vt_close();
}

/* The check itself: a program killed outright leaves the terminal as it
 * was mid-run, and vt_terminal_restored says so. */
static void test_sigkill_is_detected(void **state)
{
    int status;
    (void)state;
    start(NULL);
    assert_int_equal(vt_kill(SIGKILL), 0);
    assert_int_equal(vt_wait_exit(&status), 0);
    assert_true(WIFSIGNALED(status));
    assert_false(vt_terminal_restored());
    vt_close();
}

static void test_keys_answered_while_fd_floods(void **state)
{
    const char *args[] = {"--flood", NULL};
    double worst = 0;
    char *text_before;
    int status;
    (void)state;
    start(args);
    assert_int_equal(vt_wait_text("received", 5000), 0);   /* the pipe is busy */
    text_before = strdup(vt_row_text(23));
    for (int i = 3; i <= 12; i++) {
        char want[32];
        snprintf(want, sizeof want, "row %d of 1000", i);
        vt_send("j");
        assert_int_equal(vt_wait_text(want, 2000), 0);
        if (vt_latency_ms() > worst) worst = vt_latency_ms();
    }
    fprintf(stderr, "worst keystroke latency under flood: %.1f ms\n", worst);
    /* Still busy: the count goes on changing (a few times a second). */
    for (int tries = 0; tries < 40 && !strcmp(text_before, vt_row_text(23)); tries++)
        vt_wait_quiet(100);
    assert_string_not_equal(text_before, vt_row_text(23));
    free(text_before);
    assert_true(worst < 1000);   /* generous for a loaded machine; starving is forever */
    vt_send("q");
    assert_int_equal(vt_wait_exit(&status), 0);
    assert_true(WIFEXITED(status));
    assert_true(vt_terminal_restored());
    vt_close();
}

/* A screen's repeating timer fires on the same loop, and stops when it is
 * cancelled. */
static void test_screen_timer_ticks_and_cancels(void **state)
{
    const char *args[] = {"--tick", NULL};
    (void)state;
    start(args);
    assert_int_equal(vt_wait_text("tick 5", 3000), 0);
    vt_send("j");                                  /* keys still answered */
    assert_int_equal(vt_wait_text("row 3 of 1000", 3000), 0);
    assert_int_equal(vt_wait_quiet(400), 0);       /* quiet: no more ticks */
    assert_non_null(strstr(vt_row_text(0), "tick 5"));
    assert_int_equal(tui_demo_quit(0), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_restored_after_q),
        cmocka_unit_test(test_restored_after_sigterm),
        cmocka_unit_test(test_restored_after_sighup),
        cmocka_unit_test(test_restored_after_sigsegv),
        cmocka_unit_test(test_restored_after_sigabrt),
        cmocka_unit_test(test_restored_after_stack_overflow),
        cmocka_unit_test(test_sigkill_is_detected),
        cmocka_unit_test(test_screen_timer_ticks_and_cancels),
        cmocka_unit_test(test_keys_answered_while_fd_floods),
    };
    int demo = tui_demo_maybe(argc, argv);
    if (demo >= 0) return demo;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
