/* Native evaluation of XGBoost models (see gbdt.h), reproducing XGBoost's
 * float32 arithmetic: predictions, margins and approximate contributions. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/gbdt_int.h"

/* Index (relative to the tree) of the leaf x reaches. */
static inline int32_t leaf_of(const gbdt_node *t, const double *x)
{
    int32_t k = 0;
    while (t[k].feat >= 0) {
        float v = (float)x[t[k].feat];
        if (isnan(v)) k = t[k].dleft ? t[k].left : t[k].right;
        else k = v < t[k].value ? t[k].left : t[k].right;
    }
    return k;
}

/* One branch-free step down a padded tree: right when not below the
 * threshold. xs holds two slots per feature, the value rounded to float as
 * XGBoost compares it; a missing value is -inf in the first slot (so it
 * goes left) and +inf in the second (so it goes right), and each node reads
 * the slot of its default side. Thresholds are finite, so a real infinity
 * still goes the way XGBoost sends it. */
static inline int step(const gbdt_pnode *n, int k, const float *xs)
{
    return 2 * k + 1 + !(xs[n[k].slot] < n[k].thr);
}

#define GBDT_XF_MAX 256   /* features converted on the stack */

static inline void to_slots(const double *x, int n, float *xs)
{
    for (int i = 0; i < n; i++) {
        float v = (float)x[i];
        xs[2 * i] = v != v ? -INFINITY : v;
        xs[2 * i + 1] = v != v ? INFINITY : v;
    }
}

/* Walks four trees at a time so their independent loads overlap; the sum
 * still adds leaves in tree order, as XGBoost does. */
static inline float margin_padded(const gbdt *m, const float *xf, int depth)
{
    const int ni = (1 << depth) - 1, nl = 1 << depth;
    float acc = m->base_margin;
    const gbdt_pnode *pn = m->pn;
    const float *leaf = m->pleaf;
    int i = 0;
    for (; i + 4 <= m->ntrees; i += 4, pn += 4 * ni, leaf += 4 * nl) {
        int k0 = 0, k1 = 0, k2 = 0, k3 = 0;
        for (int d = 0; d < depth; d++) {
            k0 = step(pn, k0, xf);
            k1 = step(pn + ni, k1, xf);
            k2 = step(pn + 2 * ni, k2, xf);
            k3 = step(pn + 3 * ni, k3, xf);
        }
        acc += leaf[k0 - ni];
        acc += leaf[nl + k1 - ni];
        acc += leaf[2 * nl + k2 - ni];
        acc += leaf[3 * nl + k3 - ni];
    }
    for (; i < m->ntrees; i++, pn += ni, leaf += nl) {
        int k = 0;
        for (int d = 0; d < depth; d++) k = step(pn, k, xf);
        acc += leaf[k - ni];
    }
    return acc;
}

float gbdt_margin(const gbdt *m, const double *x)
{
    if (m->depth && m->nfeat <= GBDT_XF_MAX) {
        float xf[2 * GBDT_XF_MAX];
        to_slots(x, m->nfeat, xf);
        /* constant depths let the compiler unroll the walk */
        switch (m->depth) {
        case 3: return margin_padded(m, xf, 3);
        case 4: return margin_padded(m, xf, 4);
        case 5: return margin_padded(m, xf, 5);
        case 6: return margin_padded(m, xf, 6);
        default: return margin_padded(m, xf, m->depth);
        }
    }
    float acc = m->base_margin;
    for (int i = 0; i < m->ntrees; i++) {
        const gbdt_node *t = m->nodes + m->root[i];
        acc += t[leaf_of(t, x)].value;
    }
    return acc;
}

double gbdt_transform(const gbdt *m, float margin)
{
    switch (m->obj) {
    case GBDT_BINARY_LOGISTIC:
    case GBDT_REG_LOGISTIC:
        return 1.0f / (1.0f + expf(-margin));
    default:
        return margin;
    }
}

double gbdt_predict(const gbdt *m, const double *x)
{
    return gbdt_transform(m, gbdt_margin(m, x));
}

/* Contributions on the padded layout, four trees at a time, each of the
 * four with its own accumulators (the same feature is credited by many
 * trees; one shared array would make every step wait for the last). The
 * padding's splits credit nothing: both sides have one mean. */
static void contribs_padded(const gbdt *m, const float *xf, float *acc, float *margin)
{
    enum { L = 4 };
    const int nf = m->nfeat, ni = (1 << m->depth) - 1, nm = 2 * ni + 1;
    float lane[L][GBDT_XF_MAX + 1];
    for (int j = 0; j < L; j++) memset(lane[j], 0, ((size_t)nf + 1) * sizeof lane[j][0]);
    float *l0 = lane[0], *l1 = lane[1], *l2 = lane[2], *l3 = lane[3];
    float mg = *margin;
    int i = 0;
    /* one step of lane J; plain variables per lane keep the walk in
     * registers */
#define LANE_STEP(J) do {                                         \
        int f = (int)(p##J[k##J].slot >> 1);                      \
        k##J = step(p##J, k##J, xf);                              \
        float nx = mn##J[k##J];                                   \
        l##J[f] += nx - n##J;                                     \
        n##J = nx;                                                \
    } while (0)
    for (; i + L <= m->ntrees; i += L) {
        const gbdt_pnode *p0 = m->pn + (size_t)i * ni, *p1 = p0 + ni, *p2 = p1 + ni, *p3 = p2 + ni;
        const float *mn0 = m->pmean + (size_t)i * nm, *mn1 = mn0 + nm, *mn2 = mn1 + nm, *mn3 = mn2 + nm;
        float n0 = mn0[0], n1 = mn1[0], n2 = mn2[0], n3 = mn3[0];
        int k0 = 0, k1 = 0, k2 = 0, k3 = 0;
        l0[nf] += n0;
        l1[nf] += n1;
        l2[nf] += n2;
        l3[nf] += n3;
        for (int d = 0; d < m->depth; d++) {
            LANE_STEP(0);
            LANE_STEP(1);
            LANE_STEP(2);
            LANE_STEP(3);
        }
        mg += n0;   /* leaves, in tree order */
        mg += n1;
        mg += n2;
        mg += n3;
    }
#undef LANE_STEP
    for (; i < m->ntrees; i++) {
        const gbdt_pnode *p = m->pn + (size_t)i * ni;
        const float *mn = m->pmean + (size_t)i * nm;
        float node = mn[0];
        lane[0][nf] += node;
        int k = 0;
        for (int d = 0; d < m->depth; d++) {
            int f = (int)(p[k].slot >> 1);
            k = step(p, k, xf);
            lane[0][f] += mn[k] - node;
            node = mn[k];
        }
        mg += node;
    }
    *margin = mg;
    for (int f = 0; f <= nf; f++) acc[f] = (lane[0][f] + lane[1][f]) + (lane[2][f] + lane[3][f]);
}

float gbdt_contribs(const gbdt *m, const double *x, double *out)
{
    enum { STACK = 64 };
    float stack_acc[STACK + 1];
    float *acc = m->nfeat < STACK ? stack_acc : calloc((size_t)m->nfeat + 1, sizeof *acc);
    float margin = m->base_margin;
    if (!acc) {
        for (int i = 0; i <= m->nfeat; i++) out[i] = NAN;
        return gbdt_margin(m, x);
    }
    memset(acc, 0, ((size_t)m->nfeat + 1) * sizeof *acc);
    /* Saabas: each split on the path is credited with the change of the
     * node mean it causes; the root mean goes to the bias. XGBoost sums each
     * tree's contributions in float, so do we. The margin is summed on the
     * way, leaf by leaf in tree order, exactly as gbdt_margin does. */
    if (m->depth && m->nfeat <= GBDT_XF_MAX) {
        float xf[2 * GBDT_XF_MAX];
        to_slots(x, m->nfeat, xf);
        contribs_padded(m, xf, acc, &margin);
    } else {
        for (int i = 0; i < m->ntrees; i++) {
            const gbdt_node *t = m->nodes + m->root[i];
            const float *mean = m->mean + m->root[i];
            acc[m->nfeat] += mean[0];
            int32_t k = 0;
            float node = mean[0];
            while (t[k].feat >= 0) {
                int f = t[k].feat;
                float v = (float)x[f];
                if (isnan(v)) k = t[k].dleft ? t[k].left : t[k].right;
                else k = v < t[k].value ? t[k].left : t[k].right;
                float next = mean[k];   /* a leaf's mean is its value */
                acc[f] += next - node;
                node = next;
            }
            margin += t[k].value;
        }
    }
    acc[m->nfeat] += m->base_margin;
    for (int i = 0; i <= m->nfeat; i++) out[i] = acc[i];
    if (acc != stack_acc) free(acc);
    return margin;
}
