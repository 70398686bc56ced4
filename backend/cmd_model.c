/* yxd model predict: evaluates an XGBoost JSON model on the rows of a CSV
 * file, the way XGBoost's own predict does, so a model can be checked
 * against Python's output. Columns are matched to the model's features by
 * header name (other columns are ignored); an empty cell is missing; a
 * categorical feature of the credit data set may be given by level name. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cmd.h"
#include "core/csv.h"
#include "core/domain.h"
#include "core/gbdt.h"
#include "core/util.h"

static const char usage_text[] =
    "usage: yxd model predict --model FILE.json --csv FILE [--margin] [--contribs]\n"
    "Prints one line per CSV row: the prediction (or with --margin the raw\n"
    "margin; with --contribs the per-feature contributions, bias last,\n"
    "comma-separated). The CSV's header names the columns.\n";

/* Maps model feature i to its CSV column (col[i]); -1 with a message when a
 * feature has no column. */
static int map_columns(const gbdt *m, const csv_reader *r, int *col, const char *csv, char *err, size_t n)
{
    int nf = gbdt_num_features(m);
    for (int i = 0; i < nf; i++) {
        const char *name = gbdt_feature_name(m, i);
        col[i] = -1;
        if (!name) {
            /* a model without names reads the first columns in order */
            if (i < r->ncells) col[i] = i;
        } else {
            for (int c = 0; c < r->ncells; c++)
                if (!strcmp(r->cells[c], name)) { col[i] = c; break; }
        }
        if (col[i] < 0) {
            snprintf(err, n, "%s:1: no column for model feature %d (%s)", csv, i + 1, name ? name : "unnamed");
            return -1;
        }
    }
    return 0;
}

static int cell_value(const char *cell, const char *fname, double *out)
{
    feature_id id;
    if (!cell[0]) { *out = NAN; return 0; }
    if (!yx_parse_double(cell, -HUGE_VAL, HUGE_VAL, out)) return 0;
    if (fname && !feature_parse(fname, &id) && feature_is_categorical(id)) {
        int code = feature_level_code(id, cell);
        if (code >= 0) { *out = code; return 0; }
    }
    return -1;
}

static int predict(const gbdt *m, const char *csv, int margin, int contribs)
{
    size_t len;
    char *data = yx_read_file(csv, &len, (size_t)1 << 30);
    if (!data) {
        fprintf(stderr, "yxd model: cannot read %s: %s\n", csv, strerror(errno));
        return 1;
    }
    int nf = gbdt_num_features(m), rc = 0;
    int *col = calloc((size_t)nf, sizeof *col);
    double *x = calloc((size_t)nf + 1, sizeof *x), *c = calloc((size_t)nf + 1, sizeof *c);
    char err[512];
    csv_reader r;
    csv_init(&r, data, len);
    int got = csv_next(&r);
    if (!col || !x || !c) { fprintf(stderr, "yxd model: out of memory\n"); rc = 1; goto done; }
    if (got != 1) {
        fprintf(stderr, "yxd model: %s: %s\n", csv, got < 0 ? r.err : "empty file: a header row is needed");
        rc = 1;
        goto done;
    }
    if (map_columns(m, &r, col, csv, err, sizeof err)) { fprintf(stderr, "yxd model: %s\n", err); rc = 1; goto done; }
    while ((got = csv_next(&r)) == 1) {
        for (int i = 0; i < nf; i++) {
            if (col[i] >= r.ncells) {
                fprintf(stderr, "yxd model: %s:%d: %d columns, expected at least %d\n", csv, r.line, r.ncells, col[i] + 1);
                rc = 1;
                goto done;
            }
            if (cell_value(r.cells[col[i]], gbdt_feature_name(m, i), &x[i])) {
                fprintf(stderr, "yxd model: %s:%d: column %d (%s): not a number: \"%.40s\"\n", csv, r.line,
                        col[i] + 1, gbdt_feature_name(m, i) ? gbdt_feature_name(m, i) : "unnamed", r.cells[col[i]]);
                rc = 1;
                goto done;
            }
        }
        if (contribs) {
            gbdt_contribs(m, x, c);
            for (int i = 0; i <= nf; i++) printf("%s%.9g", i ? "," : "", c[i]);
            putchar('\n');
        } else if (margin) {
            printf("%.9g\n", gbdt_margin(m, x));
        } else {
            printf("%.9g\n", gbdt_predict(m, x));
        }
    }
    if (got < 0) { fprintf(stderr, "yxd model: %s: %s\n", csv, r.err); rc = 1; }
done:
    if (fflush(stdout)) { fprintf(stderr, "yxd model: cannot write output: %s\n", strerror(errno)); rc = 1; }
    csv_free(&r);
    free(col);
    free(x);
    free(c);
    free(data);
    return rc;
}

int cmd_model(int argc, char **argv)
{
    const char *model = NULL, *csv = NULL;
    int margin = 0, contribs = 0;
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) { fputs(usage_text, stdout); return 0; }
    if (argc < 2 || strcmp(argv[1], "predict")) {
        fprintf(stderr, "yxd model: expected predict (try yxd model --help)\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(usage_text, stdout); return 0; }
        if (!strcmp(argv[i], "--model") && i + 1 < argc) model = argv[++i];
        else if (!strcmp(argv[i], "--csv") && i + 1 < argc) csv = argv[++i];
        else if (!strcmp(argv[i], "--margin")) margin = 1;
        else if (!strcmp(argv[i], "--contribs")) contribs = 1;
        else {
            fprintf(stderr, "yxd model: unknown option %s (try yxd model --help)\n", argv[i]);
            return 2;
        }
    }
    if (!model || !csv) {
        fprintf(stderr, "yxd model: --model FILE.json and --csv FILE are required\n");
        return 2;
    }
    if (margin && contribs) {
        fprintf(stderr, "yxd model: choose one of --margin and --contribs\n");
        return 2;
    }
    gbdt *m;
    char err[512];
    if (gbdt_load_file(&m, model, err, sizeof err)) {
        fprintf(stderr, "yxd model: %s\n", err);
        return 1;
    }
    int rc = predict(m, csv, margin, contribs);
    gbdt_free(m);
    return rc;
}
