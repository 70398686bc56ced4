/* Whole-document JSON parsing (see json_doc.h). */
#include "core/json_doc.h"

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
