/* The decision engine: policy rules -> application scorecard -> GBDT ->
 * cross matrix -> channel matrix -> completeness factor -> authority
 * routing, with every step written to a JSON trace. An engine is loaded
 * once from a strategy file (which names its models and rules) and is then
 * read-only: any number of threads may call engine_decide on it, each with
 * its own decide_result. The same input and strategy always give the same
 * result and the same trace bytes, which is what replay checks. */
#ifndef YX_DECIDE_H
#define YX_DECIDE_H

#include <stddef.h>
#include <stdint.h>

#include "core/domain.h"

/* Everything the engine sees. Stored with the decision (input_json) so a
 * replay needs nothing else. */
typedef struct {
    channel_kind       channel;
    product_kind       product;
    int64_t            amount_fen;     /* requested amount */
    int                term_months;
    completeness_level completeness;
    features           feat;           /* the model features; NaN = missing */
    int                age;            /* from the ID number, in years */
    int                id_valid;       /* ID number passed its check character */
    int                blacklist_hit;  /* platform signal */
    int                recent_apps;    /* applications in the last 30 days */
} decide_input;

#define DECIDE_MAX_REASONS 8

typedef struct {
    decision_outcome outcome;
    char    risk_grade;                /* 'A'..'E', 'R' = the models disagree */
    int64_t limit_fen;                 /* 0 unless approved or referred */
    int     apr_bp;
    int     nreasons;
    const char *reasons[DECIDE_MAX_REASONS];  /* ranked; static strings */
    int     sc_score, sc_grade;        /* scorecard points and grade 1-5 */
    double  gb_pd;                     /* GBDT probability of default */
    int     gb_grade;
    const char *strategy_version;      /* owned by the engine */
    const char *scorecard_version;
    const char *gbdt_version;
    /* The trace as JSON text, NUL-terminated, trace_len bytes. The buffer
     * belongs to the result and is reused by the next engine_decide on
     * the same result; release it with decide_result_free. Start with a
     * zeroed result. */
    char   *trace;
    size_t  trace_len, trace_cap;
} decide_result;

typedef struct engine engine;

/* Loads a strategy and the models and rules it names. Relative paths in
 * the strategy are taken from the strategy file's directory's parent (the
 * assets directory, as shipped), then from yx_datadir(). 0 ok; -1 with the
 * first problem in err. */
int  engine_load(engine **out, const char *strategy_path, char *err, size_t n);
void engine_free(engine *e);
const char *engine_strategy_version(const engine *e);

/* Decides one application. 0 ok; -1 when the input is out of range (an
 * unknown channel, product or completeness level, a negative amount, an
 * infinite feature) or memory for the trace runs out; out->trace then
 * holds nothing useful. */
int  engine_decide(const engine *e, const decide_input *in, decide_result *out);
void decide_result_free(decide_result *r);
/* Ranked reasons joined with commas into buf (the decisions.reasons column). */
char *decide_reasons_join(const decide_result *r, char *buf, size_t n);

/* The stored forms of a result: the decisions row (out->trace_json points
 * into r and is not owned) and the two model scores (scorecard, gbdt). */
void decide_result_to_decision(const decide_result *r, int64_t application_id,
                               int64_t decided_at, decision *out);
void decide_result_scores(const decide_result *r, model_score out[2]);

/* input_json: a malloc'd JSON object the caller frees; NULL when out of
 * memory. Numbers are written so they read back to the same bits. */
char *decide_input_to_json(const decide_input *in);
/* 0 ok; -1 with the first problem (field name) in err. */
int   decide_input_from_json(const char *json, decide_input *out, char *err, size_t n);

#endif
