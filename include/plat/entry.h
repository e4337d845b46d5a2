/* Entry points the core provides and the platform calls. */
#ifndef PLAT_ENTRY_H
#define PLAT_ENTRY_H
#include <kern/types.h>

/* The boot CPU enters here once memory and the console work, with
 * interrupts disabled. `cmdline` is the kernel command line. */
NORETURN void kernel_main(const char *cmdline);
/* Secondary CPUs enter here (see plat_cpu_start), interrupts disabled. */
NORETURN void kernel_secondary_main(unsigned cpu);
/* The one-shot timer fired (interrupt context). */
void kernel_timer_interrupt(void);
/* An IPI arrived (interrupt context). */
void kernel_ipi_interrupt(void);
/* Called by the platform as the last step of every interrupt, with
 * interrupts disabled, on the interrupted thread's stack; may switch
 * threads (preemption). */
void kernel_interrupt_exit(void);
/* An exception in kernel mode the platform cannot handle. */
NORETURN void kernel_fatal_trap(const char *what, uintptr_t pc, uintptr_t fp);

#endif
