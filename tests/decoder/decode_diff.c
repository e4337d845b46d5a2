/* Differential decoding test: regenerates the seeded corpus and checks every
 * input against capstone (cs_compare.c). Prints counts; exits 1 on any
 * disagreement, listing the bytes.
 *   decode_diff [--seed N] [--count N] [--show N] */
#include "corpus.h"
#include "cs_compare.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	uint64_t seed = 0x4d414352ull; /* "MACR" */
	unsigned long count = 200000, show = 20;
	unsigned long verdicts[CS_VERDICT_COUNT] = {0}, classes[X86_INSN_CLASS_COUNT] = {0};
	unsigned long by_mode_accept[3] = {0}, quirks[CS_QUIRK_COUNT] = {0};

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--count"))
			count = strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--show"))
			show = strtoul(argv[i + 1], NULL, 0);
	}
	struct cs_oracle *o = cs_oracle_open();
	struct corpus_rng rng = {seed};
	unsigned long shown = 0, lax_shown = 0;

	for (unsigned long i = 0; i < count; i++) {
		uint8_t buf[CORPUS_MAX_BYTES];
		enum x86_cpu_mode mode;
		size_t n = corpus_next(&rng, buf, 0, &mode);
		char why[256], hex[3 * CORPUS_MAX_BYTES + 1];
		enum cs_verdict v = cs_compare(o, buf, n, mode, why, sizeof(why));

		verdicts[v]++;
		if (v == CS_CAPSTONE_KNOWN)
			quirks[cs_last_quirk(o)]++;
		if (v == CS_AGREE_ACCEPT) {
			struct x86_instr in;

			x86_decode(buf, n, mode, &in);
			classes[in.cls]++;
			by_mode_accept[mode == X86_MODE_16 ? 0 : mode == X86_MODE_32 ? 1 : 2]++;
		}
		if ((v == CS_DISAGREE && shown++ < show) || (v == CS_CAPSTONE_KNOWN && lax_shown++ < 6)) {
			cs_hex(buf, n, hex, sizeof(hex));
			printf("%s %d-bit [%s]: %s\n", v == CS_DISAGREE ? "DISAGREE" : "capstone-known", mode, hex,
			       why);
		}
	}
	printf("decode_diff: seed %#llx, %lu inputs: %lu agree-accept (16/32/64-bit %lu/%lu/%lu), %lu agree-reject, "
	       "%lu known capstone deviations, %lu disagree\n",
	       (unsigned long long)seed, count, verdicts[CS_AGREE_ACCEPT], by_mode_accept[0], by_mode_accept[1],
	       by_mode_accept[2], verdicts[CS_AGREE_REJECT], verdicts[CS_CAPSTONE_KNOWN], verdicts[CS_DISAGREE]);
	printf("  known capstone deviations:");
	for (unsigned q = 0; q < CS_QUIRK_COUNT; q++)
		printf(" %s=%lu", cs_quirk_names[q], quirks[q]);
	printf("\n  accepted by class:");
	for (unsigned c = 0; c < X86_INSN_CLASS_COUNT; c++)
		printf(" %s=%lu", x86_insn_class_name(c), classes[c]);
	printf("\n");
	cs_oracle_close(o);
	return verdicts[CS_DISAGREE] ? 1 : 0;
}
