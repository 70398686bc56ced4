/* The language follows the locale even where the named locale is not
 * installed (a fresh Debian has no zh_CN.UTF-8): characters stay UTF-8 and
 * messages come from the Chinese catalogue. Needs the .mo the Makefile
 * builds (YX_LOCALEDIR, else build/locale). Every string tui/ marks for
 * translation has a Chinese translation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
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

/* The C string literal (adjacent literals joined) starting at p, unescaped
 * into out; returns where it ends, or NULL when it is not one. */
static const char *literal(const char *p, char *out, size_t n)
{
    size_t k = 0;
    while (*p == '"') {
        for (p++; *p && *p != '"'; p++) {
            char c = *p;
            if (c == '\\') {
                c = *++p;
                c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
            }
            if (k + 1 < n) out[k++] = c;
        }
        if (*p++ != '"') return NULL;
        while (isspace((unsigned char)*p)) p++;
    }
    out[k] = '\0';
    return k ? p : NULL;
}

/* Every _("...") and N_("...") in tui/ has a translation: gettext returns
 * its argument itself when the catalogue lacks it. */
static void test_every_tui_string_translated(void **state)
{
    (void)state;
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANGUAGE");
    setenv("LANG", "zh_CN.UTF-8", 1);
    assert_int_equal(tui_i18n_init("yixiang", localedir()), 1);
    DIR *d = opendir("tui");
    assert_non_null(d);
    int checked = 0, missing = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 3 || e->d_name[len - 2] != '.' || (e->d_name[len - 1] != 'c' && e->d_name[len - 1] != 'h'))
            continue;
        char path[300], msg[1024];
        snprintf(path, sizeof path, "tui/%s", e->d_name);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        static char text[1 << 20];
        size_t got = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[got] = '\0';
        for (const char *p = text; (p = strstr(p, "_(\"")); p += 2) {
            char before = p > text ? p[-1] : ' ';
            if (before == 'N' && p - 1 > text) before = p[-2];
            if (isalnum((unsigned char)before) || before == '_') continue;
            if (!literal(p + 2, msg, sizeof msg)) continue;
            checked++;
            if (gettext(msg) == msg) {
                fprintf(stderr, "%s: no zh_CN translation of \"%s\"\n", path, msg);
                missing++;
            }
        }
    }
    closedir(d);
    assert_true(checked > 50);
    assert_int_equal(missing, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chinese_from_lang),
        cmocka_unit_test(test_english_otherwise),
        cmocka_unit_test(test_every_tui_string_translated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
