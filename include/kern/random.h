/* Deterministic pseudo-random numbers (xorshift64*), seeded from the
 * command line's seed= so that a run can be repeated exactly. */
#ifndef KERN_RANDOM_H
#define KERN_RANDOM_H
#include <kern/types.h>

struct prng {
	uint64_t s;
};
void prng_seed(struct prng *r, uint64_t seed);
uint64_t prng_next(struct prng *r);
/* Uniform in [0, n). */
uint64_t prng_below(struct prng *r, uint64_t n);
/* The boot seed (seed= option, default 1). */
uint64_t kernel_seed(void);
#endif
