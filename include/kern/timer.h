/* Per-CPU one-shot kernel timers on top of plat_timer_oneshot(). */
#ifndef KERN_TIMER_H
#define KERN_TIMER_H
#include <kern/list.h>
#include <kern/types.h>

struct ktimer {
	ktime_t deadline;
	void (*fn)(struct ktimer *t); /* runs in interrupt context */
	void *arg;
	struct list_node node;
	volatile int cpu; /* CPU whose list holds it, -1 if not armed */
};

void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *), void *arg);
/* Arms (or re-arms) `t` on the current CPU for absolute time `deadline`. */
void ktimer_arm(struct ktimer *t, ktime_t deadline);
/* Disarms `t`; returns true if it was armed. After return fn is not
 * running and will not run. */
bool ktimer_cancel(struct ktimer *t);
void timer_init_cpu(unsigned cpu);
/* The earliest deadline armed on this CPU, or 0. */
ktime_t timer_next_deadline(void);
/* Runs expired timers of this CPU (interrupt context). */
void timer_run_expired(void);
#endif
