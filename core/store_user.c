/* Staff accounts: argon2id password hashes (libsodium crypto_pwhash_str at
 * the INTERACTIVE limits, about 64 MiB and a few tenths of a second per
 * check, which bounds password guessing even with the database in hand). */
#include "core/store_user.h"

#include <ctype.h>
#include <string.h>

#include <sodium.h>

#include "core/util.h"

int store_password_hash(const char *password, char *out, size_t n)
{
    if (n < crypto_pwhash_STRBYTES || sodium_init() < 0) return -1;
    return crypto_pwhash_str(out, password, strlen(password),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

int store_password_verify(const char *pw_hash, const char *password)
{
    if (!pw_hash || !password || sodium_init() < 0) return 0;
    return crypto_pwhash_str_verify(pw_hash, password, strlen(password)) == 0;
}

static int name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n < 1 || n > 31) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i])) return 0;
    return 1;
}

int store_user_add(store *s, const char *name, user_role role, const char *password,
                   int64_t *id)
{
    char hash[crypto_pwhash_STRBYTES];
    sqlite3_stmt *st;
    int rc;
    if (!name_ok(name))
        return store_fail(s, "user name must be 1-31 letters, digits, '.', '_' or '-'");
    if ((unsigned)role >= ROLE__COUNT) return store_fail(s, "unknown role");
    if (!password || strlen(password) < 8)
        return store_fail(s, "password must be at least 8 characters");
    if (store_user_find(s, name, NULL, NULL, 0) == 0) return 1;
    if (store_password_hash(password, hash, sizeof hash))
        return store_fail(s, "cannot hash password (out of memory?)");
    st = store_stmt(s, "INSERT INTO users(name, role, pw_hash, created_at) VALUES (?1, ?2, ?3, ?4)");
    if (!st) return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, role_name(role), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, store_now_ms());
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    sodium_memzero(hash, sizeof hash);
    if (rc == SQLITE_CONSTRAINT_UNIQUE) return 1;
    if (rc != SQLITE_DONE) return store_fail(s, "cannot add user %s: %s", name, sqlite3_errmsg(store_db(s)));
    if (id) *id = sqlite3_last_insert_rowid(store_db(s));
    return 0;
}

int store_user_find(store *s, const char *name, user *out, char *pw_hash, size_t n)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT id, name, role, disabled, pw_hash FROM users WHERE name = ?1");
    int rc;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_TRANSIENT);
    if ((rc = store_row(s, st, "read user")) != 0) return rc;
    if (out) {
        user_role role;
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(st, 0);
        yx_strlcpy(out->name, (const char *)sqlite3_column_text(st, 1), sizeof out->name);
        if (role_parse((const char *)sqlite3_column_text(st, 2), &role)) {
            sqlite3_reset(st);
            return store_fail(s, "user %s has an unknown role", name);
        }
        out->role = role;
        out->disabled = sqlite3_column_int(st, 3);
    }
    if (pw_hash && n) yx_strlcpy(pw_hash, (const char *)sqlite3_column_text(st, 4), n);
    sqlite3_reset(st);
    return 0;
}
