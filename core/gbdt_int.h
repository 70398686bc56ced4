/* Inside the GBDT module: the model's memory layout, shared by the loader
 * (gbdt_load.c) and the evaluator (gbdt.c). Not for use elsewhere.
 *
 * Two layouts of the same trees. The node array: all trees' nodes in one
 * array, each tree a contiguous run starting at root[t], child indices
 * relative to that start; leaves carry their value in `value` (XGBoost keeps
 * leaf values in split_conditions). It serves every model. The padded
 * layout, built when the trees are shallow enough, is what evaluation
 * normally walks. Per-node mean values for contributions are computed once
 * at load, the way XGBoost's FillNodeMeanValues does (cover-weighted, in
 * float). */
#ifndef YX_GBDT_INT_H
#define YX_GBDT_INT_H

#include <stdint.h>

#include "core/gbdt.h"

typedef struct {
    float   value;   /* threshold, or the leaf value */
    int16_t feat;    /* split feature; -1 for a leaf */
    uint16_t dleft;  /* missing goes left */
    int32_t left, right;
} gbdt_node;

/* A node of the padded layout: every tree is stored as a perfect binary
 * tree of the model's greatest depth (a leaf above the bottom becomes a
 * split whose two subtrees both hold that leaf), so a walk is a fixed
 * number of branch-free steps, k = 2k + 1 + (go right), and the trees of a
 * row can be walked in parallel by the processor. */
typedef struct {
    float    thr;
    uint32_t slot;   /* 2 * feature + (missing goes right); see to_slots */
} gbdt_pnode;

struct gbdt {
    gbdt_objective obj;
    int        nfeat, ntrees;
    long       nnodes;
    float      base_margin;   /* base_score on the margin scale */
    gbdt_node *nodes;
    float     *mean;          /* node mean values, parallel to nodes */
    int32_t   *root;          /* first node of each tree */
    char     **names;         /* nfeat names, or NULL */
    char       version[64];
    int        depth;         /* of the padded layout; 0 = none (too deep) */
    gbdt_pnode *pn;           /* ntrees x (2^depth - 1) split nodes */
    float      *pmean;        /* ntrees x (2^(depth+1) - 1) node means, leaves
                                 last (a leaf's mean is its value) */
    float      *pleaf;        /* ntrees x 2^depth leaf values */
};

/* Above this depth the padded layout would be too large; such models use
 * the node array. */
#define GBDT_PAD_DEPTH 10

#endif
