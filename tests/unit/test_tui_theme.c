/* Themes as data: the shipped themes load, a bad line is refused with its
 * line number, roles are found by name, and without colour every role the
 * framework needs stays distinguishable by attributes alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/theme.h"
#include "tests/common/tmpdir.h"

static const char *datadir(void)
{
    const char *d = getenv("YX_DATADIR");
    return d ? d : "assets";
}

static void test_shipped_themes_load(void **state)
{
    static const char *const names[] = {"dark", "light", "high-contrast"};
    (void)state;
    for (size_t i = 0; i < 3; i++) {
        char path[512], err[256] = "";
        struct tui_theme *th;
        snprintf(path, sizeof path, "%s/themes/%s", datadir(), names[i]);
        th = tui_theme_load(path, err, sizeof err);
        if (!th) fprintf(stderr, "%s\n", err);
        assert_non_null(th);
        tui_theme_apply(th, TUI_COLOUR_MONO);
        assert_int_equal(tui_theme_mode(th), TUI_COLOUR_MONO);
        /* Monochrome: selection, title, status by reverse video; errors bold. */
        assert_true(tui_theme_attr(th, TUI_ROLE_SELECTION) & A_REVERSE);
        assert_true(tui_theme_attr(th, TUI_ROLE_STATUS) & A_REVERSE);
        assert_true(tui_theme_attr(th, TUI_ROLE_ERROR) & A_BOLD);
        assert_int_equal(tui_theme_attr(th, TUI_ROLE_SELECTION) & A_COLOR, 0);
        assert_int_equal(tui_theme_attr(th, TUI_ROLE_NORMAL) & A_COLOR, 0);
        tui_theme_free(th);
    }
}

static void test_roles_by_name(void **state)
{
    char path[256], err[256];
    int fd = yx_test_mkstemp(path, sizeof path, "yx-theme");
    FILE *f = fdopen(fd, "w");
    struct tui_theme *th;
    int a, b;
    (void)state;
    assert_non_null(f);
    fputs("# test\nnormal fg=white\ndecision.declined fg=red attr=bold mono=underline\n", f);
    fclose(f);
    th = tui_theme_load(path, err, sizeof err);
    assert_non_null(th);
    a = tui_theme_role(th, "decision.declined");
    assert_true(a >= TUI_ROLE_BUILTIN_COUNT);
    assert_int_equal(tui_theme_role(th, "decision.declined"), a);
    assert_int_equal(tui_theme_role(th, "selection"), TUI_ROLE_SELECTION);
    tui_theme_apply(th, TUI_COLOUR_MONO);
    assert_int_equal(tui_theme_attr(th, a), A_BOLD | A_UNDERLINE);
    assert_int_equal(tui_theme_attr_named(th, "decision.declined"), A_BOLD | A_UNDERLINE);
    /* A role no theme mentions renders like normal text. */
    b = tui_theme_role(th, "never.mentioned");
    assert_true(b > a);
    assert_int_equal(tui_theme_attr(th, b), tui_theme_attr(th, TUI_ROLE_NORMAL));
    assert_int_equal(tui_theme_attr(NULL, TUI_ROLE_SELECTION), A_REVERSE);
    tui_theme_free(th);
    unlink(path);
}

static void test_bad_theme_refused(void **state)
{
    static const char *const bad[] = {
        "selection fg=purple\n", "selection fg=256\n", "selection attr=shiny\n",
        "selection colour=red\n", "selection red\n",
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[256], err[256] = "", want[300];
        int fd = yx_test_mkstemp(path, sizeof path, "yx-theme");
        FILE *f = fdopen(fd, "w");
        assert_non_null(f);
        fputs("normal fg=white\n", f);
        fputs(bad[i], f);
        fclose(f);
        assert_null(tui_theme_load(path, err, sizeof err));
        snprintf(want, sizeof want, "%s:2: bad setting", path);
        assert_non_null(strstr(err, want));
        unlink(path);
    }
    {
        char err[256];
        assert_null(tui_theme_load("/nonexistent/theme", err, sizeof err));
        assert_non_null(strstr(err, "/nonexistent/theme"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_themes_load),
        cmocka_unit_test(test_roles_by_name),
        cmocka_unit_test(test_bad_theme_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
