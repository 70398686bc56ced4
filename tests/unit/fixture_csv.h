/* Test fixtures as numeric tables: a CSV with a header row, numbers in
 * every cell, empty cells as NaN (missing). Used by the model parity tests;
 * include after cmocka.h. */
#ifndef YX_TEST_FIXTURE_CSV_H
#define YX_TEST_FIXTURE_CSV_H

#include <math.h>
#include <stdlib.h>

#include "core/csv.h"
#include "core/util.h"

/* The table owns v; free it with free(t.v). */
typedef struct {
    int nrows, ncols;
    double *v;        /* nrows * ncols */
    char head[64][32];
} table;

static void table_load(table *t, const char *path)
{
    size_t len;
    char *data = yx_read_file(path, &len, 64u << 20);
    assert_non_null(data);
    csv_reader r;
    csv_init(&r, data, len);
    assert_int_equal(csv_next(&r), 1);
    t->ncols = r.ncells;
    assert_true(t->ncols <= 64);
    for (int i = 0; i < r.ncells; i++) yx_strlcpy(t->head[i], r.cells[i], sizeof t->head[i]);
    int cap = 1024;
    t->v = malloc(sizeof(double) * (size_t)cap * (size_t)t->ncols);
    t->nrows = 0;
    int rc;
    while ((rc = csv_next(&r)) == 1) {
        assert_int_equal(r.ncells, t->ncols);
        if (t->nrows == cap) {
            cap *= 2;
            t->v = realloc(t->v, sizeof(double) * (size_t)cap * (size_t)t->ncols);
        }
        for (int i = 0; i < r.ncells; i++) {
            double *d = &t->v[t->nrows * t->ncols + i];
            if (!r.cells[i][0]) *d = NAN;
            else assert_int_equal(yx_parse_double(r.cells[i], -HUGE_VAL, HUGE_VAL, d), 0);
        }
        t->nrows++;
    }
    assert_int_equal(rc, 0);
    csv_free(&r);
    free(data);
}

#endif
