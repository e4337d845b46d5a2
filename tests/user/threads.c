/* POSIX threads as musl builds them on clone and futex: a mutex-protected
 * counter, a condition-variable producer/consumer queue, join results,
 * thread-local storage, a barrier built from a mutex and a condvar, and
 * raw futex WAIT/WAKE/BITSET/REQUEUE. Exits 0 when all behave as on Linux;
 * otherwise the number of the first check that failed. Runs on Linux too. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CHECK(c, code) do { if (!(c)) { printf("threads: check %d failed (errno %d)\n", code, errno); return (code); } } while (0)
#define TCHECK(c, code) do { if (!(c)) { printf("threads: thread check %d failed\n", code); return (void *)(intptr_t)(code); } } while (0)

/* <linux/futex.h> is not in musl's headers. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128

#define NTHREADS 6
#define INCS 2000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long tls_value = 17;
static __thread char tls_buf[64];

static void *incrementer(void *arg)
{
	long id = (long)(intptr_t)arg;

	TCHECK(tls_value == 17, 100);
	tls_value = 1000 + id;
	snprintf(tls_buf, sizeof(tls_buf), "thread %ld", id);
	for (int i = 0; i < INCS; i++) {
		pthread_mutex_lock(&lock);
		long v = counter;
		if ((i & 63) == 0)
			sched_yield(); /* invite others to contend while we hold the lock */
		counter = v + 1;
		pthread_mutex_unlock(&lock);
	}
	char want[64];
	snprintf(want, sizeof(want), "thread %ld", id);
	TCHECK(tls_value == 1000 + id && strcmp(tls_buf, want) == 0, 101);
	TCHECK(syscall(SYS_gettid) != getpid(), 102);
	return (void *)(intptr_t)(id * 3 + 1);
}

/* A bounded queue: producers block when full, consumers when empty. */
#define QSIZE 4
#define NITEMS 3000
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qnotempty = PTHREAD_COND_INITIALIZER, qnotfull = PTHREAD_COND_INITIALIZER;
static int queue[QSIZE], qhead, qcount;

static void *producer(void *arg)
{
	int base = (int)(intptr_t)arg;

	for (int i = 0; i < NITEMS; i++) {
		pthread_mutex_lock(&qlock);
		while (qcount == QSIZE)
			pthread_cond_wait(&qnotfull, &qlock);
		queue[(qhead + qcount) % QSIZE] = base + i;
		qcount++;
		pthread_cond_signal(&qnotempty);
		pthread_mutex_unlock(&qlock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	long sum = 0;
	int n = (int)(intptr_t)arg;

	for (int i = 0; i < n; i++) {
		pthread_mutex_lock(&qlock);
		while (qcount == 0)
			pthread_cond_wait(&qnotempty, &qlock);
		sum += queue[qhead];
		qhead = (qhead + 1) % QSIZE;
		qcount--;
		pthread_cond_signal(&qnotfull);
		pthread_mutex_unlock(&qlock);
	}
	return (void *)(intptr_t)sum;
}

/* A generation barrier with broadcast. */
static pthread_mutex_t block = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bcond = PTHREAD_COND_INITIALIZER;
static int bwaiting, bgen;
static int phase_log[NTHREADS][5];
static volatile int phase_now;

static void barrier_wait(void)
{
	pthread_mutex_lock(&block);
	int gen = bgen;
	if (++bwaiting == NTHREADS) {
		bwaiting = 0;
		bgen++;
		pthread_cond_broadcast(&bcond);
	} else {
		while (gen == bgen)
			pthread_cond_wait(&bcond, &block);
	}
	pthread_mutex_unlock(&block);
}

static void *phaser(void *arg)
{
	int id = (int)(intptr_t)arg;

	for (int p = 0; p < 5; p++) {
		phase_log[id][p] = bgen;
		barrier_wait();
	}
	return NULL;
}

static long futex(volatile int *uaddr, int op, int val, const struct timespec *ts, volatile int *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static volatile int fword, fword2, woken;

static void *futex_waiter(void *arg)
{
	int bits = (int)(intptr_t)arg;
	long r;

	do
		r = bits ? futex(&fword, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, bits)
			 : futex(&fword, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0);
	while (r == -1 && errno == EINTR);
	__atomic_fetch_add(&woken, 1, __ATOMIC_SEQ_CST);
	return (void *)(intptr_t)r;
}

/* Gives new waiters time to queue on their futex (there is no way to ask
 * how many are queued): yields, then a short sleep. */
static void settle(void)
{
	for (int i = 0; i < 200; i++)
		sched_yield();
	struct timespec ts = {0, 2000000};
	nanosleep(&ts, NULL);
}

static void *short_lived(void *arg)
{
	return (void *)((intptr_t)arg + 7 + tls_value - 17);
}

static void *detached(void *arg)
{
	(void)arg;
	__atomic_store_n(&fword, 1, __ATOMIC_SEQ_CST);
	futex(&fword, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS];
	void *ret;

	/* Mutex-protected counter with join results and per-thread TLS. */
	tls_value = 5;
	for (long i = 0; i < NTHREADS; i++)
		CHECK(pthread_create(&t[i], NULL, incrementer, (void *)(intptr_t)i) == 0, 10);
	for (long i = 0; i < NTHREADS; i++) {
		CHECK(pthread_join(t[i], &ret) == 0, 11);
		CHECK((intptr_t)ret == i * 3 + 1, 12);
	}
	CHECK(counter == (long)NTHREADS * INCS, 13);
	CHECK(tls_value == 5 && tls_buf[0] == 0, 14);

	/* Producer/consumer: 2 producers, 3 consumers; every item arrives once. */
	pthread_t prod[2], cons[3];
	long total = 0;
	CHECK(pthread_create(&prod[0], NULL, producer, (void *)(intptr_t)0) == 0, 20);
	CHECK(pthread_create(&prod[1], NULL, producer, (void *)(intptr_t)100000) == 0, 21);
	CHECK(pthread_create(&cons[0], NULL, consumer, (void *)(intptr_t)2000) == 0, 22);
	CHECK(pthread_create(&cons[1], NULL, consumer, (void *)(intptr_t)2000) == 0, 23);
	CHECK(pthread_create(&cons[2], NULL, consumer, (void *)(intptr_t)(2 * NITEMS - 4000)) == 0, 24);
	for (int i = 0; i < 2; i++)
		CHECK(pthread_join(prod[i], NULL) == 0, 25);
	for (int i = 0; i < 3; i++) {
		CHECK(pthread_join(cons[i], &ret) == 0, 26);
		total += (intptr_t)ret;
	}
	long want = 2L * (NITEMS - 1) * NITEMS / 2 + 100000L * NITEMS;
	CHECK(total == want && qcount == 0, 27);

	/* Barrier: every thread sees each generation in turn. */
	for (long i = 0; i < NTHREADS; i++)
		CHECK(pthread_create(&t[i], NULL, phaser, (void *)(intptr_t)i) == 0, 30);
	for (long i = 0; i < NTHREADS; i++)
		CHECK(pthread_join(t[i], NULL) == 0, 31);
	for (int i = 0; i < NTHREADS; i++)
		for (int p = 0; p < 5; p++)
			CHECK(phase_log[i][p] == p, 32);
	CHECK(bgen == 5, 33);

	/* Raw futexes. A wait on a changed value fails with EAGAIN at once. */
	fword = 1;
	CHECK(futex(&fword, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0) == -1 && errno == EAGAIN, 40);
	/* A timed wait times out. */
	struct timespec ts = {0, 5000000};
	fword = 0;
	CHECK(futex(&fword, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &ts, NULL, 0) == -1 && errno == ETIMEDOUT, 41);
	/* Waking nobody wakes 0. */
	CHECK(futex(&fword, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0) == 0, 42);
	/* WAIT then WAKE: 3 waiters, wake 2 then 1. */
	for (int i = 0; i < 3; i++)
		CHECK(pthread_create(&t[i], NULL, futex_waiter, NULL) == 0, 43);
	settle();
	CHECK(futex(&fword, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 2, NULL, NULL, 0) == 2, 44);
	settle();
	CHECK(woken == 2, 45);
	CHECK(futex(&fword, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0) == 1, 46);
	for (int i = 0; i < 3; i++) {
		CHECK(pthread_join(t[i], &ret) == 0, 47);
		CHECK(ret == 0, 48);
	}
	/* BITSET: a wake with bit 2 reaches only the waiter of bit 2. */
	woken = 0;
	CHECK(pthread_create(&t[0], NULL, futex_waiter, (void *)(intptr_t)1) == 0, 50);
	CHECK(pthread_create(&t[1], NULL, futex_waiter, (void *)(intptr_t)2) == 0, 51);
	settle();
	CHECK(futex(&fword, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 2) == 1, 52);
	CHECK(pthread_join(t[1], NULL) == 0, 53);
	CHECK(woken == 1, 54);
	CHECK(futex(&fword, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 1) == 1, 55);
	CHECK(pthread_join(t[0], NULL) == 0, 56);
	/* A zero bitset is invalid. */
	CHECK(futex(&fword, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0) == -1 && errno == EINVAL, 57);
	/* REQUEUE: 4 waiters on fword; wake 1, move the rest to fword2. */
	woken = 0;
	for (int i = 0; i < 4; i++)
		CHECK(pthread_create(&t[i], NULL, futex_waiter, NULL) == 0, 60);
	settle();
	CHECK(futex(&fword, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, (void *)(uintptr_t)INT_MAX, &fword2, 1) == -1 &&
		      errno == EAGAIN, 61); /* fword is 0, not 1 */
	CHECK(futex(&fword, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, (void *)(uintptr_t)INT_MAX, &fword2, 0) == 4, 62);
	settle();
	CHECK(woken == 1, 63);
	CHECK(futex(&fword, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0) == 0, 64);
	CHECK(futex(&fword2, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0) == 3, 65);
	for (int i = 0; i < 4; i++)
		CHECK(pthread_join(t[i], NULL) == 0, 66);
	CHECK(woken == 4, 67);

	/* Many short-lived threads: stacks, tids and CHILD_CLEARTID are reused. */
	for (long round = 0; round < 60; round++) {
		CHECK(pthread_create(&t[round % 2], NULL, short_lived, (void *)(intptr_t)round) == 0, 70);
		if (round % 2) {
			CHECK(pthread_join(t[0], &ret) == 0 && (intptr_t)ret == round - 1 + 7, 71);
			CHECK(pthread_join(t[1], &ret) == 0 && (intptr_t)ret == round + 7, 72);
		}
	}
	/* A detached thread runs to its end without a join. */
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	fword = 0;
	CHECK(pthread_create(&t[0], &attr, detached, NULL) == 0, 73);
	while (__atomic_load_n(&fword, __ATOMIC_SEQ_CST) == 0)
		futex(&fword, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0);
	printf("threads: all checks passed\n");
	return 0;
}
