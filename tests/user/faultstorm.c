/* A page-fault storm: several threads first-touch a large anonymous region
 * in random page order, then forked children write into it copy-on-write
 * while the parent keeps writing its own copy, all verified; repeated over
 * fresh regions so that hundreds of MiB are faulted in total. Exits 0 when
 * every page holds what it should; otherwise the number of the first check
 * that failed. Runs on Linux too. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(c, code) do { if (!(c)) { printf("faultstorm: check %d failed (errno %d) round %d\n", code, errno, round); return (code); } } while (0)

#define PG 4096UL
#define REGION_MB 24
#define NPAGES (REGION_MB * 256UL)
#define ROUNDS 2
#define NTHREADS 4
#define NCHILDREN 3

static int round;
static char *region;
static uint32_t perm[NPAGES];

static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The word at the start of each page and one in its middle hold a tag. */
static inline void stamp(size_t pg, uint64_t tag)
{
	uint64_t *w = (uint64_t *)(region + pg * PG);
	w[0] = tag << 24 | pg;
	w[PG / 16 + pg % 256] = ~(tag << 24 | pg);
}

static inline int stamped(size_t pg, uint64_t tag)
{
	const uint64_t *w = (const uint64_t *)(region + pg * PG);
	return w[0] == (tag << 24 | pg) && w[PG / 16 + pg % 256] == ~(tag << 24 | pg);
}

static void shuffle(uint64_t seed)
{
	for (size_t i = 0; i < NPAGES; i++)
		perm[i] = i;
	for (size_t i = NPAGES - 1; i > 0; i--) {
		size_t j = rnd(&seed) % (i + 1);
		uint32_t t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
}

/* Thread t touches every NTHREADS-th entry of the permutation: stamps it
 * with the round's tag (one page in 8 is read first: it must be zero). */
static void *toucher(void *arg)
{
	uintptr_t t = (uintptr_t)arg;
	for (size_t i = t; i < NPAGES; i += NTHREADS) {
		size_t pg = perm[i];
		const uint64_t *w = (const uint64_t *)(region + pg * PG);
		if (pg % 8 == 0 && (w[0] != 0 || w[PG / 8 - 1] != 0)) /* some first touches are reads */
			return (void *)1;
		stamp(pg, round + 1);
	}
	return NULL;
}

/* Child c rewrites the pages whose index is c mod NCHILDREN, in a random
 * order of its own, verifying every other page still holds the parent's
 * pre-fork tag. */
static int child(int c)
{
	uint64_t s = 0x1234567ULL * (c + 1) + round;
	for (size_t k = 0; k < NPAGES; k++) {
		size_t pg = rnd(&s) % NPAGES;
		if (pg % NCHILDREN == (size_t)c) {
			if (!stamped(pg, round + 1) && !stamped(pg, 100 + c))
				return 1;
			stamp(pg, 100 + c);
		}
	}
	for (size_t pg = 0; pg < NPAGES; pg++) {
		if (pg % NCHILDREN == (size_t)c)
			continue;
		if (!stamped(pg, round + 1))
			return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* "faultstorm N" runs N rounds (the ktest's default keeps hosted runs
	 * within a few seconds: a hosted page fault costs ~100 us). */
	int rounds = argc > 1 ? atoi(argv[1]) : ROUNDS;
	pthread_t th[NTHREADS];
	pid_t kids[NCHILDREN];
	void *ret;
	int st;

	for (round = 0; round < rounds; round++) {
		region = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(region != MAP_FAILED, 10);
		shuffle(rnd(&rng_state));
		for (uintptr_t t = 0; t < NTHREADS; t++)
			CHECK(pthread_create(&th[t], NULL, toucher, (void *)t) == 0, 11);
		for (int t = 0; t < NTHREADS; t++) {
			CHECK(pthread_join(th[t], &ret) == 0, 12);
			CHECK(ret == NULL, 13);
		}
		for (size_t pg = 0; pg < NPAGES; pg++)
			CHECK(stamped(pg, round + 1), 14);

		/* Copy-on-write: children write their share while the parent
		 * rewrites a random quarter of its own copy. */
		for (int c = 0; c < NCHILDREN; c++) {
			kids[c] = fork();
			CHECK(kids[c] >= 0, 20);
			if (kids[c] == 0)
				_exit(child(c));
		}
		uint64_t s = 0xabcdefULL + round;
		for (size_t k = 0; k < NPAGES / 4; k++) {
			size_t pg = rnd(&s) % NPAGES;
			stamp(pg, 200);
		}
		for (int c = 0; c < NCHILDREN; c++) {
			CHECK(waitpid(kids[c], &st, 0) == kids[c], 21);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				printf("faultstorm: child %d status %#x\n", c, st);
			CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, 22);
		}
		/* The parent sees only its own writes. */
		s = 0xabcdefULL + round;
		static uint8_t mine[NPAGES];
		memset(mine, 0, sizeof(mine));
		for (size_t k = 0; k < NPAGES / 4; k++)
			mine[rnd(&s) % NPAGES] = 1;
		for (size_t pg = 0; pg < NPAGES; pg++)
			CHECK(stamped(pg, mine[pg] ? 200 : round + 1), 23);
		CHECK(munmap(region, NPAGES * PG) == 0, 24);
	}
	printf("faultstorm: all checks passed\n");
	return 0;
}
