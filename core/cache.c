/* The console's local cache of application rows (see cache.h): schema and
 * migrations, where the file lives, the guard against unmasked data, upsert
 * by version, single rows, and the sync state table. Opening and the
 * statement cache come from core/store.c; keyset pages and counts are in
 * cache_list.c. */
#include "core/cache_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/store.h"
#include "core/util.h"

/* Each step runs once, in a transaction, bumping PRAGMA user_version. */
static const char *const cache_schema[] = {
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE app("
    " id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
    " channel TEXT NOT NULL, partner TEXT NOT NULL, product TEXT NOT NULL,"
    " product_item TEXT NOT NULL, scene TEXT NOT NULL, amount_fen INTEGER NOT NULL,"
    " term_months INTEGER NOT NULL, completeness TEXT NOT NULL, status TEXT NOT NULL,"
    " version INTEGER NOT NULL, grade TEXT NOT NULL, outcome TEXT NOT NULL,"
    " limit_fen INTEGER NOT NULL, apr_bp INTEGER NOT NULL, reasons TEXT NOT NULL,"
    " name TEXT NOT NULL, id_number TEXT NOT NULL, mobile TEXT NOT NULL,"
    " bank_card TEXT NOT NULL, province TEXT NOT NULL, city TEXT NOT NULL,"
    " search TEXT NOT NULL);"
    /* One index per filter, each ending in the list order, so a filtered
     * page is a range scan of one index. */
    "CREATE INDEX app_time ON app(created_at, id);"
    "CREATE INDEX app_status_time ON app(status, created_at, id);"
    "CREATE INDEX app_channel_time ON app(channel, created_at, id);"
    "CREATE INDEX app_grade_time ON app(grade, created_at, id);",
    /* 2: lists by amount */
    "CREATE INDEX app_amount ON app(amount_fen, id);",
};
#define CACHE_STEPS ((int)(sizeof cache_schema / sizeof cache_schema[0]))

int cache__fail(cache *c, const char *what)
{
    snprintf(c->err, sizeof c->err, "cache: %s: %s", what, sqlite3_errmsg(store_db(c->st)));
    return -1;
}

const char *cache_errmsg(const cache *c) { return c->err; }

static int migrate(cache *c)
{
    sqlite3 *db = store_db(c->st);
    int have = store_version(c->st);
    if (have < 0) return cache__fail(c, "reading the schema version");
    if (have > CACHE_STEPS) {
        snprintf(c->err, sizeof c->err,
                 "cache schema version %d is newer than this program (%d); remove the cache file",
                 have, CACHE_STEPS);
        return -1;
    }
    for (int v = have; v < CACHE_STEPS; v++) {
        char bump[48];
        snprintf(bump, sizeof bump, "PRAGMA user_version=%d", v + 1);
        if (store_begin(c->st) || sqlite3_exec(db, cache_schema[v], NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(db, bump, NULL, NULL, NULL) != SQLITE_OK) {
            cache__fail(c, "migrating");
            store_rollback(c->st);
            return -1;
        }
        if (store_commit(c->st)) { store_rollback(c->st); return cache__fail(c, "migrating"); }
    }
    return 0;
}

int cache_open(cache **out, const char *path, char *err, size_t errlen)
{
    cache *c = calloc(1, sizeof *c);
    int fd;
    *out = NULL;
    if (!c) { snprintf(err, errlen, "out of memory"); return -1; }
    /* Masked personal data is still personal data: the file (and the WAL
     * files SQLite makes with the same mode) is for the user alone. */
    if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0 || fchmod(fd, 0600)) {
        snprintf(err, errlen, "cannot open the cache %s: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        free(c);
        return -1;
    }
    close(fd);
    /* A cache can always be pulled again: trade durability for speed. */
    if (store_open(&c->st, path, STORE_CREATE | STORE_NOSYNC, err, errlen)) {
        free(c);
        return -1;
    }
    if (migrate(c)) {
        snprintf(err, errlen, "%s (%s)", c->err, path);
        cache_close(c);
        return -1;
    }
    *out = c;
    return 0;
}

void cache_close(cache *c)
{
    if (!c) return;
    for (int o = 0; o < CQ__COUNT; o++)
        for (int f = 0; f < CF__COMBOS; f++)
            for (int k = 0; k < CACHE__ORDERS; k++) sqlite3_finalize(c->list[o][f][k]);
    store_close(c->st);
    free(c);
}

int cache_state_dir(char *buf, size_t n, char *err, size_t errlen)
{
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char dir[1024];
    if (state && *state) {
        snprintf(dir, sizeof dir, "%s/yixiang", state);
    } else if (home && *home) {
        snprintf(dir, sizeof dir, "%s/.local/state/yixiang", home);
    } else {
        snprintf(err, errlen, "neither XDG_STATE_HOME nor HOME is set; cannot place the cache");
        return -1;
    }
    /* Make every missing level, private to the user. */
    for (char *p = dir + 1; ; p++) {
        char ch = *p;
        if (ch == '/' || ch == '\0') {
            *p = '\0';
            if (mkdir(dir, 0700) && errno != EEXIST) {
                snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
                return -1;
            }
            *p = ch;
        }
        if (!ch) break;
    }
    if (yx_strlcpy(buf, dir, n) >= n) {
        snprintf(err, errlen, "state directory path too long");
        return -1;
    }
    return 0;
}

int cache_default_path(char *buf, size_t n, const char *who, const char *server_key,
                       char *err, size_t errlen)
{
    char dir[1024], u[64], s[128];
    const char *src[2] = { who, server_key };
    char *dst[2] = { u, s };
    size_t cap[2] = { sizeof u, sizeof s };
    for (int k = 0; k < 2; k++) {
        size_t i = 0;
        for (const char *p = src[k]; p && *p && i + 1 < cap[k]; p++)
            dst[k][i++] = (isalnum((unsigned char)*p) || strchr("._-", *p)) ? *p : '_';
        dst[k][i] = '\0';
    }
    if (cache_state_dir(dir, sizeof dir, err, errlen)) return -1;
    if ((size_t)snprintf(buf, n, "%s/cache-%s-%s.db", dir, u, s) >= n) {
        snprintf(err, errlen, "cache path too long");
        return -1;
    }
    return 0;
}

/* ---- masking guard -------------------------------------------------- */

static int count_digits(const char *s)
{
    int d = 0;
    for (; *s; s++) d += isdigit((unsigned char)*s) != 0;
    return d;
}

/* Characters of a UTF-8 string that are not '*'; *chars gets all of them. */
static int unmasked_chars(const char *s, int *chars)
{
    int keep = 0;
    *chars = 0;
    for (; *s; s++) {
        if (((unsigned char)*s & 0xC0) == 0x80) continue;
        (*chars)++;
        keep += *s != '*';
    }
    return keep;
}

/* The console may keep what DESIGN.md lets it show: ID first 1 + last 1,
 * mobile first 3 + last 4, card first 6 + last 4, a name's surname (one or
 * two characters) and stars. Anything more is raw data: refuse it. */
static const char *unmasked_field(const app_row *r)
{
    int chars, keep = unmasked_chars(r->name, &chars);
    if (count_digits(r->id_number) > 2) return "id_number";
    if (count_digits(r->mobile) > 7) return "mobile";
    if (count_digits(r->bank_card) > 10) return "bank_card";
    if (chars >= 2 && (keep > 2 || keep == chars)) return "name";
    return NULL;
}

/* ---- rows ----------------------------------------------------------- */

/* Only ASCII folds: bytes of UTF-8 sequences must stay as they are whatever
 * the C locale says. */
void cache__ascii_lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z') *s = (char)(*s - 'A' + 'a');
}

static void search_text(const app_row *r, char *buf, size_t n)
{
    char g[2] = { r->grade, 0 };
    snprintf(buf, n, "%lld|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s", (long long)r->app.id,
             channel_kind_name(r->app.channel), product_kind_name(r->app.product),
             r->app.product_item, r->app.partner, r->app.scene, app_status_name(r->app.status),
             g, r->name, r->province, r->city);
    cache__ascii_lower(buf);
}

int cache_upsert(cache *c, const app_row *rows, int n, int *changed)
{
    static const char sql[] =
        "INSERT INTO app(" CACHE_COLS ", search) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,"
        "?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26) "
        "ON CONFLICT(id) DO UPDATE SET customer_id=excluded.customer_id,"
        " created_at=excluded.created_at, updated_at=excluded.updated_at,"
        " channel=excluded.channel, partner=excluded.partner, product=excluded.product,"
        " product_item=excluded.product_item, scene=excluded.scene,"
        " amount_fen=excluded.amount_fen, term_months=excluded.term_months,"
        " completeness=excluded.completeness, status=excluded.status,"
        " version=excluded.version, grade=excluded.grade, outcome=excluded.outcome,"
        " limit_fen=excluded.limit_fen, apr_bp=excluded.apr_bp, reasons=excluded.reasons,"
        " name=excluded.name, id_number=excluded.id_number, mobile=excluded.mobile,"
        " bank_card=excluded.bank_card, province=excluded.province, city=excluded.city,"
        " search=excluded.search "
        "WHERE excluded.version > app.version";
    int ch = 0;
    if (changed) *changed = 0;
    for (int i = 0; i < n; i++) {
        const char *f = unmasked_field(&rows[i]);
        if (f) {
            snprintf(c->err, sizeof c->err,
                     "cache: application %lld: %s is not masked; nothing was stored",
                     (long long)rows[i].app.id, f);
            return -1;
        }
        if (rows[i].app.id <= 0) {
            snprintf(c->err, sizeof c->err, "cache: row %d has no id; nothing was stored", i + 1);
            return -1;
        }
    }
    if (store_begin(c->st)) return cache__fail(c, "begin");
    for (int i = 0; i < n; i++) {
        const app_row *r = &rows[i];
        sqlite3_stmt *st = store_stmt(c->st, sql);
        char g[2] = { r->grade, 0 }, search[512];
        int k = 1;
        if (!st) goto bad;
        search_text(r, search, sizeof search);
        sqlite3_bind_int64(st, k++, r->app.id);
        sqlite3_bind_int64(st, k++, r->app.customer_id);
        sqlite3_bind_int64(st, k++, r->app.created_at);
        sqlite3_bind_int64(st, k++, r->app.updated_at);
        sqlite3_bind_text(st, k++, channel_kind_name(r->app.channel), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, r->app.partner, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, product_kind_name(r->app.product), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, r->app.product_item, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, r->app.scene, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, k++, r->app.amount_fen);
        sqlite3_bind_int(st, k++, r->app.term_months);
        sqlite3_bind_text(st, k++, completeness_name(r->app.completeness), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, app_status_name(r->app.status), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, k++, r->app.version);
        sqlite3_bind_text(st, k++, g, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, k++, r->grade ? outcome_name(r->outcome) : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, k++, r->limit_fen);
        sqlite3_bind_int(st, k++, r->apr_bp);
        sqlite3_bind_text(st, k++, r->reasons, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, r->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, r->id_number, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, r->mobile, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, r->bank_card, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, r->province, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, r->city, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, search, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) { sqlite3_reset(st); goto bad; }
        ch += sqlite3_changes(store_db(c->st));
        sqlite3_reset(st);
    }
    if (store_commit(c->st)) goto bad;
    if (changed) *changed = ch;
    return 0;
bad:
    cache__fail(c, "storing rows");
    store_rollback(c->st);
    return -1;
}

static int text_col(sqlite3_stmt *st, int col, char *dst, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return yx_strlcpy(dst, t ? (const char *)t : "", n) >= n ? -1 : 0;
}

/* Reads a row selected with CACHE_COLS; -1 when a stored value is not valid. */
int cache__row_read(sqlite3_stmt *st, app_row *r)
{
    char ch[16], prod[16], cpl[16], status[16], grade[4], outc[16];
    int bad = 0;
    memset(r, 0, sizeof *r);
    r->app.id = sqlite3_column_int64(st, 0);
    r->app.customer_id = sqlite3_column_int64(st, 1);
    r->app.created_at = sqlite3_column_int64(st, 2);
    r->app.updated_at = sqlite3_column_int64(st, 3);
    bad |= text_col(st, 4, ch, sizeof ch) | channel_kind_parse(ch, &r->app.channel);
    bad |= text_col(st, 5, r->app.partner, sizeof r->app.partner);
    bad |= text_col(st, 6, prod, sizeof prod) | product_kind_parse(prod, &r->app.product);
    bad |= text_col(st, 7, r->app.product_item, sizeof r->app.product_item);
    bad |= text_col(st, 8, r->app.scene, sizeof r->app.scene);
    r->app.amount_fen = sqlite3_column_int64(st, 9);
    r->app.term_months = sqlite3_column_int(st, 10);
    bad |= text_col(st, 11, cpl, sizeof cpl) | completeness_parse(cpl, &r->app.completeness);
    bad |= text_col(st, 12, status, sizeof status) | app_status_parse(status, &r->app.status);
    r->app.version = sqlite3_column_int64(st, 13);
    bad |= text_col(st, 14, grade, sizeof grade);
    r->grade = grade[0];
    bad |= text_col(st, 15, outc, sizeof outc);
    if (r->grade) bad |= outcome_parse(outc, &r->outcome);
    r->limit_fen = sqlite3_column_int64(st, 16);
    r->apr_bp = sqlite3_column_int(st, 17);
    bad |= text_col(st, 18, r->reasons, sizeof r->reasons);
    bad |= text_col(st, 19, r->name, sizeof r->name);
    bad |= text_col(st, 20, r->id_number, sizeof r->id_number);
    bad |= text_col(st, 21, r->mobile, sizeof r->mobile);
    bad |= text_col(st, 22, r->bank_card, sizeof r->bank_card);
    bad |= text_col(st, 23, r->province, sizeof r->province);
    bad |= text_col(st, 24, r->city, sizeof r->city);
    for (int i = 0; i < F__COUNT; i++) r->app.feat.v[i] = NAN;
    return bad ? -1 : 0;
}

int cache_get(cache *c, int64_t id, app_row *out)
{
    sqlite3_stmt *st = store_stmt(c->st, "SELECT " CACHE_COLS " FROM app WHERE id = ?1");
    int rc;
    if (!st) return cache__fail(c, "prepare");
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        rc = cache__row_read(st, out) ? -1 : 0;
        if (rc) snprintf(c->err, sizeof c->err, "cache: application %lld is damaged", (long long)id);
    } else {
        rc = rc == SQLITE_DONE ? 1 : cache__fail(c, "reading a row");
    }
    sqlite3_reset(st);
    return rc;
}

/* ---- meta ----------------------------------------------------------- */

int cache_meta_get(cache *c, const char *key, char *buf, size_t n)
{
    sqlite3_stmt *st = store_stmt(c->st, "SELECT value FROM meta WHERE key = ?1");
    int rc;
    if (!st) return cache__fail(c, "prepare");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        yx_strlcpy(buf, t ? (const char *)t : "", n);
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? 1 : cache__fail(c, "reading sync state");
    }
    sqlite3_reset(st);
    return rc;
}

int cache_meta_set(cache *c, const char *key, const char *value)
{
    sqlite3_stmt *st = value
        ? store_stmt(c->st, "INSERT INTO meta(key, value) VALUES(?1, ?2)"
                            " ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        : store_stmt(c->st, "DELETE FROM meta WHERE key = ?1");
    int rc;
    if (!st) return cache__fail(c, "prepare");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (value) sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : cache__fail(c, "writing sync state");
}

int cache_clear(cache *c)
{
    static const char *const sql[] = { "DELETE FROM app", "DELETE FROM meta" };
    if (store_begin(c->st)) return cache__fail(c, "begin");
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st = store_stmt(c->st, sql[i]);
        int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
        if (st) sqlite3_reset(st);
        if (rc != SQLITE_DONE) goto bad;
    }
    if (store_commit(c->st)) goto bad;
    return 0;
bad:
    cache__fail(c, "clearing");
    store_rollback(c->st);
    return -1;
}
