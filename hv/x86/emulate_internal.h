/* Private to hv/x86/: helpers shared by the emulator's files. */
#ifndef HV_X86_EMULATE_INTERNAL_H
#define HV_X86_EMULATE_INTERNAL_H
#include <hv/x86/emulate.h>

/* x86_linear_address() with `extra` added to the effective address before
 * it wraps (bt with a register bit offset addresses beyond its operand). */
int x86_linear_address_offset(const struct x86_instr *insn, unsigned mem_index, const struct x86_regs *regs,
                              int64_t extra, uint64_t *linear);

/* movs/stos, with or without rep. */
int x86_emulate_string(const struct x86_instr *insn, struct x86_regs *regs, const struct x86_mem_ops *ops,
                       unsigned max_rep);

/* Writes `size` bytes of a general register as the CPU does: 32-bit writes
 * zero the upper half, 8- and 16-bit writes keep the other bits. */
void x86_write_gpr(struct x86_regs *regs, unsigned reg, bool high8, unsigned size, uint64_t value);

static inline uint64_t x86_size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

#endif
