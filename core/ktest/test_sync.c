/* Self tests of spinlocks, mutexes, semaphores and wait queues under
 * contention from every CPU. */
#include <kern/atomic.h>
#include <kern/ktest.h>
#include <kern/sched.h>
#include <kern/spinlock.h>
#include <kern/sync.h>
#include <plat/cpu.h>
#include <plat/time.h>

#define MS      1000000ULL
#define WORKERS 8
#define ITERS   2000

struct counter_test {
	struct ktest_ctx *kt;
	spinlock_t spin;
	struct mutex mutex;
	volatile long counter;
	volatile int inside;
	bool use_mutex;
};

static void counter_worker(void *arg)
{
	struct counter_test *c = arg;

	for (int i = 0; i < ITERS; i++) {
		if (c->use_mutex)
			mutex_lock(&c->mutex);
		else
			spin_lock(&c->spin);
		KT_CHECK(c->kt, atomic_add_fetch(&c->inside, 1) == 1);
		long v = c->counter;
		if (i % 64 == 0)
			plat_cpu_relax(); /* widen the window a lost update needs */
		c->counter = v + 1;
		atomic_sub_fetch(&c->inside, 1);
		if (c->use_mutex) {
			if (i % 97 == 0)
				thread_yield(); /* holding a mutex across a switch is legal */
			mutex_unlock(&c->mutex);
		} else {
			spin_unlock(&c->spin);
		}
	}
}

static void run_counter_test(struct ktest_ctx *kt, bool use_mutex)
{
	static struct counter_test c;
	struct thread *t[WORKERS];

	c.kt = kt;
	spin_init(&c.spin, "test");
	mutex_init(&c.mutex, "test");
	c.counter = 0;
	c.inside = 0;
	c.use_mutex = use_mutex;
	for (int i = 0; i < WORKERS; i++)
		t[i] =
		    thread_create(counter_worker, &c, "counter", SCHED_PRIO_DEFAULT, i % (int)plat_cpu_count(), false);
	for (int i = 0; i < WORKERS; i++) {
		KT_CHECK(kt, t[i] != NULL);
		if (t[i])
			thread_join(t[i]);
	}
	KT_CHECK(kt, c.counter == WORKERS * ITERS);
}

KTEST(sync_spinlock_counter)
{
	run_counter_test(kt, false);
}

KTEST(sync_mutex_counter)
{
	run_counter_test(kt, true);
}

KTEST(sync_mutex_trylock)
{
	struct mutex m;

	mutex_init(&m, "try");
	KT_ASSERT(mutex_trylock(&m));
	KT_ASSERT(mutex_held_by_me(&m));
	mutex_unlock(&m);
	KT_ASSERT(!mutex_held_by_me(&m));
}

/* Threads that find the mutex held queue in order and get it in that
 * order, each handed it directly by the unlock; the waiters flag is gone
 * once the queue is. */
struct handoff_test {
	struct mutex m;
	volatile int order[3], next;
};

static void handoff_waiter(void *arg)
{
	struct handoff_test *h = arg;

	mutex_lock(&h->m);
	h->order[h->next] = (int)thread_current()->tid;
	h->next++;
	mutex_unlock(&h->m);
}

static bool blocked(void *arg)
{
	return ((struct thread *)arg)->state == THREAD_BLOCKED;
}

KTEST(sync_mutex_handoff_in_queue_order)
{
	static struct handoff_test h;
	struct thread *t[3];
	int tid[3];

	mutex_init(&h.m, "handoff");
	h.next = 0;
	mutex_lock(&h.m);
	KT_ASSERT(h.m.owner == (uintptr_t)thread_current());
	for (int i = 0; i < 3; i++) {
		t[i] =
		    thread_create(handoff_waiter, &h, "waiter", SCHED_PRIO_DEFAULT, i % (int)plat_cpu_count(), false);
		KT_ASSERT(t[i] != NULL);
		tid[i] = t[i]->tid;
		while (!blocked(t[i]))
			thread_sleep_ns(MS / 10);
		KT_CHECK(kt, h.m.owner == ((uintptr_t)thread_current() | MUTEX_WAITERS));
	}
	mutex_unlock(&h.m);
	KT_CHECK(kt, !mutex_held_by_me(&h.m));
	for (int i = 0; i < 3; i++)
		thread_join(t[i]);
	KT_CHECK(kt, h.next == 3);
	for (int i = 0; i < 3; i++)
		KT_CHECK(kt, h.order[i] == tid[i]);
	KT_CHECK(kt, h.m.owner == 0);
	KT_ASSERT(mutex_trylock(&h.m));
	mutex_unlock(&h.m);
}

struct pc_test {
	struct semaphore items, slots;
	spinlock_t lock;
	int ring[4];
	unsigned head, tail;
	volatile long sum;
};

static void producer(void *arg)
{
	struct pc_test *p = arg;
	for (int i = 1; i <= 1000; i++) {
		sem_down(&p->slots);
		spin_lock(&p->lock);
		p->ring[p->head++ % 4] = i;
		spin_unlock(&p->lock);
		sem_up(&p->items);
	}
}

static void consumer(void *arg)
{
	struct pc_test *p = arg;
	for (int i = 0; i < 1000; i++) {
		int v;
		sem_down(&p->items);
		spin_lock(&p->lock);
		v = p->ring[p->tail++ % 4];
		spin_unlock(&p->lock);
		sem_up(&p->slots);
		atomic_fetch_add(&p->sum, v);
	}
}

KTEST(sync_semaphore_producer_consumer)
{
	static struct pc_test p;
	struct thread *t[4];

	sem_init(&p.items, 0);
	sem_init(&p.slots, 4);
	spin_init(&p.lock, "ring");
	p.head = p.tail = 0;
	p.sum = 0;
	t[0] = thread_create(producer, &p, "prod", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	t[1] = thread_create(producer, &p, "prod", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	t[2] = thread_create(consumer, &p, "cons", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	t[3] = thread_create(consumer, &p, "cons", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	for (int i = 0; i < 4; i++) {
		KT_ASSERT(t[i] != NULL);
		thread_join(t[i]);
	}
	KT_ASSERT_EQ(p.sum, 2 * 500500);
	KT_ASSERT(!sem_trydown(&p.items));
}

KTEST(sync_semaphore_timeout)
{
	struct semaphore s;
	ktime_t t0;

	sem_init(&s, 0);
	t0 = plat_time_ns();
	KT_ASSERT(!sem_down_timeout(&s, 3 * MS));
	KT_ASSERT(plat_time_ns() - t0 >= 3 * MS);
	sem_up(&s);
	KT_ASSERT(sem_down_timeout(&s, 3 * MS));
}

struct wq_test {
	struct waitqueue wq;
	volatile int value;
	volatile int woke;
};

static bool value_ready(void *arg)
{
	return ((struct wq_test *)arg)->value != 0;
}

static void wq_waiter(void *arg)
{
	struct wq_test *w = arg;
	waitqueue_wait(&w->wq, value_ready, w);
	atomic_fetch_add(&w->woke, 1);
}

KTEST(sync_waitqueue_wake_all)
{
	static struct wq_test w;
	struct thread *t[6];

	waitqueue_init(&w.wq);
	w.value = 0;
	w.woke = 0;
	for (int i = 0; i < 6; i++)
		t[i] = thread_create(wq_waiter, &w, "waiter", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	thread_sleep_ns(2 * MS);
	KT_ASSERT_EQ(w.woke, 0);
	spin_lock(&w.wq.lock);
	w.value = 1;
	spin_unlock(&w.wq.lock);
	waitqueue_wake_all(&w.wq);
	for (int i = 0; i < 6; i++) {
		KT_ASSERT(t[i] != NULL);
		thread_join(t[i]);
	}
	KT_ASSERT_EQ(w.woke, 6);
}

KTEST(sync_waitqueue_timeout)
{
	static struct wq_test w;
	ktime_t t0 = plat_time_ns();

	waitqueue_init(&w.wq);
	w.value = 0;
	KT_ASSERT(!waitqueue_wait_timeout(&w.wq, value_ready, &w, 2 * MS));
	KT_ASSERT(plat_time_ns() - t0 >= 2 * MS);
	w.value = 1;
	KT_ASSERT(waitqueue_wait_timeout(&w.wq, value_ready, &w, 2 * MS));
}
