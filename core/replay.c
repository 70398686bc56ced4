/* Replay of stored decisions (see replay.h). */
#include "core/replay.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/store_app.h"

static void say(char *report, size_t rn, size_t *len, const char *fmt, ...)
{
    if (*len >= rn) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(report + *len, rn - *len, fmt, ap);
    va_end(ap);
    if (k > 0) *len += (size_t)k;
}

/* First difference of two traces, with some context of each. */
static void trace_diff(const char *a, const char *b, char *report, size_t rn, size_t *len)
{
    size_t i = 0;
    while (a[i] && a[i] == b[i]) i++;
    size_t from = i > 30 ? i - 30 : 0;
    say(report, rn, len, "trace: differs at byte %zu\n  stored:   ...%.70s\n  replayed: ...%.70s\n",
        i, a + from, b + from);
}

int decide_replay(store *s, const engine *e, int64_t application_id,
                  char *report, size_t rn, char *err, size_t en)
{
    decision d;
    char *input = NULL;
    report[0] = '\0';
    int rc = store_decision_get(s, application_id, &d, &input);
    if (rc) {
        snprintf(err, en, rc > 0 ? "application %lld has no decision" : "cannot read decision of application %lld: %s",
                 (long long)application_id, rc > 0 ? "" : store_errmsg(s));
        return -1;
    }
    decide_input in;
    decide_result r = { 0 };
    char ierr[200], reasons[256];
    rc = -1;
    if (!input) {
        snprintf(err, en, "decision of application %lld was stored without its input; it cannot be replayed",
                 (long long)application_id);
    } else if (strcmp(d.strategy_version, engine_strategy_version(e))) {
        snprintf(err, en, "decision of application %lld was made with strategy %s, the loaded strategy is %s",
                 (long long)application_id, d.strategy_version, engine_strategy_version(e));
    } else if (decide_input_from_json(input, &in, ierr, sizeof ierr)) {
        snprintf(err, en, "stored input of application %lld: %s", (long long)application_id, ierr);
    } else if (engine_decide(e, &in, &r)) {
        snprintf(err, en, "the engine could not decide application %lld", (long long)application_id);
    } else {
        size_t len = 0;
        if (r.outcome != d.outcome)
            say(report, rn, &len, "outcome: stored %s, replayed %s\n", outcome_name(d.outcome), outcome_name(r.outcome));
        if (r.risk_grade != d.risk_grade)
            say(report, rn, &len, "risk_grade: stored %c, replayed %c\n", d.risk_grade, r.risk_grade);
        if (r.limit_fen != d.limit_fen)
            say(report, rn, &len, "limit_fen: stored %lld, replayed %lld\n", (long long)d.limit_fen, (long long)r.limit_fen);
        if (r.apr_bp != d.apr_bp)
            say(report, rn, &len, "apr_bp: stored %d, replayed %d\n", d.apr_bp, r.apr_bp);
        decide_reasons_join(&r, reasons, sizeof reasons);
        if (strcmp(reasons, d.reasons))
            say(report, rn, &len, "reasons: stored %s, replayed %s\n", d.reasons, reasons);
        if (!d.trace_json) say(report, rn, &len, "trace: not stored\n");
        else if (strcmp(d.trace_json, r.trace)) trace_diff(d.trace_json, r.trace, report, rn, &len);
        rc = len ? 1 : 0;
    }
    decide_result_free(&r);
    free(input);
    free(d.trace_json);
    return rc;
}
