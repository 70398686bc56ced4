/* Decoding action and reveal bodies (core/action): each type takes its
 * fields with their ranges, the first bad field is the one named, the
 * role can be checked before the fields (the type is known), and nothing
 * half-decoded is left behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/action.h"
#include "core/json_doc.h"

/* Decodes text; returns action_decode's result, err filled. */
static int decode(const char *text, action_req *a, action_error *err)
{
    cJSON *j = cJSON_Parse(text);
    int rc;
    assert_non_null(j);
    rc = action_decode(j, a, err);
    /* strings point into the body: keep the ones tests look at */
    if (rc == 0 && a->reason) assert_true(strlen(a->reason) > 0);
    cJSON_Delete(j);
    return rc;
}

static void expect_refused(const char *text, int rc, const char *code, const char *field)
{
    action_req a;
    action_error err = { 0 };
    int got = decode(text, &a, &err);
    if (got != rc) fail_msg("%s: got %d, want %d (%s)", text, got, rc, err.message);
    assert_string_equal(err.code, code);
    if (field && !strstr(err.message, field)) fail_msg("%s: '%s' does not name %s", text, err.message, field);
}

static void test_each_type_decodes(void **state)
{
    action_req a;
    action_error err;
    (void)state;
    assert_int_equal(decode("{\"type\":\"review\",\"application_id\":5,\"version\":2,\"decision\":\"decline\","
                            "\"reason\":\"thin file\"}", &a, &err), 0);
    assert_int_equal(a.type, ACTION_REVIEW);
    assert_int_equal(a.application_id, 5);
    assert_int_equal(a.version, 2);
    assert_int_equal(a.decision, 1);
    assert_int_equal(decode("{\"type\":\"escalate\",\"application_id\":5,\"version\":2,\"reason\":\"x\"}", &a, &err), 0);
    assert_string_equal(action_decision_name(&a), "escalate");
    assert_int_equal(decode("{\"type\":\"approve_line2\",\"application_id\":5,\"version\":2,\"reason\":\"x\"}", &a, &err), 0);
    assert_string_equal(action_decision_name(&a), "approve");
    assert_int_equal(decode("{\"type\":\"audit_finding\",\"application_id\":5,\"version\":2,\"severity\":\"critical\","
                            "\"remediation\":\"fix\"}", &a, &err), 0);
    assert_int_equal(a.severity, 3);
    assert_null(a.note);
    assert_int_equal(decode("{\"type\":\"adjust_limit\",\"application_id\":5,\"version\":2,"
                            "\"new_limit_fen\":1000000000000,\"reason\":\"x\"}", &a, &err), 0);
    assert_int_equal(a.new_limit_fen, ACTION_LIMIT_MAX_FEN);
    assert_int_equal(decode("{\"type\":\"dispute_open\",\"application_id\":9,\"customer_id\":null,"
                            "\"category\":\"not_me\",\"message\":\"not me\"}", &a, &err), 0);
    assert_int_equal(a.customer_id, 0);
    assert_int_equal(a.application_id, 9);
    assert_int_equal(a.category, DSP_NOT_ME);
    assert_int_equal(decode("{\"type\":\"dispute_resolve\",\"dispute_id\":3,\"version\":4,\"resolution\":\"refunded\"}",
                            &a, &err), 0);
    assert_string_equal(a.text_field, "resolution");
    assert_string_equal(action_type_name(a.type), "dispute_resolve");
    assert_int_equal(decode("{\"type\":\"reveal_request\",\"application_id\":9,\"fields\":[\"mobile\",\"name\",\"mobile\"],"
                            "\"reason\":\"the customer called\"}", &a, &err), 0);
    assert_string_equal(a.reveal.fields, "mobile,name");
    assert_true(a.reveal.want[REVEAL_MOBILE] && a.reveal.want[REVEAL_NAME] && !a.reveal.want[REVEAL_BANK_CARD]);
    assert_int_equal(decode("{\"type\":\"reveal_decide\",\"request\":\"req-1\",\"decision\":\"reject\"}", &a, &err), 0);
    assert_int_equal(a.decision, 1);
    assert_int_equal(decode("{\"type\":\"alert_ack\",\"alert_id\":8}", &a, &err), 0);
    assert_int_equal(a.alert_id, 8);
}

static void test_first_bad_field_is_named(void **state)
{
    (void)state;
    expect_refused("{\"type\":\"promote\"}", -1, "unknown_action", "type");
    expect_refused("{\"application_id\":1}", -1, "unknown_action", "type");
    /* the type is known when a field is wrong: 1, so the role comes first */
    expect_refused("{\"type\":\"review\",\"version\":\"2\"}", 1, "bad_field", "application_id");
    expect_refused("{\"type\":\"review\",\"application_id\":1,\"version\":\"2\"}", 1, "bad_field", "version");
    expect_refused("{\"type\":\"review\",\"application_id\":1,\"version\":2,\"decision\":\"maybe\",\"reason\":\"x\"}", 1,
                   "bad_field", "approve, decline, escalate");
    expect_refused("{\"type\":\"review\",\"application_id\":1,\"version\":2,\"decision\":\"approve\",\"reason\":\"\"}", 1,
                   "bad_field", "reason");
    expect_refused("{\"type\":\"adjust_limit\",\"application_id\":1,\"version\":2,\"new_limit_fen\":1000000000001,"
                   "\"reason\":\"x\"}", 1, "bad_field", "new_limit_fen");
    expect_refused("{\"type\":\"adjust_limit\",\"application_id\":1,\"version\":2,\"new_limit_fen\":10.5,"
                   "\"reason\":\"x\"}", 1, "bad_field", "new_limit_fen");
    expect_refused("{\"type\":\"audit_pass\",\"application_id\":1,\"version\":2,\"note\":\"a\\tb\"}", 1, "bad_field",
                   "control");
    expect_refused("{\"type\":\"dispute_open\",\"customer_id\":0,\"category\":\"limit\",\"message\":\"x\"}", 1,
                   "bad_field", "customer_id");
    expect_refused("{\"type\":\"dispute_open\",\"customer_id\":1,\"category\":\"weather\",\"message\":\"x\"}", 1,
                   "bad_field", "category");
    expect_refused("{\"type\":\"dispute_assign\",\"dispute_id\":1,\"version\":1,\"message\":\"x\"}", 1, "bad_field",
                   "assignee");
    expect_refused("{\"type\":\"reveal_request\",\"application_id\":1,\"fields\":[\"mobile\"],\"reason\":\"short\"}", 1,
                   "reason_required", "reason");
    expect_refused("{\"type\":\"reveal_request\",\"application_id\":1,\"fields\":[],\"reason\":\"long enough reason\"}", 1,
                   "bad_field", "fields");
    expect_refused("{\"type\":\"alert_ack\",\"alert_id\":4611686018427387904}", 1, "bad_field", "alert_id");
    expect_refused("{\"type\":\"alert_ack\",\"alert_id\":9007199254740994}", 1, "bad_field", "alert_id");   /* 2^53 + 2 */
    /* personal data in free text: refused, naming the field and what it holds */
    expect_refused("{\"type\":\"dispute_message\",\"dispute_id\":1,\"version\":1,\"message\":\"new mobile 139 1234 5678\"}",
                   1, "bad_field", "mobile number");
    expect_refused("{\"type\":\"review\",\"application_id\":1,\"version\":2,\"decision\":\"decline\","
                   "\"reason\":\"card 4111111111111111 reported stolen\"}", 1, "bad_field", "card number");
    expect_refused("{\"type\":\"approve_line2\",\"application_id\":1,\"version\":2,\"decision\":\"reject\","
                   "\"reason\":\"x\"}", 1, "bad_field", "decision");   /* it only approves: say line2 */
}

/* A refused field leaves no value of the body behind. */
static void test_refusal_leaves_nothing(void **state)
{
    action_req a;
    action_error err;
    (void)state;
    assert_int_equal(decode("{\"type\":\"review\",\"application_id\":7,\"version\":2,\"decision\":\"approve\"}", &a, &err), 1);
    assert_int_equal(a.type, ACTION_REVIEW);
    assert_int_equal(a.application_id, 0);
    assert_int_equal(a.version, 0);
    assert_null(a.reason);
}

static void test_reveal_body(void **state)
{
    reveal_req q;
    action_error err;
    cJSON *j = cJSON_Parse("{\"application_id\":3,\"fields\":[\"bank_card\"],\"reason\":\"card stolen, said the customer\","
                           "\"request\":\"req-0001\"}");
    (void)state;
    assert_int_equal(reveal_decode(j, 1, &q, &err), 0);
    assert_int_equal(q.application_id, 3);
    assert_string_equal(q.request, "req-0001");
    assert_string_equal(q.fields, "bank_card");
    cJSON_Delete(j);
    j = cJSON_Parse("{\"application_id\":3,\"fields\":[\"bank_card\"],\"reason\":\"card stolen, said the customer\","
                    "\"request\":7}");
    assert_int_equal(reveal_decode(j, 1, &q, &err), -1);
    assert_string_equal(err.code, "bad_field");
    assert_non_null(strstr(err.message, "request"));
    /* a reveal_request action takes no request: not read, so not refused */
    assert_int_equal(reveal_decode(j, 0, &q, &err), 0);
    assert_null(q.request);
    cJSON_Delete(j);
    /* the id's bound is every record id's, and a control character in the
     * reason is refused as a reason */
    j = cJSON_Parse("{\"application_id\":4611686018427387904,\"fields\":[\"name\"],\"reason\":\"card stolen, said she\"}");
    assert_int_equal(reveal_decode(j, 1, &q, &err), -1);
    assert_string_equal(err.code, "bad_field");
    assert_non_null(strstr(err.message, "application_id"));
    cJSON_Delete(j);
    j = cJSON_Parse("{\"application_id\":9007199254740992,\"fields\":[\"name\"],\"reason\":\"card stolen, said she\"}");
    assert_int_equal(reveal_decode(j, 1, &q, &err), 0);
    assert_true(q.application_id == ACTION_ID_MAX);
    cJSON_Delete(j);
    j = cJSON_Parse("{\"application_id\":4,\"fields\":[\"name\"],\"reason\":\"card stolen,\\u0007 said she\"}");
    assert_int_equal(reveal_decode(j, 1, &q, &err), -1);
    assert_string_equal(err.code, "reason_required");
    cJSON_Delete(j);
}

/* A body is text without NUL, byte or escape: \u0000 would end the C string
 * early and hide the rest of a field from the length and text checks. */
static void test_body_text_refuses_nul(void **state)
{
    static const char *const bad[] = {
        "{\"type\":\"review\",\"reason\":\"ok\\u0000\\u0007\"}",
        "{\"a\\u0000b\":1}",
        "{\"x\":\"\\\\\\u0000\"}",       /* an escaped backslash, then the escape */
        "{\"x\":\"\\u0001 \\u00000\"}",   /* "\u0000" then "0": still a NUL */
    };
    static const char *const good[] = {
        "{\"x\":\"\\\\u0000\"}",          /* a backslash and the text u0000 */
        "{\"x\":\"u0000\"}",
    };
    const char *code, *msg;
    cJSON *j;
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(json_text_ok(bad[i], strlen(bad[i])));
        assert_null(json_body_object(bad[i], strlen(bad[i]), &code, &msg));
        assert_string_equal(code, "bad_request");
    }
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) assert_true(json_text_ok(good[i], strlen(good[i])));
    j = json_body_object(good[0], strlen(good[0]), &code, &msg);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "x")->valuestring, "\\u0000");
    cJSON_Delete(j);
    assert_false(json_text_ok("{\"x\":1}\0", 9));   /* a NUL byte */
    /* a member named twice, at any depth, is refused: which one counts
     * would depend on the reader */
    {
        static const char *const dup[] = { "{\"a\":1,\"a\":2}", "{\"x\":{\"b\":1,\"c\":2,\"b\":3}}",
                                           "{\"x\":[{\"k\":1,\"k\":1}]}" };
        for (size_t i = 0; i < sizeof dup / sizeof dup[0]; i++) {
            assert_null(json_body_object(dup[i], strlen(dup[i]), &code, &msg));
            assert_string_equal(code, "malformed_json");
        }
        j = json_body_object("{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}]}", 35, &code, &msg);
        assert_non_null(j);   /* the same name in different objects is fine */
        cJSON_Delete(j);
        /* and an object of many members, as a 1 MiB body can hold: the
         * duplicate found (last against first) without n^2 compares */
        {
            enum { N = 50000 };
            char *big = malloc((size_t)N * 16 + 16), *w = big;
            assert_non_null(big);
            *w++ = '{';
            for (int i = 0; i < N; i++) w += sprintf(w, "%s\"k%d\":1", i ? "," : "", i);
            strcpy(w, "}");
            j = json_body_object(big, strlen(big), &code, &msg);
            assert_non_null(j);   /* all distinct */
            cJSON_Delete(j);
            w[0] = ',';
            strcpy(w + 1, "\"k7\":2}");
            assert_null(json_body_object(big, strlen(big), &code, &msg));
            assert_string_equal(code, "malformed_json");
            free(big);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_type_decodes),
        cmocka_unit_test(test_first_bad_field_is_named),
        cmocka_unit_test(test_refusal_leaves_nothing),
        cmocka_unit_test(test_reveal_body),
        cmocka_unit_test(test_body_text_refuses_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
