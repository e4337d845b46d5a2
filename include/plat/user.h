/* Platform interface: entering user mode (contract; implemented by the
 * user-space work).
 *
 * The kernel owns the truth: an address space is a set of x86-64 page tables
 * built by shared architecture code. The platform runs user code against
 * them: bare metal loads CR3 and uses sysret/iretq; the hosted platform runs
 * the code in a stub process whose mappings it fills lazily from those page
 * tables. Either way the call returns one typed trap at a time, and the core
 * handles it identically. */
#ifndef PLAT_USER_H
#define PLAT_USER_H
#include <kern/types.h>

/* General-purpose state of a user thread, in the kernel's own layout. */
struct user_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	uint64_t fs_base, gs_base;
	/* x87/SSE state in FXSAVE layout; the platform loads it on entry and
	 * saves it at the trap, so each thread keeps its own. */
	uint8_t fpu[512] __attribute__((aligned(16)));
	bool fpu_valid; /* false: start from the default state (fninit) */
};

enum user_trap_kind {
	USER_TRAP_SYSCALL = 1, /* regs->rax holds the number; rip is after it */
	USER_TRAP_PAGE_FAULT,  /* addr/access describe the fault */
	USER_TRAP_EXCEPTION,   /* any other CPU exception: vector, error code */
	USER_TRAP_INTERRUPT,   /* an interrupt or timer preempted user code */
};

enum user_access {
	USER_ACCESS_READ = 1,
	USER_ACCESS_WRITE = 2,
	USER_ACCESS_EXEC = 4,
	USER_ACCESS_PRESENT = 8, /* the page was present (a protection fault) */
};

struct user_trap {
	enum user_trap_kind kind;
	uint64_t addr;      /* faulting address (page fault) */
	unsigned access;    /* enum user_access bits (page fault) */
	unsigned vector;    /* exception vector (exception) */
	uint64_t error;     /* exception error code */
};

struct plat_aspace; /* platform state of one address space */

/* False while a platform cannot enter user mode yet (the core then skips
 * what needs it, and says so). */
bool plat_user_available(void);

/* User addresses the kernel may hand out are below this (the platform may
 * keep the very top of the user half for itself). */
uintptr_t plat_user_va_limit(void);

/* Creates the platform side of an address space whose top-level page table
 * is at physical address `pml4`. Returns NULL on failure. */
struct plat_aspace *plat_aspace_create(paddr_t pml4);
void plat_aspace_destroy(struct plat_aspace *as);
/* The kernel changed or removed mappings in [va, va+len): forget cached
 * translations (TLB shootdown for this address space on every CPU). */
void plat_aspace_invalidate(struct plat_aspace *as, uintptr_t va, size_t len);

/* Makes regs->fpu hold the thread's current FPU state (before the kernel
 * copies it, e.g. into a signal frame or for fork). */
void plat_user_fpu_sync(struct plat_aspace *as, struct user_regs *regs);
/* `regs` is going away (the thread exits): drop any reference to it. */
void plat_user_fpu_forget(struct plat_aspace *as, struct user_regs *regs);

/* Runs user code in `as` from `regs` until the next trap; updates `regs`
 * and fills `trap`. Called with interrupts enabled from a kernel thread. */
void plat_user_enter(struct plat_aspace *as, struct user_regs *regs, struct user_trap *trap);

#endif
