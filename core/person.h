/* Chinese personal identifiers: GB 11643 resident ID numbers (check
 * character, birth date), Luhn bank card numbers, and generators of
 * realistic synthetic people for demo data (names with weighted common and
 * compound surnames, IDs with real area codes, mobile prefixes, UnionPay
 * cards, employers). Generators are deterministic for a given rng. */
#ifndef YX_PERSON_H
#define YX_PERSON_H

#include <stddef.h>
#include <stdint.h>

#include "core/domain.h"
#include "core/rng.h"

/* GB 11643 check character ('0'-'9' or 'X') of the first 17 digits; 0 when
 * they are not 17 digits. */
char person_id_check(const char *first17);
/* 1 when id18 is 18 characters: 17 digits, a correct check character (an
 * uppercase X) and a real calendar birth date (1900 up to 2099). */
int person_id_valid(const char *id18);
/* Birth date and gender (1 male, 2 female) of a valid ID; 0 ok, -1 not. */
int person_id_birth(const char *id18, int *year, int *month, int *day, int *gender);

/* 1 when s is 2+ digits passing the Luhn check. */
int person_luhn_valid(const char *s);
/* Luhn check digit to append to the digits of s. */
char person_luhn_digit(const char *s);

/* 1 when s is an 11-digit mainland mobile with a known prefix. */
int person_mobile_valid(const char *s);

/* What personal data with a protected field of its own free text holds:
 * "an ID number", "a mobile number" or "a card number" found in a run of
 * digits (written whole, or in groups of three or four split by single
 * spaces or hyphens, as "139 1234 5678" or "6222-0202-0011-2234"), else
 * NULL. */
const char *person_data_in(const char *text);

/* An administrative division (area code of the first 6 ID digits). */
typedef struct {
    const char *code;       /* "110101" */
    const char *province;   /* "北京" */
    const char *city;       /* "东城" (district or city) */
} person_area;

int person_area_count(void);
const person_area *person_area_at(int i);

void person_gen_name(rng *r, int gender, char *out, size_t n);
/* ID for an area, birth date and gender (1 male, 2 female). */
void person_gen_id(rng *r, const person_area *a, int year, int month, int day,
                   int gender, char out[19]);
void person_gen_mobile(rng *r, char out[12]);
void person_gen_card(rng *r, char out[20]);              /* 62..., 16-19 digits */
void person_gen_employer(rng *r, const person_area *a, char *out, size_t n);

/* Full years of age on now_ms (unix ms), counted in China time (UTC+8). */
int person_age(int year, int month, int day, int64_t now_ms);

/* A whole customer aged `age` full years at time now_ms (unix ms): name,
 * gender, birth date, ID, mobile, card, province, city, employer. id = 0. */
void person_gen(rng *r, int age, int64_t now_ms, customer *out);

#endif
