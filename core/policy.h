/* Who may do what: the one permission table of Yixiang (role x endpoint or
 * action), the separation-of-duties rules of the three lines of defense and
 * the authority limits by role and amount. The server asks here before
 * every route and every action; the console asks here to grey out what the
 * server would refuse. The table is printed in README.md
 * (`policy_table_markdown()` produces it). */
#ifndef YX_POLICY_H
#define YX_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "core/domain.h"

typedef enum {
    PERM_PUBLIC,            /* no login: healthz, metrics, checkpoints */
    PERM_CHANNEL,           /* a channel key, not a staff role: intake */
    PERM_SESSION,           /* any logged-in user: logout, own session */
    PERM_APP_READ,          /* application lists and records (masked) */
    PERM_CHANGES,           /* change feed */
    PERM_ACT_LINE1,         /* line-1 review: approve / decline / escalate */
    PERM_ACT_LINE2,         /* line-2 decision: approve / reject / return */
    PERM_ACT_LINE3,         /* line-3 audit: sample / pass / finding */
    PERM_ACT_LIMIT,         /* credit limit adjustment */
    PERM_DISPUTE_READ,
    PERM_DISPUTE_WRITE,     /* any dispute_* action at all: the union of the
                               three below (derived, not a cell of its own) */
    PERM_DISPUTE_OPEN,      /* open a dispute */
    PERM_DISPUTE_WORK,      /* act on a dispute that is not escalated:
                               message, assign, request info, extend,
                               escalate, resolve, reject */
    PERM_DISPUTE_ESCALATED, /* act on an escalated dispute (line 2) */
    PERM_REVEAL,            /* ask to see personal data in clear */
    PERM_AUDIT_READ,        /* the audit trail */
    PERM_ALERTS,
    PERM__COUNT
} permission;

const char *permission_name(permission p);
int permission_parse(const char *name, permission *out);

/* 1 when role may use the permission. PERM_PUBLIC is always allowed and
 * PERM_CHANNEL never (channels are not staff). */
int policy_allows(user_role role, permission p);

/* The table as Markdown (for README.md and `yxd policy`); writes at most n
 * bytes into buf and returns buf. */
char *policy_table_markdown(char *buf, size_t n);

/* ---- authority and separation of duties ---------------------------- */

/* The configurable numbers of the rules: authority by role and amount,
 * and the share of automatic decisions line 3 samples. */
typedef struct policy_limits {
    int64_t authority_fen[ROLE__COUNT];  /* largest limit a role grants or
                                            sets without line 2; 0 = none */
    int     sample_permille;             /* per mille of automatic decisions */
} policy_limits;

/* Officer 50,000 yuan, risk 500,000 yuan, others 0; sampling 20 per mille. */
void policy_limits_default(policy_limits *l);
/* Applies "ROLE=YUAN" (e.g. "officer=80000") to l. 0 ok, -1 bad spec. */
int policy_limits_set_authority(policy_limits *l, const char *spec);

/* Defense-line state of one case, as the rules need it. Users are names;
 * empty when nobody acted yet. */
typedef struct {
    const char *maker;       /* who made the change under review, if a person */
    const char *l1_user, *l2_user, *l3_user;   /* the latest on each line */
    unsigned actor_lines;    /* bit l set: the actor acted on line l of this
                                case before (its whole history, which the
                                latest users alone do not show) */
} policy_case;

/* Error codes the server sends with 403 (stable wire names). */
#define POLICY_FORBIDDEN_ROLE      "forbidden_role"
#define POLICY_TWO_LINES           "separation_two_lines"
#define POLICY_MAKER_CHECKER       "separation_maker_checker"
#define POLICY_AUTHORITY           "limit_exceeds_authority"
#define POLICY_OVERRIDE_NEEDS_L2   "override_needs_line2"
#define POLICY_READ_ONLY           "read_only_role"
#define POLICY_DISPUTE_OPEN        "dispute_open_support_only"
#define POLICY_DISPUTE_ESCALATED   "dispute_escalated_to_line2"
#define POLICY_DISPUTE_NOT_ESCALATED "dispute_line2_escalated_only"

/* Checks that `actor` may act on line `line` (1..3) of the case: nobody acts
 * on two lines of one case, the maker is never the checker. Returns NULL
 * when allowed, else one of the POLICY_* codes. */
const char *policy_check_line(const policy_case *c, int line, const char *actor);

/* ---- disputes: by role and dispute state ---------------------------- */

/* The permission a dispute action needs: opening one (opening != 0,
 * status ignored) disputes.open; acting on an escalated dispute
 * disputes.escalated; on any other disputes.work. */
permission policy_dispute_permission(int opening, dispute_status status);

/* Checks that `role` may open a dispute (opening != 0) or act on one in
 * `status`. Returns NULL when allowed, else the 403 code: read_only_role
 * (auditors) or forbidden_role for a role without any dispute action, else
 * the rule it broke: POLICY_DISPUTE_OPEN (only support opens disputes),
 * POLICY_DISPUTE_ESCALATED (an escalated dispute is line 2's) or
 * POLICY_DISPUTE_NOT_ESCALATED (line 2 acts on escalated disputes only).
 * Whether the state allows the action at all (a closed dispute) is the
 * caller's check, made first. */
const char *policy_check_dispute(user_role role, int opening, dispute_status status);

/* The 403 code for role lacking permission p: read_only_role for
 * auditors, the dispute rule (POLICY_DISPUTE_*) for a role that holds
 * other dispute actions and lacks this one, else forbidden_role. */
const char *policy_refusal(user_role role, permission p);

/* One line of English naming the rule behind a code policy_refusal or
 * policy_check_dispute returns, for the 403 message. */
const char *policy_refusal_text(const char *code);


#endif
