/* From application to decision input, and from decision result to stored
 * rows (see decide_app.h). */
#include "core/decide_app.h"

#include <string.h>

#include "core/store_app.h"
#include "core/util.h"

void decide_app_input(const application *a, const decide_signals *sig, decide_input *out)
{
    memset(out, 0, sizeof *out);
    out->channel = a->channel;
    out->product = a->product;
    out->amount_fen = a->amount_fen;
    out->term_months = a->term_months;
    out->completeness = a->completeness;
    out->feat = a->feat;
    out->age = sig->age;
    out->id_valid = sig->id_valid;
    out->blacklist_hit = sig->blacklist_hit;
    out->recent_apps = sig->recent_apps;
}

int decide_app_record(store *s, const application *a, const decide_result *r, const char *input_json,
                      int64_t decided_at, decide_case kase, const char *maker, int64_t *version)
{
    app_status st = store_status_for_outcome(r->outcome);
    int64_t app_id = a->id;
    decision d;
    model_score ms[2];
    defense_state df;
    int rc;
    decide_result_to_decision(r, app_id, decided_at, &d);
    decide_result_scores(r, ms);
    /* The decision bumps the version once (store_decision_put). */
    if ((rc = store_decision_put(s, &d, input_json)) != 0) return rc;
    if (version) *version = a->version + 1;
    if (store_score_put(s, app_id, &ms[0]) || store_score_put(s, app_id, &ms[1])) return -1;
    if (a->status != st && (rc = store_app_set_status_at(s, app_id, st, 0, decided_at, version)) != 0)
        return rc;
    if (r->outcome != OUT_REFER && kase == DECIDE_CASE_NONE) return 0;
    memset(&df, 0, sizeof df);
    df.application_id = app_id;
    df.l2 = L2_NOT_REQUIRED;
    if (r->outcome == OUT_REFER) {
        /* A person decides a referral on line 1. */
        df.l1 = L1_PENDING;
        df.l3 = L3_NOT_SAMPLED;
    } else {
        df.l1 = r->outcome == OUT_APPROVE ? L1_APPROVED : L1_REJECTED;
        df.l3 = kase == DECIDE_CASE_SAMPLED ? L3_SAMPLED : L3_NOT_SAMPLED;
        yx_strlcpy(df.l1_user, "auto", sizeof df.l1_user);
    }
    return store_defense_put_at(s, &df, maker, decided_at);
}
