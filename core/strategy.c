/* Strategy loader and validator (see strategy.h). The shipped strategy is
 * assets/strategies/default.json; its layout:
 *   version, models {scorecard, gbdt, gbdt_pd_cuts[4]}, rules, cross[5],
 *   channels {api|semi_api|h5|own: {admit, income_multiple, apr_bp (each an
 *   object keyed A..E and R), caps_fen {mall, cash, smb}, terms [...]}},
 *   completeness {basic .. bureau}, income_unit_fen, no_income_base_fen,
 *   limit_round_fen, auto_approve_ceiling_fen. */
#include "core/strategy.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_doc.h"
#include "core/util.h"

static const char grade_chars[RG__COUNT] = { 'A', 'B', 'C', 'D', 'E', 'R' };

int strategy_grade_index(char g)
{
    for (int i = 0; i < RG__COUNT; i++)
        if (grade_chars[i] == g) return i;
    return -1;
}

char strategy_grade_char(int rg)
{
    return rg >= 0 && rg < RG__COUNT ? grade_chars[rg] : '?';
}

int strategy_gbdt_grade(const strategy *s, double pd)
{
    for (int g = 0; g < 4; g++)
        if (pd < s->gbdt_pd_cuts[g]) return g + 1;
    return 5;
}

static const cJSON *get(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* A number within [lo, hi]; integral when whole is set. */
static int number(const cJSON *v, double lo, double hi, int whole, double *out)
{
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi)) return -1;
    if (whole && v->valuedouble != floor(v->valuedouble)) return -1;
    *out = v->valuedouble;
    return 0;
}

static int money(const cJSON *o, const char *key, int64_t *out)
{
    double d;
    if (number(get(o, key), 1, 1e13, 1, &d)) return -1;
    *out = (int64_t)d;
    return 0;
}

static int string_field(const cJSON *o, const char *key, char *dst, size_t cap)
{
    const cJSON *v = get(o, key);
    if (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) >= cap) return -1;
    yx_strlcpy(dst, v->valuestring, cap);
    return 0;
}

static int load_channel(strategy_channel *c, const cJSON *cj, const char *ch, const char *name,
                        char *err, size_t n)
{
    if (!cJSON_IsObject(cj)) return json_doc_fail(err, n, name, "channels.%s missing", ch);
    const cJSON *admit = get(cj, "admit"), *mult = get(cj, "income_multiple"), *apr = get(cj, "apr_bp");
    for (int g = 0; g < RG__COUNT; g++) {
        char key[2] = { grade_chars[g], 0 };
        const cJSON *a = get(admit, key);
        double d;
        if (!cJSON_IsString(a) || outcome_parse(a->valuestring, &c->admit[g]))
            return json_doc_fail(err, n, name, "channels.%s.admit.%s must be approve, refer or decline", ch, key);
        if (number(get(mult, key), 0, 100, 0, &c->income_multiple[g]))
            return json_doc_fail(err, n, name, "channels.%s.income_multiple.%s must be a number from 0 to 100", ch, key);
        /* 36% a year is the legal ceiling of consumer-credit pricing */
        if (number(get(apr, key), 0, 3600, 1, &d))
            return json_doc_fail(err, n, name, "channels.%s.apr_bp.%s must be whole basis points from 0 to 3600", ch, key);
        c->apr_bp[g] = (int)d;
    }
    for (int p = 0; p < PROD__COUNT; p++)
        if (money(get(cj, "caps_fen"), product_kind_name((product_kind)p), &c->cap_fen[p]))
            return json_doc_fail(err, n, name, "channels.%s.caps_fen.%s must be a positive whole number of fen",
                        ch, product_kind_name((product_kind)p));
    const cJSON *terms = get(cj, "terms");
    int nt = cJSON_IsArray(terms) ? cJSON_GetArraySize(terms) : 0;
    if (nt < 1 || nt > STRATEGY_MAX_TERMS)
        return json_doc_fail(err, n, name, "channels.%s.terms must list 1 to %d terms", ch, STRATEGY_MAX_TERMS);
    c->nterms = 0;
    for (const cJSON *t = terms->child; t; t = t->next) {
        double d;
        if (number(t, 1, 360, 1, &d))
            return json_doc_fail(err, n, name, "channels.%s.terms: a term is a whole number of months from 1 to 360", ch);
        c->terms[c->nterms++] = (int)d;
    }
    return 0;
}

static int load(void *ctx, const cJSON *root, const char *name, char *err, size_t n)
{
    strategy *s = ctx;
    if (!cJSON_IsObject(root)) return json_doc_fail(err, n, name, "not a JSON object");
    if (string_field(root, "version", s->version, sizeof s->version))
        return json_doc_fail(err, n, name, "version must be a non-empty string of at most %zu bytes",
                    sizeof s->version - 1);
    const cJSON *models = get(root, "models");
    if (string_field(models, "scorecard", s->scorecard_file, sizeof s->scorecard_file))
        return json_doc_fail(err, n, name, "models.scorecard must name the scorecard file");
    if (string_field(models, "gbdt", s->gbdt_file, sizeof s->gbdt_file))
        return json_doc_fail(err, n, name, "models.gbdt must name the XGBoost JSON model file");
    if (string_field(root, "rules", s->rules_file, sizeof s->rules_file))
        return json_doc_fail(err, n, name, "rules must name the policy rules file");
    const cJSON *cuts = get(models, "gbdt_pd_cuts");
    if (!cJSON_IsArray(cuts) || cJSON_GetArraySize(cuts) != 4)
        return json_doc_fail(err, n, name, "models.gbdt_pd_cuts must be 4 ascending probabilities");
    int i = 0;
    for (const cJSON *c = cuts->child; c; c = c->next, i++)
        if (number(c, 0, 1, 0, &s->gbdt_pd_cuts[i]) || (i > 0 && !(s->gbdt_pd_cuts[i] > s->gbdt_pd_cuts[i - 1])))
            return json_doc_fail(err, n, name, "models.gbdt_pd_cuts must be 4 ascending probabilities");

    const cJSON *cross = get(root, "cross");
    if (!cJSON_IsArray(cross) || cJSON_GetArraySize(cross) != 5)
        return json_doc_fail(err, n, name, "cross must be 5 rows (scorecard grades 1-5) of 5 risk grades");
    i = 0;
    for (const cJSON *row = cross->child; row; row = row->next, i++) {
        if (!cJSON_IsString(row) || strlen(row->valuestring) != 5)
            return json_doc_fail(err, n, name, "cross row %d must be a string of 5 risk grades", i + 1);
        for (int j = 0; j < 5; j++) {
            if (strategy_grade_index(row->valuestring[j]) < 0)
                return json_doc_fail(err, n, name, "cross row %d column %d: '%c' is not a risk grade (A-E or R)",
                            i + 1, j + 1, row->valuestring[j]);
            s->cross[i][j] = row->valuestring[j];
        }
    }
    const cJSON *chans = get(root, "channels");
    for (int c = 0; c < CH__COUNT; c++) {
        const char *cname = channel_kind_name((channel_kind)c);
        if (load_channel(&s->channel[c], get(chans, cname), cname, name, err, n)) return -1;
    }
    const cJSON *cpl = get(root, "completeness");
    for (int c = 0; c < CPL__COUNT; c++) {
        const char *cn = completeness_name((completeness_level)c);
        if (number(get(cpl, cn), 0, 1, 0, &s->completeness[c]) || !(s->completeness[c] > 0))
            return json_doc_fail(err, n, name, "completeness.%s must be a factor in (0, 1]", cn);
        if (c > 0 && s->completeness[c] < s->completeness[c - 1])
            return json_doc_fail(err, n, name, "completeness.%s is below the level before it: "
                        "the limit must grow with the data supplied", cn);
    }
    static const struct { const char *key; size_t off; } amounts[] = {
        { "income_unit_fen", offsetof(strategy, income_unit_fen) },
        { "no_income_base_fen", offsetof(strategy, no_income_base_fen) },
        { "limit_round_fen", offsetof(strategy, limit_round_fen) },
        { "auto_approve_ceiling_fen", offsetof(strategy, auto_ceiling_fen) },
    };
    for (size_t k = 0; k < sizeof amounts / sizeof amounts[0]; k++)
        if (money(root, amounts[k].key, (int64_t *)(void *)((char *)s + amounts[k].off)))
            return json_doc_fail(err, n, name, "%s must be a positive whole number of fen", amounts[k].key);
    return 0;
}

/* Loading fills a copy, so bad input changes nothing. */
static int finish(strategy *out, const strategy *s, int rc)
{
    if (!rc) *out = *s;
    return rc;
}

int strategy_load_json(strategy *out, const char *json, size_t len, const char *name,
                       char *err, size_t n)
{
    strategy s;
    memset(&s, 0, sizeof s);
    return finish(out, &s, json_doc_load(json, len, name, load, &s, err, n));
}

int strategy_load_file(strategy *out, const char *path, char *err, size_t n)
{
    strategy s;
    memset(&s, 0, sizeof s);
    return finish(out, &s, json_doc_load_file(path, 4u << 20, load, &s, err, n));
}
