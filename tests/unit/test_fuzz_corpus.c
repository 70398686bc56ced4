/* Replays the fuzz corpus kept in tests/fixtures/fuzz/ (seeds and every
 * input a fuzzer ever crashed on) through the same checks the libFuzzer
 * targets run (tests/fuzz/fuzz_checks.h), here under ASan and UBSan:
 * each input must be accepted with its invariants or refused with a
 * message. Each directory holds inputs of both kinds, so a parser that
 * refused everything, or accepted everything, fails too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tests/fuzz/fuzz_checks.h"

#define CORPUS "tests/fixtures/fuzz"
#define CORPUS_MAX_BYTES (1u << 20)

typedef int (*check_fn)(const uint8_t *data, size_t size, char *why, size_t wn);

/* Feeds every file of CORPUS/dir to check; counts accepted and refused. */
static void replay_dir(const char *dir, check_fn check, int *accepted, int *refused)
{
    char path[512];
    DIR *d;
    struct dirent *e;
    snprintf(path, sizeof path, "%s/%s", CORPUS, dir);
    d = opendir(path);
    if (!d) fail_msg("cannot open %s", path);
    *accepted = *refused = 0;
    while ((e = readdir(d)) != NULL) {
        char file[1024], why[512] = "";
        size_t len;
        char *data;
        int rc;
        if (e->d_name[0] == '.') continue;
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        data = yx_read_file(file, &len, CORPUS_MAX_BYTES);
        if (!data) fail_msg("cannot read %s", file);
        rc = check((const uint8_t *)data, len, why, sizeof why);
        free(data);
        if (rc < 0) fail_msg("%s: %s", file, why);
        if (rc == 0) (*accepted)++;
        else (*refused)++;
    }
    closedir(d);
}

static void test_csv_corpus(void **state)
{
    int ok, no;
    (void)state;
    replay_dir("csv", fuzz_check_csv, &ok, &no);
    assert_true(ok >= 1);
    assert_true(no >= 3);
}

static void test_wire_corpus(void **state)
{
    int ok, no;
    (void)state;
    replay_dir("wire", fuzz_check_wire, &ok, &no);
    assert_true(ok >= 2);
    assert_true(no >= 3);
}

static void test_intake_corpus(void **state)
{
    int ok, no;
    (void)state;
    replay_dir("intake", fuzz_check_intake, &ok, &no);
    assert_true(ok >= 1);
    assert_true(no >= 2);
}

static void test_action_corpus(void **state)
{
    int ok, no;
    (void)state;
    replay_dir("action", fuzz_check_action, &ok, &no);
    assert_true(ok >= 9);   /* a seed for most kinds of action */
    assert_true(no >= 7);
}

/* The checks themselves catch a broken promise: a cursor is accepted and
 * round-trips, a row that is accepted prints and reads back, a data set
 * that loads keeps its levels in range. */
static void test_checks_see_values(void **state)
{
    char why[512];
    const char cur[] = "1795521600000.42", bad_cur[] = "1795521600000.-1";
    const char ack[] = "{\"type\":\"alert_ack\",\"alert_id\":3}", bad_ack[] = "{\"type\":\"alert_ack\",\"alert_id\":0}";
    (void)state;
    assert_int_equal(fuzz_check_cursor((const uint8_t *)cur, sizeof cur - 1, why, sizeof why), 0);
    assert_int_equal(fuzz_check_cursor((const uint8_t *)bad_cur, sizeof bad_cur - 1, why, sizeof why), 1);
    assert_int_equal(fuzz_check_wire((const uint8_t *)"{", 1, why, sizeof why), 1);
    assert_int_equal(fuzz_check_csv((const uint8_t *)"", 0, why, sizeof why), 1);
    assert_int_equal(fuzz_check_intake((const uint8_t *)"null", 4, why, sizeof why), 1);
    assert_int_equal(fuzz_check_action((const uint8_t *)ack, sizeof ack - 1, why, sizeof why), 0);
    assert_int_equal(fuzz_check_action((const uint8_t *)bad_ack, sizeof bad_ack - 1, why, sizeof why), 1);
}

/* A body that is one valid object is accepted; the same with more after
 * it is refused, for intake and actions alike. */
static void test_nothing_after_the_object(void **state)
{
    static const struct { const char *file; check_fn check; } seeds[] = {
        { CORPUS "/intake/seed_valid.json", fuzz_check_intake },
        { CORPUS "/action/seed_review.json", fuzz_check_action },
    };
    (void)state;
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char why[512];
        size_t len;
        char *data = yx_read_file(seeds[i].file, &len, CORPUS_MAX_BYTES), *two;
        assert_non_null(data);
        assert_int_equal(seeds[i].check((const uint8_t *)data, len, why, sizeof why), 0);
        assert_non_null(two = malloc(len + 4));
        memcpy(two, data, len);
        memcpy(two + len, " {}", 3);
        if (seeds[i].check((const uint8_t *)two, len + 3, why, sizeof why) != 1)
            fail_msg("%s with \" {}\" after it was not refused", seeds[i].file);
        memcpy(two + len, " \n\t", 3);   /* whitespace after it is fine */
        assert_int_equal(seeds[i].check((const uint8_t *)two, len + 3, why, sizeof why), 0);
        free(two);
        free(data);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_corpus),
        cmocka_unit_test(test_wire_corpus),
        cmocka_unit_test(test_intake_corpus),
        cmocka_unit_test(test_action_corpus),
        cmocka_unit_test(test_nothing_after_the_object),
        cmocka_unit_test(test_checks_see_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
