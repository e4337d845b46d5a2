/* The shared wait queue of poll(2)/select(2) sleepers (see kern/pollwait.h). */
#include <kern/atomic.h>
#include <kern/pollwait.h>

static struct waitqueue poll_wq = {SPINLOCK_INIT("poll-wq"), LIST_INIT(poll_wq.waiters)};
static uint64_t generation;

struct waitqueue *poll_waitqueue(void)
{
	return &poll_wq;
}

uint64_t poll_generation(void)
{
	return atomic_load_acquire(&generation);
}

void poll_notify(void)
{
	atomic_fetch_add(&generation, 1);
	waitqueue_wake_all(&poll_wq);
}

static bool changed(void *arg)
{
	return atomic_load_acquire(&generation) != *(uint64_t *)arg;
}

int poll_wait_change(uint64_t seen, ktime_t ns)
{
	return waitqueue_wait_interruptible(&poll_wq, changed, &seen, ns);
}
