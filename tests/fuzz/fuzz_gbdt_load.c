/* libFuzzer target for the XGBoost JSON model loader: any input must be
 * either refused with a message or loaded into a model that evaluates
 * without crashing (built by `make fuzz` with clang). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/gbdt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gbdt *m;
    char err[256];
    if (gbdt_load_json(&m, (const char *)data, size, "fuzz.json", err, sizeof err)) {
        if (!memchr(err, '\0', sizeof err) || strncmp(err, "fuzz.json: ", 11)) abort();
        return 0;
    }
    int nf = gbdt_num_features(m);
    double *x = calloc((size_t)nf + 1, sizeof *x), *c = calloc((size_t)nf + 1, sizeof *c);
    if (x && c) {
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < nf; i++) x[i] = pass == 0 ? NAN : pass == 1 ? 0.5 : -1e30;
            (void)gbdt_predict(m, x);
            gbdt_contribs(m, x, c);
        }
    }
    free(x);
    free(c);
    gbdt_free(m);
    return 0;
}
