/* Replaying a stored decision: the engine decides again on the input stored
 * with the decision (decisions.input_json) and the result and trace are
 * compared byte for byte with what was stored. */
#ifndef YX_REPLAY_H
#define YX_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "core/decide.h"
#include "core/store.h"

/* 0 identical; 1 different, with one line per difference in report;
 * -1 when the decision cannot be replayed (no such decision, no stored
 * input, another strategy version), with the reason in err. */
int decide_replay(store *s, const engine *e, int64_t application_id,
                  char *report, size_t rn, char *err, size_t en);

#endif
