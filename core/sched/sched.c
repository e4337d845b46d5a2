/* The scheduler: per-CPU run queues of priority lists, a thread switching
 * out holds its CPU's run-queue lock until the next thread has taken over
 * (finish_switch), so no other CPU can pick or wake it half-saved. */
#include <kern/atomic.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/sync.h>
#include <kern/timer.h>
#include <plat/cpu.h>
#include <plat/entry.h>
#include <plat/time.h>

#include "sched_internal.h"

struct cpu_rq cpu_rqs[PLAT_MAX_CPUS];
static spinlock_t threads_lock = SPINLOCK_INIT("threads");
static struct list_node all_threads = LIST_INIT(all_threads);
static unsigned nthreads;
static int next_tid = 1;

struct cpu_rq *this_rq(void)
{
	return &cpu_rqs[plat_cpu_id()];
}

static bool rq_online(unsigned cpu)
{
	return cpu < PLAT_MAX_CPUS && cpu_rqs[cpu].online;
}

/* --- run-queue primitives (rq->lock held) ----------------------------- */

static void rq_enqueue(struct cpu_rq *rq, struct thread *t)
{
	KASSERT(!list_linked(&t->rq_node));
	list_push_back(&rq->queue[t->prio], &t->rq_node);
	rq->bitmap |= 1u << t->prio;
	rq->nr++;
}

static void rq_dequeue(struct cpu_rq *rq, struct thread *t)
{
	list_remove(&t->rq_node);
	if (list_empty(&rq->queue[t->prio]))
		rq->bitmap &= ~(1u << t->prio);
	rq->nr--;
}

static int rq_top_prio(const struct cpu_rq *rq)
{
	return rq->bitmap ? 31 - __builtin_clz(rq->bitmap) : -1;
}

static struct thread *rq_pick(struct cpu_rq *rq)
{
	int p = rq_top_prio(rq);
	struct thread *t;

	if (p < 0)
		return rq->idle;
	t = list_entry(rq->queue[p].next, struct thread, rq_node);
	rq_dequeue(rq, t);
	return t;
}

static unsigned rq_load(const struct cpu_rq *rq)
{
	return rq->nr + (rq->curr && !rq->curr->is_idle ? 1 : 0);
}

/* Locks the run queue that `t` belongs to, following it if it moves. */
static struct cpu_rq *lock_thread_rq(struct thread *t)
{
	for (;;) {
		unsigned cpu = t->cpu;
		struct cpu_rq *rq = &cpu_rqs[cpu];
		spin_lock_raw(&rq->lock);
		if (t->cpu == cpu)
			return rq;
		spin_unlock_raw(&rq->lock);
	}
}

static void resched_cpu(struct cpu_rq *rq, unsigned cpu)
{
	rq->need_resched = true;
	if (cpu != plat_cpu_id())
		plat_ipi_send(cpu);
}

static void program_timer(struct cpu_rq *rq)
{
	ktime_t next = timer_next_deadline();
	struct thread *c = rq->curr;

	/* The slice only matters if a thread of at least equal priority waits. */
	if (!c->is_idle && rq->nr > 0 && rq_top_prio(rq) >= c->prio && (next == 0 || c->slice_end < next))
		next = c->slice_end;
	plat_timer_oneshot(next);
}

/* `t` was just queued on `rq` (lock held): preempt a lower-priority or
 * idle current thread, or else make sure the current one's time slice is
 * being timed, since with an empty queue it was not. */
static void preempt_or_arm_slice(struct cpu_rq *rq, unsigned cpu, struct thread *t)
{
	if (rq->curr->is_idle || t->prio > rq->curr->prio)
		resched_cpu(rq, cpu);
	else if (rq->nr == 1 && cpu == plat_cpu_id())
		program_timer(rq);
	else if (rq->nr == 1)
		plat_ipi_send(cpu); /* its IPI handler re-arms the timer */
}

/* Puts a runnable thread on `cpu`'s queue and preempts if it should run
 * first. Interrupts disabled; no run-queue lock held. */
static void enqueue_on(struct thread *t, unsigned cpu)
{
	struct cpu_rq *rq = &cpu_rqs[cpu];

	spin_lock_raw(&rq->lock);
	t->cpu = cpu;
	t->state = THREAD_RUNNABLE;
	rq_enqueue(rq, t);
	preempt_or_arm_slice(rq, cpu, t);
	spin_unlock_raw(&rq->lock);
}

/* The least-loaded online CPU `t` may run on, preferring `hint` on ties. */
static unsigned choose_cpu(const struct thread *t, unsigned hint)
{
	unsigned best = hint, best_load;

	if (t->affinity != CPU_ANY)
		return (unsigned)t->affinity;
	if (!rq_online(best))
		best = plat_cpu_id();
	best_load = rq_load(&cpu_rqs[best]);
	for (unsigned c = 0; c < plat_cpu_count() && best_load > 0; c++) {
		if (!rq_online(c))
			continue;
		unsigned load = rq_load(&cpu_rqs[c]); /* racy read: a hint only */
		if (load < best_load) {
			best = c;
			best_load = load;
		}
	}
	return best;
}

/* --- switching -------------------------------------------------------- */

static void reap_thread(struct thread *t)
{
	spin_lock(&threads_lock);
	list_remove(&t->all_node);
	nthreads--;
	spin_unlock(&threads_lock);
	plat_context_destroy(&t->ctx);
	page_free_virt(t->stack, THREAD_STACK_ORDER);
	kfree(t);
}

/* The dead thread is off its CPU for good: let a joiner free it. The flag is
 * set and the waiters woken under the queue's lock, so a joiner (which
 * checks under that lock) can only free the thread, queue included, after
 * this CPU has let go of the lock. */
static void release_to_joiners(struct thread *t)
{
	struct waitqueue *wq = t->exit_wq;
	struct list_node *n;

	spin_lock(&wq->lock);
	t->reapable = true;
	while ((n = list_pop_front(&wq->waiters)))
		sched_wake(list_entry(n, struct thread, wait_node));
	spin_unlock(&wq->lock);
}

/* Runs on the thread that was just switched in, before anything else:
 * the previous thread is now fully saved. */
static void finish_switch(void)
{
	struct cpu_rq *rq = this_rq();
	struct thread *prev = rq->switch_prev;
	int migrate_to = rq->switch_migrate_to;

	rq->switch_prev = NULL;
	rq->switch_migrate_to = -1;
	atomic_store_release(&prev->on_cpu, 0);
	spin_unlock_raw(&rq->lock);
	if (migrate_to >= 0)
		enqueue_on(prev, (unsigned)migrate_to);
	else if (prev->state == THREAD_DEAD && prev->detached)
		reap_thread(prev);
	else if (prev->state == THREAD_DEAD)
		release_to_joiners(prev);
}

/* Picks the next thread and switches to it. Called with rq->lock held (raw)
 * and interrupts disabled; returns, possibly much later and on another CPU,
 * with the lock released and interrupts still disabled. */
void schedule_locked(struct cpu_rq *rq)
{
	struct thread *prev = rq->curr, *next;
	unsigned cpu = (unsigned)(rq - cpu_rqs);
	int migrate_to = -1;
	ktime_t now = plat_time_ns();

	if (prev->state == THREAD_RUNNING && !prev->is_idle) {
		if (prev->affinity != CPU_ANY && (unsigned)prev->affinity != cpu)
			migrate_to = prev->affinity; /* queued there once saved */
		else {
			prev->state = THREAD_RUNNABLE;
			rq_enqueue(rq, prev);
		}
	}
	next = rq_pick(rq);
	rq->need_resched = false;
	if (next == prev) {
		prev->state = THREAD_RUNNING;
		if (!prev->is_idle && now >= prev->slice_end)
			prev->slice_end = now + SCHED_SLICE_NS;
		program_timer(rq);
		spin_unlock_raw(&rq->lock);
		return;
	}

	if (unlikely(atomic_load_acquire(&next->on_cpu)))
		panic("sched: thread %d (%s) picked on cpu %u while still on a cpu", next->tid, next->name, cpu);
	if (unlikely(next->state != THREAD_RUNNABLE && !next->is_idle))
		panic("sched: thread %d (%s) picked in state %d", next->tid, next->name, next->state);
	next->on_cpu = 1;
	next->state = THREAD_RUNNING;
	if (next->cpu != cpu) {
		next->cpu = cpu;
		next->migrations++;
	}
	next->switches++;
	next->slice_end = now + SCHED_SLICE_NS;
	if (prev->is_idle)
		rq->idle_ns += now - rq->idle_since;
	if (next->is_idle)
		rq->idle_since = now;
	rq->switches++;
	rq->curr = next;
	plat_cpu_set_current(next);
	rq->switch_prev = prev;
	rq->switch_migrate_to = migrate_to;
	program_timer(rq);
	plat_context_switch(&prev->ctx, &next->ctx);
	finish_switch();
}

static void schedule(void)
{
	irqflags_t f = plat_irq_save();
	struct cpu_rq *rq = this_rq();

	spin_lock_raw(&rq->lock);
	schedule_locked(rq);
	plat_irq_restore(f);
}

void thread_yield(void)
{
	schedule();
}

void sched_preempt_point(void)
{
	plat_irq_restore(plat_irq_save());
}

void sched_block_current_locked(struct cpu_rq *rq)
{
	struct thread *self = rq->curr;

	if (self->wake_pending) {
		self->wake_pending = false;
		spin_unlock_raw(&rq->lock);
		return;
	}
	self->state = THREAD_BLOCKED;
	schedule_locked(rq);
}

void sched_block_and_unlock(struct spinlock *lock)
{
	irqflags_t f = lock->flags;
	struct cpu_rq *rq = this_rq();

	spin_lock_raw(&rq->lock);
	spin_unlock_raw(lock);
	sched_block_current_locked(rq);
	plat_irq_restore(f);
}

bool sched_wake(struct thread *t)
{
	irqflags_t f = plat_irq_save();
	struct cpu_rq *rq = lock_thread_rq(t);
	unsigned old_cpu = t->cpu, target;

	if (t->state != THREAD_BLOCKED) {
		t->wake_pending = true;
		spin_unlock_raw(&rq->lock);
		plat_irq_restore(f);
		return false;
	}
	t->state = THREAD_RUNNABLE;
	target = choose_cpu(t, old_cpu);
	if (target == old_cpu) {
		rq_enqueue(rq, t);
		preempt_or_arm_slice(rq, old_cpu, t);
		spin_unlock_raw(&rq->lock);
	} else {
		spin_unlock_raw(&rq->lock);
		enqueue_on(t, target);
	}
	plat_irq_restore(f);
	return true;
}

/* --- load balancing --------------------------------------------------- */

/* Pulls one runnable, unpinned thread from the busiest other CPU to `cpu`.
 * Interrupts disabled, no lock held. Returns true if it moved one. */
static bool steal_work(unsigned cpu)
{
	unsigned busiest = cpu, most = 0;
	struct cpu_rq *me = &cpu_rqs[cpu], *src, *first, *second;
	bool moved = false;

	for (unsigned c = 0; c < plat_cpu_count(); c++) {
		if (c != cpu && rq_online(c) && cpu_rqs[c].nr > most) {
			most = cpu_rqs[c].nr;
			busiest = c;
		}
	}
	if (busiest == cpu)
		return false;
	src = &cpu_rqs[busiest];
	first = cpu < busiest ? me : src;
	second = cpu < busiest ? src : me;
	spin_lock_raw(&first->lock);
	spin_lock_raw(&second->lock);
	for (int p = SCHED_NPRIO - 1; p >= 0 && !moved; p--) {
		list_for_each (it, &src->queue[p]) {
			struct thread *t = list_entry(it, struct thread, rq_node);
			if (t->affinity != CPU_ANY)
				continue;
			rq_dequeue(src, t);
			t->cpu = cpu;
			rq_enqueue(me, t);
			me->balanced_in++;
			moved = true;
			break;
		}
	}
	spin_unlock_raw(&second->lock);
	spin_unlock_raw(&first->lock);
	return moved;
}

NORETURN void sched_idle_loop(void)
{
	unsigned cpu = plat_cpu_id();
	struct cpu_rq *rq = &cpu_rqs[cpu];

	for (;;) {
		plat_irq_disable();
		if (rq->nr == 0 && !steal_work(cpu)) {
			plat_wait_for_interrupt(); /* enables interrupts */
			continue;
		}
		spin_lock_raw(&rq->lock);
		schedule_locked(rq);
		plat_irq_enable();
	}
}

/* --- interrupts ------------------------------------------------------- */

void kernel_timer_interrupt(void)
{
	struct cpu_rq *rq = this_rq();
	struct thread *c;

	timer_run_expired();
	spin_lock_raw(&rq->lock);
	c = rq->curr;
	if (!c->is_idle && plat_time_ns() >= c->slice_end) {
		if (rq->nr > 0 && rq_top_prio(rq) >= c->prio)
			rq->need_resched = true;
		else /* nobody to share with: a new slice, or the timer would fire forever */
			c->slice_end = plat_time_ns() + SCHED_SLICE_NS;
	}
	program_timer(rq);
	spin_unlock_raw(&rq->lock);
}

/* An IPI means "look at your run queue": the sender already set
 * need_resched if it wants a switch; the slice timer may need arming. */
void kernel_ipi_interrupt(void)
{
	struct cpu_rq *rq = this_rq();

	if (!rq->online)
		return;
	spin_lock_raw(&rq->lock);
	program_timer(rq);
	spin_unlock_raw(&rq->lock);
}

void kernel_interrupt_exit(void)
{
	struct cpu_rq *rq = this_rq();

	if (!rq->online || !rq->need_resched)
		return;
	spin_lock_raw(&rq->lock);
	schedule_locked(rq);
}

/* --- threads ---------------------------------------------------------- */

static void thread_entry(void *arg)
{
	struct thread *self = arg;

	finish_switch();
	plat_irq_enable();
	self->fn(self->arg);
	thread_exit(0);
}

struct thread *thread_create(thread_fn_t fn, void *arg, const char *name, int prio, int affinity, bool detached)
{
	struct thread *t = kzalloc(sizeof(*t));
	irqflags_t f;

	if (!t)
		return NULL;
	t->stack = page_alloc_virt(THREAD_STACK_ORDER);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	/* Whole, as Linux does: no stale data, and under QEMU TCG no stale
	 * translated code to slow down every store (core/mm/heap.c). */
	memset(t->stack, 0, PAGE_SIZE << THREAD_STACK_ORDER);
	if (!detached) {
		t->exit_wq = kmalloc(sizeof(*t->exit_wq));
		if (!t->exit_wq) {
			page_free_virt(t->stack, THREAD_STACK_ORDER);
			kfree(t);
			return NULL;
		}
		waitqueue_init(t->exit_wq);
	}
	kstrlcpy(t->name, name, sizeof(t->name));
	t->prio = prio < 0 ? 0 : prio >= SCHED_NPRIO ? SCHED_NPRIO - 1 : prio;
	t->affinity = affinity >= 0 && rq_online((unsigned)affinity) ? affinity : CPU_ANY;
	t->detached = detached;
	t->fn = fn;
	t->arg = arg;
	list_init(&t->rq_node);
	list_init(&t->wait_node);
	plat_context_init(&t->ctx, t->stack, PAGE_SIZE << THREAD_STACK_ORDER, thread_entry, t);

	spin_lock(&threads_lock);
	t->tid = next_tid++;
	list_push_back(&all_threads, &t->all_node);
	nthreads++;
	spin_unlock(&threads_lock);

	f = plat_irq_save();
	enqueue_on(t, choose_cpu(t, plat_cpu_id()));
	plat_irq_restore(f);
	return t;
}

struct thread *thread_current(void)
{
	return plat_cpu_current();
}

/* Set by release_to_joiners once nothing but the joiner will touch it. */
static bool thread_is_reapable(void *arg)
{
	return ((struct thread *)arg)->reapable;
}

NORETURN void thread_exit(int code)
{
	struct thread *self = thread_current();
	struct cpu_rq *rq;

	KASSERT(!self->is_idle);
	self->exit_code = code;
	plat_irq_disable();
	rq = this_rq();
	spin_lock_raw(&rq->lock);
	self->state = THREAD_DEAD;
	schedule_locked(rq);
	panic("thread_exit: dead thread %d ran again", self->tid);
}

int thread_join(struct thread *t)
{
	int code;

	KASSERT(!t->detached && t != thread_current());
	/* Woken by finish_switch() once the thread has left its CPU. */
	waitqueue_wait(t->exit_wq, thread_is_reapable, t);
	code = t->exit_code;
	kfree(t->exit_wq);
	reap_thread(t);
	return code;
}

void thread_set_affinity(int cpu)
{
	struct thread *self = thread_current();

	if (cpu != CPU_ANY && !rq_online((unsigned)cpu))
		return;
	self->affinity = cpu;
	if (cpu != CPU_ANY && (unsigned)cpu != plat_cpu_id())
		schedule(); /* schedule_locked moves us once we are saved */
}

/* --- bring-up and introspection -------------------------------------- */

void sched_init(void)
{
	for (unsigned c = 0; c < PLAT_MAX_CPUS; c++) {
		struct cpu_rq *rq = &cpu_rqs[c];
		spin_init(&rq->lock, "runqueue");
		for (unsigned p = 0; p < SCHED_NPRIO; p++)
			list_init(&rq->queue[p]);
		rq->switch_migrate_to = -1;
	}
}

void sched_init_cpu(unsigned cpu)
{
	struct cpu_rq *rq = &cpu_rqs[cpu];
	struct thread *idle = kzalloc(sizeof(*idle));

	if (!idle)
		panic("sched: no memory for cpu %u's idle thread", cpu);
	ksnprintf(idle->name, sizeof(idle->name), "idle/%u", cpu);
	idle->is_idle = true;
	idle->prio = 0;
	idle->cpu = cpu;
	idle->affinity = (int)cpu;
	idle->state = THREAD_RUNNING;
	idle->on_cpu = 1;
	idle->detached = true;
	list_init(&idle->rq_node);
	list_init(&idle->wait_node);
	plat_context_init_current(&idle->ctx);
	spin_lock(&threads_lock);
	idle->tid = next_tid++;
	list_push_back(&all_threads, &idle->all_node);
	nthreads++;
	spin_unlock(&threads_lock);
	rq->idle = idle;
	rq->curr = idle;
	plat_cpu_set_current(idle);
	rq->idle_since = plat_time_ns();
	atomic_store_release(&rq->online, true);
}

void sched_cpu_stats(unsigned cpu, struct sched_cpu_stats *st)
{
	struct cpu_rq *rq = &cpu_rqs[cpu];
	irqflags_t f = plat_irq_save();

	spin_lock_raw(&rq->lock);
	st->nr_runnable = rq->nr;
	st->switches = rq->switches;
	st->idle_ns = rq->idle_ns + (rq->curr && rq->curr->is_idle ? plat_time_ns() - rq->idle_since : 0);
	st->balanced_in = rq->balanced_in;
	st->current_tid = rq->curr ? rq->curr->tid : 0;
	spin_unlock_raw(&rq->lock);
	plat_irq_restore(f);
}

void sched_for_each_thread(void (*fn)(struct thread *t, void *arg), void *arg)
{
	spin_lock(&threads_lock);
	list_for_each (it, &all_threads)
		fn(list_entry(it, struct thread, all_node), arg);
	spin_unlock(&threads_lock);
}

unsigned sched_thread_count(void)
{
	return nthreads;
}

bool sched_check_invariants(void)
{
	bool ok = true;
	unsigned ncpu = plat_cpu_count();
	irqflags_t f = plat_irq_save();

	for (unsigned c = 0; c < ncpu; c++)
		if (rq_online(c))
			spin_lock_raw(&cpu_rqs[c].lock);
	for (unsigned c = 0; c < ncpu && ok; c++) {
		struct cpu_rq *rq = &cpu_rqs[c];
		unsigned n = 0;
		if (!rq_online(c))
			continue;
		for (unsigned p = 0; p < SCHED_NPRIO; p++) {
			bool nonempty = !list_empty(&rq->queue[p]);
			if (nonempty != !!(rq->bitmap & (1u << p))) {
				pr_err("sched: cpu %u prio %u bitmap disagrees with queue", c, p);
				ok = false;
			}
			list_for_each (it, &rq->queue[p]) {
				struct thread *t = list_entry(it, struct thread, rq_node);
				n++;
				if (t->state != THREAD_RUNNABLE || t->cpu != c || t->on_cpu || t->prio != (int)p) {
					pr_err("sched: thread %d queued on cpu %u in state %d cpu %u on_cpu %d", t->tid,
					       c, t->state, t->cpu, t->on_cpu);
					ok = false;
				}
			}
		}
		if (n != rq->nr) {
			pr_err("sched: cpu %u queue holds %u threads, count says %u", c, n, rq->nr);
			ok = false;
		}
		for (unsigned o = c + 1; o < ncpu; o++)
			if (rq_online(o) && cpu_rqs[o].curr == rq->curr) {
				pr_err("sched: thread %d current on cpus %u and %u", rq->curr->tid, c, o);
				ok = false;
			}
	}
	for (int c = (int)ncpu - 1; c >= 0; c--)
		if (rq_online((unsigned)c))
			spin_unlock_raw(&cpu_rqs[c].lock);
	plat_irq_restore(f);
	return ok;
}
