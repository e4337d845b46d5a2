/* The fuzz process: what a syscall needs from its caller (a process with an
 * address space, descriptors, root and cwd), built around the kernel's init
 * thread without ever running user code. Kernel code only: no libc here. */
#include <kern/abi/mman.h>
#include <kern/fdtable.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/timer.h>
#include <kern/tty.h>
#include <kern/vfs.h>
#include <kern/vm.h>
#include <plat/time.h>

#include "../../core/proc/proc_internal.h"
#include "kfuzz.h"

#define SIGKILL     9
#define WATCHDOG_NS 2000000 /* virtual: a call still blocked after 2 ms is interrupted */

struct kfuzz_proc {
	struct process *p;
	struct task *t;
	struct ktimer watchdog;
};

static struct kfuzz_proc the_proc; /* one at a time: the init thread's */

int kfuzz_proc_pid(struct kfuzz_proc *fp)
{
	return fp->p->pid;
}

struct kfuzz_proc *kfuzz_proc_begin(void)
{
	struct kfuzz_proc *fp = &the_proc;
	struct process *p = proc_alloc(NULL);
	struct task *t = p ? task_alloc(p) : NULL;

	if (!t || proc_setup_console_fds(p) != 0 || !(p->vm = vm_create()))
		panic("kfuzz: cannot create the fuzz process");
	if (vm_map(p->vm, KFUZZ_UBUF, KFUZZ_UBUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED) !=
	    (long)KFUZZ_UBUF)
		panic("kfuzz: cannot map the fuzz buffer");
	p->root = vfs_root();
	p->cwd = vfs_root();
	p->sid = p->pgid = p->pid;
	kstrlcpy(p->comm, "kfuzz", sizeof(p->comm));
	t->tid = p->pid;
	t->kthread = thread_current();
	thread_current()->task = t;
	fp->p = p;
	fp->t = t;
	return fp;
}

void kfuzz_proc_poke(struct kfuzz_proc *fp, size_t off, const void *src, size_t len)
{
	off %= KFUZZ_UBUF_SIZE;
	if (len > KFUZZ_UBUF_SIZE - off)
		len = KFUZZ_UBUF_SIZE - off;
	vm_write_force(fp->p->vm, KFUZZ_UBUF + off, src, len);
}

static void watchdog_fire(struct ktimer *k)
{
	signal_send_task(k->arg, SIGKILL);
}

/* The watchdog runs in virtual time, which stands still while the CPU is
 * busy: a call copying gigabytes from /dev/zero would never let it fire. A
 * kernel loop that polls for signals is at an interruption point, so after
 * WATCHDOG_POLLS polls within one call the watchdog fires there: a count,
 * not a time, so an input still replays the same
 * (-Wl,--wrap=current_signal_pending, mk/fuzz.mk). */
#define WATCHDOG_POLLS 8
static struct task *polled_task;
static unsigned polls;

bool __real_current_signal_pending(void);
bool __wrap_current_signal_pending(void);
bool __wrap_current_signal_pending(void)
{
	if (polled_task && task_current() == polled_task && ++polls == WATCHDOG_POLLS)
		signal_send_task(polled_task, SIGKILL);
	return __real_current_signal_pending();
}

long kfuzz_proc_syscall(struct kfuzz_proc *fp, unsigned long nr, const long args[6])
{
	struct task *t = fp->t;
	long ret;

	ktimer_init(&fp->watchdog, watchdog_fire, t);
	ktimer_arm(&fp->watchdog, plat_time_ns() + WATCHDOG_NS);
	t->regs_restored = false;
	polled_task = t;
	polls = 0;
	ret = syscall_dispatch(nr, args);
	polled_task = NULL;
	ktimer_cancel(&fp->watchdog);
	/* The watchdog's signal only ends a wait; nothing ever delivers it. */
	spin_lock(&t->proc->lock);
	t->sig_pending &= ~(1ULL << (SIGKILL - 1));
	t->proc->sig_pending &= ~(1ULL << (SIGKILL - 1));
	spin_unlock(&t->proc->lock);
	t->exiting = false;
	t->proc->group_exiting = false;
	return ret;
}

/* Undoes kfuzz_proc_begin as task_finish would, without ending the thread;
 * then the allocators must still be consistent (a corrupted free list or a
 * double free shows here, inside the input that caused it). */
void kfuzz_proc_end(struct kfuzz_proc *fp)
{
	struct process *p = fp->p;
	struct vm_space *vm = p->vm;

	thread_current()->task = NULL;
	if (p->sid == p->pid)
		tty_session_leader_exit(p->sid);
	proc_table_lock();
	spin_lock(&p->lock);
	list_remove(&fp->t->proc_node);
	p->ntasks--;
	spin_unlock(&p->lock);
	p->vm = NULL;
	if (p->fds)
		fdt_put(p->fds);
	if (p->cwd)
		inode_put(p->cwd);
	if (p->root)
		inode_put(p->root);
	p->fds = NULL;
	p->cwd = p->root = NULL;
	proc_free(p);
	proc_table_unlock();
	kfree(fp->t);
	if (vm)
		vm_put(vm);
	if (!page_alloc_check())
		panic("kfuzz: page allocator inconsistent after the input");
}
