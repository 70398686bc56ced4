/* yxd audit verify: walks the audit chain and every signed checkpoint and
 * names the first broken entry. Exit 0 intact, 1 broken or unreadable,
 * 2 bad usage.
 *
 * Which key the checkpoints must be signed by is the point of the check:
 * the key stored in each checkpoint row proves nothing, since whoever can
 * write the database can re-sign every head with a key of their own. So
 * the key comes from --public-key (pinned by the auditor), else from the
 * server's signing key file beside the database; only when neither is at
 * hand are the stored keys used, with a warning. The database is opened
 * read only and never upgraded: an auditor's check changes nothing. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend/admin.h"
#include "backend/cmd.h"
#include "core/audit.h"
#include "core/util.h"

static const char usage_text[] =
    "usage: yxd audit verify --db FILE [--public-key HEX] [--checkpoint ID]\n"
    "Checks every entry's hash and every checkpoint's Ed25519 signature;\n"
    "names the first broken entry. Exit 0 intact, 1 broken, 2 bad usage.\n"
    "\n"
    "  --db FILE          the database (required)\n"
    "  --public-key HEX   the audit public key (64 hex digits) you pinned from\n"
    "                     GET /v1/audit/checkpoints or got from the operator;\n"
    "                     every checkpoint must be signed by exactly this key\n"
    "  --checkpoint ID    the newest checkpoint id you recorded (the id in\n"
    "                     GET /v1/audit/checkpoints): it must still be there,\n"
    "                     so deleting the newest checkpoints with the entries\n"
    "                     they sign is caught\n"
    "\n"
    "Without --public-key, the key of the signing key file FILE.audit.key is\n"
    "used when it can be read; failing that, the key stored with the\n"
    "checkpoints, which must all agree, with a warning that the key was not\n"
    "pinned: that only shows the database agrees with itself.\n"
    "The second line of output names the public key verified against.\n";

/* Exactly 64 hex digits, nothing else. 0 / -1. */
static int parse_public_key(const char *hex, unsigned char pk[AUDIT_PK_BYTES])
{
    if (strlen(hex) != 2 * AUDIT_PK_BYTES || strspn(hex, "0123456789abcdefABCDEF") != 2 * AUDIT_PK_BYTES)
        return -1;
    return sodium_hex2bin(pk, AUDIT_PK_BYTES, hex, 2 * AUDIT_PK_BYTES, NULL, NULL, NULL);
}

/* The public key of the server's signing key file beside db; 0, or -1 with
 * the reason in err. The secret half is wiped at once. */
static int key_file_public_key(const char *db, unsigned char pk[AUDIT_PK_BYTES], char *path, size_t pathlen,
                               char *err, size_t errlen)
{
    audit_key k;
    int rc;
    if ((size_t)snprintf(path, pathlen, "%s.audit.key", db) >= pathlen) {
        snprintf(err, errlen, "the key file name is too long");
        return -1;
    }
    rc = audit_key_read(path, &k, err, errlen);
    if (rc == 0) memcpy(pk, k.pk, AUDIT_PK_BYTES);
    sodium_memzero(&k, sizeof k);
    return rc;
}

int cmd_audit(int argc, char **argv)
{
    const char *db = NULL, *pk_hex = NULL, *ckpt = NULL;
    int64_t ckpt_id = 0;
    unsigned char pk[AUDIT_PK_BYTES];
    char keypath[4096], why[600], hex[2 * AUDIT_PK_BYTES + 1], source[4200];
    audit_report rep;
    store *s;
    int rc, have_key = 0;
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) { fputs(usage_text, stdout); return 0; }
    if (argc < 2 || strcmp(argv[1], "verify")) {
        fprintf(stderr, "yxd audit: expected verify (try yxd audit --help)\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc) db = argv[++i];
        else if (!strcmp(argv[i], "--public-key") && i + 1 < argc) pk_hex = argv[++i];
        else if (!strcmp(argv[i], "--checkpoint") && i + 1 < argc) ckpt = argv[++i];
        else if (!strcmp(argv[i], "--db") || !strcmp(argv[i], "--public-key") || !strcmp(argv[i], "--checkpoint")) {
            fprintf(stderr, "yxd audit: %s needs a value (try yxd audit --help)\n", argv[i]);
            return 2;
        } else {
            fprintf(stderr, "yxd audit: unknown option %s (try yxd audit --help)\n", argv[i]);
            return 2;
        }
    }
    if (!db) {
        fprintf(stderr, "yxd audit: --db FILE is required\n");
        return 2;
    }
    /* before anything is read */
    if (ckpt && yx_parse_i64(ckpt, 1, INT64_MAX, &ckpt_id)) {
        fprintf(stderr, "yxd audit: --checkpoint must be a checkpoint id (a positive integer), not \"%.40s\"\n", ckpt);
        return 2;
    }
    if (pk_hex && parse_public_key(pk_hex, pk)) {
        fprintf(stderr, "yxd audit: --public-key must be the 64 hex digits of an Ed25519 public key "
                        "(the public_key of GET /v1/audit/checkpoints), not \"%.80s\"\n", pk_hex);
        return 2;
    }
    if (pk_hex) {
        have_key = 1;
        snprintf(source, sizeof source, "pinned with --public-key");
    } else if (key_file_public_key(db, pk, keypath, sizeof keypath, why, sizeof why) == 0) {
        have_key = 1;
        snprintf(source, sizeof source, "from the signing key file %s", keypath);
    } else {
        snprintf(source, sizeof source, "stored with the checkpoints, not pinned");
    }
    /* Read only, and no schema upgrade: evidence is verified as found. */
    if (access(db, F_OK)) {
        fprintf(stderr, "yxd audit: database %s does not exist\n", db);
        return 1;
    }
    if (store_open(&s, db, STORE_READONLY, why, sizeof why)) {
        fprintf(stderr, "yxd audit: %s\n", why);
        return 1;
    }
    if (!have_key)
        fprintf(stderr, "yxd audit: warning: public key not pinned (%s); the checkpoints are checked "
                        "against the key stored with them, which shows only that the database agrees "
                        "with itself: whoever can write it can re-sign it. Pin the key from "
                        "GET /v1/audit/checkpoints with --public-key HEX.\n", why);
    rc = audit_verify(s, have_key ? pk : NULL, &rep);
    if (rc == 0 && ckpt_id) {
        int has = audit_has_checkpoint(s, ckpt_id);
        if (has < 0) rc = -1;
        else if (!has) {
            rc = 1;
            rep.bad_id = rep.signed_id + 1;
            snprintf(rep.why, sizeof rep.why,
                     "checkpoint %lld is gone: the newest checkpoints, and the entries they signed, were removed",
                     (long long)ckpt_id);
        }
    }
    if (rc < 0) {
        fprintf(stderr, "yxd audit: cannot read the audit chain: %s\n", store_errmsg(s));
        store_close(s);
        return 1;
    }
    if (rc == 1) {
        fprintf(stderr, "yxd audit: chain broken at entry %lld: %s\n", (long long)rep.bad_id, rep.why);
        printf("broken %lld\n", (long long)rep.bad_id);
    } else {
        printf("intact: %lld entries, %lld signed checkpoints\n", (long long)rep.entries,
               (long long)rep.checkpoints);
    }
    if (rc == 0) {
        printf("signed through entry %lld; %lld newer entries not signed yet\n", (long long)rep.signed_id,
               (long long)(rep.last_id - rep.signed_id));
        if (rep.entries > 0 && !rep.checkpoints)
            fprintf(stderr, "yxd audit: warning: no signed checkpoint: nothing proves these %lld entries "
                            "(a server that never stopped cleanly, or checkpoints deleted; compare with "
                            "--checkpoint ID)\n", (long long)rep.entries);
    }
    if (rep.key_known) {
        sodium_bin2hex(hex, sizeof hex, rep.key, AUDIT_PK_BYTES);
        printf("public key: %s (%s)\n", hex, source);
    } else {
        printf("public key: none (not pinned, and no checkpoint carries one)\n");
    }
    store_close(s);
    return rc == 1 ? 1 : 0;
}
