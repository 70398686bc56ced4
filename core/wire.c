/* JSON <-> app_row (see wire.h). The reader is strict because it takes
 * input from the network: every field must be present with the right type,
 * integers must be exact, strings valid UTF-8 that fit their field, and
 * enum names known; the first problem is reported by field name. */
#include "core/wire.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/json_doc.h"
#include "core/util.h"

static int add_str(cJSON *o, const char *k, const char *v)
{
    return cJSON_AddStringToObject(o, k, v) ? 0 : -1;
}

/* Integers are written as raw decimal text (json_add_int): cJSON prints
 * doubles with 15 significant digits, which would round ids and
 * millisecond times. */
static int add_num(cJSON *o, const char *k, int64_t v)
{
    return json_add_int(o, k, v) ? 0 : -1;
}

cJSON *wire_app_row_to_json(const app_row *r)
{
    const application *a = &r->app;
    cJSON *o = cJSON_CreateObject();
    char grade[2] = { r->grade, 0 };
    int bad = !o;
    if (bad) return NULL;
    bad |= add_num(o, "id", a->id);
    bad |= add_num(o, "customer_id", a->customer_id);
    bad |= add_num(o, "created_at", a->created_at);
    bad |= add_num(o, "updated_at", a->updated_at);
    bad |= add_str(o, "channel", channel_kind_name(a->channel));
    bad |= add_str(o, "partner", a->partner);
    bad |= add_str(o, "product", product_kind_name(a->product));
    bad |= add_str(o, "product_item", a->product_item);
    bad |= add_str(o, "scene", a->scene);
    bad |= add_num(o, "amount_fen", a->amount_fen);
    bad |= add_num(o, "term_months", a->term_months);
    bad |= add_str(o, "completeness", completeness_name(a->completeness));
    bad |= add_str(o, "status", app_status_name(a->status));
    bad |= add_num(o, "version", a->version);
    if (r->grade) {
        bad |= add_str(o, "grade", grade);
        bad |= add_str(o, "outcome", outcome_name(r->outcome));
    } else {
        bad |= !cJSON_AddNullToObject(o, "grade");
        bad |= !cJSON_AddNullToObject(o, "outcome");
    }
    bad |= add_num(o, "limit_fen", r->limit_fen);
    bad |= add_num(o, "apr_bp", r->apr_bp);
    bad |= add_str(o, "reasons", r->reasons);
    bad |= add_str(o, "name", r->name);
    bad |= add_str(o, "id_number", r->id_number);
    bad |= add_str(o, "mobile", r->mobile);
    bad |= add_str(o, "bank_card", r->bank_card);
    bad |= add_str(o, "province", r->province);
    bad |= add_str(o, "city", r->city);
    if (bad) { cJSON_Delete(o); return NULL; }
    return o;
}

/* ---- reading ------------------------------------------------------- */

typedef struct {
    const cJSON *obj;
    char *err;
    size_t errlen;
    int failed;
} reader;

static int fail(reader *rd, const char *field, const char *what)
{
    if (!rd->failed) snprintf(rd->err, rd->errlen, "field '%s': %s", field, what);
    rd->failed = 1;
    return -1;
}

static const cJSON *field(reader *rd, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(rd->obj, k);
    if (!v) fail(rd, k, "missing");
    return v;
}

static void get_int(reader *rd, const char *k, int64_t min, int64_t max, int64_t *out)
{
    const cJSON *v = field(rd, k);
    double d;
    if (!v) return;
    if (cJSON_IsRaw(v)) {
        /* An object straight from wire_app_row_to_json, not yet printed. */
        int64_t x;
        if (!v->valuestring || yx_parse_i64(v->valuestring, min, max, &x)) {
            fail(rd, k, "must be an integer in range");
            return;
        }
        *out = x;
        return;
    }
    if (!cJSON_IsNumber(v)) { fail(rd, k, "must be a number"); return; }
    d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || fabs(d) > JSON_INT_EXACT_MAX) {
        fail(rd, k, "must be an integer");
        return;
    }
    if (d < (double)min || d > (double)max) { fail(rd, k, "out of range"); return; }
    *out = (int64_t)d;
}

static void get_int32(reader *rd, const char *k, int min, int max, int *out)
{
    int64_t v = 0;
    get_int(rd, k, min, max, &v);
    *out = (int)v;
}

/* A string that fits in n bytes (with its NUL); NULL = JSON null allowed. */
static const char *get_str(reader *rd, const char *k, char *out, size_t n, int nullable)
{
    const cJSON *v = field(rd, k);
    size_t len;
    if (!v) return NULL;
    if (nullable && cJSON_IsNull(v)) { if (out && n) out[0] = '\0'; return NULL; }
    if (!cJSON_IsString(v) || !v->valuestring)
        { fail(rd, k, nullable ? "must be a string or null" : "must be a string"); return NULL; }
    len = strlen(v->valuestring);
    if (!yx_utf8_valid(v->valuestring, len)) { fail(rd, k, "is not valid UTF-8"); return NULL; }
    if (len >= n) { fail(rd, k, "too long"); return NULL; }
    if (out) memcpy(out, v->valuestring, len + 1);
    return v->valuestring;
}

/* Enum by wire name through its parse function. */
#define GET_ENUM(rd, k, parsefn, out)                                       \
    do {                                                                    \
        char buf_[32];                                                      \
        if (get_str((rd), (k), buf_, sizeof buf_, 0) && parsefn(buf_, (out))) \
            fail((rd), (k), "unknown value");                               \
    } while (0)

int wire_app_row_from_json(const cJSON *j, app_row *out, char *err, size_t errlen)
{
    reader rd = { j, err, errlen, 0 };
    application *a = &out->app;
    char grade[4];
    int64_t v;
    memset(out, 0, sizeof *out);
    for (int f = 0; f < F__COUNT; f++) a->feat.v[f] = NAN;
    if (!cJSON_IsObject(j)) {
        snprintf(err, errlen, "application row must be a JSON object");
        return -1;
    }
    get_int(&rd, "id", 0, INT64_MAX, &a->id);
    get_int(&rd, "customer_id", 0, INT64_MAX, &a->customer_id);
    get_int(&rd, "created_at", 0, INT64_MAX, &a->created_at);
    get_int(&rd, "updated_at", 0, INT64_MAX, &a->updated_at);
    GET_ENUM(&rd, "channel", channel_kind_parse, &a->channel);
    get_str(&rd, "partner", a->partner, sizeof a->partner, 0);
    GET_ENUM(&rd, "product", product_kind_parse, &a->product);
    get_str(&rd, "product_item", a->product_item, sizeof a->product_item, 0);
    get_str(&rd, "scene", a->scene, sizeof a->scene, 0);
    get_int(&rd, "amount_fen", 0, INT64_MAX, &a->amount_fen);
    get_int32(&rd, "term_months", 0, 600, &a->term_months);
    GET_ENUM(&rd, "completeness", completeness_parse, &a->completeness);
    GET_ENUM(&rd, "status", app_status_parse, &a->status);
    get_int(&rd, "version", 0, INT64_MAX, &a->version);
    if (get_str(&rd, "grade", grade, sizeof grade, 1)) {
        if (!grade[0] || grade[1] || !strchr("ABCDER", grade[0])) fail(&rd, "grade", "must be A-E or R");
        else out->grade = grade[0];
    }
    if (out->grade) GET_ENUM(&rd, "outcome", outcome_parse, &out->outcome);
    else if (!rd.failed) {
        const cJSON *o = field(&rd, "outcome");
        if (o && !cJSON_IsNull(o)) fail(&rd, "outcome", "must be null while grade is null");
    }
    v = 0;
    get_int(&rd, "limit_fen", 0, INT64_MAX, &v);
    out->limit_fen = v;
    get_int32(&rd, "apr_bp", 0, 100000, &out->apr_bp);
    get_str(&rd, "reasons", out->reasons, sizeof out->reasons, 0);
    get_str(&rd, "name", out->name, sizeof out->name, 0);
    get_str(&rd, "id_number", out->id_number, sizeof out->id_number, 0);
    get_str(&rd, "mobile", out->mobile, sizeof out->mobile, 0);
    get_str(&rd, "bank_card", out->bank_card, sizeof out->bank_card, 0);
    get_str(&rd, "province", out->province, sizeof out->province, 0);
    get_str(&rd, "city", out->city, sizeof out->city, 0);
    if (rd.failed) {
        memset(out, 0, sizeof *out);
        for (int f = 0; f < F__COUNT; f++) a->feat.v[f] = NAN;
        return -1;
    }
    return 0;
}
