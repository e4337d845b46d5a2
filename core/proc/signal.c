/* Signals: default actions and delivery state. */
#include <kern/abi/signal.h>
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/vm.h>

#include "proc_internal.h"

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
	bool stop_or_cont = p->state == PROC_ALIVE;

	/* SA_NOCLDSTOP: no SIGCHLD for stops and continues. */
	/* The state change is published before SIGCHLD, so a parent woken by
	 * the signal inside wait finds the child rather than failing with EINTR. */
	spin_lock(&parent->child_wait.lock);
	parent->child_gen++;
	spin_unlock(&parent->child_wait.lock);
	if (p->exit_signal && !(stop_or_cont && (parent->sigactions[SIGCHLD - 1].flags & SA_NOCLDSTOP)))
		signal_send_process_info(parent, stop_or_cont ? SIGCHLD : p->exit_signal, SI_KERNEL, p->pid,
					 p->cred.uid);
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
	/* Like Linux's "segfault at" line: where a program died is the first
	 * thing anyone debugging it wants. */
	pr_info("%s[%d]: signal %d at ip %#lx sp %#lx addr %#lx access %#x vector %u", t->proc->comm, t->proc->pid,
		sig, (unsigned long)t->regs.rip, (unsigned long)t->regs.rsp, (unsigned long)trap->addr, trap->access,
		trap->vector);
	/* Synchronous signals cannot be blocked or ignored into a loop. */
	spin_lock(&t->proc->lock);
	t->sig_info[sig - 1].code = trap->kind == USER_TRAP_PAGE_FAULT
					    ? ((trap->access & USER_ACCESS_PRESENT) ? SEGV_ACCERR : SEGV_MAPERR)
					    : SI_KERNEL;
	t->sig_info[sig - 1].addr = trap->addr;
	t->sig_pending |= SIGBIT(sig);
	spin_unlock(&t->proc->lock);
	t->sig_blocked &= ~SIGBIT(sig);
	if (t->proc->sigactions[sig - 1].handler == SIG_IGN)
		t->proc->sigactions[sig - 1].handler = SIG_DFL;
}

#define SIG_STOP_MASK (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))
#define USER_CS 0x33
#define USER_SS 0x2b
#define RED_ZONE 128

static bool on_altstack(const struct task *t, uint64_t sp)
{
	return t->sigalt_size && sp - t->sigalt_sp < t->sigalt_size;
}

/* Builds the rt_sigframe on the user stack and points the task at the
 * handler; Linux's layout, so libc's restorer (rt_sigreturn) can undo it. */
static bool setup_frame(struct task *t, int sig, const struct k_sigaction *ka, const struct linux_siginfo *info)
{
	struct linux_rt_sigframe f;
	struct user_regs *r = &t->regs;
	uint64_t sp = r->rsp - RED_ZONE;
	struct linux_sigcontext *sc = &f.uc.uc_mcontext;

	uint64_t fpstate;

	if ((ka->flags & SA_ONSTACK) && t->sigalt_size && !on_altstack(t, r->rsp))
		sp = t->sigalt_sp + t->sigalt_size;
	/* The FPU state goes below the frame, 64-byte aligned as XSAVE wants. */
	plat_user_fpu_sync(t->proc->vm->plat, r);
	sp = ALIGN_DOWN(sp - sizeof(r->fpu), 64);
	fpstate = sp;
	if (copy_to_user(t->proc->vm, fpstate, r->fpu, sizeof(r->fpu)))
		return false;
	sp = ALIGN_DOWN(sp - sizeof(f), 16) - 8; /* as if the handler was called */
	memset(&f, 0, sizeof(f));
	f.pretcode = ka->restorer;
	f.uc.uc_stack.ss_sp = t->sigalt_sp;
	f.uc.uc_stack.ss_size = t->sigalt_size;
	f.uc.uc_stack.ss_flags = t->sigalt_size ? (on_altstack(t, r->rsp) ? SS_ONSTACK : 0) : SS_DISABLE;
	sc->r8 = r->r8, sc->r9 = r->r9, sc->r10 = r->r10, sc->r11 = r->r11;
	sc->r12 = r->r12, sc->r13 = r->r13, sc->r14 = r->r14, sc->r15 = r->r15;
	sc->rdi = r->rdi, sc->rsi = r->rsi, sc->rbp = r->rbp, sc->rbx = r->rbx;
	sc->rdx = r->rdx, sc->rax = r->rax, sc->rcx = r->rcx, sc->rsp = r->rsp;
	sc->rip = r->rip, sc->eflags = r->rflags;
	sc->cs = USER_CS, sc->ss = USER_SS;
	sc->oldmask = t->restore_sigmask ? t->saved_sigmask : t->sig_blocked;
	sc->cr2 = info->u.fault.addr;
	sc->fpstate = fpstate;
	f.uc.uc_sigmask = sc->oldmask;
	f.info = *info;
	if (copy_to_user(t->proc->vm, sp, &f, sizeof(f)))
		return false;
	r->rsp = sp;
	r->rip = ka->handler;
	r->rdi = (uint64_t)sig;
	r->rsi = sp + offsetof(struct linux_rt_sigframe, info);
	r->rdx = sp + offsetof(struct linux_rt_sigframe, uc);
	r->rax = 0;
	r->rflags &= ~0x400UL; /* DF clear on entry, as the ABI requires */
	t->restore_sigmask = false;
	return true;
}

long sys_rt_sigreturn(long a0, long a1, long a2, long a3, long a4, long a5)
{
	struct task *t = task_current();
	struct linux_ucontext uc;
	struct linux_sigcontext *sc = &uc.uc_mcontext;
	struct user_regs *r = &t->regs;
	uint64_t frame = r->rsp - 8; /* the handler's ret popped pretcode */

	if (copy_from_user(t->proc->vm, &uc, frame + offsetof(struct linux_rt_sigframe, uc), sizeof(uc)))
		proc_exit_signal(SIGSEGV, true);
	r->r8 = sc->r8, r->r9 = sc->r9, r->r10 = sc->r10, r->r11 = sc->r11;
	r->r12 = sc->r12, r->r13 = sc->r13, r->r14 = sc->r14, r->r15 = sc->r15;
	r->rdi = sc->rdi, r->rsi = sc->rsi, r->rbp = sc->rbp, r->rbx = sc->rbx;
	r->rdx = sc->rdx, r->rax = sc->rax, r->rcx = sc->rcx, r->rsp = sc->rsp;
	r->rip = sc->rip;
	r->rflags = (r->rflags & ~0x0dd5UL) | (sc->eflags & 0x0dd5UL);
	t->sig_blocked = uc.uc_sigmask & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	if (sc->fpstate) {
		if (copy_from_user(t->proc->vm, r->fpu, sc->fpstate, sizeof(r->fpu)))
			proc_exit_signal(SIGSEGV, true);
		/* MXCSR reserved bits would fault on load: keep them clear. */
		r->fpu[24 + 2] = 0;
		r->fpu[24 + 3] = 0;
		r->fpu_valid = true;
		plat_user_fpu_forget(t->proc->vm->plat, r);
	}
	t->regs_restored = true; /* the syscall path must not touch rax, rcx, r11 */
	return (long)r->rax;
}

static bool stopped_or_killed(void *arg)
{
	struct process *p = arg;
	return !p->stopped || (p->sig_pending & SIGBIT(SIGKILL));
}

/* Job control: the whole process stops until SIGCONT (or SIGKILL). */
static void do_stop(struct task *t, int sig)
{
	struct process *p = t->proc;

	spin_lock(&p->lock);
	p->stopped = true;
	p->stop_sig = sig;
	p->state_change = PROC_CHANGE_STOPPED;
	spin_unlock(&p->lock);
	proc_table_lock();
	if (p->parent)
		proc_notify_parent(p);
	proc_table_unlock();
	waitqueue_wait(&p->cont_wait, stopped_or_killed, p);
}

void signal_continue(struct process *p)
{
	spin_lock(&p->lock);
	/* A pending stop is cancelled by SIGCONT, and vice versa. */
	p->sig_pending &= ~SIG_STOP_MASK;
	list_for_each(it, &p->tasks) list_entry(it, struct task, proc_node)->sig_pending &= ~SIG_STOP_MASK;
	bool was_stopped = p->stopped;
	if (p->stopped) {
		p->stopped = false;
		p->state_change = PROC_CHANGE_CONTINUED;
	}
	spin_unlock(&p->lock);
	waitqueue_wake_all(&p->cont_wait);
	if (was_stopped && p->parent) {
		struct process *parent = p->parent;
		spin_lock(&parent->child_wait.lock);
		parent->child_gen++;
		spin_unlock(&parent->child_wait.lock);
		waitqueue_wake_all(&parent->child_wait);
	}
}

void signal_deliver(struct task *t)
{
	struct process *p = t->proc;
	struct linux_siginfo info;
	struct k_sigaction ka;
	uint64_t pend;
	int sig;

	/* The common case, on every return to user mode, without the lock: a
	 * signal sent after this read is seen at the next delivery point, as
	 * it would be had it come after the locked check. */
	pend = (atomic_load_relaxed(&t->sig_pending) | atomic_load_relaxed(&p->sig_pending)) & ~t->sig_blocked;
	if (!pend && !t->restart_syscall && !t->restore_sigmask)
		return;
	for (;;) {
		spin_lock(&p->lock);
		pend = (t->sig_pending | p->sig_pending) & ~t->sig_blocked;
		if (!pend) {
			spin_unlock(&p->lock);
			break;
		}
		/* SIGKILL first, then the lowest number, as Linux does. */
		sig = (pend & SIGBIT(SIGKILL)) ? SIGKILL : __builtin_ctzll(pend) + 1;
		t->sig_pending &= ~SIGBIT(sig);
		p->sig_pending &= ~SIGBIT(sig);
		ka = p->sigactions[sig - 1];
		if (ka.handler > SIG_IGN && (ka.flags & SA_RESETHAND))
			p->sigactions[sig - 1].handler = SIG_DFL;
		memset(&info, 0, sizeof(info));
		info.si_signo = sig;
		info.si_code = t->sig_info[sig - 1].code;
		info.u.fault.addr = t->sig_info[sig - 1].addr;
		if (info.si_code == SI_USER || info.si_code == SI_TKILL) {
			info.u.kill.pid = t->sig_info[sig - 1].pid;
			info.u.kill.uid = t->sig_info[sig - 1].uid;
		}
		spin_unlock(&p->lock);

		if (ka.handler == SIG_IGN)
			continue;
		if (ka.handler == SIG_DFL) {
			if (SIG_IGNORE_MASK & SIGBIT(sig))
				continue;
			if (SIG_STOP_MASK & SIGBIT(sig)) {
				do_stop(t, sig);
				continue;
			}
			proc_exit_signal(sig, (SIG_CORE_MASK & SIGBIT(sig)) != 0);
		}
		/* A handler runs: a syscall it interrupted returns EINTR unless SA_RESTART. */
		if (t->restart_syscall) {
			t->restart_syscall = false;
			if (ka.flags & SA_RESTART) {
				t->regs.rip -= 2;
				t->regs.rax = t->restart_nr;
			} else {
				t->regs.rax = (uint64_t)-EINTR;
			}
		}
		if (!(ka.flags & SA_RESTORER) || !setup_frame(t, sig, &ka, &info)) {
			/* No way back from the handler, or no stack for the frame. */
			proc_exit_signal(SIGSEGV, true);
		}
		t->sig_blocked |= ka.mask;
		if (!(ka.flags & SA_NODEFER))
			t->sig_blocked |= SIGBIT(sig);
		t->sig_blocked &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
		break;
	}
	/* Interrupted with no handler to run: the syscall starts again. */
	if (t->restart_syscall) {
		t->restart_syscall = false;
		t->regs.rip -= 2;
		t->regs.rax = t->restart_nr;
	}
	if (t->restore_sigmask) {
		t->restore_sigmask = false;
		t->sig_blocked = t->saved_sigmask;
	}
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

static void record_info(struct task *t, int sig, int code, int pid, uint32_t uid)
{
	t->sig_info[sig - 1].code = code;
	t->sig_info[sig - 1].addr = 0;
	t->sig_info[sig - 1].pid = pid;
	t->sig_info[sig - 1].uid = uid;
}

static void wake_for_signal(struct task *t, int sig)
{
	if (t->kthread)
		sched_wake(t->kthread);
}

int signal_send_task_info(struct task *t, int sig, int code, int pid, uint32_t uid)
{
	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	if (sig == SIGCONT || sig == SIGKILL)
		signal_continue(t->proc);
	spin_lock(&t->proc->lock);
	record_info(t, sig, code, pid, uid);
	t->sig_pending |= SIGBIT(sig);
	wake_for_signal(t, sig);
	spin_unlock(&t->proc->lock);
	return 0;
}

int signal_send_task(struct task *t, int sig)
{
	return signal_send_task_info(t, sig, SI_KERNEL, 0, 0);
}

int signal_send_process(struct process *p, int sig)
{
	return signal_send_process_info(p, sig, SI_KERNEL, 0, 0);
}

int signal_send_process_info(struct process *p, int sig, int code, int pid, uint32_t uid)
{
	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	if (p->state != PROC_ALIVE)
		return 0;
	if (sig == SIGCONT || sig == SIGKILL)
		signal_continue(p);
	spin_lock(&p->lock);
	{
		uintptr_t h = p->sigactions[sig - 1].handler;
		/* Ignored signals are discarded when sent (SIGCONT has already
		 * done its work above; it is kept only for a handler). */
		bool ignored = h == SIG_IGN || (h == SIG_DFL && (SIG_IGNORE_MASK & SIGBIT(sig)));
		if (sig != SIGKILL && ignored) {
			spin_unlock(&p->lock);
			return 0;
		}
	}
	p->sig_pending |= SIGBIT(sig);
	list_for_each(it, &p->tasks) record_info(list_entry(it, struct task, proc_node), sig, code, pid, uid);
	/* Wake every task: whichever does not block it takes it. */
	list_for_each(it, &p->tasks) {
		struct task *t = list_entry(it, struct task, proc_node);
		if (t->kthread)
			sched_wake(t->kthread);
	}
	spin_unlock(&p->lock);
	return 0;
}
