/* The credit data set (assets/data/credit_data.csv) in memory: one row of
 * features per applicant plus the label (Status "bad" = 1). Categorical
 * columns become level codes (core/domain.h); empty cells (missing values)
 * become NaN. Unknown levels and non-numbers are errors, not missing. */
#ifndef YX_DATASET_H
#define YX_DATASET_H

#include <stddef.h>

#include "core/domain.h"

typedef struct {
    features *rows;   /* n rows, owned; freed by dataset_free */
    int      *label;  /* n labels: 1 bad, 0 good */
    int       n;
} dataset;

/* Loads a CSV with a header naming Status and the feature columns in any
 * order. 0 ok; -1 with "FILE:LINE: reason" in err and *out left empty. */
int  dataset_load(const char *path, dataset *out, char *err, size_t n);
/* The same from memory (name is used in messages). */
int  dataset_parse(const char *data, size_t len, const char *name, dataset *out,
                   char *err, size_t n);
void dataset_free(dataset *d);

#endif
