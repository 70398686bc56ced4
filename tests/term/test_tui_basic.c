/* First look at the framework on a real pseudo-terminal: the demo starts,
 * draws its table, moves, and leaves the terminal as it found it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/common/tui_demo.h"
#include "tests/common/vt_harness.h"

static void test_starts_moves_quits(void **state)
{
    const char *argv[] = {"/proc/self/exe", "--tui-demo", "--rows=1000", NULL};
    int status;
    (void)state;
    assert_int_equal(vt_spawn(argv, NULL, 24, 80), 0);
    assert_int_equal(vt_wait_text("row 1 of 1000", 5000), 0);
    assert_int_equal(vt_wait_quiet(50), 0);
    fprintf(stderr, "%s", vt_screen_text());
    vt_send("j");
    assert_int_equal(vt_wait_text("row 2 of 1000", 3000), 0);
    vt_wait_quiet(50);
    fprintf(stderr, "move: %zu bytes, %.1f ms\n", vt_bytes_since_send(), vt_latency_ms());
    {
        size_t len, from;
        const char *o = vt_output(&len, &from);
        for (size_t i = from; i < len; i++) {
            unsigned char c = (unsigned char)o[i];
            if (c == 27) fputs("\\e", stderr);
            else if (c < 32) fprintf(stderr, "\\x%02x", c);
            else fputc(c, stderr);
        }
        fputc('\n', stderr);
    }
    vt_send("q");
    assert_int_equal(vt_wait_exit(&status), 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(vt_terminal_restored());
    vt_close();
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_starts_moves_quits),
    };
    int demo = tui_demo_maybe(argc, argv);
    if (demo >= 0) return demo;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
