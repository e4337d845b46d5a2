/* Signals: default actions and delivery state. */
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/proc.h>
#include <kern/sched.h>

#include "proc_internal.h"

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGSEGV 11
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGWINCH 28

#define SIGBIT(s) (1ULL << ((s)-1))
/* Signals whose default action dumps core (the wait status says so). */
#define SIG_CORE_MASK                                                                                 \
	(SIGBIT(SIGQUIT) | SIGBIT(SIGILL) | SIGBIT(SIGTRAP) | SIGBIT(SIGABRT) | SIGBIT(SIGBUS) |      \
	 SIGBIT(SIGFPE) | SIGBIT(SIGSEGV))
#define SIG_IGNORE_MASK (SIGBIT(SIGCHLD) | SIGBIT(SIGURG) | SIGBIT(SIGWINCH) | SIGBIT(SIGCONT))

bool signal_pending(struct task *t)
{
	uint64_t pend = (t->sig_pending | t->proc->sig_pending) & ~t->sig_blocked;
	return pend != 0 || t->exiting;
}

void proc_notify_parent(struct process *p)
{
	struct process *parent = p->parent;

	spin_lock(&parent->lock);
	if (parent->sigactions[SIGCHLD - 1].handler > 1)
		parent->sig_pending |= SIGBIT(SIGCHLD);
	spin_unlock(&parent->lock);
	waitqueue_wake_all(&parent->child_wait);
}

/* Ends the process with `sig` as its wait status. */
NORETURN void proc_exit_signal(int sig, bool core)
{
	task_exit(sig | (core ? 0x80 : 0), true);
}

void signal_from_trap(struct task *t, const struct user_trap *trap)
{
	int sig;

	switch (trap->kind) {
	case USER_TRAP_PAGE_FAULT:
		sig = SIGSEGV;
		break;
	case USER_TRAP_EXCEPTION:
		switch (trap->vector) {
		case 0: sig = SIGFPE; break;
		case 1:
		case 3: sig = SIGTRAP; break;
		case 6: sig = SIGILL; break;
		case 17: sig = SIGBUS; break;
		case 8: sig = SIGKILL; break;
		default: sig = SIGSEGV; break;
		}
		break;
	default:
		return;
	}
	pr_debug("pid %d: signal %d at rip %#lx (fault address %#lx)", t->proc->pid, sig, (unsigned long)t->regs.rip,
		 (unsigned long)trap->addr);
	/* Synchronous signals cannot be blocked or ignored into a loop. */
	t->sig_pending |= SIGBIT(sig);
	t->sig_blocked &= ~SIGBIT(sig);
	if (t->proc->sigactions[sig - 1].handler == 1)
		t->proc->sigactions[sig - 1].handler = 0;
}

void signal_deliver(struct task *t)
{
	uint64_t pend;
	int sig;

	spin_lock(&t->proc->lock);
	pend = (t->sig_pending | t->proc->sig_pending) & ~t->sig_blocked;
	if (!pend) {
		spin_unlock(&t->proc->lock);
		return;
	}
	sig = __builtin_ctzll(pend) + 1;
	t->sig_pending &= ~SIGBIT(sig);
	t->proc->sig_pending &= ~SIGBIT(sig);
	spin_unlock(&t->proc->lock);
	if (t->proc->sigactions[sig - 1].handler == 1 ||
	    (t->proc->sigactions[sig - 1].handler == 0 && (SIG_IGNORE_MASK & SIGBIT(sig))))
		return;
	if (t->proc->sigactions[sig - 1].handler > 1) {
		/* User handlers need the signal frame (not yet): treat as default. */
		pr_warn("pid %d: user signal handlers are not supported yet; signal %d takes its default action",
			t->proc->pid, sig);
	}
	proc_exit_signal(sig, (SIG_CORE_MASK & SIGBIT(sig)) != 0);
}

NORETURN void task_exit(int code, bool group)
{
	struct task *t = task_current();
	struct process *p = t->proc;

	if (group) {
		spin_lock(&p->lock);
		if (!p->group_exiting) {
			p->group_exiting = true;
			p->exit_status = code;
		}
		list_for_each(it, &p->tasks) {
			struct task *o = list_entry(it, struct task, proc_node);
			o->exiting = true;
			if (o != t && o->kthread)
				sched_wake(o->kthread);
		}
		spin_unlock(&p->lock);
	} else if (!p->group_exiting) {
		spin_lock(&p->lock);
		if (p->ntasks == 1)
			p->exit_status = code;
		spin_unlock(&p->lock);
	}
	task_finish(t);
}

/* --- sending ---------------------------------------------------------- */

bool thread_interrupted(struct thread *th)
{
	struct task *t = th ? th->task : NULL;
	return t && signal_pending(t);
}

bool current_signal_pending(void)
{
	struct task *t = task_current();
	return t && signal_pending(t);
}

int signal_send_task(struct task *t, int sig)
{
	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	spin_lock(&t->proc->lock);
	t->sig_pending |= SIGBIT(sig);
	spin_unlock(&t->proc->lock);
	if (t->kthread)
		sched_wake(t->kthread);
	return 0;
}

int signal_send_process(struct process *p, int sig)
{
	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	if (p->state != PROC_ALIVE)
		return 0;
	spin_lock(&p->lock);
	p->sig_pending |= SIGBIT(sig);
	/* Wake every task: whichever does not block it takes it. */
	list_for_each(it, &p->tasks) {
		struct task *t = list_entry(it, struct task, proc_node);
		if (t->kthread)
			sched_wake(t->kthread);
	}
	spin_unlock(&p->lock);
	return 0;
}
