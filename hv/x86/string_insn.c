/* movs and stos, with rep: one element per iteration, each iteration's
 * rcx/rsi/rdi committed before the next, DF choosing the direction. The
 * address size picks which part of rcx/rsi/rdi counts and is updated. */
#include "emulate_internal.h"

/* Adds `delta` to the address-size part of a register. */
static void step_reg(struct x86_regs *regs, unsigned reg, unsigned addr_size, int64_t delta)
{
	x86_write_gpr(regs, reg, false, addr_size, regs->gpr[reg] + (uint64_t)delta);
}

static int string_step(const struct x86_instr *insn, struct x86_regs *regs, const struct x86_mem_ops *ops)
{
	unsigned size = insn->op_size, asz = insn->addr_size;
	int64_t delta = regs->rflags & X86_FLAG_DF ? -(int64_t)size : (int64_t)size;
	uint64_t dst, src, value;
	int err;

	if ((err = x86_linear_address(insn, 0, regs, &dst)))
		return err;
	if (insn->cls == X86_INSN_MOVS) {
		if ((err = x86_linear_address(insn, 1, regs, &src)) || (err = ops->read(ops->ctx, src, size, &value)))
			return err;
	} else {
		value = regs->gpr[X86_RAX];
	}
	if ((err = ops->write(ops->ctx, dst, size, value & x86_size_mask(size))))
		return err;
	step_reg(regs, X86_RDI, asz, delta);
	if (insn->cls == X86_INSN_MOVS)
		step_reg(regs, X86_RSI, asz, delta);
	return 0;
}

int x86_emulate_string(const struct x86_instr *insn, struct x86_regs *regs, const struct x86_mem_ops *ops,
                       unsigned max_rep)
{
	unsigned asz = insn->addr_size;
	int err;

	if (x86_instr_is_rep(insn)) {
		for (unsigned done = 0; regs->gpr[X86_RCX] & x86_size_mask(asz); done++) {
			if (max_rep && done == max_rep)
				return 0; /* rip stays: the guest resumes the rep */
			if ((err = string_step(insn, regs, ops)))
				return err;
			step_reg(regs, X86_RCX, asz, -1);
		}
	} else if ((err = string_step(insn, regs, ops))) {
		return err;
	}
	regs->rip += insn->len;
	if (regs->mode != X86_MODE_64)
		regs->rip &= regs->mode == X86_MODE_16 ? 0xffff : 0xffffffff;
	return 0;
}
