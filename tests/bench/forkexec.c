/* fork + exec of /bin/true + wait. Prints microseconds per round. An
 * argument names the binary to run as "true" (natively: /bin/busybox, so
 * every run execs the same static busybox). */
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 200

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/bin/true";
	double t0 = now_ns(), t1;

	for (int i = 0; i < ROUNDS; i++) {
		pid_t p = fork();
		int st;
		if (p == 0) {
			execl(path, "true", (char *)NULL);
			_exit(127);
		}
		if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("BENCH fork_exec_wait_us failed\n");
			return 1;
		}
	}
	t1 = now_ns();
	printf("BENCH fork_exec_wait_us %.1f\n", (t1 - t0) / ROUNDS / 1000);
	return 0;
}
