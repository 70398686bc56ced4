/* Making and removing a test's temp directory (see tmpdir.h). */
#include "tests/common/tmpdir.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}

int yx_test_rmtree(const char *dir)
{
    struct stat st;
    if (!dir || !dir[0] || (lstat(dir, &st) && errno == ENOENT)) return 0;
    return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) ? -1 : 0;
}

/* $TMPDIR/NAME-XXXXXX into buf: 0, or -1 when it does not fit. */
static int template_path(char *buf, size_t n, const char *name)
{
    const char *base = getenv("TMPDIR");
    int len;
    if (!base || !base[0]) base = "/tmp";
    len = snprintf(buf, n, "%s/%s-XXXXXX", base, name);
    return len < 0 || (size_t)len >= n ? -1 : 0;
}

char *yx_test_mkdtemp(char *buf, size_t n, const char *name)
{
    return template_path(buf, n, name) ? NULL : mkdtemp(buf);
}

int yx_test_mkstemp(char *buf, size_t n, const char *name)
{
    return template_path(buf, n, name) ? -1 : mkstemp(buf);
}
