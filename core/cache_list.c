/* Keyset pages, counts and ranks over the console's cache under any
 * combination of filters, in time or amount order. The SQL depends on the
 * filters in use and the order, so each (operation, combination, order) is
 * prepared once on first use and kept. */
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

cache_key cache_key_of(const app_row *r, int order)
{
    cache_key k = { r->app.created_at, r->app.id };
    if (order == CACHE_AMOUNT_DESC || order == CACHE_AMOUNT_ASC) k.v = r->app.amount_fen;
    return k;
}

/* The statement for op under filter mask m in order, prepared on first use.
 * Parameters: ?1 sort value and ?2 id of the key, ?3 limit, ?4 status,
 * ?5 channel, ?6 grade, ?7 lower-cased text. */
static sqlite3_stmt *list_stmt(cache *c, int op, int m, int order)
{
    char sql[700], key[64] = "", tail[96] = "";
    sqlite3_stmt **slot = &c->list[op][m][order];
    const char *col = order == CACHE_AMOUNT_DESC || order == CACHE_AMOUNT_ASC ? "amount_fen" : "created_at";
    int desc = order == CACHE_NEWEST || order == CACHE_AMOUNT_DESC;
    /* "after" in a descending order is a smaller key, in an ascending one a
     * larger; "before" and rank look the other way. */
    const char *after = desc ? "<" : ">", *before = desc ? ">" : "<";
    size_t len;
    if (*slot) {
        sqlite3_reset(*slot);
        sqlite3_clear_bindings(*slot);
        return *slot;
    }
    switch (op) {
    case CQ_AFTER:  snprintf(key, sizeof key, " AND (%s, id) %s (?1, ?2)", col, after); break;
    case CQ_FROM:   snprintf(key, sizeof key, " AND (%s, id) %s= (?1, ?2)", col, after); break;
    case CQ_BEFORE:
    case CQ_RANK:   snprintf(key, sizeof key, " AND (%s, id) %s (?1, ?2)", col, before); break;
    default: break;
    }
    if (op != CQ_COUNT && op != CQ_RANK) {
        /* Before the key and from the end run against the order. */
        int down = (op == CQ_BEFORE || op == CQ_BOTTOM) ? !desc : desc;
        snprintf(tail, sizeof tail, " ORDER BY %s%s, id%s LIMIT ?3", col, down ? " DESC" : "",
                 down ? " DESC" : "");
    }
    len = (size_t)snprintf(sql, sizeof sql, "%s%s%s%s%s%s%s",
                           op == CQ_COUNT || op == CQ_RANK ? "SELECT count(*) FROM app WHERE 1"
                                                           : "SELECT " CACHE_COLS " FROM app WHERE 1",
                           key,
                           m & CF_STATUS ? " AND status = ?4" : "",
                           m & CF_CHANNEL ? " AND channel = ?5" : "",
                           m & CF_GRADE ? " AND grade = ?6" : "",
                           m & CF_TEXT ? " AND instr(search, ?7) > 0" : "", tail);
    if (len >= sizeof sql || sqlite3_prepare_v2(store_db(c->st), sql, -1, slot, NULL) != SQLITE_OK) {
        cache__fail(c, "prepare list");
        return NULL;
    }
    return *slot;
}

static int order_of(const cache_filter *f)
{
    return f && f->order > 0 && f->order < CACHE__ORDERS ? f->order : CACHE_NEWEST;
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

int cache_page(cache *c, const cache_filter *f, const cache_key *key, int dir,
               app_row *rows, int max, int *n)
{
    int m = filter_mask(f), op, rc;
    char lower[256];
    sqlite3_stmt *st;
    *n = 0;
    if (max <= 0) return 0;
    if (key) op = dir < 0 ? CQ_BEFORE : dir == 0 ? CQ_FROM : CQ_AFTER;
    else op = dir < 0 ? CQ_BOTTOM : CQ_TOP;
    if (!(st = list_stmt(c, op, m, order_of(f)))) return -1;
    if (key) {
        sqlite3_bind_int64(st, 1, key->v);
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

static long count_op(cache *c, int op, const cache_filter *f, const cache_key *key)
{
    int m = filter_mask(f);
    char lower[256];
    long v = -1;
    /* A plain count is the same in every order: share one statement. */
    sqlite3_stmt *st = list_stmt(c, op, m, op == CQ_COUNT ? CACHE_NEWEST : order_of(f));
    if (!st) return -1;
    if (key) {
        sqlite3_bind_int64(st, 1, key->v);
        sqlite3_bind_int64(st, 2, key->id);
    }
    bind_filter(st, f, m, lower, sizeof lower);
    if (sqlite3_step(st) == SQLITE_ROW) v = (long)sqlite3_column_int64(st, 0);
    else cache__fail(c, "counting");
    sqlite3_reset(st);
    return v;
}

long cache_count(cache *c, const cache_filter *f) { return count_op(c, CQ_COUNT, f, NULL); }

long cache_rank(cache *c, const cache_filter *f, const cache_key *key)
{
    return count_op(c, CQ_RANK, f, key);
}

