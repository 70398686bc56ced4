/* The console's local cache: a small SQLite database of the application rows
 * the user's role may see, as the server sent them (masked), keyed by
 * application id. Screens read it in keyset pages, newest first, so a long
 * queue scrolls as cheaply as a short one; sync writes pages into it.
 *
 * Masked data only: an upsert refuses a row whose ID number, mobile, card or
 * name is not masked, so a server bug cannot put raw personal data on the
 * officer's disk. The cache has its own schema and migrations (PRAGMA
 * user_version), independent of yxd's, and a small key/value table for sync
 * cursors. Functions return 0 ok, 1 not found, -1 error (cache_errmsg). */
#ifndef YX_CACHE_H
#define YX_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "core/store_app.h"

typedef struct cache cache;

/* Opens (creating when missing) and migrates the cache at path. */
int  cache_open(cache **out, const char *path, char *err, size_t errlen);
void cache_close(cache *c);
const char *cache_errmsg(const cache *c);

/* The console's state directory, $XDG_STATE_HOME/yixiang ($HOME/.local/state
 * when XDG_STATE_HOME is unset), created with mode 0700 when missing. The
 * cache and the demo database live there. 0 / -1 (err). */
int cache_state_dir(char *buf, size_t n, char *err, size_t errlen);
/* The cache file of user who on server_key (host and port, or "demo"):
 * STATEDIR/cache-USER-SERVER.db, creating the directory. Characters
 * other than letters, digits, '.', '_' and '-' become '_'. 0 / -1 (err). */
int cache_default_path(char *buf, size_t n, const char *who, const char *server_key,
                       char *err, size_t errlen);

/* Inserts or updates rows in one transaction; a stored row is replaced only
 * by the same or a newer version, so repeating a page changes nothing. All
 * or nothing: one unmasked or malformed row fails the whole call. *changed
 * (may be NULL) receives how many rows were new or newer. */
int cache_upsert(cache *c, const app_row *rows, int n, int *changed);
/* 0 found, 1 not cached, -1 error. out->app.feat is all NaN. */
int cache_get(cache *c, int64_t id, app_row *out);

/* The order of a list; the default is newest first. */
enum cache_order {
    CACHE_NEWEST,        /* created_at DESC, id DESC */
    CACHE_OLDEST,        /* created_at ASC, id ASC */
    CACHE_AMOUNT_DESC,   /* amount_fen DESC, id DESC */
    CACHE_AMOUNT_ASC,    /* amount_fen ASC, id ASC */
    CACHE__ORDERS
};

/* What a list shows: NULL or "" fields mean any. text matches (ASCII case
 * insensitive, substring) the id, channel, product, item, partner, scene,
 * status, grade, masked name, province and city. */
typedef struct {
    const char *status;
    const char *channel;
    const char *grade;
    const char *text;
    int         order;   /* enum cache_order */
} cache_filter;

/* A position in a list: the value the order sorts by (created_at or
 * amount_fen) and the id, which breaks ties. */
typedef struct { int64_t v; int64_t id; } cache_key;

/* The key of row r in order. */
cache_key cache_key_of(const app_row *r, int order);

enum cache_dir {
    CACHE_BEFORE = -1,  /* strictly before key, nearest first; no key: from the end */
    CACHE_FROM   = 0,   /* the row at key (or the next after it), then after */
    CACHE_AFTER  = 1    /* strictly after key; no key: from the start */
};

/* Up to max rows from key (NULL: see enum cache_dir) in f's order into
 * rows; *n gets the count. CACHE_BEFORE returns rows nearest first, that
 * is against the order. Cost is the page, not the table, for every order
 * without filters and for time orders under any filter; an amount order
 * under a filter sorts the matching rows. */
int cache_page(cache *c, const cache_filter *f, const cache_key *key, int dir,
               app_row *rows, int max, int *n);
/* Rows matching f, or -1. */
long cache_count(cache *c, const cache_filter *f);
/* Rows matching f that come before key in f's order (the 0-based position
 * of key's row when it matches), or -1. */
long cache_rank(cache *c, const cache_filter *f, const cache_key *key);

/* Sync state: small text values by name. get: 0 found (value in buf,
 * truncated to n - 1), 1 missing, -1 error. set with value NULL deletes. */
int cache_meta_get(cache *c, const char *key, char *buf, size_t n);
int cache_meta_set(cache *c, const char *key, const char *value);

/* Removes every row and every meta value (a different user or server). */
int cache_clear(cache *c);

#endif
