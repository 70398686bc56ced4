/* Person data: GB 11643 ID numbers, Luhn, the synthetic-people generators,
 * masking per the data classification table, and the seeded PRNG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/mask.h"
#include "core/person.h"
#include "core/rng.h"
#include "core/util.h"

static void test_id_known_vectors(void **state)
{
    (void)state;
    assert_int_equal(person_id_check("11010519491231002"), 'X');
    assert_true(person_id_valid("11010519491231002X"));
    assert_false(person_id_valid("110105194912310021"));   /* wrong check character */
    assert_false(person_id_valid("11010519491231002x"));   /* X must be upper case */
    assert_false(person_id_valid("11010519491231002"));    /* 17 characters */
    assert_false(person_id_valid("11010519491231002XX"));
    assert_false(person_id_valid("1101051949123100AX"));
    assert_false(person_id_valid(NULL));
    assert_int_equal(person_id_check("1101051949123100A"), 0);

    /* Correct check character but impossible birth dates. */
    {
        const char *bad[] = { "11010519490231002", "11010519491301002", "11010518991231002",
                              "11010519490229002" /* 1949 is not a leap year */ };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            char id[19];
            memcpy(id, bad[i], 17);
            id[17] = person_id_check(bad[i]);
            id[18] = '\0';
            assert_false(person_id_valid(id));
        }
    }
    {
        char id[19] = "20010519880229001";    /* 1988 is a leap year */
        int y, m, d, g;
        id[17] = person_id_check(id);
        assert_int_equal(person_id_birth(id, &y, &m, &d, &g), 0);
        assert_int_equal(y, 1988);
        assert_int_equal(m, 2);
        assert_int_equal(d, 29);
        assert_int_equal(g, 1);               /* sequence 001 is odd: male */
    }
    {
        int g;
        assert_int_equal(person_id_birth("11010519491231002X", NULL, NULL, NULL, &g), 0);
        assert_int_equal(g, 2);               /* sequence 002 is even: female */
    }
}

static void test_luhn_vectors(void **state)
{
    (void)state;
    assert_true(person_luhn_valid("79927398713"));
    assert_false(person_luhn_valid("79927398710"));
    assert_true(person_luhn_valid("4111111111111111"));
    assert_false(person_luhn_valid("4111111111111112"));
    {
        char card[20] = "622202020011223344";
        card[18] = person_luhn_digit(card);
        card[19] = '\0';
        assert_true(person_luhn_valid(card));
        card[18] = (char)('0' + (card[18] - '0' + 1) % 10);
        assert_false(person_luhn_valid(card));
    }
    assert_int_equal(person_luhn_digit("7992739871"), '3');
    assert_int_equal(person_luhn_digit("411111111111111"), '1');
    assert_false(person_luhn_valid("7"));
    assert_false(person_luhn_valid("7992739871a"));
    assert_false(person_luhn_valid(""));
}

static void test_mobile_valid(void **state)
{
    (void)state;
    assert_true(person_mobile_valid("13812341234"));
    assert_true(person_mobile_valid("19912341234"));
    assert_false(person_mobile_valid("12012341234"));   /* no such prefix */
    assert_false(person_mobile_valid("1381234123"));
    assert_false(person_mobile_valid("1381234123a"));
}

static const person_area *area_of(const char *id)
{
    for (int i = 0; i < person_area_count(); i++)
        if (!strncmp(person_area_at(i)->code, id, 6)) return person_area_at(i);
    return NULL;
}

/* Number of UTF-8 characters. */
static int chars(const char *s)
{
    int n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void test_generated_people(void **state)
{
    rng r;
    int compound = 0, male = 0, card_len[20] = { 0 };
    /* 2026-11-24 12:00 UTC and a date near new year, so birthdays fall on
     * both sides of "today". */
    const int64_t nows[] = { 1795521600000LL, 1798718400000LL };
    (void)state;
    rng_seed(&r, 2024);
    for (int i = 0; i < 20000; i++) {
        customer c;
        int age = 18 + i % 58, y, m, d, g;
        int64_t now = nows[i % 2];
        const person_area *a;
        person_gen(&r, age, now, &c);
        assert_true(person_id_valid(c.id_number));
        assert_int_equal(person_id_birth(c.id_number, &y, &m, &d, &g), 0);
        assert_int_equal(y, c.birth_year);
        assert_int_equal(m, c.birth_month);
        assert_int_equal(d, c.birth_day);
        assert_int_equal(g, c.gender);
        assert_int_equal(person_age(y, m, d, now), age);
        a = area_of(c.id_number);
        assert_non_null(a);
        assert_string_equal(a->province, c.province);
        assert_string_equal(a->city, c.city);
        assert_true(person_mobile_valid(c.mobile));
        assert_true(person_luhn_valid(c.bank_card));
        assert_memory_equal(c.bank_card, "62", 2);
        assert_in_range(strlen(c.bank_card), 16, 19);
        card_len[strlen(c.bank_card)]++;
        assert_true(yx_utf8_valid(c.name, strlen(c.name)));
        assert_in_range(chars(c.name), 2, 4);
        assert_true(c.employer[0] != '\0');
        compound += mask_compound_surname(c.name);
        male += c.gender == 1;
    }
    /* Compound surnames are rare but present; genders about even. */
    assert_in_range(compound, 20, 1000);
    assert_in_range(male, 9000, 11000);
    assert_true(card_len[16] > 0 && card_len[19] > 0);
}

static void test_area_codes(void **state)
{
    (void)state;
    assert_true(person_area_count() >= 30);
    for (int i = 0; i < person_area_count(); i++) {
        const person_area *a = person_area_at(i);
        assert_int_equal(strlen(a->code), 6);
        assert_int_equal(strspn(a->code, "0123456789"), 6);
    }
    assert_null(person_area_at(person_area_count()));
    assert_non_null(area_of("440305"));
    assert_string_equal(area_of("310104")->province, "上海市");
}

static void test_mask(void **state)
{
    char out[64], small[8];
    (void)state;
    assert_string_equal(mask_name("欧阳娜娜", out, sizeof out), "欧阳**");
    assert_string_equal(mask_name("司马懿", out, sizeof out), "司马*");
    assert_string_equal(mask_name("张三", out, sizeof out), "张*");
    assert_string_equal(mask_name("诸葛亮", out, sizeof out), "诸葛*");
    assert_string_equal(mask_name("王小明", out, sizeof out), "王**");
    assert_string_equal(mask_name("张", out, sizeof out), "*");
    assert_string_equal(mask_name("", out, sizeof out), "");
    assert_string_equal(mask_name(NULL, out, sizeof out), "");
    assert_string_equal(mask_id_number("11010519491231002X", out, sizeof out), "1****************X");
    assert_string_equal(mask_mobile("13812341234", out, sizeof out), "138****1234");
    assert_string_equal(mask_bank_card("6222021234567890123", out, sizeof out), "622202*********0123");
    assert_string_equal(mask_bank_card("6225881234567890", out, sizeof out), "622588******7890");
    assert_string_equal(mask_mobile("1234", out, sizeof out), "****");   /* too short: all hidden */
    /* A small buffer never gets half a character. */
    assert_string_equal(mask_name("欧阳娜娜", small, sizeof small), "欧阳*");
    mask_name("欧阳娜娜", small, 5);
    assert_string_equal(small, "欧");
}

static void test_rng(void **state)
{
    rng a, b;
    int counts[3] = { 0 }, w[3] = { 1, 0, 3 };
    (void)state;
    rng_seed(&a, 99);
    rng_seed(&b, 99);
    for (int i = 0; i < 1000; i++) assert_true(rng_next(&a) == rng_next(&b));
    rng_seed(&b, 100);
    assert_true(rng_next(&a) != rng_next(&b));
    for (int i = 0; i < 40000; i++) {
        uint64_t x = rng_below(&a, 7);
        int64_t y = rng_range(&a, -3, 3);
        double u = rng_unit(&a);
        assert_true(x < 7);
        assert_in_range(y + 3, 0, 6);
        assert_true(u >= 0.0 && u < 1.0);
        counts[rng_weighted(&a, w, 3)]++;
    }
    assert_int_equal(counts[1], 0);
    assert_in_range(counts[2], 28000, 32000);
    /* The sequence is fixed by the algorithm: the same on every machine. */
    rng_seed(&a, 0);
    {
        uint64_t first = rng_next(&a);
        rng_seed(&b, 0);
        assert_true(first == rng_next(&b));
        assert_true(first != 0);
    }
}

/* Personal data in free text, written whole or in the groups people
 * write it in, is found; other numbers are not. */
static void test_personal_data_in_free_text(void **state)
{
    char id[19], text[96];
    (void)state;
    snprintf(id, sizeof id, "11010119900307451%c", person_id_check("11010119900307451"));
    snprintf(text, sizeof text, "身份证%s，请核实", id);
    assert_string_equal(person_data_in(text), "an ID number");
    assert_string_equal(person_data_in("call 13912345678 after six"), "a mobile number");
    assert_string_equal(person_data_in("call 139 1234 5678 after six"), "a mobile number");
    assert_string_equal(person_data_in("手机139-1234-5678"), "a mobile number");
    assert_string_equal(person_data_in("card 4111 1111 1111 1111 lost"), "a card number");
    assert_string_equal(person_data_in("4111111111111111"), "a card number");
    assert_null(person_data_in("loan of 50000 yuan over 12 months"));
    assert_null(person_data_in("20000 30000 40000 5"));      /* not groups of 3 or 4 */
    assert_null(person_data_in("4111111111111112"));           /* fails its check digit */
    assert_null(person_data_in("12345678901"));                /* no mobile prefix */
    assert_null(person_data_in(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_id_known_vectors),
        cmocka_unit_test(test_luhn_vectors),
        cmocka_unit_test(test_mobile_valid),
        cmocka_unit_test(test_personal_data_in_free_text),
        cmocka_unit_test(test_generated_people),
        cmocka_unit_test(test_area_codes),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_rng),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
