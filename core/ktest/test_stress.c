/* The scheduler stress test: thousands of threads sleep, wake each other,
 * contend on mutexes and hop between CPUs, while a checker thread audits
 * the run queues. A lost wake-up shows as a hang (the runner's watchdog),
 * double scheduling as a broken invariant or a scheduler panic, and leaks
 * as unbalanced allocator accounting (checked by the runner). */
#include <kern/atomic.h>
#include <kern/cmdline.h>
#include <kern/ktest.h>
#include <kern/mm.h>
#include <kern/random.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/sync.h>
#include <plat/cpu.h>
#include <plat/time.h>

#define NLOCKS 16
#define ROUNDS 6
#define US 1000ULL

struct stress {
	struct ktest_ctx *kt;
	unsigned nthreads;
	struct mutex locks[NLOCKS];
	volatile int holders[NLOCKS];
	volatile long counts[NLOCKS];
	struct semaphore *pair_sems; /* one per thread; partners are i and i^1 */
	volatile long expected_total;
	volatile long sleeps, migrations, handoffs;
	volatile int done;
};

struct stress_worker {
	struct stress *s;
	unsigned index;
};

static void stress_worker(void *arg)
{
	struct stress_worker *w = arg;
	struct stress *s = w->s;
	unsigned partner = w->index ^ 1u;
	struct prng r;

	prng_seed(&r, kernel_seed() * 1000003ULL + w->index);
	for (int round = 0; round < ROUNDS; round++) {
		/* Sleep: a timer wake-up. */
		thread_sleep_ns(prng_below(&r, 300) * US);
		atomic_fetch_add(&s->sleeps, 1);

		/* Lock: mutual exclusion under contention, sometimes across a switch. */
		unsigned l = (unsigned)prng_below(&r, NLOCKS);
		mutex_lock(&s->locks[l]);
		KT_CHECK(s->kt, atomic_add_fetch(&s->holders[l], 1) == 1);
		s->counts[l]++;
		if (prng_below(&r, 4) == 0)
			thread_yield();
		atomic_sub_fetch(&s->holders[l], 1);
		mutex_unlock(&s->locks[l]);
		atomic_fetch_add(&s->expected_total, 1);

		/* Migrate: pin to a random CPU, check we are there, unpin. */
		unsigned cpu = (unsigned)prng_below(&r, plat_cpu_count());
		thread_set_affinity((int)cpu);
		KT_CHECK(s->kt, plat_cpu_id() == cpu);
		thread_set_affinity(CPU_ANY);
		atomic_fetch_add(&s->migrations, 1);

		/* Hand-off with the partner thread: a wake-up from another thread. */
		if (partner < s->nthreads) {
			sem_up(&s->pair_sems[partner]);
			sem_down(&s->pair_sems[w->index]);
			atomic_fetch_add(&s->handoffs, 1);
		}

		/* Allocate and free: the heap under concurrent use. */
		size_t sz = 16 + (size_t)prng_below(&r, 2000);
		uint8_t *p = kmalloc(sz);
		KT_CHECK(s->kt, p != NULL);
		if (p) {
			memset(p, (int)w->index, sz);
			KT_CHECK(s->kt, p[sz - 1] == (uint8_t)w->index);
			kfree(p);
		}
	}
}

static void stress_checker(void *arg)
{
	struct stress *s = arg;

	while (!atomic_load_acquire(&s->done)) {
		KT_CHECK(s->kt, sched_check_invariants());
		thread_sleep_ns(500 * US);
	}
}

KTEST_TIMEOUT(sched_stress, 600ULL * 1000000000ULL)
{
	static struct stress s;
	unsigned n = (unsigned)cmdline_get_u64("stress_threads", 2000);
	struct thread **threads;
	struct stress_worker *workers;
	struct thread *checker;
	unsigned created = 0;
	long total = 0;

	memset((void *)&s, 0, sizeof(s));
	s.kt = kt;
	s.nthreads = n & ~1u; /* even: every thread has a partner */
	for (int i = 0; i < NLOCKS; i++)
		mutex_init(&s.locks[i], "stress");
	threads = kzalloc(sizeof(*threads) * s.nthreads);
	workers = kzalloc(sizeof(*workers) * s.nthreads);
	s.pair_sems = kzalloc(sizeof(*s.pair_sems) * s.nthreads);
	KT_ASSERT(threads && workers && s.pair_sems);
	for (unsigned i = 0; i < s.nthreads; i++)
		sem_init(&s.pair_sems[i], 0);

	checker = thread_create(stress_checker, &s, "stress-check", SCHED_PRIO_DEFAULT + 1, CPU_ANY, false);
	KT_ASSERT(checker != NULL);
	for (unsigned i = 0; i < s.nthreads; i++) {
		workers[i].s = &s;
		workers[i].index = i;
		threads[i] = thread_create(stress_worker, &workers[i], "stress", (int)(8 + i % 16), CPU_ANY, false);
		if (!threads[i])
			break;
		created++;
	}
	for (unsigned i = 0; i < created; i++)
		thread_join(threads[i]);
	atomic_store_release(&s.done, 1);
	thread_join(checker);

	for (int i = 0; i < NLOCKS; i++)
		total += s.counts[i];
	kfree(threads);
	kfree(workers);
	kfree(s.pair_sems);
	KT_ASSERT_EQ(created, s.nthreads);
	KT_ASSERT_EQ(total, (long)s.nthreads * ROUNDS);
	KT_ASSERT_EQ(s.expected_total, (long)s.nthreads * ROUNDS);
	KT_ASSERT_EQ(s.sleeps, (long)s.nthreads * ROUNDS);
	KT_ASSERT_EQ(s.migrations, (long)s.nthreads * ROUNDS);
	KT_ASSERT_EQ(s.handoffs, (long)s.nthreads * ROUNDS);
	KT_ASSERT(sched_check_invariants());
}
