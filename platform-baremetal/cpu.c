/* Interrupt-flag control, waiting and CPU identity. */
#include "cpu_ops.h"
#include "percpu.h"
#include <arch/x86_64/cr.h>
#include <plat/cpu.h>

irqflags_t plat_irq_save(void)
{
	irqflags_t f;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(f)::"memory");
	return f;
}

void plat_irq_restore(irqflags_t flags)
{
	/* Both directions: a lock handed from one thread to the next may be
	 * released where interrupts are in the other state. */
	if (flags & RFLAGS_IF)
		__asm__ volatile("sti" ::: "memory");
	else
		__asm__ volatile("cli" ::: "memory");
}

void plat_irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

void plat_irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

bool plat_irq_enabled(void)
{
	return (read_rflags() & RFLAGS_IF) != 0;
}

void plat_wait_for_interrupt(void)
{
	/* sti defers interrupts by one instruction, so none can slip in
	 * between enabling and halting. */
	__asm__ volatile("sti; hlt" ::: "memory");
}

void plat_cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

NORETURN void plat_cpu_halt_forever(void)
{
	halt_forever();
	__builtin_unreachable();
}

unsigned plat_cpu_id(void)
{
	unsigned id;

	__asm__ volatile("movl %%gs:%c1, %0" : "=r"(id) : "i"(offsetof(struct cpu_local, index)));
	return id;
}

void *plat_cpu_current(void)
{
	void *t;

	__asm__ volatile("movq %%gs:%c1, %0" : "=r"(t) : "i"(offsetof(struct cpu_local, current)));
	return t;
}

void plat_cpu_set_current(void *thread)
{
	this_cpu()->current = thread;
}
