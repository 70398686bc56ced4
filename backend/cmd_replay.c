/* yxd replay: decides a stored application again from the input stored with
 * its decision and says whether the result and trace are identical, or
 * shows the difference. Exit 0 identical, 1 different or not replayable. */
#include <stdio.h>
#include <string.h>

#include "backend/admin.h"
#include "backend/cmd.h"
#include "core/replay.h"
#include "core/util.h"

static const char usage_text[] =
    "usage: yxd replay --db FILE --application ID [--strategy FILE]\n"
    "Replays the stored decision of application ID with the strategy\n"
    "(default: strategies/default.json in the assets directory) and prints\n"
    "\"identical\" or the differences. Exit 0 identical, 1 otherwise.\n";

int cmd_replay(int argc, char **argv)
{
    const char *db = NULL, *strategy_path = NULL, *app = NULL;
    char defpath[1024], err[512], report[2048];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(usage_text, stdout); return 0; }
        if (!strcmp(argv[i], "--db") && i + 1 < argc) db = argv[++i];
        else if (!strcmp(argv[i], "--application") && i + 1 < argc) app = argv[++i];
        else if (!strcmp(argv[i], "--strategy") && i + 1 < argc) strategy_path = argv[++i];
        else {
            fprintf(stderr, "yxd replay: unknown option %s (try yxd replay --help)\n", argv[i]);
            return 2;
        }
    }
    int64_t id;
    if (!db || !app) {
        fprintf(stderr, "yxd replay: --db FILE and --application ID are required\n");
        return 2;
    }
    if (yx_parse_i64(app, 1, INT64_MAX, &id)) {
        fprintf(stderr, "yxd replay: --application needs a positive application id, not \"%s\"\n", app);
        return 2;
    }
    if (!strategy_path) strategy_path = yx_asset_path(defpath, sizeof defpath, "strategies/default.json");
    engine *e;
    if (engine_load(&e, strategy_path, err, sizeof err)) {
        fprintf(stderr, "yxd replay: %s\n", err);
        return 1;
    }
    store *s = admin_open("replay", db);
    if (!s) { engine_free(e); return 1; }
    int rc = decide_replay(s, e, id, report, sizeof report, err, sizeof err);
    if (rc < 0) fprintf(stderr, "yxd replay: %s\n", err);
    else if (rc == 0) printf("identical: application %lld, strategy %s\n", (long long)id, engine_strategy_version(e));
    else {
        printf("different: application %lld\n%s", (long long)id, report);
        fprintf(stderr, "yxd replay: the replayed decision differs from the stored one\n");
    }
    store_close(s);
    engine_free(e);
    return rc == 0 ? 0 : 1;
}
