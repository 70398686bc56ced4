/* The decision engine's text: the trace's JSON writer and the decision
 * input as JSON (stored with each decision so it can be replayed). */
#include "core/decide_int.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/decide.h"
#include "core/json_doc.h"

/* ---- writer ---- */

void jw_reserve_slow(jw *w, size_t more)
{
    if (yx_buf_reserve(&w->b, more)) w->oom = 1;
}


void jw_str(jw *w, const char *s)
{
    size_t n = strlen(s);
    jw_reserve(w, 6 * n + 2);
    if (w->oom) return;
    char *o = w->b.p + w->b.len;
    *o++ = '"';
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') { *o++ = '\\'; *o++ = (char)*c; }
        else if (*c < 0x20) o += sprintf(o, "\\u%04x", *c);
        else *o++ = (char)*c;
    }
    *o++ = '"';
    *o = '\0';
    w->b.len = (size_t)(o - w->b.p);
}


static char *utoa_rev(char *end, uint64_t v)
{
    do { *--end = (char)('0' + v % 10); v /= 10; } while (v);
    return end;
}

void jw_int(jw *w, int64_t v)
{
    char buf[24], *end = buf + sizeof buf;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char *s = utoa_rev(end, u);
    if (v < 0) *--s = '-';
    jw_raw(w, s, (size_t)(end - s));
}

void jw_fixed(jw *w, double v, int decimals)
{
    static const double pow10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };
    if (decimals < 0) decimals = 0;
    if (decimals > 9) decimals = 9;
    if (!(fabs(v) <= 9e9)) { JW_LIT(w, "null"); return; }
    double scaled = round(fabs(v) * pow10[decimals]);
    uint64_t u = (uint64_t)scaled, p = (uint64_t)pow10[decimals];
    char buf[48], *end = buf + sizeof buf, *s = end;
    if (decimals) {
        uint64_t frac = u % p;
        for (int i = 0; i < decimals; i++) { *--s = (char)('0' + frac % 10); frac /= 10; }
        *--s = '.';
    }
    s = utoa_rev(s, u / p);
    if (v < 0 && u) *--s = '-';
    jw_raw(w, s, (size_t)(end - s));
}

void jw_num(jw *w, double v)
{
    if (isnan(v)) JW_LIT(w, "null");
    else if (v == floor(v) && fabs(v) < 9e15) jw_int(w, (int64_t)v);
    else jw_fixed(w, v, 6);
}

/* ---- input as JSON ---- */

char *decide_input_to_json(const decide_input *in)
{
    cJSON *o = cJSON_CreateObject(), *f = cJSON_CreateObject();
    if (!o || !f) { cJSON_Delete(o); cJSON_Delete(f); return NULL; }
    cJSON_AddStringToObject(o, "channel", channel_kind_name(in->channel));
    cJSON_AddStringToObject(o, "product", product_kind_name(in->product));
    json_add_int(o, "amount_fen", in->amount_fen);
    json_add_int(o, "term_months", in->term_months);
    cJSON_AddStringToObject(o, "completeness", completeness_name(in->completeness));
    json_add_int(o, "age", in->age);
    cJSON_AddBoolToObject(o, "id_valid", in->id_valid != 0);
    cJSON_AddBoolToObject(o, "blacklist_hit", in->blacklist_hit != 0);
    json_add_int(o, "recent_apps", in->recent_apps);
    for (int i = 0; i < F__COUNT; i++) {
        double v = in->feat.v[i];
        int nl;
        const char *const *lv = feature_levels((feature_id)i, &nl);
        if (isnan(v)) cJSON_AddNullToObject(f, feature_name((feature_id)i));
        else if (lv && v >= 0 && v < nl && v == floor(v))
            cJSON_AddStringToObject(f, feature_name((feature_id)i), lv[(int)v]);
        else if (v == floor(v) && fabs(v) < JSON_INT_EXACT_MAX)
            json_add_int(f, feature_name((feature_id)i), (int64_t)v);   /* most are whole: exact, and fast */
        else {
            /* %.17g reads back to the same double; cJSON's own printing
             * does too, but say so explicitly with a raw number */
            char num[32];
            snprintf(num, sizeof num, "%.17g", v);
            cJSON_AddRawToObject(f, feature_name((feature_id)i), num);
        }
    }
    cJSON_AddItemToObject(o, "features", f);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static int int_field(const cJSON *o, const char *key, double lo, double hi, int required,
                     double dflt, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v) {
        *out = dflt;
        return required ? -1 : 0;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        v->valuedouble < lo || v->valuedouble > hi)
        return -1;
    *out = v->valuedouble;
    return 0;
}

static int bool_field(const cJSON *o, const char *key, int dflt, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v) { *out = dflt; return 0; }
    if (!cJSON_IsBool(v)) return -1;
    *out = cJSON_IsTrue(v);
    return 0;
}

static int parse_features(const cJSON *f, features *out, char *err, size_t n)
{
    for (int i = 0; i < F__COUNT; i++) out->v[i] = NAN;
    if (!cJSON_IsObject(f)) { snprintf(err, n, "features must be an object"); return -1; }
    for (const cJSON *e = f->child; e; e = e->next) {
        feature_id id;
        if (feature_parse(e->string, &id)) {
            snprintf(err, n, "features.%.40s: unknown feature", e->string);
            return -1;
        }
        int nl;
        const char *const *lv = feature_levels(id, &nl);
        if (cJSON_IsNull(e)) continue;
        if (lv && cJSON_IsString(e)) {
            int code = feature_level_code(id, e->valuestring);
            if (code < 0) {
                snprintf(err, n, "features.%s: unknown level \"%.40s\"", e->string, e->valuestring);
                return -1;
            }
            out->v[id] = code;
        } else if (cJSON_IsNumber(e) && isfinite(e->valuedouble) &&
                   (!lv || (e->valuedouble >= 0 && e->valuedouble < nl &&
                            e->valuedouble == floor(e->valuedouble)))) {
            out->v[id] = e->valuedouble;
        } else {
            snprintf(err, n, "features.%s: expected %s or null", e->string,
                     lv ? "a level name" : "a finite number");
            return -1;
        }
    }
    return 0;
}

int decide_input_from_json(const char *json, decide_input *out, char *err, size_t n)
{
    cJSON *o = json_doc_parse(json, strlen(json));
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        snprintf(err, n, "not a JSON object");
        return -1;
    }
    decide_input in;
    memset(&in, 0, sizeof in);
    const char *bad = NULL;
    double d = 0;
    const cJSON *v;
    v = cJSON_GetObjectItemCaseSensitive(o, "channel");
    if (!cJSON_IsString(v) || channel_kind_parse(v->valuestring, &in.channel)) bad = "channel (api, semi_api, h5 or own)";
    v = cJSON_GetObjectItemCaseSensitive(o, "product");
    if (!bad && (!cJSON_IsString(v) || product_kind_parse(v->valuestring, &in.product))) bad = "product (mall, cash or smb)";
    if (!bad && int_field(o, "amount_fen", 0, 1e13, 1, 0, &d)) bad = "amount_fen (whole fen)";
    in.amount_fen = (int64_t)d;
    if (!bad && int_field(o, "term_months", 1, 360, 1, 0, &d)) bad = "term_months (1-360)";
    in.term_months = (int)d;
    v = cJSON_GetObjectItemCaseSensitive(o, "completeness");
    if (!bad && v && (!cJSON_IsString(v) || completeness_parse(v->valuestring, &in.completeness)))
        bad = "completeness (basic, bank_card, income, social or bureau)";
    if (!bad && int_field(o, "recent_apps", 0, 1e6, 0, 0, &d)) bad = "recent_apps (a count)";
    in.recent_apps = (int)d;
    if (!bad && bool_field(o, "id_valid", 1, &in.id_valid)) bad = "id_valid (true or false)";
    if (!bad && bool_field(o, "blacklist_hit", 0, &in.blacklist_hit)) bad = "blacklist_hit (true or false)";
    if (bad) {
        snprintf(err, n, "%s missing or invalid", bad);
        cJSON_Delete(o);
        return -1;
    }
    if (parse_features(cJSON_GetObjectItemCaseSensitive(o, "features"), &in.feat, err, n)) {
        cJSON_Delete(o);
        return -1;
    }
    /* the age from the ID number; the Age feature when not given */
    double age_dflt = isnan(in.feat.v[F_AGE]) ? -1 : in.feat.v[F_AGE];
    if (int_field(o, "age", 0, 150, 0, age_dflt, &d) || !(d >= 0 && d <= 150)) {
        snprintf(err, n, "age (years, 0-150) missing or invalid");
        cJSON_Delete(o);
        return -1;
    }
    in.age = (int)d;
    cJSON_Delete(o);
    *out = in;
    return 0;
}
