/* Staff accounts in the store: adding users with an argon2id password hash
 * (libsodium, INTERACTIVE limits) and finding them for login. Sessions and
 * tokens live in core/auth. */
#ifndef YX_STORE_USER_H
#define YX_STORE_USER_H

#include <stddef.h>
#include <stdint.h>

#include "core/domain.h"
#include "core/store.h"

/* Adds a user. 0 ok, 1 the name is taken, -1 error (store_errmsg()). Names
 * are 1-31 bytes of letters, digits, '.', '_' or '-'; passwords at least 8
 * bytes. Bad input is an error (-1) with the reason in store_errmsg(). */
int store_user_add(store *s, const char *name, user_role role, const char *password,
                   int64_t *id);
/* Finds a user by name; pw_hash (may be NULL) receives the argon2id string
 * (n >= 128 is enough). 0 found, 1 not found, -1 error. */
int store_user_find(store *s, const char *name, user *out, char *pw_hash, size_t n);
/* 1 when password matches the hash, 0 when not (or the hash is malformed). */
int store_password_verify(const char *pw_hash, const char *password);
/* Hashes a password into out (n >= 128). 0 ok, -1 out of memory. */
int store_password_hash(const char *password, char *out, size_t n);

#endif
