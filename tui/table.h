/* A virtualised table. Rows come from a source the application implements;
 * the table asks only for rows around the viewport, by key (keyset paging),
 * so a million rows cost what ten do. It keeps the selection on the same
 * record when rows arrive, shows "row n of m", sorts by column, lets the
 * user choose and reorder columns, sizes columns by display width, and
 * filters incrementally through the source.
 *
 * Keys are opaque NUL-terminated strings (at most TUI_TABLE_KEY_MAX-1 bytes)
 * the source chooses so that it can position a query from them (for SQL:
 * the sort value and the id). */
#ifndef TUI_TABLE_H
#define TUI_TABLE_H

#include <curses.h>

#include "tui/screen.h"
#include "tui/theme.h"

#define TUI_TABLE_MAX_COLS 24
#define TUI_TABLE_KEY_MAX  128

enum tui_column_flags {
    TUI_COL_RIGHT    = 1 << 0,  /* right-aligned (numbers) */
    TUI_COL_SORTABLE = 1 << 1,
    TUI_COL_HIDDEN   = 1 << 2,  /* not shown until chosen */
    TUI_COL_ID       = 1 << 3   /* the value 'copy' sends */
};

struct tui_column {
    const char *name;     /* stable id, for the application */
    const char *title;    /* N_() heading */
    int min_width;        /* columns; 0: the title's width */
    int max_width;        /* columns; 0: no limit */
    unsigned flags;
};

/* What the source must apply: the sort column (index into the column
 * array, -1 for the source's natural order), direction and filter text
 * ("" for none; the source decides what matches). */
struct tui_table_query {
    int sort_col;
    int sort_desc;
    const char *filter;
};

enum tui_fetch_dir {
    TUI_FETCH_BEFORE = -1,  /* rows strictly before key, nearest first; key NULL: from the end */
    TUI_FETCH_FROM   = 0,   /* the row at key (or the first after it), then after */
    TUI_FETCH_AFTER  = 1    /* rows strictly after key; key NULL: from the start */
};

/* Where a source puts rows (owned by the table). */
struct tui_rows;
/* Appends one row: cells[i] for each column in the column array (NULL is
 * empty); roles may be NULL, else a theme role name per cell (NULL: normal).
 * Strings are copied. Returns 0, or -1 when the fetch asked for fewer rows
 * (stop then) or on no memory. */
int tui_rows_add(struct tui_rows *out, const char *key, const char *const *cells,
                 const char *const *roles);

struct tui_table_source {
    /* Up to n rows in direction dir from key (see enum tui_fetch_dir), in
     * the query's order, appended with tui_rows_add. Returns 0 or -1 on
     * error (the table keeps what it has and shows the error). */
    int (*fetch)(void *ctx, const struct tui_table_query *q, const char *key, int dir,
                 int n, struct tui_rows *out);
    /* Rows matching the query, or -1 when unknown. */
    long (*count)(void *ctx, const struct tui_table_query *q);
    /* 0-based position of key in the query's order, or -1 when unknown. */
    long (*rank)(void *ctx, const struct tui_table_query *q, const char *key);
    void *ctx;
};

struct tui_table;

/* cols (ncols <= TUI_TABLE_MAX_COLS) and src must outlive the table; both
 * are used by reference. NULL on no memory or bad arguments. */
struct tui_table *tui_table_new(const struct tui_column *cols, int ncols,
                                const struct tui_table_source *src);
void tui_table_free(struct tui_table *t);

/* The source's data changed: fetch again around the selected record and
 * keep it selected at the same screen line (or its neighbour if it went). */
void tui_table_reload(struct tui_table *t);
/* Sets the filter (copied) and goes to the first match. */
void tui_table_set_filter(struct tui_table *t, const char *text);
/* Sorts by column col (-1: natural order) and goes to the top. */
void tui_table_set_sort(struct tui_table *t, int col, int desc);
/* Visible columns in display order, as indexes into the column array. */
void tui_table_set_order(struct tui_table *t, const int *order, int n);
int tui_table_order(const struct tui_table *t, int *order, int max);

/* Paints the table in the rectangle: heading, rows, and on the last line
 * "row n of m" (with the filter and sort shown). th NULL is monochrome. With
 * accessible set the window cursor is left on the selected row. */
void tui_table_draw(struct tui_table *t, WINDOW *w, int y, int x, int rows, int cols,
                    struct tui_theme *th, int ascii, int accessible);

/* The table as focused widget: moves, pages, home/end, sort, n/N, columns
 * (opens the chooser, needs tui_table_focus), mouse clicks. */
int tui_table_on_action(void *table, const struct tui_action *a);
/* Makes t the focused widget of s ("table" keymap context). */
void tui_table_focus(struct tui_screen *s, struct tui_table *t);

/* The selected row's key / cell of column col (index into the column
 * array), or NULL when the table is empty. Valid until the next change. */
const char *tui_table_selected_key(const struct tui_table *t);
const char *tui_table_selected_cell(const struct tui_table *t, int col);
/* Selected position (0-based, -1 when empty) and total rows (-1 unknown). */
long tui_table_position(const struct tui_table *t, long *total);
/* Moves the selection to the record with this key (fetching around it);
 * 0, or -1 when the source has no such row. */
int tui_table_select_key(struct tui_table *t, const char *key);
/* The error from the last fetch, or NULL. */
const char *tui_table_error(const struct tui_table *t);

#endif
