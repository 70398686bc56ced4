/* yxd decide: runs the decision engine on one application given as JSON
 * (the decision input: channel, product, amount_fen, term_months,
 * completeness, age, id_valid, blacklist_hit, recent_apps, features) and
 * prints the decision, with its reasons and trace, as JSON. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/cmd.h"
#include "core/decide.h"
#include "core/reasons.h"
#include "core/util.h"

static const char usage_text[] =
    "usage: yxd decide [--strategy FILE] --json APPLICATION.json\n"
    "Decides one application (a file, or - for standard input) with the\n"
    "strategy (default: strategies/default.json in the assets directory)\n"
    "and prints the decision as JSON.\n";

/* The decision as a JSON object; the caller frees it. */
static char *result_json(const decide_result *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "outcome", outcome_name(r->outcome));
    char g[2] = { r->risk_grade, 0 };
    cJSON_AddStringToObject(o, "risk_grade", g);
    cJSON_AddNumberToObject(o, "limit_fen", (double)r->limit_fen);
    cJSON_AddNumberToObject(o, "apr_bp", r->apr_bp);
    cJSON *reasons = cJSON_AddArrayToObject(o, "reasons");
    for (int i = 0; i < r->nreasons; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "code", r->reasons[i]);
        cJSON_AddStringToObject(x, "text", reason_text(r->reasons[i]));
        cJSON_AddItemToArray(reasons, x);
    }
    cJSON *sc = cJSON_AddObjectToObject(o, "scorecard");
    cJSON_AddStringToObject(sc, "version", r->scorecard_version);
    cJSON_AddNumberToObject(sc, "score", r->sc_score);
    cJSON_AddNumberToObject(sc, "grade", r->sc_grade);
    cJSON *gb = cJSON_AddObjectToObject(o, "gbdt");
    cJSON_AddStringToObject(gb, "version", r->gbdt_version);
    cJSON_AddNumberToObject(gb, "pd", r->gb_pd);
    cJSON_AddNumberToObject(gb, "grade", r->gb_grade);
    cJSON_AddStringToObject(o, "strategy_version", r->strategy_version);
    cJSON_AddRawToObject(o, "trace", r->trace);
    char *s = cJSON_Print(o);
    cJSON_Delete(o);
    return s;
}

int cmd_decide(int argc, char **argv)
{
    const char *strategy_path = NULL, *json_path = NULL;
    char defpath[1024], err[512];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(usage_text, stdout); return 0; }
        if (!strcmp(argv[i], "--strategy") && i + 1 < argc) strategy_path = argv[++i];
        else if (!strcmp(argv[i], "--json") && i + 1 < argc) json_path = argv[++i];
        else {
            fprintf(stderr, "yxd decide: unknown option %s (try yxd decide --help)\n", argv[i]);
            return 2;
        }
    }
    if (!json_path) {
        fprintf(stderr, "yxd decide: --json APPLICATION.json is required (try yxd decide --help)\n");
        return 2;
    }
    if (!strategy_path) strategy_path = yx_asset_path(defpath, sizeof defpath, "strategies/default.json");
    size_t len;
    char *text = yx_read_file(!strcmp(json_path, "-") ? "/dev/stdin" : json_path, &len, 1u << 20);
    if (!text) {
        fprintf(stderr, "yxd decide: cannot read %s: %s\n", json_path, strerror(errno));
        return 1;
    }
    decide_input in;
    if (decide_input_from_json(text, &in, err, sizeof err)) {
        fprintf(stderr, "yxd decide: %s: %s\n", json_path, err);
        free(text);
        return 1;
    }
    free(text);
    engine *e;
    if (engine_load(&e, strategy_path, err, sizeof err)) {
        fprintf(stderr, "yxd decide: %s\n", err);
        return 1;
    }
    decide_result r = { 0 };
    int rc = engine_decide(e, &in, &r);
    char *out = rc ? NULL : result_json(&r);
    if (out) {
        puts(out);
        free(out);
    } else {
        fprintf(stderr, "yxd decide: out of memory\n");
    }
    decide_result_free(&r);
    engine_free(e);
    return out ? 0 : 1;
}
