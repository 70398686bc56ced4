/* The widgets through the keyboard: typed confirmation, form validation,
 * incremental filter with n/N, the command line and its completion, sort,
 * the column chooser, the selection following its record as rows arrive,
 * the detail view, OSC 52 copy and the mouse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/common/tui_demo.h"
#include "tests/common/vt_harness.h"

#define FIRST_ROW 2

static void start(const char *const *args)
{
    assert_int_equal(tui_demo_start(args, NULL, 24, 80), 0);
}

static void quit_cleanly(void)
{
    assert_int_equal(tui_demo_quit(0), 0);
}

static int screen_has(const char *text)
{
    return strstr(vt_screen_text(), text) != NULL;
}

static void test_typed_confirmation(void **state)
{
    (void)state;
    start(NULL);
    /* The first row (id 1000) has amount 11094.00. */
    vt_send("a");
    assert_int_equal(vt_wait_text("Type 11094.00 to confirm", 3000), 0);
    vt_send("\r");                                 /* nothing typed: refused */
    assert_int_equal(vt_wait_text("Type 11094.00 exactly to confirm", 3000), 0);
    vt_send("11094");
    vt_send("\r");                                 /* not the whole value: refused */
    assert_int_equal(vt_wait_quiet(50), 0);
    assert_true(screen_has("exactly"));
    assert_false(screen_has("Approved row"));
    /* Editing in place: 1109400, two left, a dot. */
    vt_send("00\033OD\033OD.\r");
    assert_int_equal(vt_wait_text("Approved row 1000", 3000), 0);
    assert_false(screen_has("to confirm"));       /* the dialog closed */
    /* Esc cancels; q inside the dialog is text, not "back". */
    vt_send("a");
    assert_int_equal(vt_wait_text("to confirm", 3000), 0);
    vt_send("q");
    assert_int_equal(vt_wait_quiet(50), 0);
    assert_true(screen_has("to confirm"));
    vt_send("\033");
    assert_int_equal(vt_wait_text("Not approved", 3000), 0);
    quit_cleanly();
}

static void test_form_validation(void **state)
{
    int row, col, visible;
    (void)state;
    start(NULL);
    vt_send("e");
    assert_int_equal(vt_wait_text("Edit row", 3000), 0);
    /* The terminal cursor sits in the focused field. */
    vt_cursor(&row, &col, &visible);
    assert_true(visible);
    assert_non_null(strstr(vt_row_text(row), "Amount"));
    vt_send("\r");                                 /* empty required fields */
    assert_int_equal(vt_wait_text("Required", 3000), 0);
    vt_send("200000\t");                           /* out of range, shown on leaving */
    assert_int_equal(vt_wait_text("Between 0 and 100000", 3000), 0);
    vt_send("\033[Z");                             /* back to the amount */
    vt_send("\x7f\x7f\x7f\x7f\x7f\x7f" "5000\t");
    assert_int_equal(vt_wait_gone("Between 0 and 100000", 3000), 0);
    vt_send("\033OC");                  /* Right (keypad mode): channel h5 -> own */
    assert_int_equal(vt_wait_text("< own >", 3000), 0);
    vt_send("\tshort\r");
    assert_int_equal(vt_wait_text("At least 10 characters", 3000), 0);
    vt_send("\033OHquite \033OF but longer now\r");    /* Home, End */
    assert_int_equal(vt_wait_text("Saved 5000.00 via own: quite short but longer now", 3000), 0);
    quit_cleanly();
}

static void test_filter_incremental_with_n(void **state)
{
    int rows, cols;
    (void)state;
    start(NULL);
    vt_send("/");
    vt_send("司");
    assert_int_equal(vt_wait_text("row 1 of 91", 3000), 0);
    vt_send("马");
    assert_int_equal(vt_wait_quiet(50), 0);
    assert_true(screen_has("row 1 of 91"));
    vt_send("\r");
    assert_int_equal(vt_wait_quiet(50), 0);
    vt_size(&rows, &cols);
    for (int r = FIRST_ROW; r < rows - 2; r++)     /* only matches are shown */
        assert_non_null(strstr(vt_row_text(r), "司马懿"));
    assert_true(screen_has("filter: 司马"));
    {
        /* The match is marked in rows other than the selected one. */
        int r = FIRST_ROW + 1, c = vt_find_col(r, "司马懿");
        assert_int_equal(vt_cell_attr(r, c).fg, 220);          /* dark theme's match */
        assert_int_equal(vt_cell_attr(r, c + 2).fg, 220);
        assert_int_not_equal(vt_cell_attr(r, c + 4).fg, 220);  /* 懿 is not part of it */
    }
    vt_send("n");
    assert_int_equal(vt_wait_text("row 2 of 91", 3000), 0);
    vt_send("N");
    vt_send("N");                                  /* wraps to the last match */
    assert_int_equal(vt_wait_text("row 91 of 91", 3000), 0);
    /* A new filter that matches nothing, then Esc puts the old one back. */
    vt_send("/");
    vt_send("\x7f\x7fzzz");
    assert_int_equal(vt_wait_text("No matching rows", 3000), 0);
    vt_send("\033");
    assert_int_equal(vt_wait_text("of 91", 3000), 0);
    quit_cleanly();
}

static int light_selection(void *arg)
{
    (void)arg;
    return vt_cell_attr(FIRST_ROW, 2).bg == 153;     /* the light theme's */
}

static void test_command_line_completion(void **state)
{
    int status;
    (void)state;
    start(NULL);
    vt_send(":nope\r");
    assert_int_equal(vt_wait_text("Unknown command 'nope'", 3000), 0);
    vt_send(":th\t");
    assert_int_equal(vt_wait_text(":theme", 3000), 0);
    assert_int_equal(vt_cell_attr(FIRST_ROW, 2).bg, 31);      /* dark selection */
    vt_send("light\r");
    assert_int_equal(vt_wait_for(light_selection, NULL, 3000), 0);
    vt_send(":\t");                                /* lists everything */
    assert_int_equal(vt_wait_text("list quit help theme", 3000), 0);
    /* ':list' opens a second list on the stack: the first q closes only it,
     * so the command line below still answers. */
    vt_send("\033:list\r");
    assert_int_equal(vt_wait_quiet(60), 0);
    vt_send("q");
    assert_int_equal(vt_wait_quiet(60), 0);
    vt_send(":qu\t");
    assert_int_equal(vt_wait_text(":quit", 3000), 0);
    vt_send("\r");
    assert_int_equal(vt_wait_exit(&status), 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(vt_terminal_restored());
    vt_close();
}

static void test_sort_and_columns(void **state)
{
    (void)state;
    start(NULL);
    vt_send("s");                                  /* by ID, ascending */
    assert_int_equal(vt_wait_text("ID▲", 3000), 0);
    assert_non_null(strstr(vt_row_text(FIRST_ROW), " 1 欧阳娜娜"));
    vt_send("S");
    assert_int_equal(vt_wait_text("ID▼", 3000), 0);
    assert_non_null(strstr(vt_row_text(FIRST_ROW), "1000 王小明"));
    /* Hide Name, show Channel, move Channel first. */
    vt_send("c");
    assert_int_equal(vt_wait_text("[x] Name", 3000), 0);
    vt_send("j ");
    assert_int_equal(vt_wait_text("[ ] Name", 3000), 0);
    vt_send("jjj ");
    assert_int_equal(vt_wait_text("[x] Channel", 3000), 0);
    vt_send("KKKK\r");
    assert_int_equal(vt_wait_gone("[x] Channel", 3000), 0);
    assert_null(strstr(vt_row_text(1), "Name"));
    assert_true(vt_find_col(1, "Channel") < vt_find_col(1, "ID"));
    quit_cleanly();
}

static void test_selection_follows_record(void **state)
{
    int r = FIRST_ROW + 4;
    (void)state;
    start(NULL);
    vt_send("jjjj");
    assert_int_equal(vt_wait_text("row 5 of 1000", 3000), 0);
    assert_non_null(strstr(vt_row_text(r), " 996 "));
    assert_true(vt_cell_attr(r, 1).reverse || vt_cell_attr(r, 1).bg >= 0);
    vt_send("i");                                  /* three rows arrive on top */
    assert_int_equal(vt_wait_text("row 8 of 1003", 3000), 0);
    /* Same record, same screen line, still selected. */
    assert_non_null(strstr(vt_row_text(r), " 996 "));
    assert_non_null(strstr(vt_row_text(r - 4), "1000 "));
    vt_send("gg");
    assert_int_equal(vt_wait_text("row 1 of 1003", 3000), 0);
    assert_non_null(strstr(vt_row_text(FIRST_ROW), "1003 "));
    quit_cleanly();
}

static void test_detail_and_back(void **state)
{
    (void)state;
    start(NULL);
    vt_send("jj\r");
    assert_int_equal(vt_wait_text("Applicant", 3000), 0);
    assert_true(screen_has("Row 998"));
    assert_true(screen_has("Chen Jing"));
    vt_send("q");
    assert_int_equal(vt_wait_text("row 3 of 1000", 3000), 0);
    quit_cleanly();
}

static void test_copy_osc52(void **state)
{
    size_t len, from;
    const char *out;
    (void)state;
    start(NULL);
    vt_send("y");
    assert_int_equal(vt_wait_text("Copied 1000", 3000), 0);
    out = vt_output(&len, &from);
    /* base64("1000") = MTAwMA== */
    {
        static const char want[] = "\033]52;c;MTAwMA==\a";
        int found = 0;
        for (size_t i = from; i + sizeof want - 1 <= len && !found; i++)
            found = !memcmp(out + i, want, sizeof want - 1);
        assert_true(found);
    }
    quit_cleanly();
}

static void test_mouse_click_selects(void **state)
{
    const char *args[] = {"--mouse", NULL};
    char click[40];
    (void)state;
    start(args);
    /* SGR mouse report (xterm's kmous): button 1 press and release at
     * column 10, screen row 7 (1-based). */
    snprintf(click, sizeof click, "\033[<0;10;7M\033[<0;10;7m");
    vt_send(click);
    assert_int_equal(vt_wait_text("row 5 of 1000", 3000), 0);
    vt_send("M");                                  /* off again */
    assert_int_equal(vt_wait_text("Mouse off", 3000), 0);
    quit_cleanly();
}

/* Whether the program asked the terminal for mouse reports (xterm's 1000
 * mode, which every tracking mode starts with) in out[from..len). */
static int mouse_requested(const char *out, size_t len, size_t from)
{
    static const char on[] = "1000h";
    for (size_t i = from; i + sizeof on - 1 <= len; i++)
        if (!memcmp(out + i, on, sizeof on - 1)) return 1;
    return 0;
}

static void test_mouse_off_by_default(void **state)
{
    size_t len, since;
    const char *out;
    char click[40];
    (void)state;
    start(NULL);
    out = vt_output(&len, &since);
    assert_false(mouse_requested(out, len, 0));
    vt_send("M");                                  /* the toggle key */
    assert_int_equal(vt_wait_text("Mouse on", 3000), 0);
    out = vt_output(&len, &since);
    assert_true(mouse_requested(out, len, since));
    snprintf(click, sizeof click, "\033[<0;10;7M\033[<0;10;7m");
    vt_send(click);
    assert_int_equal(vt_wait_text("row 5 of 1000", 3000), 0);
    quit_cleanly();
}

static int repainted(void *arg)
{
    (void)arg;
    return vt_bytes_since_send() > 1500;
}

static void test_redraw_repaints_everything(void **state)
{
    char *before;
    (void)state;
    start(NULL);
    before = strdup(vt_screen_text());
    vt_send("j");
    assert_int_equal(vt_wait_text("row 2 of 1000", 3000), 0);
    assert_true(vt_bytes_since_send() < 400);       /* a move sends little */
    vt_send("k");
    assert_int_equal(vt_wait_text("row 1 of 1000", 3000), 0);
    vt_send("\x0c");                                 /* Ctrl-L */
    /* The whole screen again. */
    assert_int_equal(vt_wait_for(repainted, NULL, 3000), 0);
    assert_string_equal(strchr(before, '\n'), strchr(vt_screen_text(), '\n'));
    free(before);
    quit_cleanly();
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typed_confirmation),
        cmocka_unit_test(test_form_validation),
        cmocka_unit_test(test_filter_incremental_with_n),
        cmocka_unit_test(test_command_line_completion),
        cmocka_unit_test(test_sort_and_columns),
        cmocka_unit_test(test_selection_follows_record),
        cmocka_unit_test(test_detail_and_back),
        cmocka_unit_test(test_copy_osc52),
        cmocka_unit_test(test_mouse_click_selects),
        cmocka_unit_test(test_mouse_off_by_default),
        cmocka_unit_test(test_redraw_repaints_everything),
    };
    int demo = tui_demo_maybe(argc, argv);
    if (demo >= 0) return demo;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
