/* Processes and signals as a libc sees them: fork, exec, wait statuses,
 * handlers, masks, job-control stops. Exits 0 when all behave as on Linux;
 * otherwise the number of the first check that failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK(c, code) do { if (!(c)) { printf("procs: check %d failed (errno %d)\n", code, errno); return (code); } } while (0)

static volatile sig_atomic_t got_usr1, got_chld, usr1_info_pid;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	got_usr1++;
	usr1_info_pid = si->si_pid;
}

static void on_chld(int sig)
{
	(void)sig;
	got_chld++;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t set, old;
	int st;
	pid_t p, me = getpid();
	double x = 1.5;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return argc == 3 && strcmp(argv[2], "two") == 0 ? 7 : 8;

	/* Exit statuses travel to wait. */
	p = fork();
	if (p == 0)
		_exit(3);
	CHECK(p > 0, 10);
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 3, 11);
	/* The child sees its parent, and has its own pid. */
	p = fork();
	if (p == 0)
		_exit(getppid() == me && getpid() != me ? 0 : 1);
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0, 12);
	/* Copy-on-write: the child's writes stay in the child. */
	static int shared_value = 5;
	p = fork();
	if (p == 0) {
		shared_value = 6;
		_exit(shared_value);
	}
	CHECK(waitpid(p, &st, 0) == p && WEXITSTATUS(st) == 6 && shared_value == 5, 13);
	/* fork + exec of ourselves. */
	p = fork();
	if (p == 0) {
		execl(argv[0], "procs", "child", "two", (char *)NULL);
		_exit(99);
	}
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 7, 14);
	/* vfork + exec. */
	p = vfork();
	if (p == 0) {
		execl(argv[0], "procs", "child", (char *)NULL);
		_exit(99);
	}
	CHECK(waitpid(p, &st, 0) == p && WEXITSTATUS(st) == 8, 15);
	/* exec of a missing file fails with ENOENT and the process goes on. */
	CHECK(execl("/no/such/file", "x", (char *)NULL) == -1 && errno == ENOENT, 16);

	/* A handler with SA_SIGINFO sees who sent the signal. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, 20);
	x *= 3.0; /* FPU state must survive the handler */
	CHECK(kill(me, SIGUSR1) == 0 && got_usr1 == 1 && usr1_info_pid == me, 21);
	CHECK(x == 4.5, 22);
	/* Blocked signals wait; unblocking delivers them. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0, 23);
	kill(me, SIGUSR1);
	CHECK(got_usr1 == 1, 24);
	CHECK(sigpending(&set) == 0 && sigismember(&set, SIGUSR1), 25);
	CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0 && got_usr1 == 2, 26);

	/* Death by signal is reported as such. */
	p = fork();
	if (p == 0) {
		for (;;)
			pause();
	}
	CHECK(kill(p, SIGTERM) == 0, 30);
	CHECK(waitpid(p, &st, 0) == p && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, 31);
	/* SIGCHLD reaches a handler. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_chld;
	sigaction(SIGCHLD, &sa, NULL);
	p = fork();
	if (p == 0)
		_exit(0);
	CHECK(waitpid(p, &st, 0) == p, 32);
	CHECK(got_chld >= 1, 33);
	/* Job control: stop, report, continue. */
	p = fork();
	if (p == 0) {
		raise(SIGSTOP);
		_exit(5);
	}
	CHECK(waitpid(p, &st, WUNTRACED) == p && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, 40);
	CHECK(kill(p, SIGCONT) == 0, 41);
	{
		pid_t w = waitpid(p, &st, 0);
		if (!(w == p && WIFEXITED(st) && WEXITSTATUS(st) == 5))
			printf("procs: waitpid after SIGCONT: %d status %#x\n", w, st);
		CHECK(w == p && WIFEXITED(st) && WEXITSTATUS(st) == 5, 42);
	}
	/* WNOHANG with a running child, then nothing left. */
	p = fork();
	if (p == 0) {
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
		_exit(0);
	}
	CHECK(waitpid(p, &st, WNOHANG) == 0, 43);
	CHECK(waitpid(p, &st, 0) == p, 44);
	CHECK(waitpid(-1, &st, 0) == -1 && errno == ECHILD, 45);
	/* Bad arguments. */
	CHECK(kill(me, 65) == -1 && errno == EINVAL, 50);
	CHECK(kill(99999, 0) == -1 && errno == ESRCH, 51);
	CHECK(sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL, 52);
	printf("procs: all checks passed\n");
	return 0;
}
