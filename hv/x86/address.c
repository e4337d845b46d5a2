/* Effective and linear addresses: base + index * scale + disp wrapped at the
 * address size, plus the segment base (only fs/gs in long mode), then the
 * 32-bit wrap outside long mode or the canonical check inside it. */
#include "emulate_internal.h"

int x86_linear_address_offset(const struct x86_instr *insn, unsigned mem_index, const struct x86_regs *regs,
                              int64_t extra, uint64_t *linear)
{
	const struct x86_mem *m = &insn->mem[mem_index];
	uint64_t ea = (uint64_t)m->disp + (uint64_t)extra, lin;

	if (m->rip_relative)
		ea += regs->rip + insn->len;
	if (m->base != X86_REG_NONE)
		ea += regs->gpr[m->base];
	if (m->index != X86_REG_NONE)
		ea += regs->gpr[m->index] * m->scale;
	ea &= x86_size_mask(m->addr_size);
	if (regs->mode != X86_MODE_64) {
		*linear = (regs->seg_base[m->seg] + ea) & 0xffffffffull;
		return 0;
	}
	lin = ea;
	if (m->seg == X86_SEG_FS || m->seg == X86_SEG_GS)
		lin += regs->seg_base[m->seg];
	if ((uint64_t)((int64_t)(lin << 16) >> 16) != lin)
		return m->seg == X86_SEG_SS ? X86_EMU_SS : X86_EMU_GP;
	*linear = lin;
	return 0;
}

int x86_linear_address(const struct x86_instr *insn, unsigned mem_index, const struct x86_regs *regs, uint64_t *linear)
{
	return x86_linear_address_offset(insn, mem_index, regs, 0, linear);
}
