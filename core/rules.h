/* Policy rules: hard declines and refers checked before any model, as data
 * (JSON files in assets/rules). Each rule has a reason code from core/reasons.h,
 * an action, a kind (the check it makes, implemented in rules.c) and the
 * kind's parameters. */
#ifndef YX_RULES_H
#define YX_RULES_H

#include <stddef.h>

#include "core/decide.h"

typedef enum { RULE_DECLINE, RULE_REFER } rule_action;

typedef struct {
    const char *code;      /* owned by the rules (the reason table's string) */
    rule_action action;
} rule_hit;

typedef struct rules rules;

int  rules_load_file(rules **out, const char *path, char *err, size_t n);
int  rules_load_json(rules **out, const char *json, size_t len, const char *name,
                     char *err, size_t n);
void rules_free(rules *r);
const char *rules_version(const rules *r);
int  rules_count(const rules *r);

/* Writes up to max hits in file order; returns how many rules hit. */
int  rules_eval(const rules *r, const decide_input *in, rule_hit *hits, int max);

#endif
