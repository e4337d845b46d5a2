/* A signal ends a huge request part-way, as on Linux: getrandom checks for
 * signals after every whole page (drivers/char/random.c), a terminal write
 * between chunks (tty_write); what was done counts. Without those checks a
 * request of megabytes holds the CPU, unkillable, until it is done. Exits 0
 * when both behave as on Linux (also true when run natively there);
 * otherwise the number of the first check that failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK(c, code)                                                                                                 \
	do {                                                                                                           \
		if (!(c)) {                                                                                            \
			printf("bigio_signal: check %d failed (errno %d)\n", code, errno);                             \
			return (code);                                                                                 \
		}                                                                                                      \
	} while (0)

#define RANDOM_LEN (64UL << 20)
#define NIOV       1024 /* IOV_MAX */

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* SIGALRM in `us` microseconds, from a child (no itimers needed). */
static pid_t alarm_in_us(long us)
{
	pid_t parent = getpid(), pid;

	alarms = 0;
	pid = fork();
	if (pid == 0) {
		struct timespec ts = {0, us * 1000L};
		nanosleep(&ts, NULL);
		kill(parent, SIGALRM);
		_exit(0);
	}
	return pid;
}

int main(void)
{
	struct sigaction sa;
	static struct iovec iov[NIOV];
	static char spaces[4096];
	char *buf;
	ssize_t r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0, 1);

	/* 64 MiB of random bytes take tens of milliseconds even natively. */
	buf = mmap(NULL, RANDOM_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(buf != MAP_FAILED, 2);
	CHECK(alarm_in_us(2000) > 0, 3);
	r = getrandom(buf, RANDOM_LEN, 0);
	wait(NULL);
	CHECK(alarms == 1, 3);
	CHECK(r > 0 && (size_t)r < RANDOM_LEN, 4);
	CHECK(r % 4096 == 0, 5);
	munmap(buf, RANDOM_LEN);

	/* 4 MiB of spaces to the terminal (one page, IOV_MAX times). The
	 * child must run while the write does: on one CPU it may not get
	 * the CPU before a fast console has taken all of it. */
	if (!isatty(1) || sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return 0;
	memset(spaces, ' ', sizeof(spaces));
	for (int i = 0; i < NIOV; i++)
		iov[i] = (struct iovec){spaces, sizeof(spaces)};
	/* A short delay keeps the log small; if the signal came before the
	 * write began (a slow fork), try again with a longer one. */
	for (long us = 100;; us *= 4) {
		CHECK(alarm_in_us(us) > 0, 6);
		r = writev(1, iov, NIOV);
		wait(NULL);
		CHECK(alarms == 1, 7);
		if ((size_t)r < sizeof(spaces) * NIOV || us > 10000)
			break;
	}
	CHECK(r > 0 && (size_t)r < sizeof(spaces) * NIOV, 8);
	printf("\nbigio_signal: getrandom and a terminal write stopped by a signal\n");
	return 0;
}
