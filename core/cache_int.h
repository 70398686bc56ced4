/* Inside the console's cache: the structure and the pieces shared by
 * cache.c (schema, rows, sync state) and cache_list.c (keyset pages and
 * counts). Not for use outside those two files. */
#ifndef YX_CACHE_INT_H
#define YX_CACHE_INT_H

#include <sqlite3.h>

#include "core/cache.h"
#include "core/store.h"

/* List statements: one per (operation, filter combination, order). */
enum { CQ_AFTER, CQ_FROM, CQ_BEFORE, CQ_TOP, CQ_BOTTOM, CQ_COUNT, CQ_RANK, CQ__COUNT };
enum { CF_STATUS = 1, CF_CHANNEL = 2, CF_GRADE = 4, CF_TEXT = 8, CF__COMBOS = 16 };

struct cache {
    store *st;
    char err[256];
    sqlite3_stmt *list[CQ__COUNT][CF__COMBOS][CACHE__ORDERS];
};

#define CACHE_COLS "id, customer_id, created_at, updated_at, channel, partner, product," \
    " product_item, scene, amount_fen, term_months, completeness, status, version, grade," \
    " outcome, limit_fen, apr_bp, reasons, name, id_number, mobile, bank_card, province, city"

/* Records sqlite's message for what; returns -1. */
int cache__fail(cache *c, const char *what);
/* Reads a row selected with CACHE_COLS; -1 when a stored value is not valid. */
int cache__row_read(sqlite3_stmt *st, app_row *r);
/* Folds ASCII letters to lower case in place; other bytes stay. */
void cache__ascii_lower(char *s);

#endif
