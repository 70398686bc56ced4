/* The permission table in README.md ("Permissions and the three lines of
 * defense") is the one core/policy.c decides by: its lines, from the
 * header "| permission | officer |..." to the first blank line, are
 * exactly the lines policy_table_markdown() prints (what `yxd policy`
 * shows), the same rows in the same order with the same cells.
 * README.md is read from the repository root: $YX_DATADIR/../README.md
 * when YX_DATADIR (the assets directory) is set, else ./README.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"

/* The next line of *p (without its newline) into out; NULL at the end. */
static const char *next_line(const char **p, char *out, size_t n)
{
    size_t len;
    if (!**p) return NULL;
    len = strcspn(*p, "\n");
    if (len >= n) fail_msg("line longer than %zu bytes", n);
    memcpy(out, *p, len);
    out[len] = '\0';
    if (len && out[len - 1] == '\r') out[len - 1] = '\0';
    *p += len + ((*p)[len] == '\n');
    return out;
}

static char *read_readme(char *path, size_t n)
{
    const char *dir = getenv("YX_DATADIR");
    FILE *fp;
    long len;
    char *buf;
    snprintf(path, n, "%s%s", dir && *dir ? dir : ".", dir && *dir ? "/../README.md" : "/README.md");
    fp = fopen(path, "rb");
    if (!fp) fail_msg("cannot open %s (run from the repository root or set YX_DATADIR)", path);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    len = ftell(fp);
    assert_true(len > 0);
    rewind(fp);
    buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
    buf[len] = '\0';
    fclose(fp);
    return buf;
}

static void test_readme_table_is_the_policy(void **state)
{
    char path[512], md[4096], want[256], got[1024];
    char *readme;
    const char *p, *g;
    int rows = 0, found = 0;
    (void)state;
    readme = read_readme(path, sizeof path);
    policy_table_markdown(md, sizeof md);
    assert_int_equal(strncmp(md, "| permission | officer |", 24), 0);
    /* the table starts at the header line */
    for (p = readme; next_line(&p, got, sizeof got);)
        if (!strncmp(got, "| permission | officer |", 24)) {
            found = 1;
            break;
        }
    if (!found) fail_msg("%s has no line starting \"| permission | officer |\"", path);
    /* line by line against the generated table */
    g = md;
    next_line(&g, want, sizeof want);
    for (;;) {
        assert_string_equal(got, want);
        rows++;
        if (!next_line(&g, want, sizeof want)) break;
        if (!next_line(&p, got, sizeof got) || !got[0])
            fail_msg("%s: the table ends after %d lines; core/policy has \"%s\" next", path, rows, want);
    }
    /* and then it ends: a blank line (or the end of the file) follows */
    if (next_line(&p, got, sizeof got) && got[0])
        fail_msg("%s: the table goes on after core/policy's %d lines with \"%s\"", path, rows, got);
    assert_true(rows >= 3);   /* header, rule and at least one permission */
    free(readme);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readme_table_is_the_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
