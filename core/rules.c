/* Policy rules loader and checks (see rules.h). A rules file:
 *   {"version": "...", "rules": [
 *     {"code": "R_AGE_RANGE", "kind": "age_range", "action": "decline",
 *      "min": {"mall": 18, "cash": 22, "smb": 22}, "max": {...}}, ...]}
 * Kinds and their parameters are listed in `kinds` below. */
#include "core/rules.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/reasons.h"
#include "core/json_doc.h"
#include "core/util.h"

typedef enum {
    K_AGE_RANGE, K_ID_CHECK, K_BLACKLIST, K_RECENT_APPS, K_INCOME_MISSING,
    K_RECORDS, K_AMOUNT_RANGE, K_EXPENSE_RATIO, K__COUNT
} rule_kind;

/* what each kind reads from the file besides code/kind/action */
enum { P_NONE, P_PRODUCT_RANGE, P_MAX, P_ABOVE_FEN };

static const struct { const char *name; int params; } kinds[K__COUNT] = {
    [K_AGE_RANGE]      = { "age_range", P_PRODUCT_RANGE },      /* years */
    [K_ID_CHECK]       = { "id_check", P_NONE },
    [K_BLACKLIST]      = { "blacklist", P_NONE },
    [K_RECENT_APPS]    = { "recent_applications", P_MAX },      /* count */
    [K_INCOME_MISSING] = { "income_missing", P_ABOVE_FEN },
    [K_RECORDS]        = { "records", P_NONE },
    [K_AMOUNT_RANGE]   = { "amount_range", P_PRODUCT_RANGE },   /* fen */
    [K_EXPENSE_RATIO]  = { "expense_ratio", P_MAX },            /* Expenses / Income */
};

typedef struct {
    const char *code;          /* points into the reason table */
    rule_kind   kind;
    rule_action action;
    double      min[PROD__COUNT], max[PROD__COUNT];
    double      limit;
} rule;

struct rules {
    char  version[32];
    int   n;
    rule *r;
};

#define RULES_MAX 256

static int product_map(const cJSON *o, double *out)
{
    if (!cJSON_IsObject(o)) return -1;
    for (int p = 0; p < PROD__COUNT; p++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, product_kind_name((product_kind)p));
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) return -1;
        out[p] = v->valuedouble;
    }
    return 0;
}

static int load_rule(rule *ru, const cJSON *j, int i, const char *name, char *err, size_t n)
{
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(j, "code");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(j, "kind");
    const cJSON *act = cJSON_GetObjectItemCaseSensitive(j, "action");
    if (!cJSON_IsString(code) || strncmp(code->valuestring, "R_", 2) || !reason_text(code->valuestring))
        return json_doc_fail(err, n, name, "rule %d: code must be an R_ reason code of core/reasons.c", i + 1);
    int t, rn;
    const reason_info *tab = reason_table(&rn);
    for (t = 0; t < rn && strcmp(tab[t].code, code->valuestring); t++) {}
    ru->code = tab[t].code;
    int k;
    for (k = 0; k < K__COUNT && !(cJSON_IsString(kind) && !strcmp(kind->valuestring, kinds[k].name)); k++) {}
    if (k == K__COUNT) return json_doc_fail(err, n, name, "rule %d (%s): unknown kind", i + 1, ru->code);
    ru->kind = (rule_kind)k;
    if (cJSON_IsString(act) && !strcmp(act->valuestring, "decline")) ru->action = RULE_DECLINE;
    else if (cJSON_IsString(act) && !strcmp(act->valuestring, "refer")) ru->action = RULE_REFER;
    else return json_doc_fail(err, n, name, "rule %d (%s): action must be \"decline\" or \"refer\"", i + 1, ru->code);
    switch (kinds[k].params) {
    case P_PRODUCT_RANGE:
        if (product_map(cJSON_GetObjectItemCaseSensitive(j, "min"), ru->min) ||
            product_map(cJSON_GetObjectItemCaseSensitive(j, "max"), ru->max))
            return json_doc_fail(err, n, name, "rule %d (%s): min and max need a number for each product "
                        "(mall, cash, smb)", i + 1, ru->code);
        for (int p = 0; p < PROD__COUNT; p++)
            if (ru->min[p] > ru->max[p])
                return json_doc_fail(err, n, name, "rule %d (%s): min above max for %s", i + 1, ru->code,
                            product_kind_name((product_kind)p));
        break;
    case P_MAX:
    case P_ABOVE_FEN: {
        const char *key = kinds[k].params == P_MAX ? "max" : "above_fen";
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
        if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || !isfinite(v->valuedouble))
            return json_doc_fail(err, n, name, "rule %d (%s): %s must be a number >= 0", i + 1, ru->code, key);
        ru->limit = v->valuedouble;
        break;
    }
    default:
        break;
    }
    return 0;
}

static int load(void *ctx, const cJSON *root, const char *name, char *err, size_t n)
{
    rules *r = ctx;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) >= sizeof r->version)
        return json_doc_fail(err, n, name, "version must be a non-empty string of at most %zu bytes",
                    sizeof r->version - 1);
    yx_strlcpy(r->version, v->valuestring, sizeof r->version);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "rules");
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > RULES_MAX)
        return json_doc_fail(err, n, name, "rules must be an array of at most %d rules", RULES_MAX);
    r->n = cJSON_GetArraySize(arr);
    r->r = calloc((size_t)r->n + 1, sizeof *r->r);
    if (!r->r) return json_doc_fail(err, n, name, "out of memory");
    int i = 0;
    for (const cJSON *j = arr->child; j; j = j->next, i++)
        if (load_rule(&r->r[i], j, i, name, err, n)) return -1;
    return 0;
}

static void destroy(void *o) { rules_free(o); }

int rules_load_json(rules **out, const char *json, size_t len, const char *name,
                    char *err, size_t n)
{
    *out = json_doc_new(sizeof **out, destroy, json, len, name, 0, load, err, n);
    return *out ? 0 : -1;
}

int rules_load_file(rules **out, const char *path, char *err, size_t n)
{
    *out = json_doc_new(sizeof **out, destroy, NULL, 0, path, 4u << 20, load, err, n);
    return *out ? 0 : -1;
}

void rules_free(rules *r)
{
    if (!r) return;
    free(r->r);
    free(r);
}

const char *rules_version(const rules *r) { return r->version; }
int rules_count(const rules *r) { return r->n; }

static int hits(const rule *ru, const decide_input *in)
{
    const double *f = in->feat.v;
    int p = (unsigned)in->product < PROD__COUNT ? (int)in->product : 0;
    switch (ru->kind) {
    case K_AGE_RANGE:      return in->age < ru->min[p] || in->age > ru->max[p];
    case K_ID_CHECK:       return !in->id_valid;
    case K_BLACKLIST:      return in->blacklist_hit != 0;
    case K_RECENT_APPS:    return in->recent_apps > ru->limit;
    case K_INCOME_MISSING: return isnan(f[F_INCOME]) && (double)in->amount_fen > ru->limit;
    case K_RECORDS:        return f[F_RECORDS] == 1;   /* level "yes" */
    case K_AMOUNT_RANGE:
        return (double)in->amount_fen < ru->min[p] || (double)in->amount_fen > ru->max[p];
    case K_EXPENSE_RATIO:
        return f[F_INCOME] > 0 && f[F_EXPENSES] / f[F_INCOME] > ru->limit;
    default:
        return 0;
    }
}

int rules_eval(const rules *r, const decide_input *in, rule_hit *out, int max)
{
    int nh = 0;
    for (int i = 0; i < r->n; i++) {
        if (!hits(&r->r[i], in)) continue;
        if (nh < max) {
            out[nh].code = r->r[i].code;
            out[nh].action = r->r[i].action;
        }
        nh++;
    }
    return nh;
}
