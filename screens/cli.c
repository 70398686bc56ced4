/* Parsing the yx command line and reading its configuration file (see
 * cli.h). Kept apart from main() so the rules are one small unit. */
#include "screens/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/domain.h"
#include "core/util.h"

const char yx_usage_text[] =
    "usage: yx [--server URL] [--user NAME] [--role ROLE] [--config FILE] [--demo]\n"
    "\n"
    "The Yixiang console: the application queue and its details, synced from\n"
    "yxd into a local cache of masked data.\n"
    "\n"
    "  --server URL    yxd to log in to (http://HOST:PORT)\n"
    "  --user NAME     user to log in as (default: $USER)\n"
    "  --role ROLE     expected role (officer, risk, auditor, support, admin);\n"
    "                  with --demo, log in as that demo user\n"
    "  --config FILE   settings (server, user, role, theme as 'key = value');\n"
    "                  default $XDG_CONFIG_HOME/yixiang/yx.conf when it exists\n"
    "  --demo          start a private yxd with a demo database under\n"
    "                  $XDG_STATE_HOME/yixiang/ and log in as the demo officer\n"
    "  --help, --version\n"
    "\n"
    "The password is read from the terminal with echo off, or from YX_PASSWORD;\n"
    "when the server ends the session, yx asks for it again (or uses YX_PASSWORD).\n"
    "Exit status: 0 ok, 1 failure (such as an unreachable server), 2 bad usage.\n";

static int set(char *dst, size_t n, const char *opt, const char *v, char *err, size_t en)
{
    if (!v || !*v) {
        snprintf(err, en, "%s needs a value (try yx --help)", opt);
        return YX_EXIT_USAGE;
    }
    if (yx_strlcpy(dst, v, n) >= n) {
        snprintf(err, en, "%s value is too long", opt);
        return YX_EXIT_USAGE;
    }
    return 0;
}

int yx_opts_parse(struct yx_opts *o, int argc, char **argv, char *err, size_t n)
{
    static const struct { const char *name; size_t off, size; } valued[] = {
        { "--server", offsetof(struct yx_opts, server), sizeof ((struct yx_opts *)0)->server },
        { "--user", offsetof(struct yx_opts, user), sizeof ((struct yx_opts *)0)->user },
        { "--role", offsetof(struct yx_opts, role), sizeof ((struct yx_opts *)0)->role },
        { "--config", offsetof(struct yx_opts, config), sizeof ((struct yx_opts *)0)->config },
    };
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        int known = 0, rc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { o->help = 1; continue; }
        if (!strcmp(a, "--version")) { o->version = 1; continue; }
        if (!strcmp(a, "--demo")) { o->demo = 1; continue; }
        for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++) {
            const char *v;
            if (strlen(valued[k].name) != len || strncmp(a, valued[k].name, len)) continue;
            v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if ((rc = set((char *)o + valued[k].off, valued[k].size, valued[k].name, v, err, n)))
                return rc;
            known = 1;
        }
        if (!known) {
            snprintf(err, n, "unknown %s '%s' (try yx --help)", a[0] == '-' ? "option" : "argument", a);
            return YX_EXIT_USAGE;
        }
    }
    if (o->demo && o->server[0]) {
        snprintf(err, n, "--demo starts its own server; leave out --server");
        return YX_EXIT_USAGE;
    }
    return 0;
}

static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t') s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) *--e = '\0';
    return s;
}

static int read_config(struct yx_opts *o, const char *path, char *err, size_t n)
{
    struct { const char *key; char *dst; size_t size; } keys[] = {
        { "server", o->server, sizeof o->server }, { "user", o->user, sizeof o->user },
        { "role", o->role, sizeof o->role }, { "theme", o->theme, sizeof o->theme },
    };
    char line[1200];
    int lineno = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, n, "cannot read %s: %s", path, strerror(errno));
        return YX_EXIT_FAIL;
    }
    while (fgets(line, sizeof line, f)) {
        char *hash = strchr(line, '#'), *k, *eq;
        size_t i, nk = sizeof keys / sizeof keys[0];
        lineno++;
        if (hash) *hash = '\0';
        k = trim(line);
        if (!*k) continue;
        if (!(eq = strchr(k, '='))) {
            snprintf(err, n, "%s:%d: expected 'key = value'", path, lineno);
            fclose(f);
            return YX_EXIT_USAGE;
        }
        *eq = '\0';
        k = trim(k);
        for (i = 0; i < nk && strcmp(keys[i].key, k); i++) { }
        if (i == nk) {
            snprintf(err, n, "%s:%d: unknown setting '%s' (server, user, role, theme)", path, lineno, k);
            fclose(f);
            return YX_EXIT_USAGE;
        }
        /* The command line already set it: that wins. */
        if (!keys[i].dst[0] && yx_strlcpy(keys[i].dst, trim(eq + 1), keys[i].size) >= keys[i].size) {
            snprintf(err, n, "%s:%d: value of %s is too long", path, lineno, k);
            fclose(f);
            return YX_EXIT_USAGE;
        }
    }
    fclose(f);
    return 0;
}

int yx_opts_config(struct yx_opts *o, char *err, size_t n)
{
    user_role r;
    int rc = 0;
    if (o->config[0]) {
        rc = read_config(o, o->config, err, n);
    } else {
        const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        char path[1100];
        if (xdg && *xdg) snprintf(path, sizeof path, "%s/yixiang/yx.conf", xdg);
        else snprintf(path, sizeof path, "%s/.config/yixiang/yx.conf", home ? home : ".");
        if (access(path, F_OK) == 0) rc = read_config(o, path, err, n);
    }
    if (rc) return rc;
    if (o->role[0] && role_parse(o->role, &r)) {
        snprintf(err, n, "unknown role '%s' (officer, risk, auditor, support, admin)", o->role);
        return YX_EXIT_USAGE;
    }
    if (!o->demo && !o->server[0]) {
        snprintf(err, n, "no server: give --server URL, or try --demo (yx --help)");
        return YX_EXIT_USAGE;
    }
    return 0;
}
