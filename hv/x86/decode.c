/* Instruction decoding: prefixes, operand/address size, and the opcode map of
 * the supported forms. Everything not in the map is X86_DECODE_UNSUPPORTED,
 * so a caller never executes a guess. */
#include "decoder.h"
#include <kern/string.h>

static enum x86_decode_status fetch_modrm(struct x86_decoder *d, uint8_t *modrm)
{
	return x86_fetch8(d, modrm);
}

/* r/m and reg operands; rm_first gives Intel order "op r/m, reg". */
static enum x86_decode_status form_rm_reg(struct x86_decoder *d, uint8_t modrm, unsigned rm_size, unsigned reg_size,
                                          bool rm_first)
{
	struct x86_instr *insn = d->insn;
	struct x86_operand *rm = &insn->op[rm_first ? 0 : 1];
	struct x86_operand *reg = &insn->op[rm_first ? 1 : 0];
	unsigned regnum = ((modrm >> 3) & 7) | (insn->rex & X86_REX_R ? 8 : 0);

	insn->nops = 2;
	x86_reg_operand(d, reg, regnum, reg_size);
	return x86_decode_rm(d, modrm, rm, rm_size);
}

/* r/m destination and an immediate of imm_size bytes (sign-extended). */
static enum x86_decode_status form_rm_imm(struct x86_decoder *d, uint8_t modrm, unsigned size, unsigned imm_size)
{
	struct x86_instr *insn = d->insn;
	int64_t imm;
	enum x86_decode_status st = x86_decode_rm(d, modrm, &insn->op[0], size);

	if (st != X86_DECODE_OK)
		return st;
	st = x86_fetch_signed(d, imm_size, &imm);
	if (st != X86_DECODE_OK)
		return st;
	insn->nops = 2;
	insn->imm = (uint64_t)imm;
	insn->op[1] = (struct x86_operand){.kind = X86_OPND_IMM, .size = (uint8_t)size, .reg = X86_REG_NONE};
	return X86_DECODE_OK;
}

/* The immediate of an operation of `size` bytes: imm16 for 16-bit, imm32
 * (sign-extended) for 32- and 64-bit operations. */
static unsigned imm_size_z(unsigned size)
{
	return size == 2 ? 2 : size == 1 ? 1 : 4;
}

/* a0-a3: mov between the accumulator and an absolute offset of address size. */
static enum x86_decode_status form_moffs(struct x86_decoder *d, uint8_t opcode)
{
	struct x86_instr *insn = d->insn;
	unsigned size = (opcode & 1) ? insn->op_size : 1;
	bool to_mem = opcode & 2;
	struct x86_mem m = {
	    .seg = X86_SEG_DS, .base = X86_REG_NONE, .index = X86_REG_NONE, .scale = 1, .addr_size = insn->addr_size};
	struct x86_operand *mem = &insn->op[to_mem ? 0 : 1];
	int64_t off;
	enum x86_decode_status st = x86_fetch_signed(d, insn->addr_size, &off);

	if (st != X86_DECODE_OK)
		return st;
	if (insn->addr_size < 8)
		off &= (int64_t)((1ull << (8 * insn->addr_size)) - 1);
	m.disp = off;
	insn->cls = X86_INSN_MOV;
	insn->nops = 2;
	x86_reg_operand(d, &insn->op[to_mem ? 1 : 0], X86_RAX, size);
	*mem = (struct x86_operand){.kind = X86_OPND_MEM, .size = (uint8_t)size, .reg = X86_REG_NONE};
	mem->mem = (uint8_t)x86_add_mem(d, &m);
	insn->op_size = (uint8_t)size;
	return X86_DECODE_OK;
}

/* movs/stos: es:[rdi] destination (never overridden); movs reads seg:[rsi]. */
static void form_string(struct x86_decoder *d, uint8_t opcode)
{
	struct x86_instr *insn = d->insn;
	unsigned size = (opcode & 1) ? insn->op_size : 1;
	struct x86_mem dst = {
	    .seg = X86_SEG_ES, .base = X86_RDI, .index = X86_REG_NONE, .scale = 1, .addr_size = insn->addr_size};
	struct x86_mem src = dst;

	insn->cls = opcode < 0xaa ? X86_INSN_MOVS : X86_INSN_STOS;
	insn->op_size = (uint8_t)size;
	insn->nops = 2;
	insn->nmem = 1;
	insn->mem[0] = dst;
	insn->op[0] = (struct x86_operand){.kind = X86_OPND_MEM, .size = (uint8_t)size, .reg = X86_REG_NONE, .mem = 0};
	if (insn->cls == X86_INSN_STOS) {
		x86_reg_operand(d, &insn->op[1], X86_RAX, size);
		return;
	}
	src.base = X86_RSI;
	src.seg = X86_SEG_DS;
	insn->op[1] = (struct x86_operand){.kind = X86_OPND_MEM, .size = (uint8_t)size, .reg = X86_REG_NONE};
	insn->op[1].mem = (uint8_t)x86_add_mem(d, &src);
}

static enum x86_decode_status decode_two_byte(struct x86_decoder *d)
{
	struct x86_instr *insn = d->insn;
	unsigned osz = insn->op_size;
	uint8_t opcode, modrm;
	enum x86_decode_status st = x86_fetch8(d, &opcode);

	if (st != X86_DECODE_OK)
		return st;
	insn->opcode = opcode;
	insn->two_byte = true;
	switch (opcode) {
	case 0xa3: /* bt/bts/btr/btc r/m, reg */
	case 0xab:
	case 0xb3:
	case 0xbb:
		insn->cls = (uint8_t)(X86_INSN_BT + ((opcode >> 3) & 3));
		if ((st = fetch_modrm(d, &modrm)) != X86_DECODE_OK)
			return st;
		return form_rm_reg(d, modrm, osz, osz, true);
	case 0xba: /* bt/bts/btr/btc r/m, imm8; /0../3 are #UD */
		if ((st = fetch_modrm(d, &modrm)) != X86_DECODE_OK)
			return st;
		d->undefined = ((modrm >> 3) & 7) < 4;
		insn->cls = (uint8_t)(X86_INSN_BT + ((modrm >> 3) & 3));
		if ((st = form_rm_imm(d, modrm, osz, 1)) != X86_DECODE_OK)
			return st;
		insn->imm &= 0xff; /* a bit number: unsigned */
		insn->op[1].size = 1;
		return X86_DECODE_OK;
	case 0xb6: /* movzx/movsx reg, r/m8 or r/m16 */
	case 0xb7:
	case 0xbe:
	case 0xbf:
		insn->cls = opcode < 0xb8 ? X86_INSN_MOVZX : X86_INSN_MOVSX;
		if ((st = fetch_modrm(d, &modrm)) != X86_DECODE_OK)
			return st;
		return form_rm_reg(d, modrm, (opcode & 1) ? 2 : 1, osz, false);
	default: return X86_DECODE_UNSUPPORTED;
	}
}

static enum x86_decode_status decode_opcode(struct x86_decoder *d, uint8_t opcode)
{
	struct x86_instr *insn = d->insn;
	unsigned osz = insn->op_size;
	unsigned size = (opcode & 1) ? osz : 1; /* the w bit of most forms */
	uint8_t modrm;
	enum x86_decode_status st;

	insn->opcode = opcode;
	if (opcode == 0x0f)
		return decode_two_byte(d);
	if (opcode < 0x40 && (opcode & 7) < 4) {
		/* add/or/adc/sbb/and/sub/xor/cmp r/m forms: d bit 1 = reg is the destination */
		insn->cls = (uint8_t)(opcode >> 3);
		if ((st = fetch_modrm(d, &modrm)) != X86_DECODE_OK)
			return st;
		return form_rm_reg(d, modrm, size, size, !(opcode & 2));
	}
	switch (opcode) {
	case 0x63: /* movsxd reg, r/m32 in long mode; arpl elsewhere */
		if (d->mode != X86_MODE_64)
			return X86_DECODE_UNSUPPORTED;
		insn->cls = X86_INSN_MOVSXD;
		if ((st = fetch_modrm(d, &modrm)) != X86_DECODE_OK)
			return st;
		return form_rm_reg(d, modrm, osz == 8 ? 4 : osz, osz, false);
	case 0x82: /* an alias of 0x80, #UD in long mode */
		d->undefined = d->mode == X86_MODE_64;
		/* fall through */
	case 0x80:
	case 0x81:
	case 0x83:
		if ((st = fetch_modrm(d, &modrm)) != X86_DECODE_OK)
			return st;
		insn->cls = (uint8_t)((modrm >> 3) & 7);
		size = opcode == 0x81 || opcode == 0x83 ? osz : 1;
		return form_rm_imm(d, modrm, size, opcode == 0x81 ? imm_size_z(size) : 1);
	case 0x84: /* test r/m, reg */
	case 0x85:
	case 0x86: /* xchg r/m, reg */
	case 0x87:
	case 0x88: /* mov r/m, reg */
	case 0x89:
	case 0x8a: /* mov reg, r/m */
	case 0x8b:
		insn->cls = opcode < 0x86 ? X86_INSN_TEST : opcode < 0x88 ? X86_INSN_XCHG : X86_INSN_MOV;
		if ((st = fetch_modrm(d, &modrm)) != X86_DECODE_OK)
			return st;
		return form_rm_reg(d, modrm, size, size, opcode < 0x8a);
	case 0xa0:
	case 0xa1:
	case 0xa2:
	case 0xa3: return form_moffs(d, opcode);
	case 0xa4:
	case 0xa5:
	case 0xaa:
	case 0xab: form_string(d, opcode); return X86_DECODE_OK;
	case 0xc6: /* mov r/m, imm: only /0 (c6/c7 f8 are xabort/xbegin) */
	case 0xc7:
		if ((st = fetch_modrm(d, &modrm)) != X86_DECODE_OK)
			return st;
		if ((modrm >> 3) & 7)
			return X86_DECODE_UNSUPPORTED;
		insn->cls = X86_INSN_MOV;
		return form_rm_imm(d, modrm, size, imm_size_z(size));
	case 0xf6: /* test r/m, imm: /0 and its alias /1 (not/neg/mul/div are others) */
	case 0xf7:
		if ((st = fetch_modrm(d, &modrm)) != X86_DECODE_OK)
			return st;
		if (((modrm >> 3) & 7) > 1)
			return X86_DECODE_UNSUPPORTED;
		insn->cls = X86_INSN_TEST;
		return form_rm_imm(d, modrm, size, imm_size_z(size));
	default: return X86_DECODE_UNSUPPORTED;
	}
}

/* lock is legal only on a read-modify-write of memory; elsewhere it is #UD. */
static bool lock_allowed(const struct x86_instr *insn)
{
	if (insn->op[0].kind != X86_OPND_MEM)
		return false;
	switch (insn->cls) {
	case X86_INSN_ADD:
	case X86_INSN_OR:
	case X86_INSN_ADC:
	case X86_INSN_SBB:
	case X86_INSN_AND:
	case X86_INSN_SUB:
	case X86_INSN_XOR:
	case X86_INSN_XCHG:
	case X86_INSN_BTS:
	case X86_INSN_BTR:
	case X86_INSN_BTC: return true;
	default: return false;
	}
}

enum x86_decode_status x86_decode(const uint8_t *bytes, size_t avail, enum x86_cpu_mode mode, struct x86_instr *insn)
{
	struct x86_decoder d = {
	    .bytes = bytes, .avail = avail, .mode = mode, .seg_prefix = X86_SEG_COUNT, .insn = insn};
	uint8_t opcode;
	enum x86_decode_status st;

	memset(insn, 0, sizeof(*insn));
	insn->mode = (uint8_t)mode;
	if (mode != X86_MODE_16 && mode != X86_MODE_32 && mode != X86_MODE_64)
		return X86_DECODE_INVALID;
	st = x86_decode_prefixes(&d, &opcode);
	if (st != X86_DECODE_OK)
		return st;
	x86_set_sizes(&d);
	st = decode_opcode(&d, opcode);
	if (st != X86_DECODE_OK)
		return st;
	if (d.undefined || ((insn->prefixes & X86_PFX_LOCK) && !lock_allowed(insn)))
		return X86_DECODE_INVALID;
	/* The operation size is the destination's (movzx/movsx widen into it). */
	if (insn->cls != X86_INSN_MOVS && insn->cls != X86_INSN_STOS && insn->nops)
		insn->op_size = insn->op[0].size;
	insn->len = (uint8_t)d.pos;
	return X86_DECODE_OK;
}
