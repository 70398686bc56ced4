/* The demo's rows (see tui_demo_data.h): computed from their id, so the
 * source costs no memory. Newest first; names cycle through a list of
 * eleven with Chinese, Latin and one invalid UTF-8 name; amounts and
 * statuses come from hashes. The filter matches names, and counts and ranks
 * are computed from the name cycle, the way an indexed store answers them
 * without a scan. */
#include "tests/common/tui_demo_data.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/i18n.h"
#include "tui/text.h"

static const char *const names[DEMO_NAMES] = {
    "欧阳娜娜", "Alice Smith", "司马懿", "Bob Li", "Zhang Wei", "Ünal Öztürk",
    "Bad\xff\xfename", "Chen Jing", "Maria Garcia", "王小明", "Lee Min-ho",
};
#define NNAMES ((long)DEMO_NAMES)
static const char *const statuses[] = {"approved", "declined", "referred", "pending"};
static const char *const status_roles[] = {"ok", "error", "warning", NULL};


const struct tui_column demo_columns[DEMO_NCOLS] = {
    {"id", N_("ID"), 0, 0, TUI_COL_RIGHT | TUI_COL_SORTABLE | TUI_COL_ID},
    {"name", N_("Name"), 0, 16, TUI_COL_SORTABLE},
    {"amount", N_("Amount"), 0, 0, TUI_COL_RIGHT | TUI_COL_SORTABLE},
    {"status", N_("Status"), 0, 0, 0},
    {"channel", N_("Channel"), 0, 0, TUI_COL_HIDDEN},
};

static long amount_of(long id) { return (id * 7919 + 13) % 100000; }
/* Not periodic, so no two pages look alike to the terminal. */
static int status_of(long id) { return (int)((uint32_t)((uint64_t)id * 2654435761u) >> 30); }

static const struct demo_data *sort_ctx;
static int cmp_rows(const void *a, const void *b)
{
    long x = *(const int *)a, y = *(const int *)b;
    int c;
    if (sort_ctx->perm_col == DEMO_COL_NAME) c = strcmp(names[x % NNAMES], names[y % NNAMES]);
    else c = (amount_of(x) > amount_of(y)) - (amount_of(x) < amount_of(y));
    if (!c) c = (x > y) - (x < y);
    return sort_ctx->perm_desc ? -c : c;
}

/* Makes the order match q; natural and id orders need no memory. */
static void prepare(struct demo_data *d, const struct tui_table_query *q)
{
    if (strcmp(d->filter, q->filter)) {
        snprintf(d->filter, sizeof d->filter, "%s", q->filter);
        for (long j = 0; j < NNAMES; j++) d->match[j] = tui_text_find(names[j], q->filter) >= 0;
    }
    if ((q->sort_col == DEMO_COL_NAME || q->sort_col == DEMO_COL_AMOUNT) &&
        (!d->perm || d->perm_col != q->sort_col || d->perm_desc != q->sort_desc)) {
        free(d->perm);
        free(d->inv);
        d->perm = malloc((size_t)d->nrows * sizeof *d->perm);
        d->inv = malloc((size_t)d->nrows * sizeof *d->inv);
        if (!d->perm || !d->inv) abort();
        for (long i = 0; i < d->nrows; i++) d->perm[i] = (int)i;
        d->perm_col = q->sort_col;
        d->perm_desc = q->sort_desc;
        sort_ctx = d;
        qsort(d->perm, (size_t)d->nrows, sizeof *d->perm, cmp_rows);
        for (long i = 0; i < d->nrows; i++) d->inv[d->perm[i]] = (int)i;
    }
}

static long id_at(const struct demo_data *d, const struct tui_table_query *q, long pos)
{
    if (q->sort_col == DEMO_COL_NAME || q->sort_col == DEMO_COL_AMOUNT) return d->perm[pos];
    if (q->sort_col == DEMO_COL_ID && !q->sort_desc) return pos;
    return d->nrows - 1 - pos;
}

static long pos_of(const struct demo_data *d, const struct tui_table_query *q, long id)
{
    if (q->sort_col == DEMO_COL_NAME || q->sort_col == DEMO_COL_AMOUNT) return d->inv[id];
    if (q->sort_col == DEMO_COL_ID && !q->sort_desc) return id;
    return d->nrows - 1 - id;
}

static int matches(const struct demo_data *d, long id)
{
    return !d->filter[0] || d->match[id % NNAMES];
}

static int add_row(struct tui_rows *out, long id)
{
    char key[32], sid[32], amount[32], channel[16];
    const char *cells[DEMO_NCOLS], *roles[DEMO_NCOLS] = {0};
    snprintf(key, sizeof key, "%ld", id);
    snprintf(sid, sizeof sid, "%ld", id + 1);
    snprintf(amount, sizeof amount, "%ld.00", amount_of(id));
    snprintf(channel, sizeof channel, "ch%ld", id % 4);
    cells[DEMO_COL_ID] = sid;
    cells[DEMO_COL_NAME] = names[id % NNAMES];
    cells[DEMO_COL_AMOUNT] = amount;
    cells[DEMO_COL_STATUS] = statuses[status_of(id)];
    cells[DEMO_COL_CHANNEL] = channel;
    roles[DEMO_COL_STATUS] = status_roles[status_of(id)];
    return tui_rows_add(out, key, cells, roles);
}

static int demo_fetch(void *ctx, const struct tui_table_query *q, const char *key, int dir,
                      int n, struct tui_rows *out)
{
    struct demo_data *d = ctx;
    long pos, got = 0;
    prepare(d, q);
    if (!key) pos = dir == TUI_FETCH_BEFORE ? d->nrows - 1 : 0;
    else {
        char *end;
        long id = strtol(key, &end, 10);
        if (*end || id < 0 || id >= d->nrows) return -1;
        pos = pos_of(d, q, id) + dir;
    }
    if (dir == TUI_FETCH_FROM) dir = TUI_FETCH_AFTER;
    for (; pos >= 0 && pos < d->nrows && got < n; pos += dir) {
        long id = id_at(d, q, pos);
        if (!matches(d, id)) continue;
        if (add_row(out, id) < 0) return -1;
        got++;
    }
    return 0;
}

/* Matching ids below `below` (all when below = nrows). */
static long count_below(const struct demo_data *d, long below)
{
    long c = 0;
    if (!d->filter[0]) return below;
    for (long j = 0; j < NNAMES; j++)
        if (d->match[j] && below > j) c += (below - j + NNAMES - 1) / NNAMES;
    return c;
}

static long demo_count(void *ctx, const struct tui_table_query *q)
{
    struct demo_data *d = ctx;
    prepare(d, q);
    return count_below(d, d->nrows);
}

static long demo_rank(void *ctx, const struct tui_table_query *q, const char *key)
{
    struct demo_data *d = ctx;
    long id = strtol(key, NULL, 10), r = 0;
    prepare(d, q);
    if (q->sort_col == DEMO_COL_NAME || q->sort_col == DEMO_COL_AMOUNT) {
        for (long p = 0; p < d->inv[id]; p++) r += matches(d, d->perm[p]);
        return r;
    }
    if (q->sort_col == DEMO_COL_ID && !q->sort_desc) return count_below(d, id);
    return count_below(d, d->nrows) - count_below(d, id + 1);
}


/* Fills a detail view with the row's fields (the detail screen and the
 * preview below the list show the same). */
void demo_describe_row(struct tui_detail *dv, long id)
{
    char v[64];
    tui_detail_clear(dv);
    tui_detail_section(dv, "Applicant");
    tui_detail_field(dv, "Name", names[id % NNAMES], NULL);
    snprintf(v, sizeof v, "%ld", id + 1);
    tui_detail_field(dv, "ID", v, NULL);
    tui_detail_section(dv, "Loan");
    snprintf(v, sizeof v, "%ld.00", amount_of(id));
    tui_detail_field(dv, "Amount", v, NULL);
    tui_detail_field(dv, "Status", statuses[status_of(id)], status_roles[status_of(id)]);
    tui_detail_field(dv, "Note", "A long note that wraps over more than one line when the "
                     "window is narrow, to show wrapping by display columns: 备注可以很长。", NULL);
}

void demo_data_source(struct demo_data *d, struct tui_table_source *src)
{
    src->fetch = demo_fetch;
    src->count = demo_count;
    src->rank = demo_rank;
    src->ctx = d;
}

void demo_data_grow(struct demo_data *d, long more)
{
    d->nrows += more;
    demo_data_free(d);     /* the sort orders no longer cover every row */
}

void demo_data_free(struct demo_data *d)
{
    free(d->perm);
    free(d->inv);
    d->perm = d->inv = NULL;
}
