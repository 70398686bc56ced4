/* The channel traffic simulator behind `yxd simulate` and the intake
 * benchmark: a stream of realistic applications (people from core/person,
 * features drawn from the real credit data set by core/gen) posted to
 * /v1/intake/applications at a fixed offered rate, or as fast as the
 * server answers, over keep-alive connections driven by one thread; with
 * several channel keys the requests take them in turn, one channel each.
 *
 * At a fixed rate the schedule is open-loop: request i is due at
 * start + i / rate whether or not earlier answers came back, and latency
 * is measured from the due time, so a stalled server shows up in the
 * percentiles instead of silently lowering the rate. */
#ifndef YXD_SIMULATE_H
#define YXD_SIMULATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct sim_config {
    const char *server;        /* "http://127.0.0.1:8080" */
    const char *channel_key;   /* or, for a stream across channels: */
    const char *const *channel_keys;   /* nkeys keys, taken in turn */
    int         nkeys;
    double      rate;          /* requests per second; 0 = as fast as possible */
    double      duration_s;
    int         connections;   /* at most this many requests in flight (default 8) */
    uint64_t    seed;
    const char *data_path;     /* credit data set CSV; NULL = the shipped one */
    const char *cacert;        /* CA file for an https server; NULL = the system's */
    double      timeout_s;     /* each request's limit (0 = 30 s) */
    const _Atomic int *stop;   /* may be NULL; once *stop is non-zero no request is
                                  sent, and the run ends when those in flight do */
} sim_config;

typedef struct sim_report {
    int64_t sent, accepted, errors;      /* accepted: 2xx; errors: everything else */
    int64_t by_outcome[3];               /* approve, refer, decline */
    double  elapsed_s;
    double  achieved_rps;                /* accepted per second */
    double  p50_ms, p90_ms, p99_ms, max_ms;
    int64_t *ids;                        /* accepted application ids (malloc'd; sim_report_free) */
    int64_t  nids;
} sim_report;

/* Runs the simulation. 0 when it ran (errors are counted, not fatal); -1
 * with a reason in err when it could not start. */
int  sim_run(const sim_config *cfg, sim_report *rep, char *err, size_t errlen);
void sim_report_free(sim_report *rep);

#endif
