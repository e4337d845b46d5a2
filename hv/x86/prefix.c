/* Legacy and REX prefixes, and the operand and address sizes they select
 * for each CPU mode. */
#include "decoder.h"

static unsigned operand_size(const struct x86_decoder *d)
{
	bool opsize = d->insn->prefixes & X86_PFX_OPSIZE;

	if (d->mode == X86_MODE_64 && (d->insn->rex & X86_REX_W))
		return 8;
	if (d->mode == X86_MODE_16)
		return opsize ? 4 : 2;
	return opsize ? 2 : 4;
}

static unsigned address_size(const struct x86_decoder *d)
{
	bool addrsize = d->insn->prefixes & X86_PFX_ADDRSIZE;

	switch (d->mode) {
	case X86_MODE_64: return addrsize ? 4 : 8;
	case X86_MODE_32: return addrsize ? 2 : 4;
	default: return addrsize ? 4 : 2;
	}
}

/* Legacy prefixes in any order and number, and REX in long mode. A REX
 * counts only as the last byte before the opcode: a legacy prefix after it
 * cancels it, as on the CPU. Returns with the first opcode byte in *opcode. */
enum x86_decode_status x86_decode_prefixes(struct x86_decoder *d, uint8_t *opcode)
{
	struct x86_instr *insn = d->insn;

	for (;;) {
		uint8_t b;
		enum x86_decode_status st = x86_fetch8(d, &b);

		if (st != X86_DECODE_OK)
			return st;
		if (d->mode == X86_MODE_64 && (b & 0xf0) == 0x40) {
			insn->rex = b;
			continue;
		}
		switch (b) {
		case 0xf0: insn->prefixes |= X86_PFX_LOCK; break;
		case 0xf2: insn->prefixes |= X86_PFX_REPNE; break;
		case 0xf3: insn->prefixes |= X86_PFX_REP; break;
		case 0x66: insn->prefixes |= X86_PFX_OPSIZE; break;
		case 0x67: insn->prefixes |= X86_PFX_ADDRSIZE; break;
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
			insn->prefixes |= X86_PFX_SEG;
			/* Long mode ignores es/cs/ss/ds overrides (bases are 0). */
			if (d->mode != X86_MODE_64)
				d->seg_prefix = (uint8_t)((b >> 3) & 3);
			break;
		case 0x64:
		case 0x65:
			insn->prefixes |= X86_PFX_SEG;
			d->seg_prefix = (uint8_t)(b == 0x64 ? X86_SEG_FS : X86_SEG_GS);
			break;
		default:
			*opcode = b;
			if (insn->rex)
				insn->prefixes |= X86_PFX_REX;
			return X86_DECODE_OK;
		}
		insn->rex = 0;
	}
}

void x86_set_sizes(struct x86_decoder *d)
{
	d->insn->op_size = (uint8_t)operand_size(d);
	d->insn->addr_size = (uint8_t)address_size(d);
}
