/* Decision engine benchmark: single-row GBDT evaluation on the shipped
 * model (and, when libxgboost is installed, XGBoost's own single-row C API
 * on the same model and rows), and full decisions with their trace.
 * Prints "name value" lines; anything else goes to stderr. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/dataset.h"
#include "core/decide.h"
#include "core/gbdt.h"
#include "core/util.h"

#ifdef HAVE_XGBOOST
#include <xgboost/c_api.h>
#endif

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#ifdef HAVE_XGBOOST
/* XGBoost's in-place single-row prediction, nthread 1; the array interface
 * strings are built before timing so only the call is measured. Returns ns
 * per row, or -1 when XGBoost fails. */
static double bench_xgboost(const char *model, const dataset *ds, const gbdt *m, int reps)
{
    BoosterHandle b;
    if (XGBoosterCreate(NULL, 0, &b)) {
        fprintf(stderr, "xgboost: %s\n", XGBGetLastError());
        return -1;
    }
    if (XGBoosterLoadModel(b, model) || XGBoosterSetParam(b, "nthread", "1")) {
        fprintf(stderr, "xgboost: %s\n", XGBGetLastError());
        XGBoosterFree(b);
        return -1;
    }
    int n = ds->n;
    double ns = -1;
    float *rows = malloc(sizeof(float) * (size_t)n * F__COUNT);
    char (*iface)[160] = malloc(sizeof *iface * (size_t)n);
    if (!rows || !iface) {
        fprintf(stderr, "xgboost: out of memory\n");
        goto done;
    }
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < F__COUNT; j++) rows[i * F__COUNT + j] = (float)ds->rows[i].v[j];
        snprintf(iface[i], sizeof iface[i],
                 "{\"data\": [%llu, true], \"shape\": [1, %d], \"typestr\": \"<f4\", \"version\": 3}",
                 (unsigned long long)(uintptr_t)&rows[i * F__COUNT], F__COUNT);
    }
    const char *cfg = "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, "
                      "\"iteration_end\": 0, \"strict_shape\": false, \"missing\": NaN, \"cache_id\": 0}";
    const bst_ulong *shape;
    bst_ulong dim;
    const float *out;
    double worst = 0;
    /* check that both agree before timing anything */
    for (int i = 0; i < n; i++) {
        if (XGBoosterPredictFromDense(b, iface[i], cfg, NULL, &shape, &dim, &out)) {
            fprintf(stderr, "xgboost: %s\n", XGBGetLastError());
            goto done;
        }
        double d = fabs(out[0] - gbdt_predict(m, ds->rows[i].v));
        if (d > worst) worst = d;
    }
    fprintf(stderr, "xgboost vs native: largest difference %.3g over %d rows\n", worst, n);
    double t0 = now_ns();
    volatile float sink = 0;
    for (int r = 0; r < reps; r++)
        for (int i = 0; i < n; i++) {
            XGBoosterPredictFromDense(b, iface[i], cfg, NULL, &shape, &dim, &out);
            sink += out[0];
        }
    ns = (now_ns() - t0) / ((double)reps * n);
    (void)sink;
done:
    free(rows);
    free(iface);
    XGBoosterFree(b);
    return ns;
}
#endif

int main(void)
{
    char err[512], data[1024], model[1024], strat[1024];
    dataset ds;
    gbdt *m;
    engine *e;
    yx_asset_path(data, sizeof data, "data/credit_data.csv");
    yx_asset_path(model, sizeof model, "models/gbdt.json");
    yx_asset_path(strat, sizeof strat, "strategies/default.json");
    if (dataset_load(data, &ds, err, sizeof err) || gbdt_load_file(&m, model, err, sizeof err) ||
        engine_load(&e, strat, err, sizeof err)) {
        fprintf(stderr, "bench_decide: %s (set YX_DATADIR to the assets directory)\n", err);
        return 1;
    }
    int n = ds.n;

    /* GBDT, one row at a time */
    volatile double sink = 0;
    for (int i = 0; i < n; i++) sink += gbdt_predict(m, ds.rows[i].v);   /* warm */
    int reps = 50;
    double t0 = now_ns();
    for (int r = 0; r < reps; r++)
        for (int i = 0; i < n; i++) sink += gbdt_predict(m, ds.rows[i].v);
    double gbdt_ns = (now_ns() - t0) / ((double)reps * n);
    printf("gbdt_ns_per_row %.1f\n", gbdt_ns);
    fprintf(stderr, "model: %d trees, %d features\n", gbdt_num_trees(m), gbdt_num_features(m));

#ifdef HAVE_XGBOOST
    double xgb_ns = bench_xgboost(model, &ds, m, 2);
    if (xgb_ns > 0) {
        printf("xgboost_ns_per_row %.1f\n", xgb_ns);
        printf("gbdt_speedup_vs_xgboost %.1f\n", xgb_ns / gbdt_ns);
    }
#else
    fprintf(stderr, "xgboost: not built with libxgboost-dev; its rows are skipped\n");
#endif

    /* full decisions: rules, scorecard, GBDT with contributions, matrices,
     * trace; each timed on its own for the percentiles */
    decide_input *in = calloc((size_t)n, sizeof *in);
    double *lat = malloc(sizeof(double) * (size_t)n * 5);
    if (!in || !lat) {
        fprintf(stderr, "bench_decide: out of memory\n");
        return 1;
    }
    for (int i = 0; i < n; i++) {
        in[i].channel = (channel_kind)(i % CH__COUNT);
        in[i].product = (product_kind)(i % 2);
        in[i].amount_fen = 300000 + 1000 * (i % 97);
        in[i].term_months = 12;
        in[i].completeness = (completeness_level)(i % CPL__COUNT);
        in[i].feat = ds.rows[i];
        in[i].age = isnan(ds.rows[i].v[F_AGE]) ? 30 : (int)ds.rows[i].v[F_AGE];
        in[i].id_valid = 1;
        in[i].recent_apps = i % 5;
    }
    decide_result res = { 0 };
    for (int i = 0; i < n; i++) engine_decide(e, &in[i], &res);   /* warm, sizes the trace */
    int dreps = 5, total = dreps * n;   /* lat holds 5 * n */
    size_t bytes = 0;
    for (int r = 0, k = 0; r < dreps; r++)
        for (int i = 0; i < n; i++, k++) {
            double a = now_ns();
            engine_decide(e, &in[i], &res);
            lat[k] = now_ns() - a;
            bytes += res.trace_len;
        }
    qsort(lat, (size_t)total, sizeof *lat, cmp_double);
    printf("decision_us_p50 %.2f\n", lat[total / 2] / 1000);
    printf("decision_us_p99 %.2f\n", lat[(int)(total * 0.99)] / 1000);
    fprintf(stderr, "trace: %.0f bytes on average\n", (double)bytes / total);
    /* throughput on one thread, without the per-call clock reads */
    t0 = now_ns();
    for (int r = 0; r < dreps; r++)
        for (int i = 0; i < n; i++) engine_decide(e, &in[i], &res);
    printf("decisions_per_s %.0f\n", total / ((now_ns() - t0) / 1e9));

    (void)sink;
    free(lat);
    free(in);
    decide_result_free(&res);
    engine_free(e);
    gbdt_free(m);
    dataset_free(&ds);
    return 0;
}
