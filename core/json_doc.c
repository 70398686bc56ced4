/* Loading whole JSON documents (see json_doc.h). */
#include "core/json_doc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

cJSON *json_doc_parse(const char *s, size_t n)
{
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(s, n, &end, 0);
    if (!j) return NULL;
    for (const char *p = end; p && p < s + n; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') continue;
        if (*p == '\0' && p == s + n - 1) break;   /* a counted terminator */
        cJSON_Delete(j);
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
    cJSON *root = json_doc_parse(json, len);
    if (!root) return json_doc_fail(err, n, name, "not valid JSON");
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
