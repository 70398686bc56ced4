/* The permission table, authority limits and separation-of-duties rules.
 * This file is the single place where access is decided; change a cell
 * here and both yxd and the README table (policy_table_markdown) follow.
 *
 * Principles behind the cells:
 * - line 1 (officer) works cases, line 2 (risk) checks them, line 3
 *   (auditor) reads everything and only records audit results;
 * - support sees masked records and works disputes, nothing else: it
 *   opens them and works them until one is escalated; an escalated dispute
 *   is line 2's (risk), which acts on no other dispute;
 * - admin runs the service (users, channels, audit trail) and sees no
 *   customer records.
 * Authority amounts and the line-3 sampling share are numbers an operator
 * sets (policy_limits, `yxd serve --authority ROLE=YUAN`); the rules are
 * not. */
#include "core/policy.h"

#include <stdio.h>
#include <string.h>

#include "core/util.h"

static const char *const perm_names[PERM__COUNT] = {
    [PERM_PUBLIC] = "public",
    [PERM_CHANNEL] = "channel",
    [PERM_SESSION] = "session",
    [PERM_APP_READ] = "applications.read",
    [PERM_CHANGES] = "changes.read",
    [PERM_ACT_LINE1] = "action.line1",
    [PERM_ACT_LINE2] = "action.line2",
    [PERM_ACT_LINE3] = "action.line3",
    [PERM_ACT_LIMIT] = "action.adjust_limit",
    [PERM_DISPUTE_READ] = "disputes.read",
    [PERM_DISPUTE_WRITE] = "disputes.write",
    [PERM_DISPUTE_OPEN] = "disputes.open",
    [PERM_DISPUTE_WORK] = "disputes.work",
    [PERM_DISPUTE_ESCALATED] = "disputes.escalated",
    [PERM_REVEAL] = "reveal.request",
    [PERM_AUDIT_READ] = "audit.read",
    [PERM_ALERTS] = "alerts.read",
};

/*                              officer risk auditor support admin */
static const unsigned char table[PERM__COUNT][ROLE__COUNT] = {
    [PERM_PUBLIC]        = { 1, 1, 1, 1, 1 },
    [PERM_CHANNEL]       = { 0, 0, 0, 0, 0 },
    [PERM_SESSION]       = { 1, 1, 1, 1, 1 },
    [PERM_APP_READ]      = { 1, 1, 1, 1, 0 },
    [PERM_CHANGES]       = { 1, 1, 1, 1, 0 },
    [PERM_ACT_LINE1]     = { 1, 0, 0, 0, 0 },
    [PERM_ACT_LINE2]     = { 0, 1, 0, 0, 0 },
    [PERM_ACT_LINE3]     = { 0, 0, 1, 0, 0 },
    [PERM_ACT_LIMIT]     = { 1, 1, 0, 0, 0 },
    [PERM_DISPUTE_READ]  = { 1, 1, 1, 1, 0 },
    /* PERM_DISPUTE_WRITE: no row, the union of the three below (cell()) */
    [PERM_DISPUTE_OPEN]  = { 0, 0, 0, 1, 0 },
    [PERM_DISPUTE_WORK]  = { 0, 0, 0, 1, 0 },
    [PERM_DISPUTE_ESCALATED] = { 0, 1, 0, 0, 0 },   /* line 2 */
    [PERM_REVEAL]        = { 1, 1, 0, 0, 0 },   /* support sees masked data only */
    [PERM_AUDIT_READ]    = { 0, 1, 1, 0, 1 },
    [PERM_ALERTS]        = { 0, 1, 1, 0, 1 },
};

const char *permission_name(permission p)
{
    return (p >= 0 && p < PERM__COUNT) ? perm_names[p] : "?";
}

int permission_parse(const char *name, permission *out)
{
    for (int i = 0; i < PERM__COUNT; i++)
        if (!strcmp(name, perm_names[i])) { *out = (permission)i; return 0; }
    return -1;
}

/* One cell of the table; disputes.write (may take some dispute action,
 * the gate of POST /v1/actions) follows from the dispute rows. */
static int cell(int p, int r)
{
    if (p == PERM_DISPUTE_WRITE)
        return table[PERM_DISPUTE_OPEN][r] | table[PERM_DISPUTE_WORK][r] | table[PERM_DISPUTE_ESCALATED][r];
    return table[p][r];
}

int policy_allows(user_role role, permission p)
{
    if (p == PERM_PUBLIC) return 1;
    if (role < 0 || role >= ROLE__COUNT || p < 0 || p >= PERM__COUNT) return 0;
    return cell(p, role);
}

char *policy_table_markdown(char *buf, size_t n)
{
    size_t off = 0;
    int w;
    if (!n) return buf;
    buf[0] = '\0';
    w = snprintf(buf, n, "| permission |");
    off = w > 0 ? (size_t)w : 0;
    for (int r = 0; r < ROLE__COUNT && off < n; r++) {
        w = snprintf(buf + off, n - off, " %s |", role_name((user_role)r));
        off += w > 0 ? (size_t)w : 0;
    }
    if (off < n) { w = snprintf(buf + off, n - off, "\n|---|"); off += w > 0 ? (size_t)w : 0; }
    for (int r = 0; r < ROLE__COUNT && off < n; r++) {
        w = snprintf(buf + off, n - off, "---|");
        off += w > 0 ? (size_t)w : 0;
    }
    for (int p = PERM_SESSION; p < PERM__COUNT && off < n; p++) {
        w = snprintf(buf + off, n - off, "\n| %s |", perm_names[p]);
        off += w > 0 ? (size_t)w : 0;
        for (int r = 0; r < ROLE__COUNT && off < n; r++) {
            w = snprintf(buf + off, n - off, " %s |", cell(p, r) ? "yes" : "-");
            off += w > 0 ? (size_t)w : 0;
        }
    }
    if (off < n) snprintf(buf + off, n - off, "\n");
    return buf;
}

void policy_limits_default(policy_limits *l)
{
    memset(l, 0, sizeof *l);
    l->authority_fen[ROLE_OFFICER] = 50000 * (int64_t)YX_FEN_PER_YUAN;
    l->authority_fen[ROLE_RISK] = 500000 * (int64_t)YX_FEN_PER_YUAN;
    l->sample_permille = 20;
}

int policy_limits_set_authority(policy_limits *l, const char *spec)
{
    char role[16];
    const char *eq = strchr(spec, '=');
    int64_t yuan;
    user_role r;
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof role) return -1;
    memcpy(role, spec, (size_t)(eq - spec));
    role[eq - spec] = '\0';
    if (role_parse(role, &r) || yx_parse_i64(eq + 1, 0, 100000000, &yuan)) return -1;
    l->authority_fen[r] = yuan * YX_FEN_PER_YUAN;
    return 0;
}

static int same(const char *a, const char *b)
{
    return a && b && *a && !strcmp(a, b);
}

const char *policy_check_line(const policy_case *c, int line, const char *actor)
{
    const char *users[4] = { NULL, c->l1_user, c->l2_user, c->l3_user };
    if (line < 1 || line > 3 || !actor || !*actor) return POLICY_FORBIDDEN_ROLE;
    /* The maker of a change never checks it, on any line. */
    if (same(c->maker, actor)) return POLICY_MAKER_CHECKER;
    for (int l = 1; l <= 3; l++)
        if (l != line && (same(users[l], actor) || (c->actor_lines & (1u << l)))) return POLICY_TWO_LINES;
    return NULL;
}


permission policy_dispute_permission(int opening, dispute_status status)
{
    if (opening) return PERM_DISPUTE_OPEN;
    return status == DSPS_ESCALATED ? PERM_DISPUTE_ESCALATED : PERM_DISPUTE_WORK;
}

const char *policy_refusal(user_role role, permission p)
{
    if (role == ROLE_AUDITOR) return POLICY_READ_ONLY;
    /* a role with some dispute actions is told the dispute rule it broke */
    if ((p == PERM_DISPUTE_OPEN || p == PERM_DISPUTE_WORK || p == PERM_DISPUTE_ESCALATED) &&
        policy_allows(role, PERM_DISPUTE_WRITE))
        return p == PERM_DISPUTE_OPEN ? POLICY_DISPUTE_OPEN
             : p == PERM_DISPUTE_ESCALATED ? POLICY_DISPUTE_ESCALATED : POLICY_DISPUTE_NOT_ESCALATED;
    return POLICY_FORBIDDEN_ROLE;
}

const char *policy_check_dispute(user_role role, int opening, dispute_status status)
{
    permission need = policy_dispute_permission(opening, status);
    return policy_allows(role, need) ? NULL : policy_refusal(role, need);
}

const char *policy_refusal_text(const char *code)
{
    if (!code) return "";
    if (!strcmp(code, POLICY_DISPUTE_OPEN)) return "support opens disputes; line 2 takes escalated ones";
    if (!strcmp(code, POLICY_DISPUTE_ESCALATED)) return "this dispute is escalated to line 2";
    if (!strcmp(code, POLICY_DISPUTE_NOT_ESCALATED)) return "line 2 acts on escalated disputes only";
    if (!strcmp(code, POLICY_READ_ONLY)) return "auditors only read (and record line 3's results)";
    return "the permission table gives this role no such action";
}
