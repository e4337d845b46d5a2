/* A vCPU's architectural state as every backend exchanges it. */
#ifndef HV_REGS_H
#define HV_REGS_H
#include <kern/types.h>

/* gpr[] is in the encoding order of hv/x86/insn.h (enum x86_gpr: rax, rcx,
 * rdx, rbx, rsp, rbp, rsi, rdi, r8..r15), so the MMIO emulator works on it
 * directly. */
struct hv_regs {
	uint64_t gpr[16];
	uint64_t rip, rflags;
};

struct hv_segment {
	uint64_t base;
	uint32_t limit; /* byte granular (already scaled by G) */
	uint16_t selector;
	uint8_t type, present, dpl, db, s, l, g, avl, unusable;
};

struct hv_dtable {
	uint64_t base;
	uint16_t limit;
};

struct hv_sregs {
	struct hv_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct hv_dtable gdt, idt;
	uint64_t cr0, cr2, cr3, cr4, cr8, efer, apic_base;
};

/* Architectural reset state of an x86 CPU (real mode, cs:ip f000:fff0) and
 * the flat 32-bit protected-mode state multiboot and the Linux 32-bit boot
 * protocol expect; the 64-bit state for the Linux 64-bit entry needs page
 * tables and is built by the loader. */
void hv_regs_reset(struct hv_regs *r, struct hv_sregs *s);
void hv_sregs_flat32(struct hv_sregs *s);
#endif
