/* Sleeping synchronisation: wait queues, mutexes, semaphores. */
#ifndef KERN_SYNC_H
#define KERN_SYNC_H
#include <kern/list.h>
#include <kern/spinlock.h>
#include <kern/types.h>

struct thread;

struct waitqueue {
	spinlock_t lock;
	struct list_node waiters; /* struct thread.wait_node */
};

void waitqueue_init(struct waitqueue *wq);
/* Blocks until cond(arg) is true; cond is evaluated with wq->lock held. */
void waitqueue_wait(struct waitqueue *wq, bool (*cond)(void *), void *arg);
/* The same with a timeout; returns false if it timed out. */
bool waitqueue_wait_timeout(struct waitqueue *wq, bool (*cond)(void *), void *arg, ktime_t ns);
/* Like waitqueue_wait_timeout (ns 0 = no timeout), but a pending signal
 * ends the wait: returns 0 when cond held, -EINTR, or -ETIMEDOUT. */
int waitqueue_wait_interruptible(struct waitqueue *wq, bool (*cond)(void *), void *arg, ktime_t ns);
void waitqueue_wake_one(struct waitqueue *wq);
void waitqueue_wake_all(struct waitqueue *wq);

/* `owner` is the owning thread's address, with MUTEX_WAITERS set while
 * threads wait: an uncontended lock and unlock are one compare-and-swap
 * each; `lock` guards the waiters. */
struct mutex {
	spinlock_t lock;
	uintptr_t owner;
	struct list_node waiters;
	const char *name;
};
#define MUTEX_WAITERS 1ul
void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_held_by_me(struct mutex *m);

struct semaphore {
	spinlock_t lock;
	long count;
	struct list_node waiters;
};
void sem_init(struct semaphore *s, long count);
void sem_down(struct semaphore *s);
bool sem_trydown(struct semaphore *s);
/* Returns false if the count did not reach zero within `ns`. */
bool sem_down_timeout(struct semaphore *s, ktime_t ns);
void sem_up(struct semaphore *s);
#endif
