/* A seeded generator of x86 byte strings biased toward the decoder's
 * supported forms: random legacy prefixes and REX bytes, an opcode from the
 * supported set or a near miss, then random ModRM/SIB/displacement/immediate
 * bytes; some inputs are pure noise and some are cut short. The same seed
 * always gives the same corpus, so only the seed is kept in the tree. */
#ifndef TESTS_DECODER_CORPUS_H
#define TESTS_DECODER_CORPUS_H
#include <hv/x86/insn.h>
#include <stddef.h>
#include <stdint.h>

#define CORPUS_MAX_BYTES 24

struct corpus_rng {
	uint64_t state;
};

uint64_t corpus_rand(struct corpus_rng *r);
/* Next input: fills buf (CORPUS_MAX_BYTES), returns its length; *mode gets
 * the CPU mode to decode it in (any mode when want_mode is 0). */
size_t corpus_next(struct corpus_rng *r, uint8_t *buf, enum x86_cpu_mode want_mode, enum x86_cpu_mode *mode);

#endif
