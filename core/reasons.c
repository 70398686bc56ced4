/* The reason code table (see reasons.h). Codes are stored with decisions and
 * shown to people, so they never change meaning; add new ones instead. */
#include "core/reasons.h"

#include <string.h>

static const reason_info table[] = {
    /* policy rules (assets/rules) */
    { "R_AGE_RANGE",        "Applicant age is outside the range the product allows" },
    { "R_ID_INVALID",       "Identity number failed the check-character test" },
    { "R_BLACKLIST",        "Applicant is on the platform blacklist" },
    { "R_VELOCITY",         "Too many recent applications" },
    { "R_INCOME_MISSING",   "Income not supplied for an amount that requires it" },
    { "R_RECORDS",          "Prior adverse credit records" },
    { "R_AMOUNT_RANGE",     "Requested amount is outside the product's range" },
    { "R_EXPENSES_HIGH",    "Expenses are high relative to income" },
    /* strategy steps (assets/strategies) */
    { "S_MODELS_DISAGREE",  "The scorecard and the GBDT model disagree; a person must decide" },
    { "S_GRADE_REFER",      "Risk grade requires review in this channel" },
    { "S_GRADE_DECLINE",    "Risk grade is not admitted in this channel" },
    { "S_TERM_NOT_OFFERED", "Requested term is not offered in this channel" },
    { "S_NO_LIMIT",         "No credit limit can be granted" },
    { "S_ABOVE_AUTO_CEILING", "Limit is above the automatic-approval ceiling; a person must decide" },
    /* scorecard bins furthest below their best */
    { "SC_SENIORITY", "Scorecard: short time with the current employer" },
    { "SC_HOME",      "Scorecard: housing situation" },
    { "SC_TIME",      "Scorecard: requested loan term" },
    { "SC_AGE",       "Scorecard: applicant age" },
    { "SC_MARITAL",   "Scorecard: marital status" },
    { "SC_RECORDS",   "Scorecard: prior adverse records" },
    { "SC_JOB",       "Scorecard: type of employment" },
    { "SC_EXPENSES",  "Scorecard: monthly expenses" },
    { "SC_INCOME",    "Scorecard: monthly income" },
    { "SC_ASSETS",    "Scorecard: assets" },
    { "SC_DEBT",      "Scorecard: existing debt" },
    { "SC_AMOUNT",    "Scorecard: requested amount" },
    { "SC_PRICE",     "Scorecard: price of the goods" },
    /* GBDT features pushing most toward default */
    { "GB_SENIORITY", "Model: short time with the current employer" },
    { "GB_HOME",      "Model: housing situation" },
    { "GB_TIME",      "Model: requested loan term" },
    { "GB_AGE",       "Model: applicant age" },
    { "GB_MARITAL",   "Model: marital status" },
    { "GB_RECORDS",   "Model: prior adverse records" },
    { "GB_JOB",       "Model: type of employment" },
    { "GB_EXPENSES",  "Model: monthly expenses" },
    { "GB_INCOME",    "Model: monthly income" },
    { "GB_ASSETS",    "Model: assets" },
    { "GB_DEBT",      "Model: existing debt" },
    { "GB_AMOUNT",    "Model: requested amount" },
    { "GB_PRICE",     "Model: price of the goods" },
};

/* Index of SC_SENIORITY; the per-feature codes follow in feature order. */
enum { SC_FIRST = 14, GB_FIRST = SC_FIRST + F__COUNT };

const reason_info *reason_table(int *n)
{
    *n = (int)(sizeof table / sizeof table[0]);
    return table;
}

const char *reason_text(const char *code)
{
    for (size_t i = 0; code && i < sizeof table / sizeof table[0]; i++)
        if (!strcmp(table[i].code, code)) return table[i].text;
    return NULL;
}

const char *reason_scorecard_code(feature_id f)
{
    return (unsigned)f < F__COUNT ? table[SC_FIRST + f].code : "?";
}

const char *reason_gbdt_code(feature_id f)
{
    return (unsigned)f < F__COUNT ? table[GB_FIRST + f].code : "?";
}
