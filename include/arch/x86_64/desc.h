/* x86-64 segment selectors and GDT/IDT/TSS formats. */
#ifndef ARCH_X86_64_DESC_H
#define ARCH_X86_64_DESC_H

/* GDT layout. The user selectors follow the order syscall/sysret need:
 * STAR[47:32] = KERNEL_CS (SS = +8), STAR[63:48] = USER_CS32 (sysret to
 * 64-bit code loads CS = +16 and SS = +8). */
#define GDT_NULL 0
#define GDT_KERNEL_CODE 1
#define GDT_KERNEL_DATA 2
#define GDT_USER_CODE32 3
#define GDT_USER_DATA 4
#define GDT_USER_CODE64 5
#define GDT_TSS 6 /* 16-byte descriptor: two slots */
#define GDT_ENTRIES 8

#define KERNEL_CS (GDT_KERNEL_CODE * 8)
#define KERNEL_DS (GDT_KERNEL_DATA * 8)
#define USER_CS32 (GDT_USER_CODE32 * 8 + 3)
#define USER_DS (GDT_USER_DATA * 8 + 3)
#define USER_CS (GDT_USER_CODE64 * 8 + 3)
#define TSS_SEL (GDT_TSS * 8)

/* Flat code/data descriptors (base 0, limit 4 GiB). */
#define GDT_DESC_KERNEL_CODE64 0x00af9a000000ffff
#define GDT_DESC_KERNEL_DATA 0x00cf92000000ffff
#define GDT_DESC_USER_CODE32 0x00cffa000000ffff
#define GDT_DESC_USER_DATA 0x00cff2000000ffff
#define GDT_DESC_USER_CODE64 0x00affa000000ffff

#define IDT_ENTRIES 256
#define IDT_GATE_INTERRUPT 0x8e      /* present, DPL 0, 64-bit interrupt gate */
#define IDT_GATE_INTERRUPT_USER 0xee /* the same, reachable with `int n` from ring 3 */

/* Exception vectors. */
#define EXC_DE 0
#define EXC_DB 1
#define EXC_NMI 2
#define EXC_BP 3
#define EXC_OF 4
#define EXC_BR 5
#define EXC_UD 6
#define EXC_NM 7
#define EXC_DF 8
#define EXC_TS 10
#define EXC_NP 11
#define EXC_SS 12
#define EXC_GP 13
#define EXC_PF 14
#define EXC_MF 16
#define EXC_AC 17
#define EXC_MC 18
#define EXC_XM 19
#define EXC_VE 20
#define EXC_CP 21
#define EXC_COUNT 32

/* Page-fault error code bits. */
#define PF_ERR_P (1 << 0)
#define PF_ERR_W (1 << 1)
#define PF_ERR_U (1 << 2)
#define PF_ERR_RSVD (1 << 3)
#define PF_ERR_I (1 << 4)

#ifndef __ASSEMBLER__
#include <kern/types.h>

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;  /* bits 0-2: interrupt stack table index, 0 = none */
	uint8_t type; /* IDT_GATE_* */
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};

/* 64-bit task state segment: only the stack pointers matter in long mode. */
struct __attribute__((packed)) tss64 {
	uint32_t reserved0;
	uint64_t rsp[3]; /* stacks for entry from rings 0-2 */
	uint64_t reserved1;
	uint64_t ist[7]; /* IST1..IST7 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base; /* beyond the limit: no I/O bitmap */
};

static inline struct idt_gate idt_gate_make(uintptr_t handler, uint16_t sel, unsigned ist, uint8_t type)
{
	struct idt_gate g = {
		.offset_lo = (uint16_t)handler,
		.selector = sel,
		.ist = (uint8_t)(ist & 7),
		.type = type,
		.offset_mid = (uint16_t)(handler >> 16),
		.offset_hi = (uint32_t)(handler >> 32),
		.reserved = 0,
	};
	return g;
}

/* Writes the two GDT slots of a 64-bit available-TSS descriptor. */
static inline void gdt_set_tss(uint64_t *slots, uintptr_t base, uint32_t limit)
{
	slots[0] = (limit & 0xffffULL) | ((base & 0xffffffULL) << 16) | (0x89ULL << 40) |
		   ((uint64_t)(limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xffULL) << 56);
	slots[1] = base >> 32;
}
#endif

#endif
