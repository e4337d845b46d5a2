/* The IDT, shared by all CPUs: every vector enters through a 16-byte stub in
 * trap_entry.S. Faults that mean the current stack is unusable get IST stacks. */
#include <arch/x86_64/desc.h>
#include "percpu.h"

#define TRAP_STUB_SIZE 16

extern char trap_stubs[];

static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(16)));

void idt_init(void)
{
	for (unsigned v = 0; v < IDT_ENTRIES; v++) {
		unsigned ist = 0;

		if (v == EXC_DF)
			ist = IST_DOUBLE_FAULT;
		else if (v == EXC_NMI)
			ist = IST_NMI;
		else if (v == EXC_MC)
			ist = IST_MACHINE_CHECK;
		/* int3 and into may be used by user code (SIGTRAP, as on Linux);
		 * any other `int n` from ring 3 is a #GP. */
		idt[v] = idt_gate_make((uintptr_t)trap_stubs + v * TRAP_STUB_SIZE, KERNEL_CS, ist,
				       v == EXC_BP || v == EXC_OF ? IDT_GATE_INTERRUPT_USER : IDT_GATE_INTERRUPT);
	}
}

void idt_load(void)
{
	struct desc_ptr idtr = {sizeof(idt) - 1, (uintptr_t)idt};

	__asm__ volatile("lidt %0" ::"m"(idtr));
}
