/* The language follows the locale even where the named locale is not
 * installed (a fresh Debian has no zh_CN.UTF-8): characters stay UTF-8 and
 * messages come from the Chinese catalogue. Needs the .mo the Makefile
 * builds (YX_LOCALEDIR, else build/locale). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tui/i18n.h"

static const char *localedir(void)
{
    const char *d = getenv("YX_LOCALEDIR");
    return d ? d : "build/locale";
}

static void test_chinese_from_lang(void **state)
{
    (void)state;
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANGUAGE");
    setenv("LANG", "zh_CN.UTF-8", 1);
    assert_int_equal(tui_i18n_init("yixiang", localedir()), 1);   /* UTF-8 characters */
    assert_string_equal(_("Help"), "帮助");
    assert_string_equal(_("row %ld of %ld"), "第 %ld 行，共 %ld 行");
    assert_string_equal(tui_i18n_language(), "zh_CN");
    /* A string the catalogue lacks stays English. */
    assert_string_equal(_("no such message"), "no such message");
}

static void test_english_otherwise(void **state)
{
    (void)state;
    unsetenv("LANGUAGE");
    setenv("LANG", "C.UTF-8", 1);
    assert_int_equal(tui_i18n_init("yixiang", localedir()), 1);
    assert_string_equal(_("Help"), "Help");
    assert_string_equal(tui_i18n_language(), "en");
    /* Plain C still gets UTF-8 characters for the terminal. */
    unsetenv("LANG");
    assert_int_equal(tui_i18n_init("yixiang", localedir()), 1);
    assert_string_equal(nl_langinfo(CODESET), "UTF-8");
    assert_string_equal(_("Help"), "Help");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chinese_from_lang),
        cmocka_unit_test(test_english_otherwise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
