/* Domain types of Yixiang: what the store keeps, the engine decides on and
 * the wire carries. Plain structs and enums with their string names; no I/O.
 * Strings inside these structs are fixed-size arrays so a row can be copied
 * and cached without ownership questions. */
#ifndef YX_DOMAIN_H
#define YX_DOMAIN_H

#include <stdint.h>
#include <stddef.h>

/* ---- enums with wire names (domain.c maps both ways) ---------------- */

typedef enum { CH_API, CH_SEMI_API, CH_H5, CH_OWN, CH__COUNT } channel_kind;

typedef enum {
    APP_SUBMITTED,  /* received, not yet decided */
    APP_APPROVED,   /* approved (automatically or by people) */
    APP_DECLINED,
    APP_REFERRED,   /* waiting for a person (line 1) */
    APP_ESCALATED,  /* waiting for line 2 */
    APP__COUNT
} app_status;

typedef enum { OUT_APPROVE, OUT_REFER, OUT_DECLINE, OUT__COUNT } decision_outcome;

typedef enum { PROD_MALL, PROD_CASH, PROD_SMB, PROD__COUNT } product_kind;

/* Completeness levels: each adds data and lets the limit grow. */
typedef enum {
    CPL_BASIC,      /* identity + application form */
    CPL_BANK_CARD,  /* + bank card */
    CPL_INCOME,     /* + income proof */
    CPL_SOCIAL,     /* + social security / tax */
    CPL_BUREAU,     /* + credit bureau authorisation */
    CPL__COUNT
} completeness_level;

typedef enum { ROLE_OFFICER, ROLE_RISK, ROLE_AUDITOR, ROLE_SUPPORT, ROLE_ADMIN, ROLE__COUNT } user_role;

/* Three lines of defense, one state per line per case. */
typedef enum { L1_PENDING, L1_APPROVED, L1_REJECTED, L1_ESCALATED, L1__COUNT } line1_state;
typedef enum { L2_NOT_REQUIRED, L2_PENDING, L2_APPROVED, L2_REJECTED, L2_RETURNED, L2__COUNT } line2_state;
typedef enum { L3_NOT_SAMPLED, L3_SAMPLED, L3_PASSED, L3_FINDING, L3__COUNT } line3_state;

typedef enum {
    DSP_DECISION, DSP_LIMIT, DSP_PRICING, DSP_NOT_ME, DSP_DATA_CORRECTION,
    DSP_COLLECTION, DSP__COUNT
} dispute_category;

typedef enum { DSPS_OPEN, DSPS_INFO_REQUESTED, DSPS_ESCALATED, DSPS_RESOLVED, DSPS_REJECTED, DSPS__COUNT } dispute_status;

const char *channel_kind_name(channel_kind k);
int channel_kind_parse(const char *s, channel_kind *out);     /* 0 ok, -1 unknown */
const char *app_status_name(app_status s);
int app_status_parse(const char *s, app_status *out);
const char *outcome_name(decision_outcome o);
int outcome_parse(const char *s, decision_outcome *out);
const char *product_kind_name(product_kind p);
int product_kind_parse(const char *s, product_kind *out);
const char *completeness_name(completeness_level c);
int completeness_parse(const char *s, completeness_level *out);
const char *role_name(user_role r);
int role_parse(const char *s, user_role *out);
const char *line1_name(line1_state s);
const char *line2_name(line2_state s);
const char *line3_name(line3_state s);
const char *dispute_category_name(dispute_category c);
int dispute_category_parse(const char *s, dispute_category *out);
const char *dispute_status_name(dispute_status s);
int dispute_status_parse(const char *s, dispute_status *out);   /* 0 ok, -1 unknown */

/* ---- features: the columns of the credit data set ------------------- */

/* Order is the data set's column order (without Status) and is the feature
 * order of the shipped models. Categorical columns hold their level code
 * (see feature_levels); every missing value is NaN. */
typedef enum {
    F_SENIORITY, F_HOME, F_TIME, F_AGE, F_MARITAL, F_RECORDS, F_JOB,
    F_EXPENSES, F_INCOME, F_ASSETS, F_DEBT, F_AMOUNT, F_PRICE, F__COUNT
} feature_id;

typedef struct {
    double v[F__COUNT];
} features;

const char *feature_name(feature_id f);            /* "Seniority", ... */
int feature_parse(const char *name, feature_id *out);
int feature_is_categorical(feature_id f);
/* Levels of a categorical feature, in code order (code 0 = first); NULL for
 * numeric ones. *n receives the count. */
const char *const *feature_levels(feature_id f, int *n);
/* Level name -> code, -1 when unknown. */
int feature_level_code(feature_id f, const char *level);

/* ---- records ------------------------------------------------------- */

typedef struct {
    int64_t id;
    char    name[64];        /* 姓名, UTF-8 */
    char    id_number[19];   /* 18-digit resident ID, GB 11643 */
    char    mobile[12];
    char    bank_card[20];   /* UnionPay, Luhn-valid */
    char    province[32];
    char    city[32];
    char    employer[96];
    int     birth_year, birth_month, birth_day;
    int     gender;          /* 1 male, 2 female, from the ID number */
} customer;

typedef struct {
    int64_t            id;
    int64_t            customer_id;
    int64_t            created_at;     /* unix milliseconds */
    int64_t            updated_at;
    channel_kind       channel;
    char               partner[48];
    product_kind       product;
    char               product_item[32];  /* 数码3C, 家电, 美妆, ... */
    char               scene[24];         /* travel, shopping, social, ... */
    int64_t            amount_fen;        /* requested amount, in fen */
    int                term_months;
    completeness_level completeness;
    app_status         status;
    int64_t            version;           /* bumped on every change */
    features           feat;
} application;

typedef struct {
    char   model[32];      /* "scorecard", "gbdt" */
    char   version[32];
    double score;          /* scorecard points or probability of default */
    int    grade;          /* 1 (best) .. 5 (worst) */
} model_score;

typedef struct {
    int64_t          application_id;
    decision_outcome outcome;
    char             risk_grade;      /* 'A'..'E', 'R' for refer by matrix */
    int64_t          limit_fen;       /* rounded to 100 yuan */
    int              apr_bp;          /* annual percentage rate, basis points */
    char             strategy_version[32];
    char             reasons[256];    /* comma-separated reason codes, ranked */
    int64_t          decided_at;
    char            *trace_json;      /* owned by the holder; may be NULL */
} decision;

typedef struct {
    int64_t     application_id;
    line1_state l1;
    line2_state l2;
    line3_state l3;
    char        l1_user[32], l2_user[32], l3_user[32];
} defense_state;

typedef struct {
    int64_t id;
    int64_t customer_id;
    int64_t limit_fen;
    int64_t used_fen;
    int64_t updated_at;
} credit_line;

typedef struct {
    int64_t id;
    int64_t credit_line_id;
    int64_t old_fen, new_fen;
    char    reason[128];
    char    by_user[32];
    int64_t at;
} limit_change;

typedef struct {
    int64_t          id;
    int64_t          customer_id;
    int64_t          application_id;   /* 0 when none */
    dispute_category category;
    dispute_status   status;
    char             assignee[32];
    int64_t          opened_at;
    int64_t          due_at;           /* 15 days, 30 when extended */
    int              extended;
    int64_t          version;
} dispute;

typedef struct {
    int64_t id;
    int64_t at;
    char    actor[32];
    char    role[16];
    char    action[32];
    char    record[48];     /* "application:123" */
    char    origin[48];     /* address or "cli" */
    unsigned char prev_hash[32];
    unsigned char hash[32];
} audit_entry;

typedef struct {
    int64_t   id;
    char      name[32];
    user_role role;
    int       disabled;
} user;

typedef struct {
    int64_t id;
    int64_t at;
    char    kind[32];       /* "sensitive_data", "abnormal_access", ... */
    char    severity[8];
    char    subject[48];
    char    message[160];
    int     acknowledged;
} alert;

/* Money helpers: amounts are integer fen (0.01 yuan) everywhere. */
#define YX_FEN_PER_YUAN 100

#endif
