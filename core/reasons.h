/* Reason codes of credit decisions: short stable codes with their English
 * text, in one table the console translates through gettext. Prefixes:
 * R_ policy rules, S_ strategy steps, SC_ scorecard bins, GB_ GBDT
 * contributions. */
#ifndef YX_REASONS_H
#define YX_REASONS_H

#include "core/domain.h"

typedef struct {
    const char *code;
    const char *text;   /* English; the msgid for translations */
} reason_info;

/* The whole table; *n receives its length. */
const reason_info *reason_table(int *n);
/* English text of a code, or NULL when the code is unknown. */
const char *reason_text(const char *code);
/* The code naming a feature's scorecard bin / GBDT contribution. */
const char *reason_scorecard_code(feature_id f);
const char *reason_gbdt_code(feature_id f);

#endif
