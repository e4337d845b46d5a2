/* Signal dispositions and masks. */
#include <kern/abi/signal.h>
#include <kern/errno.h>
#include <kern/syscall.h>

#include "../proc/proc_internal.h"
#include "uaccess.h"

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define UNBLOCKABLE ((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1)))

long sys_rt_sigaction(long sig, long uact, long uoact, long setsize, long a4, long a5)
{
	struct process *p = proc_current();
	struct k_sigaction act, old;

	if (setsize != 8 || sig < 1 || sig > NSIG)
		return -EINVAL;
	if (uact && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (uact && get_user(act, uact))
		return -EFAULT;
	spin_lock(&p->lock);
	old = p->sigactions[sig - 1];
	if (uact) {
		act.mask &= ~UNBLOCKABLE;
		p->sigactions[sig - 1] = act;
	}
	spin_unlock(&p->lock);
	if (uoact && put_user(old, uoact))
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(long how, long uset, long uoset, long setsize, long a4, long a5)
{
	struct task *t = task_current();
	uint64_t set, old = t->sig_blocked;

	if (setsize != 8)
		return -EINVAL;
	if (uset) {
		if (get_user(set, uset))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK: t->sig_blocked |= set; break;
		case SIG_UNBLOCK: t->sig_blocked &= ~set; break;
		case SIG_SETMASK: t->sig_blocked = set; break;
		default: return -EINVAL;
		}
		t->sig_blocked &= ~UNBLOCKABLE;
	}
	if (uoset && put_user(old, uoset))
		return -EFAULT;
	return 0;
}

/* --- sending ---------------------------------------------------------- */

static bool may_signal(struct process *from, struct process *to, int sig)
{
	if (from->cred.euid == 0 || from->cred.uid == 0)
		return true;
	if (from->cred.uid == to->cred.uid || from->cred.euid == to->cred.uid || from->cred.uid == to->suid ||
	    from->cred.euid == to->suid)
		return true;
	return sig == SIGCONT && from->sid == to->sid;
}

long sys_kill(long pid, long sig, long a2, long a3, long a4, long a5)
{
	struct process *me = proc_current(), *p;
	int sent = 0, denied = 0;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	proc_table_lock();
	if (pid > 0) {
		p = proc_find_locked((int)pid);
		if (!p || p->state != PROC_ALIVE) {
			proc_table_unlock();
			return p ? 0 : -ESRCH; /* a zombie exists: kill succeeds and does nothing */
		}
		if (!may_signal(me, p, (int)sig)) {
			proc_table_unlock();
			return -EPERM;
		}
		if (sig)
			signal_send_process_info(p, (int)sig, SI_USER, me->pid, me->cred.uid);
		proc_table_unlock();
		return 0;
	}
	/* 0: my group; -1: everyone but init and me; < -1: group -pid. */
	for_each_process(p)
	{
		bool match = pid == 0 ? p->pgid == me->pgid : pid == -1 ? (p->pid != 1 && p != me) : p->pgid == -pid;
		if (!match || p->state != PROC_ALIVE)
			continue;
		if (!may_signal(me, p, (int)sig)) {
			denied++;
			continue;
		}
		if (sig)
			signal_send_process_info(p, (int)sig, SI_USER, me->pid, me->cred.uid);
		sent++;
	}
	proc_table_unlock();
	return sent ? 0 : denied ? -EPERM : -ESRCH;
}

static long kill_thread(long tgid, long tid, long sig)
{
	struct process *me = proc_current(), *p;
	long ret = -ESRCH;

	if (tid <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	proc_table_lock();
	for_each_process(p)
	{
		if ((tgid > 0 && p->pid != tgid) || p->state != PROC_ALIVE)
			continue;
		spin_lock(&p->lock);
		list_for_each (it, &p->tasks) {
			struct task *t = list_entry(it, struct task, proc_node);
			if (t->tid != tid)
				continue;
			ret = may_signal(me, p, (int)sig) ? 0 : -EPERM;
			break;
		}
		spin_unlock(&p->lock);
		if (ret == 0 && sig) {
			struct task *target = NULL;
			spin_lock(&p->lock);
			list_for_each (it, &p->tasks) {
				struct task *t = list_entry(it, struct task, proc_node);
				if (t->tid == tid)
					target = t;
			}
			spin_unlock(&p->lock);
			if (target)
				signal_send_task_info(target, (int)sig, SI_TKILL, me->pid, me->cred.uid);
		}
		if (ret != -ESRCH)
			break;
	}
	proc_table_unlock();
	return ret;
}

long sys_tkill(long tid, long sig, long a2, long a3, long a4, long a5)
{
	return kill_thread(-1, tid, sig);
}

long sys_tgkill(long tgid, long tid, long sig, long a3, long a4, long a5)
{
	if (tgid <= 0)
		return -EINVAL;
	return kill_thread(tgid, tid, sig);
}

long sys_rt_sigpending(long uset, long setsize, long a2, long a3, long a4, long a5)
{
	struct task *t = task_current();
	uint64_t pend;

	if (setsize != 8)
		return -EINVAL;
	spin_lock(&t->proc->lock);
	pend = (t->sig_pending | t->proc->sig_pending) & t->sig_blocked;
	spin_unlock(&t->proc->lock);
	return put_user(pend, uset) ? -EFAULT : 0;
}

static bool never(void *arg)
{
	return false;
}

/* Sleeps until a signal is delivered; the caller's mask is restored after
 * the handler (signal_deliver does it via restore_sigmask). */
static long wait_for_signal(void)
{
	struct waitqueue wq;

	waitqueue_init(&wq);
	waitqueue_wait_interruptible(&wq, never, NULL, 0);
	return -EINTR;
}

long sys_pause(long a0, long a1, long a2, long a3, long a4, long a5)
{
	return wait_for_signal();
}

long sys_rt_sigsuspend(long umask, long setsize, long a2, long a3, long a4, long a5)
{
	struct task *t = task_current();
	uint64_t mask;

	if (setsize != 8)
		return -EINVAL;
	if (get_user(mask, umask))
		return -EFAULT;
	t->saved_sigmask = t->sig_blocked;
	t->restore_sigmask = true;
	t->sig_blocked = mask & ~UNBLOCKABLE;
	return wait_for_signal();
}

long sys_sigaltstack(long uss, long uoss, long a2, long a3, long a4, long a5)
{
	struct task *t = task_current();
	struct linux_stack ss, old;
	bool on = t->sigalt_size && t->regs.rsp - t->sigalt_sp < t->sigalt_size;

	old.ss_sp = t->sigalt_sp;
	old.ss_size = t->sigalt_size;
	old.ss_flags = t->sigalt_size ? (on ? SS_ONSTACK : 0) : SS_DISABLE;
	old._pad = 0;
	if (uss) {
		if (get_user(ss, uss))
			return -EFAULT;
		if (on)
			return -EPERM;
		if (ss.ss_flags & ~SS_DISABLE)
			return -EINVAL;
		/* As Linux: asking for the settings already in place is a no-op,
		 * whatever the size (exec clears sp and size, not the flags). */
		if (ss.ss_sp == t->sigalt_sp && ss.ss_size == t->sigalt_size && ss.ss_flags == t->sigalt_flags)
			goto done;
		if (ss.ss_flags & SS_DISABLE) {
			t->sigalt_sp = 0;
			t->sigalt_size = 0;
		} else {
			if (ss.ss_size < MINSIGSTKSZ)
				return -ENOMEM;
			t->sigalt_sp = ss.ss_sp;
			t->sigalt_size = ss.ss_size;
		}
		t->sigalt_flags = ss.ss_flags;
	}
done:
	if (uoss && put_user(old, uoss))
		return -EFAULT;
	return 0;
}
