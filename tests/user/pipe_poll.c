/* Pipes and poll/select from user space: data, FIONREAD, EOF, EPIPE,
 * pipe2 flags, poll/ppoll/select/pselect readiness and timeouts, POLLNVAL
 * and EBADF. Exits 0 when all is well, else the number of the failed
 * check. With argument "sigpipe" it writes to a pipe without readers and
 * should die of SIGPIPE. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

static int check_no;

#define CHECK(cond)                  \
	do {                         \
		check_no++;          \
		if (!(cond))         \
			return check_no; \
	} while (0)

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static int pipe_basics(void)
{
	int fds[2], n = -1;
	char buf[8];

	CHECK(pipe(fds) == 0);
	CHECK(write(fds[1], "abc", 3) == 3);
	CHECK(ioctl(fds[0], FIONREAD, &n) == 0 && n == 3);
	CHECK(read(fds[0], buf, sizeof(buf)) == 3 && memcmp(buf, "abc", 3) == 0);
	CHECK(lseek(fds[0], 0, SEEK_SET) == -1);
	CHECK(close(fds[1]) == 0);
	CHECK(read(fds[0], buf, sizeof(buf)) == 0);
	CHECK(close(fds[0]) == 0);

	CHECK(pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0);
	CHECK(read(fds[0], buf, 1) == -1 && errno == EAGAIN);
	n = 0;
	CHECK(ioctl(fds[0], FIONBIO, &n) == 0);
	CHECK(close(fds[0]) == 0 && close(fds[1]) == 0);
	CHECK(pipe2(fds, 0x40 /* O_CREAT: not a pipe2 flag */) == -1 && errno == EINVAL);

	/* EPIPE with SIGPIPE ignored. */
	CHECK(pipe(fds) == 0);
	CHECK(close(fds[0]) == 0);
	CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
	CHECK(write(fds[1], "x", 1) == -1 && errno == EPIPE);
	CHECK(close(fds[1]) == 0);
	return 0;
}

static int poll_checks(void)
{
	struct pollfd p[3];
	struct timespec t0, ts = {0, 20 * 1000000};
	sigset_t mask;
	int fds[2];

	CHECK(pipe(fds) == 0);
	p[0] = (struct pollfd){fds[0], POLLIN, 0};
	p[1] = (struct pollfd){fds[1], POLLOUT, 0};
	CHECK(poll(p, 1, 0) == 0 && p[0].revents == 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(poll(p, 1, 50) == 0);
	CHECK(elapsed_ms(&t0) >= 50);
	CHECK(poll(p, 2, -1) == 1 && p[1].revents == POLLOUT);
	CHECK(write(fds[1], "z", 1) == 1);
	CHECK(poll(p, 2, -1) == 2 && p[0].revents == POLLIN);
	/* A bad descriptor is reported, a negative one ignored. */
	p[2] = (struct pollfd){99, POLLIN, 0};
	p[1].fd = -1;
	CHECK(poll(p, 3, 0) == 2 && p[2].revents == POLLNVAL && p[1].revents == 0);
	/* ppoll with a timeout and a signal mask. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	CHECK(ppoll(p, 1, &ts, &mask) == 1);
	char c;
	CHECK(read(fds[0], &c, 1) == 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(ppoll(p, 1, &ts, &mask) == 0);
	CHECK(elapsed_ms(&t0) >= 20);
	CHECK(close(fds[1]) == 0);
	CHECK(poll(p, 1, -1) == 1 && (p[0].revents & POLLHUP));
	CHECK(close(fds[0]) == 0);
	return 0;
}

static int select_checks(void)
{
	struct timeval tv = {0, 30000};
	struct timespec t0, ts = {0, 10 * 1000000};
	fd_set r, w;
	int fds[2];

	CHECK(pipe(fds) == 0);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(fds[0], &r);
	FD_SET(fds[1], &w);
	CHECK(select(fds[1] + 1, &r, &w, NULL, NULL) == 1);
	CHECK(!FD_ISSET(fds[0], &r) && FD_ISSET(fds[1], &w));
	FD_SET(fds[0], &r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(select(fds[0] + 1, &r, NULL, NULL, &tv) == 0);
	CHECK(elapsed_ms(&t0) >= 30);
	CHECK(write(fds[1], "q", 1) == 1);
	FD_SET(fds[0], &r);
	CHECK(pselect(fds[0] + 1, &r, NULL, NULL, &ts, NULL) == 1 && FD_ISSET(fds[0], &r));
	FD_ZERO(&r);
	FD_SET(90, &r);
	CHECK(select(91, &r, NULL, NULL, NULL) == -1 && errno == EBADF);
	CHECK(select(-1, NULL, NULL, NULL, &tv) == -1 && errno == EINVAL);
	CHECK(close(fds[0]) == 0 && close(fds[1]) == 0);
	return 0;
}

int main(int argc, char **argv)
{
	int r;

	if (argc == 2 && strcmp(argv[1], "sigpipe") == 0) {
		int fds[2];
		if (pipe(fds) || close(fds[0]))
			return 1;
		write(fds[1], "x", 1);
		return 2; /* SIGPIPE should have ended us */
	}
	if ((r = pipe_basics()) || (r = poll_checks()) || (r = select_checks()))
		return r;
	return 0;
}
