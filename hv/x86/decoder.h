/* Private to hv/x86/: the decoder's cursor over the instruction bytes and the
 * helpers the opcode and ModRM decoders share. */
#ifndef HV_X86_DECODER_H
#define HV_X86_DECODER_H
#include <hv/x86/insn.h>

#define X86_REX_W 0x8
#define X86_REX_R 0x4
#define X86_REX_X 0x2
#define X86_REX_B 0x1

struct x86_decoder {
	const uint8_t *bytes;
	size_t avail;
	size_t pos;
	enum x86_cpu_mode mode;
	uint8_t seg_prefix; /* enum x86_seg of the effective override, X86_SEG_COUNT if none */
	bool undefined;     /* #UD once fully decoded (the length limit is checked first) */
	struct x86_instr *insn;
};

/* Reads the next byte. Past 15 bytes the CPU faults whatever follows, so
 * that is checked before running out of input. */
static inline enum x86_decode_status x86_fetch8(struct x86_decoder *d, uint8_t *out)
{
	if (d->pos >= X86_MAX_INSN_LEN)
		return X86_DECODE_TOO_LONG;
	if (d->pos >= d->avail)
		return X86_DECODE_TRUNCATED;
	*out = d->bytes[d->pos++];
	return X86_DECODE_OK;
}

/* Consumes the prefixes; returns with the first opcode byte in *opcode. */
enum x86_decode_status x86_decode_prefixes(struct x86_decoder *d, uint8_t *opcode);

/* Sets insn->op_size and insn->addr_size from the mode and the prefixes. */
void x86_set_sizes(struct x86_decoder *d);

/* Reads a little-endian value of `size` bytes, sign-extended to 64 bits. */
enum x86_decode_status x86_fetch_signed(struct x86_decoder *d, unsigned size, int64_t *out);

/* Fills `op` with general register `num` of `size` bytes, applying the
 * ah/ch/dh/bh encoding of byte registers 4..7 when there is no REX. */
void x86_reg_operand(const struct x86_decoder *d, struct x86_operand *op, unsigned num, unsigned size);

/* Decodes the r/m half of `modrm` (with SIB and displacement as needed) into
 * `op`: a register, or a memory operand appended to insn->mem. */
enum x86_decode_status x86_decode_rm(struct x86_decoder *d, uint8_t modrm, struct x86_operand *op, unsigned size);

/* Appends a memory operand to the instruction and returns its index. */
unsigned x86_add_mem(struct x86_decoder *d, const struct x86_mem *mem);

#endif
