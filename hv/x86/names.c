/* Printable names of instruction classes and decode results. */
#include <hv/x86/insn.h>

const char *x86_insn_class_name(enum x86_insn_class cls)
{
	static const char *const names[X86_INSN_CLASS_COUNT] = {
	    [X86_INSN_ADD] = "add",     [X86_INSN_OR] = "or",         [X86_INSN_ADC] = "adc",
	    [X86_INSN_SBB] = "sbb",     [X86_INSN_AND] = "and",       [X86_INSN_SUB] = "sub",
	    [X86_INSN_XOR] = "xor",     [X86_INSN_CMP] = "cmp",       [X86_INSN_TEST] = "test",
	    [X86_INSN_XCHG] = "xchg",   [X86_INSN_MOV] = "mov",       [X86_INSN_MOVZX] = "movzx",
	    [X86_INSN_MOVSX] = "movsx", [X86_INSN_MOVSXD] = "movsxd", [X86_INSN_MOVS] = "movs",
	    [X86_INSN_STOS] = "stos",   [X86_INSN_BT] = "bt",         [X86_INSN_BTS] = "bts",
	    [X86_INSN_BTR] = "btr",     [X86_INSN_BTC] = "btc",
	};

	if ((unsigned)cls >= X86_INSN_CLASS_COUNT)
		return "?";
	return names[cls];
}

const char *x86_decode_status_name(enum x86_decode_status status)
{
	switch (status) {
	case X86_DECODE_OK: return "ok";
	case X86_DECODE_UNSUPPORTED: return "unsupported";
	case X86_DECODE_INVALID: return "invalid";
	case X86_DECODE_TOO_LONG: return "too-long";
	case X86_DECODE_TRUNCATED: return "truncated";
	}
	return "?";
}
