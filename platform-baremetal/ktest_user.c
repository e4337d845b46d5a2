/* Self test of the ring-3 contract (include/plat/user.h) below the core's
 * process layer: a hand-built address space runs the snippets of
 * ktest_user_code.S through plat_user_enter, and each trap must come back
 * as the contract says: syscall registers through both return paths (sysret
 * and iretq), page-fault access bits, exception vectors and error codes,
 * FPU state loaded and saved (and not leaked), FS/GS bases, rflags
 * sanitising, single-step, non-canonical rip and interrupts. */
#include <arch/x86_64/cr.h>
#include <arch/x86_64/desc.h>
#include <arch/x86_64/paging.h>
#include <kern/ktest.h>
#include <kern/mm.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <plat/cpu.h>
#include <plat/mem.h>
#include <plat/user.h>
#include "paging.h"
#include "user_cpu.h"

#define CODE_VA 0x400000UL /* user, executable */
#define DATA_VA 0x401000UL /* user, writable, NX: data and stack */
#define RO_VA 0x402000UL   /* user, read-only, NX */
#define HOLE_VA 0x500000UL /* unmapped */
#define STACK_TOP (DATA_VA + 0xff0)
#define XMM0 160 /* FXSAVE offsets */
#define XMM1 176
#define MXCSR 24
#define RFLAGS_RF (1UL << 16)
#define RFLAGS_ID (1UL << 21)
#define RFLAGS_IOPL 0x3000UL

extern const char ku_code_start[], ku_code_end[];
extern const char ku_syscall[], ku_load[], ku_store[], ku_jump[], ku_ud2[], ku_int3[], ku_int80[], ku_hlt[];
extern const char ku_fpu[], ku_fpu_get[], ku_segbase[], ku_flags[], ku_loop[], ku_nops[], ku_wrbase[];

struct ku {
	paddr_t pages[7]; /* pml4, pdpt, pd, pt, code, data, ro */
	struct plat_aspace *as;
	struct user_regs regs;
	struct user_trap trap;
};

static uintptr_t at(const char *snippet)
{
	return CODE_VA + (uintptr_t)(snippet - ku_code_start);
}

static void *page(struct ku *u, unsigned i)
{
	return plat_phys_to_virt(u->pages[i]);
}

static bool ku_setup(struct ku *u)
{
	pte_t *pt;

	memset(u, 0, sizeof(*u));
	for (unsigned i = 0; i < ARRAY_SIZE(u->pages); i++) {
		if (!(u->pages[i] = page_alloc(0)))
			return false;
		memset(page(u, i), 0, PAGE_SIZE);
	}
	((pte_t *)page(u, 0))[pt_index(CODE_VA, PML4_SHIFT)] = u->pages[1] | PTE_P | PTE_W | PTE_U;
	((pte_t *)page(u, 1))[pt_index(CODE_VA, PDPT_SHIFT)] = u->pages[2] | PTE_P | PTE_W | PTE_U;
	((pte_t *)page(u, 2))[pt_index(CODE_VA, PD_SHIFT)] = u->pages[3] | PTE_P | PTE_W | PTE_U;
	pt = page(u, 3);
	pt[pt_index(CODE_VA, PT_SHIFT)] = u->pages[4] | PTE_P | PTE_U;
	pt[pt_index(DATA_VA, PT_SHIFT)] = u->pages[5] | PTE_P | PTE_W | PTE_U | paging_nx_bit();
	pt[pt_index(RO_VA, PT_SHIFT)] = u->pages[6] | PTE_P | PTE_U | paging_nx_bit();
	memcpy(page(u, 4), ku_code_start, (size_t)(ku_code_end - ku_code_start));
	u->as = plat_aspace_create(u->pages[0]);
	return u->as != NULL;
}

static void ku_teardown(struct ku *u)
{
	plat_user_fpu_forget(u->as, &u->regs);
	if (u->as)
		plat_aspace_destroy(u->as);
	for (unsigned i = 0; i < ARRAY_SIZE(u->pages); i++)
		if (u->pages[i])
			page_free(u->pages[i], 0);
}

static void start(struct ku *u, const char *snippet)
{
	memset(&u->regs, 0, sizeof(u->regs));
	u->regs.rip = at(snippet);
	u->regs.rsp = STACK_TOP;
	u->regs.rflags = RFLAGS_IF;
}

/* Enters until a trap other than an interrupt (any device may interrupt). */
static void run(struct ku *u)
{
	do
		plat_user_enter(u->as, &u->regs, &u->trap);
	while (u->trap.kind == USER_TRAP_INTERRUPT);
}

/* The FPU state is read and written as the core does: synced first,
 * forgotten (reloaded from memory at the next entry) after. */
static uint64_t regs_fpu64(struct ku *u, struct user_regs *r, unsigned off)
{
	uint64_t v;

	plat_user_fpu_sync(u->as, r);
	memcpy(&v, &r->fpu[off], sizeof(v));
	return v;
}

static uint64_t fpu64(struct ku *u, unsigned off)
{
	return regs_fpu64(u, &u->regs, off);
}

static void set_fpu64(struct ku *u, unsigned off, uint64_t v)
{
	plat_user_fpu_sync(u->as, &u->regs);
	memcpy(&u->regs.fpu[off], &v, sizeof(v));
	plat_user_fpu_forget(u->as, &u->regs);
}

KTEST(baremetal_user_syscall_paths)
{
	static struct ku u;

	KT_ASSERT(ku_setup(&u));
	start(&u, ku_syscall);
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_SYSCALL);
	KT_ASSERT_EQ(u.regs.rax, 42);
	KT_ASSERT_EQ(u.regs.rdi, 7);
	KT_ASSERT_EQ(u.regs.rip, at(ku_syscall) + 12); /* two 5-byte movs and the syscall */
	KT_ASSERT_EQ(u.regs.rsp, STACK_TOP);
	KT_ASSERT_EQ(u.regs.rcx, u.regs.rip); /* what the CPU leaves */
	KT_ASSERT_EQ(u.regs.r11, u.regs.rflags);
	KT_ASSERT(plat_irq_enabled());

	/* Linux's return: rcx and r11 clobbered, so sysret may serve. */
	u.regs.rax = 99;
	u.regs.rcx = u.regs.rip;
	u.regs.r11 = u.regs.rflags;
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_SYSCALL);
	KT_ASSERT_EQ(u.regs.rbx, 99);
	KT_ASSERT_EQ(u.regs.rdx, at(ku_syscall) + 12);

	/* A return that must keep rcx and r11 (a signal handler's, say). */
	start(&u, ku_syscall);
	run(&u);
	u.regs.rax = 77;
	u.regs.rcx = 0x1111;
	u.regs.r11 = 0x2222;
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_SYSCALL);
	KT_ASSERT_EQ(u.regs.rbx, 77);
	KT_ASSERT_EQ(u.regs.rdx, 0x1111);
	KT_ASSERT_EQ(u.regs.rsi, 0x2222);
	ku_teardown(&u);
}

KTEST(baremetal_user_faults_and_exceptions)
{
	static struct ku u;
	const unsigned present = USER_ACCESS_PRESENT;

	/* Without NX (and SMEP) the CPU does not flag instruction fetches. */
	const unsigned exec = paging_nx_bit() ? USER_ACCESS_EXEC : USER_ACCESS_READ;

	KT_ASSERT(ku_setup(&u));
	start(&u, ku_load);
	u.regs.rax = HOLE_VA + 8;
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_PAGE_FAULT);
	KT_ASSERT_EQ(u.trap.addr, HOLE_VA + 8);
	KT_ASSERT_EQ(u.trap.access, USER_ACCESS_READ);
	KT_ASSERT_EQ(u.regs.rip, at(ku_load));

	start(&u, ku_store);
	u.regs.rax = RO_VA;
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_PAGE_FAULT);
	KT_ASSERT_EQ(u.trap.addr, RO_VA);
	KT_ASSERT_EQ(u.trap.access, USER_ACCESS_WRITE | present);

	start(&u, ku_jump);
	u.regs.rax = HOLE_VA;
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_PAGE_FAULT);
	KT_ASSERT_EQ(u.trap.access, exec);
	KT_ASSERT_EQ(u.regs.rip, HOLE_VA);

	if (paging_nx_bit()) {
		start(&u, ku_jump);
		u.regs.rax = DATA_VA;
		run(&u);
		KT_ASSERT_EQ(u.trap.kind, USER_TRAP_PAGE_FAULT);
		KT_ASSERT_EQ(u.trap.access, USER_ACCESS_EXEC | present);
	}

	/* Kernel memory: present, not for ring 3 (entered through iretq). */
	start(&u, ku_ud2);
	u.regs.rip = (uintptr_t)page(&u, 4);
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_PAGE_FAULT);
	KT_ASSERT_EQ(u.trap.addr, (uintptr_t)page(&u, 4));
	KT_ASSERT_EQ(u.trap.access, exec | present);

	/* Not canonical: reported without entering. */
	start(&u, ku_ud2);
	u.regs.rip = 0x0000800000000000UL;
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_EXCEPTION);
	KT_ASSERT_EQ(u.trap.vector, EXC_GP);

	start(&u, ku_ud2);
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_EXCEPTION);
	KT_ASSERT_EQ(u.trap.vector, EXC_UD);
	KT_ASSERT_EQ(u.regs.rip, at(ku_ud2));

	start(&u, ku_int3);
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_EXCEPTION);
	KT_ASSERT_EQ(u.trap.vector, EXC_BP);
	KT_ASSERT_EQ(u.regs.rip, at(ku_int3) + 1);

	start(&u, ku_int80);
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_EXCEPTION);
	KT_ASSERT_EQ(u.trap.vector, EXC_GP);
	/* The IDT gate (DPL 0) refused it: the IDT flag of the error code
	 * (its index field differs between QEMU versions and hardware). */
	KT_ASSERT_EQ(u.trap.error & 3, 2);

	start(&u, ku_hlt);
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_EXCEPTION);
	KT_ASSERT_EQ(u.trap.vector, EXC_GP);
	KT_ASSERT_EQ(u.trap.error, 0);

	/* Single-step: one instruction, then #DB. */
	start(&u, ku_nops);
	u.regs.rflags |= RFLAGS_TF;
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_EXCEPTION);
	KT_ASSERT_EQ(u.trap.vector, EXC_DB);
	KT_ASSERT_EQ(u.regs.rip, at(ku_nops) + 1);
	ku_teardown(&u);
}

KTEST(baremetal_user_state)
{
	static struct ku u;
	const uint64_t a = 0x1122334455667788ULL, b = 0x0badc0ffee0ddf00ULL;
	uint32_t mxcsr = 0xffffffff;

	KT_ASSERT(ku_setup(&u));
	/* Default FPU state; what user code leaves is saved. */
	start(&u, ku_fpu);
	u.regs.rbx = a;
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_SYSCALL);
	KT_ASSERT(u.regs.fpu_valid);
	KT_ASSERT_EQ(u.regs.rax, 0);
	KT_ASSERT_EQ(u.regs.rdx, 0x1f80);
	KT_ASSERT_EQ(fpu64(&u, XMM1), a);

	/* A given state is loaded, MXCSR bits fxrstor refuses dropped. */
	u.regs.rip = at(ku_fpu);
	set_fpu64(&u, XMM0, b);
	memcpy(&u.regs.fpu[MXCSR], &mxcsr, sizeof(mxcsr)); /* after the sync: nothing loaded holds it */
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_SYSCALL);
	KT_ASSERT_EQ(u.regs.rax, b);
	KT_ASSERT_EQ(u.regs.rdx, cpu_mxcsr_mask);

	/* A fresh thread does not see the last one's registers. */
	start(&u, ku_fpu);
	run(&u);
	KT_ASSERT_EQ(u.regs.rax, 0);

	/* FS and GS bases, kept across the trap. */
	*(uint64_t *)((char *)page(&u, 5) + 0x100) = a;
	*(uint64_t *)((char *)page(&u, 5) + 0x108) = b;
	start(&u, ku_segbase);
	u.regs.fs_base = DATA_VA + 0x100;
	u.regs.gs_base = DATA_VA + 0x108;
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_SYSCALL);
	KT_ASSERT_EQ(u.regs.rax, a);
	KT_ASSERT_EQ(u.regs.rbx, b);
	KT_ASSERT_EQ(u.regs.fs_base, DATA_VA + 0x100);
	KT_ASSERT_EQ(u.regs.gs_base, DATA_VA + 0x108);
	KT_ASSERT_EQ(plat_cpu_id() < plat_cpu_count(), 1); /* the kernel's GS is back */

	if (cpu_has_fsgsbase) {
		start(&u, ku_wrbase);
		u.regs.rax = 0x7000;
		u.regs.rbx = 0x8000;
		run(&u);
		KT_ASSERT_EQ(u.trap.kind, USER_TRAP_SYSCALL);
		KT_ASSERT_EQ(u.regs.fs_base, 0x7000);
		KT_ASSERT_EQ(u.regs.gs_base, 0x8000);
	}

	/* Bases the CPU would refuse are dropped, not loaded. */
	start(&u, ku_flags);
	u.regs.fs_base = 0x8000000000000000ULL;
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_SYSCALL);
	KT_ASSERT_EQ(u.regs.fs_base, 0);

	/* User code chooses only the arithmetic, direction and trap flags. */
	start(&u, ku_flags);
	u.regs.rflags = ~RFLAGS_TF;
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_SYSCALL);
	KT_ASSERT(u.regs.rax & RFLAGS_IF);
	KT_ASSERT_EQ(u.regs.rax & (RFLAGS_IOPL | RFLAGS_NT | RFLAGS_RF | RFLAGS_AC | RFLAGS_ID), 0);
	KT_ASSERT_EQ(u.regs.rax & 0x0cd5, 0x0cd5);
	ku_teardown(&u);
}

/* Two threads of one address space on one CPU: each keeps its own SSE
 * registers although the CPU reloads them only when the other ran. */
KTEST(baremetal_user_fpu_lazy)
{
	static struct ku u;
	static struct user_regs other;
	const uint64_t a = 0x0123456789abcdefULL, b = 0xfedcba9876543210ULL;

	KT_ASSERT(ku_setup(&u));
	thread_set_affinity(0); /* the laziness is per CPU: stay on one */
	start(&u, ku_fpu);
	u.regs.rbx = a; /* into xmm1 */
	run(&u);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_SYSCALL);
	memset(&other, 0, sizeof(other));
	other.rip = at(ku_fpu);
	other.rsp = STACK_TOP;
	other.rflags = RFLAGS_IF;
	other.rbx = b;
	do
		plat_user_enter(u.as, &other, &u.trap);
	while (u.trap.kind == USER_TRAP_INTERRUPT);
	KT_ASSERT_EQ(u.trap.kind, USER_TRAP_SYSCALL);
	KT_ASSERT_EQ(other.rax, 0); /* a fresh state, not the first thread's */
	KT_ASSERT_EQ(regs_fpu64(&u, &u.regs, XMM1), a);
	KT_ASSERT_EQ(regs_fpu64(&u, &other, XMM1), b);
	/* Twice each: once reloaded, once still loaded. */
	for (int i = 0; i < 2; i++) {
		u.regs.rip = at(ku_fpu_get);
		run(&u);
		KT_ASSERT_EQ(u.regs.rax, a);
	}
	for (int i = 0; i < 2; i++) {
		other.rip = at(ku_fpu_get);
		do
			plat_user_enter(u.as, &other, &u.trap);
		while (u.trap.kind == USER_TRAP_INTERRUPT);
		KT_ASSERT_EQ(other.rax, b);
	}
	/* A context switch puts the state back in memory. */
	u.regs.rip = at(ku_fpu_get);
	run(&u);
	thread_sleep_ns(1000000);
	u.regs.rip = at(ku_fpu_get);
	run(&u);
	KT_ASSERT_EQ(u.regs.rax, a);
	plat_user_fpu_forget(u.as, &other);
	thread_set_affinity(CPU_ANY);
	ku_teardown(&u);
}

static void sleeper(void *arg)
{
	(void)arg;
	thread_sleep_ns(2000000); /* its wake-up interrupts the user loop */
}

KTEST(baremetal_user_interrupt)
{
	static struct ku u;
	struct thread *th;

	KT_ASSERT(ku_setup(&u));
	thread_set_affinity(0);
	th = thread_create(sleeper, NULL, "ku-sleeper", SCHED_PRIO_DEFAULT, 0, false);
	KT_ASSERT(th != NULL);
	start(&u, ku_loop);
	plat_user_enter(u.as, &u.regs, &u.trap);
	KT_CHECK(kt, u.trap.kind == USER_TRAP_INTERRUPT);
	KT_CHECK(kt, u.regs.rip == at(ku_loop) || u.regs.rip == at(ku_loop) + 2);
	/* And it resumes: leave the loop through ud2. */
	u.regs.rip = at(ku_ud2);
	run(&u);
	KT_CHECK(kt, u.trap.kind == USER_TRAP_EXCEPTION && u.trap.vector == EXC_UD);
	thread_join(th);
	thread_set_affinity(CPU_ANY);
	ku_teardown(&u);
}
