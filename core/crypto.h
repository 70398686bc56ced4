/* Protection of personal data at rest: a 32-byte secret key kept in a file
 * of mode 0600, sealing (XSalsa20-Poly1305, libsodium crypto_secretbox with
 * a random nonce stored in front of the ciphertext) and a keyed hash
 * (BLAKE2b) that lets the store find a customer by ID number without
 * keeping the number in clear. */
#ifndef YX_CRYPTO_H
#define YX_CRYPTO_H

#include <stddef.h>

#define CRYPTO_KEY_BYTES  32
#define CRYPTO_HASH_BYTES 32
/* Bytes a sealed value adds to its plaintext (nonce + MAC). */
#define CRYPTO_SEAL_OVERHEAD (24 + 16)

typedef struct { unsigned char k[CRYPTO_KEY_BYTES]; } crypto_key;

/* Initialises libsodium once; 0 ok, -1 when it cannot. Every function here
 * calls it, so callers need not. */
int crypto_init(void);

/* Reads the key file at path. When it is missing and create is set, makes a
 * fresh random key and writes it with mode 0600 (never overwrites). A key
 * file readable by group or others, or of the wrong size, is refused.
 * 0 ok, -1 with a one-line reason in err. */
int crypto_key_load(const char *path, int create, crypto_key *k, char *err, size_t n);

/* Seals n bytes into out (n + CRYPTO_SEAL_OVERHEAD bytes). 0 ok, -1 when
 * outcap is too small. */
int crypto_seal(const crypto_key *k, const void *plain, size_t n,
                unsigned char *out, size_t outcap);
/* Opens a sealed value into out as a NUL-terminated string (outcap must be
 * at least n - CRYPTO_SEAL_OVERHEAD + 1). 0 ok, -1 forged, truncated or
 * sealed under another key. */
int crypto_open(const crypto_key *k, const unsigned char *sealed, size_t n,
                char *out, size_t outcap);

/* Unkeyed 16-byte BLAKE2b digest of a request body: an Idempotency-Key
 * replayed with another body is told apart by it. */
#define CRYPTO_DIGEST_BYTES 16
void crypto_digest(const void *data, size_t n, unsigned char out[CRYPTO_DIGEST_BYTES]);
/* 1 when a digest kept beside a key (n bytes at stored) is d, or none was
 * kept (NULL: a key stored before digests were), else 0. */
int crypto_digest_matches(const void *stored, size_t n, const unsigned char d[CRYPTO_DIGEST_BYTES]);

/* Keyed hash of a lookup value (e.g. an ID number). */
void crypto_keyed_hash(const crypto_key *k, const void *data, size_t n,
                       unsigned char out[CRYPTO_HASH_BYTES]);

#endif
