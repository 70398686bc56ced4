/* The decided side of an application in the store: its decision (with the
 * engine's input and trace, for bit-for-bit replay), its model scores and
 * the states of the three lines of defense. */
#include "core/store_app.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static int done(store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return store_fail(s, "cannot %s: %s", what, sqlite3_errmsg(store_db(s)));
    return 0;
}

static int grade_ok(char g) { return g && strchr("ABCDER", g); }

int store_decision_put(store *s, const decision *d, const char *input_json)
{
    char grade[2] = { d->risk_grade, 0 };
    int64_t at = d->decided_at > 0 ? d->decided_at : store_now_ms();
    sqlite3_stmt *st;
    int own;
    if (!grade_ok(d->risk_grade)) return store_fail(s, "risk grade must be A-E or R");
    if ((unsigned)d->outcome >= OUT__COUNT) return store_fail(s, "unknown outcome");
    /* The application first: a missing one is "not found", not a foreign-key
     * failure half-way through. */
    own = sqlite3_get_autocommit(store_db(s));
    if (own && store_begin(s)) return -1;
    st = store_stmt(s,
        "UPDATE applications SET grade = ?1, version = version + 1,"
        " updated_at = max(updated_at, ?2) WHERE id = ?3");
    if (!st) goto fail;
    sqlite3_bind_text(st, 1, grade, 1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, at);
    sqlite3_bind_int64(st, 3, d->application_id);
    if (done(s, st, "store decision")) goto fail;
    if (sqlite3_changes(store_db(s)) == 0) {
        if (own) store_rollback(s);
        return 1;
    }
    st = store_stmt(s,
        "INSERT OR REPLACE INTO decisions(application_id, outcome, risk_grade, limit_fen,"
        " apr_bp, strategy_version, reasons, decided_at, input_json, trace_json)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, d->application_id);
    sqlite3_bind_text(st, 2, outcome_name(d->outcome), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, grade, 1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, d->limit_fen);
    sqlite3_bind_int(st, 5, d->apr_bp);
    sqlite3_bind_text(st, 6, d->strategy_version, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, d->reasons, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 8, at);
    if (input_json) sqlite3_bind_text(st, 9, input_json, -1, SQLITE_TRANSIENT);
    if (d->trace_json) sqlite3_bind_text(st, 10, d->trace_json, -1, SQLITE_TRANSIENT);
    if (done(s, st, "store decision")) goto fail;
    if (own && store_commit(s)) goto fail;
    return 0;
fail:
    /* Inside the caller's transaction the caller rolls back. */
    if (own) store_rollback(s);
    return -1;
}

static char *dup_col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? strdup((const char *)t) : NULL;
}

int store_decision_get(store *s, int64_t application_id, decision *out, char **input_json)
{
    sqlite3_stmt *st = store_stmt(s,
        "SELECT outcome, risk_grade, limit_fen, apr_bp, strategy_version, reasons,"
        " decided_at, input_json, trace_json FROM decisions WHERE application_id = ?1");
    int rc;
    if (input_json) *input_json = NULL;
    if (!st) return -1;
    memset(out, 0, sizeof *out);
    sqlite3_bind_int64(st, 1, application_id);
    if ((rc = store_row(s, st, "read decision")) != 0) return rc;
    out->application_id = application_id;
    if (outcome_parse((const char *)sqlite3_column_text(st, 0), &out->outcome)) {
        sqlite3_reset(st);
        return store_fail(s, "decision of application %" PRId64 " has an unknown outcome", application_id);
    }
    out->risk_grade = (char)sqlite3_column_text(st, 1)[0];
    out->limit_fen = sqlite3_column_int64(st, 2);
    out->apr_bp = sqlite3_column_int(st, 3);
    yx_strlcpy(out->strategy_version, (const char *)sqlite3_column_text(st, 4), sizeof out->strategy_version);
    yx_strlcpy(out->reasons, (const char *)sqlite3_column_text(st, 5), sizeof out->reasons);
    out->decided_at = sqlite3_column_int64(st, 6);
    if (input_json) *input_json = dup_col(st, 7);
    out->trace_json = dup_col(st, 8);
    sqlite3_reset(st);
    return 0;
}

int store_score_put(store *s, int64_t application_id, const model_score *m)
{
    sqlite3_stmt *st = store_stmt(s,
        "INSERT OR REPLACE INTO scores(application_id, model, version, score, grade)"
        " VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, application_id);
    sqlite3_bind_text(st, 2, m->model, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, m->version, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 4, m->score);
    sqlite3_bind_int(st, 5, m->grade);
    return done(s, st, "store score");
}

static void bind_user(sqlite3_stmt *st, int i, const char *u)
{
    if (u && *u) sqlite3_bind_text(st, i, u, -1, SQLITE_TRANSIENT);
}

int store_defense_put(store *s, const defense_state *d, const char *maker)
{
    return store_defense_put_at(s, d, maker, store_now_ms());
}

int store_defense_put_at(store *s, const defense_state *d, const char *maker, int64_t at)
{
    sqlite3_stmt *st = store_stmt(s,
        "INSERT OR REPLACE INTO defense(application_id, kind, l1, l2, l3, l1_user, l2_user,"
        " l3_user, maker, updated_at) VALUES (?1, 'application', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!st) return -1;
    if ((unsigned)d->l1 >= L1__COUNT || (unsigned)d->l2 >= L2__COUNT || (unsigned)d->l3 >= L3__COUNT)
        return store_fail(s, "unknown defense-line state");
    sqlite3_bind_int64(st, 1, d->application_id);
    sqlite3_bind_text(st, 2, line1_name(d->l1), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, line2_name(d->l2), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, line3_name(d->l3), -1, SQLITE_STATIC);
    bind_user(st, 5, d->l1_user);
    bind_user(st, 6, d->l2_user);
    bind_user(st, 7, d->l3_user);
    bind_user(st, 8, maker);
    sqlite3_bind_int64(st, 9, at);
    return done(s, st, "store defense states");
}

/* Name -> index in a list of names read back from line*_name(). */
static int state_parse(const char *(*name)(int), int count, const char *s)
{
    for (int i = 0; i < count; i++)
        if (s && !strcmp(name(i), s)) return i;
    return -1;
}
static const char *l1n(int i) { return line1_name((line1_state)i); }
static const char *l2n(int i) { return line2_name((line2_state)i); }
static const char *l3n(int i) { return line3_name((line3_state)i); }

int store_defense_get(store *s, int64_t application_id, defense_state *out)
{
    sqlite3_stmt *st = store_stmt(s,
        "SELECT l1, l2, l3, ifnull(l1_user, ''), ifnull(l2_user, ''), ifnull(l3_user, '')"
        " FROM defense WHERE application_id = ?1");
    int rc, a, b, c;
    if (!st) return -1;
    memset(out, 0, sizeof *out);
    sqlite3_bind_int64(st, 1, application_id);
    if ((rc = store_row(s, st, "read defense states")) != 0) return rc;
    a = state_parse(l1n, L1__COUNT, (const char *)sqlite3_column_text(st, 0));
    b = state_parse(l2n, L2__COUNT, (const char *)sqlite3_column_text(st, 1));
    c = state_parse(l3n, L3__COUNT, (const char *)sqlite3_column_text(st, 2));
    out->application_id = application_id;
    yx_strlcpy(out->l1_user, (const char *)sqlite3_column_text(st, 3), sizeof out->l1_user);
    yx_strlcpy(out->l2_user, (const char *)sqlite3_column_text(st, 4), sizeof out->l2_user);
    yx_strlcpy(out->l3_user, (const char *)sqlite3_column_text(st, 5), sizeof out->l3_user);
    sqlite3_reset(st);
    if (a < 0 || b < 0 || c < 0)
        return store_fail(s, "application %" PRId64 " has an unknown defense-line state", application_id);
    out->l1 = (line1_state)a;
    out->l2 = (line2_state)b;
    out->l3 = (line3_state)c;
    return 0;
}
