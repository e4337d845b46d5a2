/* x86 emulator for decoded MMIO instructions (hv/x86/insn.h).
 *
 * x86_emulate() executes one decoded instruction against a vCPU register
 * file. Every memory access goes through the caller's callbacks with a guest
 * linear address, so an MMIO device sees each access with its size; the
 * caller translates linear to physical addresses and decides what is RAM and
 * what is a device. */
#ifndef HV_X86_EMULATE_H
#define HV_X86_EMULATE_H
#include <hv/x86/insn.h>

/* RFLAGS bits the emulator reads or writes. */
#define X86_FLAG_CF      (1ull << 0)
#define X86_FLAG_PF      (1ull << 2)
#define X86_FLAG_AF      (1ull << 4)
#define X86_FLAG_ZF      (1ull << 6)
#define X86_FLAG_SF      (1ull << 7)
#define X86_FLAG_DF      (1ull << 10)
#define X86_FLAG_OF      (1ull << 11)
#define X86_FLAGS_STATUS (X86_FLAG_CF | X86_FLAG_PF | X86_FLAG_AF | X86_FLAG_ZF | X86_FLAG_SF | X86_FLAG_OF)

struct x86_regs {
	uint64_t gpr[X86_GPR_COUNT]; /* enum x86_gpr order */
	uint64_t rip;
	uint64_t rflags;
	uint64_t seg_base[X86_SEG_COUNT]; /* long mode uses only fs and gs */
	enum x86_cpu_mode mode;
};

/* Memory callbacks: size is 1, 2, 4 or 8; values are little-endian in the
 * low bytes. Return 0, or a nonzero error (e.g. a page fault to inject) that
 * x86_emulate() returns unchanged. */
struct x86_mem_ops {
	int (*read)(void *ctx, uint64_t linear, unsigned size, uint64_t *value);
	int (*write)(void *ctx, uint64_t linear, unsigned size, uint64_t value);
	void *ctx;
};

/* x86_emulate() results besides 0 and callback errors: the exception the
 * guest should get instead (the instruction has no effect then). */
#define X86_EMU_UD 6  /* the instruction was decoded for another mode */
#define X86_EMU_SS 12 /* non-canonical stack-segment address (#SS(0)) */
#define X86_EMU_GP 13 /* non-canonical address (#GP(0)) */

/* Executes `insn` on `regs`: reads and writes memory through `ops`, updates
 * registers and the status flags as the CPU does, and advances rip by the
 * instruction's length.
 *
 * A rep string instruction runs at most `max_rep` iterations (0 means no
 * limit); if rcx is not yet zero then, rip stays on the instruction so the
 * guest resumes it, as after an interrupt between iterations. Each iteration
 * commits rcx/rsi/rdi, so an error mid-way also leaves a restartable state.
 * For other instructions a failed access leaves registers unchanged (a write
 * the device already took cannot be undone, as on the CPU). */
int x86_emulate(const struct x86_instr *insn, struct x86_regs *regs, const struct x86_mem_ops *ops, unsigned max_rep);

/* The guest linear address of memory operand `mem_index` of `insn` for the
 * current registers (rip-relative operands need regs->rip at the
 * instruction). Returns 0 or X86_EMU_GP/X86_EMU_SS for a non-canonical one. */
int x86_linear_address(const struct x86_instr *insn, unsigned mem_index, const struct x86_regs *regs, uint64_t *linear);

/* The status flags of `a op b` computed in `size` bytes, for the ALU classes
 * (add .. cmp, test). *result gets the value (not written for cmp/test). */
uint64_t x86_alu(enum x86_insn_class cls, unsigned size, uint64_t a, uint64_t b, uint64_t rflags, uint64_t *result);

#endif
