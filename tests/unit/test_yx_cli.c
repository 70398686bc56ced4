/* The yx command line and configuration file: both option forms, bad usage
 * (exit 2 with a line saying what is wrong), the file filling only what the
 * command line left unset, its errors naming FILE:LINE, and the checks of
 * role and server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "screens/cli.h"
#include "tests/common/tmpdir.h"

static char tmpdir[64];

static int setup(void **state)
{
    char p[128];
    (void)state;
    if (!yx_test_mkdtemp(tmpdir, sizeof tmpdir, "yx-cli")) return -1;
    snprintf(p, sizeof p, "%s/yixiang", tmpdir);
    if (mkdir(p, 0700)) return -1;
    /* No user configuration file may leak into these tests. */
    setenv("XDG_CONFIG_HOME", tmpdir, 1);
    return 0;
}

static int teardown(void **state)
{
    char p[128];
    (void)state;
    snprintf(p, sizeof p, "%s/yixiang/yx.conf", tmpdir);
    unlink(p);
    snprintf(p, sizeof p, "%s/yixiang", tmpdir);
    rmdir(p);
    rmdir(tmpdir);
    return 0;
}

static int parse(struct yx_opts *o, char *err, size_t n, int argc, ...)
{
    char *argv[16];
    va_list ap;
    va_start(ap, argc);
    argv[0] = (char *)(uintptr_t)"yx";
    for (int i = 1; i < argc; i++) argv[i] = va_arg(ap, char *);
    va_end(ap);
    return yx_opts_parse(o, argc, argv, err, n);
}

static const char *write_conf(const char *text)
{
    static char p[128];
    FILE *f;
    snprintf(p, sizeof p, "%s/yixiang/yx.conf", tmpdir);
    f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static void test_parse_forms(void **state)
{
    struct yx_opts o;
    char err[256];
    (void)state;
    assert_int_equal(parse(&o, err, sizeof err, 4, "--server", "http://h:1", "--user=li"), 0);
    assert_string_equal(o.server, "http://h:1");
    assert_string_equal(o.user, "li");
    assert_int_equal(o.demo, 0);
    assert_int_equal(parse(&o, err, sizeof err, 4, "--demo", "--role", "auditor"), 0);
    assert_int_equal(o.demo, 1);
    assert_string_equal(o.role, "auditor");
    assert_string_equal(o.server, "");
    assert_int_equal(parse(&o, err, sizeof err, 2, "--help"), 0);
    assert_true(o.help);
    assert_int_equal(parse(&o, err, sizeof err, 2, "--version"), 0);
    assert_true(o.version);
}

static void test_parse_bad_usage(void **state)
{
    struct yx_opts o;
    char err[256];
    (void)state;
    assert_int_equal(parse(&o, err, sizeof err, 2, "--bogus"), YX_EXIT_USAGE);
    assert_non_null(strstr(err, "--bogus"));
    assert_int_equal(parse(&o, err, sizeof err, 2, "--server"), YX_EXIT_USAGE);
    assert_non_null(strstr(err, "--server needs a value"));
    assert_int_equal(parse(&o, err, sizeof err, 2, "--user="), YX_EXIT_USAGE);
    assert_int_equal(parse(&o, err, sizeof err, 2, "stray"), YX_EXIT_USAGE);
    assert_non_null(strstr(err, "argument 'stray'"));
    assert_int_equal(parse(&o, err, sizeof err, 4, "--demo", "--server", "http://h:1"), YX_EXIT_USAGE);
}

static void test_config_fills_unset(void **state)
{
    struct yx_opts o;
    char err[256];
    const char *p = write_conf("# yx settings\nserver = http://conf:9\n  user=wang  # me\n"
                               "theme = light\n\nrole = risk\n");
    (void)state;
    assert_int_equal(parse(&o, err, sizeof err, 5, "--config", p, "--user", "li"), 0);
    assert_int_equal(yx_opts_config(&o, err, sizeof err), 0);
    assert_string_equal(o.server, "http://conf:9");
    assert_string_equal(o.user, "li");         /* the command line wins */
    assert_string_equal(o.theme, "light");
    assert_string_equal(o.role, "risk");
    /* Without --config the default file is read when it exists
     * (the same path here: $XDG_CONFIG_HOME/yixiang/yx.conf)... */
    assert_int_equal(parse(&o, err, sizeof err, 1), 0);
    assert_int_equal(yx_opts_config(&o, err, sizeof err), 0);
    assert_string_equal(o.user, "wang");
    /* ...and without it and without --server there is nothing to log in to. */
    unlink(p);
    assert_int_equal(parse(&o, err, sizeof err, 1), 0);
    assert_int_equal(yx_opts_config(&o, err, sizeof err), YX_EXIT_USAGE);
    assert_non_null(strstr(err, "--server"));
}

static void test_config_errors(void **state)
{
    struct yx_opts o;
    char err[256], want[160];
    const char *p;
    (void)state;
    p = write_conf("server = http://x:1\ncolour = red\n");
    assert_int_equal(parse(&o, err, sizeof err, 3, "--config", p), 0);
    assert_int_equal(yx_opts_config(&o, err, sizeof err), YX_EXIT_USAGE);
    snprintf(want, sizeof want, "%s:2:", p);
    assert_non_null(strstr(err, want));
    assert_non_null(strstr(err, "colour"));

    p = write_conf("just words\n");
    assert_int_equal(parse(&o, err, sizeof err, 3, "--config", p), 0);
    assert_int_equal(yx_opts_config(&o, err, sizeof err), YX_EXIT_USAGE);
    assert_non_null(strstr(err, ":1: expected"));

    assert_int_equal(parse(&o, err, sizeof err, 3, "--config", "/nonexistent/yx.conf"), 0);
    assert_int_equal(yx_opts_config(&o, err, sizeof err), YX_EXIT_FAIL);
    assert_non_null(strstr(err, "/nonexistent/yx.conf"));

    p = write_conf("server = http://x:1\n");
    assert_int_equal(parse(&o, err, sizeof err, 5, "--config", p, "--role", "boss"), 0);
    assert_int_equal(yx_opts_config(&o, err, sizeof err), YX_EXIT_USAGE);
    assert_non_null(strstr(err, "boss"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_forms),
        cmocka_unit_test(test_parse_bad_usage),
        cmocka_unit_test(test_config_fills_unset),
        cmocka_unit_test(test_config_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
