/* Per-CPU GDT and TSS. Each CPU needs its own TSS (it holds the IST stack
 * pointers, and loading one marks its descriptor busy), hence its own GDT. */
#include <arch/x86_64/desc.h>
#include <kern/string.h>
#include "percpu.h"

void gdt_load(struct cpu_local *c)
{
	struct desc_ptr gdtr = {sizeof(c->gdt) - 1, (uintptr_t)c->gdt};

	c->gdt[GDT_NULL] = 0;
	c->gdt[GDT_KERNEL_CODE] = GDT_DESC_KERNEL_CODE64;
	c->gdt[GDT_KERNEL_DATA] = GDT_DESC_KERNEL_DATA;
	/* sysret derives its selectors from this slot's position but never
	 * reads it; left empty, user code cannot far-jump into 32-bit mode,
	 * whose state struct user_regs could not describe. */
	c->gdt[GDT_USER_CODE32] = 0;
	c->gdt[GDT_USER_DATA] = GDT_DESC_USER_DATA;
	c->gdt[GDT_USER_CODE64] = GDT_DESC_USER_CODE64;
	c->tss.iomap_base = sizeof(c->tss); /* no I/O permission bitmap */
	for (unsigned i = 0; i < IST_COUNT; i++)
		c->tss.ist[i] = c->ist_top[i];
	gdt_set_tss(&c->gdt[GDT_TSS], (uintptr_t)&c->tss, sizeof(c->tss) - 1);

	/* Reload every segment register from the new table; CS needs a far
	 * return. FS/GS are left alone: their bases come from MSRs. */
	__asm__ volatile("lgdt %0\n\t"
			 "movl %1, %%ds\n\t"
			 "movl %1, %%es\n\t"
			 "movl %1, %%ss\n\t"
			 "pushq %2\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "ltr %w3"
			 :
			 : "m"(gdtr), "r"(KERNEL_DS), "i"(KERNEL_CS), "r"(TSS_SEL)
			 : "rax", "memory");
}
