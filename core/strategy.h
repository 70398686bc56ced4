/* Credit strategies: versioned JSON in assets/strategies that name the
 * models and rules, and hold the matrices the engine applies after them:
 * the cross matrix (scorecard grade x GBDT grade -> risk grade A-E, or R to
 * refer where the models disagree), one admission / limit / pricing / terms
 * matrix per channel, completeness factors and the automatic-approval
 * ceiling. Loading validates the whole file and names the first problem. */
#ifndef YX_STRATEGY_H
#define YX_STRATEGY_H

#include <stddef.h>
#include <stdint.h>

#include "core/domain.h"

/* Risk grades index the per-channel matrices: A..E, then R. */
enum { RG_A, RG_B, RG_C, RG_D, RG_E, RG_R, RG__COUNT };
#define STRATEGY_MAX_TERMS 12

typedef struct {
    decision_outcome admit[RG__COUNT];
    double  income_multiple[RG__COUNT]; /* base limit = multiple x monthly income */
    int     apr_bp[RG__COUNT];          /* risk pricing */
    int64_t cap_fen[PROD__COUNT];       /* limit caps by product */
    int     terms[STRATEGY_MAX_TERMS];  /* allowed terms, months */
    int     nterms;
} strategy_channel;

typedef struct {
    char    version[32];
    /* as written in the file; engine_load resolves them */
    char    scorecard_file[256], gbdt_file[256], rules_file[256];
    double  gbdt_pd_cuts[4];            /* pd < cuts[g] -> grade g + 1 */
    char    cross[5][5];                /* [scorecard grade-1][gbdt grade-1] */
    strategy_channel channel[CH__COUNT];
    double  completeness[CPL__COUNT];   /* limit factor per completeness level */
    int64_t income_unit_fen;            /* one unit of the Income feature */
    int64_t no_income_base_fen;         /* base limit when income is missing */
    int64_t limit_round_fen;            /* limits round down to this */
    int64_t auto_ceiling_fen;           /* above it, a person decides */
} strategy;

int strategy_load_file(strategy *out, const char *path, char *err, size_t n);
int strategy_load_json(strategy *out, const char *json, size_t len, const char *name,
                       char *err, size_t n);

/* 'A'..'E','R' -> RG_*; -1 for anything else. */
int  strategy_grade_index(char g);
char strategy_grade_char(int rg);
/* GBDT grade 1 (best) .. 5 of a probability of default. */
int  strategy_gbdt_grade(const strategy *s, double pd);

#endif
