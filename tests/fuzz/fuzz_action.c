/* libFuzzer target: staff action bodies (POST /v1/actions) read as yxd
 * reads them, one JSON object of UTF-8 text decoded by its type
 * (core/json_doc, core/action). Anything must be accepted with every
 * field within its rules or refused with a code and a message
 * (tests/fuzz/fuzz_checks.h). Build with `make fuzz`; run
 * build/fuzz/fuzz_action -dict=tests/fuzz/fuzz_action.dict -max_total_time=60
 * (the dictionary holds the field and type names). A crashing input goes to
 * tests/fixtures/fuzz/action/ so test_fuzz_corpus replays it. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/fuzz/fuzz_checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[512];
    if (fuzz_check_action(data, size, why, sizeof why) < 0) {
        fprintf(stderr, "fuzz_action: %s\n", why);
        abort();
    }
    return 0;
}
