/* Processes: the table, creation, exit, reaping. */
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/fdtable.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/tty.h>
#include <kern/vfs.h>
#include <kern/vm.h>
#include <plat/time.h>

#include "proc_internal.h"

static struct mutex table_lock;
struct list_node proc_all_list = LIST_INIT(proc_all_list);
static int next_pid = 1;
static bool table_ready;

void proc_init(void)
{
	mutex_init(&table_lock, "proc-table");
	table_ready = true;
}

void proc_table_lock(void)
{
	mutex_lock(&table_lock);
}

void proc_table_unlock(void)
{
	mutex_unlock(&table_lock);
}

struct task *task_current(void)
{
	struct thread *t = thread_current();
	return t ? t->task : NULL;
}

struct process *proc_current(void)
{
	struct task *t = task_current();
	return t ? t->proc : NULL;
}

/* Table lock held. */
struct process *proc_find_locked(int pid)
{
	list_for_each(it, &proc_all_list) {
		struct process *p = list_entry(it, struct process, all_node);
		if (p->pid == pid && p->state != PROC_REAPED)
			return p;
	}
	return NULL;
}

struct process *proc_find(int pid)
{
	struct process *p;

	proc_table_lock();
	p = proc_find_locked(pid);
	proc_table_unlock();
	return p;
}

/* Pids and tids share one space, as on Linux. Table lock held. */
int proc_alloc_id(void)
{
	for (;;) {
		int id = next_pid++;
		if (next_pid >= PID_MAX)
			next_pid = 2;
		if (!proc_find_locked(id))
			return id;
	}
}

struct process *proc_alloc(struct process *parent)
{
	struct process *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->tasks);
	waitqueue_init(&p->child_wait);
	waitqueue_init(&p->cont_wait);
	spin_init(&p->lock, "process");
	p->state = PROC_ALIVE;
	p->exit_signal = 17; /* SIGCHLD */
	p->start_time = plat_time_ns();
	p->umask = 022;
	proc_table_lock();
	p->pid = proc_alloc_id();
	p->parent = parent;
	atomic_store_relaxed(&p->ppid, parent ? parent->pid : 0);
	if (parent) {
		list_push_back(&parent->children, &p->sibling);
		p->pgid = parent->pgid;
		p->sid = parent->sid;
		p->cred = parent->cred;
		p->suid = parent->suid;
		p->sgid = parent->sgid;
		p->umask = parent->umask;
		memcpy(p->comm, parent->comm, sizeof(p->comm));
		p->arg_start = parent->arg_start; /* same memory until it execs */
		p->arg_end = parent->arg_end;
		memcpy(p->sigactions, parent->sigactions, sizeof(p->sigactions));
	} else {
		/* Like Linux's init: in the kernel's session 0, so it may setsid(). */
		p->pgid = p->sid = 0;
	}
	list_push_back(&proc_all_list, &p->all_node);
	proc_table_unlock();
	return p;
}

struct task *task_alloc(struct process *p)
{
	struct task *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->proc = p;
	list_init(&t->proc_node);
	spin_lock(&p->lock);
	list_push_back(&p->tasks, &t->proc_node);
	p->ntasks++;
	spin_unlock(&p->lock);
	return t;
}

int task_start(struct task *t)
{
	struct thread *th;

	th = thread_create(task_run, t, t->proc->comm, SCHED_PRIO_DEFAULT, CPU_ANY, true);
	if (!th)
		return -ENOMEM;
	t->kthread = th;
	return 0;
}

int signal_send_pgrp(int pgid, int sig)
{
	int found = 0;

	if (pgid <= 0)
		return -EINVAL;
	proc_table_lock();
	list_for_each(it, &proc_all_list) {
		struct process *p = list_entry(it, struct process, all_node);
		if (p->pgid == pgid && p->state == PROC_ALIVE) {
			signal_send_process(p, sig);
			found++;
		}
	}
	proc_table_unlock();
	return found ? 0 : -ESRCH;
}

/* Releases what a process holds once its last task is gone; it stays a
 * zombie until reaped. Called by the last task, table lock held. */
static void proc_release_resources(struct process *p)
{
	struct process *init = proc_find_locked(1);

	if (p->fds) {
		fdt_put(p->fds);
		p->fds = NULL;
	}
	if (p->cwd) {
		inode_put(p->cwd);
		p->cwd = NULL;
	}
	if (p->root) {
		inode_put(p->root);
		p->root = NULL;
	}
	/* Orphans go to init, which reaps them. */
	list_for_each_safe(it, tmp, &p->children) {
		struct process *c = list_entry(it, struct process, sibling);
		list_remove(&c->sibling);
		c->parent = init && init != p ? init : NULL;
		atomic_store_relaxed(&c->ppid, c->parent ? c->parent->pid : 0);
		if (c->parent)
			list_push_back(&init->children, &c->sibling);
		else if (c->state == PROC_ZOMBIE)
			proc_free(c);
	}
	if (init && init != p) {
		spin_lock(&init->child_wait.lock);
		init->child_gen++;
		spin_unlock(&init->child_wait.lock);
		waitqueue_wake_all(&init->child_wait);
	}
}

void proc_destroy_unstarted(struct process *p)
{
	if (p->fds)
		fdt_put(p->fds);
	if (p->cwd)
		inode_put(p->cwd);
	if (p->root)
		inode_put(p->root);
	if (p->vm) {
		struct vm_space *vm = p->vm;
		p->vm = NULL;
		proc_table_unlock();
		vm_put(vm);
		proc_table_lock();
	}
	proc_free(p);
}

void proc_free(struct process *p)
{
	list_remove(&p->all_node);
	if (list_linked(&p->sibling))
		list_remove(&p->sibling);
	p->state = PROC_REAPED;
	kfree(p);
}

/* The calling task is done with user space. Never returns. */
NORETURN void task_finish(struct task *t)
{
	struct process *p = t->proc;
	struct vm_space *vm = NULL;
	bool last;

	if (p->vm)
		plat_user_fpu_forget(p->vm->plat, &t->regs);
	if (t->clear_child_tid) {
		uint32_t zero = 0;
		copy_to_user(p->vm, t->clear_child_tid, &zero, sizeof(zero));
		futex_wake_address(p, t->clear_child_tid, 1);
	}
	spin_lock(&p->lock);
	list_remove(&t->proc_node);
	last = --p->ntasks == 0;
	spin_unlock(&p->lock);
	thread_current()->task = NULL;
	if (last) {
		proc_vfork_release(p);
		/* A session leader's end hangs up its terminal (SIGHUP to the foreground). */
		if (p->sid == p->pid)
			tty_session_leader_exit(p->sid);
		proc_table_lock();
		vm = p->vm;
		p->vm = NULL;
		proc_release_resources(p);
		p->state = PROC_ZOMBIE;
		if (p->on_exit) {
			/* A process started by the kernel itself: nobody waits for it. */
			*p->on_exit_status = p->exit_status;
			sem_up(p->on_exit);
			proc_free(p);
		} else if (p->parent) {
			proc_notify_parent(p);
		} else {
			proc_free(p); /* no parent left to reap it */
		}
		proc_table_unlock();
	}
	kfree(t);
	if (vm)
		vm_put(vm); /* after the table lock: it waits for the stub to go */
	thread_exit(0);
}

bool proc_pgrp_orphaned(int pgid)
{
	struct process *p;
	bool orphaned = true;

	proc_table_lock();
	for_each_process(p) {
		struct process *parent = p->parent;
		if (p->pgid != pgid || p->state != PROC_ALIVE || !parent)
			continue;
		if (parent->pgid != pgid && parent->sid == p->sid) {
			orphaned = false;
			break;
		}
	}
	proc_table_unlock();
	return orphaned;
}

int proc_pgrp_session(int pgid)
{
	struct process *p;
	int sid = -ESRCH;

	proc_table_lock();
	for_each_process(p) {
		if (p->pgid == pgid && p->state == PROC_ALIVE) {
			sid = p->sid;
			break;
		}
	}
	proc_table_unlock();
	return sid;
}
