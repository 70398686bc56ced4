/* The virtualised table against a counting source: it asks only for rows
 * near the viewport (never everything), tracks "row n of m" on moves,
 * keeps the selected record through inserts, filters and sorts through the
 * source, and reports a failing source instead of losing its rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/table.h"

/* Rows are ids lo..hi-1 ascending (descending with sort_desc); the filter
 * "even" keeps even ids. Keys are the id in decimal. */
struct src {
    long lo, hi;
    long fetches, rows_fetched, biggest;
    int fail;
};

static int keep(const struct tui_table_query *q, long id)
{
    return strcmp(q->filter, "even") || id % 2 == 0;
}

static int fetch(void *ctx, const struct tui_table_query *q, const char *key, int dir, int n,
                 struct tui_rows *out)
{
    struct src *s = ctx;
    int step = q->sort_desc ? -1 : 1, got = 0;
    long id;
    s->fetches++;
    if (n > s->biggest) s->biggest = n;
    if (s->fail) return -1;
    if (!key) id = (dir == TUI_FETCH_BEFORE) == !q->sort_desc ? s->hi - 1 : s->lo;
    else id = atol(key) + (dir == TUI_FETCH_FROM ? 0 : dir * step);
    if (dir == TUI_FETCH_FROM) dir = TUI_FETCH_AFTER;
    /* A key outside the rows still positions: start at the nearest edge. */
    if (dir * step > 0 && id < s->lo) id = s->lo;
    if (dir * step < 0 && id >= s->hi) id = s->hi - 1;
    for (; id >= s->lo && id < s->hi && got < n; id += dir * step) {
        char k[32], name[32];
        const char *cells[2] = {k, name};
        if (!keep(q, id)) continue;
        snprintf(k, sizeof k, "%ld", id);
        snprintf(name, sizeof name, "name %ld", id);
        assert_int_equal(tui_rows_add(out, k, cells, NULL), 0);
        got++;
    }
    s->rows_fetched += got;
    return 0;
}

static long count(void *ctx, const struct tui_table_query *q)
{
    struct src *s = ctx;
    long n = s->hi - s->lo;
    return strcmp(q->filter, "even") ? n : (s->hi + 1) / 2 - (s->lo + 1) / 2;
}

static long rank(void *ctx, const struct tui_table_query *q, const char *key)
{
    struct src *s = ctx;
    long id = atol(key), before = q->sort_desc ? s->hi - 1 - id : id - s->lo;
    if (!strcmp(q->filter, "even")) before = q->sort_desc ? (s->hi - id) / 2 : (id - s->lo + 1) / 2;
    return before;
}

static const struct tui_column cols[2] = {
    {"id", "ID", 0, 0, TUI_COL_ID | TUI_COL_SORTABLE},
    {"name", "Name", 0, 0, 0},
};

static int act(struct tui_table *t, int id)
{
    struct tui_action a;
    memset(&a, 0, sizeof a);
    a.id = id;
    a.name = "";
    return tui_table_on_action(t, &a);
}

static void test_moves_fetch_only_near_rows(void **state)
{
    struct src s = {0, 1000000, 0, 0, 0, 0};
    struct tui_table_source src = {fetch, count, rank, &s};
    struct tui_table *t = tui_table_new(cols, 2, &src);
    long total;
    (void)state;
    assert_non_null(t);
    assert_int_equal(act(t, TUI_ACT_MOVE_DOWN), TUI_REDRAW);   /* loads lazily */
    for (int i = 0; i < 5000; i++) act(t, TUI_ACT_MOVE_DOWN);
    assert_int_equal(tui_table_position(t, &total), 5001);
    assert_int_equal(total, 1000000);
    assert_string_equal(tui_table_selected_key(t), "5001");
    assert_string_equal(tui_table_selected_cell(t, 1), "name 5001");
    /* Keyset paging: a few rows per fetch, about as many rows read as
     * moved over, never the whole source. */
    assert_true(s.biggest <= 100);
    assert_true(s.rows_fetched < 5001 + 200);
    for (int i = 0; i < 3; i++) act(t, TUI_ACT_PAGE_DOWN);
    assert_int_equal(tui_table_position(t, NULL), 5001 + 60);   /* default view 20 */
    act(t, TUI_ACT_PAGE_UP);
    assert_int_equal(tui_table_position(t, NULL), 5001 + 40);
    for (int i = 0; i < 6000; i++) act(t, TUI_ACT_MOVE_UP);
    assert_int_equal(tui_table_position(t, NULL), 0);
    assert_int_equal(act(t, TUI_ACT_MOVE_UP), TUI_HANDLED);     /* already at the top */
    s.rows_fetched = 0;
    act(t, TUI_ACT_END);
    assert_string_equal(tui_table_selected_key(t), "999999");
    assert_int_equal(tui_table_position(t, NULL), 999999);
    assert_true(s.rows_fetched <= 100);
    act(t, TUI_ACT_MOVE_DOWN);
    assert_string_equal(tui_table_selected_key(t), "999999");
    act(t, TUI_ACT_HOME);
    assert_string_equal(tui_table_selected_key(t), "0");
    tui_table_free(t);
}

static void test_selection_follows_record(void **state)
{
    struct src s = {100, 200, 0, 0, 0, 0};
    struct tui_table_source src = {fetch, count, rank, &s};
    struct tui_table *t = tui_table_new(cols, 2, &src);
    (void)state;
    for (int i = 0; i < 10; i++) act(t, TUI_ACT_MOVE_DOWN);
    assert_string_equal(tui_table_selected_key(t), "110");
    s.lo = 50;                     /* fifty rows arrive before it */
    tui_table_reload(t);
    assert_string_equal(tui_table_selected_key(t), "110");
    assert_int_equal(tui_table_position(t, NULL), 60);
    s.lo = 111;                    /* it and those before it go: the next one */
    tui_table_reload(t);
    assert_string_equal(tui_table_selected_key(t), "111");
    assert_int_equal(tui_table_select_key(t, "150"), 0);
    assert_string_equal(tui_table_selected_key(t), "150");
    assert_int_equal(tui_table_select_key(t, "5"), -1);       /* no such row: unchanged */
    assert_string_equal(tui_table_selected_key(t), "150");
    tui_table_free(t);
}

static void test_filter_and_sort_go_through_source(void **state)
{
    struct src s = {0, 1000, 0, 0, 0, 0};
    struct tui_table_source src = {fetch, count, rank, &s};
    struct tui_table *t = tui_table_new(cols, 2, &src);
    long total;
    (void)state;
    tui_table_set_filter(t, "even");
    assert_int_equal(tui_table_position(t, &total), 0);
    assert_int_equal(total, 500);
    act(t, TUI_ACT_NEXT_MATCH);
    assert_string_equal(tui_table_selected_key(t), "2");
    act(t, TUI_ACT_PREV_MATCH);
    act(t, TUI_ACT_PREV_MATCH);                   /* wraps to the last match */
    assert_string_equal(tui_table_selected_key(t), "998");
    assert_int_equal(tui_table_position(t, NULL), 499);
    tui_table_set_filter(t, "");
    act(t, TUI_ACT_SORT);                         /* the first sortable column */
    act(t, TUI_ACT_SORT_REVERSE);
    assert_string_equal(tui_table_selected_key(t), "999");
    act(t, TUI_ACT_MOVE_DOWN);
    assert_string_equal(tui_table_selected_key(t), "998");
    assert_int_equal(tui_table_position(t, NULL), 1);
    tui_table_free(t);
}

static void test_columns_and_errors(void **state)
{
    struct src s = {0, 0, 0, 0, 0, 0};
    struct tui_table_source src = {fetch, count, rank, &s};
    struct tui_table *t = tui_table_new(cols, 2, &src);
    int order[4], n;
    static const int swapped[2] = {1, 0};
    long total;
    (void)state;
    assert_null(tui_table_new(cols, 0, &src));
    act(t, TUI_ACT_MOVE_DOWN);
    assert_null(tui_table_selected_key(t));        /* empty is fine */
    assert_int_equal(tui_table_position(t, &total), -1);
    assert_int_equal(total, 0);
    n = tui_table_order(t, order, 4);
    assert_int_equal(n, 2);
    tui_table_set_order(t, swapped, 2);
    n = tui_table_order(t, order, 4);
    assert_int_equal(order[0], 1);
    assert_int_equal(order[1], 0);
    /* A failing source: the table says so and keeps what it had. */
    s.hi = 50;
    tui_table_reload(t);
    assert_string_equal(tui_table_selected_key(t), "0");
    s.fail = 1;
    act(t, TUI_ACT_END);
    assert_non_null(tui_table_error(t));
    s.fail = 0;
    act(t, TUI_ACT_HOME);
    assert_null(tui_table_error(t));
    tui_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moves_fetch_only_near_rows),
        cmocka_unit_test(test_selection_follows_record),
        cmocka_unit_test(test_filter_and_sort_go_through_source),
        cmocka_unit_test(test_columns_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
