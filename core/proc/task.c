/* The life of a task: run user code until a trap, handle it, repeat. */
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/syscall.h>
#include <kern/vm.h>
#include <plat/cpu.h>

#include "proc_internal.h"

static void handle_syscall(struct task *t)
{
	struct user_regs *r = &t->regs;
	long args[6] = {(long)r->rdi, (long)r->rsi, (long)r->rdx, (long)r->r10, (long)r->r8, (long)r->r9};
	unsigned long nr = r->rax;

	long ret;

	t->regs_restored = false;
	ret = syscall_dispatch(nr, args);
	if (t->regs_restored)
		return; /* rt_sigreturn or execve set every register */
	r->rax = (uint64_t)ret;
	/* The syscall instruction clobbers these, as Linux documents. */
	r->rcx = r->rip;
	r->r11 = r->rflags;
	if (ret == -ERESTARTSYS) {
		/* signal_deliver decides: restart, or EINTR for a handler without SA_RESTART. */
		t->restart_syscall = true;
		t->restart_nr = nr;
		r->rax = (uint64_t)-EINTR;
	}
}

static void handle_page_fault(struct task *t, const struct user_trap *trap)
{
	if (vm_fault(t->proc->vm, trap->addr, trap->access) == 0) {
		t->proc->minflt++;
		return;
	}
	signal_from_trap(t, trap);
}

void task_run(void *arg)
{
	struct task *t = arg;
	struct user_trap trap;

	thread_current()->task = t;
	t->kthread = thread_current();
	for (;;) {
		signal_deliver(t);
		if (t->exiting)
			break;
		plat_user_enter(t->proc->vm->plat, &t->regs, &trap);
		switch (trap.kind) {
		case USER_TRAP_SYSCALL:
			handle_syscall(t);
			break;
		case USER_TRAP_PAGE_FAULT:
			handle_page_fault(t, &trap);
			break;
		case USER_TRAP_EXCEPTION:
			signal_from_trap(t, &trap);
			break;
		case USER_TRAP_INTERRUPT:
			break;
		}
		/* A delivery point: interrupts that stopped user code run now, and a
		 * preemption they asked for happens here. */
		plat_irq_disable();
		plat_irq_enable();
		if (t->exiting)
			break;
	}
	task_finish(t);
}
