/* Per-CPU records and their activation on each CPU. */
#include <arch/x86_64/msr.h>
#include <kern/string.h>
#include <plat/mem.h>
#include "boot.h"
#include "cpu_ops.h"
#include "memmap.h"
#include "percpu.h"

struct cpu_local cpu_locals[PLAT_MAX_CPUS];

_Static_assert(offsetof(struct cpu_local, user_kernel_rsp) == PERCPU_USER_KERNEL_RSP, "percpu_offsets.h");
_Static_assert(offsetof(struct cpu_local, user_rsp_scratch) == PERCPU_USER_RSP_SCRATCH, "percpu_offsets.h");
_Static_assert(offsetof(struct cpu_local, user_regs) == PERCPU_USER_REGS, "percpu_offsets.h");
_Static_assert(offsetof(struct cpu_local, tss_rsp0) == PERCPU_TSS_RSP0, "percpu_offsets.h");

void percpu_prepare(unsigned cpu, uint32_t apic_id)
{
	struct cpu_local *c = &cpu_locals[cpu];
	unsigned pages = IST_STACK_SIZE / PAGE_SIZE;
	paddr_t stacks = early_alloc_pages(IST_COUNT * pages);

	c->self = c;
	c->index = cpu;
	c->apic_id = apic_id;
	c->tss_rsp0 = (uint64_t *)((char *)&c->tss + offsetof(struct tss64, rsp));
	for (unsigned i = 0; i < IST_COUNT; i++) {
		uintptr_t top = (uintptr_t)plat_phys_to_virt(stacks) + (i + 1) * IST_STACK_SIZE - IST_TOP_RESERVED;

		*(struct cpu_local **)top = c;
		c->ist_top[i] = top;
	}
}

void percpu_load(unsigned cpu)
{
	struct cpu_local *c = &cpu_locals[cpu];

	/* gdt_load leaves the GS selector alone, so the base set here stays. */
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
	gdt_load(c);
	idt_load();
	cpu_features_init(c);
	syscall_msr_init();
}
