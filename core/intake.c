/* Decoding and validation of intake requests; see intake.h. */
#include "core/intake.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/json_doc.h"
#include "core/person.h"
#include "core/util.h"

typedef struct {
    char *field, *err;
    size_t fieldlen, errlen;
} problem;

static int bad(problem *p, const char *field, const char *fmt, const char *arg)
{
    yx_strlcpy(p->field, field, p->fieldlen);
    snprintf(p->err, p->errlen, fmt, arg ? arg : "");
    return -1;
}

/* A string field: required or optional (then "" when absent), valid UTF-8,
 * 1..max bytes, no control characters. */
static int get_str(problem *p, const cJSON *obj, const char *name, const char *path,
                   int required, char *out, size_t max)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, name);
    size_t n;
    out[0] = '\0';
    if (!f || cJSON_IsNull(f)) return required ? bad(p, path, "is required%s", NULL) : 0;
    if (!cJSON_IsString(f)) return bad(p, path, "must be a string%s", NULL);
    n = strlen(f->valuestring);
    if (n == 0 || n >= max) {
        char lim[32];
        snprintf(lim, sizeof lim, "%zu", max - 1);
        return bad(p, path, "must be 1 to %s bytes", lim);
    }
    if (!yx_utf8_valid(f->valuestring, n)) return bad(p, path, "must be valid UTF-8%s", NULL);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)f->valuestring[i] < 0x20 || f->valuestring[i] == 0x7f)
            return bad(p, path, "must not hold control characters%s", NULL);
    memcpy(out, f->valuestring, n + 1);
    return 0;
}

static int get_int(problem *p, const cJSON *obj, const char *name, int64_t min, int64_t max, int64_t *out)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, name);
    char range[64];
    double d;
    snprintf(range, sizeof range, "%lld to %lld", (long long)min, (long long)max);
    if (!cJSON_IsNumber(f)) return bad(p, name, "must be an integer from %s", range);
    d = f->valuedouble;
    if (!isfinite(d) || d < (double)min || d > (double)max || d != floor(d))
        return bad(p, name, "must be an integer from %s", range);
    *out = (int64_t)d;
    return 0;
}

/* Every member of obj is one of the NULL-terminated names: a field sent
 * under a misspelt name ("employeer") is refused, not silently dropped. */
static int known_members(problem *p, const cJSON *obj, const char *prefix, const char *const *names)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj) {
        int ok = 0;
        char path[80];
        for (int i = 0; names[i] && !ok; i++) ok = it->string && !strcmp(it->string, names[i]);
        if (ok) continue;
        snprintf(path, sizeof path, "%s%.40s", prefix, it->string && *it->string ? it->string : "(no name)");
        return bad(p, path, "is not a field of an application%s", NULL);
    }
    return 0;
}

static int get_enum(problem *p, const cJSON *obj, const char *name, int (*parse)(const char *, int *),
                    int *out, const char *choices)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsString(f) || parse(f->valuestring, out)) return bad(p, name, "must be one of: %s", choices);
    return 0;
}

/* Adapters from the typed parse functions of core/domain.h. */
static int parse_product(const char *s, int *v) { product_kind k; int r = product_kind_parse(s, &k); *v = (int)k; return r; }
static int parse_cpl(const char *s, int *v) { completeness_level c; int r = completeness_parse(s, &c); *v = (int)c; return r; }

static int digits(const char *s)
{
    for (; *s; s++) if (*s < '0' || *s > '9') return 0;
    return 1;
}

static int free_text_clean(problem *p, const char *path, const char *text)
{
    const char *what = person_data_in(text);
    return what ? bad(p, path, "holds %s; send personal data only in its own field", what) : 0;
}

static int applicant(problem *p, const cJSON *a, int64_t now_ms, intake_req *out)
{
    customer *c = &out->cust;
    static const char *const names[] = { "name", "id_number", "mobile", "bank_card", "province", "city",
                                         "employer", NULL };
    if (!cJSON_IsObject(a)) return bad(p, "applicant", "must be an object%s", NULL);
    if (known_members(p, a, "applicant.", names)) return -1;
    if (get_str(p, a, "name", "applicant.name", 1, c->name, sizeof c->name) ||
        get_str(p, a, "id_number", "applicant.id_number", 1, c->id_number, sizeof c->id_number) ||
        get_str(p, a, "mobile", "applicant.mobile", 1, c->mobile, sizeof c->mobile) ||
        get_str(p, a, "bank_card", "applicant.bank_card", 0, c->bank_card, sizeof c->bank_card) ||
        get_str(p, a, "province", "applicant.province", 0, c->province, sizeof c->province) ||
        get_str(p, a, "city", "applicant.city", 0, c->city, sizeof c->city) ||
        get_str(p, a, "employer", "applicant.employer", 0, c->employer, sizeof c->employer))
        return -1;
    if (!person_id_valid(c->id_number) ||
        person_id_birth(c->id_number, &c->birth_year, &c->birth_month, &c->birth_day, &c->gender))
        return bad(p, "applicant.id_number", "is not a valid 18-character resident ID number "
                   "(check character or birth date wrong)%s", NULL);
    out->age = person_age(c->birth_year, c->birth_month, c->birth_day, now_ms);
    if (out->age < 18 || out->age > 100)
        return bad(p, "applicant.id_number", "gives an age outside 18 to 100%s", NULL);
    if (!person_mobile_valid(c->mobile))
        return bad(p, "applicant.mobile", "is not an 11-digit mainland mobile number%s", NULL);
    if (c->bank_card[0] && (!digits(c->bank_card) || strlen(c->bank_card) < 16 || !person_luhn_valid(c->bank_card)))
        return bad(p, "applicant.bank_card", "is not a 16 to 19 digit card number with a valid check digit%s", NULL);
    if (free_text_clean(p, "applicant.employer", c->employer) || free_text_clean(p, "applicant.name", c->name) ||
        free_text_clean(p, "applicant.city", c->city) || free_text_clean(p, "applicant.province", c->province))
        return -1;
    return 0;
}

static int feature_values(problem *p, const cJSON *f, features *out)
{
    const cJSON *it;
    char path[48];
    for (int i = 0; i < F__COUNT; i++) out->v[i] = NAN;
    if (!f || cJSON_IsNull(f)) return 0;
    if (!cJSON_IsObject(f)) return bad(p, "features", "must be an object%s", NULL);
    cJSON_ArrayForEach(it, f) {
        feature_id id;
        snprintf(path, sizeof path, "features.%.30s", it->string ? it->string : "");
        if (!it->string || feature_parse(it->string, &id)) return bad(p, path, "is not a known feature%s", NULL);
        if (cJSON_IsNull(it)) continue;
        if (feature_is_categorical(id)) {
            int code = cJSON_IsString(it) ? feature_level_code(id, it->valuestring) : -1;
            if (code < 0) return bad(p, path, "is not a known level of this feature%s", NULL);
            out->v[id] = code;
        } else {
            /* years employed, and the loan's term in months, have bounds of
             * their own (the data set: 0-48 years, 6-72 months); money
             * amounts are only bounded */
            double lo = id == F_TIME ? 1 : 0, hi = id == F_SENIORITY ? 80 : id == F_TIME ? 600 : 1e7;
            char range[48];
            if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || it->valuedouble < lo || it->valuedouble > hi) {
                snprintf(range, sizeof range, "%.0f to %.0f", lo, hi);
                return bad(p, path, "must be a number from %s", range);
            }
            out->v[id] = it->valuedouble;
        }
    }
    return 0;
}

int intake_decode(const cJSON *j, int64_t now_ms, intake_req *out,
                  char *field, size_t fieldlen, char *err, size_t errlen)
{
    static const char *const top_names[] = { "applicant", "product", "product_item", "scene", "partner", "amount_fen",
                                             "term_months", "completeness", "features", NULL };
    problem p = { field, err, fieldlen, errlen };
    int64_t amount, term;
    int product, cpl;
    memset(out, 0, sizeof *out);
    field[0] = '\0';
    if (known_members(&p, j, "", top_names)) return -1;
    if (applicant(&p, cJSON_GetObjectItemCaseSensitive(j, "applicant"), now_ms, out) ||
        get_enum(&p, j, "product", parse_product, &product, "mall, cash, smb") ||
        get_str(&p, j, "product_item", "product_item", 0, out->app.product_item, sizeof out->app.product_item) ||
        get_str(&p, j, "scene", "scene", 0, out->app.scene, sizeof out->app.scene) ||
        get_str(&p, j, "partner", "partner", 0, out->app.partner, sizeof out->app.partner) ||
        get_int(&p, j, "amount_fen", 100, INTAKE_AMOUNT_MAX_FEN, &amount) ||
        get_int(&p, j, "term_months", 1, INTAKE_TERM_MAX, &term) ||
        get_enum(&p, j, "completeness", parse_cpl, &cpl, "basic, bank_card, income, social, bureau") ||
        feature_values(&p, cJSON_GetObjectItemCaseSensitive(j, "features"), &out->app.feat))
        return -1;
    if (free_text_clean(&p, "product_item", out->app.product_item) || free_text_clean(&p, "scene", out->app.scene) ||
        free_text_clean(&p, "partner", out->app.partner))
        return -1;
    if (cpl >= CPL_BANK_CARD && !out->cust.bank_card[0])
        return bad(&p, "applicant.bank_card", "is required from completeness bank_card up%s", NULL);
    /* The ID number is authoritative for age: the feature is the age it
     * gives, whatever a channel sent as Age (a 9,999,999-year-old would
     * otherwise be scored) */
    out->app.feat.v[F_AGE] = out->age;
    out->app.product = (product_kind)product;
    out->app.amount_fen = amount;
    out->app.term_months = (int)term;
    out->app.completeness = (completeness_level)cpl;
    out->app.status = APP_SUBMITTED;
    if (!out->app.product_item[0]) yx_strlcpy(out->app.product_item, "-", sizeof out->app.product_item);
    if (!out->app.scene[0]) yx_strlcpy(out->app.scene, "-", sizeof out->app.scene);
    return 0;
}

int intake_parse(const char *json, size_t len, int64_t now_ms, intake_req *out,
                 char *field, size_t fieldlen, char *err, size_t errlen)
{
    const char *code, *message;
    cJSON *j = json_body_object(json, len, &code, &message);
    int rc;
    if (!j) {
        memset(out, 0, sizeof *out);
        yx_strlcpy(field, "body", fieldlen);
        yx_strlcpy(err, message, errlen);
        return -1;
    }
    rc = intake_decode(j, now_ms, out, field, fieldlen, err, errlen);
    cJSON_Delete(j);
    return rc;
}
