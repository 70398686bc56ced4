/* Demo data generator (see gen.h).
 *
 * Each application samples one row of the real credit data set and
 * perturbs its numbers a little (missing stays missing, categorical levels
 * stay valid), so the models see realistic applicants; the person behind it
 * is synthetic (core/person) with an age matching the Age feature. Channel,
 * product, scene, completeness, amount and term follow plausible shares.
 * Everything is drawn from one seeded rng in a fixed order, so a seed fixes
 * the data; rows go in through prepared statements in large transactions. */
#include "core/gen.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/decide_app.h"
#include "core/person.h"
#include "core/store_app.h"
#include "core/store_user.h"
#include "core/util.h"

#define GEN_BATCH 50000               /* rows per transaction */
#define DAY_MS (24LL * 3600 * 1000)
#define SPREAD_DAYS 90

/* ---- demo principals ----------------------------------------------- */

static const struct { const char *name; user_role role; } demo_users[] = {
    { "officer", ROLE_OFFICER }, { "risk", ROLE_RISK }, { "auditor", ROLE_AUDITOR },
    { "support", ROLE_SUPPORT }, { "admin", ROLE_ADMIN },
};

/* One demo channel per kind (they have no key: `yxd channel add` issues
 * keys), and the partners that send through each kind. */
static const char *const channel_names[CH__COUNT] = {
    "tulv-api", "xinyi-semi", "kanbo-h5", "yixiang-app",
};
static const char *const partners[CH__COUNT][3] = {
    { "途旅网", "乐购商城", "星驰出行" },
    { "鑫易贷超", "安居家装", "学途教育" },
    { "看播直播", "悦享生活", "微点优选" },
    { "易享App", "易享App", "易享小程序" },
};

static int ensure_channels(store *s, int64_t ids[CH__COUNT])
{
    for (int k = 0; k < CH__COUNT; k++) {
        sqlite3_stmt *st = store_stmt(s,
            "INSERT OR IGNORE INTO channels(name, kind, created_at) VALUES (?1, ?2, ?3)");
        int rc;
        if (!st) return -1;
        sqlite3_bind_text(st, 1, channel_names[k], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, channel_kind_name((channel_kind)k), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, store_now_ms());   /* kept on re-runs: INSERT OR IGNORE */
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) return store_fail(s, "cannot add channel: %s", sqlite3_errmsg(store_db(s)));
        st = store_stmt(s, "SELECT id FROM channels WHERE name = ?1");
        if (!st) return -1;
        sqlite3_bind_text(st, 1, channel_names[k], -1, SQLITE_STATIC);
        ids[k] = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
    }
    return 0;
}

int gen_demo_principals(store *s, char *err, size_t errlen)
{
    int64_t ids[CH__COUNT];
    for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++)
        if (store_user_add(s, demo_users[i].name, demo_users[i].role, GEN_DEMO_PASSWORD, NULL) < 0) {
            snprintf(err, errlen, "cannot add demo user %s: %s", demo_users[i].name, store_errmsg(s));
            return -1;
        }
    if (ensure_channels(s, ids)) {
        snprintf(err, errlen, "%s", store_errmsg(s));
        return -1;
    }
    return 0;
}

/* ---- one application ----------------------------------------------- */

static const int channel_w[CH__COUNT] = { 35, 20, 25, 20 };
/* product shares per channel kind: mall, cash, smb */
static const int product_w[CH__COUNT][PROD__COUNT] = {
    { 60, 30, 10 }, { 30, 50, 20 }, { 70, 30, 0 }, { 35, 50, 15 },
};
static const char *const mall_items[] = {
    "数码3C", "家电", "美妆", "母婴", "家居", "服饰", "旅游度假", "教育培训",
};
static const int mall_item_w[] = { 28, 18, 14, 10, 10, 10, 6, 4 };
static const char *const scenes[] = {
    "travel", "shopping", "social", "entertainment", "live_streaming",
};
/* scene shares for mall goods, for cash loans, for small-business loans */
static const int scene_w[PROD__COUNT][5] = {
    { 6, 54, 8, 10, 22 }, { 15, 35, 20, 25, 5 }, { 5, 60, 20, 5, 10 },
};
static const int completeness_w[CPL__COUNT] = { 30, 28, 20, 13, 9 };
static const int mall_terms[] = { 3, 6, 12, 24 }, mall_term_w[] = { 25, 30, 35, 10 };
static const int cash_terms[] = { 3, 6, 12, 24, 36 }, cash_term_w[] = { 10, 20, 40, 20, 10 };
static const int smb_terms[] = { 6, 12, 24, 36 }, smb_term_w[] = { 15, 40, 30, 15 };

#define NELEM(a) (int)(sizeof(a) / sizeof((a)[0]))

/* Multiplies v by a normal factor around 1 of relative spread sd, rounds to
 * a multiple of step, and keeps it at least lo. Missing stays missing. */
static double jiggle(rng *r, double v, double sd, double step, double lo)
{
    double x;
    if (isnan(v)) return v;
    x = v * (1.0 + sd * rng_normal(r));
    x = round(x / step) * step;
    return x < lo ? lo : x;
}

static void perturb(rng *r, features *f)
{
    double age = f->v[F_AGE];
    /* Counting features move by at most a year; money by a few percent. */
    if (!isnan(f->v[F_SENIORITY]))
        f->v[F_SENIORITY] = fmax(0, f->v[F_SENIORITY] + (double)rng_range(r, -1, 1));
    if (!isnan(age)) f->v[F_AGE] = fmin(75, fmax(18, age + (double)rng_range(r, -1, 1)));
    if (!isnan(f->v[F_SENIORITY]) && !isnan(f->v[F_AGE]))
        f->v[F_SENIORITY] = fmin(f->v[F_SENIORITY], f->v[F_AGE] - 16);
    f->v[F_EXPENSES] = jiggle(r, f->v[F_EXPENSES], 0.05, 1, 35);
    f->v[F_INCOME] = jiggle(r, f->v[F_INCOME], 0.08, 1, 0);
    f->v[F_ASSETS] = jiggle(r, f->v[F_ASSETS], 0.08, 100, 0);
    f->v[F_DEBT] = jiggle(r, f->v[F_DEBT], 0.08, 50, 0);
    f->v[F_AMOUNT] = jiggle(r, f->v[F_AMOUNT], 0.08, 50, 100);
    f->v[F_PRICE] = jiggle(r, f->v[F_PRICE], 0.06, 1, 100);
    if (!isnan(f->v[F_PRICE]) && !isnan(f->v[F_AMOUNT]) && f->v[F_PRICE] < f->v[F_AMOUNT])
        f->v[F_PRICE] = f->v[F_AMOUNT];
}

static int pick_term(rng *r, const int *terms, const int *w, int n)
{
    return terms[rng_weighted(r, w, n)];
}

void gen_application(rng *r, const dataset *ds, int64_t created_at, application *a, customer *c)
{
    int ch, prod, age;
    double scale;
    memset(a, 0, sizeof *a);
    a->feat = ds->rows[rng_below(r, (uint64_t)ds->n)];
    perturb(r, &a->feat);
    ch = rng_weighted(r, channel_w, CH__COUNT);
    a->channel = (channel_kind)ch;
    yx_strlcpy(a->partner, partners[ch][rng_below(r, 3)], sizeof a->partner);
    prod = rng_weighted(r, product_w[ch], PROD__COUNT);
    a->product = (product_kind)prod;
    /* The data set's Amount sets the applicant's scale; each product turns it
     * into a typical amount of its own (yuan, rounded like real requests). */
    scale = isnan(a->feat.v[F_AMOUNT]) ? 1000 : a->feat.v[F_AMOUNT];
    switch (a->product) {
    case PROD_MALL:
        yx_strlcpy(a->product_item, mall_items[rng_weighted(r, mall_item_w, NELEM(mall_item_w))],
                   sizeof a->product_item);
        a->amount_fen = (int64_t)(fmax(1, round(scale * 2 / 100)) * 100) * YX_FEN_PER_YUAN;
        a->term_months = pick_term(r, mall_terms, mall_term_w, NELEM(mall_terms));
        break;
    case PROD_CASH:
        yx_strlcpy(a->product_item, "现金贷", sizeof a->product_item);
        a->amount_fen = (int64_t)(fmax(1, round(scale * 5 / 500)) * 500) * YX_FEN_PER_YUAN;
        a->term_months = pick_term(r, cash_terms, cash_term_w, NELEM(cash_terms));
        break;
    default:
        yx_strlcpy(a->product_item, "经营贷", sizeof a->product_item);
        a->amount_fen = (int64_t)(fmax(10, round(scale * 40 / 1000)) * 1000) * YX_FEN_PER_YUAN;
        a->term_months = pick_term(r, smb_terms, smb_term_w, NELEM(smb_terms));
        break;
    }
    if (a->product == PROD_MALL && !strcmp(a->product_item, "旅游度假"))
        yx_strlcpy(a->scene, "travel", sizeof a->scene);
    else
        yx_strlcpy(a->scene, scenes[rng_weighted(r, scene_w[prod], 5)], sizeof a->scene);
    a->completeness = (completeness_level)rng_weighted(r, completeness_w, CPL__COUNT);
    /* The platform's own app collects more data: one level up, half the time. */
    if (a->channel == CH_OWN && a->completeness < CPL_BUREAU && rng_below(r, 2))
        a->completeness++;
    a->status = APP_SUBMITTED;
    a->created_at = created_at;
    a->updated_at = created_at;
    age = isnan(a->feat.v[F_AGE]) ? 35 : (int)a->feat.v[F_AGE];
    person_gen(r, age, a->created_at, c);
}

/* ---- the load ------------------------------------------------------ */

/* The load runs as a pipeline of two threads: a producer draws
 * applications and decides them (all the rng use, so a seed still fixes
 * the data), a chunk at a time, while the caller's thread stores the chunk
 * before. Deciding costs about as much as storing, so on two cores this
 * nearly halves the time of a decided load. */
#define GEN_CHUNK 512

/* One application on its way to the store. */
typedef struct {
    application a;
    customer    c;
    decide_result res;        /* trace buffer reused when the slot is */
    char   *input_json;       /* malloc'd; NULL without an engine */
    int64_t decided_at;
    decide_case kase;
    const char *bad;          /* why it could not be decided, or NULL */
} gen_item;

typedef struct {
    const dataset *ds;
    const engine  *e;
    rng      r;
    int64_t  n, now_ms, span;
    gen_item items[2][GEN_CHUNK];
    int      full[2];         /* chunk ready for the store */
    int      stop;            /* the store gave up */
    pthread_mutex_t mu;
    pthread_cond_t  cv;
} gen_pipe;

/* Decides application it->a of customer it->c (before it is stored: the
 * engine needs no ids) and sets its status from the outcome. Automatic
 * outcomes are settled on line 1 and line 3 samples 2% of them; a referral
 * waits on line 1. About one applicant in 200 is on the platform's
 * blacklist, so the demo shows policy declines. */
static void decide_one(rng *r, const engine *e, gen_item *it)
{
    decide_signals sig;
    decide_input in;
    const customer *c = &it->c;
    it->decided_at = it->a.created_at + 40 + (int64_t)rng_below(r, 400);
    it->kase = rng_below(r, 50) == 0 ? DECIDE_CASE_SAMPLED : DECIDE_CASE_SETTLED;
    sig.age = person_age(c->birth_year, c->birth_month, c->birth_day, it->a.created_at);
    sig.id_valid = person_id_valid(c->id_number);
    sig.blacklist_hit = rng_below(r, 200) == 0;
    sig.recent_apps = 0;              /* every demo applicant is new */
    decide_app_input(&it->a, &sig, &in);
    if (engine_decide(e, &in, &it->res)) { it->bad = "the decision engine refused it"; return; }
    if (!(it->input_json = decide_input_to_json(&in))) { it->bad = "out of memory"; return; }
    it->a.status = store_status_for_outcome(it->res.outcome);
}

static void *produce(void *arg)
{
    gen_pipe *p = arg;
    for (int64_t i = 0, k = 0; i < p->n; k++) {
        int slot = (int)(k & 1), stop;
        pthread_mutex_lock(&p->mu);
        while (p->full[slot] && !p->stop) pthread_cond_wait(&p->cv, &p->mu);
        stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop) break;
        for (int j = 0; j < GEN_CHUNK && i < p->n; j++, i++) {
            gen_item *it = &p->items[slot][j];
            /* Arrival times rise with the row number, as ids do in real
             * life; it also keeps the time indexes appending instead of
             * rewriting pages all over on every batch, which is what makes
             * a million rows practical. */
            int64_t t = p->now_ms - p->span + (i * p->span + (int64_t)rng_below(&p->r, (uint64_t)p->span)) / p->n;
            gen_application(&p->r, p->ds, t, &it->a, &it->c);
            free(it->input_json);
            it->input_json = NULL;
            it->bad = NULL;
            if (p->e) decide_one(&p->r, p->e, it);
        }
        pthread_mutex_lock(&p->mu);
        p->full[slot] = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    return NULL;
}

/* Stores one application, its customer and its decision (with an engine). */
static int store_item(store *s, const crypto_key *k, const int64_t ch_ids[CH__COUNT], gen_item *it,
                      const engine *e)
{
    application *a = &it->a;
    if (it->bad) return store_fail(s, "%s", it->bad);
    if (store_customer_insert_at(s, &it->c, k, a->created_at, &a->customer_id) ||
        store_app_insert_from(s, a, ch_ids[a->channel], NULL, NULL, NULL) < 0)
        return -1;
    if (e && decide_app_record(s, a, &it->res, it->input_json, it->decided_at, it->kase,
                               channel_names[a->channel], NULL))
        return -1;
    return 0;
}

int gen_demo_at(store *s, const crypto_key *k, const dataset *ds, int64_t n, uint64_t seed,
                int64_t now_ms, const engine *e, char *err, size_t errlen)
{
    int64_t ch_ids[CH__COUNT], i = 0;
    gen_pipe *p;
    pthread_t th;
    int in_tx = 0, rc = -1, started = 0;
    if (!ds || ds->n <= 0) { snprintf(err, errlen, "the data set is empty"); return -1; }
    if (n < 0) { snprintf(err, errlen, "negative number of applications"); return -1; }
    /* A batch must fit in the page cache, else SQLite spills half-built
     * index pages to the WAL many times per row. */
    {
        sqlite3_stmt *st = store_stmt(s, "PRAGMA cache_size=-262144");   /* 256 MiB */
        if (!st) { snprintf(err, errlen, "demo data: %s", store_errmsg(s)); return -1; }
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    if (ensure_channels(s, ch_ids)) { snprintf(err, errlen, "demo data: %s", store_errmsg(s)); return -1; }
    if (!(p = calloc(1, sizeof *p))) { snprintf(err, errlen, "demo data: out of memory"); return -1; }
    p->ds = ds;
    p->e = e;
    p->n = n;
    p->now_ms = now_ms > 0 ? now_ms : store_now_ms();
    p->span = SPREAD_DAYS * DAY_MS;
    rng_seed(&p->r, seed);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&th, NULL, produce, p)) {
        snprintf(err, errlen, "demo data: cannot start a thread");
        goto out;
    }
    started = 1;
    for (int64_t k2 = 0; i < n; k2++) {
        int slot = (int)(k2 & 1);
        pthread_mutex_lock(&p->mu);
        while (!p->full[slot]) pthread_cond_wait(&p->cv, &p->mu);
        pthread_mutex_unlock(&p->mu);
        for (int j = 0; j < GEN_CHUNK && i < n; j++, i++) {
            if (!in_tx) {
                if (store_begin(s)) goto fail;
                in_tx = 1;
            }
            if (store_item(s, k, ch_ids, &p->items[slot][j], e)) {
                snprintf(err, errlen, "demo data: application %lld: %s", (long long)i + 1, store_errmsg(s));
                goto out;
            }
            if ((i + 1) % GEN_BATCH == 0) {
                if (store_commit(s)) goto fail;
                in_tx = 0;
            }
        }
        pthread_mutex_lock(&p->mu);
        p->full[slot] = 0;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    if (in_tx && store_commit(s)) goto fail;
    in_tx = 0;
    rc = 0;
    goto out;
fail:
    snprintf(err, errlen, "demo data: %s", store_errmsg(s));
out:
    if (rc) store_rollback(s);
    if (started) {
        pthread_mutex_lock(&p->mu);
        p->stop = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        pthread_join(th, NULL);
    }
    for (int sl = 0; sl < 2; sl++)
        for (int j = 0; j < GEN_CHUNK; j++) {
            free(p->items[sl][j].input_json);
            decide_result_free(&p->items[sl][j].res);
        }
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
    return rc;
}

int gen_demo(store *s, const crypto_key *k, const dataset *ds, int64_t n, uint64_t seed,
             const engine *e, char *err, size_t errlen)
{
    return gen_demo_at(s, k, ds, n, seed, 0, e, err, errlen);
}
