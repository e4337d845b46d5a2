/* Execution test with the host CPU as oracle: random supported instructions
 * (64-bit mode) from the seeded corpus are run natively (native_runner.c)
 * and by x86_emulate() from the same registers and memory; the registers,
 * RFLAGS, rip and the memory buffer must come out identical. Instructions
 * our decoder rejects as #UD (lock misuse) must raise SIGILL natively.
 *   exec_diff [--seed N] [--count N] [--show N] */
#include "corpus.h"
#include "native_runner.h"
#include <hv/x86/emulate.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA_SIZE     8192
#define TARGET_MARGIN 1024 /* targets stay this far from the buffer's ends */

static struct native_runner runner;
static uint8_t emu_data[DATA_SIZE]; /* the emulator's copy of the buffer */
static unsigned long emu_out_of_bounds;

/* Why a generated instruction could not be placed in the buffer. */
enum skip_reason { SKIP_FS, SKIP_BT_OVERLAP, SKIP_AIM, SKIP_LANDED, SKIP_COUNT };
static unsigned long skips[SKIP_COUNT];
static const char *const skip_names[SKIP_COUNT] = {"fs-segment", "bt-offset-is-address-reg", "no-register-to-aim",
                                                   "landed-outside"};

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* --- the emulator's memory: a copy of the native buffer ------------------ */

static int emu_read(void *ctx, uint64_t linear, unsigned size, uint64_t *value)
{
	uint64_t base = (uint64_t)(uintptr_t)runner.data;

	(void)ctx;
	if (linear < base || linear + size > base + DATA_SIZE) {
		emu_out_of_bounds++;
		return -1;
	}
	*value = 0;
	memcpy(value, emu_data + (linear - base), size);
	return 0;
}

static int emu_write(void *ctx, uint64_t linear, unsigned size, uint64_t value)
{
	uint64_t base = (uint64_t)(uintptr_t)runner.data;

	(void)ctx;
	if (linear < base || linear + size > base + DATA_SIZE) {
		emu_out_of_bounds++;
		return -1;
	}
	memcpy(emu_data + (linear - base), &value, size);
	return 0;
}

/* --- choosing registers so that memory operands land in the buffer ------- */

static uint64_t random_reg(struct corpus_rng *rng)
{
	uint64_t v = corpus_rand(rng);

	switch (v % 4) {
	case 0: return v >> 56;                         /* small */
	case 1: return (uint64_t) - (int64_t)(v >> 58); /* small negative */
	default: return corpus_rand(rng);
	}
}

static bool uses_reg(const struct x86_mem *m, unsigned reg)
{
	return m->base == reg || m->index == reg;
}

/* Replaces a displacement in the instruction bytes (found by value after
 * the prefixes) with disp + delta; false if it cannot be found or encoded. */
static bool patch_disp(uint8_t *bytes, const struct x86_instr *in, const struct x86_mem *m, uint64_t delta)
{
	unsigned dsize = m->base == X86_REG_NONE && m->index == X86_REG_NONE && !m->rip_relative &&
	                         in->opcode >= 0xa0 && in->opcode <= 0xa3 && !in->two_byte
	                     ? m->addr_size
	                     : 4;
	uint64_t old = (uint64_t)m->disp & size_mask(dsize), now = (old + delta) & size_mask(dsize);

	/* The caller re-decodes and checks where the operand landed. */
	for (int at = 1; at + (int)dsize <= in->len; at++) {
		if (!memcmp(bytes + at, &old, dsize)) {
			memcpy(bytes + at, &now, dsize);
			return true;
		}
	}
	return false;
}

/* The operand's linear address without the canonical check. */
static uint64_t raw_linear(const struct x86_instr *in, const struct x86_mem *m, const struct x86_regs *regs)
{
	uint64_t ea = (uint64_t)m->disp;

	if (m->rip_relative)
		ea += regs->rip + in->len;
	if (m->base != X86_REG_NONE)
		ea += regs->gpr[m->base];
	if (m->index != X86_REG_NONE)
		ea += regs->gpr[m->index] * m->scale;
	ea &= size_mask(m->addr_size);
	return ea + (m->seg == X86_SEG_GS ? regs->seg_base[X86_SEG_GS] : 0);
}

/* Moves memory operand `mi` onto `target` by adjusting its base, index,
 * the gs base or the displacement. Returns false if that is not possible. */
static bool aim_operand(uint8_t *bytes, const struct x86_instr *in, unsigned mi, struct x86_regs *regs, uint64_t target,
                        unsigned protected_reg)
{
	const struct x86_mem *m = &in->mem[mi];
	uint64_t now, amask = size_mask(m->addr_size), delta;

	now = raw_linear(in, m, regs);
	delta = (target - now) & amask;
	if (m->base != X86_REG_NONE && m->base != protected_reg) {
		unsigned mult = m->index == m->base ? 1 + m->scale : 1;

		delta -= delta % mult;
		regs->gpr[m->base] += delta / mult;
		return true;
	}
	if (m->index != X86_REG_NONE && m->index != protected_reg) {
		delta -= delta % m->scale;
		regs->gpr[m->index] += delta / m->scale;
		return true;
	}
	uint64_t gs = regs->seg_base[X86_SEG_GS] + (target - now);
	if (m->seg == X86_SEG_GS && (uint64_t)((int64_t)(gs << 16) >> 16) == gs) {
		regs->seg_base[X86_SEG_GS] = gs; /* the CPU takes only canonical bases */
		return true;
	}
	return patch_disp(bytes, in, m, delta);
}

/* Sets up registers for the instruction; false to skip it. */
static bool prepare(struct corpus_rng *rng, uint8_t *bytes, struct x86_instr *in, struct x86_regs *regs)
{
	uint64_t data = (uint64_t)(uintptr_t)runner.data;
	unsigned bt_offset_reg = X86_REG_NONE;

	for (unsigned i = 0; i < in->nmem; i++)
		if (in->mem[i].seg == X86_SEG_FS)
			return skips[SKIP_FS]++, false; /* glibc owns fs; gs covers the segment-base path */
	memset(regs, 0, sizeof(*regs));
	regs->mode = X86_MODE_64;
	for (int i = 0; i < 16; i++)
		regs->gpr[i] = random_reg(rng);
	/* CF PF AF ZF SF OF DF random, bit 1 set, IF as user mode sees it. */
	regs->rflags = 0x202 | (corpus_rand(rng) & (X86_FLAGS_STATUS | X86_FLAG_DF));
	regs->seg_base[X86_SEG_GS] = corpus_rand(rng) & 0xffffffffffull;
	regs->rip = (uint64_t)(uintptr_t)runner.insn_addr;
	if (in->cls >= X86_INSN_BT && in->op[0].kind == X86_OPND_MEM && in->op[1].kind == X86_OPND_REG) {
		/* A register bit offset reaches up to +-256 bytes around the operand. */
		bt_offset_reg = in->op[1].reg;
		if (uses_reg(&in->mem[in->op[0].mem], bt_offset_reg))
			return skips[SKIP_BT_OVERLAP]++, false;
		regs->gpr[bt_offset_reg] = (uint64_t)((int64_t)(corpus_rand(rng) % 4096) - 2048);
		if (in->op_size == 2)
			regs->gpr[bt_offset_reg] =
			    (regs->gpr[bt_offset_reg] & ~0xffffull) | (uint16_t)(corpus_rand(rng) % 4096 - 2048);
		else if (in->op_size == 4)
			regs->gpr[bt_offset_reg] = (regs->gpr[bt_offset_reg] & ~0xffffffffull) |
			                           (uint32_t)(int32_t)(corpus_rand(rng) % 4096 - 2048);
	}
	if (in->cls == X86_INSN_MOVS || in->cls == X86_INSN_STOS) {
		/* Small counts in the address-size part, random bits above it. */
		uint64_t amask = size_mask(in->addr_size);

		regs->gpr[X86_RCX] = (corpus_rand(rng) & ~amask) | (corpus_rand(rng) % 9);
	}
	for (unsigned i = 0; i < in->nmem; i++) {
		uint64_t target = data + TARGET_MARGIN + corpus_rand(rng) % (DATA_SIZE - 2 * TARGET_MARGIN);

		if (!aim_operand(bytes, in, i, regs, target, bt_offset_reg)) {
			if (getenv("EXEC_DIFF_DEBUG")) {
				for (unsigned k = 0; k < in->len; k++)
					fprintf(stderr, "%02x ", bytes[k]);
				fprintf(stderr, " <- no aim\n");
			}
			return skips[SKIP_AIM]++, false;
		}
	}
	/* The displacement patch may have changed the bytes: decode again. */
	if (x86_decode(bytes, in->len, X86_MODE_64, in) != X86_DECODE_OK)
		return skips[SKIP_LANDED]++, false;
	for (unsigned i = 0; i < in->nmem; i++) {
		uint64_t lin;

		if (x86_linear_address(in, i, regs, &lin) || lin < data + 256 || lin > data + DATA_SIZE - 256)
			return skips[SKIP_LANDED]++, false;
	}
	return true;
}

/* Flags the SDM leaves undefined, masked when comparing. */
static uint64_t undefined_flags(const struct x86_instr *in)
{
	if (in->cls >= X86_INSN_BT)
		return X86_FLAG_OF | X86_FLAG_SF | X86_FLAG_AF | X86_FLAG_PF;
	return 0;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	out[0] = 0;
	for (size_t i = 0; i < n; i++)
		sprintf(out + 3 * i, "%02x ", b[i]);
}

int main(int argc, char **argv)
{
	uint64_t seed = 0x45584543ull; /* "EXEC" */
	unsigned long count = 100000, show = 10;
	unsigned long ran = 0, agree = 0, differ = 0, skipped = 0, ud_checked = 0, ud_wrong = 0, tries = 0;
	unsigned long undefined_differ = 0, with_memory = 0;
	unsigned long classes[X86_INSN_CLASS_COUNT] = {0};

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--count"))
			count = strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--show"))
			show = strtoul(argv[i + 1], NULL, 0);
	}
	if (native_runner_init(&runner, DATA_SIZE)) {
		perror("exec_diff: native runner");
		return 2;
	}
	struct corpus_rng rng = {seed};
	struct x86_mem_ops ops = {.read = emu_read, .write = emu_write};

	while (ran < count && tries++ < count * 50) {
		uint8_t bytes[CORPUS_MAX_BYTES];
		enum x86_cpu_mode mode;
		size_t n = corpus_next(&rng, bytes, X86_MODE_64, &mode);
		struct x86_instr in;
		struct x86_regs regs, emu;
		struct native_state nat;
		char hb[3 * CORPUS_MAX_BYTES + 1];
		enum x86_decode_status st = x86_decode(bytes, n, X86_MODE_64, &in);

		if (st == X86_DECODE_INVALID && (in.prefixes & X86_PFX_LOCK) && ud_checked < count / 10) {
			/* The CPU must refuse it before touching memory. */
			memset(&nat, 0, sizeof(nat));
			nat.rflags = 0x202;
			ud_checked++;
			size_t len = n < X86_MAX_INSN_LEN ? n : X86_MAX_INSN_LEN;
			if (native_run(&runner, bytes, len, &nat) != SIGILL) {
				hex(bytes, len, hb);
				if (ud_wrong++ < show)
					printf("NOT #UD natively: [%s]\n", hb);
			}
			continue;
		}
		if (st != X86_DECODE_OK)
			continue;
		if (!prepare(&rng, bytes, &in, &regs)) {
			skipped++;
			continue;
		}
		for (size_t i = 0; i < DATA_SIZE; i += 8) {
			uint64_t v = corpus_rand(&rng);
			memcpy(runner.data + i, &v, 8);
		}
		memcpy(emu_data, runner.data, DATA_SIZE);
		memcpy(nat.gpr, regs.gpr, sizeof(nat.gpr));
		nat.rflags = regs.rflags;
		nat.gs_base = regs.seg_base[X86_SEG_GS];
		emu = regs;
		ran++;
		hex(bytes, in.len, hb);
		int sig = native_run(&runner, bytes, in.len, &nat);
		int err = x86_emulate(&in, &emu, &ops, 0);
		if (sig || err) {
			if (differ++ < show)
				printf("DIFFER [%s] %s: native signal %d, emulator error %d\n", hb,
				       x86_insn_class_name(in.cls), sig, err);
			continue;
		}
		bool same = !memcmp(nat.gpr, emu.gpr, sizeof(nat.gpr)) && !memcmp(runner.data, emu_data, DATA_SIZE) &&
		            emu.rip == regs.rip + in.len;
		uint64_t fmask = X86_FLAGS_STATUS | X86_FLAG_DF, undef = undefined_flags(&in);
		if (((nat.rflags ^ emu.rflags) & fmask & undef))
			undefined_differ++;
		same = same && !((nat.rflags ^ emu.rflags) & fmask & ~undef);
		if (same) {
			with_memory += in.nmem > 0;
			agree++;
			classes[in.cls]++;
			continue;
		}
		if (differ++ < show) {
			printf("DIFFER [%s] %s size %u:\n", hb, x86_insn_class_name(in.cls), in.op_size);
			for (int i = 0; i < 16; i++)
				if (nat.gpr[i] != emu.gpr[i])
					printf("  gpr%-2d before %016llx native %016llx emulated %016llx\n", i,
					       (unsigned long long)regs.gpr[i], (unsigned long long)nat.gpr[i],
					       (unsigned long long)emu.gpr[i]);
			if ((nat.rflags ^ emu.rflags) & fmask)
				printf("  rflags before %04llx native %04llx emulated %04llx\n",
				       (unsigned long long)regs.rflags, (unsigned long long)(nat.rflags & fmask),
				       (unsigned long long)(emu.rflags & fmask));
			for (size_t i = 0; i < DATA_SIZE; i++)
				if (runner.data[i] != emu_data[i]) {
					printf("  memory differs first at +%zu: native %02x emulated %02x\n", i,
					       runner.data[i], emu_data[i]);
					break;
				}
			if (emu.rip != regs.rip + in.len)
				printf("  rip advanced by %lld, length %u\n", (long long)(emu.rip - regs.rip), in.len);
		}
	}
	printf("exec_diff: seed %#llx, %lu instructions run natively and emulated: %lu agree (%lu with memory "
	       "operands), %lu differ "
	       "(%lu skipped as unplaceable, %lu emulator accesses out of bounds); %lu lock-#UD checks, %lu not #UD; "
	       "undefined flags differed in %lu\n",
	       (unsigned long long)seed, ran, agree, with_memory, differ, skipped, emu_out_of_bounds, ud_checked,
	       ud_wrong, undefined_differ);
	printf("  skipped:");
	for (unsigned i = 0; i < SKIP_COUNT; i++)
		printf(" %s=%lu", skip_names[i], skips[i]);
	printf("\n  agreed by class:");
	for (unsigned c = 0; c < X86_INSN_CLASS_COUNT; c++)
		printf(" %s=%lu", x86_insn_class_name(c), classes[c]);
	printf("\n");
	return differ || ud_wrong || ran < count ? 1 : 0;
}
