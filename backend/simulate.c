/* The channel traffic simulator; see simulate.h. */
#define _GNU_SOURCE   /* ppoll */
#include "backend/simulate.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "core/dataset.h"
#include "core/gen.h"
#include "core/util.h"

#define SIM_MAX_CONNS 64

/* One connection's request in flight. */
struct slot {
    CURL *c;
    struct curl_slist *hh;
    char *body;
    yx_buf resp;
    int64_t due;                  /* ns: the latency is measured from here */
};

struct sim {
    const sim_config *cfg;
    dataset ds;
    rng rg;
    CURLM *m;
    struct pollfd *pfd, *polled;  /* the sockets curl asked to watch; a copy to poll */
    int npfd, cappfd;
    int64_t timer_ns;             /* curl's next timeout, -1 none */
    int64_t t0_ns, end_ns;
    const _Atomic int *stop;   /* the caller's, or NULL */
    int64_t next;                 /* next request index */
    char *ready;                  /* its body, made ahead of its due time */
    double *lat;                  /* latencies in ms */
    int64_t nlat, caplat;
    int64_t capids;
    sim_report *rep;
    char (*auth)[160];            /* "Authorization: Bearer KEY" per channel */
    int nauth;
};

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
    cJSON_Delete(j);
}

/* curl's wishes for its sockets and its timeout, kept for ppoll. */
static int on_socket(CURL *e, curl_socket_t fd, int what, void *userp, void *sockp)
{
    struct sim *s = userp;
    int i = 0;
    (void)e;
    (void)sockp;
    while (i < s->npfd && s->pfd[i].fd != fd) i++;
    if (what == CURL_POLL_REMOVE) {
        if (i < s->npfd) s->pfd[i] = s->pfd[--s->npfd];
        return 0;
    }
    if (i == s->npfd) {
        /* curl may watch more sockets than connections (a resolver's,
         * a second address tried at once): the table grows */
        if (s->npfd == s->cappfd) {
            int cap = s->cappfd ? s->cappfd * 2 : 2 * SIM_MAX_CONNS;
            struct pollfd *np = realloc(s->pfd, sizeof *np * (size_t)cap);
            struct pollfd *nc = np ? realloc(s->polled, sizeof *nc * (size_t)cap) : NULL;
            if (np) s->pfd = np;
            if (!nc) return -1;   /* no memory: curl fails the transfers */
            s->polled = nc;
            s->cappfd = cap;
        }
        s->pfd[s->npfd++].fd = fd;
    }
    s->pfd[i].events = (short)(((what & CURL_POLL_IN) ? POLLIN : 0) | ((what & CURL_POLL_OUT) ? POLLOUT : 0));
    return 0;
}

static int on_timer(CURLM *m, long ms, void *userp)
{
    struct sim *s = userp;
    (void)m;
    s->timer_ns = ms < 0 ? -1 : yx_mono_ns() + (int64_t)ms * 1000000;
    return 0;
}

/* When request i is due: on the schedule, or now when there is none. */
static int64_t due_of(const struct sim *s, int64_t i)
{
    return s->cfg->rate > 0 ? s->t0_ns + (int64_t)((double)i * 1e9 / s->cfg->rate) : yx_mono_ns();
}

/* The next request's body, made before it is due so that its making is
 * not counted in its latency. */
static char *next_body(struct sim *s)
{
    application a;
    customer cu;
    gen_application(&s->rg, &s->ds, store_now_ms(), &a, &cu);
    return app_body(&a, &cu);
}

/* Sends request s->next on the idle connection sl. */
static int start(struct sim *s, struct slot *sl, int64_t due)
{
    char idem[96];
    sl->body = s->ready ? s->ready : next_body(s);
    s->ready = NULL;
    if (!sl->body) return -1;
    snprintf(idem, sizeof idem, "Idempotency-Key: sim-%llu-%lld-%lld", (unsigned long long)s->cfg->seed,
             (long long)(s->t0_ns / 1000000), (long long)s->next);
    sl->hh = curl_slist_append(curl_slist_append(NULL, s->auth[s->next % s->nauth]), "Content-Type: application/json");
    sl->hh = curl_slist_append(sl->hh, idem);
    /* Send the body at once: no "Expect: 100-continue" round trip for
     * bodies over 1 KiB, which costs a wait on every such request. */
    sl->hh = curl_slist_append(sl->hh, "Expect:");
    curl_easy_setopt(sl->c, CURLOPT_HTTPHEADER, sl->hh);
    curl_easy_setopt(sl->c, CURLOPT_POSTFIELDS, sl->body);
    sl->due = due;
    s->next++;
    return curl_multi_add_handle(s->m, sl->c) == CURLM_OK ? 0 : -1;
}

/* Counts the finished requests and gives their connections back. */
static void reap(struct sim *s, struct slot **idle, int *nidle, int *busy)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(s->m, &left)) != NULL) {
        struct slot *sl = NULL;
        long status = 0;
        int64_t end = yx_mono_ns();
        if (msg->msg != CURLMSG_DONE) continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&sl);
        if (msg->data.result == CURLE_OK) curl_easy_getinfo(sl->c, CURLINFO_RESPONSE_CODE, &status);
        curl_multi_remove_handle(s->m, sl->c);
        record(s, (double)(end - sl->due) / 1e6, status, sl->resp.p ? sl->resp.p : "");
        curl_slist_free_all(sl->hh);
        free(sl->body);
        free(sl->resp.p);
        memset(&sl->resp, 0, sizeof sl->resp);
        sl->hh = NULL;
        sl->body = NULL;
        idle[(*nidle)++] = sl;
        (*busy)--;
    }
}

/* A request still waiting for a free connection this long after the end
 * of the run is given up and counted as failed: against a server that
 * hangs, the run ends within curl's timeout of its end, not after every
 * due request has waited out its own. */
#define SIM_LATE_NS ((int64_t)1000000000)

/* Lets curl act on a socket (or on its timeout: CURL_SOCKET_TIMEOUT) and
 * counts what finished, timed as soon as curl reports it. */
static void act(struct sim *s, curl_socket_t fd, int ev, struct slot **idle, int *nidle, int *busy)
{
    int running = 0;
    curl_multi_socket_action(s->m, fd, ev, &running);
    reap(s, idle, nidle, busy);
}

/* One thread drives every connection through curl's multi interface and
 * ppoll, which sleeps to the nanosecond: no thread per connection to
 * wake, so the simulator takes little of the CPU the server under test
 * shares with it. A request waits for a free connection when all are
 * busy, as a channel with that many connections would; its latency still
 * counts from its due time. */
static int loop(struct sim *s, struct slot *slots, int n, char *err, size_t errlen)
{
    struct slot *idle[SIM_MAX_CONNS];
    int nidle = n, busy = 0;
    for (int i = 0; i < n; i++) idle[i] = &slots[n - 1 - i];
    for (;;) {
        struct timespec ts, *tp = NULL;
        int64_t now = yx_mono_ns(), due = due_of(s, s->next), wake = -1;
        nfds_t np;
        int started = 0;
        /* stopped: the run ends before the next request, sent or late */
        if (s->stop && *s->stop && due < s->end_ns) s->end_ns = due;
        if (now >= s->end_ns + SIM_LATE_NS)
            for (; due < s->end_ns; due = due_of(s, s->next)) {
                record(s, (double)(now - due) / 1e6, 0, "");
                s->next++;
            }
        /* every request that is due, on a free connection */
        while (nidle && due < s->end_ns && due <= yx_mono_ns()) {
            if (start(s, idle[--nidle], due)) {
                snprintf(err, errlen, "cannot build a request");
                return -1;
            }
            busy++;
            started = 1;
            due = due_of(s, s->next);
        }
        if (started) act(s, CURL_SOCKET_TIMEOUT, 0, idle, &nidle, &busy);
        if (!busy && due >= s->end_ns) return 0;
        if (!s->ready && due < s->end_ns) s->ready = next_body(s);
        if (nidle && due < s->end_ns) wake = due;
        if (busy && due < s->end_ns && !nidle) wake = s->end_ns + SIM_LATE_NS;
        if (s->timer_ns >= 0 && (wake < 0 || s->timer_ns < wake)) wake = s->timer_ns;
        if (wake < 0 && !busy) continue;   /* nothing to wait for: never sleep for good */
        now = yx_mono_ns();
        if (wake >= 0) {
            int64_t d = wake > now ? wake - now : 0;
            ts.tv_sec = (time_t)(d / 1000000000);
            ts.tv_nsec = (long)(d % 1000000000);
            tp = &ts;
        }
        np = (nfds_t)s->npfd;
        if (np) memcpy(s->polled, s->pfd, sizeof s->pfd[0] * np);
        for (nfds_t i = 0; i < np; i++) s->polled[i].revents = 0;
        if (ppoll(np ? s->polled : NULL, np, tp, NULL) < 0 && errno != EINTR) {
            snprintf(err, errlen, "cannot wait for the server: %s", strerror(errno));
            return -1;
        }
        for (nfds_t i = 0; i < np; i++) {
            struct pollfd *p = &s->polled[i];
            if (p->revents)
                act(s, p->fd,
                    ((p->revents & (POLLIN | POLLHUP)) ? CURL_CSELECT_IN : 0) |
                        ((p->revents & POLLOUT) ? CURL_CSELECT_OUT : 0) |
                        ((p->revents & (POLLERR | POLLNVAL)) ? CURL_CSELECT_ERR : 0),
                    idle, &nidle, &busy);
        }
        if (s->timer_ns >= 0 && s->timer_ns <= yx_mono_ns()) {
            s->timer_ns = -1;
            act(s, CURL_SOCKET_TIMEOUT, 0, idle, &nidle, &busy);
        }
    }
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
    struct slot slots[SIM_MAX_CONNS];
    char path[4096], url[512];
    int n = cfg->connections > 0 ? (cfg->connections < SIM_MAX_CONNS ? cfg->connections : SIM_MAX_CONNS) : 8;
    int rc = 0, slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
    memset(rep, 0, sizeof *rep);
    memset(&s, 0, sizeof s);
    memset(slots, 0, sizeof slots);
    s.cfg = cfg;
    s.rep = rep;
    s.timer_ns = -1;
    rng_seed(&s.rg, cfg->seed * 1000003);
    if (cfg->data_path) yx_strlcpy(path, cfg->data_path, sizeof path);
    else yx_asset_path(path, sizeof path, "data/credit_data.csv");
    if (dataset_load(path, &s.ds, err, errlen)) return -1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    snprintf(url, sizeof url, "%s/v1/intake/applications", cfg->server);
    s.nauth = cfg->nkeys > 0 ? cfg->nkeys : 1;
    if (!(s.auth = calloc((size_t)s.nauth, sizeof *s.auth))) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
        goto out;
    }
    for (int k = 0; k < s.nauth; k++)
        snprintf(s.auth[k], sizeof s.auth[k], "Authorization: Bearer %s",
                 cfg->nkeys > 0 ? cfg->channel_keys[k] : cfg->channel_key ? cfg->channel_key : "");
    if (!(s.m = curl_multi_init())) {
        snprintf(err, errlen, "cannot start the HTTP client");
        rc = -1;
        goto out;
    }
    curl_multi_setopt(s.m, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(s.m, CURLMOPT_SOCKETDATA, &s);
    curl_multi_setopt(s.m, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(s.m, CURLMOPT_TIMERDATA, &s);
    curl_multi_setopt(s.m, CURLMOPT_MAXCONNECTS, (long)n);
    curl_multi_setopt(s.m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)n);
    /* one request per connection at a time, even over HTTP/2 */
    curl_multi_setopt(s.m, CURLMOPT_PIPELINING, (long)CURLPIPE_NOTHING);
    for (int i = 0; i < n; i++) {
        CURL *c = slots[i].c = curl_easy_init();
        if (!c) {
            snprintf(err, errlen, "cannot start the HTTP client");
            rc = -1;
            goto out;
        }
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)((cfg->timeout_s > 0 ? cfg->timeout_s : 30) * 1000));
        curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &slots[i].resp);
        curl_easy_setopt(c, CURLOPT_PRIVATE, (char *)&slots[i]);
        if (cfg->cacert) curl_easy_setopt(c, CURLOPT_CAINFO, cfg->cacert);
    }
    /* wake at the due time, not up to 50 microseconds after it */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    s.t0_ns = yx_mono_ns();
    s.end_ns = s.t0_ns + (int64_t)(cfg->duration_s * 1e9);
    s.stop = cfg->stop;
    rc = loop(&s, slots, n, err, errlen);
    rep->elapsed_s = (double)(yx_mono_ns() - s.t0_ns) / 1e9;
    rep->achieved_rps = rep->elapsed_s > 0 ? (double)rep->accepted / rep->elapsed_s : 0;
    qsort(s.lat, (size_t)s.nlat, sizeof *s.lat, cmp_double);
    rep->p50_ms = pct(s.lat, s.nlat, 50);
    rep->p90_ms = pct(s.lat, s.nlat, 90);
    rep->p99_ms = pct(s.lat, s.nlat, 99);
    rep->max_ms = s.nlat ? s.lat[s.nlat - 1] : 0;
out:
    if (slack > 0) prctl(PR_SET_TIMERSLACK, (unsigned long)slack, 0, 0, 0);
    for (int i = 0; i < n; i++)
        if (slots[i].c) {
            if (slots[i].body) curl_multi_remove_handle(s.m, slots[i].c);
            curl_easy_cleanup(slots[i].c);
            curl_slist_free_all(slots[i].hh);
            free(slots[i].body);
            free(slots[i].resp.p);
        }
    if (s.m) curl_multi_cleanup(s.m);
    free(s.ready);
    free(s.pfd);
    free(s.polled);
    free(s.auth);
    free(s.lat);
    dataset_free(&s.ds);
    if (rc) sim_report_free(rep);
    return rc;
}

void sim_report_free(sim_report *rep)
{
    free(rep->ids);
    rep->ids = NULL;
    rep->nids = 0;
}
