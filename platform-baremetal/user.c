/* User mode on bare metal: plat_user_enter loads the thread's state and
 * enters ring 3 (user_entry.S); whatever brings the CPU back (syscall,
 * exception, interrupt) saves the user's general registers into the
 * thread's struct user_regs before anything else runs, and plat_user_enter
 * returns the trap.
 *
 * The rest of the user state is switched lazily, as the kernel itself never
 * touches it (-mgeneral-regs-only; no FS, and GS only after swapgs):
 * - FPU/SSE: the CPU keeps the registers of the last user thread it ran
 *   (cpu_local.fpu_owner). They go back to that thread's regs->fpu at the
 *   next kernel context switch (plat_context_switch), or when the core asks
 *   (plat_user_fpu_sync); plat_user_enter reloads them only if the CPU holds
 *   another thread's (or the core replaced them: plat_user_fpu_forget, or
 *   fpu_valid false). A thread that traps, is handled and re-enters without
 *   a switch never saves or restores them: the null syscall path.
 * - FS base and the user GS base: without FSGSBASE user code cannot change
 *   them (only arch_prctl, through regs), so they are written only when they
 *   differ from what this CPU last loaded, and never read back. With
 *   FSGSBASE they are read at every trap (rdfsbase is cheap). */
#include <arch/x86_64/cr.h>
#include <arch/x86_64/desc.h>
#include <arch/x86_64/msr.h>
#include <arch/x86_64/pgtable.h>
#include <kern/string.h>
#include <plat/cpu.h>
#include <plat/user.h>
#include "cpu_ops.h"
#include "percpu.h"
#include "trap.h"
#include "user_cpu.h"
#include "user_offsets.h"

#define FXSAVE_FCW 0    /* x87 control word */
#define FXSAVE_MXCSR 24 /* SSE control/status */
#define FCW_DEFAULT 0x037f
#define MXCSR_DEFAULT 0x1f80
#define USER_HALF_END 0x0000800000000000ULL

_Static_assert(offsetof(struct user_regs, rax) == UREGS_RAX, "user_offsets.h");
_Static_assert(offsetof(struct user_regs, rcx) == UREGS_RCX, "user_offsets.h");
_Static_assert(offsetof(struct user_regs, rsp) == UREGS_RSP, "user_offsets.h");
_Static_assert(offsetof(struct user_regs, r8) == UREGS_R8, "user_offsets.h");
_Static_assert(offsetof(struct user_regs, r15) == UREGS_R15, "user_offsets.h");
_Static_assert(offsetof(struct user_regs, rip) == UREGS_RIP, "user_offsets.h");
_Static_assert(offsetof(struct user_regs, rflags) == UREGS_RFLAGS, "user_offsets.h");
_Static_assert(sizeof(struct trap_frame) == TRAP_FRAME_SIZE, "user_offsets.h");

bool plat_user_available(void)
{
	return true;
}

uintptr_t plat_user_va_limit(void)
{
	return 0x00007ffffffff000ULL; /* the canonical user half, minus a guard page */
}

static void fxsave(struct user_regs *regs)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t(*)[512])regs->fpu));
}

void user_fpu_evict(struct cpu_local *c)
{
	if (c->fpu_owner) {
		fxsave(c->fpu_owner);
		c->fpu_owner = NULL;
	}
}

void plat_user_fpu_sync(struct plat_aspace *as, struct user_regs *regs)
{
	irqflags_t f = plat_irq_save();
	struct cpu_local *c = this_cpu();

	/* Only this CPU can hold it: any switch since the trap evicted it. The
	 * registers stay loaded (and owned): they still equal regs->fpu. */
	(void)as;
	if (c->fpu_owner == regs)
		fxsave(regs);
	plat_irq_restore(f);
}

void plat_user_fpu_forget(struct plat_aspace *as, struct user_regs *regs)
{
	irqflags_t f = plat_irq_save();
	struct cpu_local *c = this_cpu();

	/* regs->fpu was replaced or regs is going away: the next entry loads
	 * from memory, and no switch may write the stale registers into it. */
	(void)as;
	if (c->fpu_owner == regs)
		c->fpu_owner = NULL;
	plat_irq_restore(f);
}

static bool canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

static uint64_t read_fs_base(void)
{
	uint64_t v;

	if (!cpu_has_fsgsbase)
		return rdmsr(MSR_FS_BASE);
	__asm__ volatile("rdfsbase %0" : "=r"(v));
	return v;
}

static void write_fs_base(uint64_t v)
{
	if (cpu_has_fsgsbase)
		__asm__ volatile("wrfsbase %0" ::"r"(v));
	else
		wrmsr(MSR_FS_BASE, v);
}

/* A thread's first entry starts from the architectural reset state; an
 * image from a signal frame may carry MXCSR bits fxrstor would #GP on. */
static void fpu_prepare(struct user_regs *regs)
{
	uint32_t mxcsr;

	if (!regs->fpu_valid) {
		uint16_t fcw = FCW_DEFAULT;

		memset(regs->fpu, 0, sizeof(regs->fpu));
		memcpy(&regs->fpu[FXSAVE_FCW], &fcw, sizeof(fcw));
		mxcsr = MXCSR_DEFAULT;
		memcpy(&regs->fpu[FXSAVE_MXCSR], &mxcsr, sizeof(mxcsr));
		regs->fpu_valid = true;
		return;
	}
	memcpy(&mxcsr, &regs->fpu[FXSAVE_MXCSR], sizeof(mxcsr));
	mxcsr &= cpu_mxcsr_mask;
	memcpy(&regs->fpu[FXSAVE_MXCSR], &mxcsr, sizeof(mxcsr));
}

void plat_user_enter(struct plat_aspace *as, struct user_regs *regs, struct user_trap *trap)
{
	struct cpu_local *c;
	bool sysret;

	memset(trap, 0, sizeof(*trap));
	regs->rflags = (regs->rflags & RFLAGS_USER_MASK) | RFLAGS_IF | RFLAGS_RESERVED1;
	if (!canonical(regs->rip)) {
		/* The return itself would #GP in ring 0; on Linux the program
		 * sees that #GP (e.g. after sigreturn to a bad address). */
		trap->kind = USER_TRAP_EXCEPTION;
		trap->vector = EXC_GP;
		return;
	}
	/* wrmsr/wrfsbase would #GP on these; no valid base is non-canonical. */
	if (!canonical(regs->fs_base))
		regs->fs_base = 0;
	if (!canonical(regs->gs_base))
		regs->gs_base = 0;
	/* sysret clobbers rcx and r11 with rip and rflags, so it serves only
	 * when they already hold those (after a syscall); a non-canonical rcx
	 * would make Intel CPUs fault in ring 0 with the user's rsp; with TF
	 * it would trap after the first user instruction, not at it. */
	sysret = regs->rcx == regs->rip && regs->r11 == regs->rflags && regs->rip < USER_HALF_END &&
		 !(regs->rflags & RFLAGS_TF);

	plat_irq_disable();
	c = this_cpu();
	aspace_activate(c, as);
	c->user_trap = trap;
	if (c->fpu_owner != regs || !regs->fpu_valid) {
		user_fpu_evict(c);
		fpu_prepare(regs);
		__asm__ volatile("fxrstor64 %0" ::"m"(*(const uint8_t(*)[512])regs->fpu));
		c->fpu_owner = regs;
	}
	if (cpu_has_fsgsbase || !c->user_bases_loaded || c->user_fs_base != regs->fs_base) {
		write_fs_base(regs->fs_base);
		c->user_fs_base = regs->fs_base;
	}
	if (cpu_has_fsgsbase || !c->user_bases_loaded || c->user_gs_base != regs->gs_base) {
		wrmsr(MSR_KERNEL_GS_BASE, regs->gs_base); /* the active one after swapgs */
		c->user_gs_base = regs->gs_base;
	}
	c->user_bases_loaded = true;
	user_enter_asm(regs, sysret);
	/* Back from a trap, possibly on another CPU (an interrupt's handler
	 * may have switched threads); the state is in regs and trap. */
	plat_irq_enable();
}

/* What user code can change without a trap, beyond the registers the
 * entry paths saved (the FPU state stays loaded: see the top). */
static void save_extended_state(struct user_regs *regs)
{
	if (!cpu_has_fsgsbase)
		return; /* the bases are still what plat_user_enter loaded */
	regs->fs_base = read_fs_base();
	regs->gs_base = rdmsr(MSR_KERNEL_GS_BASE); /* swapped out at the entry */
}

void user_syscall_save(struct user_regs *regs)
{
	save_extended_state(regs);
	this_cpu()->user_trap->kind = USER_TRAP_SYSCALL;
}

void user_syscall_compat_save(struct user_regs *regs)
{
	struct user_trap *t = this_cpu()->user_trap;

	save_extended_state(regs);
	regs->rip -= 2; /* at the syscall instruction, as #UD would report */
	t->kind = USER_TRAP_EXCEPTION;
	t->vector = EXC_UD;
}

static unsigned page_fault_access(uint64_t error)
{
	unsigned access = error & PF_ERR_W ? USER_ACCESS_WRITE : error & PF_ERR_I ? USER_ACCESS_EXEC : USER_ACCESS_READ;

	return access | (error & PF_ERR_P ? USER_ACCESS_PRESENT : 0);
}

void user_trap_entry(struct trap_frame *f)
{
	struct cpu_local *c = this_cpu();
	struct user_regs *r = c->user_regs;
	struct user_trap *t = c->user_trap;
	unsigned v = (unsigned)f->vector;

	if (v == EXC_NMI || v == EXC_MC || v == EXC_DF)
		trap_dispatch(f); /* fatal wherever it came from */
	r->rax = f->rax, r->rbx = f->rbx, r->rcx = f->rcx, r->rdx = f->rdx;
	r->rsi = f->rsi, r->rdi = f->rdi, r->rbp = f->rbp, r->rsp = f->rsp;
	r->r8 = f->r8, r->r9 = f->r9, r->r10 = f->r10, r->r11 = f->r11;
	r->r12 = f->r12, r->r13 = f->r13, r->r14 = f->r14, r->r15 = f->r15;
	r->rip = f->rip, r->rflags = f->rflags;
	save_extended_state(r);
	if (v == EXC_PF) {
		t->kind = USER_TRAP_PAGE_FAULT;
		t->addr = read_cr2();
		t->access = page_fault_access(f->error);
		t->vector = v;
		t->error = f->error;
	} else if (v < EXC_COUNT) {
		t->kind = USER_TRAP_EXCEPTION;
		t->vector = v;
		t->error = f->error;
	} else {
		/* The state is saved: the handler may switch threads like any
		 * interrupt's (kernel_interrupt_exit); the core sees the trap
		 * once this thread runs again. */
		t->kind = USER_TRAP_INTERRUPT;
		t->vector = v;
		trap_dispatch(f);
	}
}
