/* Bare-metal user mode, internal interfaces: the ring-3 entry and exit
 * paths (user_entry.S, user.c), CPU features they depend on
 * (cpu_features.c) and address-space tracking for TLB shootdowns
 * (aspace.c, tlb_shootdown.c). */
#ifndef BAREMETAL_USER_CPU_H
#define BAREMETAL_USER_CPU_H
#include <kern/types.h>
#include <plat/user.h>

struct cpu_local;
struct trap_frame;

extern bool cpu_has_fsgsbase;
extern uint32_t cpu_mxcsr_mask;

/* user_entry.S. Loads the user registers from `regs` and enters ring 3
 * (sysretq if `sysret`, else iretq); "returns" when a trap from ring 3 has
 * saved the user state, with interrupts disabled. The caller has loaded
 * CR3, the FPU and the FS/GS bases, and disabled interrupts. */
void user_enter_asm(struct user_regs *regs, bool sysret);
/* MSR targets (syscall_msr.c). */
void user_syscall_entry(void);
void user_syscall_compat_entry(void);

/* user.c, called from user_entry.S and trap_entry.S with the user GPRs,
 * rip, rflags and rsp already in this CPU's user_regs (syscall) or in the
 * trap frame (everything else). */
void user_syscall_save(struct user_regs *regs);
void user_syscall_compat_save(struct user_regs *regs);
void user_trap_entry(struct trap_frame *f);

/* Saves the FPU state this CPU holds for a user thread into its
 * user_regs and drops it: before a kernel context switch, after which the
 * thread may resume on another CPU. Interrupts disabled. */
void user_fpu_evict(struct cpu_local *c);

/* aspace.c: makes `as` (NULL: the kernel's tables) the one in CR3 on this
 * CPU. Interrupts disabled. */
void aspace_activate(struct cpu_local *c, struct plat_aspace *as);

/* tlb_shootdown.c. Every CPU that has `as` loaded either forgets the
 * translations of [va, va+len) or, with `leave`, switches to the kernel's
 * tables; all of them are done when this returns. */
void tlb_shootdown(struct plat_aspace *as, uintptr_t va, size_t len, bool leave);
/* The VEC_TLB interrupt, and polling while waiting with interrupts off. */
void tlb_shootdown_interrupt(void);
#endif
