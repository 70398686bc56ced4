/* Demo data: realistic synthetic customers and applications whose features
 * are drawn from the real credit data set, so the models score them as they
 * would score real applicants. Deterministic for a seed and clock: two runs
 * give the same rows, except the random nonces inside sealed values and
 * the creation times of the demo users and channels. */
#ifndef YX_GEN_H
#define YX_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/crypto.h"
#include "core/dataset.h"
#include "core/decide.h"
#include "core/domain.h"
#include "core/rng.h"
#include "core/store.h"

/* Inserts the demo users (officer, risk, auditor, support, admin; password
 * GEN_DEMO_PASSWORD) and the four demo channels, skipping those that exist.
 * 0 ok, -1 with err. */
#define GEN_DEMO_PASSWORD "yixiang-demo"
int gen_demo_principals(store *s, char *err, size_t errlen);

/* Inserts n customers and applications (in large transactions of 50,000
 * rows; a failure rolls back the current one, earlier ones stay, and err
 * names the application that failed). Without an engine (e NULL)
 * applications stay submitted with no decision; with one each is decided
 * and recorded as intake records it (core/decide_app.h): decision with its
 * input (replayable), scores, the status of its outcome, and a defense row
 * (line 1 pending when referred; 2% of automatic decisions sampled for
 * line 3). created_at is spread over the 90 days before now_ms (0 = now).
 * 0 ok, -1 with err. */
int gen_demo(store *s, const crypto_key *k, const dataset *ds, int64_t n, uint64_t seed,
             const engine *e, char *err, size_t errlen);
/* The same with an explicit clock, so tests can compare two runs exactly. */
int gen_demo_at(store *s, const crypto_key *k, const dataset *ds, int64_t n, uint64_t seed,
                int64_t now_ms, const engine *e, char *err, size_t errlen);

/* One application created at created_at (unix ms) and its customer, as
 * gen_demo draws them (no store). */
void gen_application(rng *r, const dataset *ds, int64_t created_at, application *a, customer *c);

#endif
