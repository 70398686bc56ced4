/* POST /v1/intake/applications: a channel submits an application and gets
 * the decision back.
 *
 * Order of work: validate everything (core/intake), look up the customer,
 * run the decision engine (no lock held), then one write transaction that
 * stores customer, application, features, scores, decision with input and
 * trace, the defense-line case, the change-feed entry and the audit entry.
 * The answer is built from the stored decision, which intake alone writes,
 * so the same Idempotency-Key later gets the same answer and stores
 * nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/metrics.h"
#include "backend/routes.h"
#include "core/changes.h"
#include "core/crypto.h"
#include "core/decide.h"
#include "core/decide_app.h"
#include "core/intake.h"
#include "core/json_doc.h"
#include "core/store_app.h"
#include "core/util.h"

/* Line 3 samples this share of automatic decisions; the choice is a hash
 * of the id, so it is reproducible and not steerable by the channel. */
static int sampled(const server *s, int64_t id)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;
    return (int)((h >> 33) % 1000) < srv_limits(s)->sample_permille;
}

/* The answer: 201 with the decision as stored. Built from the decisions
 * row (intake alone writes it), so a replay gets the same bytes. */
static int answer_of(const decision *d, int64_t id, srv_resp *out)
{
    char grade[2] = { d->risk_grade, 0 };
    cJSON *o = cJSON_CreateObject(), *dj;
    json_add_int(o, "application_id", id);
    cJSON_AddStringToObject(o, "status", app_status_name(store_status_for_outcome(d->outcome)));
    dj = cJSON_AddObjectToObject(o, "decision");
    cJSON_AddStringToObject(dj, "outcome", outcome_name(d->outcome));
    cJSON_AddStringToObject(dj, "risk_grade", grade);
    json_add_int(dj, "limit_fen", d->limit_fen);
    json_add_int(dj, "apr_bp", d->apr_bp);
    cJSON_AddStringToObject(dj, "reasons", d->reasons);
    cJSON_AddStringToObject(dj, "strategy_version", d->strategy_version);
    json_add_int(dj, "decided_at", d->decided_at);
    return srv_json(out, 201, o);
}

/* The answer for an application stored earlier (a replayed key). */
static int answer(srv_req *r, int64_t id, srv_resp *out)
{
    decision d;
    int rc = store_decision_get(r->st, id, &d, NULL);
    if (rc) return rc < 0 ? -1 : srv_error(out, 409, "conflict", "application %lld has no decision", (long long)id);
    free(d.trace_json);
    return answer_of(&d, id, out);
}

/* The application an Idempotency-Key already made, for this channel and
 * this body (digest): 1 found (*id set), 0 new, 2 the key belongs to
 * another channel, 3 it came with another body, -1. */
static int seen_key(srv_req *r, const char *key, const unsigned char *digest, int64_t *id)
{
    sqlite3_stmt *st = store_stmt(r->st, "SELECT id, ifnull(channel_id, 0), idem_digest FROM applications "
                                         "WHERE idempotency_key = ?");
    int rc, res = 0;
    if (!st) return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const void *was = sqlite3_column_blob(st, 2);
        *id = sqlite3_column_int64(st, 0);
        res = sqlite3_column_int64(st, 1) != r->chan.id                               ? 2
            : !crypto_digest_matches(was, (size_t)sqlite3_column_bytes(st, 2), digest) ? 3
                                                                                        : 1;
    } else if (rc != SQLITE_DONE) {
        res = store_fail(r->st, "intake: %s", sqlite3_errmsg(store_db(r->st)));
    }
    sqlite3_reset(st);
    return res;
}

/* Everything after the decision, run in the write stream (srv_write):
 * 0 stored (j->id set), 1 the key was taken meanwhile (j->id is the
 * earlier application; nothing written), -1 store failure. */
struct intake_job {
    intake_req *in;
    const decide_result *res;
    const char *input_json, *key;
    const unsigned char *digest;
    int64_t id, seq;
    decision d;                  /* as stored, for the answer */
};

static int intake_job(srv_req *r, void *arg)
{
    struct intake_job *j = arg;
    store *s = r->st;
    decision *d = &j->d;
    int64_t version, customer_id = 0;
    int rc;
    char record[48];
    /* Found again here, in the write stream, so two applications of one new
     * customer arriving together make one customer. */
    if (store_customer_find(s, srv_data_key(r->srv), j->in->cust.id_number, &customer_id) < 0) return -1;
    if (!customer_id && store_customer_insert(s, &j->in->cust, srv_data_key(r->srv), &customer_id)) return -1;
    j->in->app.customer_id = customer_id;
    /* Stored with the status its decision gives, in the same transaction,
     * so nobody ever sees it undecided. */
    j->in->app.status = store_status_for_outcome(j->res->outcome);
    rc = store_app_insert_from(s, &j->in->app, r->chan.id, j->key, j->digest, &j->id);
    if (rc) return rc;
    /* decisions row, scores, defense case: stored as the demo generator
     * stores them (core/decide_app); d is what the answer shows */
    decide_result_to_decision(j->res, j->id, j->in->app.created_at, d);
    rc = decide_app_record(s, &j->in->app, j->res, j->input_json, j->in->app.created_at,
                           sampled(r->srv, j->id) ? DECIDE_CASE_SAMPLED : DECIDE_CASE_NONE, NULL, &version);
    if (rc) return -1;
    if ((j->seq = changes_append(s, "application", j->id, version)) < 0) return -1;
    snprintf(record, sizeof record, "application:%lld", (long long)j->id);
    return srv_audit(r, "intake", record, outcome_name(j->res->outcome));
}

/* The answer to a key seen before (seen_key's rc 1 to 3). */
static int replayed(srv_req *r, int rc, int64_t id, srv_resp *out)
{
    if (rc == 2) return srv_error(out, 422, "idempotency_key_reused", "this Idempotency-Key belongs to another channel");
    if (rc == 3)
        return srv_error(out, 422, "idempotency_key_reused",
                         "this Idempotency-Key came with another body: send a fresh key for a new application");
    return answer(r, id, out);
}

int route_intake(srv_req *r, srv_resp *out)
{
    const char *key = srv_header(r, "Idempotency-Key");
    intake_req in;
    decide_input di;
    decide_signals sig = { 0 };
    decide_result res;
    char field[64], why[256], *input_json;
    unsigned char digest[CRYPTO_DIGEST_BYTES];
    cJSON *body;
    int64_t now = store_now_ms(), customer_id = 0, id = 0, seq = 0;
    int rc;
    if (key && !srv_idem_key_ok(key))
        return srv_error(out, 400, "bad_idempotency_key", "Idempotency-Key must be 8 to 128 printable ASCII characters");
    if (!r->body || !r->body_len) return srv_error(out, 400, "bad_request", "a JSON body is required");
    crypto_digest(r->body, r->body_len, digest);   /* a replay is told by it before anything is parsed */
    /* one snapshot for the channel check and all reads up to the decision */
    if (srv_read_begin(r)) return -1;
    if (key && (rc = seen_key(r, key, digest, &id)) != 0) {
        if (rc < 0) return -1;
        /* the first request may still be waiting for its flush: answer
         * nothing on the strength of it before it is on disk */
        if (srv_read_end(r) || srv_write_barrier(r)) return -1;
        return replayed(r, rc, id, out);
    }
    /* the body as a whole is refused with the codes of every other route */
    if (!(body = srv_body_json(r, out))) return 0;
    rc = intake_decode(body, now, &in, field, sizeof field, why, sizeof why);
    cJSON_Delete(body);
    if (rc) return srv_error(out, 422, "invalid_field", "%s %s", field, why);
    in.app.channel = r->chan.kind;
    in.app.created_at = now;
    if (!in.app.partner[0]) yx_strlcpy(in.app.partner, r->chan.name, sizeof in.app.partner);

    if (store_customer_find(r->st, srv_data_key(r->srv), in.cust.id_number, &customer_id) < 0) return -1;
    memset(&di, 0, sizeof di);
    sig.age = in.age;
    sig.id_valid = 1;
    if ((sig.recent_apps = store_app_count_since(r->st, customer_id, now - 30LL * 24 * 3600 * 1000)) < 0) return -1;
    if (srv_read_end(r)) return -1;
    decide_app_input(&in.app, &sig, &di);
    memset(&res, 0, sizeof res);
    if (engine_decide(srv_engine(r->srv), &di, &res)) {
        decide_result_free(&res);
        return srv_error(out, 422, "undecidable", "the decision engine rejected this input");
    }
    input_json = decide_input_to_json(&di);
    {
        struct intake_job j;
        memset(&j, 0, sizeof j);
        j.in = &in;
        j.res = &res;
        j.input_json = input_json;
        j.key = key;
        j.digest = digest;
        rc = input_json ? srv_write(r, intake_job, &j) : -1;
        id = j.id;
        seq = j.seq;
        free(input_json);
        if (rc == 0) {
            metrics_decision(res.outcome);
            srv_changed(r->srv, seq);
            /* from what was stored, without reading it back */
            rc = answer_of(&j.d, id, out);
            decide_result_free(&res);   /* j.d points into res */
            return rc;
        }
    }
    decide_result_free(&res);
    if (rc < 0) return -1;
    /* The key was taken meanwhile (by this channel or another): answered
     * as a replay would be, now that its write is on disk too. */
    if ((rc = seen_key(r, key, digest, &id)) < 0) return -1;
    return replayed(r, rc, id, out);
}
