/* Decoding action and reveal bodies (action.h). Each type lists the fields
 * it takes in the order they are checked; the first that is missing or
 * wrong is the one named. */
#include "core/action.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/person.h"
#include "core/util.h"

static const char *const type_names[ACTION__COUNT] = {
    "review", "escalate", "line2", "approve_line2", "audit_sample", "audit_pass", "audit_finding",
    "adjust_limit", "dispute_open", "dispute_message", "dispute_assign", "dispute_request_info",
    "dispute_extend", "dispute_resolve", "dispute_reject", "dispute_escalate", "alert_ack",
    "reveal_request", "reveal_decide",
};

const char *const reveal_field_names[REVEAL__COUNT] = { "name", "id_number", "mobile", "bank_card" };
const char *const action_severities[] = { "low", "medium", "high", "critical", NULL };

static const char *const review_decisions[] = { "approve", "decline", "escalate", NULL };
static const char *const line2_decisions[] = { "approve", "reject", "return", NULL };
static const char *const reveal_decisions[] = { "approve", "reject", NULL };

const char *action_type_name(action_type t)
{
    return t >= 0 && t < ACTION__COUNT ? type_names[t] : "?";
}

int action_line_of(const char *type_name)
{
    for (int i = 0; type_name && i < ACTION__COUNT; i++) {
        if (strcmp(type_name, type_names[i])) continue;
        switch ((action_type)i) {
        case ACTION_REVIEW: case ACTION_ESCALATE: case ACTION_ADJUST_LIMIT: return 1;
        case ACTION_LINE2: case ACTION_APPROVE_LINE2: return 2;
        case ACTION_AUDIT_SAMPLE: case ACTION_AUDIT_PASS: case ACTION_AUDIT_FINDING: return 3;
        default: return 0;
        }
    }
    return 0;
}

const char *const *action_decisions(action_type t)
{
    switch (t) {
    case ACTION_REVIEW: case ACTION_ESCALATE: return review_decisions;
    case ACTION_LINE2: case ACTION_APPROVE_LINE2: return line2_decisions;
    case ACTION_REVEAL_DECIDE: return reveal_decisions;
    default: return NULL;
    }
}

const char *action_decision_name(const action_req *a)
{
    const char *const *d = action_decisions(a->type);
    return d ? d[a->decision] : "";
}

static int fail(action_error *err, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(action_error *err, const char *code, const char *fmt, ...)
{
    va_list ap;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- field readers ----------------------------------------------------- */

static const cJSON *field(const cJSON *body, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(body, name);
}

/* An integer from min to max (a JSON number without a fraction). */
static int get_int(const cJSON *body, const char *name, int64_t min, int64_t max, int64_t *v, action_error *err)
{
    const cJSON *f = field(body, name);
    double d;
    if (!cJSON_IsNumber(f)) return fail(err, "bad_field", "'%s' must be an integer", name);
    d = f->valuedouble;
    /* fractions and anything an int64 cannot hold refused before converting;
     * the range checked on the integer, as a bound near 2^62 is not a
     * double */
    if (d != d || d < -9223372036854775808.0 || d >= 9223372036854775808.0 || d != (double)(int64_t)d ||
        (int64_t)d < min || (int64_t)d > max)
        return fail(err, "bad_field", "'%s' must be an integer from %lld to %lld", name, (long long)min,
                    (long long)max);
    *v = (int64_t)d;
    return 0;
}

/* An id, or 0 when the field is absent or null. */
static int get_opt_id(const cJSON *body, const char *name, int64_t *v, action_error *err)
{
    const cJSON *f = field(body, name);
    *v = 0;
    if (!f || cJSON_IsNull(f)) return 0;
    return get_int(body, name, 1, ACTION_ID_MAX, v, err);
}

/* UTF-8 text of at most maxlen bytes without control characters (a line
 * break allowed); required: present and not empty, else NULL when absent
 * or null. */
static int get_str(const cJSON *body, const char *name, size_t maxlen, int required, const char **v,
                   action_error *err)
{
    const cJSON *f = field(body, name);
    size_t n;
    *v = NULL;
    if (!f || cJSON_IsNull(f)) return required ? fail(err, "bad_field", "'%s' is required", name) : 0;
    if (!cJSON_IsString(f)) return fail(err, "bad_field", "'%s' must be a string", name);
    n = strlen(f->valuestring);
    if ((required && n == 0) || n > maxlen || !yx_utf8_valid(f->valuestring, n))
        return fail(err, "bad_field", "'%s' must be 1 to %zu bytes of UTF-8 text", name, maxlen);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)f->valuestring[i] < 0x20 && f->valuestring[i] != '\n')
            return fail(err, "bad_field", "'%s' must not hold control characters", name);
    *v = f->valuestring;
    return 0;
}

/* Free text (a reason, a note, a dispute message): get_str's text, which
 * must not carry personal data that has a protected field of its own (an
 * ID, mobile or card number), so it never lands unmasked in a record,
 * the change feed or the audit trail. */
static int get_text(const cJSON *body, const char *name, size_t maxlen, int required, const char **v,
                    action_error *err)
{
    const char *what;
    if (get_str(body, name, maxlen, required, v, err)) return -1;
    if (*v && (what = person_data_in(*v)) != NULL) {
        *v = NULL;
        return fail(err, "bad_field", "'%s' holds %s; personal data goes only in its own field (reveal it instead)",
                    name, what);
    }
    return 0;
}

/* One of the NULL-terminated choices: its index. */
static int get_choice(const cJSON *body, const char *name, const char *const *choices, int *idx, action_error *err)
{
    const char *v;
    char list[128] = "";
    if (get_str(body, name, 64, 1, &v, err)) return -1;
    for (int i = 0; choices[i]; i++) {
        if (!strcmp(v, choices[i])) {
            *idx = i;
            return 0;
        }
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", choices[i]);
    }
    return fail(err, "bad_field", "'%s' must be one of: %s", name, list);
}

/* ---- per type ---------------------------------------------------------- */

static int decode_case(const cJSON *b, action_req *a, action_error *err)
{
    if (get_int(b, "application_id", 1, ACTION_ID_MAX, &a->application_id, err) ||
        get_int(b, "version", 1, ACTION_ID_MAX, &a->version, err))
        return -1;
    switch (a->type) {
    case ACTION_ESCALATE:
    case ACTION_APPROVE_LINE2:
        /* the type is the decision: a decision sent beside it (approve_line2
         * with "reject") is refused rather than silently overruled */
        if (field(b, "decision") && !cJSON_IsNull(field(b, "decision")))
            return fail(err, "bad_field", "'decision' is not taken by %s; send %s with a decision",
                        type_names[a->type], a->type == ACTION_ESCALATE ? "review" : "line2");
        a->decision = a->type == ACTION_ESCALATE ? 2 : 0;
        return get_text(b, "reason", ACTION_REASON_MAX, 1, &a->reason, err);
    case ACTION_REVIEW:
    case ACTION_LINE2:
        return get_choice(b, "decision", action_decisions(a->type), &a->decision, err) ||
               get_text(b, "reason", ACTION_REASON_MAX, 1, &a->reason, err) ? -1 : 0;
    case ACTION_AUDIT_FINDING:
        if (get_choice(b, "severity", action_severities, &a->severity, err) ||
            get_text(b, "remediation", ACTION_REMEDIATION_MAX, 1, &a->remediation, err))
            return -1;
        return get_text(b, "note", ACTION_REASON_MAX, 0, &a->note, err);
    case ACTION_AUDIT_SAMPLE:
    case ACTION_AUDIT_PASS:
        return get_text(b, "note", ACTION_REASON_MAX, 0, &a->note, err);
    default: /* ACTION_ADJUST_LIMIT */
        return get_int(b, "new_limit_fen", 1, ACTION_LIMIT_MAX_FEN, &a->new_limit_fen, err) ||
               get_text(b, "reason", ACTION_REASON_MAX, 1, &a->reason, err) ? -1 : 0;
    }
}

static int decode_dispute(const cJSON *b, action_req *a, action_error *err)
{
    if (a->type == ACTION_DISPUTE_OPEN) {
        const cJSON *c;
        if (get_opt_id(b, "customer_id", &a->customer_id, err) ||
            get_opt_id(b, "application_id", &a->application_id, err) ||
            get_text(b, "message", ACTION_TEXT_MAX, 1, &a->text, err))
            return -1;
        a->text_field = "message";
        c = field(b, "category");
        if (!cJSON_IsString(c) || dispute_category_parse(c->valuestring, &a->category))
            return fail(err, "bad_field", "'category' must be one of: decision, limit, pricing, not_me, "
                        "data_correction, collection");
        return 0;
    }
    if (get_int(b, "dispute_id", 1, ACTION_ID_MAX, &a->dispute_id, err) ||
        get_int(b, "version", 1, ACTION_ID_MAX, &a->version, err))
        return -1;
    a->text_field = a->type == ACTION_DISPUTE_MESSAGE ? "message"
                  : a->type == ACTION_DISPUTE_ASSIGN  ? "assignee"
                  : a->type == ACTION_DISPUTE_RESOLVE || a->type == ACTION_DISPUTE_REJECT ? "resolution"
                                                                                          : "reason";
    return a->type == ACTION_DISPUTE_ASSIGN ? get_str(b, a->text_field, ACTION_TEXT_MAX, 1, &a->text, err)
                                            : get_text(b, a->text_field, ACTION_TEXT_MAX, 1, &a->text, err);
}

int reveal_decode(const cJSON *body, int with_request, reveal_req *out, action_error *err)
{
    const cJSON *why = field(body, "reason"), *f = field(body, "fields"), *it;
    static const char fields_msg[] = "'fields' must list some of: name, id_number, mobile, bank_card";
    memset(out, 0, sizeof *out);
    if (get_int(body, "application_id", 1, ACTION_ID_MAX, &out->application_id, err)) return -1;
    if (!cJSON_IsString(why) || strlen(why->valuestring) < REVEAL_REASON_MIN ||
        get_str(body, "reason", ACTION_REASON_MAX, 1, &out->reason, err))
        return fail(err, "reason_required", "say why, in %d to %d bytes of text ('reason')", REVEAL_REASON_MIN,
                    ACTION_REASON_MAX);
    if (get_text(body, "reason", ACTION_REASON_MAX, 1, &out->reason, err)) return -1;   /* personal data */
    if (!cJSON_IsArray(f) || cJSON_GetArraySize(f) == 0) return fail(err, "bad_field", fields_msg);
    cJSON_ArrayForEach(it, f) {
        int k = -1;
        for (int i = 0; i < REVEAL__COUNT && cJSON_IsString(it); i++)
            if (!strcmp(it->valuestring, reveal_field_names[i])) k = i;
        if (k < 0) return fail(err, "bad_field", fields_msg);
        if (!out->want[k])
            snprintf(out->fields + strlen(out->fields), sizeof out->fields - strlen(out->fields), "%s%s",
                     out->fields[0] ? "," : "", reveal_field_names[k]);
        out->want[k] = 1;
    }
    if (with_request && get_str(body, "request", ACTION_REQUEST_MAX, 0, &out->request, err)) return -1;
    return 0;
}

int action_decode(const cJSON *body, action_req *out, action_error *err)
{
    const cJSON *t = field(body, "type");
    int ti = -1, rc;
    memset(out, 0, sizeof *out);
    for (int i = 0; cJSON_IsString(t) && i < ACTION__COUNT; i++)
        if (!strcmp(t->valuestring, type_names[i])) ti = i;
    if (ti < 0)
        return fail(err, "unknown_action", "'type' must name an action (review, line2, audit_sample, "
                    "audit_pass, audit_finding, adjust_limit, dispute_...)");
    out->type = (action_type)ti;
    switch (out->type) {
    case ACTION_ALERT_ACK:
        rc = get_int(body, "alert_id", 1, ACTION_ID_MAX, &out->alert_id, err);
        break;
    case ACTION_REVEAL_REQUEST:
        rc = reveal_decode(body, 0, &out->reveal, err);
        break;
    case ACTION_REVEAL_DECIDE:
        rc = get_str(body, "request", ACTION_REQUEST_MAX, 1, &out->request, err) ||
             get_choice(body, "decision", reveal_decisions, &out->decision, err) ? -1 : 0;
        break;
    default:
        rc = out->type >= ACTION_DISPUTE_OPEN ? decode_dispute(body, out, err) : decode_case(body, out, err);
    }
    if (rc) {
        action_type type = out->type;
        memset(out, 0, sizeof *out);   /* nothing half-decoded is used */
        out->type = type;
        return 1;
    }
    return 0;
}
