/* Signal dispositions and masks. */
#include <kern/errno.h>
#include <kern/syscall.h>

#include "uaccess.h"

#define SIGKILL 9
#define SIGSTOP 19
#define SIG_BLOCK 0
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
