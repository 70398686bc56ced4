/* The table's state, shared by the file that keeps its window of rows
 * (table.c) and the one that shows it and takes actions (table_view.c). */
#ifndef TUI_TABLE_IMPL_H
#define TUI_TABLE_IMPL_H

#include "tui/table.h"

struct row {
    char *mem;                                /* one block holding the strings */
    const char *key;
    const char *cell[TUI_TABLE_MAX_COLS];
    const char *role[TUI_TABLE_MAX_COLS];
};

struct tui_rows {
    const struct tui_table *t;
    struct row *r;
    int n, max;
};

struct tui_table {
    const struct tui_column *col;
    int ncol;
    const struct tui_table_source *src;
    int order[TUI_TABLE_MAX_COLS], norder;
    int width[TUI_TABLE_MAX_COLS];            /* sticky content widths */

    struct row *buf;
    int nbuf, cap;
    int sel, top;                             /* indexes into buf */
    int at_start, at_end;                     /* buf reaches the first / last row */
    long pos, total;
    int view;                                 /* data rows in the last draw */
    int loaded;

    int sort_col, sort_desc;
    char filter[256];
    char err[160];

    int draw_y, draw_x;                       /* where the last draw put the heading */
    struct tui_screen *screen;                /* set by tui_table_focus */
};

/* Fetches the first / last rows of the query and selects the first / last. */
void tui__table_load_start(struct tui_table *t);
void tui__table_load_end(struct tui_table *t);
/* Makes sure at least k rows follow the selection when the source has them. */
void tui__table_ensure_after(struct tui_table *t, int k);
/* Moves the selection by delta rows; page moves keep the screen line.
 * Returns handler flags. */
int tui__table_move(struct tui_table *t, int delta, int page);

#endif
