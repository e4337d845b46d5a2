#include <kern/cmdline.h>
#include <kern/random.h>

void prng_seed(struct prng *r, uint64_t seed)
{
	/* splitmix64 step so that nearby seeds give unrelated streams */
	uint64_t z = seed + 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	r->s = (z ^ (z >> 31)) | 1;
}

uint64_t prng_next(struct prng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

uint64_t prng_below(struct prng *r, uint64_t n)
{
	return n ? prng_next(r) % n : 0;
}

uint64_t kernel_seed(void)
{
	return cmdline_get_u64("seed", 1);
}
