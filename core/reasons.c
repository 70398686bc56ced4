/* The reason code table (see reasons.h). Codes are stored with decisions and
 * shown to people, so they never change meaning; add new ones instead. */
#include "core/reasons.h"

#include <string.h>

/* Marks a text for translation without translating it here: the console
 * looks the English text up in its catalogue (xgettext --keyword=N_). */
#define N_(s) s

static const reason_info table[] = {
    /* policy rules (assets/rules) */
    { "R_AGE_RANGE",        N_("Applicant age is outside the range the product allows") },
    { "R_ID_INVALID",       N_("Identity number failed the check-character test") },
    { "R_BLACKLIST",        N_("Applicant is on the platform blacklist") },
    { "R_VELOCITY",         N_("Too many recent applications") },
    { "R_INCOME_MISSING",   N_("Income not supplied for an amount that requires it") },
    { "R_RECORDS",          N_("Prior adverse credit records") },
    { "R_AMOUNT_RANGE",     N_("Requested amount is outside the product's range") },
    { "R_EXPENSES_HIGH",    N_("Expenses are high relative to income") },
    /* strategy steps (assets/strategies) */
    { "S_MODELS_DISAGREE",  N_("The scorecard and the GBDT model disagree; a person must decide") },
    { "S_GRADE_REFER",      N_("Risk grade requires review in this channel") },
    { "S_GRADE_DECLINE",    N_("Risk grade is not admitted in this channel") },
    { "S_TERM_NOT_OFFERED", N_("Requested term is not offered in this channel") },
    { "S_NO_LIMIT",         N_("No credit limit can be granted") },
    { "S_ABOVE_AUTO_CEILING", N_("Limit is above the automatic-approval ceiling; a person must decide") },
    /* scorecard bins furthest below their best */
    { "SC_SENIORITY", N_("Scorecard: short time with the current employer") },
    { "SC_HOME",      N_("Scorecard: housing situation") },
    { "SC_TIME",      N_("Scorecard: requested loan term") },
    { "SC_AGE",       N_("Scorecard: applicant age") },
    { "SC_MARITAL",   N_("Scorecard: marital status") },
    { "SC_RECORDS",   N_("Scorecard: prior adverse records") },
    { "SC_JOB",       N_("Scorecard: type of employment") },
    { "SC_EXPENSES",  N_("Scorecard: monthly expenses") },
    { "SC_INCOME",    N_("Scorecard: monthly income") },
    { "SC_ASSETS",    N_("Scorecard: assets") },
    { "SC_DEBT",      N_("Scorecard: existing debt") },
    { "SC_AMOUNT",    N_("Scorecard: requested amount") },
    { "SC_PRICE",     N_("Scorecard: price of the goods") },
    /* GBDT features pushing most toward default */
    { "GB_SENIORITY", N_("Model: short time with the current employer") },
    { "GB_HOME",      N_("Model: housing situation") },
    { "GB_TIME",      N_("Model: requested loan term") },
    { "GB_AGE",       N_("Model: applicant age") },
    { "GB_MARITAL",   N_("Model: marital status") },
    { "GB_RECORDS",   N_("Model: prior adverse records") },
    { "GB_JOB",       N_("Model: type of employment") },
    { "GB_EXPENSES",  N_("Model: monthly expenses") },
    { "GB_INCOME",    N_("Model: monthly income") },
    { "GB_ASSETS",    N_("Model: assets") },
    { "GB_DEBT",      N_("Model: existing debt") },
    { "GB_AMOUNT",    N_("Model: requested amount") },
    { "GB_PRICE",     N_("Model: price of the goods") },
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
