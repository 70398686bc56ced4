/* Shared by the operator subcommands; see admin.h. */
#include "backend/admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/audit.h"

int admin_usage(const char *cmd, const char *msg)
{
    fprintf(stderr, "yxd %s: %s (try yxd %s --help)\n", cmd, msg, cmd);
    return 2;
}

store *admin_open(const char *cmd, const char *db_path)
{
    store *s = NULL;
    char err[512];
    if (access(db_path, F_OK)) {
        fprintf(stderr, "yxd %s: database %s does not exist (create it with: yxd init --db %s)\n",
                cmd, db_path, db_path);
        return NULL;
    }
    if (store_open(&s, db_path, 0, err, sizeof err)) {
        fprintf(stderr, "yxd %s: %s\n", cmd, err);
        return NULL;
    }
    if (store_migrate(s)) {
        fprintf(stderr, "yxd %s: cannot migrate %s: %s\n", cmd, db_path, store_errmsg(s));
        store_close(s);
        return NULL;
    }
    return s;
}

int admin_audit(store *s, const char *action, const char *record, const char *detail)
{
    const char *who = getenv("USER");
    audit_event e = { who && *who ? who : "operator", "operator", action, record, "cli", detail };
    return audit_append(s, &e) < 0 ? -1 : 0;
}

int admin_read_password(const char *prompt, char *buf, size_t n)
{
    struct termios old, quiet;
    int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    size_t len;
    char *ok;
    if (tty) {
        fputs(prompt, stderr);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    ok = fgets(buf, (int)n, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!ok) return -1;
    len = strlen(buf);
    if (len && buf[len - 1] == '\n') buf[--len] = '\0';
    else if (len == n - 1) return -1;   /* longer than the buffer */
    if (len && buf[len - 1] == '\r') buf[--len] = '\0';
    return len ? 0 : -1;
}
