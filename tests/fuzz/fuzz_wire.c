/* libFuzzer target: application rows on the wire (core/wire) from
 * arbitrary bytes parsed by cJSON, and list cursors (app_cursor_parse).
 * Anything must be accepted with its invariants or refused with a message
 * (tests/fuzz/fuzz_checks.h). Build with `make fuzz`; run
 * build/fuzz/fuzz_wire -max_total_time=60. A crashing input goes to
 * tests/fixtures/fuzz/wire/ so test_fuzz_corpus replays it. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz_checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[512];
    if (fuzz_check_wire(data, size, why, sizeof why) < 0) {
        fprintf(stderr, "fuzz_wire: %s\n", why);
        abort();
    }
    return 0;
}
