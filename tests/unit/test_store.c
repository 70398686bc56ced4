/* The store: migrations, keyset paging of applications (every filter, no
 * repeats, no skips, even while rows arrive between pages), the query plans
 * behind it, customers with sealed data, decisions, defense states, status
 * versions, staff users and the data key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mask.h"
#include "core/person.h"
#include "core/rng.h"
#include "core/store_app.h"
#include "core/store_user.h"
#include "core/util.h"
#include "tests/common/tmpdir.h"

typedef struct {
    char dir[64];
    char path[128];
    store *s;
    crypto_key key;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char err[256];
    if (!yx_test_mkdtemp(f->dir, sizeof f->dir, "yx-test-store")) return -1;
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    if (store_open(&f->s, f->path, STORE_CREATE, err, sizeof err) || store_migrate(f->s)) return -1;
    memset(&f->key, 0x5a, sizeof f->key);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    yx_test_rmtree(f->dir);
    free(f);
    return 0;
}

/* Inserts one customer + application; returns the application id. */
static int64_t add_app(fixture *f, rng *r, int64_t created_at, app_status st, channel_kind ch)
{
    customer c;
    application a;
    int64_t id;
    person_gen(r, 30, created_at, &c);
    memset(&a, 0, sizeof a);
    for (int i = 0; i < F__COUNT; i++) a.feat.v[i] = (double)i;
    a.feat.v[F_INCOME] = NAN;
    assert_int_equal(store_customer_insert(f->s, &c, &f->key, &a.customer_id), 0);
    a.created_at = created_at;
    a.channel = ch;
    yx_strlcpy(a.partner, "途旅网", sizeof a.partner);
    a.product = PROD_MALL;
    yx_strlcpy(a.product_item, "数码3C", sizeof a.product_item);
    yx_strlcpy(a.scene, "shopping", sizeof a.scene);
    a.amount_fen = 500000;
    a.term_months = 12;
    a.completeness = CPL_BASIC;
    a.status = st;
    assert_int_equal(store_app_insert(f->s, &a, &id), 0);
    assert_true(a.id == id);
    return id;
}

static void decide(fixture *f, int64_t id, char grade)
{
    decision d;
    memset(&d, 0, sizeof d);
    d.application_id = id;
    d.outcome = grade == 'R' ? OUT_REFER : grade == 'E' ? OUT_DECLINE : OUT_APPROVE;
    d.risk_grade = grade;
    d.limit_fen = 1000000;
    d.apr_bp = 1500;
    yx_strlcpy(d.strategy_version, "test-1", sizeof d.strategy_version);
    yx_strlcpy(d.reasons, "r1,r2", sizeof d.reasons);
    d.decided_at = 1;
    assert_int_equal(store_decision_put(f->s, &d, "{\"x\":1}"), 0);
}

/* ---- migrations ---------------------------------------------------- */

static void test_migrations(void **state)
{
    fixture *f = *state;
    char err[256], p[160];
    store *s2;
    sqlite3_stmt *st;
    assert_int_equal(store_version(f->s), store_schema_count());
    assert_int_equal(store_migrate(f->s), 0);               /* a no-op */
    assert_int_equal(store_version(f->s), store_schema_count());
    /* A database from a newer program is refused, not touched. */
    snprintf(p, sizeof p, "%s/newer.db", f->dir);
    assert_int_equal(store_open(&s2, p, STORE_CREATE, err, sizeof err), 0);
    st = store_stmt(s2, "PRAGMA user_version=999");
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_reset(st);
    assert_int_equal(store_migrate(s2), -1);
    assert_non_null(strstr(store_errmsg(s2), "newer"));
    assert_int_equal(store_version(s2), 999);
    store_close(s2);
    unlink(p);
    snprintf(err, sizeof err, "%s-wal", p); unlink(err);
    snprintf(err, sizeof err, "%s-shm", p); unlink(err);
}

/* ---- keyset paging ------------------------------------------------- */

typedef struct { int64_t id, t; app_status st; channel_kind ch; char grade; } rec;

static int rec_cmp(const void *x, const void *y)
{
    const rec *a = x, *b = y;
    if (a->t != b->t) return a->t > b->t ? -1 : 1;
    return a->id > b->id ? -1 : a->id < b->id;
}

static int matches(const rec *r, const app_query *q)
{
    char g[2] = { r->grade, 0 };
    if (q->status && strcmp(q->status, app_status_name(r->st))) return 0;
    if (q->channel && strcmp(q->channel, channel_kind_name(r->ch))) return 0;
    if (q->grade && strcmp(q->grade, g)) return 0;
    return 1;
}

#define NREC 420
static rec recs[NREC + 200];
static int nrec;

static void fill(fixture *f)
{
    rng r;
    const char grades[] = "ABCDER";
    rng_seed(&r, 7);
    nrec = 0;
    assert_int_equal(store_begin(f->s), 0);
    for (int i = 0; i < NREC; i++) {
        rec *x = &recs[nrec++];
        /* Few distinct times: many ties, which the cursor must split by id. */
        x->t = 1700000000000LL + (int64_t)rng_below(&r, 40) * 1000;
        x->st = (app_status)rng_below(&r, APP__COUNT);
        x->ch = (channel_kind)rng_below(&r, CH__COUNT);
        x->id = add_app(f, &r, x->t, x->st, x->ch);
        x->grade = rng_below(&r, 3) ? grades[rng_below(&r, 6)] : 0;
        if (x->grade) decide(f, x->id, x->grade);
    }
    assert_int_equal(store_commit(f->s), 0);
}

/* Walks every page of q with the given page size and checks it against the
 * records. */
static void walk(fixture *f, app_query q, int page)
{
    rec want[NREC];
    int nwant = 0, got = 0, guard = 0;
    app_row *rows = calloc((size_t)page, sizeof *rows);
    for (int i = 0; i < nrec; i++)
        if (matches(&recs[i], &q)) want[nwant++] = recs[i];
    qsort(want, (size_t)nwant, sizeof want[0], rec_cmp);
    q.limit = page;
    q.has_after = 0;
    for (;;) {
        int n, more;
        app_cursor next;
        assert_int_equal(store_app_list(f->s, &q, rows, page, &n, &next, &more), 0);
        for (int i = 0; i < n; i++, got++) {
            assert_true(got < nwant);
            assert_true(rows[i].app.id == want[got].id);
            assert_true(rows[i].app.created_at == want[got].t);
            assert_int_equal(rows[i].grade, want[got].grade);
        }
        if (!more) break;
        assert_int_equal(n, page);
        q.after = next;
        q.has_after = 1;
        assert_true(++guard < 1000);
    }
    assert_int_equal(got, nwant);
    free(rows);
}

static void test_paging_every_filter(void **state)
{
    fixture *f = *state;
    const char *st[] = { NULL, "submitted", "approved", "declined", "referred", "escalated" };
    const char *ch[] = { NULL, "api", "semi_api", "h5", "own" };
    const char *gr[] = { NULL, "A", "B", "C", "D", "E", "R" };
    fill(f);
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 5; j++)
            for (size_t k = 0; k < 7; k++) {
                app_query q = { st[i], ch[j], gr[k], 0, 0, { 0, 0 } };
                /* Unfiltered and single filters with several page sizes. */
                walk(f, q, (i + j + k) % 2 ? 7 : 50);
            }
    {
        app_query q = { 0 };
        walk(f, q, 1);
        walk(f, q, NREC);
        walk(f, q, NREC + 5);
    }
}

static void test_paging_while_rows_arrive(void **state)
{
    fixture *f = *state;
    rng r;
    app_row rows[9];
    app_query q = { 0 };
    int seen_old = 0, guard = 0;
    int64_t last_t = INT64_MAX, last_id = INT64_MAX;
    static unsigned char seen[8192];
    fill(f);
    rng_seed(&r, 8);
    memset(seen, 0, sizeof seen);
    q.limit = 9;
    for (;;) {
        int n, more;
        app_cursor next;
        assert_int_equal(store_app_list(f->s, &q, rows, 9, &n, &next, &more), 0);
        for (int i = 0; i < n; i++) {
            int64_t id = rows[i].app.id, t = rows[i].app.created_at;
            assert_true(id < (int64_t)sizeof seen);
            assert_false(seen[id]);                     /* never twice */
            seen[id] = 1;
            assert_true(t < last_t || (t == last_t && id < last_id));   /* ordered */
            last_t = t;
            last_id = id;
            if (id <= recs[NREC - 1].id) seen_old++;
        }
        /* Between pages: one row newer than everything, one among the old
         * times (with a larger id than its ties). */
        add_app(f, &r, 1800000000000LL + guard, APP_SUBMITTED, CH_API);
        add_app(f, &r, 1700000000000LL + (int64_t)rng_below(&r, 40) * 1000, APP_SUBMITTED, CH_H5);
        if (!more) break;
        q.after = next;
        q.has_after = 1;
        assert_true(++guard < 1000);
    }
    /* Every row that existed when the walk began was seen exactly once. */
    assert_int_equal(seen_old, NREC);
    for (int i = 0; i < NREC; i++) assert_true(seen[recs[i].id]);
}

static void test_query_plans(void **state)
{
    fixture *f = *state;
    for (int k = 0; k < 16; k++) {
        app_query q = { k & 1 ? "approved" : NULL, k & 2 ? "h5" : NULL, k & 4 ? "A" : NULL,
                        10, k & 8 ? 1 : 0, { 1, 1 } };
        char sql[4096], plan[2048] = "";
        sqlite3_stmt *st;
        snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", store_app_list_sql(&q));
        assert_int_equal(sqlite3_prepare_v2(store_db(f->s), sql, -1, &st, NULL), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            strncat(plan, (const char *)sqlite3_column_text(st, 3), sizeof plan - strlen(plan) - 2);
            strncat(plan, "\n", sizeof plan - strlen(plan) - 1);
        }
        sqlite3_finalize(st);
        if (!strstr(plan, "USING INDEX app_") || strstr(plan, "TEMP B-TREE") ||
            (k & 8 && !strstr(plan, "created_at<")))
            fail_msg("query %d does not page by index:\n%s", k, plan);
    }
}

/* The velocity count of intake reads the index only, never the rows. */
static void test_count_since_plan(void **state)
{
    fixture *f = *state;
    char sql[512], plan[1024] = "";
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", STORE_APP_COUNT_SINCE_SQL);
    assert_int_equal(sqlite3_prepare_v2(store_db(f->s), sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        strncat(plan, (const char *)sqlite3_column_text(st, 3), sizeof plan - strlen(plan) - 1);
    sqlite3_finalize(st);
    if (!strstr(plan, "COVERING INDEX app_customer_time")) fail_msg("not index-only:\n%s", plan);
}

static void test_bad_filters(void **state)
{
    fixture *f = *state;
    app_row rows[2];
    int n, more;
    app_query q = { "approvedd", NULL, NULL, 2, 0, { 0, 0 } };
    assert_int_equal(store_app_list(f->s, &q, rows, 2, &n, NULL, &more), -1);
    assert_non_null(strstr(store_errmsg(f->s), "approvedd"));
    q.status = NULL;
    q.channel = "fax";
    assert_int_equal(store_app_list(f->s, &q, rows, 2, &n, NULL, &more), -1);
    q.channel = NULL;
    q.grade = "Z";
    assert_int_equal(store_app_list(f->s, &q, rows, 2, &n, NULL, &more), -1);
    q.grade = "";
    assert_int_equal(store_app_list(f->s, &q, rows, 2, &n, NULL, &more), -1);
}

static void test_cursor_text(void **state)
{
    app_cursor c = { 1795521600123LL, 42 }, d;
    char buf[48];
    const char *bad[] = { "", ".", "1.", ".1", "-1.2", "1.-2", "1.2.3", "a.b", " 1.2", "1.2 ",
                          "+1.2", "1,2", "99999999999999999999.1", "1.0x10", NULL };
    (void)state;
    app_cursor_format(&c, buf, sizeof buf);
    assert_string_equal(buf, "1795521600123.42");
    assert_int_equal(app_cursor_parse(buf, &d), 0);
    assert_true(d.created_at == c.created_at && d.id == c.id);
    for (int i = 0; bad[i]; i++)
        if (app_cursor_parse(bad[i], &d) != -1) fail_msg("cursor '%s' was accepted", bad[i]);
    assert_int_equal(app_cursor_parse(NULL, &d), -1);
}

/* ---- single rows --------------------------------------------------- */

static void test_get_masked_and_features(void **state)
{
    fixture *f = *state;
    rng r;
    customer c, back;
    app_row row;
    features ft;
    int64_t id, cid, found;
    crypto_key other;
    rng_seed(&r, 3);
    id = add_app(f, &r, 1700000000000LL, APP_SUBMITTED, CH_OWN);
    assert_int_equal(store_app_get(f->s, id, &row), 0);
    assert_int_equal(row.grade, 0);
    assert_int_equal(row.app.channel, CH_OWN);
    assert_string_equal(row.app.partner, "途旅网");
    assert_true(row.app.version == 1);
    assert_true(row.app.updated_at == row.app.created_at);
    /* The customer behind it: regenerate the same person to know the raw data. */
    rng_seed(&r, 3);
    person_gen(&r, 30, 1700000000000LL, &c);
    {
        char m[64];
        assert_string_equal(row.name, mask_name(c.name, m, sizeof m));
        assert_string_equal(row.id_number, mask_id_number(c.id_number, m, sizeof m));
        assert_string_equal(row.mobile, mask_mobile(c.mobile, m, sizeof m));
        assert_string_equal(row.bank_card, mask_bank_card(c.bank_card, m, sizeof m));
        assert_null(strstr(row.id_number, c.id_number + 1));
    }
    assert_string_equal(row.province, c.province);
    /* Features: NaN survives as NULL, others exactly. */
    assert_true(isnan(row.app.feat.v[F_INCOME]));
    assert_int_equal(store_app_features(f->s, id, &ft), 0);
    assert_true(isnan(ft.v[F_INCOME]));
    assert_true(ft.v[F_PRICE] == (double)F_PRICE);
    assert_int_equal(store_app_features(f->s, id + 1000, &ft), 1);
    assert_int_equal(store_app_get(f->s, id + 1000, &row), 1);
    /* Sealed raw values open with the key and only with it. */
    cid = row.app.customer_id;
    assert_int_equal(store_customer_reveal(f->s, &f->key, cid, &back), 0);
    assert_string_equal(back.name, c.name);
    assert_string_equal(back.id_number, c.id_number);
    assert_string_equal(back.bank_card, c.bank_card);
    assert_int_equal(back.birth_year, c.birth_year);
    memset(&other, 0x11, sizeof other);
    assert_int_equal(store_customer_reveal(f->s, &other, cid, &back), -1);
    assert_string_equal(back.name, "");
    assert_int_equal(store_customer_find(f->s, &f->key, c.id_number, &found), 0);
    assert_true(found == cid);
    assert_int_equal(store_customer_find(f->s, &other, c.id_number, &found), 1);
    assert_int_equal(store_customer_find(f->s, &f->key, "11010519491231002X", &found), 1);
    /* No raw ID number anywhere in the customers table's text columns. */
    {
        sqlite3_stmt *st = store_stmt(f->s, "SELECT count(*) FROM customers WHERE"
            " name_masked = ?1 OR id_masked = ?1 OR mobile_masked = ?1 OR card_masked = ?1");
        sqlite3_bind_text(st, 1, c.id_number, -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), 0);
        sqlite3_reset(st);
    }
    /* Bad customers are refused. */
    c.id_number[17] = c.id_number[17] == '0' ? '1' : '0';
    assert_int_equal(store_customer_insert(f->s, &c, &f->key, &cid), -1);
}

static void test_status_versions(void **state)
{
    fixture *f = *state;
    rng r;
    int64_t id, v = 0;
    app_row row;
    rng_seed(&r, 4);
    id = add_app(f, &r, 1700000000000LL, APP_SUBMITTED, CH_API);
    assert_int_equal(store_app_set_status(f->s, id, APP_REFERRED, 1, &v), 0);
    assert_true(v == 2);
    /* A stale version is a conflict and changes nothing. */
    assert_int_equal(store_app_set_status(f->s, id, APP_APPROVED, 1, &v), 1);
    assert_int_equal(store_app_get(f->s, id, &row), 0);
    assert_int_equal(row.app.status, APP_REFERRED);
    assert_true(row.app.version == 2);
    assert_int_equal(store_app_set_status(f->s, id, APP_APPROVED, 0, &v), 0);
    assert_true(v == 3);
    assert_int_equal(store_app_set_status(f->s, id + 99, APP_APPROVED, 0, &v), 1);
}

static void test_decisions_and_defense(void **state)
{
    fixture *f = *state;
    rng r;
    int64_t id;
    app_row row;
    decision d;
    defense_state df, back;
    model_score m = { "gbdt", "2024.1", 0.125, 2 };
    char *input = NULL;
    rng_seed(&r, 5);
    id = add_app(f, &r, 1700000000000LL, APP_SUBMITTED, CH_API);
    memset(&d, 0, sizeof d);
    d.application_id = id;
    d.outcome = OUT_REFER;
    d.risk_grade = 'R';
    d.limit_fen = 3000000;
    d.apr_bp = 2399;
    yx_strlcpy(d.strategy_version, "s-7", sizeof d.strategy_version);
    yx_strlcpy(d.reasons, "models_disagree", sizeof d.reasons);
    d.decided_at = 1700000000500LL;
    {
        static char trace[] = "{\"steps\":[]}";
        d.trace_json = trace;
    }
    assert_int_equal(store_decision_put(f->s, &d, "{\"in\":true}"), 0);
    assert_int_equal(store_app_get(f->s, id, &row), 0);
    assert_int_equal(row.grade, 'R');
    assert_int_equal(row.outcome, OUT_REFER);
    assert_true(row.limit_fen == 3000000);
    assert_int_equal(row.apr_bp, 2399);
    assert_string_equal(row.reasons, "models_disagree");
    assert_true(row.app.version == 2);
    assert_true(row.app.updated_at == 1700000000500LL);
    memset(&d, 0, sizeof d);
    assert_int_equal(store_decision_get(f->s, id, &d, &input), 0);
    assert_string_equal(input, "{\"in\":true}");
    assert_string_equal(d.trace_json, "{\"steps\":[]}");
    assert_string_equal(d.strategy_version, "s-7");
    free(input);
    free(d.trace_json);
    assert_int_equal(store_decision_get(f->s, id + 50, &d, NULL), 1);
    d.application_id = id + 50;
    d.risk_grade = 'A';
    d.trace_json = NULL;
    assert_int_equal(store_decision_put(f->s, &d, NULL), 1);
    d.application_id = id;
    d.risk_grade = 'Q';
    assert_int_equal(store_decision_put(f->s, &d, NULL), -1);
    assert_int_equal(store_score_put(f->s, id, &m), 0);
    m.score = 0.25;
    assert_int_equal(store_score_put(f->s, id, &m), 0);   /* replaces */

    memset(&df, 0, sizeof df);
    df.application_id = id;
    df.l1 = L1_ESCALATED;
    df.l2 = L2_PENDING;
    df.l3 = L3_SAMPLED;
    yx_strlcpy(df.l1_user, "officer", sizeof df.l1_user);
    assert_int_equal(store_defense_put(f->s, &df, "auto"), 0);
    assert_int_equal(store_defense_get(f->s, id, &back), 0);
    assert_int_equal(back.l1, L1_ESCALATED);
    assert_int_equal(back.l2, L2_PENDING);
    assert_int_equal(back.l3, L3_SAMPLED);
    assert_string_equal(back.l1_user, "officer");
    assert_string_equal(back.l2_user, "");
    assert_int_equal(store_defense_get(f->s, id + 50, &back), 1);
    assert_int_equal(store_status_for_outcome(OUT_APPROVE), APP_APPROVED);
    assert_int_equal(store_status_for_outcome(OUT_REFER), APP_REFERRED);
    assert_int_equal(store_status_for_outcome(OUT_DECLINE), APP_DECLINED);
}

static void test_idempotent_intake(void **state)
{
    fixture *f = *state;
    rng r;
    application a;
    customer c;
    int64_t id1, id2;
    rng_seed(&r, 6);
    person_gen(&r, 40, 1700000000000LL, &c);
    memset(&a, 0, sizeof a);
    for (int i = 0; i < F__COUNT; i++) a.feat.v[i] = NAN;
    assert_int_equal(store_customer_insert(f->s, &c, &f->key, &a.customer_id), 0);
    yx_strlcpy(a.partner, "p", sizeof a.partner);
    assert_int_equal(store_app_insert_from(f->s, &a, 0, "key-1", NULL, &id1), 0);
    assert_true(a.created_at > 0);
    assert_int_equal(store_app_insert_from(f->s, &a, 0, "key-1", NULL, &id2), 1);
    assert_true(id1 == id2);
    /* A failed insert inside no transaction leaves nothing behind. */
    a.customer_id = 987654;    /* no such customer: foreign key fails */
    assert_int_equal(store_app_insert_from(f->s, &a, 0, "key-2", NULL, &id2), -1);
    assert_int_equal(store_app_insert_from(f->s, &a, 0, "key-2", NULL, &id2), -1);
}

static void test_users(void **state)
{
    fixture *f = *state;
    char hash[256];
    user u;
    int64_t id;
    assert_int_equal(store_user_add(f->s, "li.wei", ROLE_RISK, "correct horse", &id), 0);
    assert_int_equal(store_user_add(f->s, "li.wei", ROLE_OFFICER, "another one", NULL), 1);
    assert_int_equal(store_user_add(f->s, "bad name", ROLE_RISK, "correct horse", NULL), -1);
    assert_int_equal(store_user_add(f->s, "", ROLE_RISK, "correct horse", NULL), -1);
    assert_int_equal(store_user_add(f->s, "short", ROLE_RISK, "1234567", NULL), -1);
    assert_int_equal(store_user_find(f->s, "li.wei", &u, hash, sizeof hash), 0);
    assert_true(u.id == id);
    assert_int_equal(u.role, ROLE_RISK);
    assert_int_equal(u.disabled, 0);
    assert_memory_equal(hash, "$argon2id$", 10);
    assert_true(store_password_verify(hash, "correct horse"));
    assert_false(store_password_verify(hash, "correct horsE"));
    assert_false(store_password_verify("garbage", "correct horse"));
    assert_int_equal(store_user_find(f->s, "nobody", &u, NULL, 0), 1);
}

/* ---- the data key ------------------------------------------------- */

static void test_crypto(void **state)
{
    fixture *f = *state;
    char path[160], err[256], out[64];
    unsigned char sealed[64], sealed2[64], h1[CRYPTO_HASH_BYTES], h2[CRYPTO_HASH_BYTES];
    crypto_key k1, k2;
    struct stat st;
    FILE *fp;
    snprintf(path, sizeof path, "%s/k.key", f->dir);
    assert_int_equal(crypto_key_load(path, 0, &k1, err, sizeof err), -1);   /* missing */
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(crypto_key_load(path, 1, &k1, err, sizeof err), 0);    /* created */
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(crypto_key_load(path, 1, &k2, err, sizeof err), 0);    /* read back */
    assert_memory_equal(k1.k, k2.k, sizeof k1.k);
    /* Seal and open; every seal differs; a flipped bit or another key fails. */
    assert_int_equal(crypto_seal(&k1, "13812341234", 11, sealed, sizeof sealed), 0);
    assert_int_equal(crypto_seal(&k1, "13812341234", 11, sealed2, sizeof sealed2), 0);
    assert_memory_not_equal(sealed, sealed2, 11 + CRYPTO_SEAL_OVERHEAD);
    assert_int_equal(crypto_open(&k1, sealed, 11 + CRYPTO_SEAL_OVERHEAD, out, sizeof out), 0);
    assert_string_equal(out, "13812341234");
    assert_int_equal(crypto_open(&k1, sealed, 11 + CRYPTO_SEAL_OVERHEAD, out, 11), -1);  /* no room */
    sealed[30] ^= 1;
    assert_int_equal(crypto_open(&k1, sealed, 11 + CRYPTO_SEAL_OVERHEAD, out, sizeof out), -1);
    memset(&k2, 1, sizeof k2);
    assert_int_equal(crypto_open(&k2, sealed2, 11 + CRYPTO_SEAL_OVERHEAD, out, sizeof out), -1);
    assert_int_equal(crypto_open(&k1, sealed2, 10, out, sizeof out), -1);                /* truncated */
    assert_int_equal(crypto_seal(&k1, "13812341234", 11, sealed, 11), -1);
    crypto_keyed_hash(&k1, "x", 1, h1);
    crypto_keyed_hash(&k2, "x", 1, h2);
    assert_memory_not_equal(h1, h2, sizeof h1);
    crypto_keyed_hash(&k1, "x", 1, h2);
    assert_memory_equal(h1, h2, sizeof h1);
    /* Key files that are readable by others, or of the wrong size, are refused. */
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(crypto_key_load(path, 1, &k2, err, sizeof err), -1);
    assert_non_null(strstr(err, "chmod 600"));
    assert_int_equal(chmod(path, 0600), 0);
    fp = fopen(path, "a");
    assert_non_null(fp);
    fputc('x', fp);
    fclose(fp);
    assert_int_equal(crypto_key_load(path, 1, &k2, err, sizeof err), -1);
    assert_non_null(strstr(err, "33 bytes"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paging_every_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paging_while_rows_arrive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_plans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_count_since_plan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_filters, setup, teardown),
        cmocka_unit_test(test_cursor_text),
        cmocka_unit_test_setup_teardown(test_get_masked_and_features, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decisions_and_defense, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotent_intake, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crypto, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
