/* Loading whole JSON documents (see json_doc.h). */
#include "core/json_doc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* The document, or NULL with *bad set to where parsing stopped. */
static cJSON *parse_at(const char *s, size_t n, const char **bad)
{
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(s, n, &end, 0);
    if (!j) {
        *bad = end && end >= s && end <= s + n ? end : s;
        return NULL;
    }
    for (const char *p = end; p && p < s + n; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') continue;
        if (*p == '\0' && p == s + n - 1) break;   /* a counted terminator */
        cJSON_Delete(j);
        *bad = p;
        return NULL;
    }
    return j;
}

cJSON *json_doc_parse(const char *s, size_t n)
{
    const char *bad;
    return parse_at(s, n, &bad);
}

int json_text_ok(const char *s, size_t n)
{
    int in_str = 0;
    if (!yx_utf8_valid(s, n) || memchr(s, '\0', n)) return 0;
    /* outside strings JSON has no backslash; inside, each escape is read
     * whole so an escaped backslash before "u0000" is not taken for one */
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') in_str = !in_str;
        else if (in_str && s[i] == '\\' && i + 1 < n) {
            if (s[i + 1] == 'u' && i + 5 < n && !memcmp(s + i + 2, "0000", 4)) return 0;
            i++;
        }
    }
    return 1;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A name twice among the members of one object: pairwise for a few (the
 * objects requests have), sorted for many, so a 1 MiB body of a hundred
 * thousand members costs milliseconds, not the seconds of n^2 compares. */
static const char *object_duplicate(const cJSON *o)
{
    const char **names, *dup = NULL;
    size_t n = 0, i = 0;
    for (const cJSON *it = o->child; it; it = it->next) n++;
    if (n <= 32) {
        for (const cJSON *it = o->child; it; it = it->next)
            for (const cJSON *prev = o->child; prev != it; prev = prev->next)
                if (prev->string && it->string && !strcmp(prev->string, it->string)) return it->string;
        return NULL;
    }
    if (!(names = malloc(n * sizeof *names))) return "";   /* refused: cannot tell */
    for (const cJSON *it = o->child; it; it = it->next) names[i++] = it->string ? it->string : "";
    qsort(names, n, sizeof *names, cmp_names);
    for (i = 1; i < n && !dup; i++)
        if (!strcmp(names[i - 1], names[i])) dup = names[i];
    free(names);
    return dup;
}

const char *json_duplicate_key(const cJSON *j)
{
    const char *dup;
    if (!j) return NULL;
    if (cJSON_IsObject(j) && (dup = object_duplicate(j)) != NULL) return dup;
    for (const cJSON *it = j->child; it; it = it->next)
        if ((cJSON_IsObject(it) || cJSON_IsArray(it)) && (dup = json_duplicate_key(it)) != NULL) return dup;
    return NULL;
}

cJSON *json_body_object(const char *body, size_t len, const char **code, const char **message)
{
    cJSON *j;
    if (!body || !len) {
        *code = "bad_request";
        *message = "a JSON object body is required";
        return NULL;
    }
    if (!json_text_ok(body, len)) {
        *code = "bad_request";
        *message = "the body is not valid UTF-8 text without NUL (\\u0000)";
        return NULL;
    }
    /* the whole body: not a first value with anything after it */
    j = json_doc_parse(body, len);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        *code = "malformed_json";
        *message = "the body is not a JSON object";
        return NULL;
    }
    if (json_duplicate_key(j)) {
        cJSON_Delete(j);
        *code = "malformed_json";
        *message = "the body names a member twice in one object";
        return NULL;
    }
    return j;
}

int json_doc_fail(char *err, size_t n, const char *name, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(err, n, "%s: %s", name, msg);
    return -1;
}

int json_doc_load(const char *json, size_t len, const char *name, json_doc_fn fn, void *ctx,
                  char *err, size_t n)
{
    const char *bad = json;
    cJSON *root = parse_at(json, len, &bad);
    if (!root) {
        /* where: line and column (in bytes), both from 1 */
        int line = 1;
        const char *bol = json;
        for (const char *p = json; p < bad; p++)
            if (*p == '\n') { line++; bol = p + 1; }
        return json_doc_fail(err, n, name, "not valid JSON at line %d, column %d", line,
                             (int)(bad - bol) + 1);
    }
    int rc = fn(ctx, root, name, err, n);
    cJSON_Delete(root);
    return rc;
}

int json_doc_load_file(const char *path, size_t max, json_doc_fn fn, void *ctx, char *err, size_t n)
{
    size_t len;
    char *buf = yx_read_file(path, &len, max);
    if (!buf) return json_doc_fail(err, n, path, "cannot read: %s", strerror(errno));
    int rc = json_doc_load(buf, len, path, fn, ctx, err, n);
    free(buf);
    return rc;
}

void *json_doc_new(size_t size, void (*destroy)(void *), const char *json, size_t len,
                   const char *name, size_t max, json_doc_fn fn, char *err, size_t n)
{
    void *o = calloc(1, size);
    if (!o) {
        json_doc_fail(err, n, name, "out of memory");
        return NULL;
    }
    int rc = json ? json_doc_load(json, len, name, fn, o, err, n)
                  : json_doc_load_file(name, max, fn, o, err, n);
    if (rc) {
        destroy(o);
        return NULL;
    }
    return o;
}

cJSON *json_add_int(cJSON *o, const char *name, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    return cJSON_AddRawToObject(o, name, buf);
}
