/* Wait queues and the thread-sleep primitive. */
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/sched.h>
#include <kern/sync.h>
#include <kern/timer.h>
#include <plat/time.h>

#include "../sched/sched_internal.h"

void waitqueue_init(struct waitqueue *wq)
{
	spin_init(&wq->lock, "waitqueue");
	list_init(&wq->waiters);
}

static void wake_thread_timer(struct ktimer *t)
{
	sched_wake(t->arg);
}

static int wait_common(struct waitqueue *wq, bool (*cond)(void *), void *arg, ktime_t ns, bool interruptible)
{
	struct thread *self = thread_current();
	ktime_t deadline = ns ? plat_time_ns() + ns : 0;
	struct ktimer timer;
	int ret = 0;

	ktimer_init(&timer, wake_thread_timer, self);
	spin_lock(&wq->lock);
	while (!cond(arg)) {
		if (deadline && plat_time_ns() >= deadline) {
			ret = -ETIMEDOUT;
			break;
		}
		if (interruptible && thread_interrupted(self)) {
			ret = -EINTR;
			break;
		}
		if (deadline)
			ktimer_arm(&timer, deadline);
		list_push_back(&wq->waiters, &self->wait_node);
		sched_block_and_unlock(&wq->lock);
		spin_lock(&wq->lock);
		if (list_linked(&self->wait_node))
			list_remove(&self->wait_node);
	}
	spin_unlock(&wq->lock);
	if (deadline)
		ktimer_cancel(&timer);
	return ret;
}

bool waitqueue_wait_timeout(struct waitqueue *wq, bool (*cond)(void *), void *arg, ktime_t ns)
{
	return wait_common(wq, cond, arg, ns, false) == 0;
}

int waitqueue_wait_interruptible(struct waitqueue *wq, bool (*cond)(void *), void *arg, ktime_t ns)
{
	return wait_common(wq, cond, arg, ns, true);
}

void waitqueue_wait(struct waitqueue *wq, bool (*cond)(void *), void *arg)
{
	waitqueue_wait_timeout(wq, cond, arg, 0);
}

void waitqueue_wake_one(struct waitqueue *wq)
{
	struct list_node *n;

	spin_lock(&wq->lock);
	n = list_pop_front(&wq->waiters);
	if (n)
		sched_wake(list_entry(n, struct thread, wait_node));
	spin_unlock(&wq->lock);
}

void waitqueue_wake_all(struct waitqueue *wq)
{
	struct list_node *n;

	spin_lock(&wq->lock);
	while ((n = list_pop_front(&wq->waiters)))
		sched_wake(list_entry(n, struct thread, wait_node));
	spin_unlock(&wq->lock);
}

void thread_sleep_ns(ktime_t ns)
{
	ktime_t deadline = plat_time_ns() + ns;
	struct ktimer timer;

	ktimer_init(&timer, wake_thread_timer, thread_current());
	while (plat_time_ns() < deadline) {
		irqflags_t f = plat_irq_save();
		struct cpu_rq *rq;
		ktimer_arm(&timer, deadline);
		rq = this_rq();
		spin_lock_raw(&rq->lock);
		sched_block_current_locked(rq);
		plat_irq_restore(f);
	}
	ktimer_cancel(&timer);
}

int thread_sleep_interruptible(ktime_t ns)
{
	ktime_t deadline = plat_time_ns() + ns;
	struct thread *self = thread_current();
	struct ktimer timer;
	int ret = 0;

	ktimer_init(&timer, wake_thread_timer, self);
	while (plat_time_ns() < deadline) {
		irqflags_t f;
		struct cpu_rq *rq;
		if (thread_interrupted(self)) {
			ret = -EINTR;
			break;
		}
		f = plat_irq_save();
		ktimer_arm(&timer, deadline);
		rq = this_rq();
		spin_lock_raw(&rq->lock);
		sched_block_current_locked(rq);
		plat_irq_restore(f);
	}
	ktimer_cancel(&timer);
	return ret;
}
