/* libFuzzer target for request decoding: the body of an intake request
 * (core/intake), the largest piece of outside input yxd reads. Any input
 * must either be accepted as a fully valid request or refused with a field
 * name and a reason; nothing may crash, leak or read out of bounds.
 * Build with `make fuzz`, run build/fuzz/fuzz_request -max_total_time=60. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/intake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    intake_req req;
    char field[64], err[256];
    if (intake_parse((const char *)data, size, 1700000000000LL, &req, field, sizeof field, err, sizeof err) == 0) {
        /* accepted: the invariants the server relies on hold */
        if (req.app.amount_fen < 100 || req.app.amount_fen > INTAKE_AMOUNT_MAX_FEN) abort();
        if (req.app.term_months < 1 || req.app.term_months > INTAKE_TERM_MAX) abort();
        if (strlen(req.cust.id_number) != 18 || req.age < 18 || req.age > 100) abort();
        if (isnan(req.app.feat.v[F_AGE])) abort();
    } else if (!field[0] || !err[0]) {
        abort();   /* a refusal always says which field and why */
    }
    return 0;
}
