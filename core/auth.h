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

/* A login in two steps, so that the slow password check (argon2id, tens
 * of milliseconds) never runs inside a write transaction:
 *
 * auth_login_check reads the user and checks the password (no writes; a
 * reading connection will do). A user locked at that moment is not
 * checked at all. 0, or -1 on a store failure.
 *
 * auth_login_finish writes the outcome inside the caller's transaction
 * (it neither begins nor commits): it reads the user again and decides on
 * what is true now, so that whatever changed since the check counts: a
 * lockout set by concurrent wrong passwords refuses (AUTH_LOCKED), each
 * wrong password adds to the failure count as it stands then (none is
 * lost to a concurrent one), a user disabled meanwhile gets
 * AUTH_DISABLED, and a password changed meanwhile makes the check void
 * (AUTH_BAD_CREDENTIALS, not counted). On AUTH_OK it writes the session
 * and the token (AUTH_TOKEN_LEN hex chars + NUL). out->user and out->role
 * name the user whenever one of that name exists, for the audit entry. */
#define AUTH_PW_HASH_MAX 128     /* crypto_pwhash_STRBYTES */
typedef struct auth_attempt {
    int64_t user_id;                 /* 0: no such user */
    int     locked;                  /* locked when read: not checked (a name
                                        no user has is locked as one would be) */
    int     checked;                 /* the password was checked */
    int     password_ok;             /* ...and it was right */
    char    pw_hash[AUTH_PW_HASH_MAX];   /* the hash it was checked against */
} auth_attempt;

/* Login in steps: read the user (a snapshot of the store), check the
 * password (argon2id, tens of milliseconds, no store needed, so the
 * caller can give its connection back meanwhile), then finish in a write
 * transaction, which reads the user again. auth_login_check is the first
 * two together. */
int  auth_login_read(store *s, const char *name, auth_attempt *a);
void auth_login_verify(auth_attempt *a, const char *password);
int  auth_login_check(store *s, const char *name, const char *password, auth_attempt *a);
auth_result auth_login_finish(store *s, const auth_config *c, const char *name,
                              const auth_attempt *a, const char *origin,
                              char token[AUTH_TOKEN_LEN + 1], auth_session *out);
/* Both steps in one transaction of its own (for tools and tests). */
auth_result auth_login(store *s, const auth_config *c, const char *name,
                       const char *password, const char *origin,
                       char token[AUTH_TOKEN_LEN + 1], auth_session *out);

/* What auth_check_read found out beyond the result. */
typedef enum {
    AUTH_WRITE_NONE,
    AUTH_WRITE_TOUCH,         /* refresh the session's idle timer: auth_touch */
    AUTH_WRITE_END,           /* the session ended: auth_logout removes it */
} auth_write;
/* Resolves a bearer token without writing; *w says which write is due. */
auth_result auth_check_read(store *s, const auth_config *c, const char *token,
                            auth_session *out, auth_write *w);
/* Sets the session's last use to now; 0, or -1 on a store failure. */
int auth_touch(store *s, const char *token);
/* Resolves a bearer token, refreshing its idle timer and removing an
 * ended session (auth_check_read plus the write it asks for). */
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
