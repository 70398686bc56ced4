/* The framework as a user sees it, on a pseudo-terminal read back through
 * libvterm: resizing, CJK alignment, help from the keymap, a user's key
 * override, colour and monochrome, the Chinese locale, accessible mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/common/tui_demo.h"
#include "tests/common/vt_harness.h"
#include "tests/common/tmpdir.h"

/* Rows of the demo at 24 lines: 0 title, 1 heading, 2.. data, 22 the table
 * footer, 23 status. */
#define FIRST_ROW 2

static void quit_cleanly(void)
{
    assert_int_equal(tui_demo_quit(0), 0);
}

/* The screen without the title row (its clock may tick between reads). */
static char *body(void)
{
    const char *s = vt_screen_text();
    return strdup(strchr(s, '\n') + 1);
}

static int status_on_row(void *row)
{
    return strstr(vt_row_text(*(int *)row), "? help") != NULL;
}

static int body_is(void *want)
{
    char *now = body();
    int same = !strcmp(now, want);
    free(now);
    return same;
}

static void test_resize_and_back(void **state)
{
    char *before, *after;
    int last = 39;
    (void)state;
    assert_int_equal(tui_demo_start(NULL, NULL, 24, 80), 0);
    vt_send("jjj");
    assert_int_equal(vt_wait_text("row 4 of 1000", 3000), 0);
    assert_int_equal(vt_wait_quiet(60), 0);
    before = body();

    assert_int_equal(vt_resize(40, 120), 0);
    assert_int_equal(vt_wait_for(status_on_row, &last, 3000), 0);
    /* The status bar moved to the new last row and its right edge; the list
     * shares the taller screen with a detail pane for the selected row. */
    assert_non_null(strstr(vt_row_text(39), "? help"));
    assert_true(vt_find_col(39, ": command") > 100);
    assert_non_null(strstr(vt_row_text(0), "Applications"));
    assert_non_null(strstr(vt_screen_text(), "row 4 of 1000"));
    assert_non_null(strstr(vt_screen_text(), "Applicant"));
    assert_non_null(strstr(vt_screen_text(), "997"));   /* the selected row's ID */
    for (int r = 1; r < 39; r++)     /* no stale status bar in between */
        assert_null(strstr(vt_row_text(r), "? help"));

    assert_int_equal(vt_resize(24, 80), 0);
    vt_wait_for(body_is, before, 3000);
    after = body();
    if (strcmp(before, after)) fprintf(stderr, "before:\n%s\nafter:\n%s\n", before, after);
    assert_string_equal(before, after);
    free(before);
    free(after);
    quit_cleanly();
}

/* Column where text starts on the first screen row that contains it. */
static int col_of(const char *row_text_has, const char *text, int *row_out)
{
    int rows, cols;
    vt_size(&rows, &cols);
    for (int r = FIRST_ROW; r < rows - 2; r++)
        if (strstr(vt_row_text(r), row_text_has)) {
            if (row_out) *row_out = r;
            return vt_find_col(r, text);
        }
    return -1;
}

/* Column where the status cell starts on row r, or -1. */
static int status_col(int r)
{
    static const char *const words[] = {"approved", "declined", "referred", "pending"};
    for (int i = 0; i < 4; i++)
        if (vt_find_col(r, words[i]) >= 0) return vt_find_col(r, words[i]);
    return -1;
}

static void test_cjk_alignment(void **state)
{
    int status, r1 = 0, r2 = 0, r3 = 0, r4 = 0, amount_end;
    (void)state;
    assert_int_equal(tui_demo_start(NULL, NULL, 24, 80), 0);
    status = vt_find_col(1, "Status");
    amount_end = vt_find_col(1, "Amount") + 6;
    assert_true(status > 0);
    assert_true(col_of("司马懿", "司马懿", &r1) > 0);
    assert_true(col_of("欧阳娜娜", "欧阳娜娜", &r2) > 0);
    assert_true(col_of("Alice Smith", "Alice", &r3) > 0);
    assert_true(col_of("Bad", "Bad", &r4) > 0);
    /* Names start in one column, statuses start under their heading and
     * amounts end under theirs, whatever the width of the name. */
    assert_int_equal(vt_find_col(r1, "司马懿"), vt_find_col(r3, "Alice"));
    assert_int_equal(vt_find_col(r2, "欧阳娜娜"), vt_find_col(r3, "Alice"));
    assert_int_equal(vt_find_col(r4, "Bad"), vt_find_col(r3, "Alice"));
    for (int i = 0; i < 4; i++) {
        int r = i == 0 ? r1 : i == 1 ? r2 : i == 2 ? r3 : r4;
        assert_int_equal(status_col(r), status);
        assert_int_equal(vt_find_col(r, ".00 ") + 3, amount_end);
    }
    /* The wide characters really take two cells each. */
    assert_int_equal(vt_cell_attr(r1, vt_find_col(r1, "司马懿")).width, 2);
    /* Invalid UTF-8 shows as replacement characters, not as garbage. */
    assert_non_null(strstr(vt_row_text(r4), "Bad\xef\xbf\xbd\xef\xbf\xbdname"));
    quit_cleanly();
}

static void test_help_lists_keymap(void **state)
{
    const char *s;
    (void)state;
    assert_int_equal(tui_demo_start(NULL, NULL, 40, 100), 0);
    vt_send("?");
    assert_int_equal(vt_wait_text("Keys for Applications", 3000), 0);
    assert_int_equal(vt_wait_quiet(50), 0);
    s = vt_screen_text();
    assert_non_null(strstr(s, "This list or field"));
    assert_non_null(strstr(s, "j Down"));
    assert_non_null(strstr(s, "Move down"));
    assert_non_null(strstr(s, "PgDn"));
    /* The screen's own actions with their descriptions. */
    assert_non_null(strstr(s, "Approve the selected row"));
    assert_non_null(strstr(s, "Everywhere"));
    assert_non_null(strstr(s, "Show this help"));
    vt_send("q");
    assert_int_equal(vt_wait_text("row 1 of 1000", 3000), 0);
    quit_cleanly();
}

/* A lone Esc is a key of its own after ESCDELAY (25 ms), not after curses'
 * default second of waiting for the rest of an escape sequence. The bound
 * is generous for a loaded machine; the default would be four times it. */
static void test_lone_esc_answers_at_once(void **state)
{
    (void)state;
    assert_int_equal(tui_demo_start(NULL, NULL, 24, 80), 0);
    vt_send("?");
    assert_int_equal(vt_wait_text("Keys for Applications", 3000), 0);
    assert_int_equal(vt_wait_quiet(50), 0);
    vt_send("\033");
    assert_int_equal(vt_wait_gone("Keys for Applications", 3000), 0);
    assert_true(vt_latency_ms() < 250);
    quit_cleanly();
}

static void test_user_keymap_override(void **state)
{
    char dir[256], sub[300], path[340], envv[340];
    const char *env[2];
    FILE *f;
    (void)state;
    assert_non_null(yx_test_mkdtemp(dir, sizeof dir, "yx-keymap"));
    snprintf(sub, sizeof sub, "%s/yixiang", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(path, sizeof path, "%s/keymap", sub);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("# my keys\ntable x move_down\ntable j none\n", f);
    fclose(f);
    snprintf(envv, sizeof envv, "XDG_CONFIG_HOME=%s", dir);
    env[0] = envv;
    env[1] = NULL;
    assert_int_equal(tui_demo_start(NULL, env, 24, 80), 0);
    vt_send("j");
    assert_int_equal(vt_wait_quiet(100), 0);
    assert_non_null(strstr(vt_screen_text(), "row 1 of 1000"));   /* unbound now */
    vt_send("x");
    assert_int_equal(vt_wait_text("row 2 of 1000", 3000), 0);
    vt_send("?");
    assert_int_equal(vt_wait_text("Move down", 3000), 0);
    assert_non_null(strstr(vt_screen_text(), "Down x"));
    assert_null(strstr(vt_screen_text(), "j Down"));
    quit_cleanly();
    yx_test_rmtree(dir);
}

static void test_colour_no_color_and_monochrome(void **state)
{
    const char *nc[] = {"NO_COLOR=1", NULL};
    const char *vt100[] = {"TERM=vt100", NULL};
    int exit_status;
    (void)state;
    /* With colour: the theme's colours reach the terminal. */
    assert_int_equal(tui_demo_start(NULL, NULL, 24, 80), 0);
    assert_true(vt_screen_has_colour());
    quit_cleanly();
    /* NO_COLOR: no colour anywhere, the selection still stands out. */
    assert_int_equal(tui_demo_start(NULL, nc, 24, 80), 0);
    assert_false(vt_screen_has_colour());
    assert_true(vt_cell_attr(FIRST_ROW, 2).reverse);
    assert_false(vt_cell_attr(FIRST_ROW + 1, 2).reverse);
    quit_cleanly();
    /* A terminal without colours. */
    assert_int_equal(tui_demo_start(NULL, vt100, 24, 80), 0);
    assert_false(vt_screen_has_colour());
    assert_true(vt_cell_attr(FIRST_ROW, 2).reverse);
    vt_send("j");
    assert_int_equal(vt_wait_text("row 2 of 1000", 3000), 0);
    assert_true(vt_cell_attr(FIRST_ROW + 1, 2).reverse);
    /* vt100 has no alternate screen, so only the exit is checked here. */
    vt_send("Q");
    assert_int_equal(vt_wait_exit(&exit_status), 0);
    assert_true(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0);
    vt_close();
}

static void test_eight_colours(void **state)
{
    const char *xterm[] = {"TERM=xterm", NULL};   /* 8 colours */
    struct vt_attr sel;
    (void)state;
    assert_int_equal(tui_demo_start(NULL, xterm, 24, 80), 0);
    assert_true(vt_screen_has_colour());
    /* The dark theme's 256-colour selection (31) maps to one of the 8. */
    sel = vt_cell_attr(FIRST_ROW, 2);
    assert_true(sel.bg >= 0 && sel.bg < 8);
    for (int c = 0; c < 80; c++) {
        struct vt_attr a = vt_cell_attr(23, c);
        assert_true(a.fg < 8 && a.bg < 8);
    }
    quit_cleanly();
}

static void test_watermark_and_status(void **state)
{
    const char *ro[] = {"--read-only", NULL};
    char year[8];
    time_t now = time(NULL);
    struct tm tm;
    (void)state;
    localtime_r(&now, &tm);
    snprintf(year, sizeof year, "%04d-", tm.tm_year + 1900);
    assert_int_equal(tui_demo_start(NULL, NULL, 24, 80), 0);
    /* Who and when, on the title bar of every screen. */
    assert_true(vt_find_col(0, "demo ") > 40);
    assert_true(vt_find_col(0, year) > 40);
    assert_non_null(strstr(vt_row_text(23), "demo (officer)"));
    assert_non_null(strstr(vt_row_text(23), "2 pending"));
    assert_null(strstr(vt_row_text(23), "READ-ONLY"));
    vt_send("\r");
    assert_int_equal(vt_wait_text("Applicant", 3000), 0);
    assert_true(vt_find_col(0, year) > 40);
    quit_cleanly();
    assert_int_equal(tui_demo_spawn(ro, NULL, 24, 80), 0);
    assert_int_equal(vt_wait_text("READ-ONLY", 5000), 0);
    assert_non_null(strstr(vt_row_text(23), "demo (auditor)"));
    assert_true(vt_cell_attr(23, vt_find_col(23, "READ-ONLY")).bg >= 0);
    quit_cleanly();
}

static void test_ascii_lines(void **state)
{
    const char *ascii[] = {"--ascii", NULL};
    (void)state;
    /* Line drawing by default... */
    assert_int_equal(tui_demo_start(NULL, NULL, 24, 80), 0);
    vt_send("c");
    assert_int_equal(vt_wait_text("[x] Name", 3000), 0);
    assert_non_null(strstr(vt_screen_text(), "┌─ Columns"));
    assert_int_equal(tui_demo_quit(1), 0);
    /* ...plain ASCII on request. */
    assert_int_equal(tui_demo_start(ascii, NULL, 24, 80), 0);
    vt_send("c");
    assert_int_equal(vt_wait_text("[x] Name", 3000), 0);
    assert_non_null(strstr(vt_screen_text(), "+- Columns"));
    assert_null(strstr(vt_screen_text(), "─"));
    assert_int_equal(tui_demo_quit(1), 0);
}

/* Very small and odd sizes: every screen and dialog still opens and closes
 * without a crash, and the program answers at its normal size after. */
static void test_tiny_and_odd_sizes(void **state)
{
    static const int sizes[][2] = {{5, 20}, {1, 1}, {3, 3}, {60, 10}};
    (void)state;
    assert_int_equal(tui_demo_start(NULL, NULL, 24, 80), 0);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        assert_int_equal(vt_resize(sizes[i][0], sizes[i][1]), 0);
        assert_int_equal(vt_wait_quiet(50), 0);
        vt_send("j?");
        assert_int_equal(vt_wait_quiet(30), 0);
        vt_send("q:nope\r");
        assert_int_equal(vt_wait_quiet(30), 0);
        vt_send("a");
        assert_int_equal(vt_wait_quiet(30), 0);
        vt_send("\033");
        assert_int_equal(vt_wait_quiet(30), 0);
    }
    assert_int_equal(vt_resize(24, 80), 0);
    vt_send("j\r");                      /* one j per size and this: the sixth row */
    assert_int_equal(vt_wait_text("Row 995", 3000), 0);
    assert_int_equal(tui_demo_quit(0), 0);
}

/* Whole screens against the files in tests/fixtures/screens. */
static void test_screens_match_fixtures(void **state)
{
    (void)state;
    assert_int_equal(tui_demo_start(NULL, NULL, 24, 80), 0);
    assert_int_equal(vt_expect_file("tests/fixtures/screens/tui_list_80x24.txt"), 0);
    vt_send("?");
    assert_int_equal(vt_wait_text("Keys for Applications", 3000), 0);
    assert_int_equal(vt_expect_file("tests/fixtures/screens/tui_help_80x24.txt"), 0);
    vt_send("qa");
    assert_int_equal(vt_wait_text("to confirm", 3000), 0);
    assert_int_equal(vt_expect_file("tests/fixtures/screens/tui_confirm_80x24.txt"), 0);
    assert_int_equal(tui_demo_quit(1), 0);
}

static void expect_chinese(const char *const *env)
{
    assert_int_equal(tui_demo_spawn(NULL, env, 24, 80), 0);
    assert_int_equal(vt_wait_text("第 1 行，共 1000 行", 5000), 0);
    assert_non_null(strstr(vt_screen_text(), "? 帮助"));
    vt_send("?");
    assert_int_equal(vt_wait_text("下移", 3000), 0);
    assert_non_null(strstr(vt_screen_text(), "当前列表或输入项"));
    quit_cleanly();
}

static void test_chinese_locale(void **state)
{
    /* As a user sets it; zh_CN.UTF-8 need not be installed. */
    const char *lang[] = {"LANG=zh_CN.UTF-8", "LC_ALL", "LC_MESSAGES", "LANGUAGE", NULL};
    /* The explicit form that works on any system with C.UTF-8. */
    const char *language[] = {"LANGUAGE=zh_CN", "LC_ALL=C.UTF-8", "LANG", NULL};
    /* English otherwise. */
    const char *english[] = {"LANG=C.UTF-8", "LC_ALL", "LANGUAGE", NULL};
    (void)state;
    if (!getenv("YX_LOCALEDIR")) setenv("YX_LOCALEDIR", "build/locale", 1);
    expect_chinese(lang);
    expect_chinese(language);
    assert_int_equal(tui_demo_start(NULL, english, 24, 80), 0);
    assert_non_null(strstr(vt_screen_text(), "? help"));
    quit_cleanly();
}

static void test_accessible_cursor_on_selection(void **state)
{
    const char *args[] = {"--accessible", NULL};
    int row, col, visible;
    (void)state;
    assert_int_equal(tui_demo_start(args, NULL, 24, 80), 0);
    vt_cursor(&row, &col, &visible);
    assert_true(visible);
    assert_int_equal(row, FIRST_ROW);
    vt_send("jj");
    assert_int_equal(vt_wait_text("row 3 of 1000", 3000), 0);
    assert_int_equal(vt_wait_quiet(50), 0);
    vt_cursor(&row, &col, &visible);
    assert_int_equal(row, FIRST_ROW + 2);
    quit_cleanly();
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resize_and_back),
        cmocka_unit_test(test_cjk_alignment),
        cmocka_unit_test(test_help_lists_keymap),
        cmocka_unit_test(test_lone_esc_answers_at_once),
        cmocka_unit_test(test_user_keymap_override),
        cmocka_unit_test(test_colour_no_color_and_monochrome),
        cmocka_unit_test(test_chinese_locale),
        cmocka_unit_test(test_eight_colours),
        cmocka_unit_test(test_watermark_and_status),
        cmocka_unit_test(test_ascii_lines),
        cmocka_unit_test(test_screens_match_fixtures),
        cmocka_unit_test(test_tiny_and_odd_sizes),
        cmocka_unit_test(test_accessible_cursor_on_selection),
    };
    int demo = tui_demo_maybe(argc, argv);
    if (demo >= 0) return demo;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
