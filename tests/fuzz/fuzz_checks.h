/* What must hold for any input to the parsers of outside data: the strict
 * CSV reader and the credit data set (core/csv, core/dataset), application
 * rows and list cursors on the wire (core/wire, core/store_app), intake
 * requests (core/intake), and staff actions and reveals (core/action). Each check feeds the bytes to the parser and
 * returns 0 when they were accepted, 1 when they were refused with a
 * message, and -1 with the broken promise in why (an accepted value that
 * breaks an invariant, a refusal without a message, a round trip that
 * changes the value). Crashes and leaks are for the sanitizers to see.
 *
 * Used by the libFuzzer targets in tests/fuzz/ and by the corpus replay
 * test (tests/unit/test_fuzz_corpus.c). The functions are static in this
 * header because `make fuzz` builds every target from one source file. */
#ifndef YX_FUZZ_CHECKS_H
#define YX_FUZZ_CHECKS_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/action.h"
#include "core/csv.h"
#include "core/dataset.h"
#include "core/intake.h"
#include "core/json_doc.h"
#include "core/util.h"
#include "core/store_app.h"
#include "core/wire.h"

#define FUZZ_NOW_MS 1700000000000LL     /* "today" for ages in intake */

static int fuzz_broken(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return -1;
}

/* The CSV reader alone, then the data set on top of it. */
static int fuzz_check_csv(const uint8_t *data, size_t size, char *why, size_t wn)
{
    csv_reader r;
    dataset ds;
    char err[512] = "";
    int rc, csv_ok, prev_line = 0;
    csv_init(&r, (const char *)data, size);
    while ((rc = csv_next(&r)) == 1) {
        if (r.ncells < 1 || r.line < 1 || r.line <= prev_line) {
            csv_free(&r);
            return fuzz_broken(why, wn, "csv record with %d cells at line %d after line %d",
                               r.ncells, r.line, prev_line);
        }
        prev_line = r.line;
        for (int i = 0; i < r.ncells; i++)
            if (!r.cells[i] || strlen(r.cells[i]) > size) {
                csv_free(&r);
                return fuzz_broken(why, wn, "csv cell %d of line %d is not a string of the input", i, r.line);
            }
    }
    csv_ok = rc == 0;
    if (rc < 0 && !r.err[0]) { csv_free(&r); return fuzz_broken(why, wn, "csv error without a message"); }
    csv_free(&r);

    if (dataset_parse((const char *)data, size, "fuzz.csv", &ds, err, sizeof err)) {
        if (!err[0] || ds.rows || ds.label || ds.n)
            return fuzz_broken(why, wn, "data set refused without a message or with rows left");
        return 1;
    }
    if (!csv_ok) { dataset_free(&ds); return fuzz_broken(why, wn, "data set accepted malformed CSV"); }
    if (ds.n < 1 || !ds.rows || !ds.label) { dataset_free(&ds); return fuzz_broken(why, wn, "data set accepted with no rows"); }
    for (int i = 0; i < ds.n; i++) {
        if (ds.label[i] != 0 && ds.label[i] != 1) {
            dataset_free(&ds);
            return fuzz_broken(why, wn, "row %d has label %d", i, ds.label[i]);
        }
        for (int f = 0; f < F__COUNT; f++) {
            double v = ds.rows[i].v[f];
            int nl;
            if (isnan(v)) continue;
            if (isinf(v) || (feature_levels((feature_id)f, &nl) && (v != floor(v) || v < 0 || v >= nl))) {
                dataset_free(&ds);
                return fuzz_broken(why, wn, "row %d: %s = %g", i, feature_name((feature_id)f), v);
            }
        }
    }
    dataset_free(&ds);
    return 0;
}

/* The printed JSON of a row (malloc'd), or NULL. */
static char *fuzz_row_text(const app_row *row)
{
    cJSON *j = wire_app_row_to_json(row);
    char *p = j ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    return p;
}

/* A list cursor from the query string: parse, format, parse gives the same. */
static int fuzz_check_cursor(const uint8_t *data, size_t size, char *why, size_t wn)
{
    char text[64], again[48];
    app_cursor c, c2;
    if (size >= sizeof text) return 1;
    memcpy(text, data, size);
    text[size] = '\0';
    if (app_cursor_parse(text, &c)) return 1;
    app_cursor_format(&c, again, sizeof again);
    if (app_cursor_parse(again, &c2) || c.created_at != c2.created_at || c.id != c2.id)
        return fuzz_broken(why, wn, "cursor '%s' formats as '%s', which does not read back", text, again);
    return 0;
}

/* An application row: any JSON the console may receive. An accepted row
 * prints, and the printed text reads back to the same row. */
static int fuzz_check_wire(const uint8_t *data, size_t size, char *why, size_t wn)
{
    cJSON *j = cJSON_ParseWithLength((const char *)data, size), *j2;
    app_row row, back;
    char err[256] = "", *p1, *p2;
    int res = 1;
    if (fuzz_check_cursor(data, size, why, wn) < 0) { cJSON_Delete(j); return -1; }
    if (!j) return 1;                              /* not JSON: refused by cJSON */
    if (wire_app_row_from_json(j, &row, err, sizeof err)) {
        cJSON_Delete(j);
        return err[0] ? 1 : fuzz_broken(why, wn, "row refused without a message");
    }
    cJSON_Delete(j);
    for (int f = 0; f < F__COUNT; f++)
        if (!isnan(row.app.feat.v[f])) return fuzz_broken(why, wn, "features on the wire");
    p1 = fuzz_row_text(&row);
    if (!p1) return fuzz_broken(why, wn, "accepted row does not print");
    j2 = cJSON_Parse(p1);
    if (!j2 || wire_app_row_from_json(j2, &back, err, sizeof err)) {
        res = fuzz_broken(why, wn, "printed row %s does not read back: %s", p1, err);
    } else {
        p2 = fuzz_row_text(&back);
        res = p2 && !strcmp(p1, p2) ? 0 : fuzz_broken(why, wn, "row changes on a round trip: %s", p1);
        free(p2);
    }
    cJSON_Delete(j2);
    free(p1);
    return res;
}

/* An intake request body. */
static int fuzz_check_intake(const uint8_t *data, size_t size, char *why, size_t wn)
{
    intake_req req;
    char field[64] = "", err[256] = "";
    if (intake_parse((const char *)data, size, FUZZ_NOW_MS, &req, field, sizeof field, err, sizeof err))
        return field[0] && err[0] ? 1 : fuzz_broken(why, wn, "intake refused without field and reason");
    if (req.app.amount_fen < 1 || req.app.amount_fen > INTAKE_AMOUNT_MAX_FEN)
        return fuzz_broken(why, wn, "intake accepted amount %lld", (long long)req.app.amount_fen);
    if (req.app.term_months < 1 || req.app.term_months > INTAKE_TERM_MAX)
        return fuzz_broken(why, wn, "intake accepted term %d", req.app.term_months);
    if (strlen(req.cust.id_number) != 18 || req.age < 0 || req.age > 150)
        return fuzz_broken(why, wn, "intake accepted ID '%s' age %d", req.cust.id_number, req.age);
    return 0;
}

/* Text an accepted action holds: UTF-8 of lo to hi bytes, no control
 * characters but line breaks. */
static int fuzz_text_ok(const char *s, size_t lo, size_t hi)
{
    size_t n;
    if (!s) return 0;
    n = strlen(s);
    if (n < lo || n > hi || !yx_utf8_valid(s, n)) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 && s[i] != '\n') return 0;
    return 1;
}

static int fuzz_id_ok(int64_t v) { return v >= 1 && v <= ACTION_ID_MAX; }

/* A staff action body (POST /v1/actions), read as the server reads it:
 * one JSON object of UTF-8 text, then decoded by its type. */
static int fuzz_check_action(const uint8_t *data, size_t size, char *why, size_t wn)
{
    const char *code = NULL, *msg = NULL;
    action_req a;
    action_error err = { 0 };
    cJSON *body = json_body_object((const char *)data, size, &code, &msg);
    int rc, ok = 1, ndec = 0;
    const char *const *dec;
    if (!body) return code && msg && msg[0] ? 1 : fuzz_broken(why, wn, "body refused without a code and message");
    rc = action_decode(body, &a, &err);
    if (rc) {
        cJSON_Delete(body);
        if (!err.code || !err.message[0]) return fuzz_broken(why, wn, "action refused without a code and message");
        if (rc == 1 && (a.type < 0 || a.type >= ACTION__COUNT))
            return fuzz_broken(why, wn, "field refused for type %d", (int)a.type);
        return 1;
    }
    if (a.type < 0 || a.type >= ACTION__COUNT) {
        cJSON_Delete(body);
        return fuzz_broken(why, wn, "accepted type %d", (int)a.type);
    }
    if ((dec = action_decisions(a.type)) != NULL)
        while (dec[ndec]) ndec++;
    if (dec && (a.decision < 0 || a.decision >= ndec)) ok = 0;
    switch (a.type) {
    case ACTION_REVIEW: case ACTION_ESCALATE: case ACTION_LINE2: case ACTION_APPROVE_LINE2:
        ok = ok && fuzz_id_ok(a.application_id) && fuzz_id_ok(a.version) && fuzz_text_ok(a.reason, 1, ACTION_REASON_MAX);
        break;
    case ACTION_AUDIT_FINDING:
        ok = ok && a.severity >= 0 && a.severity < 4 && fuzz_text_ok(a.remediation, 1, ACTION_REMEDIATION_MAX);
        /* fall through */
    case ACTION_AUDIT_SAMPLE: case ACTION_AUDIT_PASS:
        ok = ok && fuzz_id_ok(a.application_id) && fuzz_id_ok(a.version) &&
             (!a.note || fuzz_text_ok(a.note, 0, ACTION_REASON_MAX));
        break;
    case ACTION_ADJUST_LIMIT:
        ok = ok && fuzz_id_ok(a.application_id) && fuzz_id_ok(a.version) && a.new_limit_fen >= 1 &&
             a.new_limit_fen <= ACTION_LIMIT_MAX_FEN && fuzz_text_ok(a.reason, 1, ACTION_REASON_MAX);
        break;
    case ACTION_DISPUTE_OPEN:
        ok = (a.customer_id == 0 || fuzz_id_ok(a.customer_id)) && (a.application_id == 0 || fuzz_id_ok(a.application_id)) &&
             fuzz_text_ok(a.text, 1, ACTION_TEXT_MAX) && strcmp(dispute_category_name(a.category), "?") != 0;
        break;
    case ACTION_ALERT_ACK:
        ok = fuzz_id_ok(a.alert_id);
        break;
    case ACTION_REVEAL_REQUEST: {
        int any = 0;
        for (int i = 0; i < REVEAL__COUNT; i++) any |= a.reveal.want[i];
        ok = any && fuzz_id_ok(a.reveal.application_id) && a.reveal.fields[0] && !a.reveal.request &&
             fuzz_text_ok(a.reveal.reason, REVEAL_REASON_MIN, ACTION_REASON_MAX);
        break;
    }
    case ACTION_REVEAL_DECIDE:
        ok = ok && fuzz_text_ok(a.request, 1, ACTION_REQUEST_MAX);
        break;
    default:   /* the other dispute actions */
        ok = fuzz_id_ok(a.dispute_id) && fuzz_id_ok(a.version) && a.text_field && fuzz_text_ok(a.text, 1, ACTION_TEXT_MAX);
    }
    cJSON_Delete(body);
    return ok ? 0 : fuzz_broken(why, wn, "accepted %s breaks its field rules", action_type_name(a.type));
}

#endif
