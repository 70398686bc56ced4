/* Key file, sealing and keyed hashing of personal data at rest, on
 * libsodium. The key file is created with O_EXCL and mode 0600 so a second
 * init never replaces the key that existing data is sealed under. */
#include "core/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

int crypto_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

static int read_key(int fd, const char *path, crypto_key *k, char *err, size_t n)
{
    struct stat st;
    ssize_t got;
    if (fstat(fd, &st) != 0) {
        snprintf(err, n, "cannot stat key file %s: %s", path, strerror(errno));
        return -1;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        snprintf(err, n, "key file %s is readable by others (mode %03o); chmod 600 it",
                 path, (unsigned)(st.st_mode & 0777));
        return -1;
    }
    if (st.st_size != CRYPTO_KEY_BYTES) {
        snprintf(err, n, "key file %s has %lld bytes, expected %d", path,
                 (long long)st.st_size, CRYPTO_KEY_BYTES);
        return -1;
    }
    got = read(fd, k->k, sizeof k->k);
    if (got != (ssize_t)sizeof k->k) {
        snprintf(err, n, "cannot read key file %s", path);
        return -1;
    }
    return 0;
}

int crypto_key_load(const char *path, int create, crypto_key *k, char *err, size_t n)
{
    int fd, rc;
    if (crypto_init()) { snprintf(err, n, "libsodium failed to initialise"); return -1; }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        rc = read_key(fd, path, k, err, n);
        close(fd);
        return rc;
    }
    if (errno != ENOENT || !create) {
        snprintf(err, n, "cannot open key file %s: %s", path, strerror(errno));
        return -1;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, n, "cannot create key file %s: %s", path, strerror(errno));
        return -1;
    }
    crypto_secretbox_keygen(k->k);
    rc = write(fd, k->k, sizeof k->k) == (ssize_t)sizeof k->k && fsync(fd) == 0 ? 0 : -1;
    if (close(fd) != 0) rc = -1;
    if (rc) {
        snprintf(err, n, "cannot write key file %s: %s", path, strerror(errno));
        unlink(path);
    }
    return rc;
}

int crypto_seal(const crypto_key *k, const void *plain, size_t n,
                unsigned char *out, size_t outcap)
{
    if (outcap < n + CRYPTO_SEAL_OVERHEAD || crypto_init()) return -1;
    randombytes_buf(out, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, plain, n, out, k->k);
    return 0;
}

int crypto_open(const crypto_key *k, const unsigned char *sealed, size_t n,
                char *out, size_t outcap)
{
    size_t plain;
    if (n < CRYPTO_SEAL_OVERHEAD || crypto_init()) return -1;
    plain = n - CRYPTO_SEAL_OVERHEAD;
    if (outcap < plain + 1) return -1;
    if (crypto_secretbox_open_easy((unsigned char *)out, sealed + crypto_secretbox_NONCEBYTES,
                                   n - crypto_secretbox_NONCEBYTES, sealed, k->k) != 0)
        return -1;
    out[plain] = '\0';
    return 0;
}

void crypto_digest(const void *data, size_t n, unsigned char out[CRYPTO_DIGEST_BYTES])
{
    crypto_init();
    crypto_generichash(out, CRYPTO_DIGEST_BYTES, data, n, NULL, 0);
}

int crypto_digest_matches(const void *stored, size_t n, const unsigned char d[CRYPTO_DIGEST_BYTES])
{
    return !stored || (n == CRYPTO_DIGEST_BYTES && !memcmp(stored, d, CRYPTO_DIGEST_BYTES));
}

void crypto_keyed_hash(const crypto_key *k, const void *data, size_t n,
                       unsigned char out[CRYPTO_HASH_BYTES])
{
    crypto_init();
    crypto_generichash(out, CRYPTO_HASH_BYTES, data, n, k->k, sizeof k->k);
}
