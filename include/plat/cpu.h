/* Platform interface: the processor.
 *
 * Every privileged operation portable code (core/, hv/, drivers/) performs
 * goes through the include/plat/ headers. Two platforms implement them:
 * platform-baremetal/ (x86-64 hardware) and platform-hosted/ (a Linux
 * process whose CPUs are host threads). */
#ifndef PLAT_CPU_H
#define PLAT_CPU_H
#include <kern/types.h>

#define PLAT_MAX_CPUS 64

typedef unsigned long irqflags_t;

/* Disables interrupt delivery on this CPU and returns the previous state. */
irqflags_t plat_irq_save(void);
/* Restores a state returned by plat_irq_save(). Re-enabling is a delivery
 * point: interrupts that became pending meanwhile are delivered now. */
void plat_irq_restore(irqflags_t flags);
void plat_irq_enable(void);
void plat_irq_disable(void);
bool plat_irq_enabled(void);

/* Enables interrupts and waits until one is delivered (sti; hlt as one
 * step, so a wake-up between the check and the wait is never lost). Returns
 * with interrupts enabled after at least one handler ran or an event was
 * signalled. On the hosted platform in virtual time, a CPU waiting here lets
 * time advance to the next timer deadline once every CPU is waiting. */
void plat_wait_for_interrupt(void);

/* Stops this CPU for good with interrupts off (panic, fatal errors). */
NORETURN void plat_cpu_halt_forever(void);

/* A busy-wait step (pause). Also a delivery point on the hosted platform, so
 * any spin loop stays preemptible and virtual time keeps moving. */
void plat_cpu_relax(void);

/* Index of the executing CPU, 0 .. plat_cpu_count()-1. Stable while
 * interrupts are disabled or the thread is pinned. */
unsigned plat_cpu_id(void);
/* Number of CPUs the platform found (hosted: --cpus; bare metal: MADT). */
unsigned plat_cpu_count(void);

/* The executing CPU's current thread, as the scheduler last set it (with
 * interrupts disabled, at every switch). Read in one access, so it is
 * right even for a caller preempted and moved to another CPU just after:
 * thread_current() needs no interrupt masking. */
void *plat_cpu_current(void);
void plat_cpu_set_current(void *thread);

/* Starts secondary CPU `cpu` (1 .. count-1). The CPU enters the core through
 * kernel_secondary_main(cpu) (see plat/entry.h) on a stack of `stack_size`
 * bytes at `stack_top`. Returns 0, or a negative errno if the CPU did not
 * come up. */
int plat_cpu_start(unsigned cpu, void *stack_top, size_t stack_size);

/* Sends an inter-processor interrupt that makes `cpu` call
 * kernel_ipi_interrupt() (reschedule / wake from wait). */
void plat_ipi_send(unsigned cpu);

#endif
