/* Loading JSON documents (models, rules, strategies): the whole text must be
 * one JSON value (cJSON_ParseWithLength alone stops after the first value
 * and ignores what follows), and every problem is reported as one line
 * "NAME: what is wrong", NAME being the file. */
#ifndef YX_JSON_DOC_H
#define YX_JSON_DOC_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* The document in s[0..n) (need not be NUL-terminated), or NULL when it is
 * not exactly one JSON value with only whitespace around it. The caller
 * frees it with cJSON_Delete. */
cJSON *json_doc_parse(const char *s, size_t n);

/* 1 when s[0..n) is UTF-8 text with no NUL in it, neither a byte nor a
 * string's \u0000 escape (which cJSON decodes into a NUL that ends the C
 * string early, hiding what follows from every length and text check). */
int json_text_ok(const char *s, size_t n);

/* The first member name that appears twice in one object anywhere in j,
 * or NULL. cJSON keeps both and every lookup finds the first, where
 * another reader (a proxy, a validator) may take the last: the same
 * body would mean two things, so request bodies refuse it. */
const char *json_duplicate_key(const cJSON *j);

/* A request body, which must be exactly one JSON object of text
 * json_text_ok takes, without a duplicate member name: the object (the caller frees it), or NULL with *code
 * ("bad_request" or "malformed_json") and *message set to what is wrong. */
cJSON *json_body_object(const char *body, size_t len, const char **code, const char **message);

/* Reads a parsed document into ctx; 0 ok, -1 with the message in err. */
typedef int (*json_doc_fn)(void *ctx, const cJSON *root, const char *name, char *err, size_t n);

/* Parses json[0..len) and hands it to fn. -1 with "NAME: not valid JSON at
 * line L, column C" or fn's message. */
int json_doc_load(const char *json, size_t len, const char *name, json_doc_fn fn, void *ctx,
                  char *err, size_t n);
/* The same for the file at path, of at most max bytes. */
int json_doc_load_file(const char *path, size_t max, json_doc_fn fn, void *ctx, char *err, size_t n);

/* A new object of `size` zeroed bytes filled by fn from json[0..len)
 * (named name), or when json is NULL from the file at name (at most max
 * bytes). NULL with the message in err when it cannot be loaded; the
 * half-filled object is then released with destroy. The caller owns the
 * object. */
void *json_doc_new(size_t size, void (*destroy)(void *), const char *json, size_t len,
                   const char *name, size_t max, json_doc_fn fn, char *err, size_t n);

/* Largest integer a JSON number (an IEEE double) holds exactly: 2^53. */
#define JSON_INT_EXACT_MAX 9007199254740992.0

/* Adds name: v to object o as raw decimal text; the item, or NULL. cJSON
 * (1.7.15) prints every number through printf's %g followed by a scanf
 * check, a few microseconds each on every request, and rounds past 15
 * digits. */
cJSON *json_add_int(cJSON *o, const char *name, int64_t v);

/* Writes "NAME: message" into err; returns -1. */
int json_doc_fail(char *err, size_t n, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
