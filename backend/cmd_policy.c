/* yxd policy: prints the permission table of core/policy.c as Markdown
 * (the table README.md shows), with the default authority limits, so the
 * documentation is produced from the one place access is decided. */
#include <stdio.h>
#include <string.h>

#include "backend/cmd.h"
#include "core/policy.h"

int cmd_policy(int argc, char **argv)
{
    char table[4096];
    policy_limits l;
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        puts("usage: yxd policy\nPrints the permission table (role x permission) and the default authority limits.");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "yxd policy: takes no arguments (try yxd policy --help)\n");
        return 2;
    }
    policy_limits_default(&l);
    fputs(policy_table_markdown(table, sizeof table), stdout);
    printf("\nAuthority without line 2 (yxd serve --authority ROLE=YUAN):");
    for (int r = 0; r < ROLE__COUNT; r++)
        if (l.authority_fen[r])
            printf(" %s %lld yuan;", role_name((user_role)r), (long long)(l.authority_fen[r] / YX_FEN_PER_YUAN));
    printf(" line 3 samples %d per mille of automatic decisions and every override.\n", l.sample_permille);
    return 0;
}
