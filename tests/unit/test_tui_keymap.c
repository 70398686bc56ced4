/* The keymap as data: key names both ways, loading, later lines and user
 * files overriding, "none" removing, and bad files refused whole with the
 * line named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/keymap.h"

static void test_key_names_round_trip(void **state)
{
    static const char *const names[] = {"j", "?", "/", "C-l", "Up", "PgDn", "Home", "End",
                                        "Enter", "Esc", "Tab", "BTab", "Space", "F1", "F12",
                                        "Backspace", "Delete", "司"};
    char buf[32];
    (void)state;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int k = tui_key_parse(names[i]);
        assert_true(k > 0);
        assert_string_equal(tui_key_name(k, buf, sizeof buf), names[i]);
    }
    assert_int_equal(tui_key_parse("C-l"), 12);
    assert_int_equal(tui_key_parse("Down"), TUI_KEY_BASE + KEY_DOWN);
    assert_int_equal(tui_key_parse("Nope"), -1);
    assert_int_equal(tui_key_parse("jk"), -1);
    assert_int_equal(tui_key_parse(""), -1);
    assert_int_equal(tui_key_parse("F13"), -1);
    assert_int_equal(tui_key_parse("F1x"), -1);
    assert_int_equal(tui_key_parse("F0"), -1);
    assert_int_equal(tui_key_parse("F12"), TUI_KEY_BASE + KEY_F(12));
}

static void test_load_lookup_override(void **state)
{
    struct tui_keymap *km = tui_keymap_new();
    char err[256], keys[64];
    (void)state;
    assert_non_null(km);
    assert_int_equal(tui_keymap_load_text(km,
        "# comment\n"
        "global q back   # trailing comment\n"
        "table  j move_down\n"
        "table  Down move_down\n"
        "global # help\n"
        "\n", "base", err, sizeof err), 0);
    assert_string_equal(tui_keymap_lookup(km, "table", 'j'), "move_down");
    assert_string_equal(tui_keymap_lookup(km, "global", '#'), "help");
    assert_null(tui_keymap_lookup(km, "global", 'j'));
    assert_int_equal(tui_keymap_keys_for(km, "table", "move_down", keys, sizeof keys), 2);
    assert_string_equal(keys, "j/Down");
    /* A user's file: rebinding, removing, adding. */
    assert_int_equal(tui_keymap_load_text(km, "table j none\ntable x move_down\nglobal q quit\n",
                                          "user", err, sizeof err), 0);
    assert_null(tui_keymap_lookup(km, "table", 'j'));
    assert_string_equal(tui_keymap_lookup(km, "table", 'x'), "move_down");
    assert_string_equal(tui_keymap_lookup(km, "global", 'q'), "quit");
    assert_int_equal(tui_keymap_keys_for(km, "table", "move_down", keys, sizeof keys), 2);
    assert_string_equal(keys, "Down/x");
    tui_keymap_free(km);
}

static void test_bad_file_changes_nothing(void **state)
{
    struct tui_keymap *km = tui_keymap_new();
    char err[256];
    size_t before;
    (void)state;
    assert_int_equal(tui_keymap_load_text(km, "global q back\n", "base", err, sizeof err), 0);
    before = tui_keymap_count(km);
    assert_int_equal(tui_keymap_load_text(km, "global w quit\ntable Nope move_down\n", "user.km",
                                          err, sizeof err), -1);
    assert_string_equal(err, "user.km:2: unknown key 'Nope'");
    assert_int_equal(tui_keymap_count(km), before);
    assert_null(tui_keymap_lookup(km, "global", 'w'));
    assert_int_equal(tui_keymap_load_text(km, "global q\n", "f", err, sizeof err), -1);
    assert_string_equal(err, "f:1: expected CONTEXT KEY ACTION");
    assert_int_equal(tui_keymap_load_text(km, "global q back extra\n", "f", err, sizeof err), -1);
    assert_int_equal(tui_keymap_load_text(km, "glo/bal q back\n", "f", err, sizeof err), -1);
    assert_string_equal(err, "f:1: bad context 'glo/bal'");
    assert_int_equal(tui_keymap_load_text(km, "global q ba;ck\n", "f", err, sizeof err), -1);
    assert_int_equal(tui_keymap_load(km, "/nonexistent/keymap", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/keymap"));
    tui_keymap_free(km);
}

static void test_shipped_keymap_loads(void **state)
{
    struct tui_keymap *km = tui_keymap_new();
    const char *dir = getenv("YX_DATADIR");
    char path[512], err[256];
    (void)state;
    snprintf(path, sizeof path, "%s/keymap", dir ? dir : "assets");
    assert_int_equal(tui_keymap_load(km, path, err, sizeof err), 0);
    /* What the issue asks for: vi keys and arrows, pages, g/G, ?, :, /, C-l. */
    assert_string_equal(tui_keymap_lookup(km, "table", 'j'), "move_down");
    assert_string_equal(tui_keymap_lookup(km, "table", TUI_KEY_BASE + KEY_UP), "move_up");
    assert_string_equal(tui_keymap_lookup(km, "table", TUI_KEY_BASE + KEY_NPAGE), "page_down");
    assert_string_equal(tui_keymap_lookup(km, "table", 'G'), "end");
    assert_string_equal(tui_keymap_lookup(km, "global", '?'), "help");
    assert_string_equal(tui_keymap_lookup(km, "global", ':'), "command");
    assert_string_equal(tui_keymap_lookup(km, "global", '/'), "filter");
    assert_string_equal(tui_keymap_lookup(km, "global", TUI_KEY_CTRL('l')), "redraw");
    assert_string_equal(tui_keymap_lookup(km, "global", 27), "back");
    tui_keymap_free(km);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_names_round_trip),
        cmocka_unit_test(test_load_lookup_override),
        cmocka_unit_test(test_bad_file_changes_nothing),
        cmocka_unit_test(test_shipped_keymap_loads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
