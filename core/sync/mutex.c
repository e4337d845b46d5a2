/* Sleeping mutex with direct hand-off to the first waiter (FIFO, no
 * barging), and a counting semaphore built the same way. */
#include <kern/log.h>
#include <kern/sched.h>
#include <kern/sync.h>
#include <kern/timer.h>
#include <plat/time.h>

void mutex_init(struct mutex *m, const char *name)
{
	spin_init(&m->lock, "mutex");
	m->owner = NULL;
	list_init(&m->waiters);
	m->name = name;
}

void mutex_lock(struct mutex *m)
{
	struct thread *self = thread_current();

	spin_lock(&m->lock);
	if (m->owner == self)
		panic("mutex %s: recursive lock by thread %d", m->name, self->tid);
	if (!m->owner) {
		m->owner = self;
		spin_unlock(&m->lock);
		return;
	}
	list_push_back(&m->waiters, &self->wait_node);
	while (m->owner != self) {
		sched_block_and_unlock(&m->lock);
		spin_lock(&m->lock);
	}
	spin_unlock(&m->lock);
}

bool mutex_trylock(struct mutex *m)
{
	bool got = false;

	spin_lock(&m->lock);
	if (!m->owner) {
		m->owner = thread_current();
		got = true;
	}
	spin_unlock(&m->lock);
	return got;
}

void mutex_unlock(struct mutex *m)
{
	struct list_node *n;

	spin_lock(&m->lock);
	if (m->owner != thread_current())
		panic("mutex %s: unlocked by thread %d, owner %d", m->name, thread_current()->tid,
		      m->owner ? m->owner->tid : 0);
	n = list_pop_front(&m->waiters);
	if (n) {
		struct thread *next = list_entry(n, struct thread, wait_node);
		m->owner = next;
		sched_wake(next);
	} else {
		m->owner = NULL;
	}
	spin_unlock(&m->lock);
}

bool mutex_held_by_me(struct mutex *m)
{
	return m->owner == thread_current();
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
