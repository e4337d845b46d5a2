/* Sleeping mutex with direct hand-off to the first waiter (FIFO: no
 * barging once threads wait), and a counting semaphore built the same way. */
#include <kern/atomic.h>
#include <kern/log.h>
#include <kern/sched.h>
#include <kern/sync.h>
#include <kern/timer.h>
#include <plat/time.h>

void mutex_init(struct mutex *m, const char *name)
{
	spin_init(&m->lock, "mutex");
	m->owner = 0;
	list_init(&m->waiters);
	m->name = name;
}

static int owner_tid(uintptr_t owner)
{
	struct thread *t = (struct thread *)(owner & ~MUTEX_WAITERS);

	return t ? t->tid : 0;
}

/* The slow path: the mutex was held. Under m->lock, either it has become
 * free and is taken, or MUTEX_WAITERS is set (so its unlock takes the
 * slow path too) and the caller queues until the unlock hands it over. */
static void mutex_lock_slow(struct mutex *m, struct thread *self)
{
	uintptr_t me = (uintptr_t)self, o;

	spin_lock(&m->lock);
	for (;;) {
		o = atomic_load_relaxed(&m->owner);
		if (o == 0) {
			if (atomic_cas(&m->owner, &o, me)) {
				spin_unlock(&m->lock);
				return;
			}
		} else if ((o & MUTEX_WAITERS) || atomic_cas(&m->owner, &o, o | MUTEX_WAITERS)) {
			break;
		}
	}
	list_push_back(&m->waiters, &self->wait_node);
	while ((atomic_load_acquire(&m->owner) & ~MUTEX_WAITERS) != me) {
		sched_block_and_unlock(&m->lock);
		spin_lock(&m->lock);
	}
	spin_unlock(&m->lock);
}

void mutex_lock(struct mutex *m)
{
	struct thread *self = thread_current();
	uintptr_t o = 0;

	if (atomic_cas(&m->owner, &o, (uintptr_t)self))
		return;
	if ((o & ~MUTEX_WAITERS) == (uintptr_t)self)
		panic("mutex %s: recursive lock by thread %d", m->name, self->tid);
	mutex_lock_slow(m, self);
}

bool mutex_trylock(struct mutex *m)
{
	uintptr_t o = 0;

	return atomic_cas(&m->owner, &o, (uintptr_t)thread_current());
}

/* MUTEX_WAITERS is set exactly while the queue is not empty (both change
 * under m->lock), so the queue's first thread gets the mutex directly. */
void mutex_unlock(struct mutex *m)
{
	struct thread *self = thread_current();
	uintptr_t o = (uintptr_t)self;
	struct list_node *n;

	if (atomic_cas(&m->owner, &o, 0))
		return;
	if ((o & ~MUTEX_WAITERS) != (uintptr_t)self)
		panic("mutex %s: unlocked by thread %d, owner %d", m->name, self->tid, owner_tid(o));
	spin_lock(&m->lock);
	n = list_pop_front(&m->waiters);
	if (n) {
		struct thread *next = list_entry(n, struct thread, wait_node);
		atomic_store_release(&m->owner, (uintptr_t)next | (list_empty(&m->waiters) ? 0 : MUTEX_WAITERS));
		sched_wake(next);
	} else {
		atomic_store_release(&m->owner, 0);
	}
	spin_unlock(&m->lock);
}

bool mutex_held_by_me(struct mutex *m)
{
	return (atomic_load_relaxed(&m->owner) & ~MUTEX_WAITERS) == (uintptr_t)thread_current();
}

/* Semaphore waiters are granted a unit directly by sem_up(), so a woken
 * waiter never finds the count taken by a newcomer; a waiter is still
 * waiting exactly while its wait_node is linked. */
void sem_init(struct semaphore *s, long count)
{
	spin_init(&s->lock, "semaphore");
	s->count = count;
	list_init(&s->waiters);
}

bool sem_trydown(struct semaphore *s)
{
	bool got = false;

	spin_lock(&s->lock);
	if (s->count > 0) {
		s->count--;
		got = true;
	}
	spin_unlock(&s->lock);
	return got;
}

static void sem_timeout(struct ktimer *t)
{
	sched_wake(t->arg);
}

bool sem_down_timeout(struct semaphore *s, ktime_t ns)
{
	struct thread *self = thread_current();
	ktime_t deadline = ns ? plat_time_ns() + ns : 0;
	struct ktimer timer;
	bool got = true;

	spin_lock(&s->lock);
	if (s->count > 0) {
		s->count--;
		spin_unlock(&s->lock);
		return true;
	}
	ktimer_init(&timer, sem_timeout, self);
	list_push_back(&s->waiters, &self->wait_node);
	while (list_linked(&self->wait_node)) { /* sem_up unlinks us when it grants */
		if (deadline && plat_time_ns() >= deadline) {
			list_remove(&self->wait_node);
			got = false;
			break;
		}
		if (deadline)
			ktimer_arm(&timer, deadline);
		sched_block_and_unlock(&s->lock);
		spin_lock(&s->lock);
	}
	spin_unlock(&s->lock);
	if (deadline)
		ktimer_cancel(&timer);
	return got;
}

void sem_down(struct semaphore *s)
{
	sem_down_timeout(s, 0);
}

void sem_up(struct semaphore *s)
{
	struct list_node *n;

	spin_lock(&s->lock);
	n = list_pop_front(&s->waiters);
	if (n)
		sched_wake(list_entry(n, struct thread, wait_node));
	else
		s->count++;
	spin_unlock(&s->lock);
}
