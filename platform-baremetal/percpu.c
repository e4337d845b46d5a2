/* Per-CPU records and their activation on each CPU. */
#include <arch/x86_64/msr.h>
#include <kern/string.h>
#include <plat/mem.h>
#include "boot.h"
#include "cpu_ops.h"
#include "memmap.h"
#include "percpu.h"

struct cpu_local cpu_locals[PLAT_MAX_CPUS];

void percpu_prepare(unsigned cpu, uint32_t apic_id)
{
	struct cpu_local *c = &cpu_locals[cpu];
	unsigned pages = IST_STACK_SIZE / PAGE_SIZE;
	paddr_t stacks = early_alloc_pages(IST_COUNT * pages);

	c->self = c;
	c->index = cpu;
	c->apic_id = apic_id;
	for (unsigned i = 0; i < IST_COUNT; i++)
		c->ist_top[i] = (uintptr_t)plat_phys_to_virt(stacks) + (i + 1) * IST_STACK_SIZE;
}

void percpu_load(unsigned cpu)
{
	struct cpu_local *c = &cpu_locals[cpu];

	/* gdt_load leaves the GS selector alone, so the base set here stays. */
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
	gdt_load(c);
	idt_load();
}
