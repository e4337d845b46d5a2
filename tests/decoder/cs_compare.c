/* Differential decoding against capstone: length, instruction class and
 * every operand (registers with their width, memory segment/base/index/
 * scale/displacement, immediates, operand sizes) must match whenever our
 * decoder accepts; whenever capstone decodes one of the supported forms, our
 * decoder must accept it too. */
#include "cs_compare.h"
#include <capstone/capstone.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cs_oracle {
	csh h16, h32, h64;
	enum cs_quirk last_quirk;
};

const char *const cs_quirk_names[CS_QUIRK_COUNT] = {
    [CS_QUIRK_LOCK] = "lock-on-non-lockable",       [CS_QUIRK_LONG] = "over-15-bytes",
    [CS_QUIRK_SEG64] = "long-mode-ignored-segment", [CS_QUIRK_MOVSXD] = "movsxd-without-rex-w",
    [CS_QUIRK_OPSIZE_REP] = "66-with-f2-f3-size",
};

enum cs_quirk cs_last_quirk(const struct cs_oracle *o)
{
	return o->last_quirk;
}

struct cs_oracle *cs_oracle_open(void)
{
	struct cs_oracle *o = calloc(1, sizeof(*o));

	if (!o || cs_open(CS_ARCH_X86, CS_MODE_16, &o->h16) != CS_ERR_OK ||
	    cs_open(CS_ARCH_X86, CS_MODE_32, &o->h32) != CS_ERR_OK ||
	    cs_open(CS_ARCH_X86, CS_MODE_64, &o->h64) != CS_ERR_OK) {
		fprintf(stderr, "capstone: cs_open failed\n");
		exit(2);
	}
	cs_option(o->h16, CS_OPT_DETAIL, CS_OPT_ON);
	cs_option(o->h32, CS_OPT_DETAIL, CS_OPT_ON);
	cs_option(o->h64, CS_OPT_DETAIL, CS_OPT_ON);
	return o;
}

void cs_oracle_close(struct cs_oracle *o)
{
	cs_close(&o->h16);
	cs_close(&o->h32);
	cs_close(&o->h64);
	free(o);
}

void cs_hex(const uint8_t *bytes, size_t n, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = 0;
	for (size_t i = 0; i < n && at + 4 < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%02x", i ? " " : "", bytes[i]);
}

static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* --- capstone registers as (number, width, high byte) ------------------- */

struct gpr_name {
	x86_reg reg;
	uint8_t num, size;
	bool high8;
};

static const struct gpr_name gpr_names[] = {
    {X86_REG_AL, 0, 1, 0},    {X86_REG_CL, 1, 1, 0},    {X86_REG_DL, 2, 1, 0},    {X86_REG_BL, 3, 1, 0},
    {X86_REG_AH, 0, 1, 1},    {X86_REG_CH, 1, 1, 1},    {X86_REG_DH, 2, 1, 1},    {X86_REG_BH, 3, 1, 1},
    {X86_REG_SPL, 4, 1, 0},   {X86_REG_BPL, 5, 1, 0},   {X86_REG_SIL, 6, 1, 0},   {X86_REG_DIL, 7, 1, 0},
    {X86_REG_R8B, 8, 1, 0},   {X86_REG_R9B, 9, 1, 0},   {X86_REG_R10B, 10, 1, 0}, {X86_REG_R11B, 11, 1, 0},
    {X86_REG_R12B, 12, 1, 0}, {X86_REG_R13B, 13, 1, 0}, {X86_REG_R14B, 14, 1, 0}, {X86_REG_R15B, 15, 1, 0},
    {X86_REG_AX, 0, 2, 0},    {X86_REG_CX, 1, 2, 0},    {X86_REG_DX, 2, 2, 0},    {X86_REG_BX, 3, 2, 0},
    {X86_REG_SP, 4, 2, 0},    {X86_REG_BP, 5, 2, 0},    {X86_REG_SI, 6, 2, 0},    {X86_REG_DI, 7, 2, 0},
    {X86_REG_R8W, 8, 2, 0},   {X86_REG_R9W, 9, 2, 0},   {X86_REG_R10W, 10, 2, 0}, {X86_REG_R11W, 11, 2, 0},
    {X86_REG_R12W, 12, 2, 0}, {X86_REG_R13W, 13, 2, 0}, {X86_REG_R14W, 14, 2, 0}, {X86_REG_R15W, 15, 2, 0},
    {X86_REG_EAX, 0, 4, 0},   {X86_REG_ECX, 1, 4, 0},   {X86_REG_EDX, 2, 4, 0},   {X86_REG_EBX, 3, 4, 0},
    {X86_REG_ESP, 4, 4, 0},   {X86_REG_EBP, 5, 4, 0},   {X86_REG_ESI, 6, 4, 0},   {X86_REG_EDI, 7, 4, 0},
    {X86_REG_R8D, 8, 4, 0},   {X86_REG_R9D, 9, 4, 0},   {X86_REG_R10D, 10, 4, 0}, {X86_REG_R11D, 11, 4, 0},
    {X86_REG_R12D, 12, 4, 0}, {X86_REG_R13D, 13, 4, 0}, {X86_REG_R14D, 14, 4, 0}, {X86_REG_R15D, 15, 4, 0},
    {X86_REG_RAX, 0, 8, 0},   {X86_REG_RCX, 1, 8, 0},   {X86_REG_RDX, 2, 8, 0},   {X86_REG_RBX, 3, 8, 0},
    {X86_REG_RSP, 4, 8, 0},   {X86_REG_RBP, 5, 8, 0},   {X86_REG_RSI, 6, 8, 0},   {X86_REG_RDI, 7, 8, 0},
    {X86_REG_R8, 8, 8, 0},    {X86_REG_R9, 9, 8, 0},    {X86_REG_R10, 10, 8, 0},  {X86_REG_R11, 11, 8, 0},
    {X86_REG_R12, 12, 8, 0},  {X86_REG_R13, 13, 8, 0},  {X86_REG_R14, 14, 8, 0},  {X86_REG_R15, 15, 8, 0},
};

/* Our register (number, size, high byte) as capstone names it. */
static x86_reg cs_gpr(unsigned num, unsigned size, bool high8)
{
	for (size_t i = 0; i < sizeof(gpr_names) / sizeof(gpr_names[0]); i++)
		if (gpr_names[i].num == num && gpr_names[i].size == size && gpr_names[i].high8 == high8)
			return gpr_names[i].reg;
	return X86_REG_INVALID;
}

static x86_reg cs_seg(unsigned seg)
{
	static const x86_reg segs[X86_SEG_COUNT] = {X86_REG_ES, X86_REG_CS, X86_REG_SS,
	                                            X86_REG_DS, X86_REG_FS, X86_REG_GS};
	return segs[seg];
}

/* --- what capstone decoded, in our terms -------------------------------- */

static int cs_class(unsigned id)
{
	switch (id) {
	case X86_INS_ADD: return X86_INSN_ADD;
	case X86_INS_OR: return X86_INSN_OR;
	case X86_INS_ADC: return X86_INSN_ADC;
	case X86_INS_SBB: return X86_INSN_SBB;
	case X86_INS_AND: return X86_INSN_AND;
	case X86_INS_SUB: return X86_INSN_SUB;
	case X86_INS_XOR: return X86_INSN_XOR;
	case X86_INS_CMP: return X86_INSN_CMP;
	case X86_INS_TEST: return X86_INSN_TEST;
	case X86_INS_XCHG: return X86_INSN_XCHG;
	case X86_INS_MOV:
	case X86_INS_MOVABS: return X86_INSN_MOV;
	case X86_INS_MOVZX: return X86_INSN_MOVZX;
	case X86_INS_MOVSX: return X86_INSN_MOVSX;
	case X86_INS_MOVSXD: return X86_INSN_MOVSXD;
	case X86_INS_MOVSB:
	case X86_INS_MOVSW:
	case X86_INS_MOVSD:
	case X86_INS_MOVSQ: return X86_INSN_MOVS;
	case X86_INS_STOSB:
	case X86_INS_STOSW:
	case X86_INS_STOSD:
	case X86_INS_STOSQ: return X86_INSN_STOS;
	case X86_INS_BT: return X86_INSN_BT;
	case X86_INS_BTS: return X86_INSN_BTS;
	case X86_INS_BTR: return X86_INSN_BTR;
	case X86_INS_BTC: return X86_INSN_BTC;
	default: return -1;
	}
}

/* Whether capstone's opcode bytes and ModRM are one of the supported forms
 * (the list in docs/decoder.md), independently of our decoder. */
static bool cs_supported_form(const cs_x86 *x, enum x86_cpu_mode mode)
{
	uint8_t op = x->opcode[0], reg = (x->modrm >> 3) & 7;

	if (op == 0x0f) {
		switch (x->opcode[1]) {
		case 0xa3:
		case 0xab:
		case 0xb3:
		case 0xbb:
		case 0xb6:
		case 0xb7:
		case 0xbe:
		case 0xbf: return true;
		case 0xba: return reg >= 4;
		default: return false;
		}
	}
	if (op < 0x40 && (op & 7) < 4)
		return true;
	switch (op) {
	case 0x63: return mode == X86_MODE_64;
	case 0x82: return mode != X86_MODE_64;
	case 0x80:
	case 0x81:
	case 0x83:
	case 0x84:
	case 0x85:
	case 0x86:
	case 0x87:
	case 0x88:
	case 0x89:
	case 0x8a:
	case 0x8b:
	case 0xa0:
	case 0xa1:
	case 0xa2:
	case 0xa3:
	case 0xa4:
	case 0xa5:
	case 0xaa:
	case 0xab: return true;
	case 0xc6:
	case 0xc7: return reg == 0;
	case 0xf6:
	case 0xf7: return reg <= 1;
	default: return false;
	}
}

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* --- operand comparison --------------------------------------------------- */

static bool same_mem(const struct x86_instr *in, const struct x86_mem *m, const x86_op_mem *c, enum x86_cpu_mode mode,
                     unsigned *quirks, char *why, size_t len)
{
	x86_reg base = X86_REG_INVALID, index = X86_REG_INVALID;
	x86_reg seg = m->seg_override ? cs_seg(m->seg) : X86_REG_INVALID;
	x86_reg cseg = c->segment;

	if (m->rip_relative)
		base = m->addr_size == 8 ? X86_REG_RIP : X86_REG_EIP;
	else if (m->base != X86_REG_NONE)
		base = cs_gpr(m->base, m->addr_size, false);
	if (m->index != X86_REG_NONE)
		index = cs_gpr(m->index, m->addr_size, false);
	/* Long mode ignores es/cs/ss/ds prefixes (an earlier fs/gs stays in
	 * force, checked on the CPU); capstone shows the last one. */
	if (mode == X86_MODE_64 &&
	    (cseg == X86_REG_ES || cseg == X86_REG_CS || cseg == X86_REG_SS || cseg == X86_REG_DS)) {
		if (seg != X86_REG_INVALID && !(in->cls == X86_INSN_MOVS || in->cls == X86_INSN_STOS))
			*quirks |= 1u << CS_QUIRK_SEG64;
		cseg = seg;
	}
	/* String destinations are always es:, which capstone spells out. */
	if (in->cls == X86_INSN_MOVS || in->cls == X86_INSN_STOS) {
		if (m->seg == X86_SEG_ES && cseg == X86_REG_INVALID)
			cseg = X86_REG_ES;
		if (m->seg == X86_SEG_ES)
			seg = X86_REG_ES;
		if (m->seg == X86_SEG_DS && !m->seg_override && cseg == X86_REG_DS)
			cseg = X86_REG_INVALID;
	}
	if (c->base != base || c->index != index || seg != cseg) {
		say(why, len, "memory base/index/segment differ: ours %u/%u/%d cs %u/%u/%u", base, index, seg, c->base,
		    c->index, cseg);
		return false;
	}
	if (index != X86_REG_INVALID && (unsigned)c->scale != m->scale) {
		say(why, len, "scale differs: ours %u cs %d", m->scale, c->scale);
		return false;
	}
	/* Displacements wrap at the address size. */
	if (((uint64_t)m->disp ^ (uint64_t)c->disp) & size_mask(m->rip_relative ? 8 : m->addr_size)) {
		say(why, len, "disp differs: ours %#llx cs %#llx", (unsigned long long)m->disp,
		    (unsigned long long)c->disp);
		return false;
	}
	return true;
}

/* capstone shows movsxd without REX.W as reg64, r/m32 whatever the operand
 * size; the CPU (and the SDM) make it r32, r/m32 or, with 66, r16, r/m16. */
static bool movsxd_quirk(const struct x86_instr *in, unsigned i, const cs_x86_op *c)
{
	const struct x86_operand *o = &in->op[i];

	if (in->cls != X86_INSN_MOVSXD || (in->rex & 8) || o->size == 8)
		return false;
	if (i == 0)
		return c->type == X86_OP_REG && c->reg == cs_gpr(o->reg, 8, false);
	if (o->kind == X86_OPND_REG)
		return c->type == X86_OP_REG && c->reg == cs_gpr(o->reg, 4, false);
	return c->type == X86_OP_MEM && c->size == 4;
}

/* capstone treats 66 next to f2/f3 as part of a mandatory-prefix opcode and
 * sizes memory operands as if 66 were absent. */
static bool opsize_rep_quirk(const struct x86_instr *in, enum x86_cpu_mode mode, unsigned cs_size, unsigned our_size)
{
	unsigned plain = mode == X86_MODE_16 ? 2 : 4, toggled = mode == X86_MODE_16 ? 4 : 2;

	return (in->prefixes & X86_PFX_OPSIZE) && (in->prefixes & (X86_PFX_REP | X86_PFX_REPNE)) && cs_size == plain &&
	       our_size == toggled;
}

static bool same_operand(const struct x86_instr *in, unsigned i, const cs_x86_op *c, enum x86_cpu_mode mode,
                         unsigned *quirks, char *why, size_t len)
{
	const struct x86_operand *o = &in->op[i];

	switch (o->kind) {
	case X86_OPND_REG:
		if (movsxd_quirk(in, i, c)) {
			*quirks |= 1u << CS_QUIRK_MOVSXD;
			return true;
		}
		if (in->cls == X86_INSN_STOS && c->type == X86_OP_REG && opsize_rep_quirk(in, mode, c->size, o->size) &&
		    c->reg == cs_gpr(o->reg, c->size, false)) {
			*quirks |= 1u << CS_QUIRK_OPSIZE_REP;
			return true;
		}
		if (c->type != X86_OP_REG || c->reg != cs_gpr(o->reg, o->size, o->high8)) {
			say(why, len, "operand %u: register differs (cs type %d reg %d)", i, c->type, c->reg);
			return false;
		}
		break;
	case X86_OPND_MEM:
		if (c->type != X86_OP_MEM) {
			say(why, len, "operand %u: cs type %d, ours memory", i, c->type);
			return false;
		}
		if (!same_mem(in, &in->mem[o->mem], &c->mem, mode, quirks, why, len))
			return false;
		break;
	case X86_OPND_IMM:
		if (c->type != X86_OP_IMM || ((in->imm ^ (uint64_t)c->imm) & size_mask(o->size))) {
			say(why, len, "operand %u: immediate differs: ours %#llx cs %#llx", i,
			    (unsigned long long)in->imm, (unsigned long long)c->imm);
			return false;
		}
		return true; /* capstone sizes immediates inconsistently; the value is what counts */
	default: say(why, len, "operand %u: bad kind", i); return false;
	}
	if (c->size != o->size && o->kind == X86_OPND_MEM && opsize_rep_quirk(in, mode, c->size, o->size)) {
		*quirks |= 1u << CS_QUIRK_OPSIZE_REP;
		return true;
	}
	if (c->size != o->size && movsxd_quirk(in, i, c)) {
		*quirks |= 1u << CS_QUIRK_MOVSXD;
		return true;
	}
	if (c->size != o->size) {
		say(why, len, "operand %u: size differs: ours %u cs %u", i, o->size, c->size);
		return false;
	}
	return true;
}

static enum cs_verdict compare_accepted(struct cs_oracle *o, const struct x86_instr *in, const cs_insn *ci,
                                        enum x86_cpu_mode mode, char *why, size_t len)
{
	const cs_x86 *x = &ci->detail->x86;
	unsigned quirks = 0;

	if (ci->size != in->len) {
		say(why, len, "length differs: ours %u cs %u (%s %s)", in->len, ci->size, ci->mnemonic, ci->op_str);
		return CS_DISAGREE;
	}
	if (cs_class(ci->id) != in->cls) {
		say(why, len, "class differs: ours %s cs %s %s", x86_insn_class_name(in->cls), ci->mnemonic,
		    ci->op_str);
		return CS_DISAGREE;
	}
	if (x->op_count != in->nops) {
		say(why, len, "operand count differs: ours %u cs %u (%s %s)", in->nops, x->op_count, ci->mnemonic,
		    ci->op_str);
		return CS_DISAGREE;
	}
	for (unsigned i = 0; i < in->nops; i++) {
		if (!same_operand(in, i, &x->operands[i], mode, &quirks, why, len)) {
			size_t at = why ? strlen(why) : 0;

			say(why ? why + at : NULL, len - at, " (cs: %s %s)", ci->mnemonic, ci->op_str);
			return CS_DISAGREE;
		}
	}
	if (quirks) {
		o->last_quirk = (enum cs_quirk)__builtin_ctz(quirks);
		say(why, len, "%s (cs: %s %s)", cs_quirk_names[o->last_quirk], ci->mnemonic, ci->op_str);
		return CS_CAPSTONE_KNOWN;
	}
	return CS_AGREE_ACCEPT;
}

enum cs_verdict cs_compare(struct cs_oracle *o, const uint8_t *bytes, size_t n, enum x86_cpu_mode mode, char *why,
                           size_t why_len)
{
	struct x86_instr in;
	enum x86_decode_status st = x86_decode(bytes, n, mode, &in);
	csh h = mode == X86_MODE_16 ? o->h16 : mode == X86_MODE_32 ? o->h32 : o->h64;
	cs_insn *ci = NULL;
	size_t count = cs_disasm(h, bytes, n, 0x1000, 1, &ci);
	enum cs_verdict v = CS_AGREE_REJECT;

	if (st == X86_DECODE_OK) {
		if (count != 1 && in.cls == X86_INSN_MOV && !in.two_byte && in.opcode >= 0xa0 && in.opcode <= 0xa3 &&
		    (in.prefixes & X86_PFX_OPSIZE) && (in.prefixes & (X86_PFX_REP | X86_PFX_REPNE))) {
			o->last_quirk = CS_QUIRK_OPSIZE_REP;
			say(why, why_len, "%s (capstone did not decode it)", cs_quirk_names[o->last_quirk]);
			v = CS_CAPSTONE_KNOWN;
		} else if (count != 1) {
			say(why, why_len, "ours decoded %s (len %u), capstone did not", x86_insn_class_name(in.cls),
			    in.len);
			v = CS_DISAGREE;
		} else {
			v = compare_accepted(o, &in, ci, mode, why, why_len);
		}
	} else if (count == 1 && cs_class(ci->id) >= 0 && cs_supported_form(&ci->detail->x86, mode)) {
		/* capstone does not check lock validity or the 15-byte limit. */
		if (st == X86_DECODE_INVALID && (in.prefixes & X86_PFX_LOCK)) {
			o->last_quirk = CS_QUIRK_LOCK;
			v = CS_CAPSTONE_KNOWN;
		} else if (st == X86_DECODE_TOO_LONG && ci->size > X86_MAX_INSN_LEN) {
			o->last_quirk = CS_QUIRK_LONG;
			v = CS_CAPSTONE_KNOWN;
		} else {
			say(why, why_len, "ours %s, capstone decoded %s %s (len %u)", x86_decode_status_name(st),
			    ci->mnemonic, ci->op_str, ci->size);
			v = CS_DISAGREE;
		}
		if (v == CS_CAPSTONE_KNOWN)
			say(why, why_len, "%s (cs: %s %s)", cs_quirk_names[o->last_quirk], ci->mnemonic, ci->op_str);
	}
	if (ci)
		cs_free(ci, count);
	return v;
}
