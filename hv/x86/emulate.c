/* Executes one decoded instruction: operand loads and stores, the operation,
 * then rip. Non-string instructions work on a copy of the registers that is
 * committed only when every access succeeded. */
#include "emulate_internal.h"

void x86_write_gpr(struct x86_regs *regs, unsigned reg, bool high8, unsigned size, uint64_t value)
{
	uint64_t *r = &regs->gpr[reg];

	if (high8)
		*r = (*r & ~0xff00ull) | ((value & 0xff) << 8);
	else if (size >= 4)
		*r = value & x86_size_mask(size);
	else
		*r = (*r & ~x86_size_mask(size)) | (value & x86_size_mask(size));
}

static uint64_t read_gpr(const struct x86_regs *regs, const struct x86_operand *op)
{
	uint64_t v = regs->gpr[op->reg];

	return op->high8 ? (v >> 8) & 0xff : v & x86_size_mask(op->size);
}

static uint64_t sign_extend(uint64_t v, unsigned size)
{
	unsigned shift = 64 - 8 * size;

	return size >= 8 ? v : (uint64_t)((int64_t)(v << shift) >> shift);
}

/* One operand's location: the linear address of a memory operand is
 * computed once, before anything changes the registers it depends on. */
struct operand_ref {
	const struct x86_operand *op;
	uint64_t linear;
};

static int resolve(const struct x86_instr *insn, const struct x86_regs *regs, unsigned i, int64_t extra,
                   struct operand_ref *ref)
{
	ref->op = &insn->op[i];
	ref->linear = 0;
	if (ref->op->kind != X86_OPND_MEM)
		return 0;
	return x86_linear_address_offset(insn, ref->op->mem, regs, extra, &ref->linear);
}

static int load(const struct x86_instr *insn, const struct x86_regs *regs, const struct x86_mem_ops *ops,
                const struct operand_ref *ref, uint64_t *value)
{
	const struct x86_operand *op = ref->op;
	int err;

	switch (op->kind) {
	case X86_OPND_REG: *value = read_gpr(regs, op); return 0;
	case X86_OPND_IMM: *value = insn->imm & x86_size_mask(op->size); return 0;
	case X86_OPND_MEM:
		err = ops->read(ops->ctx, ref->linear, op->size, value);
		*value &= x86_size_mask(op->size);
		return err;
	default: return X86_EMU_UD;
	}
}

static int store(struct x86_regs *regs, const struct x86_mem_ops *ops, const struct operand_ref *ref, unsigned size,
                 uint64_t value)
{
	const struct x86_operand *op = ref->op;

	if (op->kind == X86_OPND_MEM)
		return ops->write(ops->ctx, ref->linear, size, value & x86_size_mask(size));
	if (op->kind != X86_OPND_REG)
		return X86_EMU_UD;
	x86_write_gpr(regs, op->reg, op->high8, size, value);
	return 0;
}

/* bt/bts/btr/btc: a register bit offset on a memory operand is signed and
 * may address any operand-sized unit around the one encoded; an immediate
 * or a register destination only selects within the operand. */
static int emulate_bit_test(const struct x86_instr *insn, struct x86_regs *regs, const struct x86_mem_ops *ops)
{
	unsigned size = insn->op_size, bits = 8 * size;
	struct operand_ref dst, src;
	uint64_t offset, value, bit;
	int64_t extra = 0;
	int err;

	src.op = &insn->op[1];
	err = load(insn, regs, ops, &src, &offset);
	if (err)
		return err;
	if (insn->op[0].kind == X86_OPND_MEM && insn->op[1].kind == X86_OPND_REG) {
		int64_t signed_offset = (int64_t)sign_extend(offset, size);

		/* Arithmetic shift: floor division by the operand's bit width. */
		extra = (signed_offset >> __builtin_ctz(bits)) * (int64_t)size;
	}
	bit = offset & (bits - 1);
	err = resolve(insn, regs, 0, extra, &dst);
	if (!err)
		err = load(insn, regs, ops, &dst, &value);
	if (err)
		return err;
	/* CF is the bit; ZF is kept; OF/SF/AF/PF are undefined and kept too. */
	regs->rflags = (regs->rflags & ~X86_FLAG_CF) | ((value >> bit) & 1 ? X86_FLAG_CF : 0);
	switch (insn->cls) {
	case X86_INSN_BTS: value |= 1ull << bit; break;
	case X86_INSN_BTR: value &= ~(1ull << bit); break;
	case X86_INSN_BTC: value ^= 1ull << bit; break;
	default: return 0;
	}
	return store(regs, ops, &dst, size, value);
}

static int emulate_one(const struct x86_instr *insn, struct x86_regs *regs, const struct x86_mem_ops *ops)
{
	struct operand_ref dst, src;
	uint64_t a, b, result;
	unsigned size = insn->op_size;
	int err;

	if (insn->cls >= X86_INSN_BT)
		return emulate_bit_test(insn, regs, ops);
	if ((err = resolve(insn, regs, 0, 0, &dst)) || (err = resolve(insn, regs, 1, 0, &src)))
		return err;
	switch (insn->cls) {
	case X86_INSN_MOV:
		if ((err = load(insn, regs, ops, &src, &b)))
			return err;
		return store(regs, ops, &dst, size, b);
	case X86_INSN_MOVZX:
	case X86_INSN_MOVSX:
	case X86_INSN_MOVSXD:
		if ((err = load(insn, regs, ops, &src, &b)))
			return err;
		if (insn->cls != X86_INSN_MOVZX)
			b = sign_extend(b, src.op->size);
		return store(regs, ops, &dst, size, b);
	case X86_INSN_XCHG:
		/* The memory operand, if any, is op[0]: read it, then write it. */
		if ((err = load(insn, regs, ops, &dst, &a)) || (err = load(insn, regs, ops, &src, &b)))
			return err;
		if ((err = store(regs, ops, &dst, size, b)))
			return err;
		return store(regs, ops, &src, size, a);
	default:
		if (insn->cls > X86_INSN_TEST)
			return X86_EMU_UD;
		if ((err = load(insn, regs, ops, &dst, &a)) || (err = load(insn, regs, ops, &src, &b)))
			return err;
		regs->rflags = x86_alu(insn->cls, size, a, b, regs->rflags, &result);
		if (insn->cls == X86_INSN_CMP || insn->cls == X86_INSN_TEST)
			return 0;
		return store(regs, ops, &dst, size, result);
	}
}

int x86_emulate(const struct x86_instr *insn, struct x86_regs *regs, const struct x86_mem_ops *ops, unsigned max_rep)
{
	struct x86_regs next;
	int err;

	if (insn->mode != regs->mode)
		return X86_EMU_UD;
	if (insn->cls == X86_INSN_MOVS || insn->cls == X86_INSN_STOS)
		return x86_emulate_string(insn, regs, ops, max_rep);
	next = *regs;
	err = emulate_one(insn, &next, ops);
	if (err)
		return err;
	next.rip += insn->len;
	if (regs->mode != X86_MODE_64)
		next.rip &= regs->mode == X86_MODE_16 ? 0xffff : 0xffffffff;
	*regs = next;
	return 0;
}
