/* The JSON wire format of application rows: exact round trips, and strict
 * rejection of wrong types, missing fields, bad UTF-8, oversized strings and
 * unknown enum names, each reported by field name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/wire.h"
#include "core/util.h"

static const char *const fields[] = {
    "id", "customer_id", "created_at", "updated_at", "channel", "partner", "product",
    "product_item", "scene", "amount_fen", "term_months", "completeness", "status",
    "version", "grade", "outcome", "limit_fen", "apr_bp", "reasons", "name", "id_number",
    "mobile", "bank_card", "province", "city",
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static void sample_row(app_row *r, int decided)
{
    memset(r, 0, sizeof *r);
    for (int f = 0; f < F__COUNT; f++) r->app.feat.v[f] = NAN;
    r->app.id = 9007199254740991LL;          /* the largest exact JSON integer */
    r->app.customer_id = 77;
    r->app.created_at = 1795521600123LL;
    r->app.updated_at = 1795521600456LL;
    r->app.channel = CH_SEMI_API;
    yx_strlcpy(r->app.partner, "鑫易贷超", sizeof r->app.partner);
    r->app.product = PROD_MALL;
    yx_strlcpy(r->app.product_item, "数码3C", sizeof r->app.product_item);
    yx_strlcpy(r->app.scene, "live_streaming", sizeof r->app.scene);
    r->app.amount_fen = 1234500;
    r->app.term_months = 12;
    r->app.completeness = CPL_INCOME;
    r->app.status = decided ? APP_REFERRED : APP_SUBMITTED;
    r->app.version = 3;
    yx_strlcpy(r->name, "欧阳**", sizeof r->name);
    yx_strlcpy(r->id_number, "1****************X", sizeof r->id_number);
    yx_strlcpy(r->mobile, "138****1234", sizeof r->mobile);
    yx_strlcpy(r->bank_card, "622202*********0123", sizeof r->bank_card);
    yx_strlcpy(r->province, "广东省", sizeof r->province);
    yx_strlcpy(r->city, "深圳市", sizeof r->city);
    if (decided) {
        r->grade = 'R';
        r->outcome = OUT_REFER;
        r->limit_fen = 800000;
        r->apr_bp = 1799;
        yx_strlcpy(r->reasons, "models_disagree,income_low", sizeof r->reasons);
    }
}

/* Serialises, re-parses from text (as the network does) and reads back. */
static int through_text(const app_row *in, app_row *out, char *err, size_t n)
{
    cJSON *j = wire_app_row_to_json(in), *back;
    char *text;
    int rc;
    assert_non_null(j);
    text = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    back = cJSON_Parse(text);
    free(text);
    assert_non_null(back);
    rc = wire_app_row_from_json(back, out, err, n);
    cJSON_Delete(back);
    return rc;
}

static void test_round_trip(void **state)
{
    (void)state;
    for (int decided = 0; decided < 2; decided++) {
        app_row in, out;
        char err[200] = "";
        sample_row(&in, decided);
        assert_int_equal(through_text(&in, &out, err, sizeof err), 0);
        assert_true(out.app.id == in.app.id);
        assert_true(out.app.created_at == in.app.created_at);
        assert_string_equal(out.name, "欧阳**");
        assert_string_equal(out.app.partner, in.app.partner);
        assert_int_equal(out.grade, in.grade);
        assert_int_equal(out.app.status, in.app.status);
        assert_int_equal(out.app.completeness, CPL_INCOME);
        assert_true(isnan(out.app.feat.v[F_INCOME]));
        /* Both sides start zeroed, so whole-struct equality is exact. */
        assert_memory_equal(&in, &out, sizeof in);
        /* And straight from the object, before it is ever printed. */
        {
            cJSON *j = wire_app_row_to_json(&in);
            memset(&out, 0xab, sizeof out);
            assert_int_equal(wire_app_row_from_json(j, &out, err, sizeof err), 0);
            cJSON_Delete(j);
            assert_memory_equal(&in, &out, sizeof in);
        }
    }
}

static void test_field_names(void **state)
{
    app_row r;
    cJSON *j, *it;
    size_t n = 0;
    (void)state;
    sample_row(&r, 0);
    j = wire_app_row_to_json(&r);
    assert_non_null(j);
    cJSON_ArrayForEach(it, j) {
        int known = 0;
        for (size_t i = 0; i < NFIELDS; i++) known |= !strcmp(fields[i], it->string);
        assert_true(known);
        n++;
    }
    assert_int_equal(n, NFIELDS);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "grade")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "outcome")));
    assert_string_equal(cJSON_GetObjectItem(j, "channel")->valuestring, "semi_api");
    cJSON_Delete(j);
}

/* Applies a change to a good row's JSON and expects a rejection naming
 * the field. */
static void expect_reject(const char *field, cJSON *replacement)
{
    app_row r, out;
    char err[200] = "";
    cJSON *j;
    sample_row(&r, 1);
    j = wire_app_row_to_json(&r);
    if (replacement) cJSON_ReplaceItemInObjectCaseSensitive(j, field, replacement);
    else cJSON_DeleteItemFromObjectCaseSensitive(j, field);
    out.app.id = 5;
    assert_int_equal(wire_app_row_from_json(j, &out, err, sizeof err), -1);
    if (!strstr(err, field)) fail_msg("error '%s' does not name field '%s'", err, field);
    assert_true(out.app.id == 0);   /* nothing half-filled is left behind */
    cJSON_Delete(j);
}

static void test_rejects_wrong_types(void **state)
{
    (void)state;
    for (size_t i = 0; i < NFIELDS; i++) {
        cJSON *probe;
        app_row r;
        cJSON *j;
        sample_row(&r, 1);
        j = wire_app_row_to_json(&r);
        /* Strings get a number, numbers get a string. */
        probe = cJSON_IsString(cJSON_GetObjectItem(j, fields[i]))
                ? cJSON_CreateNumber(1) : cJSON_CreateString("1");
        cJSON_Delete(j);
        expect_reject(fields[i], probe);
        expect_reject(fields[i], NULL);                       /* missing */
        expect_reject(fields[i], cJSON_CreateArray());
    }
}

static void test_rejects_bad_values(void **state)
{
    char big[300];
    (void)state;
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    expect_reject("name", cJSON_CreateString("\xe6\xac"));       /* truncated UTF-8 */
    expect_reject("city", cJSON_CreateString("\xc0\xaf"));       /* overlong */
    expect_reject("partner", cJSON_CreateString(big));           /* too long */
    expect_reject("reasons", cJSON_CreateString(big));
    expect_reject("amount_fen", cJSON_CreateNumber(1.5));
    expect_reject("amount_fen", cJSON_CreateNumber(-100));
    expect_reject("id", cJSON_CreateNumber(1e300));
    expect_reject("term_months", cJSON_CreateNumber(100000));
    expect_reject("channel", cJSON_CreateString("fax"));
    expect_reject("status", cJSON_CreateString("Approved"));
    expect_reject("grade", cJSON_CreateString("F"));
    expect_reject("grade", cJSON_CreateString("AB"));
    expect_reject("outcome", cJSON_CreateString("maybe"));
    expect_reject("outcome", cJSON_CreateNull());                /* grade set, outcome null */
}

static void test_rejects_non_object(void **state)
{
    app_row out;
    char err[200] = "";
    cJSON *arr = cJSON_CreateArray();
    (void)state;
    assert_int_equal(wire_app_row_from_json(arr, &out, err, sizeof err), -1);
    assert_non_null(strstr(err, "object"));
    assert_int_equal(wire_app_row_from_json(NULL, &out, err, sizeof err), -1);
    cJSON_Delete(arr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_field_names),
        cmocka_unit_test(test_rejects_wrong_types),
        cmocka_unit_test(test_rejects_bad_values),
        cmocka_unit_test(test_rejects_non_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
