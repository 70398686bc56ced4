/* Parsing a whole JSON document: cJSON_ParseWithLength stops after the
 * first value and ignores whatever follows ("{}garbage" parses), which is
 * wrong for files we load. */
#ifndef YX_JSON_DOC_H
#define YX_JSON_DOC_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The document in s[0..n) (need not be NUL-terminated), or NULL when it is
 * not exactly one JSON value with only whitespace around it. The caller
 * frees it with cJSON_Delete. */
cJSON *json_doc_parse(const char *s, size_t n);

#endif
