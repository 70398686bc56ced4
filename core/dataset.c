/* Loading the credit data set into feature rows (see dataset.h). The header
 * decides the column order, so a reordered export still loads; every
 * feature and Status must be present. */
#include "core/dataset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/util.h"

#define DATASET_MAX_BYTES (64u * 1024 * 1024)

/* Header cells -> feature columns; col[f] is the cell index of feature f. */
static int read_header(csv_reader *r, int col[F__COUNT], int *status_col,
                       const char *name, char *err, size_t n)
{
    for (int f = 0; f < F__COUNT; f++) col[f] = -1;
    *status_col = -1;
    for (int i = 0; i < r->ncells; i++) {
        feature_id f;
        if (!strcmp(r->cells[i], "Status")) *status_col = i;
        else if (!feature_parse(r->cells[i], &f)) col[f] = i;
        else {
            snprintf(err, n, "%s:1: unknown column '%s'", name, r->cells[i]);
            return -1;
        }
    }
    if (*status_col < 0) { snprintf(err, n, "%s:1: no Status column", name); return -1; }
    for (int f = 0; f < F__COUNT; f++)
        if (col[f] < 0) {
            snprintf(err, n, "%s:1: no %s column", name, feature_name((feature_id)f));
            return -1;
        }
    return 0;
}

static int read_row(csv_reader *r, const int col[F__COUNT], int status_col, features *row,
                    int *label, const char *name, char *err, size_t n)
{
    const char *st;
    if (r->ncells != F__COUNT + 1) {
        snprintf(err, n, "%s:%d: %d cells, expected %d", name, r->line, r->ncells, F__COUNT + 1);
        return -1;
    }
    st = r->cells[status_col];
    if (!strcmp(st, "bad")) *label = 1;
    else if (!strcmp(st, "good")) *label = 0;
    else {
        snprintf(err, n, "%s:%d: Status '%s' is neither good nor bad", name, r->line, st);
        return -1;
    }
    for (int f = 0; f < F__COUNT; f++) {
        const char *cell = r->cells[col[f]];
        double v;
        if (!*cell || !strcmp(cell, "NA")) { row->v[f] = NAN; continue; }
        if (feature_is_categorical((feature_id)f)) {
            int code = feature_level_code((feature_id)f, cell);
            if (code < 0) {
                snprintf(err, n, "%s:%d: unknown %s level '%s'", name, r->line,
                         feature_name((feature_id)f), cell);
                return -1;
            }
            row->v[f] = code;
        } else if (yx_parse_double(cell, -1e12, 1e12, &v)) {
            snprintf(err, n, "%s:%d: %s '%s' is not a number", name, r->line,
                     feature_name((feature_id)f), cell);
            return -1;
        } else {
            row->v[f] = v;
        }
    }
    return 0;
}

int dataset_parse(const char *data, size_t len, const char *name, dataset *out,
                  char *err, size_t n)
{
    csv_reader r;
    int col[F__COUNT], status_col, rc, cap = 0;
    memset(out, 0, sizeof *out);
    csv_init(&r, data, len);
    rc = csv_next(&r);
    if (rc <= 0) {
        snprintf(err, n, "%s: %s", name, rc < 0 ? r.err : "empty file");
        csv_free(&r);
        return -1;
    }
    if (read_header(&r, col, &status_col, name, err, n)) goto fail;
    while ((rc = csv_next(&r)) == 1) {
        if (out->n == cap) {
            int nc = cap ? cap * 2 : 1024;
            features *nr = realloc(out->rows, sizeof *nr * (size_t)nc);
            int *nl = nr ? realloc(out->label, sizeof *nl * (size_t)nc) : NULL;
            if (nr) out->rows = nr;
            if (!nl) { snprintf(err, n, "%s: out of memory", name); goto fail; }
            out->label = nl;
            cap = nc;
        }
        if (read_row(&r, col, status_col, &out->rows[out->n], &out->label[out->n],
                     name, err, n))
            goto fail;
        out->n++;
    }
    if (rc < 0) { snprintf(err, n, "%s: %s", name, r.err); goto fail; }
    if (out->n == 0) { snprintf(err, n, "%s: no data rows", name); goto fail; }
    csv_free(&r);
    return 0;
fail:
    csv_free(&r);
    dataset_free(out);
    return -1;
}

int dataset_load(const char *path, dataset *out, char *err, size_t n)
{
    size_t len;
    char *data = yx_read_file(path, &len, DATASET_MAX_BYTES);
    int rc;
    memset(out, 0, sizeof *out);
    if (!data) {
        snprintf(err, n, "cannot read data set %s", path);
        return -1;
    }
    rc = dataset_parse(data, len, path, out, err, n);
    free(data);
    return rc;
}

void dataset_free(dataset *d)
{
    free(d->rows);
    free(d->label);
    memset(d, 0, sizeof *d);
}
