/* The channel traffic simulator; see simulate.h. */
#include "backend/simulate.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/dataset.h"
#include "core/gen.h"
#include "core/util.h"

#define SIM_MAX_THREADS 64

struct sim {
    const sim_config *cfg;
    dataset ds;
    int64_t t0_ns, end_ns;
    pthread_mutex_t mu;
    int64_t next;                 /* next request index */
    double *lat;                  /* latencies in ms */
    int64_t nlat, caplat;
    int64_t capids;
    sim_report *rep;
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_until(int64_t ns)
{
    struct timespec ts = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) { }
}

/* The intake body of one generated application. Caller frees. */
static char *app_body(const application *a, const customer *c)
{
    cJSON *b = cJSON_CreateObject(), *p = cJSON_AddObjectToObject(b, "applicant"), *f;
    char *s;
    cJSON_AddStringToObject(p, "name", c->name);
    cJSON_AddStringToObject(p, "id_number", c->id_number);
    cJSON_AddStringToObject(p, "mobile", c->mobile);
    cJSON_AddStringToObject(p, "bank_card", c->bank_card);
    cJSON_AddStringToObject(p, "province", c->province);
    cJSON_AddStringToObject(p, "city", c->city);
    cJSON_AddStringToObject(p, "employer", c->employer);
    cJSON_AddStringToObject(b, "product", product_kind_name(a->product));
    cJSON_AddStringToObject(b, "product_item", a->product_item);
    cJSON_AddStringToObject(b, "scene", a->scene);
    cJSON_AddStringToObject(b, "partner", a->partner);
    cJSON_AddNumberToObject(b, "amount_fen", (double)a->amount_fen);
    cJSON_AddNumberToObject(b, "term_months", a->term_months);
    cJSON_AddStringToObject(b, "completeness", completeness_name(a->completeness));
    f = cJSON_AddObjectToObject(b, "features");
    for (int i = 0; i < F__COUNT; i++) {
        double v = a->feat.v[i];
        int n = 0;
        const char *const *lv = feature_levels((feature_id)i, &n);
        if (isnan(v)) continue;
        if (lv) {
            if (v >= 0 && v < n) cJSON_AddStringToObject(f, feature_name((feature_id)i), lv[(int)v]);
        } else {
            cJSON_AddNumberToObject(f, feature_name((feature_id)i), v);
        }
    }
    s = cJSON_PrintUnformatted(b);
    cJSON_Delete(b);
    return s;
}

static size_t on_body(char *d, size_t sz, size_t nm, void *ud)
{
    return yx_buf_append(ud, d, sz * nm) ? 0 : sz * nm;
}

static void record(struct sim *s, double ms, long status, const char *body)
{
    sim_report *r = s->rep;
    cJSON *j = status == 201 ? cJSON_Parse(body) : NULL;
    pthread_mutex_lock(&s->mu);
    r->sent++;
    if (status >= 200 && status < 300) {
        const cJSON *id = cJSON_GetObjectItem(j, "application_id");
        const cJSON *o = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "decision"), "outcome");
        decision_outcome oc;
        r->accepted++;
        if (cJSON_IsString(o) && !outcome_parse(o->valuestring, &oc)) r->by_outcome[oc]++;
        if (cJSON_IsNumber(id) && r->nids == s->capids) {
            int64_t cap = s->capids ? s->capids * 2 : 4096;
            int64_t *ni = realloc(r->ids, sizeof *ni * (size_t)cap);
            if (ni) { r->ids = ni; s->capids = cap; }
        }
        if (cJSON_IsNumber(id) && r->nids < s->capids) r->ids[r->nids++] = (int64_t)id->valuedouble;
    } else {
        r->errors++;
    }
    if (s->nlat == s->caplat) {
        int64_t cap = s->caplat ? s->caplat * 2 : 4096;
        double *nl = realloc(s->lat, sizeof *nl * (size_t)cap);
        if (nl) { s->lat = nl; s->caplat = cap; }
    }
    if (s->nlat < s->caplat) s->lat[s->nlat++] = ms;
    pthread_mutex_unlock(&s->mu);
    cJSON_Delete(j);
}

struct worker { struct sim *s; int idx; };

static void *work(void *arg)
{
    struct worker *w = arg;
    struct sim *s = w->s;
    const sim_config *cfg = s->cfg;
    CURL *c = curl_easy_init();
    char url[512], auth[128], idem[96];
    rng rg;
    if (!c) return NULL;
    rng_seed(&rg, cfg->seed * 1000003 + (uint64_t)w->idx);
    snprintf(url, sizeof url, "%s/v1/intake/applications", cfg->server);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", cfg->channel_key);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    if (cfg->cacert) curl_easy_setopt(c, CURLOPT_CAINFO, cfg->cacert);
    for (;;) {
        int64_t i, due, start;
        application a;
        customer cu;
        yx_buf b = { 0 };
        struct curl_slist *hh;
        char *body;
        long status = 0;
        pthread_mutex_lock(&s->mu);
        i = s->next++;
        pthread_mutex_unlock(&s->mu);
        due = cfg->rate > 0 ? s->t0_ns + (int64_t)((double)i * 1e9 / cfg->rate) : mono_ns();
        if (due >= s->end_ns) break;
        gen_application(&rg, &s->ds, store_now_ms(), &a, &cu);
        body = app_body(&a, &cu);
        if (!body) break;
        snprintf(idem, sizeof idem, "Idempotency-Key: sim-%llu-%lld-%lld", (unsigned long long)cfg->seed,
                 (long long)(s->t0_ns / 1000000), (long long)i);
        hh = curl_slist_append(curl_slist_append(NULL, auth), "Content-Type: application/json");
        hh = curl_slist_append(hh, idem);
        /* Send the body at once: no "Expect: 100-continue" round trip for
         * bodies over 1 KiB, which costs a wait on every such request. */
        hh = curl_slist_append(hh, "Expect:");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hh);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
        if (cfg->rate > 0) sleep_until(due);
        start = cfg->rate > 0 ? due : mono_ns();
        if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        record(s, (double)(mono_ns() - start) / 1e6, status, b.p ? b.p : "");
        curl_slist_free_all(hh);
        free(b.p);
        free(body);
    }
    curl_easy_cleanup(c);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *v, int64_t n, double p)
{
    int64_t i;
    if (n == 0) return 0;
    i = (int64_t)ceil(p / 100.0 * (double)n) - 1;
    if (i < 0) i = 0;
    if (i >= n) i = n - 1;
    return v[i];
}

int sim_run(const sim_config *cfg, sim_report *rep, char *err, size_t errlen)
{
    struct sim s;
    pthread_t th[SIM_MAX_THREADS];
    struct worker w[SIM_MAX_THREADS];
    char path[4096];
    int nt = cfg->threads > 0 ? (cfg->threads < SIM_MAX_THREADS ? cfg->threads : SIM_MAX_THREADS) : 8;
    memset(rep, 0, sizeof *rep);
    memset(&s, 0, sizeof s);
    s.cfg = cfg;
    s.rep = rep;
    if (cfg->data_path) yx_strlcpy(path, cfg->data_path, sizeof path);
    else yx_asset_path(path, sizeof path, "data/credit_data.csv");
    if (dataset_load(path, &s.ds, err, errlen)) return -1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    pthread_mutex_init(&s.mu, NULL);
    s.t0_ns = mono_ns();
    s.end_ns = s.t0_ns + (int64_t)(cfg->duration_s * 1e9);
    for (int i = 0; i < nt; i++) {
        w[i].s = &s;
        w[i].idx = i;
        if (pthread_create(&th[i], NULL, work, &w[i])) { nt = i; break; }
    }
    for (int i = 0; i < nt; i++) pthread_join(th[i], NULL);
    rep->elapsed_s = (double)(mono_ns() - s.t0_ns) / 1e9;
    rep->achieved_rps = rep->elapsed_s > 0 ? (double)rep->accepted / rep->elapsed_s : 0;
    qsort(s.lat, (size_t)s.nlat, sizeof *s.lat, cmp_double);
    rep->p50_ms = pct(s.lat, s.nlat, 50);
    rep->p90_ms = pct(s.lat, s.nlat, 90);
    rep->p99_ms = pct(s.lat, s.nlat, 99);
    rep->max_ms = s.nlat ? s.lat[s.nlat - 1] : 0;
    free(s.lat);
    dataset_free(&s.ds);
    pthread_mutex_destroy(&s.mu);
    return 0;
}

void sim_report_free(sim_report *rep)
{
    free(rep->ids);
    rep->ids = NULL;
    rep->nids = 0;
}
