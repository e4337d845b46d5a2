/* Per-CPU state, reached through the GS base so plat_cpu_id() is one load. */
#ifndef BAREMETAL_PERCPU_H
#define BAREMETAL_PERCPU_H
#include <arch/x86_64/desc.h>
#include <kern/types.h>
#include <plat/cpu.h>
#include "percpu_offsets.h"

#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_COUNT 3
#define IST_STACK_SIZE 16384
/* The top 16 bytes of each IST stack hold its CPU's cpu_local pointer, so a
 * handler entered with a user GS base can still find its CPU. */
#define IST_TOP_RESERVED 16

struct plat_aspace;
struct user_regs;
struct user_trap;

struct cpu_local {
	struct cpu_local *self; /* %gs:0, so this_cpu() is one load */
	/* user_entry.S reaches these at the offsets in percpu_offsets.h. */
	uint64_t user_kernel_rsp;    /* the entering thread's stack while user code runs */
	uint64_t user_rsp_scratch;   /* user rsp during the syscall entry */
	struct user_regs *user_regs; /* where the next trap from ring 3 saves state */
	uint64_t *tss_rsp0;          /* &tss.rsp[0]: the stack for entries from ring 3 */
	/* C only from here on. */
	struct user_trap *user_trap;   /* and where it describes itself */
	struct plat_aspace *loaded_as; /* whose tables CR3 holds; NULL: the kernel's */
	volatile int tlb_request;      /* a shootdown (tlb_shootdown.c) waits for us */
	unsigned index;         /* plat_cpu_id() */
	uint32_t apic_id;
	volatile ktime_t timer_deadline; /* 0 = disarmed */
	void *boot_stack_base; /* what plat_context_init_current describes */
	size_t boot_stack_size;
	volatile int alive;     /* set by the CPU itself once it is up */
	volatile int abandoned; /* plat_cpu_start gave up on it */
	uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
	uintptr_t ist_top[IST_COUNT];
	unsigned fault_depth; /* nested fatal exceptions */
	/* Lazy user state (user.c): whose FPU registers this CPU holds (saved
	 * at the next kernel context switch, not at every trap), and the FS
	 * base and user GS base (in MSR_KERNEL_GS_BASE while in the kernel)
	 * it last loaded. */
	struct user_regs *fpu_owner;
	uint64_t user_fs_base, user_gs_base;
	bool user_bases_loaded;
	void *current; /* plat_cpu_current(): one %gs load */
};

extern struct cpu_local cpu_locals[PLAT_MAX_CPUS];

static inline struct cpu_local *this_cpu(void)
{
	struct cpu_local *c;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* Allocates IST stacks and fills the GDT/TSS for `cpu` (before kernel_main). */
void percpu_prepare(unsigned cpu, uint32_t apic_id);
/* Loads GDT, TSS, IDT and the GS base for the executing CPU. */
void percpu_load(unsigned cpu);
void gdt_load(struct cpu_local *c);
void idt_init(void);
void idt_load(void);
/* Per-CPU feature setup (cpu_features.c) and syscall MSRs (syscall_msr.c). */
void cpu_features_init(struct cpu_local *c);
void syscall_msr_init(void);
#endif
