/* Null system call latency: getppid in a loop. Prints ns per call. */
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CALLS 200000

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(void)
{
	double t0, t1;

	for (int i = 0; i < 1000; i++) /* warm up */
		syscall(SYS_getppid);
	t0 = now_ns();
	for (int i = 0; i < CALLS; i++)
		syscall(SYS_getppid);
	t1 = now_ns();
	printf("BENCH null_syscall_ns %.1f\n", (t1 - t0) / CALLS);
	return 0;
}
