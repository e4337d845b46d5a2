/* libFuzzer harness: the first byte picks the CPU mode, the rest is decoded
 * by hv/x86 and by capstone (tests/decoder/cs_compare.c); any disagreement
 * aborts with the bytes. Decoded instructions are also emulated against a
 * synthetic memory so the sanitizers see the emulator's paths. */
#include "cs_compare.h"
#include <hv/x86/emulate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fake_read(void *ctx, uint64_t linear, unsigned size, uint64_t *value)
{
	(void)ctx;
	*value = (linear * 0x9e3779b97f4a7c15ull) >> (64 - 8 * size);
	return (linear & 0xfff) == 0xfff ? -14 : 0; /* some accesses fault */
}

static int fake_write(void *ctx, uint64_t linear, unsigned size, uint64_t value)
{
	(void)ctx;
	(void)size;
	(void)value;
	return (linear & 0xfff) == 0xffe ? -14 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cs_oracle *oracle;
	static const enum x86_cpu_mode modes[3] = {X86_MODE_16, X86_MODE_32, X86_MODE_64};
	char why[256], hex[3 * 32 + 1];

	if (!oracle)
		oracle = cs_oracle_open();
	if (size < 2 || size > 33)
		return 0;
	enum x86_cpu_mode mode = modes[data[0] % 3];
	const uint8_t *bytes = data + 1;
	size_t n = size - 1;

	if (cs_compare(oracle, bytes, n, mode, why, sizeof(why)) == CS_DISAGREE) {
		cs_hex(bytes, n, hex, sizeof(hex));
		fprintf(stderr, "decoder disagrees with capstone, %d-bit [%s]: %s\n", mode, hex, why);
		abort();
	}

	struct x86_instr insn;
	if (x86_decode(bytes, n, mode, &insn) == X86_DECODE_OK) {
		struct x86_regs regs = {.mode = mode, .rflags = 0x2};
		struct x86_mem_ops ops = {.read = fake_read, .write = fake_write};

		for (unsigned i = 0; i < X86_GPR_COUNT; i++)
			regs.gpr[i] = 0x0123456789abcdefull * (i + 1) + data[0];
		regs.gpr[X86_RCX] = data[0] & 15;
		regs.rflags |= (uint64_t)(data[size - 1] & 0xd5) | ((data[0] & 0x80) ? X86_FLAG_DF : 0);
		x86_emulate(&insn, &regs, &ops, 4);
	}
	return 0;
}
