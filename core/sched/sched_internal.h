/* Scheduler state shared by core/sched/ files only. */
#ifndef CORE_SCHED_INTERNAL_H
#define CORE_SCHED_INTERNAL_H
#include <kern/sched.h>
#include <kern/spinlock.h>

struct cpu_rq {
	spinlock_t lock;
	struct list_node queue[SCHED_NPRIO];
	uint32_t bitmap; /* bit p set iff queue[p] is non-empty */
	unsigned nr;     /* threads on the queues */
	struct thread *curr, *idle;
	volatile bool need_resched;
	volatile bool online;
	struct thread *switch_prev; /* thread being switched out */
	int switch_migrate_to;      /* CPU to queue switch_prev on, or -1 */
	uint64_t switches, idle_ns, balanced_in;
	ktime_t idle_since;
};

extern struct cpu_rq cpu_rqs[];
struct cpu_rq *this_rq(void);
void schedule_locked(struct cpu_rq *rq);
/* Blocks the current thread unless a wake-up already arrived. rq->lock
 * held raw; returns with it released, interrupts still disabled. */
void sched_block_current_locked(struct cpu_rq *rq);
#endif
