/* ModRM, SIB and displacement decoding: the 16-bit forms (bx+si, bp+di, ...)
 * and the 32/64-bit forms (SIB, no-base disp32, RIP-relative). */
#include "decoder.h"

enum x86_decode_status x86_fetch_signed(struct x86_decoder *d, unsigned size, int64_t *out)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++) {
		uint8_t b;
		enum x86_decode_status st = x86_fetch8(d, &b);

		if (st != X86_DECODE_OK)
			return st;
		v |= (uint64_t)b << (8 * i);
	}
	if (size < 8) {
		unsigned shift = 64 - 8 * size;

		v = (uint64_t)((int64_t)(v << shift) >> shift);
	}
	*out = (int64_t)v;
	return X86_DECODE_OK;
}

void x86_reg_operand(const struct x86_decoder *d, struct x86_operand *op, unsigned num, unsigned size)
{
	op->kind = X86_OPND_REG;
	op->size = (uint8_t)size;
	op->high8 = false;
	op->reg = (uint8_t)num;
	/* Any REX, even 0x40, turns 4..7 into spl/bpl/sil/dil. */
	if (size == 1 && !d->insn->rex && num >= 4 && num < 8) {
		op->reg = (uint8_t)(num - 4);
		op->high8 = true;
	}
}

unsigned x86_add_mem(struct x86_decoder *d, const struct x86_mem *mem)
{
	unsigned i = d->insn->nmem++;

	d->insn->mem[i] = *mem;
	if (d->seg_prefix != X86_SEG_COUNT) {
		d->insn->mem[i].seg = d->seg_prefix;
		d->insn->mem[i].seg_override = true;
	}
	return i;
}

/* 16-bit addressing: the eight fixed base/index pairs of the ModRM table. */
static enum x86_decode_status decode_mem16(struct x86_decoder *d, unsigned mod, unsigned rm, struct x86_mem *m)
{
	static const uint8_t base16[8] = {X86_RBX, X86_RBX, X86_RBP, X86_RBP, X86_RSI, X86_RDI, X86_RBP, X86_RBX};
	static const uint8_t index16[8] = {X86_RSI,      X86_RDI,      X86_RSI,      X86_RDI,
	                                   X86_REG_NONE, X86_REG_NONE, X86_REG_NONE, X86_REG_NONE};
	int64_t disp = 0;
	enum x86_decode_status st = X86_DECODE_OK;

	m->base = base16[rm];
	m->index = index16[rm];
	if (mod == 0 && rm == 6) {
		m->base = X86_REG_NONE;
		st = x86_fetch_signed(d, 2, &disp);
	} else if (mod == 1) {
		st = x86_fetch_signed(d, 1, &disp);
	} else if (mod == 2) {
		st = x86_fetch_signed(d, 2, &disp);
	}
	m->disp = disp;
	m->seg = m->base == X86_RBP ? X86_SEG_SS : X86_SEG_DS;
	return st;
}

/* 32/64-bit addressing, with SIB and RIP-relative forms. */
static enum x86_decode_status decode_mem32(struct x86_decoder *d, unsigned mod, unsigned rm, struct x86_mem *m)
{
	uint8_t rex = d->insn->rex;
	int64_t disp = 0;
	enum x86_decode_status st;
	unsigned disp_size = mod == 1 ? 1 : mod == 2 ? 4 : 0;

	m->base = (uint8_t)(rm | (rex & X86_REX_B ? 8 : 0));
	if (rm == 4) {
		uint8_t sib;
		unsigned index, base;

		st = x86_fetch8(d, &sib);
		if (st != X86_DECODE_OK)
			return st;
		index = ((sib >> 3) & 7) | (rex & X86_REX_X ? 8 : 0);
		base = sib & 7;
		m->scale = (uint8_t)(1u << (sib >> 6));
		/* index 100b without REX.X means none (r12 is a valid index). */
		m->index = index == 4 ? X86_REG_NONE : (uint8_t)index;
		m->base = (uint8_t)(base | (rex & X86_REX_B ? 8 : 0));
		if (base == 5 && mod == 0) {
			m->base = X86_REG_NONE;
			disp_size = 4;
		}
	} else if (rm == 5 && mod == 0) {
		/* disp32 alone: absolute outside long mode, RIP-relative in it. */
		m->base = X86_REG_NONE;
		m->rip_relative = d->mode == X86_MODE_64;
		disp_size = 4;
	}
	if (disp_size) {
		st = x86_fetch_signed(d, disp_size, &disp);
		if (st != X86_DECODE_OK)
			return st;
	}
	m->disp = disp;
	m->seg = (m->base == X86_RSP || m->base == X86_RBP) ? X86_SEG_SS : X86_SEG_DS;
	return X86_DECODE_OK;
}

enum x86_decode_status x86_decode_rm(struct x86_decoder *d, uint8_t modrm, struct x86_operand *op, unsigned size)
{
	unsigned mod = modrm >> 6, rm = modrm & 7;
	struct x86_mem m = {.index = X86_REG_NONE, .scale = 1, .addr_size = d->insn->addr_size};
	enum x86_decode_status st;

	if (mod == 3) {
		x86_reg_operand(d, op, rm | (d->insn->rex & X86_REX_B ? 8 : 0), size);
		return X86_DECODE_OK;
	}
	if (m.addr_size == 2)
		st = decode_mem16(d, mod, rm, &m);
	else
		st = decode_mem32(d, mod, rm, &m);
	if (st != X86_DECODE_OK)
		return st;
	op->kind = X86_OPND_MEM;
	op->size = (uint8_t)size;
	op->reg = X86_REG_NONE;
	op->high8 = false;
	op->mem = (uint8_t)x86_add_mem(d, &m);
	return X86_DECODE_OK;
}
