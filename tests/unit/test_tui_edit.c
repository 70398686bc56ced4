/* In-place text editing: insert at the cursor, delete on either side, move
 * by character over multi-byte text, respect the size and character limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <curses.h>
#include <string.h>

#include "tui/edit.h"
#include "tui/keymap.h"

static int key(struct tui_edit *e, int k)
{
    struct tui_action a;
    memset(&a, 0, sizeof a);
    a.id = TUI_ACT_KEY;
    a.name = "key";
    a.key = k;
    return tui_edit_apply(e, &a);
}

static int act(struct tui_edit *e, int id)
{
    struct tui_action a;
    memset(&a, 0, sizeof a);
    a.id = id;
    a.name = "";
    return tui_edit_apply(e, &a);
}

static void test_insert_move_delete(void **state)
{
    char buf[32] = "司马";
    struct tui_edit e;
    (void)state;
    tui_edit_init(&e, buf, sizeof buf, 0);
    assert_int_equal(e.cur, strlen("司马"));
    assert_int_equal(tui_edit_cursor_col(&e), 4);
    assert_int_equal(key(&e, 0x61FF), 1);                   /* 懿 at the end */
    assert_string_equal(buf, "司马懿");
    assert_int_equal(act(&e, TUI_ACT_HOME), 0);
    assert_int_equal(key(&e, 'x'), 1);
    assert_string_equal(buf, "x司马懿");
    assert_int_equal(tui_edit_cursor_col(&e), 1);
    assert_int_equal(act(&e, TUI_ACT_MOVE_RIGHT), 0);      /* over one wide char */
    assert_int_equal(tui_edit_cursor_col(&e), 3);
    assert_int_equal(act(&e, TUI_ACT_DELETE), 1);           /* 马 goes */
    assert_string_equal(buf, "x司懿");
    assert_int_equal(act(&e, TUI_ACT_DELETE_BACK), 1);      /* 司 goes */
    assert_string_equal(buf, "x懿");
    assert_int_equal(key(&e, TUI_KEY_BASE + KEY_END), 0);  /* raw End */
    assert_int_equal(act(&e, TUI_ACT_DELETE), 0);           /* nothing after */
    assert_int_equal(key(&e, TUI_KEY_BASE + KEY_LEFT), 0);
    assert_int_equal(key(&e, TUI_KEY_BASE + KEY_BACKSPACE), 1);
    assert_string_equal(buf, "懿");
    act(&e, TUI_ACT_HOME);
    assert_int_equal(act(&e, TUI_ACT_DELETE_BACK), 0);      /* nothing before */
    assert_int_equal(act(&e, TUI_ACT_MOVE_LEFT), 0);
    assert_int_equal(e.cur, 0);
    assert_int_equal(act(&e, TUI_ACT_SUBMIT), -1);          /* not an editing action */
    assert_int_equal(key(&e, TUI_KEY_BASE + KEY_F(1)), -1);
}

static void test_limits(void **state)
{
    char buf[6] = "";
    struct tui_edit e;
    (void)state;
    tui_edit_init(&e, buf, sizeof buf, 0);
    for (int i = 0; i < 10; i++) key(&e, 'a');
    assert_string_equal(buf, "aaaaa");                      /* the buffer's size */
    assert_int_equal(key(&e, 0x4E2D), 0);                   /* no room for 3 bytes */
    tui_edit_init(&e, buf, sizeof buf, 5);
    act(&e, TUI_ACT_DELETE_BACK);
    act(&e, TUI_ACT_DELETE_BACK);
    assert_int_equal(key(&e, 'b'), 1);
    assert_int_equal(key(&e, 'b'), 1);
    assert_int_equal(key(&e, 'b'), 0);                      /* max_chars */
    assert_string_equal(buf, "aaabb");
    assert_int_equal(key(&e, 0x7F), -1);                    /* DEL is no character */
    assert_int_equal(key(&e, 7), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_move_delete),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
