/* See corpus.h. splitmix64 keeps the sequence identical on every host. */
#include "corpus.h"

uint64_t corpus_rand(struct corpus_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned below(struct corpus_rng *r, unsigned n)
{
	return (unsigned)(corpus_rand(r) % n);
}

static const uint8_t legacy_prefixes[] = {0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65};

/* The supported one-byte opcodes, and some neighbours that must be rejected. */
static const uint8_t one_byte[] = {
    0x00,
    0x01,
    0x02,
    0x03,
    0x08,
    0x09,
    0x0a,
    0x0b,
    0x10,
    0x11,
    0x12,
    0x13,
    0x18,
    0x19,
    0x1a,
    0x1b,
    0x20,
    0x21,
    0x22,
    0x23,
    0x28,
    0x29,
    0x2a,
    0x2b,
    0x30,
    0x31,
    0x32,
    0x33,
    0x38,
    0x39,
    0x3a,
    0x3b,
    0x63,
    0x80,
    0x81,
    0x82,
    0x83,
    0x84,
    0x85,
    0x86,
    0x87,
    0x88,
    0x89,
    0x8a,
    0x8b,
    0xa0,
    0xa1,
    0xa2,
    0xa3,
    0xa4,
    0xa5,
    0xaa,
    0xab,
    0xc6,
    0xc7,
    0xf6,
    0xf7,
    /* near misses */
    0x04,
    0x05,
    0x0c,
    0x3c,
    0x3d,
    0x8c,
    0x8d,
    0x8e,
    0x8f,
    0x90,
    0xa6,
    0xa7,
    0xa8,
    0xa9,
    0xac,
    0xad,
    0xae,
    0xaf,
    0xc4,
    0xc5,
    0x62,
    0xfe,
    0xff,
    0xd0,
    0xd1,
};
static const uint8_t two_byte[] = {0xa3, 0xab, 0xb3, 0xbb, 0xba, 0xb6, 0xb7, 0xbe, 0xbf,
                                   /* near misses */
                                   0xa4, 0xa5, 0xaf, 0xb0, 0xb1, 0xb8, 0xbc, 0xbd, 0xc0, 0xc1, 0x38, 0x3a};

static enum x86_cpu_mode pick_mode(struct corpus_rng *r)
{
	static const enum x86_cpu_mode modes[] = {X86_MODE_16, X86_MODE_32, X86_MODE_64, X86_MODE_64};

	return modes[below(r, 4)];
}

size_t corpus_next(struct corpus_rng *r, uint8_t *buf, enum x86_cpu_mode want_mode, enum x86_cpu_mode *mode)
{
	size_t n = 0;
	unsigned kind = below(r, 100);

	*mode = want_mode ? want_mode : pick_mode(r);
	if (kind < 10) {
		/* noise */
		n = 1 + below(r, CORPUS_MAX_BYTES);
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)corpus_rand(r);
		return n;
	}
	/* Mostly few prefixes; sometimes enough to cross the 15-byte limit. */
	unsigned nprefix = below(r, 4) == 0 ? below(r, 15) : below(r, 3);
	for (unsigned i = 0; i < nprefix; i++) {
		if (*mode == X86_MODE_64 && below(r, 4) == 0)
			buf[n++] = (uint8_t)(0x40 | below(r, 16));
		else
			buf[n++] = legacy_prefixes[below(r, sizeof(legacy_prefixes))];
	}
	if (*mode == X86_MODE_64 && below(r, 2))
		buf[n++] = (uint8_t)(0x40 | below(r, 16));
	if (below(r, 5) == 0) {
		buf[n++] = 0x0f;
		buf[n++] = two_byte[below(r, sizeof(two_byte))];
	} else {
		buf[n++] = one_byte[below(r, sizeof(one_byte))];
	}
	/* ModRM with every mod equally likely, then SIB/disp/imm material;
	 * displacements and immediates favour small and boundary values. */
	while (n < CORPUS_MAX_BYTES) {
		unsigned v = below(r, 8);
		buf[n++] = v == 0 ? 0x00 : v == 1 ? 0xff : v == 2 ? 0x80 : v == 3 ? 0x7f : (uint8_t)corpus_rand(r);
	}
	if (below(r, 8) == 0)
		return 1 + below(r, (unsigned)n); /* cut short */
	return n;
}
