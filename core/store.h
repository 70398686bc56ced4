/* The Yixiang store: one SQLite database behind a narrow interface.
 * store.c opens, configures (WAL, foreign keys, busy timeout) and migrates;
 * store_*.c files add the queries of one area each. SQL only through
 * prepared statements. Functions return 0 on success and -1 on failure,
 * with the reason in store_errmsg(). */
#ifndef YX_STORE_H
#define YX_STORE_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/domain.h"

typedef struct store store;

enum {
    STORE_CREATE   = 1 << 0,  /* create the file if missing */
    STORE_READONLY = 1 << 1,
    STORE_NOSYNC   = 1 << 2,  /* synchronous=NORMAL: caches and bulk loads only */
};

int  store_open(store **out, const char *path, int flags, char *err, size_t errlen);
void store_close(store *s);
sqlite3 *store_db(store *s);
const char *store_errmsg(const store *s);
/* Record an error message (printf-style) for store_errmsg(); returns -1. */
int  store_fail(store *s, const char *fmt, ...);

int store_migrate(store *s);                 /* to the newest schema version */
int store_version(store *s);                 /* PRAGMA user_version */
int store_schema_count(void);                /* number of migration steps */
const char *store_schema_step(int i);        /* SQL of step i (0-based) */

int store_begin(store *s);                   /* BEGIN IMMEDIATE */
int store_commit(store *s);
void store_rollback(store *s);

/* Prepared statements cached by SQL text for the life of the store. The
 * returned statement is reset and its bindings cleared; do not finalize it. */
sqlite3_stmt *store_stmt(store *s, const char *sql);

/* Steps st once for a lookup of at most one row: 0 when a row is ready
 * (read it, then sqlite3_reset), 1 when there is none, -1 on error with
 * "cannot WHAT: reason" in store_errmsg(); st is reset in those two cases. */
int store_row(store *s, sqlite3_stmt *st, const char *what);

int64_t store_now_ms(void);

#endif
