/* yxd channel add|revoke|list: the keys partner systems use for intake.
 * The key is printed once, on add, and only its SHA-256 is stored; a lost
 * key is replaced by revoking the channel and adding a new one. */
#include <stdio.h>
#include <string.h>

#include "backend/admin.h"
#include "backend/cmd.h"
#include "core/auth.h"

static const char usage_text[] =
    "usage: yxd channel add NAME --kind api|semi_api|h5|own --db FILE   (prints the key once)\n"
    "       yxd channel revoke NAME --db FILE\n"
    "       yxd channel list --db FILE\n";

static int list(store *s)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT name, kind, revoked, created_at FROM channels ORDER BY name");
    if (!st) return -1;
    printf("%-24s %-9s %s\n", "NAME", "KIND", "STATE");
    while (sqlite3_step(st) == SQLITE_ROW)
        printf("%-24s %-9s %s\n", (const char *)sqlite3_column_text(st, 0),
               (const char *)sqlite3_column_text(st, 1), sqlite3_column_int(st, 2) ? "revoked" : "active");
    sqlite3_reset(st);
    return 0;
}

int cmd_channel(int argc, char **argv)
{
    const char *verb = argc > 1 ? argv[1] : NULL, *name = NULL, *db = NULL, *kind_s = NULL;
    char key[AUTH_TOKEN_LEN + 1], record[80];
    channel_kind kind = CH_API;
    store *s;
    int rc = 1;
    if (verb && (!strcmp(verb, "--help") || !strcmp(verb, "-h"))) { fputs(usage_text, stdout); return 0; }
    if (!verb || (strcmp(verb, "add") && strcmp(verb, "revoke") && strcmp(verb, "list")))
        return admin_usage("channel", "expected add, revoke or list");
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc) db = argv[++i];
        else if (!strcmp(argv[i], "--kind") && i + 1 < argc) kind_s = argv[++i];
        else if (argv[i][0] != '-' && !name) name = argv[i];
        else return admin_usage("channel", "unknown option or missing value");
    }
    if (!db) return admin_usage("channel", "--db FILE is required");
    if (strcmp(verb, "list") && !name) return admin_usage("channel", "NAME is required");
    if (!strcmp(verb, "add")) {
        if (!kind_s || channel_kind_parse(kind_s, &kind)) return admin_usage("channel", "--kind must be api, semi_api, h5 or own");
        if (strlen(name) > 47) return admin_usage("channel", "NAME is at most 47 bytes");
    } else if (kind_s) {
        return admin_usage("channel", "--kind only goes with add");
    }
    if (!(s = admin_open("channel", db))) return 1;
    if (!strcmp(verb, "list")) {
        rc = list(s) ? 1 : 0;
        if (rc) fprintf(stderr, "yxd channel: %s\n", store_errmsg(s));
        store_close(s);
        return rc;
    }
    snprintf(record, sizeof record, "channel:%s", name);
    if (store_begin(s)) goto fail;
    if (!strcmp(verb, "add")) {
        int64_t id;
        sqlite3_stmt *st = store_stmt(s, "SELECT 1 FROM channels WHERE name = ?");
        int exists;
        if (!st) goto fail;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        exists = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
        if (exists) {
            store_rollback(s);
            fprintf(stderr, "yxd channel: a channel named %s already exists\n", name);
            store_close(s);
            return 1;
        }
        if (auth_channel_add(s, name, kind, key, &id) || admin_audit(s, "channel.add", record, kind_s) ||
            store_commit(s))
            goto fail;
        printf("%s\n", key);
        fprintf(stderr, "channel %s (%s) added; the key above is shown only now\n", name, kind_s);
        memset(key, 0, sizeof key);
        rc = 0;
    } else {
        int r = auth_channel_revoke(s, name);
        if (r == 1) {
            store_rollback(s);
            fprintf(stderr, "yxd channel: no channel named %s\n", name);
            store_close(s);
            return 1;
        }
        if (r < 0 || admin_audit(s, "channel.revoke", record, NULL) || store_commit(s)) goto fail;
        printf("revoked %s\n", name);
        rc = 0;
    }
    store_close(s);
    return rc;
fail:
    fprintf(stderr, "yxd channel: cannot %s %s: %s\n", verb, name, store_errmsg(s));
    store_rollback(s);
    store_close(s);
    return 1;
}
