/* Runs a yxd subcommand in-process with its standard output and error
 * captured into malloc'd strings, for tests of the command lines. */
#ifndef YX_TEST_CLI_CAPTURE_H
#define YX_TEST_CLI_CAPTURE_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "tests/common/tmpdir.h"

typedef struct {
    int   rc;
    char *out, *err;   /* owned; free with cli_done */
} cli_result;

static char *cli_slurp(int fd)
{
    off_t len = lseek(fd, 0, SEEK_END);
    char *s = malloc((size_t)len + 1);
    if (!s) return NULL;
    ssize_t got = pread(fd, s, (size_t)len, 0);
    s[got > 0 ? got : 0] = '\0';
    close(fd);
    return s;
}

/* argv is NULL-terminated; argv[0] is the subcommand name. The command
 * gets its own copies of the arguments. */
static cli_result cli_run(int (*cmd)(int, char **), const char *const *argv)
{
    char *args[32];
    int argc = 0;
    for (; argv[argc] && argc < 31; argc++) args[argc] = strdup(argv[argc]);
    args[argc] = NULL;
    char out_path[256], err_path[256];
    int out = yx_test_mkstemp(out_path, sizeof out_path, "yx-cli-out"),
        err = yx_test_mkstemp(err_path, sizeof err_path, "yx-cli-err");
    unlink(out_path);
    unlink(err_path);
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2);
    dup2(out, 1);
    dup2(err, 2);
    cli_result r;
    r.rc = cmd(argc, args);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    r.out = cli_slurp(out);
    r.err = cli_slurp(err);
    for (int i = 0; i < argc; i++) free(args[i]);
    return r;
}

static void cli_done(cli_result *r)
{
    free(r->out);
    free(r->err);
}

#endif
