/* Loading XGBoost JSON models (save_model) into the layouts of
 * gbdt_int.h, with every index checked so that no file can make evaluation
 * read out of bounds or loop. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gbdt_int.h"
#include "core/json_doc.h"
#include "core/util.h"

#define GBDT_MAX_FEATURES 4096
#define GBDT_MAX_NODES    (1 << 24)
#define GBDT_MAX_FILE     ((size_t)512 << 20)

static const cJSON *member(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* A numeric parameter XGBoost stores as a string ("5E-1", "[5E-1]", "13"). */
static int param_number(const cJSON *o, const char *key, double *out)
{
    const cJSON *v = member(o, key);
    if (cJSON_IsNumber(v)) { *out = v->valuedouble; return 0; }
    if (!cJSON_IsString(v)) return -1;
    char buf[64];
    const char *s = v->valuestring;
    size_t len = strlen(s);
    if (len >= sizeof buf) return -1;
    if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
        memcpy(buf, s + 1, len - 2);
        buf[len - 2] = '\0';
    } else {
        memcpy(buf, s, len + 1);
    }
    return yx_parse_double(buf, -HUGE_VAL, HUGE_VAL, out);
}

static int array_len(const cJSON *tree, const char *key, int want)
{
    const cJSON *a = member(tree, key);
    if (!cJSON_IsArray(a)) return -1;
    return cJSON_GetArraySize(a) == want ? 0 : -1;
}

#define GBDT_MAX_DEPTH 512

/* Mean value of node k of one tree, weighted by cover (sum_hessian).
 * *deep is set when the tree is deeper than GBDT_MAX_DEPTH. */
static float fill_mean(gbdt_node *t, float *mean, const float *hess, int k, int depth, int *deep)
{
    float r;
    if (t[k].feat < 0) {
        r = t[k].value;
    } else if (depth >= GBDT_MAX_DEPTH) {
        *deep = 1;
        r = 0;
    } else {
        int l = t[k].left, rt = t[k].right;
        r = fill_mean(t, mean, hess, l, depth + 1, deep) * hess[l];
        r += fill_mean(t, mean, hess, rt, depth + 1, deep) * hess[rt];
        r /= hess[k];
    }
    mean[k] = r;
    return r;
}

/* Loads tree ti into m->nodes from start. hess and parent are scratch
 * arrays of the tree's node count, parent zeroed. */
static int load_tree(gbdt *m, const cJSON *tree, int ti, int32_t start, float *hess,
                     unsigned char *parent, const char *name, char *err, size_t n)
{
    int nn = cJSON_GetArraySize(member(tree, "left_children"));
    static const char *const keys[] = { "right_children", "split_indices",
        "split_conditions", "default_left", "sum_hessian" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (array_len(tree, keys[i], nn))
            return json_doc_fail(err, n, name, "trees[%d]: %s missing or not of %d entries", ti, keys[i], nn);
    const cJSON *st = member(tree, "split_type");
    const cJSON *l = member(tree, "left_children")->child;
    const cJSON *r = member(tree, "right_children")->child;
    const cJSON *f = member(tree, "split_indices")->child;
    const cJSON *c = member(tree, "split_conditions")->child;
    const cJSON *d = member(tree, "default_left")->child;
    const cJSON *h = member(tree, "sum_hessian")->child;
    const cJSON *s = cJSON_IsArray(st) ? st->child : NULL;
    gbdt_node *t = m->nodes + start;
    for (int k = 0; k < nn; k++) {
        if (!cJSON_IsNumber(l) || !cJSON_IsNumber(r) || !cJSON_IsNumber(f) ||
            !cJSON_IsNumber(c) || !cJSON_IsNumber(d) || !cJSON_IsNumber(h))
            return json_doc_fail(err, n, name, "trees[%d] node %d: non-numeric entry", ti, k);
        if (s && cJSON_IsNumber(s) && s->valuedouble != 0)
            return json_doc_fail(err, n, name, "trees[%d] node %d: categorical splits are not supported", ti, k);
        double lv = l->valuedouble, rv = r->valuedouble;
        t[k].value = (float)c->valuedouble;
        t[k].dleft = d->valuedouble != 0;
        hess[k] = (float)h->valuedouble;
        if (lv == -1) {
            t[k].feat = -1;
            t[k].left = t[k].right = 0;
        } else {
            /* children after their parent: guarantees every walk ends;
             * one parent per node: a node shared by several parents would
             * make the walks at load time exponential in the depth */
            if (!(lv > k && lv < nn && rv > k && rv < nn) || lv != floor(lv) || rv != floor(rv) ||
                lv == rv || parent[(int)lv] || parent[(int)rv])
                return json_doc_fail(err, n, name, "trees[%d] node %d: bad child index", ti, k);
            parent[(int)lv] = parent[(int)rv] = 1;
            if (!(f->valuedouble >= 0 && f->valuedouble < m->nfeat) || f->valuedouble != floor(f->valuedouble))
                return json_doc_fail(err, n, name, "trees[%d] node %d: split feature %g out of range "
                            "(model has %d features)", ti, k, f->valuedouble, m->nfeat);
            if (!(hess[k] > 0))
                return json_doc_fail(err, n, name, "trees[%d] node %d: sum_hessian must be positive", ti, k);
            t[k].feat = (int16_t)f->valuedouble;
            t[k].left = (int32_t)lv;
            t[k].right = (int32_t)rv;
        }
        l = l->next; r = r->next; f = f->next; c = c->next; d = d->next; h = h->next;
        if (s) s = s->next;
    }
    int deep = 0;
    fill_mean(t, m->mean + start, hess, 0, 0, &deep);
    if (deep) return json_doc_fail(err, n, name, "trees[%d]: deeper than %d levels", ti, GBDT_MAX_DEPTH);
    return 0;
}

static int load_objective(gbdt *m, const cJSON *learner, const char *name, char *err, size_t n)
{
    static const struct { const char *name; gbdt_objective obj; } objs[] = {
        { "binary:logistic", GBDT_BINARY_LOGISTIC }, { "binary:logitraw", GBDT_BINARY_LOGITRAW },
        { "reg:logistic", GBDT_REG_LOGISTIC }, { "reg:squarederror", GBDT_REG_SQUAREDERROR },
    };
    const cJSON *on = member(member(learner, "objective"), "name");
    if (!cJSON_IsString(on)) return json_doc_fail(err, n, name, "learner.objective.name missing");
    size_t i;
    for (i = 0; i < sizeof objs / sizeof objs[0]; i++)
        if (!strcmp(on->valuestring, objs[i].name)) break;
    if (i == sizeof objs / sizeof objs[0])
        return json_doc_fail(err, n, name, "objective %.40s is not supported", on->valuestring);
    m->obj = objs[i].obj;

    const cJSON *mp = member(learner, "learner_model_param");
    double bs, nf, nc = 0;
    if (param_number(mp, "base_score", &bs))
        return json_doc_fail(err, n, name, "learner_model_param.base_score missing or not a number");
    if (param_number(mp, "num_feature", &nf) || nf < 1 || nf > GBDT_MAX_FEATURES || nf != floor(nf))
        return json_doc_fail(err, n, name, "learner_model_param.num_feature missing or out of range");
    if (!param_number(mp, "num_class", &nc) && nc > 1)
        return json_doc_fail(err, n, name, "multi-class models are not supported");
    m->nfeat = (int)nf;
    if (m->obj == GBDT_REG_SQUAREDERROR || m->obj == GBDT_BINARY_LOGITRAW) {
        /* binary:logitraw keeps base_score on the margin scale in XGBoost
         * (checked against its predictions in tests/fixtures) */
        m->base_margin = (float)bs;
    } else {
        /* logistic objectives store base_score as a probability */
        float p = (float)bs;
        if (!(p > 0.0f && p < 1.0f))
            return json_doc_fail(err, n, name, "base_score %g must be in (0, 1) for %s", bs, on->valuestring);
        m->base_margin = -logf(1.0f / p - 1.0f);
    }
    return 0;
}

static int load_names(gbdt *m, const cJSON *learner, const char *name, char *err, size_t n)
{
    const cJSON *fn = member(learner, "feature_names");
    int cnt = cJSON_IsArray(fn) ? cJSON_GetArraySize(fn) : 0;
    if (cnt == 0) return 0;
    if (cnt != m->nfeat)
        return json_doc_fail(err, n, name, "%d feature names for %d features", cnt, m->nfeat);
    m->names = calloc((size_t)cnt, sizeof *m->names);
    if (!m->names) return json_doc_fail(err, n, name, "out of memory");
    int i = 0;
    for (const cJSON *e = fn->child; e; e = e->next, i++) {
        if (!cJSON_IsString(e)) return json_doc_fail(err, n, name, "feature_names[%d] is not a string", i);
        if (!(m->names[i] = strdup(e->valuestring))) return json_doc_fail(err, n, name, "out of memory");
    }
    return 0;
}

static int load_trees(gbdt *m, const cJSON *model, const char *name, char *err, size_t n)
{
    const cJSON *trees = member(model, "trees");
    if (!cJSON_IsArray(trees)) return json_doc_fail(err, n, name, "gradient_booster.model.trees missing");
    int nt = cJSON_GetArraySize(trees);
    const cJSON *info = member(model, "tree_info");
    if (cJSON_IsArray(info)) {
        for (const cJSON *e = info->child; e; e = e->next)
            if (!cJSON_IsNumber(e) || e->valuedouble != 0)
                return json_doc_fail(err, n, name, "tree_info: only one output group is supported");
    }
    long total = 0;
    int ti = 0;
    for (const cJSON *t = trees->child; t; t = t->next, ti++) {
        const cJSON *lc = member(t, "left_children");
        int nn = cJSON_IsArray(lc) ? cJSON_GetArraySize(lc) : 0;
        if (nn < 1) return json_doc_fail(err, n, name, "trees[%d]: left_children missing or empty", ti);
        total += nn;
        if (total > GBDT_MAX_NODES) return json_doc_fail(err, n, name, "too many nodes");
    }
    m->ntrees = nt;
    m->nnodes = total;
    m->nodes = calloc((size_t)total + 1, sizeof *m->nodes);
    m->mean = calloc((size_t)total + 1, sizeof *m->mean);
    m->root = calloc((size_t)nt + 1, sizeof *m->root);
    float *hess = calloc((size_t)total + 1, sizeof *hess);
    unsigned char *parent = calloc((size_t)total + 1, 1);
    if (!m->nodes || !m->mean || !m->root || !hess || !parent) {
        free(hess);
        free(parent);
        return json_doc_fail(err, n, name, "out of memory");
    }
    int32_t start = 0;
    int rc = 0;
    ti = 0;
    for (const cJSON *t = trees->child; t && !rc; t = t->next, ti++) {
        m->root[ti] = start;
        rc = load_tree(m, t, ti, start, hess + start, parent + start, name, err, n);
        start += cJSON_GetArraySize(member(t, "left_children"));
    }
    free(hess);
    free(parent);
    return rc;
}

static int tree_depth(const gbdt_node *t, int32_t k)
{
    if (t[k].feat < 0) return 0;
    int l = tree_depth(t, t[k].left), r = tree_depth(t, t[k].right);
    return 1 + (l > r ? l : r);
}

static void pad(const gbdt *m, const gbdt_node *t, const float *mean, int32_t k, int p, int d,
                gbdt_pnode *pn, float *pmean, float *leaf)
{
    int ni = (1 << m->depth) - 1;
    if (d == m->depth) {      /* only leaves are this deep */
        leaf[p - ni] = pmean[p] = t[k].value;
        return;
    }
    if (t[k].feat < 0) {      /* both ways lead to this leaf */
        pn[p] = (gbdt_pnode){ 0, 0 };
        pmean[p] = t[k].value;
        pad(m, t, mean, k, 2 * p + 1, d + 1, pn, pmean, leaf);
        pad(m, t, mean, k, 2 * p + 2, d + 1, pn, pmean, leaf);
        return;
    }
    pn[p] = (gbdt_pnode){ t[k].value, 2u * (uint32_t)t[k].feat + !t[k].dleft };
    pmean[p] = mean[k];
    pad(m, t, mean, t[k].left, 2 * p + 1, d + 1, pn, pmean, leaf);
    pad(m, t, mean, t[k].right, 2 * p + 2, d + 1, pn, pmean, leaf);
}

/* Builds the padded layout when the model is shallow enough; otherwise the
 * node array alone serves (0 either way; -1 when out of memory). */
static int build_padded(gbdt *m)
{
    int depth = 0;
    for (int i = 0; i < m->ntrees; i++) {
        int d = tree_depth(m->nodes + m->root[i], 0);
        if (d > depth) depth = d;
    }
    if (depth < 1 || depth > GBDT_PAD_DEPTH || (long)m->ntrees << depth > (1L << 24)) return 0;
    /* missing values become infinities (see to_slots): thresholds must be
     * finite, as XGBoost's always are */
    for (long i = 0; i < m->nnodes; i++)
        if (m->nodes[i].feat >= 0 && !isfinite(m->nodes[i].value)) return 0;
    m->depth = depth;
    size_t ni = ((size_t)1 << depth) - 1, nl = (size_t)1 << depth, nt = (size_t)m->ntrees;
    m->pn = malloc(nt * ni * sizeof *m->pn);
    m->pmean = malloc(nt * (ni + nl) * sizeof *m->pmean);
    m->pleaf = malloc(nt * nl * sizeof *m->pleaf);
    if (!m->pn || !m->pmean || !m->pleaf) return -1;
    for (size_t i = 0; i < nt; i++)
        pad(m, m->nodes + m->root[i], m->mean + m->root[i], 0, 0, 0,
            m->pn + i * ni, m->pmean + i * (ni + nl), m->pleaf + i * nl);
    return 0;
}

static int load(void *ctx, const cJSON *root, const char *name, char *err, size_t n)
{
    gbdt *m = ctx;
    const cJSON *learner = member(root, "learner");
    if (!learner) return json_doc_fail(err, n, name, "no \"learner\" object: not an XGBoost JSON model");
    const cJSON *gb = member(learner, "gradient_booster");
    const cJSON *gname = member(gb, "name");
    if (!cJSON_IsString(gname) || strcmp(gname->valuestring, "gbtree"))
        return json_doc_fail(err, n, name, "only the gbtree booster is supported");
    if (load_objective(m, learner, name, err, n) || load_names(m, learner, name, err, n) ||
        load_trees(m, member(gb, "model"), name, err, n))
        return -1;
    if (build_padded(m)) return json_doc_fail(err, n, name, "out of memory");
    const cJSON *ver = member(member(learner, "attributes"), "model_version");
    if (cJSON_IsString(ver)) yx_strlcpy(m->version, ver->valuestring, sizeof m->version);
    return 0;
}

static void destroy(void *o) { gbdt_free(o); }

int gbdt_load_json(gbdt **out, const char *json, size_t len, const char *name,
                   char *err, size_t n)
{
    *out = json_doc_new(sizeof **out, destroy, json, len, name, 0, load, err, n);
    return *out ? 0 : -1;
}

int gbdt_load_file(gbdt **out, const char *path, char *err, size_t n)
{
    *out = json_doc_new(sizeof **out, destroy, NULL, 0, path, GBDT_MAX_FILE, load, err, n);
    return *out ? 0 : -1;
}

void gbdt_free(gbdt *m)
{
    if (!m) return;
    if (m->names)
        for (int i = 0; i < m->nfeat; i++) free(m->names[i]);
    free(m->names);
    free(m->nodes);
    free(m->mean);
    free(m->root);
    free(m->pn);
    free(m->pmean);
    free(m->pleaf);
    free(m);
}

int gbdt_num_features(const gbdt *m) { return m->nfeat; }
int gbdt_num_trees(const gbdt *m) { return m->ntrees; }
gbdt_objective gbdt_get_objective(const gbdt *m) { return m->obj; }
const char *gbdt_version(const gbdt *m) { return m->version; }

const char *gbdt_feature_name(const gbdt *m, int i)
{
    return m->names && i >= 0 && i < m->nfeat ? m->names[i] : NULL;
}

int gbdt_check_features(const gbdt *m, const char *const *names, int count, char *err, size_t n)
{
    if (count != m->nfeat) {
        snprintf(err, n, "model has %d features, input has %d", m->nfeat, count);
        return -1;
    }
    for (int i = 0; m->names && i < count; i++)
        if (strcmp(m->names[i], names[i])) {
            snprintf(err, n, "feature %d is \"%s\" in the model but \"%s\" in the input",
                     i + 1, m->names[i], names[i]);
            return -1;
        }
    return 0;
}
