/* The hash-chained, Ed25519-checkpointed audit trail. See audit.h for the
 * canonical form; audit_verify() is what `yxd audit verify` runs. */
#include "core/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void put_field(crypto_hash_sha256_state *h, const char *v)
{
    unsigned char len[8];
    uint64_t n = v ? strlen(v) : 0;
    for (int i = 7; i >= 0; i--) { len[i] = (unsigned char)(n & 0xff); n >>= 8; }
    crypto_hash_sha256_update(h, len, sizeof len);
    if (v) crypto_hash_sha256_update(h, (const unsigned char *)v, strlen(v));
}

static void entry_hash(const unsigned char prev[AUDIT_HASH_BYTES], int64_t at,
                       const audit_event *e, unsigned char out[AUDIT_HASH_BYTES])
{
    crypto_hash_sha256_state h;
    char ats[24];
    snprintf(ats, sizeof ats, "%lld", (long long)at);
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, prev, AUDIT_HASH_BYTES);
    put_field(&h, ats);
    put_field(&h, e->actor);
    put_field(&h, e->role);
    put_field(&h, e->action);
    put_field(&h, e->record);
    put_field(&h, e->origin);
    put_field(&h, e->detail);
    crypto_hash_sha256_final(&h, out);
}

/* What a checkpoint signs: the entry id (8 bytes big-endian), the head hash
 * and the signing time (8 bytes big-endian). */
static void checkpoint_message(int64_t audit_id, const unsigned char head[AUDIT_HASH_BYTES],
                               int64_t at, unsigned char msg[48])
{
    uint64_t a = (uint64_t)audit_id, t = (uint64_t)at;
    for (int i = 7; i >= 0; i--) { msg[i] = (unsigned char)(a & 0xff); a >>= 8; }
    memcpy(msg + 8, head, AUDIT_HASH_BYTES);
    for (int i = 7; i >= 0; i--) { msg[40 + i] = (unsigned char)(t & 0xff); t >>= 8; }
}

/* Reads the 64-byte secret key from fd (path names it in errors) and
 * derives the public key from its seed; refuses a file others may read and
 * one whose second half is not the public key of its seed. Closes fd. */
static int key_from_fd(int fd, const char *path, audit_key *k, char *err, size_t errlen)
{
    unsigned char seed[crypto_sign_SEEDBYTES], sk[AUDIT_SK_BYTES];
    struct stat sb;
    int rc = -1;
    if (fstat(fd, &sb) || (sb.st_mode & 077))
        snprintf(err, errlen, "audit key %s must be readable by its owner only (chmod 600)", path);
    else if (sb.st_size != (off_t)sizeof k->sk || read(fd, k->sk, sizeof k->sk) != (ssize_t)sizeof k->sk)
        snprintf(err, errlen, "audit key %s is not a %zu-byte Ed25519 secret key", path, sizeof k->sk);
    else {
        crypto_sign_ed25519_sk_to_seed(seed, k->sk);
        crypto_sign_seed_keypair(k->pk, sk, seed);
        if (sodium_memcmp(sk, k->sk, sizeof sk))
            snprintf(err, errlen, "audit key %s is damaged (its public half does not match its seed)", path);
        else rc = 0;
    }
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(sk, sizeof sk);
    if (rc) sodium_memzero(k, sizeof *k);
    close(fd);
    return rc;
}

int audit_key_load(const char *path, audit_key *k, char *err, size_t errlen)
{
    int fd;
    if (sodium_init() < 0) { snprintf(err, errlen, "libsodium failed to start"); return -1; }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            snprintf(err, errlen, "cannot create audit key %s: %s", path, strerror(errno));
            return -1;
        }
        crypto_sign_keypair(k->pk, k->sk);
        if (write(fd, k->sk, sizeof k->sk) != (ssize_t)sizeof k->sk || fsync(fd)) {
            snprintf(err, errlen, "cannot write audit key %s: %s", path, strerror(errno));
            close(fd);
            unlink(path);
            return -1;
        }
        close(fd);
        return 0;
    }
    if (fd < 0) {
        snprintf(err, errlen, "cannot open audit key %s: %s", path, strerror(errno));
        return -1;
    }
    return key_from_fd(fd, path, k, err, errlen);
}

int audit_key_read(const char *path, audit_key *k, char *err, size_t errlen)
{
    int fd;
    if (sodium_init() < 0) { snprintf(err, errlen, "libsodium failed to start"); return -1; }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open audit key %s: %s", path, strerror(errno));
        return -1;
    }
    return key_from_fd(fd, path, k, err, errlen);
}

static int head(store *s, int64_t *id, unsigned char hash[AUDIT_HASH_BYTES])
{
    sqlite3_stmt *st = store_stmt(s, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1");
    int rc;
    if (!st) return -1;
    rc = sqlite3_step(st);
    *id = 0;
    memset(hash, 0, AUDIT_HASH_BYTES);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        if (sqlite3_column_bytes(st, 1) == AUDIT_HASH_BYTES)
            memcpy(hash, sqlite3_column_blob(st, 1), AUDIT_HASH_BYTES);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, "audit head: %s", sqlite3_errmsg(store_db(s)));
    return 0;
}

int64_t audit_append(store *s, const audit_event *e)
{
    unsigned char prev[AUDIT_HASH_BYTES], h[AUDIT_HASH_BYTES];
    int64_t id, at = store_now_ms();
    sqlite3_stmt *st;
    if (head(s, &id, prev)) return -1;
    entry_hash(prev, at, e, h);
    st = store_stmt(s, "INSERT INTO audit (at, actor, role, action, record, origin, detail, "
                       "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, at);
    sqlite3_bind_text(st, 2, e->actor ? e->actor : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, e->role ? e->role : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, e->action ? e->action : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, e->record ? e->record : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, e->origin ? e->origin : "", -1, SQLITE_TRANSIENT);
    if (e->detail) sqlite3_bind_text(st, 7, e->detail, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 8, prev, sizeof prev, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 9, h, sizeof h, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) {
        sqlite3_reset(st);
        return store_fail(s, "audit append: %s", sqlite3_errmsg(store_db(s)));
    }
    sqlite3_reset(st);
    return sqlite3_last_insert_rowid(store_db(s));
}

int64_t audit_checkpoint(store *s, const audit_key *k)
{
    unsigned char h[AUDIT_HASH_BYTES], msg[48], sig[AUDIT_SIG_BYTES];
    int64_t id, last = 0, at = store_now_ms();
    sqlite3_stmt *st;
    if (store_begin(s)) return -1;
    if (head(s, &id, h)) goto fail;
    st = store_stmt(s, "SELECT max(audit_id) FROM audit_checkpoints");
    if (!st) goto fail;
    if (sqlite3_step(st) == SQLITE_ROW) last = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (id == 0 || id <= last) { store_rollback(s); return 0; }
    checkpoint_message(id, h, at, msg);
    crypto_sign_detached(sig, NULL, msg, sizeof msg, k->sk);
    st = store_stmt(s, "INSERT INTO audit_checkpoints (audit_id, head_hash, at, signature, "
                       "public_key) VALUES (?, ?, ?, ?, ?)");
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_blob(st, 2, h, sizeof h, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, at);
    sqlite3_bind_blob(st, 4, sig, sizeof sig, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 5, k->pk, AUDIT_PK_BYTES, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) {
        sqlite3_reset(st);
        store_fail(s, "audit checkpoint: %s", sqlite3_errmsg(store_db(s)));
        goto fail;
    }
    sqlite3_reset(st);
    if (store_commit(s)) goto fail;
    return sqlite3_last_insert_rowid(store_db(s));
fail:
    store_rollback(s);
    return -1;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : (const char *)sqlite3_column_text(st, i);
}

static int verify_entries(store *s, audit_report *r)
{
    unsigned char prev[AUDIT_HASH_BYTES] = { 0 }, h[AUDIT_HASH_BYTES];
    sqlite3_stmt *st = store_stmt(s, "SELECT id, at, actor, role, action, record, origin, "
                                     "detail, prev_hash, hash FROM audit ORDER BY id");
    int rc;
    if (!st) return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        audit_event e = { col_text(st, 2), col_text(st, 3), col_text(st, 4),
                          col_text(st, 5), col_text(st, 6), col_text(st, 7) };
        int64_t id = sqlite3_column_int64(st, 0);
        r->entries++;
        r->last_id = id;
        if (sqlite3_column_bytes(st, 8) != AUDIT_HASH_BYTES ||
            memcmp(sqlite3_column_blob(st, 8), prev, AUDIT_HASH_BYTES)) {
            r->bad_id = id;
            snprintf(r->why, sizeof r->why, "entry %lld: previous hash does not match the entry before it",
                     (long long)id);
            break;
        }
        entry_hash(prev, sqlite3_column_int64(st, 1), &e, h);
        if (sqlite3_column_bytes(st, 9) != AUDIT_HASH_BYTES ||
            memcmp(sqlite3_column_blob(st, 9), h, AUDIT_HASH_BYTES)) {
            r->bad_id = id;
            snprintf(r->why, sizeof r->why, "entry %lld: content does not match its hash", (long long)id);
            break;
        }
        memcpy(prev, h, sizeof prev);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, "audit verify: %s", sqlite3_errmsg(store_db(s)));
    return r->bad_id ? 1 : 0;
}

/* Every checkpoint must carry r->key and be signed by it: a database
 * writer can re-sign the heads with a key of their own, but not with this
 * one. */
static int verify_checkpoints(store *s, audit_report *r, const char *whose)
{
    sqlite3_stmt *st = store_stmt(s,
        "SELECT c.id, c.audit_id, c.head_hash, c.at, c.signature, c.public_key, a.hash "
        "FROM audit_checkpoints c LEFT JOIN audit a ON a.id = c.audit_id ORDER BY c.id");
    unsigned char msg[48];
    char hex[2 * AUDIT_PK_BYTES + 1];
    int rc;
    if (!st) return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t cid = sqlite3_column_int64(st, 0), aid = sqlite3_column_int64(st, 1);
        const unsigned char *hh = sqlite3_column_blob(st, 2);
        r->checkpoints++;
        r->bad_id = aid;   /* cleared below when this checkpoint passes */
        if (sqlite3_column_bytes(st, 2) != AUDIT_HASH_BYTES ||
            sqlite3_column_bytes(st, 4) != AUDIT_SIG_BYTES ||
            sqlite3_column_bytes(st, 5) != AUDIT_PK_BYTES) {
            snprintf(r->why, sizeof r->why, "checkpoint %lld is malformed", (long long)cid);
            break;
        }
        if (memcmp(sqlite3_column_blob(st, 5), r->key, AUDIT_PK_BYTES)) {
            sodium_bin2hex(hex, sizeof hex, sqlite3_column_blob(st, 5), AUDIT_PK_BYTES);
            snprintf(r->why, sizeof r->why, "checkpoint %lld: carries public key %s, not %s",
                     (long long)cid, hex, whose);
            break;
        }
        checkpoint_message(aid, hh, sqlite3_column_int64(st, 3), msg);
        if (crypto_sign_verify_detached(sqlite3_column_blob(st, 4), msg, sizeof msg, r->key)) {
            snprintf(r->why, sizeof r->why, "checkpoint %lld: signature does not verify", (long long)cid);
            break;
        }
        if (sqlite3_column_bytes(st, 6) != AUDIT_HASH_BYTES ||
            memcmp(sqlite3_column_blob(st, 6), hh, AUDIT_HASH_BYTES)) {
            snprintf(r->why, sizeof r->why,
                     "entry %lld: differs from the head signed by checkpoint %lld (entry missing or rewritten)",
                     (long long)aid, (long long)cid);
            break;
        }
        r->bad_id = 0;
        if (aid > r->signed_id) r->signed_id = aid;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, "audit verify: %s", sqlite3_errmsg(store_db(s)));
    return r->bad_id ? 1 : 0;
}

/* Unpinned: the key of the first checkpoint, which all others must share. */
static int first_checkpoint_key(store *s, audit_report *r)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT public_key FROM audit_checkpoints ORDER BY id LIMIT 1");
    int rc;
    if (!st) return -1;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == AUDIT_PK_BYTES) {
        memcpy(r->key, sqlite3_column_blob(st, 0), AUDIT_PK_BYTES);
        r->key_known = 1;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, "audit verify: %s", sqlite3_errmsg(store_db(s)));
    return 0;
}

int audit_verify(store *s, const unsigned char *pk, audit_report *r)
{
    int rc;
    memset(r, 0, sizeof *r);
    if (sodium_init() < 0) return store_fail(s, "libsodium failed to start");
    if (pk) {
        memcpy(r->key, pk, AUDIT_PK_BYTES);
        r->key_known = 1;
    } else if (first_checkpoint_key(s, r)) {
        return -1;
    }
    rc = verify_entries(s, r);
    if (rc) return rc;
    return verify_checkpoints(s, r, pk ? "the key verified against" : "the key of the first checkpoint");
}

int audit_has_checkpoint(store *s, int64_t id)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT count(*) FROM audit_checkpoints WHERE id = ?");
    int rc, n = 0;
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) return store_fail(s, "audit verify: %s", sqlite3_errmsg(store_db(s)));
    return n > 0;
}
