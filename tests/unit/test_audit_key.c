/* core/audit's signing key file: audit_key_load creates a missing key
 * with mode 0600 whatever the umask, and loads it back as the same key;
 * audit_key_load and audit_key_read refuse a key file that group or
 * others may read or write, with an error naming the file and the fix,
 * leave no key behind and leave the file as it was; audit_key_read never
 * creates a key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/audit.h"
#include "tests/common/tmpdir.h"

struct fx { char dir[128], key[192]; };

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f || !yx_test_mkdtemp(f->dir, sizeof f->dir, "yx-audit-key")) return -1;
    snprintf(f->key, sizeof f->key, "%s/yx.db.audit.key", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    yx_test_rmtree(f->dir);
    free(f);
    return 0;
}

static int all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i]) return 0;
    return 1;
}

static void read_file(const char *path, unsigned char *buf, size_t n)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fread(buf, 1, n, fp), n);
    fclose(fp);
}

/* Created 0600 even under umask 0 (the mode is the file's own, not what
 * the umask happens to leave), 64 bytes, and loaded back as itself. */
static void test_created_owner_only(void **state)
{
    struct fx *f = *state;
    audit_key k, again;
    char err[256] = "";
    struct stat sb;
    mode_t old = umask(0);
    int rc = audit_key_load(f->key, &k, err, sizeof err);
    umask(old);
    if (rc) fail_msg("audit_key_load: %s", err);
    assert_int_equal(stat(f->key, &sb), 0);
    if ((sb.st_mode & 07777) != 0600) fail_msg("the new key file has mode %04o, not 0600", (unsigned)(sb.st_mode & 07777));
    assert_int_equal(sb.st_size, AUDIT_SK_BYTES);
    assert_false(all_zero(k.pk, sizeof k.pk));
    /* loaded again (not made anew), and read by verify, it is the same key */
    assert_int_equal(audit_key_load(f->key, &again, err, sizeof err), 0);
    assert_memory_equal(again.pk, k.pk, sizeof k.pk);
    assert_memory_equal(again.sk, k.sk, sizeof k.sk);
    memset(&again, 0, sizeof again);
    assert_int_equal(audit_key_read(f->key, &again, err, sizeof err), 0);
    assert_memory_equal(again.pk, k.pk, sizeof k.pk);
}

/* Any group or other permission bit refuses the key, for the server
 * (load) and for verify (read), with the file named and chmod 600 as the
 * fix; the key is wiped and the file left untouched. Owner read-only is
 * fine. */
static void test_shared_key_file_refused(void **state)
{
    static const mode_t bad[] = { 0640, 0604, 0644, 0660, 0620, 0602, 0610, 0601 };
    struct fx *f = *state;
    unsigned char before[AUDIT_SK_BYTES], after[AUDIT_SK_BYTES];
    audit_key k, good;
    char err[256];
    assert_int_equal(audit_key_load(f->key, &good, err, sizeof err), 0);
    read_file(f->key, before, sizeof before);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int (*const fns[2])(const char *, audit_key *, char *, size_t) = { audit_key_load, audit_key_read };
        assert_int_equal(chmod(f->key, bad[i]), 0);
        for (int j = 0; j < 2; j++) {
            memset(&k, 0xa5, sizeof k);
            err[0] = '\0';
            if (fns[j](f->key, &k, err, sizeof err) != -1)
                fail_msg("%s accepted a key file of mode %04o", j ? "audit_key_read" : "audit_key_load", (unsigned)bad[i]);
            assert_non_null(strstr(err, f->key));
            assert_non_null(strstr(err, "chmod 600"));
            assert_true(all_zero(&k, sizeof k));
        }
    }
    read_file(f->key, after, sizeof after);
    assert_memory_equal(after, before, sizeof before);
    assert_int_equal(chmod(f->key, 0400), 0);
    assert_int_equal(audit_key_load(f->key, &k, err, sizeof err), 0);
    assert_memory_equal(k.pk, good.pk, sizeof k.pk);
    assert_int_equal(chmod(f->key, 0600), 0);
}

/* verify's reader does not make a key where there is none. */
static void test_read_never_creates(void **state)
{
    struct fx *f = *state;
    char path[256], err[256] = "";
    audit_key k;
    snprintf(path, sizeof path, "%s/missing.audit.key", f->dir);
    assert_int_equal(audit_key_read(path, &k, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    assert_int_equal(access(path, F_OK), -1);
}

/* A key file with anything after its 64 bytes is not a key file of
 * yxd's (a wrong file put there, or one written over): refused. */
static void test_longer_file_refused(void **state)
{
    struct fx *f = *state;
    char err[256] = "";
    audit_key k;
    FILE *fp;
    assert_int_equal(audit_key_load(f->key, &k, err, sizeof err), 0);
    assert_int_equal(audit_key_read(f->key, &k, err, sizeof err), 0);
    fp = fopen(f->key, "ab");
    assert_non_null(fp);
    fputc('\n', fp);
    fclose(fp);
    assert_int_equal(audit_key_read(f->key, &k, err, sizeof err), -1);
    assert_non_null(strstr(err, "64-byte"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_created_owner_only),
        cmocka_unit_test(test_shared_key_file_refused),
        cmocka_unit_test(test_read_never_creates),
        cmocka_unit_test(test_longer_file_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
