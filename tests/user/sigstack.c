/* Signal delivery in depth: SA_ONSTACK handlers on a sigaltstack (the
 * handler's frame lies inside it, SS_ONSTACK, EPERM while on it), nested
 * signals, SA_NODEFER, SA_RESETHAND, SA_RESTART against EINTR on a pipe read
 * interrupted by a child's signal, sigsuspend, and the FPU/SSE state and
 * MXCSR surviving a handler that clobbers them. Exits 0 when all behave as
 * on Linux; otherwise the number of the first check that failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fenv.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK(c, code) do { if (!(c)) { printf("sigstack: check %d failed (errno %d)\n", code, errno); return (code); } } while (0)

#define ALTSZ (64 * 1024)

static char *alt;
static volatile uintptr_t handler_sp, nested_sp;
static volatile int onstack_flag, eperm_ok, depth, max_depth, usr1_count, usr2_count, usr2_depth, aligned_ok;
static volatile int info_code, info_pid;

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void on_usr2(int sig)
{
	char here;
	(void)sig;
	usr2_count++;
	usr2_depth = depth;
	nested_sp = (uintptr_t)&here;
}

static void on_usr1_alt(int sig, siginfo_t *si, void *ucv)
{
	__attribute__((aligned(16))) volatile char probe[32];
	stack_t ss, other = {.ss_sp = alt, .ss_size = ALTSZ, .ss_flags = 0};
	(void)sig;
	(void)ucv;
	probe[0] = 1;
	aligned_ok = ((uintptr_t)probe & 15) == 0;
	handler_sp = (uintptr_t)&ss;
	info_code = si->si_code;
	info_pid = si->si_pid;
	onstack_flag = sigaltstack(NULL, &ss) == 0 && (ss.ss_flags & SS_ONSTACK);
	if (onstack_flag) /* off the alternate stack this would replace it */
		eperm_ok = sigaltstack(&other, NULL) == -1 && errno == EPERM;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	usr1_count++;
	if (usr1_count == 1) {
		raise(SIGUSR2); /* nested: runs at once, on the alternate stack too */
		raise(SIGUSR1); /* blocked in its own handler: runs after we return */
	}
	depth--;
}

static void on_usr1_nodefer(int sig)
{
	(void)sig;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	usr1_count++;
	if (usr1_count < 3)
		raise(SIGUSR1); /* SA_NODEFER: recurses at once */
	depth--;
}

static void count_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static void clobber_fpu(int sig)
{
	volatile double x = 1.0;
	(void)sig;
	usr1_count++;
	fesetround(FE_TOWARDZERO);
	for (int i = 0; i < 100; i++)
		x = x * 1.0001 + 0.5 / (i + 1);
	__asm__ volatile("pcmpeqd %%xmm0, %%xmm0\n\tmovdqa %%xmm0, %%xmm1\n\tmovdqa %%xmm0, %%xmm2\n\t"
			 "movdqa %%xmm0, %%xmm3\n\tmovdqa %%xmm0, %%xmm4\n\tmovdqa %%xmm0, %%xmm5\n\t"
			 "movdqa %%xmm0, %%xmm6\n\tmovdqa %%xmm0, %%xmm7\n\tmovdqa %%xmm0, %%xmm8\n\t"
			 "movdqa %%xmm0, %%xmm9\n\tmovdqa %%xmm0, %%xmm10\n\tmovdqa %%xmm0, %%xmm11\n\t"
			 "movdqa %%xmm0, %%xmm12\n\tmovdqa %%xmm0, %%xmm13\n\tmovdqa %%xmm0, %%xmm14\n\t"
			 "movdqa %%xmm0, %%xmm15\n\tfldpi\n\tfldpi\n\tfstp %%st(0)\n\tfstp %%st(0)"
			 ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
			 "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory");
	(void)x;
}

/* Loads xmm0-15 from in, sends SIGUSR1 to ourselves with a raw kill (the
 * handler runs on the way back from it), stores xmm0-15 to out. */
static void xmm_across_signal(const uint64_t *in, uint64_t *out, long pid)
{
	__asm__ volatile(
#define L(n) "movdqu " #n "*16(%[in]), %%xmm" #n "\n\t"
		L(0) L(1) L(2) L(3) L(4) L(5) L(6) L(7) L(8) L(9) L(10) L(11) L(12) L(13) L(14) L(15)
#undef L
		"mov $62, %%eax\n\tmov %[pid], %%rdi\n\tmov $10, %%esi\n\tsyscall\n\t"
#define S(n) "movdqu %%xmm" #n ", " #n "*16(%[out])\n\t"
		S(0) S(1) S(2) S(3) S(4) S(5) S(6) S(7) S(8) S(9) S(10) S(11) S(12) S(13) S(14) S(15)
#undef S
		:
		: [in] "r"(in), [out] "r"(out), [pid] "r"(pid)
		: "rax", "rdi", "rsi", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
		  "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

static int set_handler(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	return sigaction(sig, &sa, NULL);
}

/* A read from an empty pipe, interrupted by signals a child sends: with
 * SA_RESTART it goes on and gets the byte written later; without, EINTR. */
static int interrupted_read(int restart)
{
	int data[2], done[2], st;
	char c;
	ssize_t r;

	usr1_count = 0;
	if (set_handler(SIGUSR1, count_usr1, restart ? SA_RESTART : 0) != 0 || pipe(data) != 0 || pipe(done) != 0)
		return -100;
	pid_t parent = getpid(), p = fork();
	if (p < 0)
		return -101;
	if (p == 0) {
		close(data[0]);
		close(done[1]);
		if (restart) {
			for (int i = 0; i < 3; i++) {
				sleep_ms(5);
				kill(parent, SIGUSR1);
			}
			sleep_ms(5);
			_exit(write(data[1], "z", 1) == 1 ? 0 : 1);
		}
		/* Until the parent says its read was interrupted, keep signalling;
		 * nothing is ever written to the data pipe. */
		struct timespec ts = {0, 5000000};
		fd_set fds;
		for (;;) {
			kill(parent, SIGUSR1);
			FD_ZERO(&fds);
			FD_SET(done[0], &fds);
			struct timespec t = ts;
			if (pselect(done[0] + 1, &fds, NULL, NULL, &t, NULL) > 0)
				_exit(0);
		}
	}
	close(data[1]);
	errno = 0;
	r = read(data[0], &c, 1);
	int e = errno;
	if (write(done[1], "d", 1) != 1)
		return -102;
	if (waitpid(p, &st, 0) != p || st != 0)
		return -103;
	close(data[0]);
	close(done[0]);
	close(done[1]);
	if (restart)
		return r == 1 && c == 'z' && usr1_count >= 1 ? 0 : -104;
	return r == -1 && e == EINTR && usr1_count >= 1 ? 0 : -105;
}

int main(void)
{
	struct sigaction sa, old;
	stack_t ss, oss;
	sigset_t set, cur;
	int st;

	/* Bad alternate stacks. */
	alt = mmap(NULL, ALTSZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(alt != MAP_FAILED, 1);
	ss.ss_sp = alt;
	ss.ss_size = 1024; /* below MINSIGSTKSZ */
	ss.ss_flags = 0;
	CHECK(sigaltstack(&ss, NULL) == -1 && errno == ENOMEM, 2);
	ss.ss_size = ALTSZ;
	ss.ss_flags = 0x1234;
	CHECK(sigaltstack(&ss, NULL) == -1 && errno == EINVAL, 3);
	ss.ss_flags = 0;
	CHECK(sigaltstack(&ss, &oss) == 0 && (oss.ss_flags & SS_DISABLE), 4);
	CHECK(sigaltstack(NULL, &oss) == 0 && oss.ss_sp == alt && oss.ss_size == ALTSZ && oss.ss_flags == 0, 5);

	/* SA_ONSTACK: the handler and a signal nested in it run on the
	 * alternate stack; the handler's own signal waits until it returns. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1_alt;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, 10);
	CHECK(set_handler(SIGUSR2, on_usr2, 0) == 0, 11);
	CHECK(raise(SIGUSR1) == 0, 12);
	CHECK(usr1_count == 2 && usr2_count == 1 && max_depth == 1 && usr2_depth == 1, 13);
	CHECK(handler_sp >= (uintptr_t)alt && handler_sp < (uintptr_t)alt + ALTSZ, 14);
	CHECK(nested_sp >= (uintptr_t)alt && nested_sp < (uintptr_t)alt + ALTSZ && nested_sp < handler_sp, 15);
	CHECK(onstack_flag && eperm_ok && aligned_ok, 16);
	CHECK(info_code == SI_TKILL && info_pid == getpid(), 17);
	CHECK(sigaltstack(NULL, &oss) == 0 && oss.ss_flags == 0, 18);
	/* A handler without SA_ONSTACK runs on the normal stack. */
	char here;
	nested_sp = 0;
	CHECK(raise(SIGUSR2) == 0 && usr2_count == 2, 19);
	CHECK(nested_sp < (uintptr_t)alt || nested_sp >= (uintptr_t)alt + ALTSZ, 20);
	CHECK(nested_sp < (uintptr_t)&here && (uintptr_t)&here - nested_sp < 64 * 1024, 21);
	/* SS_DISABLE: SA_ONSTACK handlers fall back to the normal stack. */
	ss.ss_flags = SS_DISABLE;
	CHECK(sigaltstack(&ss, NULL) == 0, 22);
	usr1_count = 0;
	handler_sp = 0;
	CHECK(raise(SIGUSR1) == 0 && usr1_count == 2, 23);
	CHECK(handler_sp < (uintptr_t)alt || handler_sp >= (uintptr_t)alt + ALTSZ, 24);
	CHECK(!onstack_flag, 25);

	/* SA_NODEFER: the handler is interrupted by its own signal. */
	usr1_count = 0;
	max_depth = depth = 0;
	CHECK(set_handler(SIGUSR1, on_usr1_nodefer, SA_NODEFER) == 0, 30);
	CHECK(raise(SIGUSR1) == 0, 31);
	CHECK(usr1_count == 3 && max_depth == 3 && depth == 0, 32);

	/* SA_RESETHAND: one delivery, then the default action comes back. */
	usr1_count = 0;
	CHECK(set_handler(SIGUSR1, count_usr1, SA_RESETHAND) == 0, 40);
	CHECK(raise(SIGUSR1) == 0 && usr1_count == 1, 41);
	CHECK(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == SIG_DFL, 42);
	pid_t p = fork();
	if (p == 0) {
		set_handler(SIGUSR1, count_usr1, SA_RESETHAND);
		raise(SIGUSR1);
		raise(SIGUSR1); /* default action: terminate */
		_exit(50);
	}
	CHECK(waitpid(p, &st, 0) == p && WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1, 43);

	/* SA_RESTART against EINTR. */
	CHECK(interrupted_read(1) == 0, 50);
	CHECK(interrupted_read(0) == 0, 51);

	/* sigsuspend: blocked signal, the child sends it, sigsuspend returns
	 * EINTR after the handler and puts the mask back. */
	CHECK(set_handler(SIGUSR1, count_usr1, 0) == 0, 60);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0, 61);
	usr1_count = 0;
	pid_t me = getpid();
	p = fork();
	if (p == 0) {
		kill(me, SIGUSR1);
		_exit(0);
	}
	CHECK(p > 0, 62);
	sigemptyset(&set);
	CHECK(sigsuspend(&set) == -1 && errno == EINTR && usr1_count == 1, 63);
	CHECK(sigprocmask(SIG_BLOCK, NULL, &cur) == 0 && sigismember(&cur, SIGUSR1), 64);
	CHECK(waitpid(p, &st, 0) == p && st == 0, 65);
	/* A pending blocked signal: sigpending sees it, unblocking runs it. */
	CHECK(raise(SIGUSR1) == 0 && usr1_count == 1, 66);
	CHECK(sigpending(&cur) == 0 && sigismember(&cur, SIGUSR1), 67);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0 && usr1_count == 2, 68);

	/* FPU/SSE registers and MXCSR survive a handler that clobbers them. */
	static uint64_t in[32], out[32];
	for (int i = 0; i < 32; i++)
		in[i] = 0x0123456789abcdefULL * (i + 1) ^ ((uint64_t)i << 56);
	CHECK(set_handler(SIGUSR1, clobber_fpu, 0) == 0, 70);
	CHECK(fesetround(FE_UPWARD) == 0, 71);
	usr1_count = 0;
	volatile double a = 1.0, b = 3.0;
	xmm_across_signal(in, out, getpid());
	CHECK(usr1_count == 1, 72);
	CHECK(memcmp(in, out, sizeof(in)) == 0, 73);
	CHECK(fegetround() == FE_UPWARD, 74);
	volatile double q = a / b;
	CHECK(q > 0.33333333333333331 && q * 3.0 >= 1.0, 75);
	fesetround(FE_TONEAREST);
	/* Floating point in the main flow across many handler runs. */
	double acc = 0;
	for (int i = 1; i <= 200; i++) {
		acc += 1.0 / i;
		if (i % 20 == 0)
			raise(SIGUSR1);
	}
	CHECK(acc > 5.8780 && acc < 5.8781 && usr1_count == 11, 76);

	printf("sigstack: all checks passed\n");
	return 0;
}
