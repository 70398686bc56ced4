/* yxd: the Yixiang backend daemon and its admin subcommands.
 * Each subcommand lives in its own backend/cmd_*.c and is listed here once. */
#include <stdio.h>
#include <string.h>

#include "backend/cmd.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);   /* argv[0] is the subcommand */
    const char *usage;
} commands[] = {
    YXD_COMMANDS
};

static void usage(FILE *f)
{
    fprintf(f, "usage: yxd COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  yxd %s\n", commands[i].usage);
    fprintf(f, "\n  yxd --help | --version\nSee yxd(8).\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("yxd %s\n", YX_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "yxd: unknown command '%s' (try yxd --help)\n", argv[1]);
    return 2;
}
