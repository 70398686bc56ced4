/* Keeps the dependency rules of DESIGN.md true: tui/ never includes core/,
 * core/ never includes curses or microhttpd, and core/ and tui/ never reach
 * into screens/ or backend/. Reads the sources as text, from the tree the
 * test runs in (make test runs from the top of the tree). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/common/tmpdir.h"

/* Counts #include lines in the .c and .h files of DIR whose target starts with one of the
 * forbidden prefixes; prints each offence. */
static int offences(const char *dir, const char *const *forbidden, int nforbidden)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int bad = 0, files = 0;
    assert_non_null(d);
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        char path[512], line[1024];
        FILE *f;
        if (len < 3 || (strcmp(e->d_name + len - 2, ".c") && strcmp(e->d_name + len - 2, ".h")))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        f = fopen(path, "r");
        assert_non_null(f);
        files++;
        for (int ln = 1; fgets(line, sizeof line, f); ln++) {
            const char *p = line;
            while (*p == ' ' || *p == '\t') p++;
            if (*p != '#') continue;
            p++;
            while (*p == ' ' || *p == '\t') p++;
            if (strncmp(p, "include", 7)) continue;
            p += 7;
            while (*p == ' ' || *p == '\t') p++;
            if (*p != '<' && *p != '"') continue;
            p++;
            while (!strncmp(p, "../", 3)) p += 3;
            for (int i = 0; i < nforbidden; i++)
                if (!strncmp(p, forbidden[i], strlen(forbidden[i]))) {
                    fprintf(stderr, "%s:%d: includes %s", path, ln, p);
                    bad++;
                }
        }
        fclose(f);
    }
    closedir(d);
    assert_true(files > 0);   /* the directory really was read */
    return bad;
}

static void test_core_has_no_ui_or_http_server(void **state)
{
    static const char *const forbidden[] = {
        "curses.h", "ncurses", "ncursesw/", "term.h", "microhttpd", "tui/", "screens/", "backend/",
    };
    (void)state;
    assert_int_equal(offences("core", forbidden, 8), 0);
}

static void test_tui_knows_nothing_of_credit(void **state)
{
    static const char *const forbidden[] = { "core/", "screens/", "backend/", "microhttpd", "sqlite3", "curl/" };
    (void)state;
    assert_int_equal(offences("tui", forbidden, 6), 0);
}

static void test_backend_has_no_ui(void **state)
{
    static const char *const forbidden[] = { "curses.h", "ncurses", "tui/", "screens/" };
    (void)state;
    assert_int_equal(offences("backend", forbidden, 4), 0);
}

static void test_screens_have_no_http_server(void **state)
{
    static const char *const forbidden[] = { "microhttpd", "backend/" };
    (void)state;
    assert_int_equal(offences("screens", forbidden, 2), 0);
}

/* The checker itself must catch an offence, or the tests above prove nothing. */
static void test_checker_detects_an_offence(void **state)
{
    static const char *const forbidden[] = { "core/" };
    char dir[256], path[600];
    FILE *f;
    (void)state;
    assert_non_null(yx_test_mkdtemp(dir, sizeof dir, "yx-layer"));
    snprintf(path, sizeof path, "%s/x.c", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("#include <stdio.h>\n#  include \"../core/store.h\"\n", f);
    fclose(f);
    assert_int_equal(offences(dir, forbidden, 1), 1);
    yx_test_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core_has_no_ui_or_http_server),
        cmocka_unit_test(test_tui_knows_nothing_of_credit),
        cmocka_unit_test(test_backend_has_no_ui),
        cmocka_unit_test(test_screens_have_no_http_server),
        cmocka_unit_test(test_checker_detects_an_offence),
    };
    return cmocka_run_group_tests_name("layering", tests, NULL, NULL);
}
