/* The application queue: every application the user's role may see, newest
 * first, read from the local cache in keyset pages through the table
 * widget. It shows id, time, channel, product, masked name, amount, term,
 * status and grade; Enter opens the application. Sync fills the cache
 * behind it: the table reloads when the cache changes and keeps the
 * selected application selected.
 *
 * Opened from the command line with words, it is a filtered queue:
 * ":queue referred", ":queue channel=h5 grade=E" (status, channel and grade
 * by their wire names; '/' then narrows further by text). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "screens/yx.h"
#include "tui/i18n.h"
#include "tui/table.h"

enum { COL_ID, COL_TIME, COL_CHANNEL, COL_PRODUCT, COL_NAME, COL_AMOUNT, COL_TERM,
       COL_STATUS, COL_GRADE, NCOLS };

static const struct tui_column columns[NCOLS] = {
    [COL_ID]      = { "id", N_("ID"), 6, 10, TUI_COL_RIGHT | TUI_COL_ID },
    [COL_TIME]    = { "time", N_("Time"), 11, 11, TUI_COL_SORTABLE },
    [COL_CHANNEL] = { "channel", N_("Channel"), 8, 10, 0 },
    [COL_PRODUCT] = { "product", N_("Product"), 8, 14, 0 },
    [COL_NAME]    = { "name", N_("Name"), 8, 12, 0 },
    [COL_AMOUNT]  = { "amount", N_("Amount"), 10, 14, TUI_COL_RIGHT | TUI_COL_SORTABLE },
    [COL_TERM]    = { "term", N_("Term"), 4, 6, TUI_COL_RIGHT },
    [COL_STATUS]  = { "status", N_("Status"), 9, 10, 0 },
    [COL_GRADE]   = { "grade", N_("Grade"), 5, 5, 0 },
};

static const struct tui_action_def queue_actions[] = {
    { "open", N_("Open the selected application") },
    { "sync", N_("Sync with the server now") },
    { NULL, NULL },
};

struct queue {
    struct yx *y;
    struct tui_table *table;
    struct tui_table_source src;
    unsigned gen;           /* cache generation the table shows */
    char status[16];        /* fixed filters ("" any) */
    char channel[16];
    char grade[4];
};

/* ---- the cache as the table's row source ---------------------------- */

static void filter_of(const struct queue *qs, const struct tui_table_query *q, cache_filter *f)
{
    memset(f, 0, sizeof *f);
    f->status = qs->status;
    f->channel = qs->channel;
    f->grade = qs->grade;
    f->text = q && q->filter ? q->filter : NULL;
    /* Time and amount sort; anything else is the natural newest first. */
    if (q && q->sort_col == COL_TIME) f->order = q->sort_desc ? CACHE_NEWEST : CACHE_OLDEST;
    else if (q && q->sort_col == COL_AMOUNT) f->order = q->sort_desc ? CACHE_AMOUNT_DESC : CACHE_AMOUNT_ASC;
    else f->order = CACHE_NEWEST;
}

/* Table keys are "VALUE.ID": the sort value and the id (the cursor text
 * format of the wire). */
static void key_format(cache_key k, char *buf, size_t n)
{
    app_cursor c = { k.v, k.id };
    app_cursor_format(&c, buf, n);
}

static int key_parse(const char *s, cache_key *k)
{
    app_cursor c;
    if (!s || app_cursor_parse(s, &c)) return -1;
    k->v = c.created_at;
    k->id = c.id;
    return 0;
}

/* "referred", "status=referred", "channel=h5", "grade=E", separated by
 * spaces. 0, or -1 after a toast naming the word that is wrong. */
static int parse_filters(struct tui_screen *s, struct queue *q, const char *words)
{
    char buf[160], *save = NULL;
    yx_strlcpy(buf, words, sizeof buf);
    for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(w, '='), *v = eq ? eq + 1 : w;
        app_status st;
        channel_kind ch;
        if (eq) *eq = '\0';
        if ((!eq || !strcmp(w, "status")) && !app_status_parse(v, &st)) {
            yx_strlcpy(q->status, v, sizeof q->status);
        } else if ((!eq || !strcmp(w, "channel")) && !channel_kind_parse(v, &ch)) {
            yx_strlcpy(q->channel, v, sizeof q->channel);
        } else if ((!eq || !strcmp(w, "grade")) && strlen(v) == 1 && strchr("ABCDER", v[0])) {
            yx_strlcpy(q->grade, v, sizeof q->grade);
        } else {
            tui_toast(tui_screen_app(s), TUI_TOAST_ERROR,
                      _("Unknown filter '%s' (a status, channel or grade, e.g. referred, h5, E)"), v);
            return -1;
        }
    }
    return 0;
}

static int src_fetch(void *ctx, const struct tui_table_query *q, const char *key, int dir,
                     int n, struct tui_rows *out)
{
    struct queue *qs = ctx;
    cache_filter f;
    cache_key k;
    app_row *rows;
    int got = 0, rc;
    if (key && key_parse(key, &k)) return -1;
    if (n <= 0) return 0;
    if (!(rows = malloc(sizeof *rows * (size_t)n))) return -1;
    filter_of(qs, q, &f);
    /* TUI_FETCH_BEFORE/FROM/AFTER line up with CACHE_BEFORE/FROM/AFTER. */
    rc = cache_page(qs->y->ca, &f, key ? &k : NULL, dir, rows, n, &got);
    for (int i = 0; rc == 0 && i < got; i++) {
        const app_row *r = &rows[i];
        char id[24], when[32], amount[32], term[16], grade[2] = { r->grade, 0 }, rk[48];
        const char *cells[NCOLS], *roles[NCOLS] = { 0 };
        snprintf(id, sizeof id, "%lld", (long long)r->app.id);
        snprintf(term, sizeof term, "%d", r->app.term_months);
        key_format(cache_key_of(r, f.order), rk, sizeof rk);
        cells[COL_ID] = id;
        cells[COL_TIME] = yx_fmt_time(r->app.created_at, 0, when, sizeof when);
        cells[COL_CHANNEL] = yx_label_channel(r->app.channel);
        cells[COL_PRODUCT] = yx_product_text(r);
        cells[COL_NAME] = r->name;
        cells[COL_AMOUNT] = yx_fmt_money(r->app.amount_fen, amount, sizeof amount);
        cells[COL_TERM] = term;
        cells[COL_STATUS] = yx_label_status(r->app.status);
        cells[COL_GRADE] = r->grade ? grade : "-";
        roles[COL_STATUS] = yx_role_status(r->app.status);
        if (tui_rows_add(out, rk, cells, roles) < 0) break;
    }
    free(rows);
    return rc;
}

static long src_count(void *ctx, const struct tui_table_query *q)
{
    struct queue *qs = ctx;
    cache_filter f;
    filter_of(qs, q, &f);
    return cache_count(qs->y->ca, &f);
}

static long src_rank(void *ctx, const struct tui_table_query *q, const char *key)
{
    struct queue *qs = ctx;
    cache_filter f;
    cache_key k;
    if (key_parse(key, &k)) return -1;
    filter_of(qs, q, &f);
    return cache_rank(qs->y->ca, &f, &k);
}

/* ---- the screen ----------------------------------------------------- */

static int queue_open(struct tui_screen *s, const void *arg)
{
    struct queue *q = tui_screen_priv(s);
    const char *words = arg;
    q->y = tui_app_ctx(tui_screen_app(s));
    if (words && *words) {
        if (parse_filters(s, q, words)) return -1;
        tui_screen_subtitle(s, words);
    }
    q->src = (struct tui_table_source){ src_fetch, src_count, src_rank, q };
    if (!(q->table = tui_table_new(columns, NCOLS, &q->src))) {
        tui_toast(tui_screen_app(s), TUI_TOAST_ERROR, "%s", _("Out of memory"));
        return -1;
    }
    q->gen = q->y->gen;
    tui_table_focus(s, q->table);
    return 0;
}

static void queue_draw(struct tui_screen *s, WINDOW *w)
{
    struct queue *q = tui_screen_priv(s);
    struct tui_app *app = tui_screen_app(s);
    int rows, cols;
    if (q->gen != q->y->gen) {
        q->gen = q->y->gen;
        tui_table_reload(q->table);
    }
    tui_screen_size(s, &rows, &cols);
    tui_table_draw(q->table, w, 0, 0, rows, cols, tui_app_theme(app), tui_app_ascii(app),
                   tui_app_accessible(app));
}

static int open_selected(struct tui_screen *s, struct queue *q)
{
    cache_key k;
    if (key_parse(tui_table_selected_key(q->table), &k)) return TUI_HANDLED;
    tui_push(tui_screen_app(s), &yx_detail_ops, &k.id);   /* a refusal toasts */
    return TUI_REDRAW;
}

static int queue_action(struct tui_screen *s, const struct tui_action *a)
{
    struct queue *q = tui_screen_priv(s);
    if (a->id == TUI_ACT_OPEN) return open_selected(s, q);
    if (a->id == TUI_ACT_RESUME) return TUI_REDRAW;
    if (tui_action_is(a, "sync")) {
        yx_sync_now(q->y);
        return TUI_REDRAW;
    }
    return TUI_UNHANDLED;
}

static void queue_close(struct tui_screen *s)
{
    struct queue *q = tui_screen_priv(s);
    tui_table_free(q->table);
    q->table = NULL;
}

const struct tui_screen_ops yx_queue_ops = {
    .name = "queue",
    .title = N_("Applications"),
    .priv_size = sizeof(struct queue),
    .actions = queue_actions,
    .open = queue_open,
    .draw = queue_draw,
    .on_action = queue_action,
    .close = queue_close,
};
