/* The change feed table; see changes.h. */
#include "core/changes.h"

#include <string.h>

#include "core/util.h"

int64_t changes_append(store *s, const char *kind, int64_t record_id, int64_t version)
{
    sqlite3_stmt *st = store_stmt(s, "INSERT INTO changes (at, kind, record_id, version) VALUES (?, ?, ?, ?)");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, store_now_ms());
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, record_id);
    sqlite3_bind_int64(st, 4, version);
    if (sqlite3_step(st) != SQLITE_DONE) {
        sqlite3_reset(st);
        return store_fail(s, "change feed: %s", sqlite3_errmsg(store_db(s)));
    }
    sqlite3_reset(st);
    return sqlite3_last_insert_rowid(store_db(s));
}

int changes_list(store *s, int64_t since, int64_t upto, int max, change_row *rows, int *n)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT seq, at, kind, record_id, version FROM changes "
                                     "WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?");
    int rc;
    *n = 0;
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, since);
    sqlite3_bind_int64(st, 2, upto);
    sqlite3_bind_int(st, 3, max);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
        change_row *c = &rows[(*n)++];
        c->seq = sqlite3_column_int64(st, 0);
        c->at = sqlite3_column_int64(st, 1);
        yx_strlcpy(c->kind, (const char *)sqlite3_column_text(st, 2), sizeof c->kind);
        c->record_id = sqlite3_column_int64(st, 3);
        c->version = sqlite3_column_int64(st, 4);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, "change feed: %s", sqlite3_errmsg(store_db(s)));
    return 0;
}

int64_t changes_last(store *s)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT coalesce(max(seq), 0) FROM changes");
    int64_t v = -1;
    if (!st) return -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return v;
}
