/* The arithmetic and logic operations with their status flags, bit for bit
 * as the CPU computes them (checked against the host CPU by
 * tests/decoder/exec_diff.c). */
#include <hv/x86/emulate.h>

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* PF is set when the low byte has an even number of ones. */
static bool even_parity(uint64_t v)
{
	return !__builtin_parity((unsigned)(v & 0xff));
}

uint64_t x86_alu(enum x86_insn_class cls, unsigned size, uint64_t a, uint64_t b, uint64_t rflags, uint64_t *result)
{
	uint64_t m = size_mask(size), msb = 1ull << (8 * size - 1);
	uint64_t carry_in = rflags & X86_FLAG_CF ? 1 : 0;
	uint64_t r, flags = 0;
	bool arith = true;

	a &= m;
	b &= m;
	switch (cls) {
	case X86_INSN_ADD:
	case X86_INSN_ADC:
		if (cls == X86_INSN_ADD)
			carry_in = 0;
		r = (a + b + carry_in) & m;
		/* With a carry in, r == a means the sum wrapped exactly once. */
		if (carry_in ? r <= a : r < a)
			flags |= X86_FLAG_CF;
		if ((a ^ r) & (b ^ r) & msb)
			flags |= X86_FLAG_OF;
		break;
	case X86_INSN_SUB:
	case X86_INSN_SBB:
	case X86_INSN_CMP:
		if (cls != X86_INSN_SBB)
			carry_in = 0;
		r = (a - b - carry_in) & m;
		if (carry_in ? a <= b : a < b)
			flags |= X86_FLAG_CF;
		if ((a ^ b) & (a ^ r) & msb)
			flags |= X86_FLAG_OF;
		break;
	case X86_INSN_AND:
	case X86_INSN_TEST:
		r = a & b;
		arith = false;
		break;
	case X86_INSN_OR:
		r = a | b;
		arith = false;
		break;
	case X86_INSN_XOR:
		r = a ^ b;
		arith = false;
		break;
	default: return rflags; /* not an ALU class: nothing changes */
	}
	/* AF is the carry out of bit 3; the logic operations clear it (the SDM
	 * leaves it undefined; both vendors' CPUs clear it). */
	if (arith && ((a ^ b ^ r) & 0x10))
		flags |= X86_FLAG_AF;
	if (r == 0)
		flags |= X86_FLAG_ZF;
	if (r & msb)
		flags |= X86_FLAG_SF;
	if (even_parity(r))
		flags |= X86_FLAG_PF;
	if (result)
		*result = r;
	return (rflags & ~X86_FLAGS_STATUS) | flags;
}
