/* Futexes. A waiter is keyed by the physical address of the futex word,
 * which is the same for threads of one process and for processes sharing
 * the page; the table's mutex makes "check the value, then sleep" atomic
 * with respect to wakers. */
#include <arch/x86_64/pgtable.h>
#include <kern/abi/stat.h>
#include <kern/errno.h>
#include <kern/list.h>
#include <kern/mm.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/syscall.h>
#include <kern/string.h>
#include <kern/vfs.h>
#include <kern/vm.h>
#include <plat/time.h>

#include "proc_internal.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

struct futex_waiter {
	struct list_node node;
	paddr_t key;
	uint32_t bitset;
	volatile bool woken;
	struct waitqueue wq;
};

static struct mutex futex_lock;
static struct list_node futex_waiters = LIST_INIT(futex_waiters);
static bool futex_ready;

static void futex_init_once(void)
{
	/* The first user of futexes runs long after boot: no race on this. */
	if (!futex_ready) {
		mutex_init(&futex_lock, "futex");
		futex_ready = true;
	}
}

/* Reads the 32-bit word at uaddr and finds its physical address. */
static int futex_key(struct vm_space *vm, uintptr_t uaddr, uint32_t *val, paddr_t *key)
{
	pte_t *pte;

	if (uaddr & 3)
		return -EINVAL;
	if (copy_from_user(vm, val, uaddr, sizeof(*val)))
		return -EFAULT;
	mutex_lock(&vm->lock);
	pte = pgtable_walk(vm->pml4, ALIGN_DOWN(uaddr, PAGE_SIZE), false);
	*key = pte && (*pte & PTE_P) ? pte_addr(*pte) + (uaddr & (PAGE_SIZE - 1)) : 0;
	mutex_unlock(&vm->lock);
	return *key ? 0 : -EFAULT;
}

static int wake_locked(paddr_t key, uint32_t bitset, int n)
{
	int woken = 0;

	list_for_each_safe(it, tmp, &futex_waiters) {
		struct futex_waiter *w = list_entry(it, struct futex_waiter, node);
		if (woken >= n)
			break;
		if (w->key != key || !(w->bitset & bitset))
			continue;
		list_remove(&w->node);
		w->woken = true;
		waitqueue_wake_all(&w->wq);
		woken++;
	}
	return woken;
}

int futex_wake_address(struct process *p, uintptr_t uaddr, int n)
{
	uint32_t val;
	paddr_t key;
	int woken;

	futex_init_once();
	if (!p->vm || futex_key(p->vm, uaddr, &val, &key))
		return 0;
	mutex_lock(&futex_lock);
	woken = wake_locked(key, FUTEX_BITSET_MATCH_ANY, n);
	mutex_unlock(&futex_lock);
	return woken;
}

static bool futex_woken(void *arg)
{
	return ((struct futex_waiter *)arg)->woken;
}

static long futex_wait(uintptr_t uaddr, uint32_t expected, uintptr_t utimeout, bool absolute, bool realtime,
		       uint32_t bitset)
{
	struct vm_space *vm = proc_current()->vm;
	struct futex_waiter w;
	ktime_t timeout = 0;
	uint32_t val;
	int err;

	if (bitset == 0)
		return -EINVAL;
	if (utimeout) {
		struct linux_timespec ts;
		int64_t ns, now;
		if (copy_from_user(vm, &ts, utimeout, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		/* A far timeout saturates (as in nanosleep) instead of overflowing. */
		ns = ts.tv_sec > INT64_MAX / 1000000000LL - 1 ? INT64_MAX / 2 : ts.tv_sec * 1000000000LL + ts.tv_nsec;
		if (absolute) {
			now = realtime ? vfs_now_ns() : (int64_t)plat_time_ns();
			if (ns <= now)
				return -ETIMEDOUT;
			ns -= now;
		}
		timeout = ns > 0 ? (ktime_t)ns : 1;
	}
	memset(&w, 0, sizeof(w));
	w.bitset = bitset;
	waitqueue_init(&w.wq);
	mutex_lock(&futex_lock);
	err = futex_key(vm, uaddr, &val, &w.key);
	if (!err && val != expected)
		err = -EAGAIN;
	if (err) {
		mutex_unlock(&futex_lock);
		return err;
	}
	list_push_back(&futex_waiters, &w.node);
	mutex_unlock(&futex_lock);

	err = waitqueue_wait_interruptible(&w.wq, futex_woken, &w, timeout);
	mutex_lock(&futex_lock);
	if (!w.woken)
		list_remove(&w.node);
	mutex_unlock(&futex_lock);
	if (w.woken)
		return 0;
	return err == -ETIMEDOUT ? -ETIMEDOUT : -ERESTARTSYS;
}

static long futex_requeue(uintptr_t uaddr, int nwake, int nmove, uintptr_t uaddr2, bool cmp, uint32_t cmpval)
{
	struct vm_space *vm = proc_current()->vm;
	paddr_t key, key2;
	uint32_t val, val2;
	long done;
	int err;

	if (nwake < 0 || nmove < 0)
		return -EINVAL;
	mutex_lock(&futex_lock);
	err = futex_key(vm, uaddr, &val, &key);
	if (!err)
		err = futex_key(vm, uaddr2, &val2, &key2);
	if (!err && cmp && val != cmpval)
		err = -EAGAIN;
	if (err) {
		mutex_unlock(&futex_lock);
		return err;
	}
	done = wake_locked(key, FUTEX_BITSET_MATCH_ANY, nwake);
	list_for_each(it, &futex_waiters) {
		struct futex_waiter *w = list_entry(it, struct futex_waiter, node);
		if (nmove == 0)
			break;
		if (w->key == key) {
			w->key = key2;
			nmove--;
			done++;
		}
	}
	mutex_unlock(&futex_lock);
	return done;
}

long sys_futex(long uaddr, long op, long val, long utimeout, long uaddr2, long val3)
{
	int cmd = (int)op & FUTEX_CMD_MASK;
	bool realtime = (op & FUTEX_CLOCK_REALTIME) != 0;

	futex_init_once();
	if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		return futex_wait((uintptr_t)uaddr, (uint32_t)val, (uintptr_t)utimeout, false, false,
				  FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAIT_BITSET:
		return futex_wait((uintptr_t)uaddr, (uint32_t)val, (uintptr_t)utimeout, true, realtime, (uint32_t)val3);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET: {
		struct vm_space *vm = proc_current()->vm;
		uint32_t v;
		paddr_t key;
		long n;
		int err;
		if (val < 0)
			return -EINVAL;
		mutex_lock(&futex_lock);
		err = futex_key(vm, (uintptr_t)uaddr, &v, &key);
		n = err ? err
			: wake_locked(key, cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : (uint32_t)val3,
				      val > 0x7fffffff ? 0x7fffffff : (int)val);
		mutex_unlock(&futex_lock);
		return n;
	}
	case FUTEX_REQUEUE:
		return futex_requeue((uintptr_t)uaddr, (int)val, (int)utimeout, (uintptr_t)uaddr2, false, 0);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue((uintptr_t)uaddr, (int)val, (int)utimeout, (uintptr_t)uaddr2, true,
				     (uint32_t)val3);
	}
	return -ENOSYS;
}
