/* The decision pipeline (see decide.h). Each step reads the input and the
 * strategy, and writes what it saw and what it concluded into the trace;
 * the trace ends with the result. Nothing here allocates except the trace
 * buffer when it first grows. */
#include "core/decide.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/decide_int.h"
#include "core/reasons.h"
#include "core/util.h"

/* ---- loading ---- */

/* A file named by the strategy: relative to the directory above the
 * strategy's own (the assets directory, for assets/strategies/x.json),
 * else relative to the installed assets. */
static void resolve(char *buf, size_t n, const char *strategy_path, const char *rel)
{
    if (rel[0] == '/') { yx_strlcpy(buf, rel, n); return; }
    char dir[512];
    yx_strlcpy(dir, strategy_path, sizeof dir);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0'; else yx_strlcpy(dir, ".", sizeof dir);
    snprintf(buf, n, "%s/../%s", dir, rel);
    FILE *f = fopen(buf, "r");
    if (f) { fclose(f); return; }
    yx_asset_path(buf, n, rel);
}

int engine_load(engine **out, const char *strategy_path, char *err, size_t n)
{
    *out = NULL;
    engine *e = calloc(1, sizeof *e);
    if (!e) { snprintf(err, n, "out of memory"); return -1; }
    char path[1024];
    const char *names[F__COUNT];
    for (int i = 0; i < F__COUNT; i++) names[i] = feature_name((feature_id)i);
    if (strategy_load_file(&e->st, strategy_path, err, n)) goto fail;
    resolve(path, sizeof path, strategy_path, e->st.scorecard_file);
    if (scorecard_load_file(&e->sc, path, err, n)) goto fail;
    resolve(path, sizeof path, strategy_path, e->st.gbdt_file);
    if (gbdt_load_file(&e->gb, path, err, n)) goto fail;
    char ferr[200];
    if (gbdt_check_features(e->gb, names, F__COUNT, ferr, sizeof ferr)) {
        snprintf(err, n, "%s: %s", path, ferr);
        goto fail;
    }
    if (gbdt_get_objective(e->gb) != GBDT_BINARY_LOGISTIC && gbdt_get_objective(e->gb) != GBDT_REG_LOGISTIC) {
        snprintf(err, n, "%s: the decision model must predict a probability (binary:logistic)", path);
        goto fail;
    }
    resolve(path, sizeof path, strategy_path, e->st.rules_file);
    if (rules_load_file(&e->rl, path, err, n)) goto fail;
    for (int i = 0; i <= F__COUNT; i++) {
        int k = snprintf(e->fkey[i], sizeof e->fkey[i], "\"%s\":",
                         i < F__COUNT ? feature_name((feature_id)i) : "bias");
        e->fkey_len[i] = (size_t)k;
    }
    *out = e;
    return 0;
fail:
    engine_free(e);
    return -1;
}

void engine_free(engine *e)
{
    if (!e) return;
    scorecard_free(e->sc);
    gbdt_free(e->gb);
    rules_free(e->rl);
    free(e);
}

const char *engine_strategy_version(const engine *e) { return e->st.version; }

void decide_result_free(decide_result *r)
{
    free(r->trace);
    r->trace = NULL;
    r->trace_len = r->trace_cap = 0;
}

char *decide_reasons_join(const decide_result *r, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < r->nreasons && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "," : "", r->reasons[i]);
    return buf;
}

void decide_result_to_decision(const decide_result *r, int64_t application_id,
                               int64_t decided_at, decision *out)
{
    memset(out, 0, sizeof *out);
    out->application_id = application_id;
    out->outcome = r->outcome;
    out->risk_grade = r->risk_grade;
    out->limit_fen = r->limit_fen;
    out->apr_bp = r->apr_bp;
    yx_strlcpy(out->strategy_version, r->strategy_version ? r->strategy_version : "", sizeof out->strategy_version);
    decide_reasons_join(r, out->reasons, sizeof out->reasons);
    out->decided_at = decided_at;
    out->trace_json = r->trace;
}

void decide_result_scores(const decide_result *r, model_score out[2])
{
    memset(out, 0, 2 * sizeof *out);
    yx_strlcpy(out[0].model, "scorecard", sizeof out[0].model);
    yx_strlcpy(out[0].version, r->scorecard_version ? r->scorecard_version : "", sizeof out[0].version);
    out[0].score = r->sc_score;
    out[0].grade = r->sc_grade;
    yx_strlcpy(out[1].model, "gbdt", sizeof out[1].model);
    yx_strlcpy(out[1].version, r->gbdt_version ? r->gbdt_version : "", sizeof out[1].version);
    out[1].score = r->gb_pd;
    out[1].grade = r->gb_grade;
}

/* ---- deciding ---- */

static void add_reason(decide_result *r, const char *code)
{
    for (int i = 0; i < r->nreasons; i++)
        if (r->reasons[i] == code || !strcmp(r->reasons[i], code)) return;
    if (r->nreasons < DECIDE_MAX_REASONS) r->reasons[r->nreasons++] = code;
}

/* Features ordered by key, largest first, ties by feature order; only
 * positive keys count. Returns how many. */
static int rank(const double *key, int *order, int max)
{
    int k = 0;
    for (int i = 0; i < F__COUNT; i++) {
        if (!(key[i] > 0)) continue;
        int j = k;
        if (k < max) k++;
        else if (!(key[i] > key[order[max - 1]])) continue;
        else j = max - 1;
        while (j > 0 && key[i] > key[order[j - 1]]) { order[j] = order[j - 1]; j--; }
        order[j] = i;
    }
    return k;
}

/* Writes "Name": of feature i (i == F__COUNT: "bias":). */
static void fkey(jw *w, const engine *e, int i)
{
    jw_raw(w, e->fkey[i], e->fkey_len[i]);
}

int engine_decide(const engine *e, const decide_input *in, decide_result *out)
{
    if ((unsigned)in->channel >= CH__COUNT || (unsigned)in->product >= PROD__COUNT ||
        (unsigned)in->completeness >= CPL__COUNT || in->amount_fen < 0)
        return -1;
    for (int i = 0; i < F__COUNT; i++)   /* missing is NaN; infinities are not data */
        if (isinf(in->feat.v[i])) return -1;
    const strategy *st = &e->st;
    const double *x = in->feat.v;
    jw w = { { out->trace, 0, out->trace_cap }, 0 };
    jw_reserve(&w, 4096);
    out->nreasons = 0;
    out->strategy_version = st->version;
    out->scorecard_version = scorecard_version(e->sc);
    out->gbdt_version = gbdt_version(e->gb);

    JW_LIT(&w, "{\"strategy\":");
    jw_str(&w, st->version);
    JW_LIT(&w, ",\"steps\":[");

    /* 1. policy rules */
    rule_hit hits[16];
    int nh = rules_eval(e->rl, in, hits, 16);
    if (nh > 16) nh = 16;
    int declined = 0, referred = 0;
    JW_LIT(&w, "{\"step\":\"rules\",\"version\":");
    jw_str(&w, rules_version(e->rl));
    JW_LIT(&w, ",\"in\":{\"product\":");
    jw_str(&w, product_kind_name(in->product));
    JW_LIT(&w, ",\"amount_fen\":"); jw_int(&w, in->amount_fen);
    JW_LIT(&w, ",\"age\":"); jw_int(&w, in->age);
    if (in->id_valid) JW_LIT(&w, ",\"id_valid\":true"); else JW_LIT(&w, ",\"id_valid\":false");
    if (in->blacklist_hit) JW_LIT(&w, ",\"blacklist_hit\":true"); else JW_LIT(&w, ",\"blacklist_hit\":false");
    JW_LIT(&w, ",\"recent_apps\":"); jw_int(&w, in->recent_apps);
    JW_LIT(&w, "},\"hits\":[");
    for (int i = 0; i < nh; i++) {
        if (i) jw_raw(&w, ",", 1);
        JW_LIT(&w, "{\"code\":"); jw_str(&w, hits[i].code);
        if (hits[i].action == RULE_DECLINE) JW_LIT(&w, ",\"action\":\"decline\"}");
        else JW_LIT(&w, ",\"action\":\"refer\"}");
        if (hits[i].action == RULE_DECLINE) declined = 1; else referred = 1;
    }
    JW_LIT(&w, "]}");
    for (int pass = 0; pass < 2; pass++)   /* declines rank above refers */
        for (int i = 0; i < nh; i++)
            if ((hits[i].action == RULE_DECLINE) == (pass == 0)) add_reason(out, hits[i].code);

    /* 2. scorecard */
    scorecard_result sr;
    scorecard_eval(e->sc, &in->feat, &sr);
    out->sc_score = sr.score;
    out->sc_grade = sr.grade;
    JW_LIT(&w, ",{\"step\":\"scorecard\",\"version\":");
    jw_str(&w, out->scorecard_version);
    JW_LIT(&w, ",\"in\":{");
    for (int i = 0; i < F__COUNT; i++) {
        if (i) jw_raw(&w, ",", 1);
        fkey(&w, e, i);
        jw_num(&w, x[i]);
    }
    JW_LIT(&w, "},\"points\":{");
    for (int i = 0; i < F__COUNT; i++) {
        if (i) jw_raw(&w, ",", 1);
        fkey(&w, e, i);
        jw_int(&w, sr.points[i]);
    }
    JW_LIT(&w, "},\"score\":"); jw_int(&w, sr.score);
    JW_LIT(&w, ",\"grade\":"); jw_int(&w, sr.grade);
    jw_raw(&w, "}", 1);

    /* 3. GBDT */
    double contribs[F__COUNT + 1];
    float margin = gbdt_contribs(e->gb, x, contribs);
    double pd = gbdt_transform(e->gb, margin);
    out->gb_pd = pd;
    out->gb_grade = strategy_gbdt_grade(st, pd);
    JW_LIT(&w, ",{\"step\":\"gbdt\",\"version\":");
    jw_str(&w, out->gbdt_version);
    JW_LIT(&w, ",\"margin\":"); jw_fixed(&w, margin, 6);
    JW_LIT(&w, ",\"pd\":"); jw_fixed(&w, pd, 9);
    JW_LIT(&w, ",\"grade\":"); jw_int(&w, out->gb_grade);
    JW_LIT(&w, ",\"contribs\":{");
    for (int i = 0; i <= F__COUNT; i++) {
        if (i) jw_raw(&w, ",", 1);
        fkey(&w, e, i);
        jw_fixed(&w, contribs[i], 6);
    }
    JW_LIT(&w, "}}");

    /* 4. cross matrix */
    char grade = st->cross[sr.grade - 1][out->gb_grade - 1];
    int rg = strategy_grade_index(grade);
    out->risk_grade = grade;
    JW_LIT(&w, ",{\"step\":\"cross\",\"scorecard_grade\":"); jw_int(&w, sr.grade);
    JW_LIT(&w, ",\"gbdt_grade\":"); jw_int(&w, out->gb_grade);
    JW_LIT(&w, ",\"risk_grade\":\""); jw_raw(&w, &grade, 1); JW_LIT(&w, "\"}");

    /* 5. channel matrix: admission, base limit, cap, price, term */
    const strategy_channel *ch = &st->channel[in->channel];
    decision_outcome admit = ch->admit[rg];
    int term_ok = 0;
    for (int i = 0; i < ch->nterms; i++) term_ok |= ch->terms[i] == in->term_months;
    double income = x[F_INCOME], mult = ch->income_multiple[rg];
    double base = mult <= 0 ? 0
        : !(income > 0) ? (double)st->no_income_base_fen
        : income * (double)st->income_unit_fen * mult;
    if (base > 1e15) base = 1e15;   /* 10^13 yuan: above every cap, and fits in int64 */
    double cap = (double)ch->cap_fen[in->product];
    double capped = base < cap ? base : cap;
    JW_LIT(&w, ",{\"step\":\"channel\",\"channel\":"); jw_str(&w, channel_kind_name(in->channel));
    JW_LIT(&w, ",\"admit\":"); jw_str(&w, outcome_name(admit));
    JW_LIT(&w, ",\"term_months\":"); jw_int(&w, in->term_months);
    if (term_ok) JW_LIT(&w, ",\"term_ok\":true"); else JW_LIT(&w, ",\"term_ok\":false");
    JW_LIT(&w, ",\"income_multiple\":"); jw_fixed(&w, mult, 2);
    JW_LIT(&w, ",\"base_limit_fen\":"); jw_int(&w, (int64_t)base);
    JW_LIT(&w, ",\"cap_fen\":"); jw_int(&w, (int64_t)cap);
    JW_LIT(&w, ",\"apr_bp\":"); jw_int(&w, ch->apr_bp[rg]);
    jw_raw(&w, "}", 1);

    /* 6. completeness: the limit grows with the data supplied */
    double factor = st->completeness[in->completeness];
    int64_t limit = (int64_t)floor(capped * factor);
    limit -= limit % st->limit_round_fen;
    JW_LIT(&w, ",{\"step\":\"completeness\",\"level\":"); jw_str(&w, completeness_name(in->completeness));
    JW_LIT(&w, ",\"factor\":"); jw_fixed(&w, factor, 4);
    JW_LIT(&w, ",\"limit_fen\":"); jw_int(&w, limit);
    jw_raw(&w, "}", 1);

    /* outcome of the automatic steps */
    decision_outcome oc;
    if (declined) oc = OUT_DECLINE;
    else if (admit == OUT_DECLINE) { oc = OUT_DECLINE; add_reason(out, "S_GRADE_DECLINE"); }
    else if (!term_ok) { oc = OUT_DECLINE; add_reason(out, "S_TERM_NOT_OFFERED"); }
    else if (limit <= 0) { oc = OUT_DECLINE; add_reason(out, "S_NO_LIMIT"); }
    else if (admit == OUT_REFER) {
        oc = OUT_REFER;
        add_reason(out, rg == RG_R ? "S_MODELS_DISAGREE" : "S_GRADE_REFER");
    } else oc = referred ? OUT_REFER : OUT_APPROVE;

    /* 7. authority: above the automatic ceiling a person decides */
    int to_person = oc == OUT_APPROVE && limit > st->auto_ceiling_fen;
    if (to_person) { oc = OUT_REFER; add_reason(out, "S_ABOVE_AUTO_CEILING"); }
    JW_LIT(&w, ",{\"step\":\"authority\",\"ceiling_fen\":"); jw_int(&w, st->auto_ceiling_fen);
    if (to_person) JW_LIT(&w, ",\"to_person\":true}"); else JW_LIT(&w, ",\"to_person\":false}");

    out->outcome = oc;
    out->limit_fen = oc == OUT_DECLINE ? 0 : limit;
    out->apr_bp = oc == OUT_DECLINE ? 0 : ch->apr_bp[rg];

    /* model reasons: scorecard bins furthest below their best, GBDT
     * features pushing most toward default, alternately */
    double gap[F__COUNT];
    int sc_order[3], gb_order[3];
    for (int i = 0; i < F__COUNT; i++) gap[i] = sr.gap[i];
    int nsc = rank(gap, sc_order, 3), ngb = rank(contribs, gb_order, 3);
    for (int i = 0; i < 3; i++) {
        if (i < nsc) add_reason(out, reason_scorecard_code((feature_id)sc_order[i]));
        if (i < ngb) add_reason(out, reason_gbdt_code((feature_id)gb_order[i]));
    }

    JW_LIT(&w, "],\"outcome\":"); jw_str(&w, outcome_name(oc));
    JW_LIT(&w, ",\"risk_grade\":\""); jw_raw(&w, &grade, 1);
    JW_LIT(&w, "\",\"limit_fen\":"); jw_int(&w, out->limit_fen);
    JW_LIT(&w, ",\"apr_bp\":"); jw_int(&w, out->apr_bp);
    JW_LIT(&w, ",\"reasons\":[");
    for (int i = 0; i < out->nreasons; i++) {
        if (i) jw_raw(&w, ",", 1);
        jw_str(&w, out->reasons[i]);
    }
    JW_LIT(&w, "]}");
    out->trace = w.b.p;
    out->trace_cap = w.b.cap;
    out->trace_len = w.oom ? 0 : w.b.len;
    return w.oom ? -1 : 0;
}
