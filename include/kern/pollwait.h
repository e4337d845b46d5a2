/* Waking poll(2)/select(2) sleepers. A thread can wait on one wait queue at
 * a time, so pollers sleep on one shared queue: objects whose readiness
 * changes (pipes, terminals) call poll_notify() after their own wake-ups,
 * and their poll ops register poll_waitqueue() in the poll_table. A poller
 * reads poll_generation() before polling its files and sleeps until it
 * changes, so no notification between the two is lost. */
#ifndef KERN_POLLWAIT_H
#define KERN_POLLWAIT_H
#include <kern/sync.h>
#include <kern/types.h>

struct waitqueue *poll_waitqueue(void);
uint64_t poll_generation(void);
void poll_notify(void);
/* Sleeps until the generation differs from `seen`, a signal is pending
 * (-EINTR) or `ns` passed (-ETIMEDOUT; ns 0 = no limit). */
int poll_wait_change(uint64_t seen, ktime_t ns);
#endif
