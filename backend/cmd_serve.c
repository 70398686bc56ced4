/* yxd serve: runs the HTTP API until SIGTERM or SIGINT. The first line on
 * stdout is always "listening on ADDR:PORT" (flushed), which is how tests
 * and `yx --demo` learn the port when they ask for port 0. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "backend/cmd.h"
#include "backend/server.h"
#include "core/util.h"

static const char usage_text[] =
    "usage: yxd serve --db FILE --listen ADDR:PORT [options]\n"
    "\n"
    "Serves the Yixiang HTTP API v1 from the database FILE (made by yxd init).\n"
    "\n"
    "  --db FILE              the database (required)\n"
    "  --listen ADDR:PORT     address to bind (required); port 0 picks a free one\n"
    "  --tls-cert FILE        PEM certificate; serve HTTPS (with --tls-key)\n"
    "  --tls-key FILE         PEM private key\n"
    "  --key-file FILE        personal-data key, as given to yxd init\n"
    "                         (default: FILE.key beside the database)\n"
    "  --audit-key FILE       Ed25519 audit signing key, created 0600 if missing\n"
    "                         (default: FILE.audit.key beside the database)\n"
    "  --strategy FILE        decision strategy (default: strategies/default.json\n"
    "                         in the assets directory, $YX_DATADIR)\n"
    "  --authority ROLE=YUAN  largest limit ROLE grants without line 2 (repeatable;\n"
    "                         officer=50000 risk=500000 by default)\n"
    "  --sample-permille N    share of automatic decisions line 3 samples (20)\n"
    "  --session-idle MIN     end sessions idle this long (30)\n"
    "  --session-max MIN      end sessions this old (720)\n"
    "  --lockout-after N      lock a user for 15 minutes after N wrong passwords (5)\n"
    "  --checkpoint-every N   sign the audit chain head every N entries (1000)\n"
    "  --wal-max MIB          start the write-ahead log over once it is this long\n"
    "                         (128); its file keeps that size on disk\n"
    "  --max-connections N    concurrent connections (256)\n"
    "  --readers N            database connections for reads (16); writes go\n"
    "                         through one writer connection (group commit)\n"
    "  --timeout S            close idle connections after S seconds, and a request\n"
    "                         whose body still arrives S seconds after its headers (60)\n"
    "\n"
    "Prints \"listening on ADDR:PORT\" first; logs JSON lines on stderr;\n"
    "SIGTERM or SIGINT finish in-flight requests and exit 0.\n";

static int int_arg(const char *opt, const char *v, int min, int max, int *out)
{
    int64_t x;
    if (!v || yx_parse_i64(v, min, max, &x)) {
        fprintf(stderr, "yxd serve: %s needs a number from %d to %d\n", opt, min, max);
        return -1;
    }
    *out = (int)x;
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    srv_config cfg;
    server *srv = NULL;
    char err[512];
    sigset_t set;
    int sig = 0;
    server_config_default(&cfg);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(usage_text, stdout); return 0; }
        if (!strcmp(a, "--version")) { printf("yxd %s\n", YX_VERSION); return 0; }
        if (!v) {
            fprintf(stderr, "yxd serve: %s: unknown option or missing value (try yxd serve --help)\n", a);
            return 2;
        }
        if (!strcmp(a, "--db")) cfg.db_path = v;
        else if (!strcmp(a, "--listen")) cfg.listen = v;
        else if (!strcmp(a, "--tls-cert")) cfg.tls_cert = v;
        else if (!strcmp(a, "--tls-key")) cfg.tls_key = v;
        else if (!strcmp(a, "--key-file")) cfg.key_file = v;
        else if (!strcmp(a, "--audit-key")) cfg.audit_key_file = v;
        else if (!strcmp(a, "--strategy")) cfg.strategy = v;
        else if (!strcmp(a, "--authority")) {
            if (policy_limits_set_authority(&cfg.limits, v)) {
                fprintf(stderr, "yxd serve: --authority takes ROLE=YUAN, e.g. officer=80000\n");
                return 2;
            }
        }
        else if (!strcmp(a, "--session-idle") || !strcmp(a, "--session-max")) {
            int minutes;
            if (int_arg(a, v, 1, 7 * 24 * 60, &minutes)) return 2;
            if (!strcmp(a, "--session-idle")) cfg.auth.idle_ms = minutes * 60000LL;
            else cfg.auth.absolute_ms = minutes * 60000LL;
        }
        else if (!strcmp(a, "--lockout-after")) { if (int_arg(a, v, 1, 100, &cfg.auth.max_failures)) return 2; }
        else if (!strcmp(a, "--sample-permille")) { if (int_arg(a, v, 0, 1000, &cfg.limits.sample_permille)) return 2; }
        else if (!strcmp(a, "--checkpoint-every")) { if (int_arg(a, v, 1, 1000000, &cfg.checkpoint_every)) return 2; }
        else if (!strcmp(a, "--wal-max")) { if (int_arg(a, v, 1, 65536, &cfg.wal_max_mib)) return 2; }
        else if (!strcmp(a, "--readers")) { if (int_arg(a, v, 1, 64, &cfg.pool_size)) return 2; }
        else if (!strcmp(a, "--max-connections")) { if (int_arg(a, v, 1, 10000, &cfg.max_connections)) return 2; }
        else if (!strcmp(a, "--timeout")) { if (int_arg(a, v, 1, 3600, &cfg.request_timeout_s)) return 2; }
        else {
            fprintf(stderr, "yxd serve: unknown option %s (try yxd serve --help)\n", a);
            return 2;
        }
        i++;
    }
    if (!cfg.db_path || !cfg.listen) {
        fprintf(stderr, "yxd serve: --db FILE and --listen ADDR:PORT are required (try yxd serve --help)\n");
        return 2;
    }
    if (!cfg.tls_cert != !cfg.tls_key) {
        fprintf(stderr, "yxd serve: --tls-cert and --tls-key go together\n");
        return 2;
    }

    /* Block the stop signals before any thread starts, so every server
     * thread inherits the mask and only sigwait() below receives them. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (server_start(&srv, &cfg, err, sizeof err)) {
        fprintf(stderr, "yxd serve: %s\n", err);
        return 1;
    }
    printf("listening on %s\n", server_address(srv));
    fflush(stdout);
    {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "address", server_address(srv));
        cJSON_AddStringToObject(x, "db", cfg.db_path);
        cJSON_AddBoolToObject(x, "tls", cfg.tls_cert != NULL);
        srv_log("info", "listening", x);
    }
    while (sigwait(&set, &sig) != 0) { }
    {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "signal", sig == SIGINT ? "SIGINT" : "SIGTERM");
        srv_log("info", "stopping", x);
    }
    server_stop(srv);
    srv_log("info", "stopped", NULL);
    return 0;
}
