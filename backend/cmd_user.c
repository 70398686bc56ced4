/* yxd user add|disable|enable|reset: staff accounts. Passwords come from
 * stdin (never the command line, where ps would show them). A reset also
 * clears a lockout and ends the user's sessions; disabling ends them too.
 * Every change is audited as the operator's. */
#include <stdio.h>
#include <string.h>

#include "backend/admin.h"
#include "backend/cmd.h"
#include "core/store_user.h"

static const char usage_text[] =
    "usage: yxd user add NAME --role ROLE --db FILE   (password read from stdin)\n"
    "       yxd user reset NAME --db FILE             (new password from stdin)\n"
    "       yxd user disable NAME --db FILE\n"
    "       yxd user enable NAME --db FILE\n"
    "roles: officer, risk, auditor, support, admin\n";

static int exec1(store *s, const char *sql, const char *name, const char *text)
{
    sqlite3_stmt *st = store_stmt(s, sql);
    int rc;
    if (!st) return -1;
    if (text) {
        sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    } else {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    }
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return store_fail(s, "%s", sqlite3_errmsg(store_db(s)));
    return sqlite3_changes(store_db(s));
}

static int end_sessions(store *s, const char *name)
{
    return exec1(s, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)", name, NULL);
}

/* Runs one change in a transaction with its audit entry. */
static int change(store *s, const char *verb, const char *name, const char *pw)
{
    char record[64], hash[256];
    int n;
    snprintf(record, sizeof record, "user:%s", name);
    if (store_begin(s)) return -1;
    if (!strcmp(verb, "disable") || !strcmp(verb, "enable")) {
        n = exec1(s, !strcmp(verb, "disable") ? "UPDATE users SET disabled = 1 WHERE name = ?"
                                             : "UPDATE users SET disabled = 0 WHERE name = ?", name, NULL);
        if (n > 0 && !strcmp(verb, "disable") && end_sessions(s, name) < 0) n = -1;
    } else {
        if (store_password_hash(pw, hash, sizeof hash)) { store_rollback(s); return store_fail(s, "out of memory"); }
        n = exec1(s, "UPDATE users SET pw_hash = ?, failed_logins = 0, locked_until = 0 WHERE name = ?", name, hash);
        if (n > 0 && end_sessions(s, name) < 0) n = -1;
    }
    if (n > 0 && admin_audit(s, !strcmp(verb, "reset") ? "user.reset" :
                                !strcmp(verb, "disable") ? "user.disable" : "user.enable", record, NULL)) n = -1;
    if (n <= 0) { store_rollback(s); return n; }
    return store_commit(s) ? -1 : 1;
}

int cmd_user(int argc, char **argv)
{
    const char *verb = argc > 1 ? argv[1] : NULL, *name = NULL, *db = NULL, *role_s = NULL;
    char pw[1024], detail[64];
    user_role role = ROLE_OFFICER;
    store *s;
    int rc = 1;
    if (verb && (!strcmp(verb, "--help") || !strcmp(verb, "-h"))) { fputs(usage_text, stdout); return 0; }
    if (!verb || (strcmp(verb, "add") && strcmp(verb, "reset") && strcmp(verb, "disable") && strcmp(verb, "enable")))
        return admin_usage("user", "expected add, reset, disable or enable");
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc) db = argv[++i];
        else if (!strcmp(argv[i], "--role") && i + 1 < argc) role_s = argv[++i];
        else if (argv[i][0] != '-' && !name) name = argv[i];
        else return admin_usage("user", "unknown option or missing value");
    }
    if (!name || !db) return admin_usage("user", "NAME and --db FILE are required");
    if (!strcmp(verb, "add")) {
        if (!role_s) return admin_usage("user", "--role ROLE is required for add");
        if (role_parse(role_s, &role)) return admin_usage("user", "unknown role (officer, risk, auditor, support, admin)");
    } else if (role_s) {
        return admin_usage("user", "--role only goes with add");
    }
    if (!strcmp(verb, "add") || !strcmp(verb, "reset")) {
        if (admin_read_password("password: ", pw, sizeof pw)) {
            fprintf(stderr, "yxd user: no password on stdin (send one line)\n");
            return 2;
        }
    }
    if (!(s = admin_open("user", db))) return 1;
    if (!strcmp(verb, "add")) {
        char record[64];
        int64_t id;
        int r;
        snprintf(record, sizeof record, "user:%s", name);
        snprintf(detail, sizeof detail, "role=%s", role_name(role));
        if (store_begin(s)) goto out;
        r = store_user_add(s, name, role, pw, &id);
        if (r == 1) {
            store_rollback(s);
            fprintf(stderr, "yxd user: a user named %s already exists\n", name);
            goto out;
        }
        if (r < 0 || admin_audit(s, "user.add", record, detail) || store_commit(s)) {
            store_rollback(s);
            fprintf(stderr, "yxd user: cannot add %s: %s\n", name, store_errmsg(s));
            goto out;
        }
        printf("added %s (%s)\n", name, role_name(role));
        rc = 0;
    } else {
        int r = change(s, verb, name, pw);
        if (r == 0) fprintf(stderr, "yxd user: no user named %s\n", name);
        else if (r < 0) fprintf(stderr, "yxd user: cannot %s %s: %s\n", verb, name, store_errmsg(s));
        else {
            printf("%s %s\n", !strcmp(verb, "reset") ? "reset" : !strcmp(verb, "disable") ? "disabled" : "enabled", name);
            rc = 0;
        }
    }
out:
    memset(pw, 0, sizeof pw);
    store_close(s);
    return rc;
}
