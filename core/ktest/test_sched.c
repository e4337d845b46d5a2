/* Self tests of threads, the scheduler, timers and the blocking primitives. */
#include <kern/atomic.h>
#include <kern/ktest.h>
#include <kern/sched.h>
#include <kern/sync.h>
#include <kern/timer.h>
#include <plat/cpu.h>
#include <plat/time.h>

#define MS 1000000ULL

static void set_flag(void *arg)
{
	atomic_store_release((volatile int *)arg, 1);
}

KTEST(sched_create_join)
{
	for (int i = 0; i < 50; i++) {
		volatile int flag = 0;
		struct thread *t = thread_create(set_flag, (void *)&flag, "join", SCHED_PRIO_DEFAULT, CPU_ANY, false);
		KT_ASSERT(t != NULL);
		KT_ASSERT_EQ(thread_join(t), 0);
		KT_ASSERT_EQ(flag, 1);
	}
}

static void exit_with_code(void *arg)
{
	thread_exit((int)(uintptr_t)arg);
}

KTEST(sched_exit_code)
{
	struct thread *t = thread_create(exit_with_code, (void *)77, "exit", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	KT_ASSERT(t != NULL);
	KT_ASSERT_EQ(thread_join(t), 77);
}

KTEST(sched_sleep)
{
	ktime_t t0 = plat_time_ns();
	thread_sleep_ns(5 * MS);
	KT_ASSERT(plat_time_ns() - t0 >= 5 * MS);
	t0 = plat_time_ns();
	thread_sleep_ns(0);
	thread_sleep_ns(1);
	KT_ASSERT(plat_time_ns() >= t0);
}

struct timer_probe {
	struct ktimer timer;
	volatile int fired;
	ktime_t at;
};

static void timer_probe_fn(struct ktimer *t)
{
	struct timer_probe *p = t->arg;
	p->at = plat_time_ns();
	atomic_store_release(&p->fired, 1);
}

KTEST(sched_timer_fire_cancel)
{
	struct timer_probe a, b;
	ktime_t deadline = plat_time_ns() + 2 * MS;

	ktimer_init(&a.timer, timer_probe_fn, &a);
	ktimer_init(&b.timer, timer_probe_fn, &b);
	a.fired = b.fired = 0;
	ktimer_arm(&a.timer, deadline);
	ktimer_arm(&b.timer, deadline + MS);
	KT_ASSERT(ktimer_cancel(&b.timer));
	KT_ASSERT(!ktimer_cancel(&b.timer));
	thread_sleep_ns(4 * MS);
	KT_ASSERT_EQ(a.fired, 1);
	KT_ASSERT(a.at >= deadline);
	KT_ASSERT_EQ(b.fired, 0);
	KT_ASSERT(!ktimer_cancel(&a.timer));
}

struct prio_probe {
	volatile int order[3];
	volatile int n;
	struct semaphore go;
};

static void prio_worker(void *arg)
{
	struct prio_probe *p = arg;
	int me = thread_current()->prio;
	/* Spin (no blocking) so only priority decides who finishes first. */
	for (volatile int i = 0; i < 20000; i++)
		plat_cpu_relax();
	p->order[atomic_fetch_add(&p->n, 1)] = me;
}

/* On one CPU, runnable threads run strictly by priority. */
KTEST(sched_priority_order)
{
	static struct prio_probe p;
	struct thread *t[3];
	int prios[3] = {5, 25, 15};

	p.n = 0;

	thread_set_affinity(0);
	/* Create them while we run at a higher priority: none starts early. */
	thread_current()->prio = SCHED_NPRIO - 1;
	for (int i = 0; i < 3; i++) {
		t[i] = thread_create(prio_worker, &p, "prio", prios[i], 0, false);
		KT_ASSERT(t[i] != NULL);
	}
	thread_current()->prio = SCHED_PRIO_DEFAULT;
	thread_sleep_ns(1 * MS);
	for (int i = 0; i < 3; i++)
		thread_join(t[i]);
	thread_set_affinity(CPU_ANY);
	KT_ASSERT_EQ(p.n, 3);
	KT_ASSERT_EQ(p.order[0], 25);
	KT_ASSERT_EQ(p.order[1], 15);
	KT_ASSERT_EQ(p.order[2], 5);
}

static void spin_until_flag(void *arg)
{
	while (!atomic_load_acquire((volatile int *)arg))
		plat_cpu_relax();
}

/* Two equal-priority threads on one CPU: the spinner never blocks, so the
 * setter only runs if the timer preempts the spinner. */
KTEST(sched_preemption)
{
	volatile int flag = 0;
	struct thread *spinner, *setter;

	spinner = thread_create(spin_until_flag, (void *)&flag, "spinner", SCHED_PRIO_DEFAULT, 0, false);
	setter = thread_create(set_flag, (void *)&flag, "setter", SCHED_PRIO_DEFAULT, 0, false);
	KT_ASSERT(spinner && setter);
	thread_join(setter);
	thread_join(spinner);
	KT_ASSERT_EQ(flag, 1);
}

struct affinity_probe {
	struct ktest_ctx *kt;
	volatile int visited;
};

static void hop_cpus(void *arg)
{
	struct affinity_probe *p = arg;
	for (int round = 0; round < 3; round++) {
		for (unsigned c = 0; c < plat_cpu_count(); c++) {
			thread_set_affinity((int)c);
			KT_CHECK(p->kt, plat_cpu_id() == c);
			atomic_fetch_or(&p->visited, 1 << c);
		}
	}
	thread_set_affinity(CPU_ANY);
}

KTEST(sched_affinity_migration)
{
	struct affinity_probe p = {kt, 0};
	struct thread *t[4];
	unsigned ncpu = plat_cpu_count() > 16 ? 16 : plat_cpu_count();

	for (int i = 0; i < 4; i++)
		t[i] = thread_create(hop_cpus, &p, "hopper", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	for (int i = 0; i < 4; i++) {
		KT_ASSERT(t[i] != NULL);
		thread_join(t[i]);
	}
	KT_ASSERT_EQ(p.visited, (1 << ncpu) - 1);
}

struct balance_probe {
	volatile int cpus_seen;
	volatile int stop;
};

static void busy_worker(void *arg)
{
	struct balance_probe *p = arg;
	while (!atomic_load_acquire(&p->stop)) {
		atomic_fetch_or(&p->cpus_seen, 1 << plat_cpu_id());
		plat_cpu_relax();
	}
}

/* Busy unpinned threads created on one CPU spread to the others. */
KTEST(sched_load_balance)
{
	struct balance_probe p = {0, 0};
	struct thread *t[8];
	unsigned n = plat_cpu_count() * 2 > 8 ? 8 : plat_cpu_count() * 2;

	thread_set_affinity(0);
	for (unsigned i = 0; i < n; i++) {
		t[i] = thread_create(busy_worker, &p, "busy", SCHED_PRIO_DEFAULT, CPU_ANY, false);
		KT_ASSERT(t[i] != NULL);
	}
	thread_set_affinity(CPU_ANY);
	for (int i = 0; i < 200 && __builtin_popcount((unsigned)p.cpus_seen) < (int)plat_cpu_count(); i++)
		thread_sleep_ns(1 * MS);
	atomic_store_release(&p.stop, 1);
	for (unsigned i = 0; i < n; i++)
		thread_join(t[i]);
	KT_ASSERT_EQ(__builtin_popcount((unsigned)p.cpus_seen), (int)(plat_cpu_count() > 16 ? 16 : plat_cpu_count()));
}
