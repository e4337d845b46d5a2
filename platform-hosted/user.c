/* User mode on the hosted platform: each address space is a stub process
 * traced with PTRACE_SYSEMU. The kernel's page tables stay the truth: this
 * file acts as the MMU, mapping pages of the machine's RAM memfd into the
 * stub when it faults on them, and unmapping them when the kernel
 * invalidates. A ptrace tracee answers only to the thread that traces it,
 * so every address space has its own runner thread, and the hosted CPU
 * that enters user mode hands the work to it and waits, as a real CPU is
 * busy while it runs user code. */
#include "hosted.h"

#include <arch/x86_64/paging.h>
#include <errno.h>
#include <fcntl.h>
#include <hv/dev/irqchip.h>
#include <plat/mem.h>
#include <plat/time.h>
#include <plat/user.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../sim/sim.h"

#define USER_VA_LIMIT 0x7f0000000000UL /* the stub and the host's stack/vDSO live above */
#define STUB_RAM_FD 100
#define STUB_GADGET (HOSTED_STUB_BASE + 1) /* `syscall; int3` after the entry int3 */
#define KICK_SIGNAL SIGUSR2
#define USER_SLICE_NS 10000000ULL /* a user run longer than this is interrupted */
#define MAP_BATCH_PAGES 16

extern const char hosted_stub_image[], hosted_stub_image_end[];

enum runner_request { REQ_NONE, REQ_RUN, REQ_INVALIDATE, REQ_FPU_GET, REQ_DESTROY };

struct plat_aspace {
	paddr_t pml4;
	pid_t stub;
	pthread_t runner;
	pthread_mutex_t lock; /* guards the request fields */
	pthread_cond_t cond;
	pthread_mutex_t entry; /* one user entry at a time per address space */
	volatile bool started; /* the stub and its runner exist (aspace_start) */
	enum runner_request req;
	bool done;
	int error;
	struct user_regs *regs;
	struct user_trap *trap;
	uintptr_t inv_start, inv_len;
	uintptr_t last_fault; /* for telling protection faults from fills */
	pte_t last_fault_pte;
	volatile bool running; /* the stub is executing user code */
	struct user_regs *fpu_owner; /* whose FPU state the stub holds now */
	struct user_regs *fpu_get;   /* REQ_FPU_GET: where to save it */
};

static int stub_exec_fd = -1;
static pthread_once_t stub_once = PTHREAD_ONCE_INIT;

bool plat_user_available(void)
{
	return true;
}

uintptr_t plat_user_va_limit(void)
{
	return USER_VA_LIMIT;
}

static void stub_image_init(void)
{
	size_t len = (size_t)(hosted_stub_image_end - hosted_stub_image);
	int fd = memfd_create("macrohard-stub", MFD_CLOEXEC);

	if (fd < 0 || write(fd, hosted_stub_image, len) != (ssize_t)len) {
		perror("hosted: cannot prepare the user-mode stub");
		exit(1);
	}
	stub_exec_fd = fd;
}

/* --- host system calls made inside the stub --------------------------- */

static long stub_syscall(struct plat_aspace *as, long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	struct user_regs_struct saved, r;
	bool kicked = false;
	int st;

	if (ptrace(PTRACE_GETREGS, as->stub, 0, &saved) < 0)
		return -errno;
	r = saved;
	r.rax = (unsigned long)nr;
	r.rdi = (unsigned long)a0;
	r.rsi = (unsigned long)a1;
	r.rdx = (unsigned long)a2;
	r.r10 = (unsigned long)a3;
	r.r8 = (unsigned long)a4;
	r.r9 = (unsigned long)a5;
	r.rip = STUB_GADGET;
	if (ptrace(PTRACE_SETREGS, as->stub, 0, &r) < 0 || ptrace(PTRACE_CONT, as->stub, 0, 0) < 0)
		return -errno;
	/* A kick (an interrupt for the CPU) can stop the stub anywhere in the
	 * gadget: swallow it until the int3 after the syscall, then send it
	 * again so that the next user run stops for it as it should. */
	for (;;) {
		if (waitpid(as->stub, &st, __WALL) < 0 || !WIFSTOPPED(st))
			return -ESRCH;
		if (WSTOPSIG(st) == SIGTRAP)
			break;
		if (WSTOPSIG(st) != KICK_SIGNAL)
			return -EIO;
		kicked = true;
		if (ptrace(PTRACE_CONT, as->stub, 0, 0) < 0)
			return -errno;
	}
	if (kicked)
		kill(as->stub, KICK_SIGNAL);
	if (ptrace(PTRACE_GETREGS, as->stub, 0, &r) < 0)
		return -errno;
	ptrace(PTRACE_SETREGS, as->stub, 0, &saved);
	return (long)r.rax;
}

static void stub_unmap_host_extras(struct plat_aspace *as)
{
	char path[64], line[256];
	FILE *f;

	/* The host's vDSO and vvar would let user code read host state. */
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)as->stub);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (!strstr(line, "[vdso]") && !strstr(line, "[vvar]") && !strstr(line, "[vvar_vclock]"))
			continue;
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2)
			stub_syscall(as, SYS_munmap, (long)lo, (long)(hi - lo), 0, 0, 0, 0);
	}
	fclose(f);
}

static int stub_spawn(struct plat_aspace *as)
{
	char *argv[] = {"macrohard-stub", NULL};
	char *envp[] = {NULL};
	int st;
	pid_t pid;

	pthread_once(&stub_once, stub_image_init);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* Only async-signal-safe calls between fork and exec. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (dup2(hosted_ram_fd, STUB_RAM_FD) < 0)
			_exit(127);
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(127);
		syscall(SYS_execveat, stub_exec_fd, "", argv, envp, AT_EMPTY_PATH);
		_exit(127);
	}
	if (waitpid(pid, &st, __WALL) < 0 || !WIFSTOPPED(st)) {
		fprintf(stderr, "hosted: the user-mode stub did not start (status %#x)\n", st);
		return -ECHILD;
	}
	as->stub = pid;
	ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);
	/* Run to the entry int3 so the stub sits at a known place. */
	if (ptrace(PTRACE_CONT, pid, 0, 0) < 0 || waitpid(pid, &st, __WALL) < 0 || !WIFSTOPPED(st) ||
	    WSTOPSIG(st) != SIGTRAP) {
		fprintf(stderr, "hosted: the user-mode stub did not reach its entry\n");
		kill(pid, SIGKILL);
		waitpid(pid, &st, __WALL);
		return -ECHILD;
	}
	stub_unmap_host_extras(as);
	return 0;
}

/* --- the MMU ---------------------------------------------------------- */

static pte_t *user_pte(paddr_t pml4, uintptr_t va)
{
	static const unsigned shifts[] = {PML4_SHIFT, PDPT_SHIFT, PD_SHIFT, PT_SHIFT};
	paddr_t table = pml4;
	pte_t *e = NULL;

	if (va >= USER_VA_LIMIT)
		return NULL;
	for (unsigned l = 0; l < 4; l++) {
		e = (pte_t *)plat_phys_to_virt(table) + pt_index(va, shifts[l]);
		if ((*e & (PTE_P | PTE_U)) != (PTE_P | PTE_U))
			return NULL;
		table = pte_addr(*e);
	}
	return e;
}

static int pte_prot(pte_t e)
{
	return PROT_READ | ((e & PTE_W) ? PROT_WRITE : 0) | ((e & PTE_NX) ? 0 : PROT_EXEC);
}

/* Maps the page at `va` (and following pages that continue it physically
 * with the same rights) as the kernel's page tables say. */
static bool mmu_fill(struct plat_aspace *as, uintptr_t va)
{
	uintptr_t page = va & ~(PAGE_SIZE - 1);
	pte_t *e = user_pte(as->pml4, page);
	unsigned n = 1;
	long r;

	if (!e)
		return false;
	while (n < MAP_BATCH_PAGES) {
		pte_t *next = user_pte(as->pml4, page + n * PAGE_SIZE);
		if (!next || pte_addr(*next) != pte_addr(*e) + n * PAGE_SIZE || pte_prot(*next) != pte_prot(*e))
			break;
		n++;
	}
	r = stub_syscall(as, SYS_mmap, (long)page, (long)(n * PAGE_SIZE), pte_prot(*e), MAP_SHARED | MAP_FIXED,
			 STUB_RAM_FD, (long)pte_addr(*e));
	return r == (long)page;
}

static void regs_to_host(const struct user_regs *u, struct user_regs_struct *h)
{
	h->rax = u->rax, h->rbx = u->rbx, h->rcx = u->rcx, h->rdx = u->rdx;
	h->rsi = u->rsi, h->rdi = u->rdi, h->rbp = u->rbp, h->rsp = u->rsp;
	h->r8 = u->r8, h->r9 = u->r9, h->r10 = u->r10, h->r11 = u->r11;
	h->r12 = u->r12, h->r13 = u->r13, h->r14 = u->r14, h->r15 = u->r15;
	h->rip = u->rip;
	/* User code may only set the arithmetic, direction, trap... flags. */
	h->eflags = (u->rflags & 0x0dd5UL) | 0x202UL;
	h->fs_base = u->fs_base, h->gs_base = u->gs_base;
	h->orig_rax = (unsigned long)-1;
}

static void regs_from_host(const struct user_regs_struct *h, struct user_regs *u)
{
	u->rax = h->rax, u->rbx = h->rbx, u->rcx = h->rcx, u->rdx = h->rdx;
	u->rsi = h->rsi, u->rdi = h->rdi, u->rbp = h->rbp, u->rsp = h->rsp;
	u->r8 = h->r8, u->r9 = h->r9, u->r10 = h->r10, u->r11 = h->r11;
	u->r12 = h->r12, u->r13 = h->r13, u->r14 = h->r14, u->r15 = h->r15;
	u->rip = h->rip, u->rflags = h->eflags;
	u->fs_base = h->fs_base, u->gs_base = h->gs_base;
}

static void set_exception(struct user_trap *t, unsigned vector, uint64_t error)
{
	t->kind = USER_TRAP_EXCEPTION;
	t->vector = vector;
	t->error = error;
}

/* Runs user code until something the kernel must see. Runner thread. */
static int runner_run(struct plat_aspace *as)
{
	struct user_regs_struct h;
	struct user_trap *t = as->trap;
	int st;

	if (ptrace(PTRACE_GETREGS, as->stub, 0, &h) < 0)
		return -errno;
	regs_to_host(as->regs, &h);
	if (ptrace(PTRACE_SETREGS, as->stub, 0, &h) < 0)
		return -errno;
	/* The stub keeps the FPU state of whoever ran last; switch it only when
	 * another thread of the address space runs (or after a signal frame). */
	if (as->fpu_owner != as->regs || !as->regs->fpu_valid) {
		if (as->fpu_owner && as->fpu_owner != as->regs)
			ptrace(PTRACE_GETFPREGS, as->stub, 0, as->fpu_owner->fpu);
		if (as->regs->fpu_valid) {
			ptrace(PTRACE_SETFPREGS, as->stub, 0, as->regs->fpu);
		} else {
			struct user_fpregs_struct init;
			memset(&init, 0, sizeof(init));
			init.cwd = 0x37f;
			init.mxcsr = 0x1f80;
			ptrace(PTRACE_SETFPREGS, as->stub, 0, &init);
			as->regs->fpu_valid = true;
		}
		as->fpu_owner = as->regs;
	}
	memset(t, 0, sizeof(*t));
	for (;;) {
		siginfo_t si;
		int sig;

		as->running = true;
		if (ptrace(PTRACE_SYSEMU, as->stub, 0, 0) < 0) {
			as->running = false;
			return -errno;
		}
		if (waitpid(as->stub, &st, __WALL) < 0) {
			as->running = false;
			return -errno;
		}
		as->running = false;
		if (!WIFSTOPPED(st))
			return -ECHILD;
		sig = WSTOPSIG(st);
		if (sig == (SIGTRAP | 0x80)) {
			ptrace(PTRACE_GETREGS, as->stub, 0, &h);
			h.rax = h.orig_rax;
			t->kind = USER_TRAP_SYSCALL;
			break;
		}
		ptrace(PTRACE_GETSIGINFO, as->stub, 0, &si);
		ptrace(PTRACE_GETREGS, as->stub, 0, &h);
		if (sig == SIGSEGV && si.si_code != SI_KERNEL) {
			uintptr_t addr = (uintptr_t)si.si_addr;
			pte_t *e = user_pte(as->pml4, addr & ~(PAGE_SIZE - 1));
			bool repeat = e && as->last_fault == (addr & ~(PAGE_SIZE - 1)) && as->last_fault_pte == *e;
			if (e && !repeat) {
				as->last_fault = addr & ~(PAGE_SIZE - 1);
				as->last_fault_pte = *e;
				if (mmu_fill(as, addr))
					continue;
				/* The host refused the mapping: the platform, not the program, failed. */
				fprintf(stderr, "hosted: cannot map user page %#lx into the stub\n", (unsigned long)addr);
				as->last_fault = 0;
				set_exception(t, 8, 0);
				break;
			}
			as->last_fault = 0;
			t->kind = USER_TRAP_PAGE_FAULT;
			t->addr = addr;
			t->vector = 14;
			if (!e)
				t->access = addr == h.rip ? USER_ACCESS_EXEC : USER_ACCESS_READ;
			else if (addr == h.rip && (*e & PTE_NX))
				t->access = USER_ACCESS_PRESENT | USER_ACCESS_EXEC;
			else /* mapped as the tables say and still faulting: a protection fault */
				t->access = USER_ACCESS_PRESENT | (!(*e & PTE_W) ? USER_ACCESS_WRITE : USER_ACCESS_READ);
			break;
		}
		as->last_fault = 0;
		if (sig == KICK_SIGNAL) {
			t->kind = USER_TRAP_INTERRUPT;
		} else if (sig == SIGSEGV) {
			set_exception(t, 13, 0); /* #GP: privileged instruction, non-canonical address */
		} else if (sig == SIGILL) {
			set_exception(t, 6, 0);
		} else if (sig == SIGFPE) {
			set_exception(t, 0, 0);
		} else if (sig == SIGTRAP) {
			set_exception(t, si.si_code == TRAP_TRACE ? 1 : 3, 0);
		} else if (sig == SIGBUS) {
			set_exception(t, 17, 0);
		} else {
			t->kind = USER_TRAP_INTERRUPT; /* a host signal we do not forward */
		}
		break;
	}
	regs_from_host(&h, as->regs);
	if (t->kind == USER_TRAP_SYSCALL)
		as->regs->rax = h.orig_rax;
	return 0;
}

static void runner_invalidate(struct plat_aspace *as)
{
	uintptr_t start = as->inv_start & ~(PAGE_SIZE - 1);
	uintptr_t end = as->inv_start + as->inv_len;

	if (end > USER_VA_LIMIT)
		end = USER_VA_LIMIT;
	as->last_fault = 0;
	if (end > start)
		stub_syscall(as, SYS_munmap, (long)start, (long)(end - start), 0, 0, 0, 0);
}

static void *runner_main(void *arg)
{
	struct plat_aspace *as = arg;
	int err = stub_spawn(as);

	pthread_mutex_lock(&as->lock);
	as->error = err;
	as->done = true;
	pthread_cond_broadcast(&as->cond);
	if (err) {
		pthread_mutex_unlock(&as->lock);
		return NULL;
	}
	for (;;) {
		enum runner_request req;
		while (as->req == REQ_NONE)
			pthread_cond_wait(&as->cond, &as->lock);
		req = as->req;
		pthread_mutex_unlock(&as->lock);
		if (req == REQ_DESTROY)
			break;
		if (req == REQ_RUN)
			err = runner_run(as);
		else if (req == REQ_FPU_GET)
			err = ptrace(PTRACE_GETFPREGS, as->stub, 0, as->fpu_get->fpu) < 0 ? -errno : 0;
		else
			err = (runner_invalidate(as), 0);
		pthread_mutex_lock(&as->lock);
		as->error = err;
		as->req = REQ_NONE;
		as->done = true;
		pthread_cond_broadcast(&as->cond);
	}
	kill(as->stub, SIGKILL);
	waitpid(as->stub, NULL, __WALL);
	return NULL;
}

/* Posts a request and waits for the runner to finish it. */
static int runner_call(struct plat_aspace *as, enum runner_request req)
{
	int err;

	pthread_mutex_lock(&as->lock);
	as->req = req;
	as->done = false;
	pthread_cond_broadcast(&as->cond);
	while (!as->done)
		pthread_cond_wait(&as->cond, &as->lock);
	err = as->error;
	pthread_mutex_unlock(&as->lock);
	return err;
}

struct plat_aspace *plat_aspace_create(paddr_t pml4)
{
	struct plat_aspace *as = calloc(1, sizeof(*as));

	if (!as)
		return NULL;
	as->pml4 = pml4;
	pthread_mutex_init(&as->lock, NULL);
	pthread_cond_init(&as->cond, NULL);
	pthread_mutex_init(&as->entry, NULL);
	return as;
}

/* The stub and its runner start at the first user entry, not at creation:
 * an address space the kernel only copies to and from (the syscall fuzzer's,
 * a failed exec's) then costs no host process. Called with as->entry held. */
static int aspace_start(struct plat_aspace *as)
{
	if (as->started)
		return 0;
	pthread_mutex_lock(&as->lock);
	as->done = false;
	if (pthread_create(&as->runner, NULL, runner_main, as) != 0) {
		pthread_mutex_unlock(&as->lock);
		return -EAGAIN;
	}
	while (!as->done)
		pthread_cond_wait(&as->cond, &as->lock);
	pthread_mutex_unlock(&as->lock);
	if (as->error) {
		pthread_join(as->runner, NULL);
		return as->error;
	}
	__atomic_store_n(&as->started, true, __ATOMIC_RELEASE);
	return 0;
}

void plat_user_fpu_sync(struct plat_aspace *as, struct user_regs *regs)
{
	/* The stub holds the live state of its last user: fetch it. */
	if (as->fpu_owner == regs) {
		pthread_mutex_lock(&as->entry);
		as->fpu_get = regs;
		runner_call(as, REQ_FPU_GET);
		pthread_mutex_unlock(&as->entry);
	}
}

void plat_user_fpu_forget(struct plat_aspace *as, struct user_regs *regs)
{
	if (as && as->fpu_owner == regs)
		as->fpu_owner = NULL;
}

void plat_aspace_destroy(struct plat_aspace *as)
{
	if (!as)
		return;
	if (!as->started) {
		free(as);
		return;
	}
	pthread_mutex_lock(&as->lock);
	as->req = REQ_DESTROY;
	pthread_cond_broadcast(&as->cond);
	pthread_mutex_unlock(&as->lock);
	pthread_join(as->runner, NULL);
	free(as);
}

void plat_aspace_invalidate(struct plat_aspace *as, uintptr_t va, size_t len)
{
	/* Stop a run in progress (another thread of the process), then unmap:
	 * like a TLB shootdown, this returns once no CPU can use the old pages. */
	if (!__atomic_load_n(&as->started, __ATOMIC_ACQUIRE))
		return; /* no stub, nothing mapped; one starting now reads the new tables */
	if (as->running)
		kill(as->stub, KICK_SIGNAL);
	pthread_mutex_lock(&as->entry);
	as->inv_start = va;
	as->inv_len = len;
	runner_call(as, REQ_INVALIDATE);
	pthread_mutex_unlock(&as->entry);
}

void plat_user_enter(struct plat_aspace *as, struct user_regs *regs, struct user_trap *trap)
{
	struct hcpu *c = hosted_this_cpu();
	ktime_t started = plat_time_ns();
	int err;

	pthread_mutex_lock(&as->entry);
	err = aspace_start(as);
	if (err) {
		pthread_mutex_unlock(&as->entry);
		fprintf(stderr, "hosted: cannot start the user-mode stub (%s)\n", strerror(-err));
		set_exception(trap, 8, 0);
		return;
	}
	as->regs = regs;
	as->trap = trap;
	/* hosted_kick_cpu() interrupts the stub while this CPU is in user mode. */
	__atomic_store_n(&c->user_pid, as->stub, __ATOMIC_RELEASE);
	pthread_mutex_lock(&as->lock);
	as->req = REQ_RUN;
	as->done = false;
	pthread_cond_broadcast(&as->cond);
	while (!as->done) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 1000000; /* poll for interrupts every millisecond */
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&as->cond, &as->lock, &ts);
		if (!as->done && c->is_cpu) {
			bool slice_over = hosted_cfg.time_mode == HOSTED_TIME_REAL && plat_time_ns() - started > USER_SLICE_NS;
			if (irqchip_has_pending(sim_irqchip(), c->id, hosted_time_peek()) || slice_over)
				kill(as->stub, KICK_SIGNAL);
		}
	}
	err = as->error;
	pthread_mutex_unlock(&as->lock);
	__atomic_store_n(&c->user_pid, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&as->entry);
	hosted_time_tick();
	if (err) {
		fprintf(stderr, "hosted: user-mode stub failed (%s)\n", strerror(-err));
		set_exception(trap, 8, 0); /* the kernel kills the process, like a double fault */
	}
}
