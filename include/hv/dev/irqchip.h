/* A minimal paravirtual interrupt controller with per-CPU one-shot timers:
 * device lines (level-triggered, routed to one CPU each), IPIs and a timer
 * deadline per CPU, collapsed into a pending word that a CPU takes at its
 * interrupt delivery points. The hosted platform's machine uses it (via
 * sim/); being freestanding, small guests of the hypervisor can too.
 * Safe for concurrent use from several threads (atomics only). */
#ifndef HV_DEV_IRQCHIP_H
#define HV_DEV_IRQCHIP_H
#include <kern/types.h>

#define IRQCHIP_MAX_CPUS 64
#define IRQCHIP_LINES 24
#define IRQCHIP_BIT_TIMER (1ULL << 0)
#define IRQCHIP_BIT_IPI (1ULL << 1)
#define IRQCHIP_LINE_SHIFT 8
#define IRQCHIP_BIT_LINE(n) (1ULL << (IRQCHIP_LINE_SHIFT + (n)))

struct irqchip_backend {
	/* Something became pending for `cpu`: wake it if it waits. */
	void (*kick)(void *ctx, unsigned cpu);
};

struct irqchip {
	const struct irqchip_backend *be;
	void *ctx;
	unsigned ncpus;
	volatile uint64_t pending[IRQCHIP_MAX_CPUS];
	volatile ktime_t deadline[IRQCHIP_MAX_CPUS]; /* 0: disarmed */
	volatile uint8_t route[IRQCHIP_LINES];
	volatile uint32_t enabled; /* bit per line */
	volatile uint32_t asserted; /* bit per line: current level */
};

void irqchip_init(struct irqchip *c, unsigned ncpus, const struct irqchip_backend *be, void *ctx);
/* Routes `line` to `cpu` and unmasks it (or masks it). Returns false for a
 * bad line or CPU. */
bool irqchip_route(struct irqchip *c, unsigned line, unsigned cpu, bool enable);
void irqchip_set_line(struct irqchip *c, unsigned line, bool level);
/* End of interrupt for a line: if it is still asserted it pends again. */
void irqchip_eoi(struct irqchip *c, unsigned line);
void irqchip_send_ipi(struct irqchip *c, unsigned cpu);
void irqchip_set_deadline(struct irqchip *c, unsigned cpu, ktime_t deadline);
ktime_t irqchip_deadline(const struct irqchip *c, unsigned cpu);
/* Takes (clears and returns) what is pending for `cpu` at time `now`,
 * including the timer if its deadline has passed. */
uint64_t irqchip_take_pending(struct irqchip *c, unsigned cpu, ktime_t now);
bool irqchip_has_pending(const struct irqchip *c, unsigned cpu, ktime_t now);
#endif
