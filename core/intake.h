/* Decoding and validating an application submitted by a channel (the body
 * of POST /v1/intake/applications). Everything from outside is checked
 * here, field by field: JSON types, integer ranges, string lengths, UTF-8,
 * the ID number's GB 11643 check character and birth date, the mobile
 * number, the bank card's Luhn digit, known enum names and feature levels;
 * free-text fields are scanned and refused when they hold an ID, mobile
 * or card number.
 * The first problem is reported with the field's name; nothing is partly
 * accepted.
 *
 * Body:
 *   { "applicant": { "name", "id_number", "mobile", "bank_card"?, "province"?,
 *                    "city"?, "employer"? },
 *     "product": "mall|cash|smb", "product_item"?, "scene"?, "partner"?,
 *     "amount_fen": 1..100000000, "term_months": 1..60,
 *     "completeness": "basic|bank_card|income|social|bureau",
 *     "features": { "Seniority": 3, "Home": "rent", ... }   (absent/null = missing) } */
#ifndef YX_INTAKE_H
#define YX_INTAKE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/domain.h"

#define INTAKE_AMOUNT_MAX_FEN 100000000LL    /* 1,000,000 yuan */
#define INTAKE_TERM_MAX 60

typedef struct intake_req {
    application app;      /* channel and ids left for the caller */
    customer    cust;
    int         age;      /* full years, from the ID number's birth date */
} intake_req;

/* Validates a request body already taken by json_body_object (core/json_doc:
 * one JSON object of text without NUL, each member named once). now_ms
 * fixes "today" for the age. 0 ok; -1 with the offending field in field
 * (e.g. "applicant.id_number") and a reason in err. */
int intake_decode(const cJSON *body, int64_t now_ms, intake_req *out,
                  char *field, size_t fieldlen, char *err, size_t errlen);

/* The same from len bytes of JSON; a body json_body_object refuses is
 * field "body" with its message. */
int intake_parse(const char *json, size_t len, int64_t now_ms, intake_req *out,
                 char *field, size_t fieldlen, char *err, size_t errlen);

#endif
