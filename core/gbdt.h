/* Gradient-boosted trees saved by XGBoost as JSON (save_model("x.json")),
 * evaluated natively. The model is loaded once into one flat node array laid
 * out for traversal; evaluation reproduces XGBoost's float32 arithmetic
 * (feature values rounded to float, value < threshold goes left, missing
 * follows default_left, leaf values summed in float in tree order), so the
 * results equal XGBoost's own predictions, margins and approximate
 * (Saabas) contributions. */
#ifndef YX_GBDT_H
#define YX_GBDT_H

#include <stddef.h>

typedef enum {
    GBDT_BINARY_LOGISTIC,   /* binary:logistic  -> probability */
    GBDT_BINARY_LOGITRAW,   /* binary:logitraw  -> margin */
    GBDT_REG_LOGISTIC,      /* reg:logistic     -> probability */
    GBDT_REG_SQUAREDERROR,  /* reg:squarederror -> value */
} gbdt_objective;

typedef struct gbdt gbdt;

/* Loads a model from a file or from memory (name is used in messages).
 * 0 ok; -1 with one line naming the problem in err. The model owns all its
 * memory; free it with gbdt_free. */
int  gbdt_load_file(gbdt **out, const char *path, char *err, size_t n);
int  gbdt_load_json(gbdt **out, const char *json, size_t len, const char *name,
                    char *err, size_t n);
void gbdt_free(gbdt *m);

int gbdt_num_features(const gbdt *m);
int gbdt_num_trees(const gbdt *m);
gbdt_objective gbdt_get_objective(const gbdt *m);
/* Feature name i, or NULL when the model was saved without names. */
const char *gbdt_feature_name(const gbdt *m, int i);
/* The learner attribute "model_version", or "" when the model has none. */
const char *gbdt_version(const gbdt *m);

/* Checks that the model's features are exactly names[0..count-1] in order
 * (a model without names only needs the same count). 0 ok; -1 with the
 * first mismatch in err. */
int gbdt_check_features(const gbdt *m, const char *const *names, int count,
                        char *err, size_t n);

/* x holds gbdt_num_features(m) values; NaN is missing. */
float  gbdt_margin(const gbdt *m, const double *x);
/* The objective's transform of a margin (sigmoid for logistic ones). */
double gbdt_transform(const gbdt *m, float margin);
double gbdt_predict(const gbdt *m, const double *x);
/* Approximate contributions, as XGBoost's pred_contribs with
 * approx_contribs: out receives gbdt_num_features(m) + 1 values, one per
 * feature and the bias last; they sum to the margin. Returns the margin,
 * the same float gbdt_margin gives, from the same walk. */
float gbdt_contribs(const gbdt *m, const double *x, double *out);

#endif
