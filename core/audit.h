/* The audit chain: every state change and every read of personal data
 * appends one entry (who, role, what, which record, when, from where).
 * Each entry's hash is SHA-256 over the previous entry's hash and the
 * entry's canonical content, so changing, removing or reordering any entry
 * breaks every hash after it. Every N entries, and on shutdown, the chain
 * head is signed (Ed25519) into audit_checkpoints, so even someone who
 * rewrites the whole chain cannot forge the signed heads without the key,
 * as long as the heads are checked against a key the checker trusts: the
 * public key stored in each checkpoint row is only as trustworthy as
 * whoever last wrote the database.
 *
 * Canonical content: the fields in a fixed order, each as an 8-byte
 * big-endian length followed by its bytes (at as decimal text), so no two
 * different entries share a canonical form. */
#ifndef YX_AUDIT_H
#define YX_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/store.h"

#define AUDIT_HASH_BYTES 32
#define AUDIT_PK_BYTES   32
#define AUDIT_SK_BYTES   64
#define AUDIT_SIG_BYTES  64

typedef struct audit_key {
    unsigned char pk[AUDIT_PK_BYTES];
    unsigned char sk[AUDIT_SK_BYTES];
} audit_key;

/* Loads the signing key from path, or creates it (mode 0600) when the file
 * does not exist. Refuses a key file readable by others. 0 ok, -1 with a
 * reason in err. */
int audit_key_load(const char *path, audit_key *k, char *err, size_t errlen);

/* The same for an existing key file only (yxd audit verify): never creates
 * one. 0 ok, -1 with a reason in err. The caller wipes k->sk
 * (sodium_memzero) when it needs only the public key. */
int audit_key_read(const char *path, audit_key *k, char *err, size_t errlen);

typedef struct audit_event {
    const char *actor;     /* user or channel name, "cli" for admin commands */
    const char *role;      /* role name, "channel" or "operator" */
    const char *action;    /* "login", "read", "intake", "action.review", ... */
    const char *record;    /* "application:123", "user:officer", ... */
    const char *origin;    /* client address or "cli" */
    const char *detail;    /* JSON or text, may be NULL */
} audit_event;

/* Appends an entry. Call inside the caller's write transaction (BEGIN
 * IMMEDIATE) so the previous hash cannot change underneath; returns the new
 * entry's id, or -1. */
int64_t audit_append(store *s, const audit_event *e);

/* Signs the current chain head unless it is already signed. Returns the
 * checkpoint id, 0 when there was nothing new, -1 on error. */
int64_t audit_checkpoint(store *s, const audit_key *k);

typedef struct audit_report {
    int64_t entries;        /* entries walked */
    int64_t checkpoints;    /* signatures checked */
    int64_t bad_id;         /* first broken entry (or the entry a broken
                               checkpoint signs), 0 if none */
    char    why[200];       /* what is wrong with it */
    unsigned char key[AUDIT_PK_BYTES];  /* the key checkpoints were checked against */
    int     key_known;      /* 0: no key pinned and no checkpoint to take one from */
    int64_t last_id;        /* the newest entry */
    int64_t signed_id;      /* the newest entry a valid checkpoint signs (0: none) */
} audit_report;

/* Walks the whole chain and every checkpoint signature. Returns 0 when
 * intact, 1 when broken (report names the first broken entry), -1 on a
 * store error. Entries after signed_id are not signed yet (the server
 * signs every N entries and as it stops, so a crash leaves some): nothing
 * in the database proves them, and deleting the newest checkpoints with
 * the entries they sign leaves no trace in it. Against that an auditor
 * keeps the id of the newest checkpoint seen (audit_has_checkpoint).
 *
 * pk is the key every checkpoint must carry and be signed by: the one an
 * auditor pinned, or the one of the server's key file. Pass NULL only when
 * neither is at hand: the checkpoints must then all carry the key of the
 * first one, which proves the database consistent with itself and nothing
 * more, since whoever can write it can re-sign every head with a key of
 * their own. */
int audit_verify(store *s, const unsigned char *pk, audit_report *r);

/* 1 when checkpoint id is in the database, 0 when not, -1 on a store
 * error. After audit_verify passed, a present checkpoint is a valid one. */
int audit_has_checkpoint(store *s, int64_t id);

#endif
