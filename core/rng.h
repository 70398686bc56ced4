/* A small deterministic pseudo-random generator (xoshiro256** seeded by
 * splitmix64) for demo data and simulation: the same seed gives the same
 * sequence on every machine. Never use it for keys, tokens or nonces
 * (libsodium's randombytes does those). */
#ifndef YX_RNG_H
#define YX_RNG_H

#include <stdint.h>

typedef struct { uint64_t s[4]; } rng;

void     rng_seed(rng *r, uint64_t seed);
uint64_t rng_next(rng *r);
/* Uniform in [0, n); n > 0. Unbiased (rejection sampling). */
uint64_t rng_below(rng *r, uint64_t n);
/* Uniform integer in [lo, hi]. */
int64_t  rng_range(rng *r, int64_t lo, int64_t hi);
/* Uniform double in [0, 1). */
double   rng_unit(rng *r);
/* Standard normal (Box-Muller). */
double   rng_normal(rng *r);
/* Index in [0, n) drawn with the given non-negative weights (sum > 0). */
int      rng_weighted(rng *r, const int *weights, int n);

#endif
