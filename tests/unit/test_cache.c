/* The console's local cache: migrations, idempotent upserts by version, the
 * refusal of unmasked data, keyset pages in both directions that neither
 * repeat nor skip rows (also while rows arrive), counts, ranks, filters and
 * the sync state table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/cache.h"
#include "tests/common/tmpdir.h"

static char tmpdir[64];
static char path[128];

static int setup(void **state)
{
    (void)state;
    if (!yx_test_mkdtemp(tmpdir, sizeof tmpdir, "yx-cache")) return -1;
    snprintf(path, sizeof path, "%s/cache.db", tmpdir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    yx_test_rmtree(tmpdir);
    return 0;
}

static const char *const statuses[] = { "submitted", "approved", "declined", "referred" };

/* A masked row; created_at repeats every 7 ids so ties in time are common. */
static app_row make_row(int64_t id, int64_t version)
{
    app_row r;
    memset(&r, 0, sizeof r);
    r.app.id = id;
    r.app.customer_id = 1000 + id;
    r.app.created_at = 1700000000000 + (id / 7) * 1000;
    r.app.updated_at = r.app.created_at;
    r.app.channel = (channel_kind)(id % CH__COUNT);
    r.app.product = (product_kind)(id % PROD__COUNT);
    snprintf(r.app.partner, sizeof r.app.partner, "partner-%d", (int)(id % 5));
    snprintf(r.app.product_item, sizeof r.app.product_item, "%s", id % 2 ? "数码3C" : "家电");
    snprintf(r.app.scene, sizeof r.app.scene, "shopping");
    r.app.amount_fen = 100000 + (id % 37) * 100;   /* amounts tie often too */
    r.app.term_months = 12;
    r.app.completeness = CPL_BANK_CARD;
    app_status_parse(statuses[id % 4], &r.app.status);
    r.app.version = version;
    snprintf(r.name, sizeof r.name, "%s", id % 3 ? "欧阳**" : "司马*");
    snprintf(r.id_number, sizeof r.id_number, "1****************X");
    snprintf(r.mobile, sizeof r.mobile, "138****1234");
    snprintf(r.bank_card, sizeof r.bank_card, "622848*********1234");
    snprintf(r.province, sizeof r.province, "浙江省");
    snprintf(r.city, sizeof r.city, "杭州市");
    r.grade = id % 5 == 0 ? 0 : (char)('A' + id % 5);
    r.outcome = OUT_REFER;
    r.limit_fen = 500000;
    r.apr_bp = 1800;
    return r;
}

static cache *open_cache(void)
{
    cache *c = NULL;
    char err[256];
    assert_int_equal(cache_open(&c, path, err, sizeof err), 0);
    return c;
}

static void fill(cache *c, int64_t from, int64_t to)
{
    app_row rows[64];
    int n = 0, changed;
    for (int64_t id = from; id <= to; id++) {
        rows[n++] = make_row(id, 1);
        if (n == 64 || id == to) {
            assert_int_equal(cache_upsert(c, rows, n, &changed), 0);
            n = 0;
        }
    }
}

static void test_open_migrates_once(void **state)
{
    cache *c = open_cache();
    char v[32];
    struct stat sb;
    (void)state;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);   /* for the user alone */
    assert_int_equal(cache_meta_set(c, "sync.list_done", "1"), 0);
    cache_close(c);
    c = open_cache();   /* re-running the migrations is a no-op: data stays */
    assert_int_equal(cache_meta_get(c, "sync.list_done", v, sizeof v), 0);
    assert_string_equal(v, "1");
    assert_int_equal(cache_count(c, NULL), 0);
    cache_close(c);
}

/* A cache made by an older console (schema 1) is brought forward with its
 * rows; one made by a newer console is refused, not damaged. */
static void test_migrates_old_and_refuses_newer(void **state)
{
    cache *c = open_cache();
    sqlite3 *db;
    sqlite3_stmt *st;
    char err[256];
    (void)state;
    fill(c, 1, 30);
    cache_close(c);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP INDEX app_amount; PRAGMA user_version=1", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    c = open_cache();
    assert_int_equal(cache_count(c, NULL), 30);
    cache_close(c);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name = 'app_amount'",
                                        -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    c = NULL;
    assert_int_equal(cache_open(&c, path, err, sizeof err), -1);
    assert_null(c);
    assert_non_null(strstr(err, "newer than this program"));
}

static void test_upsert_idempotent_and_versioned(void **state)
{
    cache *c = open_cache();
    app_row rows[20], got;
    int changed = -1;
    (void)state;
    for (int i = 0; i < 20; i++) rows[i] = make_row(i + 1, 3);
    assert_int_equal(cache_upsert(c, rows, 20, &changed), 0);
    assert_int_equal(changed, 20);
    assert_int_equal(cache_upsert(c, rows, 20, &changed), 0);
    assert_int_equal(changed, 0);
    assert_int_equal(cache_count(c, NULL), 20);

    /* An older version never replaces a newer one... */
    rows[4].app.version = 2;
    rows[4].app.status = APP_DECLINED;
    assert_int_equal(cache_upsert(c, &rows[4], 1, &changed), 0);
    assert_int_equal(changed, 0);
    assert_int_equal(cache_get(c, 5, &got), 0);
    assert_int_equal(got.app.version, 3);
    /* ...a newer one does, field by field. */
    rows[4].app.version = 4;
    rows[4].grade = 'E';
    rows[4].outcome = OUT_DECLINE;
    snprintf(rows[4].reasons, sizeof rows[4].reasons, "R01,R07");
    assert_int_equal(cache_upsert(c, &rows[4], 1, &changed), 0);
    assert_int_equal(changed, 1);
    assert_int_equal(cache_get(c, 5, &got), 0);
    assert_int_equal(got.app.version, 4);
    assert_int_equal(got.app.status, APP_DECLINED);
    assert_int_equal(got.grade, 'E');
    assert_int_equal(got.outcome, OUT_DECLINE);
    assert_string_equal(got.reasons, "R01,R07");
    assert_string_equal(got.name, rows[4].name);
    assert_string_equal(got.app.product_item, rows[4].app.product_item);
    assert_int_equal(got.app.amount_fen, rows[4].app.amount_fen);
    assert_int_equal(cache_get(c, 999, &got), 1);
    cache_close(c);
}

static void test_refuses_unmasked(void **state)
{
    cache *c = open_cache();
    app_row rows[3];
    int changed;
    (void)state;
    for (int i = 0; i < 3; i++) rows[i] = make_row(i + 1, 1);
    snprintf(rows[1].id_number, sizeof rows[1].id_number, "11010519491231002X");
    assert_int_equal(cache_upsert(c, rows, 3, &changed), -1);
    assert_non_null(strstr(cache_errmsg(c), "id_number"));
    assert_int_equal(cache_count(c, NULL), 0);      /* all or nothing */

    rows[1] = make_row(2, 1);
    snprintf(rows[1].mobile, sizeof rows[1].mobile, "13812341234");
    assert_int_equal(cache_upsert(c, rows, 3, &changed), -1);
    rows[1] = make_row(2, 1);
    snprintf(rows[1].bank_card, sizeof rows[1].bank_card, "6228480402564890018");
    assert_int_equal(cache_upsert(c, rows, 3, &changed), -1);
    rows[1] = make_row(2, 1);
    snprintf(rows[1].name, sizeof rows[1].name, "欧阳娜娜");
    assert_int_equal(cache_upsert(c, rows, 3, &changed), -1);
    assert_int_equal(cache_count(c, NULL), 0);

    rows[1] = make_row(2, 1);
    assert_int_equal(cache_upsert(c, rows, 3, &changed), 0);
    assert_int_equal(cache_count(c, NULL), 3);
    cache_close(c);
}

static int key_cmp(cache_key a, cache_key b)
{
    if (a.v != b.v) return a.v < b.v ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id;
}

/* Walks the whole list of f's order in pages of 37 in direction dir,
 * checking that every key moves the right way. */
static int walk(cache *c, const cache_filter *f, int dir, int64_t *seen, int max)
{
    app_row rows[37];
    cache_key key, prev = { 0, 0 };
    int order = f ? f->order : CACHE_NEWEST, n, total = 0, have_key = 0;
    int desc = order == CACHE_NEWEST || order == CACHE_AMOUNT_DESC;
    do {
        assert_int_equal(cache_page(c, f, have_key ? &key : NULL, dir, rows, 37, &n), 0);
        for (int i = 0; i < n; i++) {
            cache_key cur = cache_key_of(&rows[i], order);
            /* After the key in a descending order is smaller; walking
             * backwards flips it. */
            if (total > 0) assert_int_equal(key_cmp(cur, prev), (desc != (dir < 0)) ? -1 : 1);
            prev = cur;
            assert_true(total < max);
            seen[total++] = rows[i].app.id;
        }
        if (n) { key = prev; have_key = 1; }
    } while (n == 37);
    return total;
}

static void test_keyset_neither_repeats_nor_skips(void **state)
{
    cache *c = open_cache();
    static int64_t seen[2000];
    static int hits[1001];
    cache_filter f = { .status = "declined" };
    (void)state;
    fill(c, 1, 1000);
    assert_int_equal(cache_count(c, NULL), 1000);
    /* Every order, both ways: each row exactly once. */
    for (int order = 0; order < CACHE__ORDERS; order++) {
        cache_filter o = { .order = order };
        for (int dir = -1; dir <= 1; dir += 2) {
            memset(hits, 0, sizeof hits);
            assert_int_equal(walk(c, &o, dir, seen, 2000), 1000);
            for (int i = 0; i < 1000; i++) hits[seen[i]]++;
            for (int id = 1; id <= 1000; id++) assert_int_equal(hits[id], 1);
        }
    }
    /* An amount order under a filter too. */
    {
        cache_filter fa = { .status = "declined", .order = CACHE_AMOUNT_ASC };
        assert_int_equal(walk(c, &fa, 1, seen, 2000), 250);
        for (int i = 0; i < 250; i++) assert_int_equal(seen[i] % 4, 2);
    }
    /* A filtered walk sees exactly the matching rows. */
    assert_int_equal(cache_count(c, &f), 250);
    assert_int_equal(walk(c, &f, 1, seen, 2000), 250);
    for (int i = 0; i < 250; i++) assert_int_equal(seen[i] % 4, 2);
    cache_close(c);
}

static void test_keyset_while_rows_arrive(void **state)
{
    cache *c = open_cache();
    app_row rows[50];
    static int hits[2001];
    cache_key key;
    int n, have_key = 0, total = 0;
    int64_t next_new = 1001;
    (void)state;
    fill(c, 1, 1000);
    memset(hits, 0, sizeof hits);
    do {
        assert_int_equal(cache_page(c, NULL, have_key ? &key : NULL, CACHE_AFTER, rows, 50, &n), 0);
        for (int i = 0; i < n; i++) hits[rows[i].app.id]++;
        total += n;
        if (n) {
            key = (cache_key){ rows[n - 1].app.created_at, rows[n - 1].app.id };
            have_key = 1;
        }
        /* Newer applications arrive between pages (and are ahead of the
         * reader, so it does not see them). */
        fill(c, next_new, next_new + 9);
        next_new += 10;
    } while (n == 50);
    assert_int_equal(total, 1000);
    for (int id = 1; id <= 1000; id++) assert_int_equal(hits[id], 1);
    assert_int_equal(cache_count(c, NULL), 1000 + (next_new - 1001));
    cache_close(c);
}

static void test_from_rank_and_text(void **state)
{
    cache *c = open_cache();
    app_row rows[10], top[10];
    cache_filter ch = { .channel = "h5", .grade = "B" };
    cache_filter txt = { .text = "司马" }, id_txt = { .text = "PARTNER-3" };
    int n;
    (void)state;
    fill(c, 1, 300);
    assert_int_equal(cache_page(c, NULL, NULL, CACHE_AFTER, top, 10, &n), 0);
    assert_int_equal(n, 10);
    for (int i = 0; i < 10; i++) {
        cache_key k = { top[i].app.created_at, top[i].app.id };
        assert_int_equal(cache_rank(c, NULL, &k), i);
    }
    /* FROM starts at the key's own row. */
    {
        cache_key k = { top[3].app.created_at, top[3].app.id };
        assert_int_equal(cache_page(c, NULL, &k, CACHE_FROM, rows, 2, &n), 0);
        assert_int_equal(n, 2);
        assert_int_equal(rows[0].app.id, top[3].app.id);
        assert_int_equal(rows[1].app.id, top[4].app.id);
        /* BEFORE goes back up, nearest first. */
        assert_int_equal(cache_page(c, NULL, &k, CACHE_BEFORE, rows, 10, &n), 0);
        assert_int_equal(n, 3);
        assert_int_equal(rows[0].app.id, top[2].app.id);
        assert_int_equal(rows[2].app.id, top[0].app.id);
    }
    /* Ranks in amount order: the position in a walk from the start. */
    {
        cache_filter amt = { .order = CACHE_AMOUNT_DESC };
        app_row page[25];
        assert_int_equal(cache_page(c, &amt, NULL, CACHE_AFTER, page, 25, &n), 0);
        assert_int_equal(n, 25);
        for (int i = 0; i < 25; i++) {
            cache_key k = cache_key_of(&page[i], CACHE_AMOUNT_DESC);
            assert_int_equal(cache_rank(c, &amt, &k), i);
            if (i) assert_true(page[i].app.amount_fen <= page[i - 1].app.amount_fen);
        }
    }
    /* Combined filters: channel h5 is id % 4 == 2, grade B is id % 5 == 1. */
    {
        long want = 0;
        for (int id = 1; id <= 300; id++) want += id % 4 == 2 && id % 5 == 1;
        assert_int_equal(cache_count(c, &ch), want);
    }
    assert_int_equal(cache_count(c, &txt), 100);     /* id % 3 == 0 */
    assert_int_equal(cache_count(c, &id_txt), 60);   /* case-insensitive */
    cache_close(c);
}

static void test_meta_and_clear(void **state)
{
    cache *c = open_cache();
    char v[8];
    (void)state;
    fill(c, 1, 10);
    assert_int_equal(cache_meta_get(c, "list.resume", v, sizeof v), 1);
    assert_int_equal(cache_meta_set(c, "list.resume", "123.45"), 0);
    assert_int_equal(cache_meta_set(c, "list.resume", "1700000000000.9"), 0);
    assert_int_equal(cache_meta_get(c, "list.resume", v, sizeof v), 0);
    assert_string_equal(v, "1700000");   /* truncated to the buffer */
    assert_int_equal(cache_meta_set(c, "list.resume", NULL), 0);
    assert_int_equal(cache_meta_get(c, "list.resume", v, sizeof v), 1);
    assert_int_equal(cache_meta_set(c, "server", "x"), 0);
    assert_int_equal(cache_clear(c), 0);
    assert_int_equal(cache_count(c, NULL), 0);
    assert_int_equal(cache_meta_get(c, "server", v, sizeof v), 1);
    cache_close(c);
}

static void test_default_path(void **state)
{
    char p[512], err[256], want[512], state_dir[128];
    struct stat sb;
    (void)state;
    snprintf(state_dir, sizeof state_dir, "%s/state/deep", tmpdir);
    setenv("XDG_STATE_HOME", state_dir, 1);
    assert_int_equal(cache_default_path(p, sizeof p, "officer", "127.0.0.1:8080/x y", err, sizeof err), 0);
    snprintf(want, sizeof want, "%s/yixiang/cache-officer-127.0.0.1_8080_x_y.db", state_dir);
    assert_string_equal(p, want);
    snprintf(want, sizeof want, "%s/yixiang", state_dir);
    assert_int_equal(stat(want, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    unsetenv("XDG_STATE_HOME");
    setenv("HOME", tmpdir, 1);
    assert_int_equal(cache_default_path(p, sizeof p, "risk", "demo", err, sizeof err), 0);
    snprintf(want, sizeof want, "%s/.local/state/yixiang/cache-risk-demo.db", tmpdir);
    assert_string_equal(p, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_migrates_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrates_old_and_refuses_newer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upsert_idempotent_and_versioned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_unmasked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyset_neither_repeats_nor_skips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyset_while_rows_arrive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_from_rank_and_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_meta_and_clear, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_path, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
