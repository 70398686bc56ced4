/* Opening, configuring and migrating the store, plus the statement cache
 * every query module uses. */
#include "core/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STMT_CACHE 128

struct store {
    sqlite3 *db;
    char err[256];
    int nstmt;
    struct { const char *sql; sqlite3_stmt *st; } cache[STMT_CACHE];
};

int store_fail(store *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    return -1;
}

const char *store_errmsg(const store *s) { return s->err; }
sqlite3 *store_db(store *s) { return s->db; }

int64_t store_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int exec(store *s, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        store_fail(s, "%s", msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int store_open(store **out, const char *path, int flags, char *err, size_t errlen)
{
    store *s = calloc(1, sizeof *s);
    int oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    *out = NULL;
    if (!s) { snprintf(err, errlen, "out of memory"); return -1; }
    if (flags & STORE_CREATE) oflags |= SQLITE_OPEN_CREATE;
    oflags |= SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open database %s: %s", path,
                 s->db ? sqlite3_errmsg(s->db) : "out of memory");
        sqlite3_close(s->db);
        free(s);
        return -1;
    }
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_extended_result_codes(s->db, 1);
    if (exec(s, "PRAGMA foreign_keys=ON") ||
        (!(flags & STORE_READONLY) && exec(s, "PRAGMA journal_mode=WAL")) ||
        exec(s, (flags & STORE_NOSYNC) ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL")) {
        snprintf(err, errlen, "cannot configure database %s: %s", path, s->err);
        store_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

void store_close(store *s)
{
    if (!s) return;
    for (int i = 0; i < s->nstmt; i++) sqlite3_finalize(s->cache[i].st);
    sqlite3_close(s->db);
    free(s);
}

sqlite3_stmt *store_stmt(store *s, const char *sql)
{
    for (int i = 0; i < s->nstmt; i++) {
        /* Callers pass string literals, so pointer equality is the fast path. */
        if (s->cache[i].sql == sql || strcmp(s->cache[i].sql, sql) == 0) {
            sqlite3_reset(s->cache[i].st);
            sqlite3_clear_bindings(s->cache[i].st);
            return s->cache[i].st;
        }
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        store_fail(s, "prepare: %s", sqlite3_errmsg(s->db));
        return NULL;
    }
    if (s->nstmt < STMT_CACHE) {
        s->cache[s->nstmt].sql = sql;
        s->cache[s->nstmt].st = st;
        s->nstmt++;
    } else {
        /* Cache full: evict the oldest entry; callers never hold two at once
         * from a full cache long enough for this to matter. */
        sqlite3_finalize(s->cache[0].st);
        memmove(&s->cache[0], &s->cache[1], sizeof s->cache[0] * (STMT_CACHE - 1));
        s->cache[STMT_CACHE - 1].sql = sql;
        s->cache[STMT_CACHE - 1].st = st;
    }
    return st;
}

int store_row(store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) return 0;
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return 1;
    return store_fail(s, "cannot %s: %s", what, sqlite3_errmsg(s->db));
}

int store_begin(store *s) { return exec(s, "BEGIN IMMEDIATE"); }
int store_commit(store *s) { return exec(s, "COMMIT"); }
void store_rollback(store *s)
{
    if (!sqlite3_get_autocommit(s->db)) exec(s, "ROLLBACK");
}

int store_version(store *s)
{
    sqlite3_stmt *st = store_stmt(s, "PRAGMA user_version");
    int v = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    if (st) sqlite3_reset(st);
    return v;
}

int store_migrate(store *s)
{
    int have = store_version(s), want = store_schema_count();
    if (have < 0) return -1;
    if (have > want)
        return store_fail(s, "database schema version %d is newer than this program (%d)", have, want);
    for (int v = have; v < want; v++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version=%d", v + 1);
        if (store_begin(s)) return -1;
        if (exec(s, store_schema_step(v)) || exec(s, bump)) {
            char why[256];
            snprintf(why, sizeof why, "%s", s->err);
            store_rollback(s);
            return store_fail(s, "migration to version %d failed: %s", v + 1, why);
        }
        if (store_commit(s)) { store_rollback(s); return -1; }
    }
    return 0;
}
