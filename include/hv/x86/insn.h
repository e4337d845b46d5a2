/* x86 instruction decoder for the instructions guests use to touch MMIO.
 *
 * x86_decode() turns up to 15 bytes into a struct x86_instr: the length, the
 * instruction class, the operand and address sizes, the operands in Intel
 * order (destination first) and the prefixes. Anything outside the supported
 * set is reported as X86_DECODE_UNSUPPORTED rather than guessed at; byte
 * strings the CPU would not execute are X86_DECODE_INVALID, TOO_LONG or
 * TRUNCATED. See docs/decoder.md for the exact set and how it is tested. */
#ifndef HV_X86_INSN_H
#define HV_X86_INSN_H
#include <kern/types.h>

#define X86_MAX_INSN_LEN 15

enum x86_cpu_mode {
	X86_MODE_16 = 16, /* real mode, vm86 or a 16-bit code segment */
	X86_MODE_32 = 32, /* 32-bit code segment (protected or compatibility mode) */
	X86_MODE_64 = 64, /* long mode with CS.L=1 */
};

enum x86_decode_status {
	X86_DECODE_OK = 0,
	X86_DECODE_UNSUPPORTED, /* an opcode or form outside the supported set */
	X86_DECODE_INVALID,     /* the CPU raises #UD (e.g. lock on mov) */
	X86_DECODE_TOO_LONG,    /* more than 15 bytes */
	X86_DECODE_TRUNCATED,   /* the bytes ran out before the instruction did */
};

enum x86_insn_class {
	/* The first eight follow the group-1 /reg numbering. */
	X86_INSN_ADD,
	X86_INSN_OR,
	X86_INSN_ADC,
	X86_INSN_SBB,
	X86_INSN_AND,
	X86_INSN_SUB,
	X86_INSN_XOR,
	X86_INSN_CMP,
	X86_INSN_TEST,
	X86_INSN_XCHG,
	X86_INSN_MOV,
	X86_INSN_MOVZX,
	X86_INSN_MOVSX,
	X86_INSN_MOVSXD,
	X86_INSN_MOVS,
	X86_INSN_STOS,
	/* Bit tests, in the 0f ba /4../7 order. */
	X86_INSN_BT,
	X86_INSN_BTS,
	X86_INSN_BTR,
	X86_INSN_BTC,
	X86_INSN_CLASS_COUNT,
};

/* Segment registers in their encoding order. */
enum x86_seg { X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS, X86_SEG_COUNT };

/* General-purpose registers in their encoding order. */
enum x86_gpr {
	X86_RAX,
	X86_RCX,
	X86_RDX,
	X86_RBX,
	X86_RSP,
	X86_RBP,
	X86_RSI,
	X86_RDI,
	X86_R8,
	X86_R9,
	X86_R10,
	X86_R11,
	X86_R12,
	X86_R13,
	X86_R14,
	X86_R15,
	X86_GPR_COUNT,
	X86_REG_NONE = 0xff,
};

/* Prefix bits in struct x86_instr.prefixes. */
#define X86_PFX_LOCK     (1u << 0)
#define X86_PFX_REP      (1u << 1) /* f3 */
#define X86_PFX_REPNE    (1u << 2) /* f2 */
#define X86_PFX_OPSIZE   (1u << 3) /* 66 */
#define X86_PFX_ADDRSIZE (1u << 4) /* 67 */
#define X86_PFX_SEG      (1u << 5) /* any segment prefix (ignored ones included) */
#define X86_PFX_REX      (1u << 6) /* an effective REX (the last byte before the opcode) */

/* A memory operand: linear = segment base + (base + index * scale + disp),
 * the sum taken modulo the address size. */
struct x86_mem {
	uint8_t seg;       /* enum x86_seg, the default already applied */
	uint8_t base;      /* enum x86_gpr or X86_REG_NONE */
	uint8_t index;     /* enum x86_gpr or X86_REG_NONE */
	uint8_t scale;     /* 1, 2, 4 or 8 */
	uint8_t addr_size; /* 2, 4 or 8 bytes */
	bool rip_relative; /* base is the next instruction's rip (eip with 67) */
	bool seg_override; /* seg came from an effective prefix */
	int64_t disp;      /* sign-extended; moffs offsets are zero-extended */
};

enum x86_operand_kind { X86_OPND_NONE, X86_OPND_REG, X86_OPND_MEM, X86_OPND_IMM };

struct x86_operand {
	uint8_t kind; /* enum x86_operand_kind */
	uint8_t size; /* bytes: 1, 2, 4 or 8 */
	uint8_t reg;  /* REG: enum x86_gpr */
	bool high8;   /* REG: ah, ch, dh or bh (bits 8..15 of reg - 4 encoded as reg) */
	uint8_t mem;  /* MEM: index into x86_instr.mem */
};

struct x86_instr {
	uint8_t len;
	uint8_t cls;              /* enum x86_insn_class */
	uint8_t mode;             /* enum x86_cpu_mode it was decoded for */
	uint8_t op_size;          /* the operation's size in bytes (the destination's) */
	uint8_t addr_size;        /* 2, 4 or 8 */
	uint8_t nops;             /* operands used in op[] */
	uint8_t nmem;             /* memory operands used in mem[] (2 only for movs) */
	uint8_t rex;              /* the effective REX byte, 0 if none */
	uint16_t prefixes;        /* X86_PFX_* */
	uint8_t opcode;           /* the last opcode byte (after 0f for two-byte opcodes) */
	bool two_byte;            /* opcode came after 0f */
	struct x86_operand op[2]; /* Intel order: destination first */
	struct x86_mem mem[2];    /* movs: mem[0] is es:[rdi], mem[1] is seg:[rsi] */
	uint64_t imm;             /* the immediate, sign-extended to 64 bits */
};

/* Decodes the instruction at `bytes` (at most `avail` of them are readable)
 * as a CPU in `mode` would. On X86_DECODE_OK *insn is filled. */
enum x86_decode_status x86_decode(const uint8_t *bytes, size_t avail, enum x86_cpu_mode mode, struct x86_instr *insn);

/* Short names for logs and tests ("mov", "add", ...). */
const char *x86_insn_class_name(enum x86_insn_class cls);
const char *x86_decode_status_name(enum x86_decode_status status);

/* True when the instruction is a string operation with a rep prefix. */
static inline bool x86_instr_is_rep(const struct x86_instr *insn)
{
	return (insn->cls == X86_INSN_MOVS || insn->cls == X86_INSN_STOS) &&
	       (insn->prefixes & (X86_PFX_REP | X86_PFX_REPNE));
}

#endif
