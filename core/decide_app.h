/* A decided application, from the application to its stored rows: the
 * engine's input built from an application and the platform's signals,
 * and the rows a decision leaves in the store (the decisions row with the
 * input for replay, both model scores, the application's status, the
 * defense-line case). Shared by intake (yxd serve) and the demo generator
 * so both store decisions the same way. */
#ifndef YX_DECIDE_APP_H
#define YX_DECIDE_APP_H

#include <stdint.h>

#include "core/decide.h"
#include "core/domain.h"
#include "core/store.h"

/* What the platform knows about the applicant besides the application. */
typedef struct {
    int age;              /* full years, from the ID number's birth date */
    int id_valid;         /* the ID number passed its check character */
    int blacklist_hit;    /* the person is on the platform's blacklist */
    int recent_apps;      /* their applications in the last 30 days */
} decide_signals;

/* The engine's input for a (channel, product, amount, term, completeness
 * and features) plus the signals. */
void decide_app_input(const application *a, const decide_signals *sig, decide_input *out);

/* What happens on the defense lines to an automatic (approve / decline)
 * decision; a referral always opens a case pending on line 1. */
typedef enum {
    DECIDE_CASE_NONE,     /* no defense row */
    DECIDE_CASE_SETTLED,  /* a row settled on line 1 by "auto", not sampled */
    DECIDE_CASE_SAMPLED,  /* settled on line 1 and sampled for line 3 */
} decide_case;

/* Records r as the decision of the stored application a (a->id, and
 * a->status and a->version as stored), inside the caller's transaction (or
 * its own when there is none, as store_app.h says): the decisions row with
 * input_json (so `yxd replay` can re-run it) and the trace, both model
 * scores, the status of the outcome, and the defense row. A caller that
 * decides before inserting may insert the application with the outcome's
 * status already; it is then not set again (one update less per
 * application). decided_at is unix ms; maker (may be NULL) is recorded on
 * the defense row. *version (may be NULL) receives the application's
 * version afterwards. 0 ok, 1 no such application, -1 store error
 * (store_errmsg; the caller rolls back). */
int decide_app_record(store *s, const application *a, const decide_result *r, const char *input_json,
                      int64_t decided_at, decide_case kase, const char *maker, int64_t *version);

#endif
