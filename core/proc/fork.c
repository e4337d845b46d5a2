/* fork, vfork and clone: new processes and new threads. */
#include <kern/abi/signal.h>
#include <kern/errno.h>
#include <kern/fdtable.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/vfs.h>
#include <kern/vm.h>

#include "proc_internal.h"

#define CSIGNAL              0x000000ff
#define CLONE_VM             0x00000100
#define CLONE_FS             0x00000200
#define CLONE_FILES          0x00000400
#define CLONE_SIGHAND        0x00000800
#define CLONE_PIDFD          0x00001000
#define CLONE_PTRACE         0x00002000
#define CLONE_VFORK          0x00004000
#define CLONE_PARENT         0x00008000
#define CLONE_THREAD         0x00010000
#define CLONE_NEWNS          0x00020000
#define CLONE_SYSVSEM        0x00040000
#define CLONE_SETTLS         0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED       0x00400000
#define CLONE_UNTRACED       0x00800000
#define CLONE_CHILD_SETTID   0x01000000
#define CLONE_SUPPORTED                                                                                                \
	(CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_VFORK | CLONE_THREAD | CLONE_SYSVSEM |    \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID |             \
	 CLONE_PARENT)

static bool vfork_released(void *arg)
{
	return *(volatile bool *)arg;
}

void proc_vfork_release(struct process *p)
{
	if (p->vfork_done) {
		*p->vfork_done = true;
		waitqueue_wake_all(p->vfork_wq);
		p->vfork_done = NULL;
		p->vfork_wq = NULL;
	}
}

static long do_clone(unsigned long flags, uintptr_t newsp, uintptr_t parent_tid, uintptr_t child_tid, uintptr_t tls)
{
	struct task *self = task_current();
	struct process *parent = self->proc, *p;
	struct task *t;
	struct waitqueue vfork_wq;
	volatile bool vfork_done = false;
	long id;

	if (flags & ~CLONE_SUPPORTED)
		return -EINVAL;
	/* The combinations Linux requires. */
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;

	if (flags & CLONE_THREAD) {
		p = parent;
		t = task_alloc(p);
		if (!t)
			return -ENOMEM;
		proc_table_lock();
		t->tid = proc_alloc_id();
		proc_table_unlock();
	} else {
		p = proc_alloc((flags & CLONE_PARENT) && parent->parent ? parent->parent : parent);
		if (!p)
			return -ENOMEM;
		p->exit_signal = (int)(flags & CSIGNAL);
		if (flags & CLONE_VM) {
			vm_get(parent->vm);
			p->vm = parent->vm;
		} else {
			p->vm = vm_fork(parent->vm);
		}
		if (flags & CLONE_FILES) {
			fdt_get(parent->fds);
			p->fds = parent->fds;
		} else {
			p->fds = fdt_dup(parent->fds);
		}
		spin_lock(&parent->lock); /* chdir/chroot swap these under it */
		p->cwd = parent->cwd ? inode_get(parent->cwd) : NULL;
		p->root = parent->root ? inode_get(parent->root) : NULL;
		spin_unlock(&parent->lock);
		t = p->vm && p->fds ? task_alloc(p) : NULL;
		if (!t) {
			proc_table_lock();
			proc_destroy_unstarted(p);
			proc_table_unlock();
			return -ENOMEM;
		}
		t->tid = p->pid;
	}
	plat_user_fpu_sync(parent->vm->plat, &self->regs);
	t->regs = self->regs;
	t->regs.rax = 0;
	if (newsp)
		t->regs.rsp = newsp;
	if (flags & CLONE_SETTLS)
		t->regs.fs_base = tls;
	t->sig_blocked = self->sig_blocked;
	t->sigalt_sp = (flags & CLONE_VM) && !(flags & CLONE_VFORK) ? 0 : self->sigalt_sp;
	t->sigalt_size = (flags & CLONE_VM) && !(flags & CLONE_VFORK) ? 0 : self->sigalt_size;
	t->sigalt_flags = (flags & CLONE_VM) && !(flags & CLONE_VFORK) ? SS_DISABLE : self->sigalt_flags;
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = child_tid;
	id = t->tid;
	if ((flags & CLONE_PARENT_SETTID) && copy_to_user(parent->vm, parent_tid, &(int32_t){(int32_t)id}, 4))
		pr_debug("clone: parent_tid %#lx not writable", (unsigned long)parent_tid);
	if ((flags & CLONE_CHILD_SETTID) && copy_to_user(p->vm, child_tid, &(int32_t){(int32_t)id}, 4))
		pr_debug("clone: child_tid %#lx not writable", (unsigned long)child_tid);
	if (flags & CLONE_VFORK) {
		waitqueue_init(&vfork_wq);
		p->vfork_done = (bool *)&vfork_done;
		p->vfork_wq = &vfork_wq;
	}
	if (task_start(t)) {
		/* Out of memory for the kernel thread: undo. */
		spin_lock(&p->lock);
		list_remove(&t->proc_node);
		p->ntasks--;
		spin_unlock(&p->lock);
		kfree(t);
		if (p != parent) {
			proc_table_lock();
			proc_destroy_unstarted(p);
			proc_table_unlock();
		}
		return -ENOMEM;
	}
	if (flags & CLONE_VFORK)
		waitqueue_wait(&vfork_wq, vfork_released, (void *)&vfork_done);
	return id;
}

long sys_fork(long a0, long a1, long a2, long a3, long a4, long a5)
{
	return do_clone(SIGCHLD, 0, 0, 0, 0);
}

long sys_vfork(long a0, long a1, long a2, long a3, long a4, long a5)
{
	return do_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}

long sys_clone(long flags, long newsp, long parent_tid, long child_tid, long tls, long a5)
{
	return do_clone((unsigned long)flags, (uintptr_t)newsp, (uintptr_t)parent_tid, (uintptr_t)child_tid,
	                (uintptr_t)tls);
}
