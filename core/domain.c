/* Wire names of the domain enums and the feature table of the credit data
 * set. One table per enum keeps the name and the code side by side. */
#include "core/domain.h"

#include <string.h>

static int parse_in(const char *const *names, int n, const char *s, int *out)
{
    if (!s) return -1;
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0) { *out = i; return 0; }
    return -1;
}

#define NAMED_ENUM(type, fn, parsefn, ...)                                   \
    static const char *const fn##_names[] = { __VA_ARGS__ };                 \
    const char *fn(type v)                                                   \
    {                                                                        \
        int n = (int)(sizeof fn##_names / sizeof fn##_names[0]);             \
        return ((int)v >= 0 && (int)v < n) ? fn##_names[v] : "?";            \
    }                                                                        \
    int parsefn(const char *s, type *out)                                    \
    {                                                                        \
        int i;                                                               \
        if (parse_in(fn##_names, (int)(sizeof fn##_names / sizeof fn##_names[0]), s, &i)) \
            return -1;                                                       \
        *out = (type)i;                                                      \
        return 0;                                                            \
    }

NAMED_ENUM(channel_kind, channel_kind_name, channel_kind_parse, "api", "semi_api", "h5", "own")
NAMED_ENUM(app_status, app_status_name, app_status_parse,
           "submitted", "approved", "declined", "referred", "escalated")
NAMED_ENUM(decision_outcome, outcome_name, outcome_parse, "approve", "refer", "decline")
NAMED_ENUM(product_kind, product_kind_name, product_kind_parse, "mall", "cash", "smb")
NAMED_ENUM(completeness_level, completeness_name, completeness_parse,
           "basic", "bank_card", "income", "social", "bureau")
NAMED_ENUM(user_role, role_name, role_parse, "officer", "risk", "auditor", "support", "admin")
NAMED_ENUM(dispute_category, dispute_category_name, dispute_category_parse,
           "decision", "limit", "pricing", "not_me", "data_correction", "collection")

static const char *const l1_names[] = { "pending", "approved", "rejected", "escalated" };
static const char *const l2_names[] = { "not_required", "pending", "approved", "rejected", "returned" };
static const char *const l3_names[] = { "not_sampled", "sampled", "passed", "finding" };
static const char *const dsps_names[] = { "open", "info_requested", "escalated", "resolved", "rejected" };

const char *line1_name(line1_state s) { return (unsigned)s < L1__COUNT ? l1_names[s] : "?"; }
const char *line2_name(line2_state s) { return (unsigned)s < L2__COUNT ? l2_names[s] : "?"; }
const char *line3_name(line3_state s) { return (unsigned)s < L3__COUNT ? l3_names[s] : "?"; }
const char *dispute_status_name(dispute_status s) { return (unsigned)s < DSPS__COUNT ? dsps_names[s] : "?"; }
int dispute_status_parse(const char *s, dispute_status *out)
{
    int i;
    if (parse_in(dsps_names, DSPS__COUNT, s, &i)) return -1;
    *out = (dispute_status)i;
    return 0;
}

/* ---- features ---- */

static const char *const feature_names[F__COUNT] = {
    "Seniority", "Home", "Time", "Age", "Marital", "Records", "Job",
    "Expenses", "Income", "Assets", "Debt", "Amount", "Price",
};

/* Level codes follow the sorted level names of the data set, so that the
 * training script and the C code agree without a shared table file. */
static const char *const home_levels[]    = { "ignore", "other", "owner", "parents", "priv", "rent" };
static const char *const marital_levels[] = { "divorced", "married", "separated", "single", "widow" };
static const char *const records_levels[] = { "no", "yes" };
static const char *const job_levels[]     = { "fixed", "freelance", "others", "partime" };

const char *feature_name(feature_id f)
{
    return (unsigned)f < F__COUNT ? feature_names[f] : "?";
}

int feature_parse(const char *name, feature_id *out)
{
    int i;
    if (parse_in(feature_names, F__COUNT, name, &i)) return -1;
    *out = (feature_id)i;
    return 0;
}

const char *const *feature_levels(feature_id f, int *n)
{
    switch (f) {
    case F_HOME:    *n = 6; return home_levels;
    case F_MARITAL: *n = 5; return marital_levels;
    case F_RECORDS: *n = 2; return records_levels;
    case F_JOB:     *n = 4; return job_levels;
    default:        *n = 0; return NULL;
    }
}

int feature_is_categorical(feature_id f)
{
    int n;
    return feature_levels(f, &n) != NULL;
}

int feature_level_code(feature_id f, const char *level)
{
    int n, i;
    const char *const *lv = feature_levels(f, &n);
    if (!lv || parse_in(lv, n, level, &i)) return -1;
    return i;
}
