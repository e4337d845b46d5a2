/* How long one trapped system call takes on this host, by the ways the
 * hosted platform could trap a stub process's syscalls (docs/bench.md):
 *   ptrace     PTRACE_SYSEMU + waitpid + GETREGS/SETREGS by the tracer
 *   ptrace+handoff  the same, with the tracer handing each trap to another
 *              thread and waiting for its answer (the hosted platform's
 *              runner thread and CPU thread), over a condition variable
 *   seccomp    a seccomp filter returns SECCOMP_RET_TRAP, the stub's SIGSYS
 *              handler posts the call in shared memory, wakes the kernel
 *              thread with a futex and sleeps on it until the answer (with
 *              SPIN > 0 both sides first poll that many times)
 * Build and run: cc -O2 -pthread -o /tmp/trap-roundtrip tools/trap-roundtrip.c
 *                /tmp/trap-roundtrip [ROUNDS]
 * Prints ns per round trip, best of three runs of each. */
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static int rounds = 20000;

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static long futex(volatile uint32_t *a, int op, uint32_t v)
{
	return syscall(SYS_futex, a, op, v, NULL, NULL, 0);
}

static double native(void)
{
	double t0 = now_ns();
	for (int i = 0; i < rounds; i++)
		syscall(SYS_getppid);
	return (now_ns() - t0) / rounds;
}

/* --- ptrace, optionally with a hand-off to a second thread -------------- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int requested, answered;

static void *cpu_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < rounds; i++) {
		pthread_mutex_lock(&mu);
		requested = 1;
		answered = 0;
		pthread_cond_broadcast(&cv);
		while (!answered)
			pthread_cond_wait(&cv, &mu);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static double ptrace_rounds(int handoff)
{
	pthread_t th;
	double t0, t1;
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		for (;;)
			syscall(SYS_getppid);
	}
	waitpid(pid, &st, 0);
	ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);
	t0 = now_ns();
	if (handoff)
		pthread_create(&th, NULL, cpu_thread, NULL);
	for (int i = 0; i < rounds; i++) {
		struct user_regs_struct r;
		if (handoff) {
			pthread_mutex_lock(&mu);
			while (!requested)
				pthread_cond_wait(&cv, &mu);
			requested = 0;
			pthread_mutex_unlock(&mu);
		}
		ptrace(PTRACE_SYSEMU, pid, 0, 0);
		waitpid(pid, &st, __WALL);
		ptrace(PTRACE_GETREGS, pid, 0, &r);
		r.rax = 1;
		ptrace(PTRACE_SETREGS, pid, 0, &r);
		if (handoff) {
			pthread_mutex_lock(&mu);
			answered = 1;
			pthread_cond_broadcast(&cv);
			pthread_mutex_unlock(&mu);
		}
	}
	if (handoff)
		pthread_join(th, NULL);
	t1 = now_ns();
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return (t1 - t0) / rounds;
}

/* --- seccomp RET_TRAP + SIGSYS + futex ----------------------------------- */

struct shared {
	volatile uint32_t state; /* 0 idle, 1 call posted, 2 answered */
	uint64_t nr, ret;
};
static struct shared *sh;
static int spin;

static void sigsys(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig, (void)si;
	sh->nr = (uint64_t)uc->uc_mcontext.gregs[REG_RAX];
	__atomic_store_n(&sh->state, 1, __ATOMIC_RELEASE);
	futex(&sh->state, FUTEX_WAKE, 1);
	for (int i = 0; i < spin && __atomic_load_n(&sh->state, __ATOMIC_ACQUIRE) != 2; i++)
		__builtin_ia32_pause();
	while (__atomic_load_n(&sh->state, __ATOMIC_ACQUIRE) != 2)
		futex(&sh->state, FUTEX_WAIT, 1);
	uc->uc_mcontext.gregs[REG_RAX] = (greg_t)sh->ret;
	sh->state = 0;
}

static double seccomp_rounds(int spins)
{
	double t0, t1;
	pid_t pid;

	spin = spins;
	sh->state = 0;
	pid = fork();
	if (pid == 0) {
		/* Only getppid traps here (the handler itself needs futex). */
		struct sock_filter f[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};
		struct sigaction sa = {0};

		sa.sa_sigaction = sigsys;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGSYS, &sa, NULL);
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
		for (;;)
			syscall(SYS_getppid);
	}
	t0 = now_ns();
	for (int i = 0; i < rounds; i++) {
		for (int j = 0; j < spins && __atomic_load_n(&sh->state, __ATOMIC_ACQUIRE) != 1; j++)
			__builtin_ia32_pause();
		while (__atomic_load_n(&sh->state, __ATOMIC_ACQUIRE) != 1)
			futex(&sh->state, FUTEX_WAIT, 0);
		sh->ret = 1;
		__atomic_store_n(&sh->state, 2, __ATOMIC_RELEASE);
		futex(&sh->state, FUTEX_WAKE, 1);
	}
	t1 = now_ns();
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return (t1 - t0) / rounds;
}

static double best3(double (*fn)(int), int arg)
{
	double best = 0;
	for (int i = 0; i < 3; i++) {
		double v = fn(arg);
		if (i == 0 || v < best)
			best = v;
	}
	return best;
}

static double native_arg(int unused)
{
	(void)unused;
	return native();
}

int main(int argc, char **argv)
{
	if (argc > 1)
		rounds = atoi(argv[1]);
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || rounds <= 0)
		return 1;
	printf("native getppid           %8.0f ns\n", best3(native_arg, 0));
	printf("ptrace SYSEMU            %8.0f ns\n", best3(ptrace_rounds, 0));
	printf("ptrace SYSEMU + handoff  %8.0f ns\n", best3(ptrace_rounds, 1));
	printf("seccomp+SIGSYS+futex     %8.0f ns\n", best3(seccomp_rounds, 0));
	printf("  same, spinning 2000    %8.0f ns\n", best3(seccomp_rounds, 2000));
	return 0;
}
