/* The demo's synthetic loan rows and their table source: any number of
 * rows (a million costs nothing), with CJK and invalid UTF-8 names, sorting
 * and a name filter. */
#ifndef TUI_DEMO_DATA_H
#define TUI_DEMO_DATA_H

#include "tui/detail.h"
#include "tui/table.h"

#define DEMO_NAMES 11

struct demo_data {
    long nrows;                 /* ids 0..nrows-1, shown newest (highest) first */
    int match[DEMO_NAMES];      /* which names the current filter matches */
    char filter[256];
    int *perm;                  /* order for the name/amount sorts, else NULL */
    int *inv;
    int perm_col, perm_desc;
};

enum { DEMO_COL_ID, DEMO_COL_NAME, DEMO_COL_AMOUNT, DEMO_COL_STATUS, DEMO_COL_CHANNEL, DEMO_NCOLS };
extern const struct tui_column demo_columns[DEMO_NCOLS];

/* Fills src with the functions reading d (d must outlive the table). */
void demo_data_source(struct demo_data *d, struct tui_table_source *src);
/* Adds rows at the top (newest), as if they had just arrived. */
void demo_data_grow(struct demo_data *d, long more);
/* Frees the sort orders (d itself is the caller's). */
void demo_data_free(struct demo_data *d);
/* Fills dv with the fields of row id. */
void demo_describe_row(struct tui_detail *dv, long id);

#endif
