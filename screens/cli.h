/* The yx command line and its configuration file.
 *
 *     yx [--server URL] [--user NAME] [--role ROLE] [--config FILE] [--demo]
 *
 * The file (--config FILE, else $XDG_CONFIG_HOME/yixiang/yx.conf when it
 * exists) holds "key = value" lines for server, user, role and theme; '#'
 * starts a comment. The command line wins over the file. */
#ifndef YX_SCREENS_CLI_H
#define YX_SCREENS_CLI_H

#include <stddef.h>

struct yx_opts {
    char server[512];
    char user[64];
    char role[16];
    char theme[32];
    char config[1024];
    int  demo;
    int  help;
    int  version;
};

/* Exit codes, as every Yixiang program uses them. */
enum { YX_EXIT_OK = 0, YX_EXIT_FAIL = 1, YX_EXIT_USAGE = 2 };

extern const char yx_usage_text[];

/* Parses argv into o (zeroed first). 0, or YX_EXIT_USAGE with one line in
 * err saying what is wrong. */
int yx_opts_parse(struct yx_opts *o, int argc, char **argv, char *err, size_t n);

/* Fills the fields o does not set yet from the configuration file: o->config
 * when given (then it must exist), else the default path when it exists.
 * 0, YX_EXIT_FAIL (unreadable) or YX_EXIT_USAGE (a bad line: FILE:LINE in
 * err). Also checks the role name and that a server or --demo is given. */
int yx_opts_config(struct yx_opts *o, char *err, size_t n);

#endif
