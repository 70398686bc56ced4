/* Staff sessions and channel keys: login with lockout, bearer tokens kept
 * only as SHA-256 hashes, idle and absolute expiry, logout. See auth.h. */
#include "core/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/store_user.h"
#include "core/util.h"

void auth_config_default(auth_config *c)
{
    c->idle_ms = 30 * 60 * 1000LL;
    c->absolute_ms = 12 * 3600 * 1000LL;
    c->max_failures = 5;
    c->lockout_ms = 15 * 60 * 1000LL;
}

void auth_random_token(char buf[AUTH_TOKEN_LEN + 1])
{
    unsigned char raw[AUTH_TOKEN_LEN / 2];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(buf, AUTH_TOKEN_LEN + 1, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
}

/* Tokens are compared by hash only, so a stolen database holds no token. */
static int token_hash(const char *token, unsigned char out[crypto_hash_sha256_BYTES])
{
    if (!token || strlen(token) != AUTH_TOKEN_LEN) return -1;
    for (const char *p = token; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return -1;
    crypto_hash_sha256(out, (const unsigned char *)token, AUTH_TOKEN_LEN);
    return 0;
}

static int step_done(store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return store_fail(s, "%s", sqlite3_errmsg(store_db(s)));
    return 0;
}

static int record_failure(store *s, const auth_config *c, int64_t uid, int failures, int64_t now)
{
    sqlite3_stmt *st = store_stmt(s,
        "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?");
    int64_t until = 0;
    if (!st) return -1;
    if (failures >= c->max_failures) {
        until = now + c->lockout_ms;
        failures = 0;   /* a new series starts after the lockout */
    }
    sqlite3_bind_int(st, 1, failures);
    sqlite3_bind_int64(st, 2, until);
    sqlite3_bind_int64(st, 3, uid);
    return step_done(s, st);
}

/* A user's login state as stored. */
struct user_row {
    int64_t   id, locked_until;
    char      name[32];
    user_role role;               /* ROLE__COUNT when the stored role is unknown */
    char      pw_hash[AUTH_PW_HASH_MAX];
    int       disabled, failures;
};

_Static_assert(AUTH_PW_HASH_MAX == crypto_pwhash_STRBYTES, "password hash size");

/* 1 found, 0 no such user, -1 store failure. */
static int user_read(store *s, const char *name, struct user_row *u)
{
    const char *rolename;
    sqlite3_stmt *st = store_stmt(s,
        "SELECT id, name, role, pw_hash, disabled, failed_logins, locked_until "
        "FROM users WHERE name = ?");
    int rc;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        if (rc == SQLITE_DONE) return 0;
        return store_fail(s, "%s", sqlite3_errmsg(store_db(s)));
    }
    u->id = sqlite3_column_int64(st, 0);
    yx_strlcpy(u->name, (const char *)sqlite3_column_text(st, 1), sizeof u->name);
    rolename = (const char *)sqlite3_column_text(st, 2);
    yx_strlcpy(u->pw_hash, (const char *)sqlite3_column_text(st, 3), sizeof u->pw_hash);
    u->disabled = sqlite3_column_int(st, 4);
    u->failures = sqlite3_column_int(st, 5);
    u->locked_until = sqlite3_column_int64(st, 6);
    if (role_parse(rolename ? rolename : "", &u->role)) u->role = ROLE__COUNT;
    sqlite3_reset(st);
    return 1;
}

/* A hash made with the same parameters as real ones: an unknown user name
 * is checked against it, so the answer takes as long as for a known one
 * and its timing does not tell which names exist. Made at the first
 * unknown name, and again at the next one if making it failed (argon2id
 * needs 64 MiB). */
static char decoy_hash[crypto_pwhash_STRBYTES];
static int decoy_ready;
static pthread_mutex_t decoy_mu = PTHREAD_MUTEX_INITIALIZER;

static void decoy_check(const char *password)
{
    char h[crypto_pwhash_STRBYTES];
    int ready;
    pthread_mutex_lock(&decoy_mu);
    if (!decoy_ready) {
        unsigned char raw[16];
        char pw[33];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
        decoy_ready = store_password_hash(pw, decoy_hash, sizeof decoy_hash) == 0;
    }
    if ((ready = decoy_ready)) memcpy(h, decoy_hash, sizeof h);
    pthread_mutex_unlock(&decoy_mu);
    if (ready) (void)store_password_verify(h, password);
}

/* Failed logins under names no user has, counted and locked as a user's
 * are: without them a name that never locks is a name that does not exist,
 * and repeated wrong passwords would list the users. Kept in memory: sets
 * of GHOST_WAYS entries, a name's set chosen by a hash keyed at random
 * when the process starts (so nobody can aim names at one set). A locked
 * entry is never given up before its lockout ends; a name whose set is all
 * locked counts as locked itself, so spraying names cannot unlock one. A
 * restart forgets the table (users' own locks are in the database). */
#define GHOST_SETS 256
#define GHOST_WAYS 4
static struct ghost {
    unsigned char id[16];   /* keyed digest of the name; all zero: free */
    int failures;
    int64_t locked_until, last;
} ghosts[GHOST_SETS][GHOST_WAYS];
static unsigned char ghost_key[crypto_generichash_KEYBYTES];
static int ghost_keyed;
static pthread_mutex_t ghost_mu = PTHREAD_MUTEX_INITIALIZER;

/* The entry of name, with ghost_mu held: its own, else a free or unlocked
 * one (the least recently failed) taken over; NULL when every entry of its
 * set is locked. */
static struct ghost *ghost_of(const char *name, int64_t now)
{
    unsigned char id[16];
    struct ghost *set, *take = NULL;
    if (!ghost_keyed) {
        randombytes_buf(ghost_key, sizeof ghost_key);
        ghost_keyed = 1;
    }
    crypto_generichash(id, sizeof id, (const unsigned char *)name, strlen(name), ghost_key, sizeof ghost_key);
    set = ghosts[(id[0] | id[1] << 8) % GHOST_SETS];
    for (int i = 0; i < GHOST_WAYS; i++) {
        if (!memcmp(set[i].id, id, sizeof id)) return &set[i];
        if (set[i].locked_until <= now && (!take || set[i].last < take->last)) take = &set[i];
    }
    if (take) {
        memset(take, 0, sizeof *take);
        memcpy(take->id, id, sizeof id);
    }
    return take;
}

static int ghost_locked(const char *name, int64_t now)
{
    struct ghost *g;
    int locked;
    pthread_mutex_lock(&ghost_mu);
    g = ghost_of(name, now);
    locked = !g || g->locked_until > now;
    pthread_mutex_unlock(&ghost_mu);
    return locked;
}

/* A failed login under a name no user has: AUTH_LOCKED once as many have
 * failed as lock a user, until the lockout passes, as record_failure does. */
static auth_result ghost_failure(const auth_config *c, const char *name, int64_t now)
{
    struct ghost *g;
    auth_result ar = AUTH_BAD_CREDENTIALS;
    pthread_mutex_lock(&ghost_mu);
    g = ghost_of(name, now);
    if (!g || g->locked_until > now) ar = AUTH_LOCKED;
    else {
        g->last = now;
        if (++g->failures >= c->max_failures) {
            g->failures = 0;
            g->locked_until = now + c->lockout_ms;
        }
    }
    pthread_mutex_unlock(&ghost_mu);
    return ar;
}

int auth_login_read(store *s, const char *name, auth_attempt *a)
{
    struct user_row u;
    int found = user_read(s, name, &u);
    memset(a, 0, sizeof *a);
    if (found < 0) return -1;
    if (found) {
        a->user_id = u.id;
        a->locked = u.locked_until > store_now_ms();
        memcpy(a->pw_hash, u.pw_hash, sizeof a->pw_hash);
    } else {
        a->locked = ghost_locked(name, store_now_ms());
    }
    sodium_memzero(&u, sizeof u);
    return 0;
}

void auth_login_verify(auth_attempt *a, const char *password)
{
    if (!a->user_id) {
        if (!a->locked) decoy_check(password);   /* locked: unchecked, as a user's */
        return;
    }
    if (a->locked) return;   /* a locked user's password is not checked */
    a->checked = 1;
    a->password_ok = store_password_verify(a->pw_hash, password);
}

int auth_login_check(store *s, const char *name, const char *password, auth_attempt *a)
{
    if (auth_login_read(s, name, a)) return -1;
    auth_login_verify(a, password);
    return 0;
}

static auth_result finish(store *s, const auth_config *c, const struct user_row *u,
                          const auth_attempt *a, const char *origin,
                          char token[AUTH_TOKEN_LEN + 1], auth_session *out)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    int64_t now = store_now_ms();
    sqlite3_stmt *st;
    yx_strlcpy(out->user, u->name, sizeof out->user);
    out->role = u->role;
    if (u->locked_until > now || !a->checked) return AUTH_LOCKED;
    if (strcmp(u->pw_hash, a->pw_hash)) return AUTH_BAD_CREDENTIALS;   /* changed meanwhile */
    if (!a->password_ok)
        return record_failure(s, c, u->id, u->failures + 1, now) ? AUTH_ERROR : AUTH_BAD_CREDENTIALS;
    if (u->disabled || u->role == ROLE__COUNT) return AUTH_DISABLED;

    st = store_stmt(s, "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?");
    if (!st) return AUTH_ERROR;
    sqlite3_bind_int64(st, 1, u->id);
    if (step_done(s, st)) return AUTH_ERROR;
    auth_random_token(token);
    token_hash(token, h);
    st = store_stmt(s, "INSERT INTO sessions (token_hash, user_id, created_at, last_seen, "
                       "expires_at, origin) VALUES (?, ?, ?, ?, ?, ?)");
    if (st) {
        sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, u->id);
        sqlite3_bind_int64(st, 3, now);
        sqlite3_bind_int64(st, 4, now);
        sqlite3_bind_int64(st, 5, now + c->absolute_ms);
        sqlite3_bind_text(st, 6, origin ? origin : "", -1, SQLITE_TRANSIENT);
    }
    if (!st || step_done(s, st)) {
        sodium_memzero(token, AUTH_TOKEN_LEN + 1);
        return AUTH_ERROR;
    }
    out->user_id = u->id;
    out->expires_at = now + c->absolute_ms;
    return AUTH_OK;
}

auth_result auth_login_finish(store *s, const auth_config *c, const char *name,
                              const auth_attempt *a, const char *origin,
                              char token[AUTH_TOKEN_LEN + 1], auth_session *out)
{
    struct user_row u;
    int found;
    auth_result ar;
    if (!a->user_id) return ghost_failure(c, name, store_now_ms());
    found = user_read(s, name, &u);
    if (found < 0) return AUTH_ERROR;
    if (!found || u.id != a->user_id) return AUTH_BAD_CREDENTIALS;   /* removed meanwhile */
    ar = finish(s, c, &u, a, origin, token, out);
    sodium_memzero(&u, sizeof u);
    return ar;
}

auth_result auth_login(store *s, const auth_config *c, const char *name,
                       const char *password, const char *origin,
                       char token[AUTH_TOKEN_LEN + 1], auth_session *out)
{
    auth_attempt a;
    auth_result ar;
    if (auth_login_check(s, name, password, &a)) return AUTH_ERROR;
    if (store_begin(s)) return AUTH_ERROR;
    ar = auth_login_finish(s, c, name, &a, origin, token, out);
    sodium_memzero(&a, sizeof a);
    if (ar != AUTH_ERROR && store_commit(s) == 0) return ar;
    store_rollback(s);
    if (ar == AUTH_OK) sodium_memzero(token, AUTH_TOKEN_LEN + 1);
    return AUTH_ERROR;
}

auth_result auth_check_read(store *s, const auth_config *c, const char *token,
                            auth_session *out, auth_write *w)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    int64_t now = store_now_ms(), last_seen;
    const char *rolename;
    int disabled;
    sqlite3_stmt *st;
    *w = AUTH_WRITE_NONE;
    if (token_hash(token, h)) return AUTH_BAD_CREDENTIALS;
    st = store_stmt(s,
        "SELECT s.user_id, u.name, u.role, u.disabled, s.last_seen, s.expires_at "
        "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?");
    if (!st) return AUTH_ERROR;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW) { sqlite3_reset(st); return AUTH_BAD_CREDENTIALS; }
    out->user_id = sqlite3_column_int64(st, 0);
    yx_strlcpy(out->user, (const char *)sqlite3_column_text(st, 1), sizeof out->user);
    rolename = (const char *)sqlite3_column_text(st, 2);
    if (role_parse(rolename ? rolename : "", &out->role)) out->role = ROLE__COUNT;
    disabled = sqlite3_column_int(st, 3);
    last_seen = sqlite3_column_int64(st, 4);
    out->expires_at = sqlite3_column_int64(st, 5);
    sqlite3_reset(st);
    if (disabled || out->role == ROLE__COUNT) return AUTH_DISABLED;
    if (now >= out->expires_at || now - last_seen >= c->idle_ms) {
        *w = AUTH_WRITE_END;
        return AUTH_EXPIRED;
    }
    /* Refreshing last_seen is a write; once a minute is precise enough for
     * a 30-minute idle timer and keeps reads from queueing on the writer.
     * A shorter timer is refreshed each tenth of it, so a session in use
     * never ends early by more than that (at --session-idle 1 a refresh
     * every minute let a busy session end 60 s after the last one). */
    if (now - last_seen > (c->idle_ms / 10 < 60 * 1000 ? c->idle_ms / 10 : 60 * 1000)) *w = AUTH_WRITE_TOUCH;
    return AUTH_OK;
}

int auth_touch(store *s, const char *token)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    sqlite3_stmt *st;
    if (token_hash(token, h)) return 0;
    st = store_stmt(s, "UPDATE sessions SET last_seen = ? WHERE token_hash = ?");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, store_now_ms());
    sqlite3_bind_blob(st, 2, h, sizeof h, SQLITE_TRANSIENT);
    return step_done(s, st);
}

auth_result auth_check(store *s, const auth_config *c, const char *token, auth_session *out)
{
    auth_write w;
    auth_result ar = auth_check_read(s, c, token, out, &w);
    if (w == AUTH_WRITE_END) auth_logout(s, token);
    else if (w == AUTH_WRITE_TOUCH && auth_touch(s, token)) return AUTH_ERROR;
    return ar;
}

int auth_logout(store *s, const char *token)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    sqlite3_stmt *st;
    if (token_hash(token, h)) return 1;
    st = store_stmt(s, "DELETE FROM sessions WHERE token_hash = ?");
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    if (step_done(s, st)) return -1;
    return sqlite3_changes(store_db(s)) > 0 ? 0 : 1;
}

int auth_channel_add(store *s, const char *name, channel_kind kind,
                     char key[AUTH_TOKEN_LEN + 1], int64_t *id)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    sqlite3_stmt *st = store_stmt(s,
        "INSERT INTO channels (name, kind, key_hash, revoked, created_at) VALUES (?, ?, ?, 0, ?)");
    if (!st) return -1;
    auth_random_token(key);
    token_hash(key, h);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, channel_kind_name(kind), -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, h, sizeof h, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, store_now_ms());
    if (step_done(s, st)) {
        sodium_memzero(key, AUTH_TOKEN_LEN + 1);
        return -1;
    }
    if (id) *id = sqlite3_last_insert_rowid(store_db(s));
    return 0;
}

auth_result auth_channel_check(store *s, const char *key, auth_channel *out)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    const char *kind;
    int revoked;
    sqlite3_stmt *st;
    if (token_hash(key, h)) return AUTH_BAD_CREDENTIALS;
    st = store_stmt(s, "SELECT id, name, kind, revoked FROM channels WHERE key_hash = ?");
    if (!st) return AUTH_ERROR;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW) { sqlite3_reset(st); return AUTH_BAD_CREDENTIALS; }
    out->id = sqlite3_column_int64(st, 0);
    yx_strlcpy(out->name, (const char *)sqlite3_column_text(st, 1), sizeof out->name);
    kind = (const char *)sqlite3_column_text(st, 2);
    if (channel_kind_parse(kind ? kind : "", &out->kind)) out->kind = CH_API;
    revoked = sqlite3_column_int(st, 3);
    sqlite3_reset(st);
    return revoked ? AUTH_DISABLED : AUTH_OK;
}

int auth_channel_revoke(store *s, const char *name)
{
    sqlite3_stmt *st = store_stmt(s, "UPDATE channels SET revoked = 1 WHERE name = ?");
    if (!st) return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    if (step_done(s, st)) return -1;
    return sqlite3_changes(store_db(s)) > 0 ? 0 : 1;
}
