/* yxd audit verify: walks the audit chain and every signed checkpoint and
 * names the first broken entry. Exit 0 intact, 1 broken or unreadable. */
#include <stdio.h>
#include <string.h>

#include "backend/admin.h"
#include "backend/cmd.h"
#include "core/audit.h"

static const char usage_text[] =
    "usage: yxd audit verify --db FILE\n"
    "Checks every entry's hash and every checkpoint's Ed25519 signature;\n"
    "names the first broken entry. Exit 0 intact, 1 broken.\n";

int cmd_audit(int argc, char **argv)
{
    const char *db = NULL;
    audit_report rep;
    store *s;
    int rc;
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) { fputs(usage_text, stdout); return 0; }
    if (argc < 2 || strcmp(argv[1], "verify")) {
        fprintf(stderr, "yxd audit: expected verify (try yxd audit --help)\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc) db = argv[++i];
        else {
            fprintf(stderr, "yxd audit: unknown option %s (try yxd audit --help)\n", argv[i]);
            return 2;
        }
    }
    if (!db) {
        fprintf(stderr, "yxd audit: --db FILE is required\n");
        return 2;
    }
    if (!(s = admin_open("audit", db))) return 1;
    rc = audit_verify(s, &rep);
    if (rc < 0) {
        fprintf(stderr, "yxd audit: cannot read the audit chain: %s\n", store_errmsg(s));
        store_close(s);
        return 1;
    }
    if (rc == 1) {
        fprintf(stderr, "yxd audit: chain broken at entry %lld: %s\n", (long long)rep.bad_id, rep.why);
        printf("broken %lld\n", (long long)rep.bad_id);
    } else {
        printf("intact: %lld entries, %lld signed checkpoints\n", (long long)rep.entries,
               (long long)rep.checkpoints);
    }
    store_close(s);
    return rc == 1 ? 1 : 0;
}
