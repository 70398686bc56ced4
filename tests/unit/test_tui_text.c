/* Display width and fitting by columns: CJK is two columns, combining marks
 * none, invalid UTF-8 one replacement character per bad byte; cutting and
 * padding land on exact column counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "tui/text.h"

static void test_width(void **state)
{
    (void)state;
    assert_int_equal(tui_text_width(""), 0);
    assert_int_equal(tui_text_width("Alice"), 5);
    assert_int_equal(tui_text_width("欧阳娜娜"), 8);
    assert_int_equal(tui_text_width("司马懿"), 6);
    assert_int_equal(tui_text_width("e\xcc\x81"), 1);          /* e + combining acute */
    assert_int_equal(tui_text_width("Ünal"), 4);
    assert_int_equal(tui_text_width("ＡＢ"), 4);              /* fullwidth forms */
    assert_int_equal(tui_text_width("\xf0\x9f\x98\x80"), 2);   /* emoji */
    assert_int_equal(tui_text_width("a\tb"), 2);               /* controls take none */
    assert_int_equal(tui_text_width("Bad\xff\xfename"), 9);    /* two replacements */
    assert_int_equal(tui_text_width(NULL), 0);
}

static void test_decode_rejects_bad_sequences(void **state)
{
    uint32_t cp;
    (void)state;
    assert_int_equal(tui_utf8_decode("\xe6\xac\xa7", 3, &cp), 3);
    assert_int_equal(cp, 0x6B27);
    assert_int_equal(tui_utf8_decode("\xc0\xaf", 2, &cp), 1);      /* overlong */
    assert_int_equal(cp, TUI_REPLACEMENT);
    assert_int_equal(tui_utf8_decode("\xed\xa0\x80", 3, &cp), 1);  /* surrogate */
    assert_int_equal(cp, TUI_REPLACEMENT);
    assert_int_equal(tui_utf8_decode("\xe6\xac", 2, &cp), 1);      /* truncated */
    assert_int_equal(cp, TUI_REPLACEMENT);
    assert_int_equal(tui_utf8_decode("\xf4\x90\x80\x80", 4, &cp), 1); /* > U+10FFFF */
    assert_int_equal(cp, TUI_REPLACEMENT);
}

static void test_fit_pads_and_cuts_by_columns(void **state)
{
    char buf[64];
    (void)state;
    assert_int_equal(tui_text_fit(buf, sizeof buf, "司马懿", 8, TUI_ALIGN_LEFT, 1), 8);
    assert_string_equal(buf, "司马懿  ");
    assert_int_equal(tui_text_fit(buf, sizeof buf, "司马懿", 8, TUI_ALIGN_RIGHT, 1), 8);
    assert_string_equal(buf, "  司马懿");
    assert_int_equal(tui_text_fit(buf, sizeof buf, "ab", 6, TUI_ALIGN_CENTER, 1), 6);
    assert_string_equal(buf, "  ab  ");
    /* Cut with an ellipsis. */
    assert_int_equal(tui_text_fit(buf, sizeof buf, "Alice Smith", 6, TUI_ALIGN_LEFT, 1), 6);
    assert_string_equal(buf, "Alice…");
    /* A wide character never straddles the edge: a space takes its place. */
    assert_int_equal(tui_text_fit(buf, sizeof buf, "欧阳娜娜", 6, TUI_ALIGN_LEFT, 1), 6);
    assert_string_equal(buf, "欧阳 …");
    assert_int_equal(tui_text_fit(buf, sizeof buf, "欧阳娜娜", 5, TUI_ALIGN_LEFT, 0), 5);
    assert_string_equal(buf, "欧阳 ");
    /* Invalid bytes and controls come out clean. */
    tui_text_fit(buf, sizeof buf, "a\xff\tb", 4, TUI_ALIGN_LEFT, 0);
    assert_string_equal(buf, "a\xef\xbf\xbd b");
    assert_int_equal(tui_text_width(buf), 4);
    /* Controls take their column when aligned and cut too: a name with a
     * line break in it stays inside its column. */
    assert_int_equal(tui_text_fit(buf, sizeof buf, "a\nb", 5, TUI_ALIGN_RIGHT, 1), 5);
    assert_string_equal(buf, "  a b");
    assert_int_equal(tui_text_fit(buf, sizeof buf, "\t\t\t\t\tx", 4, TUI_ALIGN_LEFT, 1), 4);
    assert_string_equal(buf, "   \xe2\x80\xa6");
    /* Zero columns and a tiny buffer. */
    assert_int_equal(tui_text_fit(buf, sizeof buf, "abc", 0, TUI_ALIGN_LEFT, 1), 0);
    assert_string_equal(buf, "");
    assert_true(tui_text_fit(buf, 4, "abcdef", 10, TUI_ALIGN_LEFT, 0) < 10);
    assert_true(strlen(buf) < 4);
}

static void test_prefix_prev_find(void **state)
{
    const char *s = "司马懿 Li";
    (void)state;
    assert_int_equal(tui_text_prefix(s, 5), 6);      /* two characters, 4 columns */
    assert_int_equal(tui_text_prefix(s, 6), 9);
    assert_int_equal(tui_text_prefix(s, 100), strlen(s));
    assert_int_equal(tui_utf8_prev(s, 6), 3);
    assert_int_equal(tui_utf8_prev(s, 0), 0);
    assert_int_equal(tui_utf8_count(s), 6);          /* 12 bytes */
    assert_int_equal(tui_utf8_count("a司马b"), 4);
    assert_int_equal(tui_utf8_count(""), 0);
    assert_int_equal(tui_text_find("Alice Smith", "SMI"), 6);
    assert_int_equal(tui_text_find("欧阳娜娜", "娜娜"), 6);
    assert_int_equal(tui_text_find("abc", "x"), -1);
    assert_int_equal(tui_text_find("abc", ""), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_decode_rejects_bad_sequences),
        cmocka_unit_test(test_fit_pads_and_cuts_by_columns),
        cmocka_unit_test(test_prefix_prev_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
