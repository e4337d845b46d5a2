/* Pipe throughput between two processes. Prints MB/s. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 65536
#define TOTAL (64L << 20)

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(void)
{
	static char buf[CHUNK];
	int fds[2];
	long got = 0;
	double t0, t1;
	pid_t p;

	if (pipe(fds) != 0)
		return 1;
	t0 = now_ns();
	p = fork();
	if (p == 0) {
		close(fds[0]);
		memset(buf, 'x', sizeof(buf));
		for (long sent = 0; sent < TOTAL;) {
			ssize_t n = write(fds[1], buf, sizeof(buf));
			if (n <= 0)
				_exit(1);
			sent += n;
		}
		_exit(0);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n = read(fds[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		got += n;
	}
	waitpid(p, NULL, 0);
	t1 = now_ns();
	if (got != TOTAL) {
		printf("BENCH pipe_mb_per_s failed\n");
		return 1;
	}
	printf("BENCH pipe_mb_per_s %.1f\n", (double)TOTAL / (1 << 20) / ((t1 - t0) / 1e9));
	return 0;
}
