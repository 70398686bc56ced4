/* libFuzzer target: the strict CSV reader and the credit data set loader
 * (core/csv, core/dataset).
 * Anything must be accepted with its invariants or refused with a message
 * (tests/fuzz/fuzz_checks.h). Build with `make fuzz`; run
 * build/fuzz/fuzz_csv -max_total_time=60. A crashing input goes to
 * tests/fixtures/fuzz/csv/ so test_fuzz_corpus replays it. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz_checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[512];
    if (fuzz_check_csv(data, size, why, sizeof why) < 0) {
        fprintf(stderr, "fuzz_csv: %s\n", why);
        abort();
    }
    return 0;
}
