/* Scorecard loader and evaluator (see scorecard.h). The file is
 * assets/models/scorecard.json, written by assets/models/train.py. */
#include "core/scorecard.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_doc.h"
#include "core/util.h"

#define SC_MAX_BINS 32

typedef struct {
    int    nbins;                  /* numeric: nedges + 1; categorical: levels */
    int    categorical;
    double below[SC_MAX_BINS];     /* numeric upper bounds; last bin open */
    int    points[SC_MAX_BINS];
    int    missing_points;
    int    best;                   /* highest points of any bin */
} sc_feature;

struct scorecard {
    char       version[32];
    double     pdo;
    int        base_points, score_min, score_max;
    int        cuts[4];            /* score >= cuts[g] -> grade g + 1 */
    sc_feature feat[F__COUNT];
};

static int get_int(const cJSON *o, const char *key, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || fabs(v->valuedouble) > 1e6)
        return -1;
    *out = (int)v->valuedouble;
    return 0;
}

static int load_feature(sc_feature *sf, feature_id id, const cJSON *fj, const char *name,
                        char *err, size_t n)
{
    const char *fname = feature_name(id);
    const cJSON *bins = cJSON_GetObjectItemCaseSensitive(fj, "bins");
    int nb = cJSON_IsArray(bins) ? cJSON_GetArraySize(bins) : 0;
    if (nb < 1 || nb > SC_MAX_BINS)
        return json_doc_fail(err, n, name, "feature %s: bins must be an array of 1 to %d bins", fname, SC_MAX_BINS);
    if (get_int(fj, "missing_points", &sf->missing_points))
        return json_doc_fail(err, n, name, "feature %s: missing_points must be an integer", fname);
    int nlev;
    const char *const *levels = feature_levels(id, &nlev);
    sf->categorical = levels != NULL;
    sf->nbins = nb;
    if (levels && nb != nlev)
        return json_doc_fail(err, n, name, "feature %s: %d bins for %d levels", fname, nb, nlev);
    int i = 0;
    for (const cJSON *b = bins->child; b; b = b->next, i++) {
        if (get_int(b, "points", &sf->points[i]))
            return json_doc_fail(err, n, name, "feature %s bin %d: points must be an integer", fname, i + 1);
        if (levels) {
            const cJSON *lv = cJSON_GetObjectItemCaseSensitive(b, "level");
            if (!cJSON_IsString(lv) || strcmp(lv->valuestring, levels[i]))
                return json_doc_fail(err, n, name, "feature %s bin %d: level must be \"%s\"", fname, i + 1, levels[i]);
            continue;
        }
        const cJSON *below = cJSON_GetObjectItemCaseSensitive(b, "below");
        if (i == nb - 1) {
            if (!cJSON_IsNull(below))
                return json_doc_fail(err, n, name, "feature %s: the last bin must have \"below\": null", fname);
            sf->below[i] = INFINITY;
        } else if (!cJSON_IsNumber(below) || (i > 0 && !(below->valuedouble > sf->below[i - 1]))) {
            return json_doc_fail(err, n, name, "feature %s bin %d: \"below\" must be a number above the previous bin's",
                        fname, i + 1);
        } else {
            sf->below[i] = below->valuedouble;
        }
    }
    sf->best = sf->missing_points;
    for (i = 0; i < nb; i++)
        if (sf->points[i] > sf->best) sf->best = sf->points[i];
    return 0;
}

static int load(void *ctx, const cJSON *root, const char *name, char *err, size_t n)
{
    scorecard *sc = ctx;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) >= sizeof sc->version)
        return json_doc_fail(err, n, name, "version must be a non-empty string of at most %zu bytes",
                    sizeof sc->version - 1);
    yx_strlcpy(sc->version, v->valuestring, sizeof sc->version);
    const cJSON *pdo = cJSON_GetObjectItemCaseSensitive(root, "pdo");
    if (!cJSON_IsNumber(pdo) || !(pdo->valuedouble > 0))
        return json_doc_fail(err, n, name, "pdo (points to double the odds) must be a positive number");
    sc->pdo = pdo->valuedouble;
    if (get_int(root, "base_points", &sc->base_points) || get_int(root, "score_min", &sc->score_min) ||
        get_int(root, "score_max", &sc->score_max) || sc->score_min >= sc->score_max)
        return json_doc_fail(err, n, name, "base_points, score_min and score_max must be integers, min below max");
    const cJSON *cuts = cJSON_GetObjectItemCaseSensitive(root, "grade_cuts");
    if (!cJSON_IsArray(cuts) || cJSON_GetArraySize(cuts) != 4)
        return json_doc_fail(err, n, name, "grade_cuts must be 4 descending scores");
    int i = 0;
    for (const cJSON *c = cuts->child; c; c = c->next, i++) {
        if (!cJSON_IsNumber(c) || !(fabs(c->valuedouble) <= 1e6) ||
            c->valuedouble != floor(c->valuedouble) || (i > 0 && !(c->valuedouble < sc->cuts[i - 1])))
            return json_doc_fail(err, n, name, "grade_cuts must be 4 descending scores");
        sc->cuts[i] = (int)c->valuedouble;
    }
    const cJSON *feats = cJSON_GetObjectItemCaseSensitive(root, "features");
    if (!cJSON_IsArray(feats)) return json_doc_fail(err, n, name, "features must be an array");
    int seen[F__COUNT] = { 0 };
    for (const cJSON *fj = feats->child; fj; fj = fj->next) {
        const cJSON *fn = cJSON_GetObjectItemCaseSensitive(fj, "name");
        feature_id id;
        if (!cJSON_IsString(fn) || feature_parse(fn->valuestring, &id))
            return json_doc_fail(err, n, name, "unknown feature %.40s", cJSON_IsString(fn) ? fn->valuestring : "(no name)");
        if (seen[id]++) return json_doc_fail(err, n, name, "feature %s appears twice", feature_name(id));
        if (load_feature(&sc->feat[id], id, fj, name, err, n)) return -1;
    }
    for (i = 0; i < F__COUNT; i++)
        if (!seen[i]) return json_doc_fail(err, n, name, "feature %s has no bins", feature_name((feature_id)i));
    return 0;
}

static void destroy(void *o) { scorecard_free(o); }

int scorecard_load_json(scorecard **out, const char *json, size_t len, const char *name,
                        char *err, size_t n)
{
    *out = json_doc_new(sizeof **out, destroy, json, len, name, 0, load, err, n);
    return *out ? 0 : -1;
}

int scorecard_load_file(scorecard **out, const char *path, char *err, size_t n)
{
    *out = json_doc_new(sizeof **out, destroy, NULL, 0, path, 16u << 20, load, err, n);
    return *out ? 0 : -1;
}

void scorecard_free(scorecard *sc) { free(sc); }
const char *scorecard_version(const scorecard *sc) { return sc->version; }
double scorecard_pdo(const scorecard *sc) { return sc->pdo; }

int scorecard_grade(const scorecard *sc, int score)
{
    for (int g = 0; g < 4; g++)
        if (score >= sc->cuts[g]) return g + 1;
    return 5;
}

static int bin_of(const sc_feature *sf, double x)
{
    if (isnan(x)) return -1;
    if (sf->categorical) {
        /* a code that names no level is treated as missing */
        return x >= 0 && x < sf->nbins && x == floor(x) ? (int)x : -1;
    }
    int b = 0;
    while (!(x < sf->below[b]) && b < sf->nbins - 1) b++;
    return b;
}

void scorecard_eval(const scorecard *sc, const features *f, scorecard_result *out)
{
    int total = sc->base_points;
    for (int i = 0; i < F__COUNT; i++) {
        const sc_feature *sf = &sc->feat[i];
        int b = bin_of(sf, f->v[i]);
        int p = b < 0 ? sf->missing_points : sf->points[b];
        out->bin[i] = (signed char)b;
        out->points[i] = p;
        out->gap[i] = sf->best - p;
        total += p;
    }
    if (total < sc->score_min) total = sc->score_min;
    if (total > sc->score_max) total = sc->score_max;
    out->score = total;
    out->grade = scorecard_grade(sc, total);
}
