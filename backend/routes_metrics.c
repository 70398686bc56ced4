/* GET /v1/metrics in the Prometheus text format (version 0.0.4): requests
 * by route and status, latency histograms by route, decisions by outcome
 * and the change feed's position. The counters are process-wide and
 * updated under one mutex; a scrape copies them out first. No personal
 * data ever appears here, which is why the route is public. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/routes.h"
#include "backend/metrics.h"
#include "core/util.h"

#define MAX_ROUTES 64

static const int codes[] = { 200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 422, 429, 431, 500, 503 };
#define NCODES ((int)(sizeof codes / sizeof codes[0]))
static const double buckets[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10 };
#define NBUCKETS ((int)(sizeof buckets / sizeof buckets[0]))

struct hist {
    unsigned long long n[NBUCKETS];           /* non-cumulative */
    unsigned long long count;
    double sum;
};

struct route_stats {
    unsigned long long by_code[NCODES + 1];   /* last slot: any other code */
    struct hist lat;
};

static struct {
    pthread_mutex_t mu;
    struct route_stats route[MAX_ROUTES + 1];  /* last slot: unmatched paths */
    unsigned long long decisions[OUT__COUNT];
    long long delivered_seq;
    struct hist flush, batch, restart, ckpt;   /* WAL flushes; write batches; WAL restarts; checkpoints */
    unsigned long long batch_requests;
} m = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* Caller holds m.mu. */
static void hist_add(struct hist *h, double seconds)
{
    int bi = 0;
    while (bi < NBUCKETS && seconds > buckets[bi]) bi++;
    if (bi < NBUCKETS) h->n[bi]++;
    h->count++;
    h->sum += seconds;
}

void metrics_observe(const route *rt, int status, double seconds)
{
    int ri = rt ? (int)(rt - routes) : MAX_ROUTES, ci = NCODES;
    if (ri < 0 || ri > MAX_ROUTES) ri = MAX_ROUTES;
    for (int i = 0; i < NCODES; i++) if (codes[i] == status) { ci = i; break; }
    pthread_mutex_lock(&m.mu);
    m.route[ri].by_code[ci]++;
    hist_add(&m.route[ri].lat, seconds);
    pthread_mutex_unlock(&m.mu);
}

void metrics_flush(double seconds)
{
    pthread_mutex_lock(&m.mu);
    hist_add(&m.flush, seconds);
    pthread_mutex_unlock(&m.mu);
}

void metrics_wal_restart(double seconds)
{
    pthread_mutex_lock(&m.mu);
    hist_add(&m.restart, seconds);
    pthread_mutex_unlock(&m.mu);
}

void metrics_checkpoint(double seconds)
{
    pthread_mutex_lock(&m.mu);
    hist_add(&m.ckpt, seconds);
    pthread_mutex_unlock(&m.mu);
}

void metrics_write_batch(int requests, double seconds)
{
    pthread_mutex_lock(&m.mu);
    hist_add(&m.batch, seconds);
    m.batch_requests += (unsigned long long)requests;
    pthread_mutex_unlock(&m.mu);
}

void metrics_decision(decision_outcome o)
{
    if (o < 0 || o >= OUT__COUNT) return;
    pthread_mutex_lock(&m.mu);
    m.decisions[o]++;
    pthread_mutex_unlock(&m.mu);
}

void metrics_delivered(int64_t seq)
{
    pthread_mutex_lock(&m.mu);
    if (seq > m.delivered_seq) m.delivered_seq = seq;
    pthread_mutex_unlock(&m.mu);
}

/* The page being written; one failed append (no memory) fails it all. */
struct page { yx_buf b; int failed; };

static void bprintf(struct page *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct page *pg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (yx_buf_vprintf(&pg->b, fmt, ap)) pg->failed = 1;
    va_end(ap);
}

/* One histogram's lines; labels is "" or 'route="x",'. */
static void print_hist(struct page *pg, const char *name, const char *labels, const struct hist *h)
{
    unsigned long long cum = 0;
    size_t ll = strlen(labels);
    /* the label set without its trailing comma, for _sum and _count */
    int bare = ll ? (int)ll - 1 : 0;
    for (int k = 0; k < NBUCKETS; k++) {
        cum += h->n[k];
        bprintf(pg, "%s_bucket{%sle=\"%g\"} %llu\n", name, labels, buckets[k], cum);
    }
    bprintf(pg, "%s_bucket{%sle=\"+Inf\"} %llu\n", name, labels, h->count);
    bprintf(pg, "%s_sum%s%.*s%s %.6f\n", name, bare ? "{" : "", bare, labels, bare ? "}" : "", h->sum);
    bprintf(pg, "%s_count%s%.*s%s %llu\n", name, bare ? "{" : "", bare, labels, bare ? "}" : "", h->count);
}

int route_metrics(srv_req *r, srv_resp *out)
{
    static struct route_stats snap[MAX_ROUTES + 1];
    static pthread_mutex_t snap_mu = PTHREAD_MUTEX_INITIALIZER;
    unsigned long long dec[OUT__COUNT], batch_requests;
    struct hist flush, batch, restart, ckpt;
    long long delivered;
    int64_t last = srv_last_change(r->srv);
    struct page b = { { 0 }, 0 };
    int nr = routes_count < MAX_ROUTES ? routes_count : MAX_ROUTES;

    pthread_mutex_lock(&snap_mu);
    pthread_mutex_lock(&m.mu);
    memcpy(snap, m.route, sizeof snap);
    memcpy(dec, m.decisions, sizeof dec);
    delivered = m.delivered_seq;
    flush = m.flush;
    batch = m.batch;
    restart = m.restart;
    ckpt = m.ckpt;
    batch_requests = m.batch_requests;
    pthread_mutex_unlock(&m.mu);

    bprintf(&b, "# HELP yxd_requests_total HTTP requests by route and status.\n"
                "# TYPE yxd_requests_total counter\n");
    for (int i = 0; i <= nr; i++) {
        int ri = i < nr ? i : MAX_ROUTES;
        const char *name = i < nr ? routes[i].name : "unmatched";
        for (int c = 0; c <= NCODES; c++)
            if (snap[ri].by_code[c])
                bprintf(&b, "yxd_requests_total{route=\"%s\",status=\"%s%d\"} %llu\n", name,
                        c < NCODES ? "" : "other", c < NCODES ? codes[c] : 0, snap[ri].by_code[c]);
    }
    bprintf(&b, "# HELP yxd_request_duration_seconds Time from request to response.\n"
                "# TYPE yxd_request_duration_seconds histogram\n");
    for (int i = 0; i < nr; i++) {
        char labels[96];
        if (!snap[i].lat.count) continue;
        snprintf(labels, sizeof labels, "route=\"%s\",", routes[i].name);
        print_hist(&b, "yxd_request_duration_seconds", labels, &snap[i].lat);
    }
    pthread_mutex_unlock(&snap_mu);
    bprintf(&b, "# HELP yxd_decisions_total Automatic decisions by outcome.\n"
                "# TYPE yxd_decisions_total counter\n");
    for (int o = 0; o < OUT__COUNT; o++)
        bprintf(&b, "yxd_decisions_total{outcome=\"%s\"} %llu\n", outcome_name((decision_outcome)o), dec[o]);
    bprintf(&b, "# HELP yxd_changes_last_seq Newest change-feed sequence on disk (the feed serves up to it).\n"
                "# TYPE yxd_changes_last_seq gauge\nyxd_changes_last_seq %lld\n"
                "# HELP yxd_changes_lag Changes on disk but not yet delivered to any reader.\n"
                "# TYPE yxd_changes_lag gauge\nyxd_changes_lag %lld\n",
            (long long)last, (long long)(last > delivered ? last - delivered : 0));
    {   /* disputes past their deadline (15 days, or 30 extended) and still
         * open: what an operator alerts on, without anyone reading them */
        int64_t overdue = disputes_overdue(r->st);
        if (overdue >= 0)
            bprintf(&b, "# HELP yxd_disputes_overdue Open disputes past their deadline.\n"
                        "# TYPE yxd_disputes_overdue gauge\nyxd_disputes_overdue %lld\n", (long long)overdue);
    }
    bprintf(&b, "# HELP yxd_requests_in_flight Requests received and not yet answered.\n"
                "# TYPE yxd_requests_in_flight gauge\nyxd_requests_in_flight %d\n", srv_inflight(r->srv));
    {
        int frames;
        long restarts, forced;
        srv_wal_stats(r->srv, &frames, &restarts, &forced);
        bprintf(&b, "# HELP yxd_wal_frames Pages in the write-ahead log after the last commit.\n"
                    "# TYPE yxd_wal_frames gauge\nyxd_wal_frames %d\n"
                    "# HELP yxd_wal_restarts_total Times the write-ahead log was started over (yxd serve --wal-max).\n"
                    "# TYPE yxd_wal_restarts_total counter\nyxd_wal_restarts_total %ld\n"
                    "# HELP yxd_wal_restarts_forced_total Of those, restarts that did not wait for the checkpoint "
                    "rounds, the log having grown a sixteenth of --wal-max past the mark first "
                    "(checkpoints not keeping up with the writes).\n"
                    "# TYPE yxd_wal_restarts_forced_total counter\nyxd_wal_restarts_forced_total %ld\n",
                frames, restarts, forced);
    }
    bprintf(&b, "# HELP yxd_wal_flush_seconds Time a flush of the write-ahead log (fdatasync) took until its thread ran again (the disk, and any wait for a CPU); "
                "every write waits for one.\n# TYPE yxd_wal_flush_seconds histogram\n");
    print_hist(&b, "yxd_wal_flush_seconds", "", &flush);
    bprintf(&b, "# HELP yxd_wal_restart_seconds Time the writer took to start the write-ahead log over "
                "(every write waited for it).\n# TYPE yxd_wal_restart_seconds histogram\n");
    print_hist(&b, "yxd_wal_restart_seconds", "", &restart);
    bprintf(&b, "# HELP yxd_checkpoint_seconds Time a passive checkpoint round (copying the write-ahead log "
                "back into the database, beside the writes) took, its fsync included.\n"
                "# TYPE yxd_checkpoint_seconds histogram\n");
    print_hist(&b, "yxd_checkpoint_seconds", "", &ckpt);
    bprintf(&b, "# HELP yxd_write_batch_seconds Time the writer took to write one group of requests "
                "in one transaction.\n# TYPE yxd_write_batch_seconds histogram\n");
    print_hist(&b, "yxd_write_batch_seconds", "", &batch);
    bprintf(&b, "# HELP yxd_write_batch_requests_total Requests written in those groups "
                "(over yxd_write_batch_seconds_count: the mean group size).\n"
                "# TYPE yxd_write_batch_requests_total counter\nyxd_write_batch_requests_total %llu\n",
            batch_requests);
    if (b.failed || !b.b.p) {
        free(b.b.p);
        return srv_error(out, 503, "unavailable", "out of memory");
    }
    out->status = 200;
    out->body = b.b.p;
    out->type = "text/plain; version=0.0.4; charset=utf-8";
    return 0;
}
