/* Authentication of staff and channels.
 *
 * Staff log in with name and password (argon2id, checked by libsodium) and
 * get a bearer token: 256 random bits, hex-encoded, handed out once and
 * stored only as its SHA-256 in the sessions table. A session ends when it
 * is idle longer than idle_ms or older than absolute_ms, or on logout.
 * After max_failures wrong passwords in a row a user is locked for
 * lockout_ms; a successful login resets the count.
 *
 * Channels (partner systems) send a channel key the same way: 256 random
 * bits, shown once by `yxd channel add`, stored as SHA-256, revocable. */
#ifndef YX_AUTH_H
#define YX_AUTH_H

#include <stdint.h>

#include "core/domain.h"
#include "core/store.h"

#define AUTH_TOKEN_LEN 64     /* hex characters of a token or channel key */

typedef struct auth_config {
    int64_t idle_ms;          /* default 30 minutes */
    int64_t absolute_ms;      /* default 12 hours */
    int     max_failures;     /* default 5 */
    int64_t lockout_ms;       /* default 15 minutes */
} auth_config;

void auth_config_default(auth_config *c);

typedef struct auth_session {
    int64_t   user_id;
    char      user[32];
    user_role role;
    int64_t   expires_at;     /* absolute expiry, unix ms */
} auth_session;

typedef struct auth_channel {
    int64_t      id;
    char         name[48];
    channel_kind kind;
} auth_channel;

typedef enum {
    AUTH_OK,
    AUTH_BAD_CREDENTIALS,     /* unknown user, wrong password, bad token */
    AUTH_LOCKED,              /* too many failures; try later */
    AUTH_DISABLED,
    AUTH_EXPIRED,             /* token was valid but its session ended */
    AUTH_ERROR,               /* store failure; see store_errmsg() */
} auth_result;

/* Checks the password and opens a session. On AUTH_OK writes the token
 * (AUTH_TOKEN_LEN hex chars + NUL) and the session. Failed attempts count
 * towards the lockout even for a correct password while locked. */
auth_result auth_login(store *s, const auth_config *c, const char *name,
                       const char *password, const char *origin,
                       char token[AUTH_TOKEN_LEN + 1], auth_session *out);
/* Resolves a bearer token, refreshing its idle timer. */
auth_result auth_check(store *s, const auth_config *c, const char *token,
                       auth_session *out);
/* Ends the session of token; 0 when it existed, 1 when not, -1 on error. */
int auth_logout(store *s, const char *token);

/* Fills buf with a fresh random token; buf has AUTH_TOKEN_LEN + 1 bytes. */
void auth_random_token(char buf[AUTH_TOKEN_LEN + 1]);

/* Channel keys. auth_channel_add writes the new key into key (shown once). */
int auth_channel_add(store *s, const char *name, channel_kind kind,
                     char key[AUTH_TOKEN_LEN + 1], int64_t *id);
auth_result auth_channel_check(store *s, const char *key, auth_channel *out);
/* 0 revoked, 1 no such channel, -1 error. */
int auth_channel_revoke(store *s, const char *name);

#endif
