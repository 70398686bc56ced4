/* Keyset pages, counts and ranks over the console's cache under any
 * combination of filters. The SQL depends on which filters are in use, so
 * each (operation, combination) is prepared once on first use and kept. */
#include "core/cache_int.h"

#include <stdio.h>
#include <string.h>

#include "core/util.h"

static int filter_mask(const cache_filter *f)
{
    int m = 0;
    if (!f) return 0;
    if (f->status && *f->status) m |= CF_STATUS;
    if (f->channel && *f->channel) m |= CF_CHANNEL;
    if (f->grade && *f->grade) m |= CF_GRADE;
    if (f->text && *f->text) m |= CF_TEXT;
    return m;
}

/* The statement for op under filter mask m, prepared on first use.
 * Parameters: ?1 created_at and ?2 id of the key, ?3 limit, ?4 status,
 * ?5 channel, ?6 grade, ?7 lower-cased text. */
static sqlite3_stmt *list_stmt(cache *c, int op, int m)
{
    char sql[640];
    const char *sel, *key = "", *tail;
    size_t len;
    if (c->list[op][m]) {
        sqlite3_reset(c->list[op][m]);
        sqlite3_clear_bindings(c->list[op][m]);
        return c->list[op][m];
    }
    sel = op == CQ_COUNT || op == CQ_RANK ? "SELECT count(*) FROM app WHERE 1" : "SELECT " CACHE_COLS " FROM app WHERE 1";
    tail = "";
    switch (op) {
    case CQ_OLDER:  key = " AND (created_at, id) < (?1, ?2)"; break;
    case CQ_FROM:   key = " AND (created_at, id) <= (?1, ?2)"; break;
    case CQ_NEWER:  key = " AND (created_at, id) > (?1, ?2)"; break;
    case CQ_RANK:   key = " AND (created_at, id) > (?1, ?2)"; break;
    default: break;
    }
    if (op == CQ_NEWER || op == CQ_BOTTOM) tail = " ORDER BY created_at, id LIMIT ?3";
    else if (op != CQ_COUNT && op != CQ_RANK) tail = " ORDER BY created_at DESC, id DESC LIMIT ?3";
    len = (size_t)snprintf(sql, sizeof sql, "%s%s%s%s%s%s%s", sel, key,
                           m & CF_STATUS ? " AND status = ?4" : "",
                           m & CF_CHANNEL ? " AND channel = ?5" : "",
                           m & CF_GRADE ? " AND grade = ?6" : "",
                           m & CF_TEXT ? " AND instr(search, ?7) > 0" : "", tail);
    if (len >= sizeof sql ||
        sqlite3_prepare_v2(store_db(c->st), sql, -1, &c->list[op][m], NULL) != SQLITE_OK) {
        cache__fail(c, "prepare list");
        return NULL;
    }
    return c->list[op][m];
}

static void bind_filter(sqlite3_stmt *st, const cache_filter *f, int m, char *lower, size_t n)
{
    if (m & CF_STATUS) sqlite3_bind_text(st, 4, f->status, -1, SQLITE_STATIC);
    if (m & CF_CHANNEL) sqlite3_bind_text(st, 5, f->channel, -1, SQLITE_STATIC);
    if (m & CF_GRADE) sqlite3_bind_text(st, 6, f->grade, -1, SQLITE_STATIC);
    if (m & CF_TEXT) {
        yx_strlcpy(lower, f->text, n);
        cache__ascii_lower(lower);
        sqlite3_bind_text(st, 7, lower, -1, SQLITE_STATIC);
    }
}

int cache_page(cache *c, const cache_filter *f, const app_cursor *key, int dir,
               app_row *rows, int max, int *n)
{
    int m = filter_mask(f), op, rc;
    char lower[256];
    sqlite3_stmt *st;
    *n = 0;
    if (max <= 0) return 0;
    if (key) op = dir < 0 ? CQ_NEWER : dir == 0 ? CQ_FROM : CQ_OLDER;
    else op = dir < 0 ? CQ_BOTTOM : CQ_TOP;
    if (!(st = list_stmt(c, op, m))) return -1;
    if (key) {
        sqlite3_bind_int64(st, 1, key->created_at);
        sqlite3_bind_int64(st, 2, key->id);
    }
    sqlite3_bind_int(st, 3, max);
    bind_filter(st, f, m, lower, sizeof lower);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cache__row_read(st, &rows[*n])) {
            sqlite3_reset(st);
            snprintf(c->err, sizeof c->err, "cache: a stored row is damaged");
            return -1;
        }
        (*n)++;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : cache__fail(c, "reading a page");
}

static long count_op(cache *c, int op, const cache_filter *f, const app_cursor *key)
{
    int m = filter_mask(f);
    char lower[256];
    long v = -1;
    sqlite3_stmt *st = list_stmt(c, op, m);
    if (!st) return -1;
    if (key) {
        sqlite3_bind_int64(st, 1, key->created_at);
        sqlite3_bind_int64(st, 2, key->id);
    }
    bind_filter(st, f, m, lower, sizeof lower);
    if (sqlite3_step(st) == SQLITE_ROW) v = (long)sqlite3_column_int64(st, 0);
    else cache__fail(c, "counting");
    sqlite3_reset(st);
    return v;
}

long cache_count(cache *c, const cache_filter *f) { return count_op(c, CQ_COUNT, f, NULL); }

long cache_rank(cache *c, const cache_filter *f, const app_cursor *key)
{
    return count_op(c, CQ_RANK, f, key);
}

