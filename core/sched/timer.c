/* Per-CPU sorted timer lists. The platform's one-shot timer is always
 * armed for the earliest deadline (or the running thread's slice end). */
#include <kern/atomic.h>
#include <kern/log.h>
#include <kern/spinlock.h>
#include <kern/timer.h>
#include <plat/cpu.h>
#include <plat/time.h>

struct timer_base {
	spinlock_t lock;
	struct list_node armed;        /* sorted by deadline */
	struct ktimer *volatile running; /* callback in progress */
};

static struct timer_base bases[PLAT_MAX_CPUS];

void timer_init_cpu(unsigned cpu)
{
	spin_init(&bases[cpu].lock, "timers");
	list_init(&bases[cpu].armed);
	bases[cpu].running = NULL;
}

void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *), void *arg)
{
	t->deadline = 0;
	t->fn = fn;
	t->arg = arg;
	list_init(&t->node);
	t->cpu = -1;
}

static void program_if_first(struct timer_base *b, struct ktimer *t)
{
	if (b->armed.next == &t->node)
		plat_timer_oneshot(t->deadline);
}

void ktimer_arm(struct ktimer *t, ktime_t deadline)
{
	irqflags_t f = plat_irq_save();
	struct timer_base *b = &bases[plat_cpu_id()];
	struct list_node *pos;

	ktimer_cancel(t);
	spin_lock_raw(&b->lock);
	t->deadline = deadline ? deadline : 1;
	for (pos = b->armed.next; pos != &b->armed; pos = pos->next)
		if (list_entry(pos, struct ktimer, node)->deadline > t->deadline)
			break;
	list_insert_between(&t->node, pos->prev, pos);
	t->cpu = (int)plat_cpu_id();
	program_if_first(b, t);
	spin_unlock_raw(&b->lock);
	plat_irq_restore(f);
}

bool ktimer_cancel(struct ktimer *t)
{
	irqflags_t f = plat_irq_save();
	bool was_armed = false;

	for (;;) {
		int cpu = t->cpu;
		struct timer_base *b;
		if (cpu < 0) {
			/* Not listed; it may still be running its callback somewhere. */
			for (unsigned c = 0; c < plat_cpu_count(); c++)
				while (bases[c].running == t && c != plat_cpu_id())
					plat_cpu_relax();
			break;
		}
		b = &bases[cpu];
		spin_lock_raw(&b->lock);
		if (t->cpu == cpu) {
			list_remove(&t->node);
			t->cpu = -1;
			was_armed = true;
			spin_unlock_raw(&b->lock);
			break;
		}
		spin_unlock_raw(&b->lock);
	}
	plat_irq_restore(f);
	return was_armed;
}

ktime_t timer_next_deadline(void)
{
	struct timer_base *b = &bases[plat_cpu_id()];
	ktime_t d = 0;
	irqflags_t f = plat_irq_save();

	spin_lock_raw(&b->lock);
	if (!list_empty(&b->armed))
		d = list_entry(b->armed.next, struct ktimer, node)->deadline;
	spin_unlock_raw(&b->lock);
	plat_irq_restore(f);
	return d;
}

void timer_run_expired(void)
{
	struct timer_base *b = &bases[plat_cpu_id()];

	for (;;) {
		struct ktimer *t;
		spin_lock_raw(&b->lock);
		if (list_empty(&b->armed)) {
			spin_unlock_raw(&b->lock);
			return;
		}
		t = list_entry(b->armed.next, struct ktimer, node);
		if (t->deadline > plat_time_ns()) {
			spin_unlock_raw(&b->lock);
			return;
		}
		list_remove(&t->node);
		t->cpu = -1;
		b->running = t;
		spin_unlock_raw(&b->lock);
		t->fn(t);
		atomic_store_release(&b->running, NULL);
	}
}
