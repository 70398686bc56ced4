/* core/auth and core/policy on a temp database: tokens kept only as
 * hashes, idle and absolute expiry, lockout and its end, logout, channel
 * keys and revocation; the separation-of-duties rules and authority. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/auth.h"
#include "core/action.h"
#include "core/policy.h"
#include "core/store_user.h"
#include "tests/common/tmpdir.h"

struct fx { char dir[64], db[96]; store *s; auth_config c; };

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    char err[256];
    if (!yx_test_mkdtemp(f->dir, sizeof f->dir, "yx-auth")) return -1;
    snprintf(f->db, sizeof f->db, "%s/a.db", f->dir);
    if (store_open(&f->s, f->db, STORE_CREATE, err, sizeof err) || store_migrate(f->s)) return -1;
    if (store_user_add(f->s, "li.lei", ROLE_OFFICER, "correct-horse", NULL)) return -1;
    auth_config_default(&f->c);
    f->c.max_failures = 3;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    store_close(f->s);
    yx_test_rmtree(f->dir);
    free(f);
    return 0;
}

static void sql(store *s, const char *q)
{
    assert_int_equal(sqlite3_exec(store_db(s), q, NULL, NULL, NULL), SQLITE_OK);
}

static int count(store *s, const char *q, const char *text)
{
    sqlite3_stmt *st;
    int n = -1;
    assert_int_equal(sqlite3_prepare_v2(store_db(s), q, -1, &st, NULL), SQLITE_OK);
    if (text) sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void test_token_stored_only_as_hash(void **state)
{
    struct fx *f = *state;
    char tok[AUTH_TOKEN_LEN + 1];
    auth_session se;
    assert_int_equal(auth_login(f->s, &f->c, "li.lei", "correct-horse", "t", tok, &se), AUTH_OK);
    assert_int_equal(strlen(tok), 64);
    assert_int_equal(se.role, ROLE_OFFICER);
    assert_int_equal(count(f->s, "SELECT count(*) FROM sessions WHERE hex(token_hash) = upper(?1) "
                                 "OR CAST(token_hash AS TEXT) = ?1 OR origin = ?1", tok), 0);
    assert_int_equal(count(f->s, "SELECT count(*) FROM sessions", NULL), 1);
    assert_int_equal(auth_check(f->s, &f->c, tok, &se), AUTH_OK);
    assert_string_equal(se.user, "li.lei");
    tok[0] = tok[0] == 'a' ? 'b' : 'a';
    assert_int_equal(auth_check(f->s, &f->c, tok, &se), AUTH_BAD_CREDENTIALS);
    assert_int_equal(auth_check(f->s, &f->c, "not-hex", &se), AUTH_BAD_CREDENTIALS);
}

static void test_idle_and_absolute_expiry(void **state)
{
    struct fx *f = *state;
    char tok[AUTH_TOKEN_LEN + 1];
    auth_session se;
    assert_int_equal(auth_login(f->s, &f->c, "li.lei", "correct-horse", "t", tok, &se), AUTH_OK);
    sql(f->s, "UPDATE sessions SET last_seen = last_seen - 31 * 60 * 1000");
    assert_int_equal(auth_check(f->s, &f->c, tok, &se), AUTH_EXPIRED);
    assert_int_equal(auth_check(f->s, &f->c, tok, &se), AUTH_BAD_CREDENTIALS);   /* and gone */
    assert_int_equal(auth_login(f->s, &f->c, "li.lei", "correct-horse", "t", tok, &se), AUTH_OK);
    sql(f->s, "UPDATE sessions SET expires_at = 1");
    assert_int_equal(auth_check(f->s, &f->c, tok, &se), AUTH_EXPIRED);
    assert_int_equal(auth_login(f->s, &f->c, "li.lei", "correct-horse", "t", tok, &se), AUTH_OK);
    assert_int_equal(auth_logout(f->s, tok), 0);
    assert_int_equal(auth_logout(f->s, tok), 1);
    assert_int_equal(auth_check(f->s, &f->c, tok, &se), AUTH_BAD_CREDENTIALS);
    {   /* a one-minute idle timer: a session used 7 s ago is refreshed, so
         * one in use is never ended by it */
        int64_t idle = f->c.idle_ms;
        f->c.idle_ms = 60 * 1000;
        assert_int_equal(auth_login(f->s, &f->c, "li.lei", "correct-horse", "t", tok, &se), AUTH_OK);
        sql(f->s, "UPDATE sessions SET last_seen = last_seen - 7000");
        assert_int_equal(auth_check(f->s, &f->c, tok, &se), AUTH_OK);
        assert_int_equal(count(f->s, "SELECT count(*) FROM sessions WHERE last_seen > "
                                     "CAST(strftime('%s', 'now') AS INTEGER) * 1000 - 3000", NULL), 1);
        f->c.idle_ms = idle;
    }
}

static void test_lockout_and_its_end(void **state)
{
    struct fx *f = *state;
    char tok[AUTH_TOKEN_LEN + 1];
    auth_session se;
    for (int i = 0; i < 3; i++)
        assert_int_equal(auth_login(f->s, &f->c, "li.lei", "wrong", "t", tok, &se), AUTH_BAD_CREDENTIALS);
    assert_int_equal(auth_login(f->s, &f->c, "li.lei", "correct-horse", "t", tok, &se), AUTH_LOCKED);
    sql(f->s, "UPDATE users SET locked_until = 1");   /* the lockout time passed */
    assert_int_equal(auth_login(f->s, &f->c, "li.lei", "correct-horse", "t", tok, &se), AUTH_OK);
    /* a success resets the count: two more failures do not lock */
    for (int i = 0; i < 2; i++)
        assert_int_equal(auth_login(f->s, &f->c, "li.lei", "wrong", "t", tok, &se), AUTH_BAD_CREDENTIALS);
    assert_int_equal(auth_login(f->s, &f->c, "li.lei", "correct-horse", "t", tok, &se), AUTH_OK);
    assert_int_equal(auth_login(f->s, &f->c, "nobody", "x", "t", tok, &se), AUTH_BAD_CREDENTIALS);
    /* a name no user has locks as a user's would, so lockout does not
     * tell which names exist: the same answers, failure for failure */
    for (int i = 1; i < f->c.max_failures; i++)
        assert_int_equal(auth_login(f->s, &f->c, "nobody", "x", "t", tok, &se), AUTH_BAD_CREDENTIALS);
    assert_int_equal(auth_login(f->s, &f->c, "nobody", "x", "t", tok, &se), AUTH_LOCKED);
    assert_int_equal(auth_login(f->s, &f->c, "nobody-else", "x", "t", tok, &se), AUTH_BAD_CREDENTIALS);
    {   /* and stays locked however many other names fail meanwhile (a
         * table that gave up a locked name to another would unlock it) */
        auth_attempt a;
        for (int i = 0; i < 5000; i++) {
            char name[32];
            snprintf(name, sizeof name, "spray-%d", i);
            assert_int_equal(auth_login_read(f->s, name, &a), 0);   /* no argon2id: just the count */
            (void)auth_login_finish(f->s, &f->c, name, &a, "t", tok, &se);
        }
        assert_int_equal(auth_login(f->s, &f->c, "nobody", "x", "t", tok, &se), AUTH_LOCKED);
    }
    sql(f->s, "UPDATE users SET disabled = 1");
    assert_int_equal(auth_check(f->s, &f->c, tok, &se), AUTH_DISABLED);
    assert_int_equal(auth_login(f->s, &f->c, "li.lei", "correct-horse", "t", tok, &se), AUTH_DISABLED);
    sql(f->s, "UPDATE users SET disabled = 0");
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median time of 5 failed logins as name. */
static double login_ms(struct fx *f, const char *name)
{
    char tok[AUTH_TOKEN_LEN + 1];
    auth_session se;
    double t[5];
    for (int i = 0; i < 5; i++) {
        double t0 = now_ms();
        assert_int_equal(auth_login(f->s, &f->c, name, "not-the-password", "t", tok, &se), AUTH_BAD_CREDENTIALS);
        t[i] = now_ms() - t0;
    }
    qsort(t, 5, sizeof t[0], cmp_d);
    return t[2];
}

/* An unknown name costs a password check too, so the time of the answer
 * does not tell which user names exist. (The lockout is raised for the
 * test so the known user's wrong passwords all get checked.) */
static void test_unknown_user_takes_as_long(void **state)
{
    struct fx *f = *state;
    double known, unknown;
    f->c.max_failures = 100;
    unknown = login_ms(f, "nobody-here");   /* the first makes the decoy hash */
    known = login_ms(f, "li.lei");
    unknown = login_ms(f, "nobody-here");
    f->c.max_failures = 3;
    if (unknown < known * 0.3)
        fail_msg("unknown user answered in %.2f ms, a known one in %.2f ms", unknown, known);
}

static void test_channel_keys(void **state)
{
    struct fx *f = *state;
    char key[AUTH_TOKEN_LEN + 1];
    auth_channel ch;
    int64_t id;
    assert_int_equal(auth_channel_add(f->s, "partner-a", CH_SEMI_API, key, &id), 0);
    assert_int_equal(auth_channel_check(f->s, key, &ch), AUTH_OK);
    assert_int_equal(ch.id, id);
    assert_int_equal(ch.kind, CH_SEMI_API);
    assert_string_equal(ch.name, "partner-a");
    assert_int_equal(count(f->s, "SELECT count(*) FROM channels WHERE key_hash = ?", key), 0);
    assert_int_equal(auth_channel_revoke(f->s, "partner-a"), 0);
    assert_int_equal(auth_channel_check(f->s, key, &ch), AUTH_DISABLED);
    assert_int_equal(auth_channel_revoke(f->s, "partner-b"), 1);
}

static void test_separation_of_duties(void **state)
{
    policy_case c = { "wang", "li", "", "", 0 };
    (void)state;
    assert_null(policy_check_line(&c, 2, "zhao"));
    assert_string_equal(policy_check_line(&c, 2, "li"), POLICY_TWO_LINES);      /* line 1 then line 2 */
    assert_string_equal(policy_check_line(&c, 2, "wang"), POLICY_MAKER_CHECKER);
    assert_string_equal(policy_check_line(&c, 1, "wang"), POLICY_MAKER_CHECKER);
    assert_null(policy_check_line(&c, 1, "li"));                                 /* same line again */
    c.l3_user = "zhou";
    assert_string_equal(policy_check_line(&c, 1, "zhou"), POLICY_TWO_LINES);
    assert_string_equal(policy_check_line(&c, 4, "zhao"), POLICY_FORBIDDEN_ROLE);
    c.maker = NULL;
    assert_null(policy_check_line(&c, 3, "zhou"));
    /* the actor's history counts as well as the latest users: zhao
     * acted on line 1 before (a limit applied), so not on line 2 now */
    c.actor_lines = 1u << 1;
    assert_string_equal(policy_check_line(&c, 2, "zhao"), POLICY_TWO_LINES);
    assert_null(policy_check_line(&c, 1, "zhao"));
    c.actor_lines = 1u << 2;
    assert_string_equal(policy_check_line(&c, 1, "zhao"), POLICY_TWO_LINES);
    assert_null(policy_check_line(&c, 2, "zhao"));
    assert_int_equal(action_line_of("adjust_limit"), 1);
    assert_int_equal(action_line_of("approve_line2"), 2);
    assert_int_equal(action_line_of("audit_finding"), 3);
    assert_int_equal(action_line_of("dispute_open"), 0);
    assert_int_equal(action_line_of("nonsense"), 0);
}

static void test_authority_and_read_only_auditors(void **state)
{
    char md[4096];
    (void)state;
    {
    policy_limits l;
    policy_limits_default(&l);
    assert_true(l.authority_fen[ROLE_OFFICER] > 0);
    assert_true(l.authority_fen[ROLE_RISK] > l.authority_fen[ROLE_OFFICER]);
    assert_int_equal(l.authority_fen[ROLE_AUDITOR], 0);
    assert_int_equal(l.authority_fen[ROLE_SUPPORT], 0);
    assert_int_equal(policy_limits_set_authority(&l, "officer=80000"), 0);
    assert_int_equal(l.authority_fen[ROLE_OFFICER], 8000000);
    assert_int_equal(policy_limits_set_authority(&l, "wizard=1"), -1);
    assert_int_equal(policy_limits_set_authority(&l, "officer=-5"), -1);
    assert_int_equal(policy_limits_set_authority(&l, "officer"), -1);
    assert_int_equal(l.authority_fen[ROLE_OFFICER], 8000000);
    }
    /* auditors change nothing except line-3 results */
    assert_false(policy_allows(ROLE_AUDITOR, PERM_ACT_LINE1));
    assert_false(policy_allows(ROLE_AUDITOR, PERM_ACT_LINE2));
    assert_false(policy_allows(ROLE_AUDITOR, PERM_ACT_LIMIT));
    assert_false(policy_allows(ROLE_AUDITOR, PERM_DISPUTE_WRITE));
    assert_false(policy_allows(ROLE_AUDITOR, PERM_REVEAL));
    assert_true(policy_allows(ROLE_AUDITOR, PERM_ACT_LINE3));
    assert_false(policy_allows(ROLE_ADMIN, PERM_APP_READ));
    assert_false(policy_allows(ROLE_OFFICER, PERM_CHANNEL));
    assert_true(policy_allows(ROLE_SUPPORT, PERM_PUBLIC));
    policy_table_markdown(md, sizeof md);
    assert_non_null(strstr(md, "| permission | officer | risk | auditor | support | admin |"));
    assert_non_null(strstr(md, "| action.line3 | - | - | yes | - | - |"));
}

/* Disputes: support opens them and works them until escalated, line 2
 * takes escalated ones only, auditors read; each refusal names its rule,
 * and disputes.write (the gate of POST /v1/actions) is their union. */
static void test_dispute_rules(void **state)
{
    char md[4096];
    permission p;
    dispute_status ds;
    (void)state;
    /* the states as stored read back to themselves; anything else is refused */
    for (int i = 0; i < DSPS__COUNT; i++) {
        assert_int_equal(dispute_status_parse(dispute_status_name((dispute_status)i), &ds), 0);
        assert_int_equal(ds, i);
    }
    assert_int_equal(dispute_status_parse("closed", &ds), -1);
    assert_int_equal(dispute_status_parse(NULL, &ds), -1);
    assert_int_equal(policy_dispute_permission(1, DSPS_ESCALATED), PERM_DISPUTE_OPEN);
    assert_int_equal(policy_dispute_permission(0, DSPS_OPEN), PERM_DISPUTE_WORK);
    assert_int_equal(policy_dispute_permission(0, DSPS_INFO_REQUESTED), PERM_DISPUTE_WORK);
    assert_int_equal(policy_dispute_permission(0, DSPS_ESCALATED), PERM_DISPUTE_ESCALATED);
    /* support: opens and works, hands escalated ones to line 2 */
    assert_null(policy_check_dispute(ROLE_SUPPORT, 1, DSPS_OPEN));
    assert_null(policy_check_dispute(ROLE_SUPPORT, 0, DSPS_OPEN));
    assert_null(policy_check_dispute(ROLE_SUPPORT, 0, DSPS_INFO_REQUESTED));
    assert_string_equal(policy_check_dispute(ROLE_SUPPORT, 0, DSPS_ESCALATED), POLICY_DISPUTE_ESCALATED);
    /* risk (line 2): escalated ones only, never opens */
    assert_string_equal(policy_check_dispute(ROLE_RISK, 1, DSPS_OPEN), POLICY_DISPUTE_OPEN);
    assert_string_equal(policy_check_dispute(ROLE_RISK, 0, DSPS_OPEN), POLICY_DISPUTE_NOT_ESCALATED);
    assert_string_equal(policy_check_dispute(ROLE_RISK, 0, DSPS_INFO_REQUESTED), POLICY_DISPUTE_NOT_ESCALATED);
    assert_null(policy_check_dispute(ROLE_RISK, 0, DSPS_ESCALATED));
    /* auditors read only; officers and admins take no dispute action */
    for (int opening = 0; opening <= 1; opening++)
        for (int st = 0; st < DSPS__COUNT; st++) {
            assert_string_equal(policy_check_dispute(ROLE_AUDITOR, opening, (dispute_status)st), POLICY_READ_ONLY);
            assert_string_equal(policy_check_dispute(ROLE_OFFICER, opening, (dispute_status)st), POLICY_FORBIDDEN_ROLE);
            assert_string_equal(policy_check_dispute(ROLE_ADMIN, opening, (dispute_status)st), POLICY_FORBIDDEN_ROLE);
        }
    for (int r = 0; r < ROLE__COUNT; r++) {
        user_role role = (user_role)r;
        assert_int_equal(policy_allows(role, PERM_DISPUTE_WRITE),
                         policy_allows(role, PERM_DISPUTE_OPEN) || policy_allows(role, PERM_DISPUTE_WORK) ||
                         policy_allows(role, PERM_DISPUTE_ESCALATED));
        assert_int_equal(policy_allows(role, PERM_DISPUTE_READ), role != ROLE_ADMIN);
    }
    assert_int_equal(permission_parse("disputes.escalated", &p), 0);
    assert_int_equal(p, PERM_DISPUTE_ESCALATED);
    /* `yxd policy` and the README show the rows */
    policy_table_markdown(md, sizeof md);
    assert_non_null(strstr(md, "| disputes.write | - | yes | - | yes | - |"));
    assert_non_null(strstr(md, "| disputes.open | - | - | - | yes | - |"));
    assert_non_null(strstr(md, "| disputes.work | - | - | - | yes | - |"));
    assert_non_null(strstr(md, "| disputes.escalated | - | yes | - | - | - |"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_stored_only_as_hash),
        cmocka_unit_test(test_idle_and_absolute_expiry),
        cmocka_unit_test(test_lockout_and_its_end),
        cmocka_unit_test(test_unknown_user_takes_as_long),
        cmocka_unit_test(test_channel_keys),
        cmocka_unit_test(test_separation_of_duties),
        cmocka_unit_test(test_authority_and_read_only_auditors),
        cmocka_unit_test(test_dispute_rules),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
