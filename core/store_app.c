/* Applications and customers in the store: inserting them, reading them as
 * masked summary rows, and the keyset-paged list.
 *
 * The list never uses OFFSET: a page is "the next `limit` rows after this
 * (created_at, id)", which the app_* indexes (filter column, created_at
 * DESC, id DESC) answer by seeking, so page 10,000 costs what page 1 costs,
 * and rows inserted while someone pages neither shift nor repeat what they
 * see. One SQL text per combination of filters keeps every statement
 * prepared and cached. */
#include "core/store_app.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/mask.h"
#include "core/util.h"

/* ---- reading rows -------------------------------------------------- */

#define ROW_COLUMNS                                                             \
    "SELECT a.id, a.customer_id, a.created_at, a.updated_at, a.channel, a.partner," \
    " a.product, a.product_item, a.scene, a.amount_fen, a.term_months,"           \
    " a.completeness, a.status, a.version, a.grade,"                              \
    " c.name_masked, c.id_masked, c.mobile_masked, c.card_masked,"                \
    " ifnull(c.province, ''), ifnull(c.city, ''),"                                \
    " d.outcome, ifnull(d.limit_fen, 0), ifnull(d.apr_bp, 0), ifnull(d.reasons, '')" \
    " FROM applications a JOIN customers c ON c.id = a.customer_id"               \
    " LEFT JOIN decisions d ON d.application_id = a.id"

static void col_text(sqlite3_stmt *st, int i, char *out, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    yx_strlcpy(out, t ? (const char *)t : "", n);
}

static int read_row(store *s, sqlite3_stmt *st, app_row *r)
{
    application *a = &r->app;
    const char *bad = NULL;
    int v;
    memset(r, 0, sizeof *r);
    a->id = sqlite3_column_int64(st, 0);
    a->customer_id = sqlite3_column_int64(st, 1);
    a->created_at = sqlite3_column_int64(st, 2);
    a->updated_at = sqlite3_column_int64(st, 3);
    if (channel_kind_parse((const char *)sqlite3_column_text(st, 4), &a->channel)) bad = "channel";
    col_text(st, 5, a->partner, sizeof a->partner);
    if (product_kind_parse((const char *)sqlite3_column_text(st, 6), &a->product)) bad = "product";
    col_text(st, 7, a->product_item, sizeof a->product_item);
    col_text(st, 8, a->scene, sizeof a->scene);
    a->amount_fen = sqlite3_column_int64(st, 9);
    a->term_months = sqlite3_column_int(st, 10);
    if (completeness_parse((const char *)sqlite3_column_text(st, 11), &a->completeness))
        bad = "completeness";
    if (app_status_parse((const char *)sqlite3_column_text(st, 12), &a->status)) bad = "status";
    a->version = sqlite3_column_int64(st, 13);
    for (v = 0; v < F__COUNT; v++) a->feat.v[v] = NAN;
    if (sqlite3_column_type(st, 14) != SQLITE_NULL) {
        const unsigned char *g = sqlite3_column_text(st, 14);
        r->grade = g ? (char)g[0] : 0;
    }
    col_text(st, 15, r->name, sizeof r->name);
    col_text(st, 16, r->id_number, sizeof r->id_number);
    col_text(st, 17, r->mobile, sizeof r->mobile);
    col_text(st, 18, r->bank_card, sizeof r->bank_card);
    col_text(st, 19, r->province, sizeof r->province);
    col_text(st, 20, r->city, sizeof r->city);
    if (sqlite3_column_type(st, 21) != SQLITE_NULL &&
        outcome_parse((const char *)sqlite3_column_text(st, 21), &r->outcome))
        bad = "outcome";
    r->limit_fen = sqlite3_column_int64(st, 22);
    r->apr_bp = sqlite3_column_int(st, 23);
    col_text(st, 24, r->reasons, sizeof r->reasons);
    if (bad) return store_fail(s, "application %" PRId64 " has an unknown %s", a->id, bad);
    return 0;
}

/* ---- the keyset-paged list ----------------------------------------- */

#define ORDER_PAGE " ORDER BY a.created_at DESC, a.id DESC LIMIT ?6"
#define AFTER " AND (a.created_at < ?1 OR (a.created_at = ?1 AND a.id < ?2))"
#define F_STATUS " AND a.status = ?3"
#define F_CHANNEL " AND a.channel = ?4"
#define F_GRADE " AND a.grade = ?5"

/* Index: bit 0 status, bit 1 channel, bit 2 grade, bit 3 has a cursor. */
static const char *const list_sql[16] = {
    ROW_COLUMNS " WHERE 1" ORDER_PAGE,
    ROW_COLUMNS " WHERE 1" F_STATUS ORDER_PAGE,
    ROW_COLUMNS " WHERE 1" F_CHANNEL ORDER_PAGE,
    ROW_COLUMNS " WHERE 1" F_STATUS F_CHANNEL ORDER_PAGE,
    ROW_COLUMNS " WHERE 1" F_GRADE ORDER_PAGE,
    ROW_COLUMNS " WHERE 1" F_STATUS F_GRADE ORDER_PAGE,
    ROW_COLUMNS " WHERE 1" F_CHANNEL F_GRADE ORDER_PAGE,
    ROW_COLUMNS " WHERE 1" F_STATUS F_CHANNEL F_GRADE ORDER_PAGE,
    ROW_COLUMNS " WHERE 1" AFTER ORDER_PAGE,
    ROW_COLUMNS " WHERE 1" F_STATUS AFTER ORDER_PAGE,
    ROW_COLUMNS " WHERE 1" F_CHANNEL AFTER ORDER_PAGE,
    ROW_COLUMNS " WHERE 1" F_STATUS F_CHANNEL AFTER ORDER_PAGE,
    ROW_COLUMNS " WHERE 1" F_GRADE AFTER ORDER_PAGE,
    ROW_COLUMNS " WHERE 1" F_STATUS F_GRADE AFTER ORDER_PAGE,
    ROW_COLUMNS " WHERE 1" F_CHANNEL F_GRADE AFTER ORDER_PAGE,
    ROW_COLUMNS " WHERE 1" F_STATUS F_CHANNEL F_GRADE AFTER ORDER_PAGE,
};

static int grade_valid(const char *g)
{
    return g && g[0] && !g[1] && strchr("ABCDER", g[0]);
}

const char *store_app_list_sql(const app_query *q)
{
    int k = (q->status ? 1 : 0) | (q->channel ? 2 : 0) | (q->grade ? 4 : 0) |
            (q->has_after ? 8 : 0);
    return list_sql[k];
}

int store_app_list(store *s, const app_query *q, app_row *rows, int max, int *n,
                   app_cursor *next, int *has_next)
{
    app_status stv;
    channel_kind chv;
    sqlite3_stmt *st;
    int want = q->limit > 0 && q->limit < max ? q->limit : max, rc;
    *n = 0;
    *has_next = 0;
    if (max <= 0) return store_fail(s, "no room for rows");
    if (q->status && app_status_parse(q->status, &stv))
        return store_fail(s, "unknown status '%s'", q->status);
    if (q->channel && channel_kind_parse(q->channel, &chv))
        return store_fail(s, "unknown channel '%s'", q->channel);
    if (q->grade && !grade_valid(q->grade))
        return store_fail(s, "unknown grade '%s' (A-E or R)", q->grade);
    st = store_stmt(s, store_app_list_sql(q));
    if (!st) return -1;
    if (q->has_after) {
        sqlite3_bind_int64(st, 1, q->after.created_at);
        sqlite3_bind_int64(st, 2, q->after.id);
    }
    if (q->status) sqlite3_bind_text(st, 3, q->status, -1, SQLITE_STATIC);
    if (q->channel) sqlite3_bind_text(st, 4, q->channel, -1, SQLITE_STATIC);
    if (q->grade) sqlite3_bind_text(st, 5, q->grade, -1, SQLITE_STATIC);
    /* One row more than wanted tells whether another page exists. */
    sqlite3_bind_int(st, 6, want + 1);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == want) { *has_next = 1; break; }
        if (read_row(s, st, &rows[*n])) { sqlite3_reset(st); return -1; }
        (*n)++;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        sqlite3_reset(st);
        return store_fail(s, "cannot list applications: %s", sqlite3_errmsg(store_db(s)));
    }
    sqlite3_reset(st);
    if (*has_next && next) {
        next->created_at = rows[*n - 1].app.created_at;
        next->id = rows[*n - 1].app.id;
    }
    return 0;
}

void app_cursor_format(const app_cursor *c, char *buf, size_t n)
{
    snprintf(buf, n, "%" PRId64 ".%" PRId64, c->created_at, c->id);
}

int app_cursor_parse(const char *s, app_cursor *c)
{
    const char *dot;
    char part[24];
    int64_t t, id;
    size_t len;
    if (!s || !(dot = strchr(s, '.'))) return -1;
    len = (size_t)(dot - s);
    /* Digits only: no sign, no spaces, no empty parts. */
    if (len == 0 || len >= sizeof part || strspn(s, "0123456789") != len) return -1;
    if (!dot[1] || strspn(dot + 1, "0123456789") != strlen(dot + 1)) return -1;
    memcpy(part, s, len);
    part[len] = '\0';
    if (yx_parse_i64(part, 0, INT64_MAX, &t) || yx_parse_i64(dot + 1, 0, INT64_MAX, &id))
        return -1;
    c->created_at = t;
    c->id = id;
    return 0;
}

/* ---- single applications ------------------------------------------- */

const char STORE_APP_COUNT_SINCE_SQL[] =
    "SELECT count(*) FROM applications WHERE customer_id = ? AND created_at > ?";

int store_app_count_since(store *s, int64_t customer_id, int64_t since_ms)
{
    sqlite3_stmt *st;
    int n = -1;
    if (!customer_id) return 0;
    if (!(st = store_stmt(s, STORE_APP_COUNT_SINCE_SQL))) return -1;
    sqlite3_bind_int64(st, 1, customer_id);
    sqlite3_bind_int64(st, 2, since_ms);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    else store_fail(s, "count applications: %s", sqlite3_errmsg(store_db(s)));
    sqlite3_reset(st);
    return n;
}

int store_app_get(store *s, int64_t id, app_row *out)
{
    sqlite3_stmt *st = store_stmt(s, ROW_COLUMNS " WHERE a.id = ?1");
    int rc;
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    if ((rc = store_row(s, st, "read application")) != 0) return rc;
    rc = read_row(s, st, out);
    sqlite3_reset(st);
    if (rc) return -1;
    return store_app_features(s, id, &out->app.feat) < 0 ? -1 : 0;
}

int store_app_features(store *s, int64_t id, features *out)
{
    sqlite3_stmt *st = store_stmt(s,
        "SELECT seniority, home, time, age, marital, records, job, expenses, income,"
        " assets, debt, amount, price FROM features WHERE application_id = ?1");
    int rc;
    if (!st) return -1;
    for (int f = 0; f < F__COUNT; f++) out->v[f] = NAN;
    sqlite3_bind_int64(st, 1, id);
    if ((rc = store_row(s, st, "read features")) != 0) return rc;
    for (int f = 0; f < F__COUNT; f++)
        if (sqlite3_column_type(st, f) != SQLITE_NULL) out->v[f] = sqlite3_column_double(st, f);
    sqlite3_reset(st);
    return 0;
}

static int step_done(store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store_fail(s, "cannot %s: %s", what, sqlite3_errmsg(store_db(s)));
    return 0;
}

static int insert_features(store *s, int64_t id, const features *f)
{
    sqlite3_stmt *st = store_stmt(s,
        "INSERT INTO features(application_id, seniority, home, time, age, marital,"
        " records, job, expenses, income, assets, debt, amount, price)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    for (int i = 0; i < F__COUNT; i++)
        if (!isnan(f->v[i])) sqlite3_bind_double(st, i + 2, f->v[i]);  /* else NULL */
    return step_done(s, st, "store features");
}

/* Multi-statement writes are atomic: outside a transaction they open their
 * own; inside the caller's (a bulk load holds one over many rows) a failure
 * leaves the rollback to the caller, which is cheaper than a savepoint per
 * row (SQLite journals every page a savepoint touches). */
static int tx_begin(store *s, int *own)
{
    *own = sqlite3_get_autocommit(store_db(s));
    return *own ? store_begin(s) : 0;
}

static int tx_end(store *s, int own, int rc)
{
    if (!own) return rc;
    if (rc == 0 && store_commit(s) == 0) return 0;
    store_rollback(s);
    return rc ? rc : -1;
}

int store_app_insert_from(store *s, application *a, int64_t channel_id,
                          const char *idem_key, const unsigned char *idem_digest, int64_t *id)
{
    sqlite3_stmt *st;
    int rc, own;
    if (idem_key) {
        st = store_stmt(s, "SELECT id FROM applications WHERE idempotency_key = ?1");
        if (!st) return -1;
        sqlite3_bind_text(st, 1, idem_key, -1, SQLITE_TRANSIENT);
        if ((rc = store_row(s, st, "read application")) < 0) return -1;
        if (rc == 0) {
            if (id) *id = sqlite3_column_int64(st, 0);
            sqlite3_reset(st);
            return 1;
        }
    }
    if (a->created_at == 0) a->created_at = store_now_ms();
    if (a->updated_at == 0) a->updated_at = a->created_at;
    a->version = 1;
    if (tx_begin(s, &own)) return -1;
    st = store_stmt(s,
        "INSERT INTO applications(customer_id, created_at, updated_at, channel, partner,"
        " product, product_item, scene, amount_fen, term_months, completeness, status,"
        " version, idempotency_key, channel_id, idem_digest)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 1, ?13, ?14, ?15)");
    if (!st) return tx_end(s, own, -1);
    sqlite3_bind_int64(st, 1, a->customer_id);
    sqlite3_bind_int64(st, 2, a->created_at);
    sqlite3_bind_int64(st, 3, a->updated_at);
    sqlite3_bind_text(st, 4, channel_kind_name(a->channel), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->partner, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, product_kind_name(a->product), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->product_item, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, a->scene, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, a->amount_fen);
    sqlite3_bind_int(st, 10, a->term_months);
    sqlite3_bind_text(st, 11, completeness_name(a->completeness), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, app_status_name(a->status), -1, SQLITE_STATIC);
    if (idem_key) sqlite3_bind_text(st, 13, idem_key, -1, SQLITE_TRANSIENT);
    if (channel_id > 0) sqlite3_bind_int64(st, 14, channel_id);
    if (idem_key && idem_digest) sqlite3_bind_blob(st, 15, idem_digest, CRYPTO_DIGEST_BYTES, SQLITE_TRANSIENT);
    if (step_done(s, st, "store application")) return tx_end(s, own, -1);
    a->id = sqlite3_last_insert_rowid(store_db(s));
    if (insert_features(s, a->id, &a->feat)) return tx_end(s, own, -1);
    if (id) *id = a->id;
    return tx_end(s, own, 0);
}

int store_app_insert(store *s, application *a, int64_t *id)
{
    return store_app_insert_from(s, a, 0, NULL, NULL, id);
}

int store_app_set_status(store *s, int64_t id, app_status stv, int64_t expect_version,
                         int64_t *new_version)
{
    return store_app_set_status_at(s, id, stv, expect_version, store_now_ms(), new_version);
}

int store_app_set_status_at(store *s, int64_t id, app_status stv, int64_t expect_version,
                            int64_t at, int64_t *new_version)
{
    sqlite3_stmt *st = store_stmt(s,
        "UPDATE applications SET status = ?1, version = version + 1, updated_at = ?2"
        " WHERE id = ?3 AND (?4 <= 0 OR version = ?4) RETURNING version");
    int rc;
    if (!st) return -1;
    if ((unsigned)stv >= APP__COUNT) return store_fail(s, "unknown status");
    sqlite3_bind_text(st, 1, app_status_name(stv), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, at);
    sqlite3_bind_int64(st, 3, id);
    sqlite3_bind_int64(st, 4, expect_version);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (new_version) *new_version = sqlite3_column_int64(st, 0);
        rc = sqlite3_step(st);   /* finish the statement so the update commits */
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? 0 : store_fail(s, "cannot set status: %s", sqlite3_errmsg(store_db(s)));
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return 1;
    return store_fail(s, "cannot set status: %s", sqlite3_errmsg(store_db(s)));
}

app_status store_status_for_outcome(decision_outcome o)
{
    switch (o) {
    case OUT_APPROVE: return APP_APPROVED;
    case OUT_REFER:   return APP_REFERRED;
    default:          return APP_DECLINED;
    }
}
