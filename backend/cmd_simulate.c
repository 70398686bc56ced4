/* yxd simulate: realistic channel traffic against a running yxd, with a
 * report of what was sent, accepted and refused and the latency
 * percentiles. Exit 0 when every request was accepted, 1 otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cmd.h"
#include "backend/simulate.h"
#include "core/domain.h"
#include "core/util.h"

static const char usage_text[] =
    "usage: yxd simulate --server URL --channel-key KEY [--channel-key KEY...]\n"
    "                    [--rate R] [--duration S]\n"
    "                    [--connections N] [--timeout T] [--seed S] [--data FILE]\n"
    "                    [--cacert FILE]\n"
    "Posts generated applications to URL/v1/intake/applications: R per second\n"
    "(default 100; 0 = as fast as the server answers) for S seconds (default\n"
    "10) over at most N keep-alive connections (default 8; --threads N is the\n"
    "same). Latency counts from each request's due time; a request fails after\n"
    "T seconds (default 30), or when it could not be sent within a second of\n"
    "the end for want of a free connection. --cacert trusts a CA file for an\n"
    "https server with its own certificate. --channel-key may be given up to 8\n"
    "times: the requests take the channels in turn, a stream across channels.\n"
    "A single key may also come from $YX_CHANNEL_KEY, which keeps it out of the\n"
    "process list.\n";

static int num_arg(const char *opt, const char *v, double min, double max, double *out)
{
    if (!v || yx_parse_double(v, min, max, out)) {
        fprintf(stderr, "yxd simulate: %s needs a number from %g to %g\n", opt, min, max);
        return -1;
    }
    return 0;
}

int cmd_simulate(int argc, char **argv)
{
    sim_config cfg = { 0 };
    sim_report rep;
    char err[512];
    double conns = 8, seed = 1;
    const char *keys[8];
    int nkeys = 0;
    cfg.rate = 100;
    cfg.duration_s = 10;
    cfg.channel_key = getenv("YX_CHANNEL_KEY");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(usage_text, stdout); return 0; }
        if (!v) { fprintf(stderr, "yxd simulate: %s needs a value (try yxd simulate --help)\n", a); return 2; }
        if (!strcmp(a, "--server")) cfg.server = v;
        else if (!strcmp(a, "--channel-key")) {
            if (nkeys == (int)(sizeof keys / sizeof keys[0])) {
                fprintf(stderr, "yxd simulate: at most %d channel keys\n", (int)(sizeof keys / sizeof keys[0]));
                return 2;
            }
            keys[nkeys++] = v;
        }
        else if (!strcmp(a, "--data")) cfg.data_path = v;
        else if (!strcmp(a, "--cacert")) cfg.cacert = v;
        else if (!strcmp(a, "--rate")) { if (num_arg(a, v, 0, 1e6, &cfg.rate)) return 2; }
        else if (!strcmp(a, "--duration")) { if (num_arg(a, v, 0.1, 86400, &cfg.duration_s)) return 2; }
        else if (!strcmp(a, "--connections") || !strcmp(a, "--threads")) { if (num_arg(a, v, 1, 64, &conns)) return 2; }
        else if (!strcmp(a, "--timeout")) { if (num_arg(a, v, 0.1, 3600, &cfg.timeout_s)) return 2; }
        else if (!strcmp(a, "--seed")) { if (num_arg(a, v, 0, 4e9, &seed)) return 2; }
        else { fprintf(stderr, "yxd simulate: unknown option %s (try yxd simulate --help)\n", a); return 2; }
        i++;
    }
    if (nkeys) {
        cfg.channel_keys = keys;
        cfg.nkeys = nkeys;
    }
    if (!cfg.server || (!nkeys && !cfg.channel_key)) {
        fprintf(stderr, "yxd simulate: --server URL and --channel-key KEY are required (try yxd simulate --help)\n");
        return 2;
    }
    cfg.connections = (int)conns;
    cfg.seed = (uint64_t)seed;
    if (sim_run(&cfg, &rep, err, sizeof err)) {
        fprintf(stderr, "yxd simulate: %s\n", err);
        return 1;
    }
    printf("sent %lld  accepted %lld  errors %lld  in %.1f s (%.0f accepted/s)\n",
           (long long)rep.sent, (long long)rep.accepted, (long long)rep.errors, rep.elapsed_s, rep.achieved_rps);
    printf("decisions: approve %lld  refer %lld  decline %lld\n", (long long)rep.by_outcome[OUT_APPROVE],
           (long long)rep.by_outcome[OUT_REFER], (long long)rep.by_outcome[OUT_DECLINE]);
    printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", rep.p50_ms, rep.p90_ms, rep.p99_ms, rep.max_ms);
    sim_report_free(&rep);
    if (rep.sent == 0 || rep.errors) {
        fprintf(stderr, "yxd simulate: %lld of %lld requests failed against %s\n", (long long)rep.errors,
                (long long)rep.sent, cfg.server);
        return 1;
    }
    return 0;
}
