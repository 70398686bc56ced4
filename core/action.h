/* Decoding the bodies of staff actions (POST /v1/actions) and reveals
 * (POST /v1/reveal): every field checked for its type, range, length and
 * text (UTF-8, no control characters) before anything is looked up or
 * written, and the first problem named with its field. What the rules
 * then make of a well-formed action (versions, separation of duties,
 * authority, dispute states) is the server's, not this module's. */
#ifndef YX_ACTION_H
#define YX_ACTION_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/domain.h"

typedef enum {
    ACTION_REVIEW, ACTION_ESCALATE,                /* line 1 */
    ACTION_LINE2, ACTION_APPROVE_LINE2,            /* line 2 */
    ACTION_AUDIT_SAMPLE, ACTION_AUDIT_PASS, ACTION_AUDIT_FINDING,   /* line 3 */
    ACTION_ADJUST_LIMIT,
    ACTION_DISPUTE_OPEN, ACTION_DISPUTE_MESSAGE, ACTION_DISPUTE_ASSIGN, ACTION_DISPUTE_REQUEST_INFO,
    ACTION_DISPUTE_EXTEND, ACTION_DISPUTE_RESOLVE, ACTION_DISPUTE_REJECT, ACTION_DISPUTE_ESCALATE,
    ACTION_ALERT_ACK, ACTION_REVEAL_REQUEST, ACTION_REVEAL_DECIDE,
    ACTION__COUNT
} action_type;

/* Wire name ("review", "dispute_open", ...). */
const char *action_type_name(action_type t);
/* The line of defense an action acts on, by its type's name: 1 for review,
 * escalate and adjust_limit, 2 for line2 and approve_line2, 3 for the
 * audit actions, 0 for the others (disputes, alerts, reveals) and for an
 * unknown name. */
int action_line_of(const char *type_name);

/* Record ids and versions: 1 .. 2^53, the integers a JSON number (a
 * double) holds exactly, so an id above it is refused, not rounded to
 * another record's. */
#define ACTION_ID_MAX ((int64_t)1 << 53)
#define ACTION_LIMIT_MAX_FEN 1000000000000LL   /* a new limit: 10 billion yuan, beyond any product */
#define ACTION_REASON_MAX 500                  /* reason and note, bytes */
#define ACTION_REMEDIATION_MAX 1000
#define ACTION_TEXT_MAX 4000                   /* dispute messages, assignees, resolutions */
#define ACTION_REQUEST_MAX 128                 /* a reveal request's id (its Idempotency-Key) */
#define REVEAL_REASON_MIN 10

/* The personal fields a reveal may show, in this order. */
enum { REVEAL_NAME, REVEAL_ID_NUMBER, REVEAL_MOBILE, REVEAL_BANK_CARD, REVEAL__COUNT };
extern const char *const reveal_field_names[REVEAL__COUNT];

/* The body of a reveal or a reveal request. */
typedef struct reveal_req {
    int64_t application_id;
    int want[REVEAL__COUNT];   /* 1 for each field asked for */
    char fields[64];           /* the fields asked for, "name,mobile", for the audit trail */
    const char *reason;        /* REVEAL_REASON_MIN to ACTION_REASON_MAX bytes */
    const char *request;       /* the approved reveal request it is made under, or NULL */
} reveal_req;

/* A decoded action. Strings point into the cJSON body it was decoded
 * from, which must outlive it; fields the type does not take are 0/NULL. */
typedef struct action_req {
    action_type type;
    int64_t application_id;    /* cases (review .. adjust_limit); dispute_open: 0 when absent */
    int64_t version;           /* the record version the user saw: cases and disputes but open */
    int64_t dispute_id;        /* disputes but open */
    int64_t customer_id;       /* dispute_open: 0 when absent */
    int64_t alert_id;          /* alert_ack */
    int64_t new_limit_fen;     /* adjust_limit */
    int decision;              /* index into action_decisions(type); escalate 2, approve_line2 0 */
    int severity;              /* audit_finding: index into action_severities */
    dispute_category category; /* dispute_open */
    const char *reason;        /* review, line 2, adjust_limit (required) */
    const char *note;          /* line 3 (optional) */
    const char *remediation;   /* audit_finding */
    const char *text;          /* disputes: the text field below */
    const char *text_field;    /* "message", "assignee", "resolution" or "reason" */
    const char *request;       /* reveal_decide: the reveal request decided */
    reveal_req reveal;         /* reveal_request */
} action_req;

/* The decisions a type takes by name (NULL-terminated), or NULL. */
const char *const *action_decisions(action_type t);
const char *action_decision_name(const action_req *a);
extern const char *const action_severities[];   /* low, medium, high, critical */

/* Why a body was refused: 400 and an API error code ("unknown_action",
 * "bad_field", "reason_required") with a message naming the field. */
typedef struct action_error {
    const char *code;
    char message[200];
} action_error;

/* Decodes an action body. Returns 0 with *out filled; -1 when the type is
 * missing or unknown (out->type unset); 1 when the type is known (set in
 * out->type, so that the caller can check the role first) but a field is
 * not. err says why. */
int action_decode(const cJSON *body, action_req *out, action_error *err);

/* Decodes the body of POST /v1/reveal (with_request: application_id,
 * fields, reason and the optional request it is made under) or of a
 * reveal_request action (the same but request, which it does not take and
 * leaves NULL). The reason is REVEAL_REASON_MIN to ACTION_REASON_MAX bytes
 * of UTF-8 text without control characters (a line break allowed). 0, or
 * -1 with err. */
int reveal_decode(const cJSON *body, int with_request, reveal_req *out, action_error *err);

#endif
