/* Address-space stress: thousands of random mmap/munmap/mprotect/mremap/brk
 * operations on a model of which pages hold which pattern, verified after
 * every step that moves data; then MAP_SHARED and MAP_PRIVATE across fork,
 * and MADV_DONTNEED. Exits 0 when all behave as on Linux; otherwise the
 * number of the first check that failed. Runs on Linux too. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(c, code) do { if (!(c)) { printf("mmstress: check %d failed (errno %d) at op %d\n", code, errno, op); return (code); } } while (0)

#define PG 4096UL
#define SLOTS 24
#define MAXPAGES 16
#define OPS 3000

static int op;
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Each slot is one mapping of npages; page i holds pattern tag+i in every
 * word (tag 0: the page must read as zeros). */
struct slot {
	char *addr;
	size_t npages;
	int prot;
	int split; /* may span several areas (Linux does not always merge), so no mremap */
	uint32_t tag[MAXPAGES * 2];
};
static struct slot slots[SLOTS];

static void fill(char *p, uint32_t tag)
{
	uint64_t *w = (uint64_t *)p;
	for (size_t i = 0; i < PG / 8; i += 1)
		w[i] = tag ? ((uint64_t)tag << 32 | i) : 0;
}

static int verify(const char *p, uint32_t tag)
{
	const uint64_t *w = (const uint64_t *)p;
	for (size_t i = 0; i < PG / 8; i += 7)
		if (w[i] != (tag ? ((uint64_t)tag << 32 | i) : 0))
			return 0;
	return 1;
}

static int verify_slot(struct slot *s)
{
	if (!(s->prot & PROT_READ))
		return 1;
	for (size_t i = 0; i < s->npages; i++)
		if (!verify(s->addr + i * PG, s->tag[i]))
			return 0;
	return 1;
}

static uint32_t next_tag = 1;

static int random_ops(void)
{
	for (op = 0; op < OPS; op++) {
		struct slot *s = &slots[rnd() % SLOTS];
		unsigned what = rnd() % 8;

		if (!s->addr) {
			/* Map, sometimes populated, and fill some pages. */
			s->npages = 1 + rnd() % MAXPAGES;
			s->prot = PROT_READ | PROT_WRITE;
			s->split = 0;
			s->addr = mmap(NULL, s->npages * PG, s->prot,
				       MAP_PRIVATE | MAP_ANONYMOUS | (rnd() % 4 == 0 ? MAP_POPULATE : 0), -1, 0);
			CHECK(s->addr != MAP_FAILED, 10);
			CHECK(((uintptr_t)s->addr & (PG - 1)) == 0, 11);
			for (size_t i = 0; i < s->npages; i++) {
				s->tag[i] = rnd() % 3 ? next_tag++ : 0;
				if (s->tag[i])
					fill(s->addr + i * PG, s->tag[i]);
			}
			CHECK(verify_slot(s), 12);
			continue;
		}
		switch (what) {
		case 0: /* unmap entirely */
			CHECK(verify_slot(s), 20);
			CHECK(munmap(s->addr, s->npages * PG) == 0, 21);
			s->addr = NULL;
			break;
		case 1: { /* mprotect a middle range read-only, then back */
			size_t a = rnd() % s->npages, n = 1 + rnd() % (s->npages - a);
			CHECK(mprotect(s->addr + a * PG, n * PG, PROT_READ) == 0, 30);
			for (size_t i = a; i < a + n; i++)
				CHECK(verify(s->addr + i * PG, s->tag[i]), 31);
			CHECK(mprotect(s->addr + a * PG, n * PG, PROT_READ | PROT_WRITE) == 0, 32);
			s->split = 1;
			if (s->prot & PROT_READ)
				CHECK(verify_slot(s), 33);
			break;
		}
		case 2: { /* grow with mremap (may move) */
			if (s->split) { /* copy into one fresh mapping instead */
				char *n = mmap(NULL, s->npages * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
				CHECK(n != MAP_FAILED, 44);
				memcpy(n, s->addr, s->npages * PG);
				CHECK(munmap(s->addr, s->npages * PG) == 0, 45);
				s->addr = n;
				s->split = 0;
				CHECK(verify_slot(s), 46);
				break;
			}
			size_t grow = 1 + rnd() % MAXPAGES;
			char *n = mremap(s->addr, s->npages * PG, (s->npages + grow) * PG, MREMAP_MAYMOVE);
			CHECK(n != MAP_FAILED, 40);
			s->addr = n;
			for (size_t i = s->npages; i < s->npages + grow; i++)
				s->tag[i] = 0;
			s->npages += grow;
			CHECK(verify_slot(s), 41);
			if (s->npages > MAXPAGES) { /* shrink back in place */
				n = mremap(s->addr, s->npages * PG, MAXPAGES * PG, 0);
				CHECK(n == s->addr, 42);
				s->npages = MAXPAGES;
				CHECK(verify_slot(s), 43);
			}
			break;
		}
		case 3: { /* munmap the tail */
			if (s->npages < 2)
				break;
			size_t keep = 1 + rnd() % (s->npages - 1);
			CHECK(munmap(s->addr + keep * PG, (s->npages - keep) * PG) == 0, 50);
			s->npages = keep;
			CHECK(verify_slot(s), 51);
			break;
		}
		case 4: { /* MADV_DONTNEED a range: it reads back as zeros */
			size_t a = rnd() % s->npages, n = 1 + rnd() % (s->npages - a);
			CHECK(madvise(s->addr + a * PG, n * PG, MADV_DONTNEED) == 0, 60);
			for (size_t i = a; i < a + n; i++)
				s->tag[i] = 0;
			CHECK(verify_slot(s), 61);
			break;
		}
		case 5: { /* rewrite one page */
			size_t i = rnd() % s->npages;
			s->tag[i] = next_tag++;
			fill(s->addr + i * PG, s->tag[i]);
			CHECK(verify_slot(s), 70);
			break;
		}
		case 6: { /* move to a fixed new place with MREMAP_FIXED */
			if (s->split)
				break;
			char *dst = mmap(NULL, s->npages * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			CHECK(dst != MAP_FAILED, 80);
			char *n = mremap(s->addr, s->npages * PG, s->npages * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
			CHECK(n == dst, 81);
			s->addr = n;
			CHECK(verify_slot(s), 82);
			break;
		}
		case 7: { /* replace a page with MAP_FIXED: it is zero, neighbours keep theirs */
			size_t i = rnd() % s->npages;
			char *n = mmap(s->addr + i * PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				       -1, 0);
			CHECK(n == s->addr + i * PG, 90);
			s->tag[i] = 0;
			s->split = 1;
			CHECK(verify_slot(s), 91);
			break;
		}
		}
	}
	for (int i = 0; i < SLOTS; i++)
		if (slots[i].addr) {
			CHECK(verify_slot(&slots[i]), 95);
			CHECK(munmap(slots[i].addr, slots[i].npages * PG) == 0, 96);
		}
	return 0;
}

static int brk_ops(void)
{
	char *base = (char *)syscall(SYS_brk, 0), *cur = base;
	size_t top = 0; /* bytes in use above base */

	CHECK(base != NULL && base != (char *)-1, 100);
	for (op = 0; op < 400; op++) {
		size_t want = (rnd() % 64) * 1024 + rnd() % 1024;
		char *r = (char *)syscall(SYS_brk, base + want);
		CHECK(r == base + want, 101);
		/* Bytes kept from before still hold their pattern. */
		size_t kept = want < top ? want : top;
		for (size_t i = 0; i < kept; i += 509)
			CHECK((unsigned char)base[i] == (unsigned char)(i * 31 + 7), 102);
		/* Whole pages newly exposed are zero (Linux clears freed brk pages). */
		for (size_t i = (top + PG - 1) & ~(PG - 1); i < want; i += 509)
			CHECK(base[i] == 0, 103);
		for (size_t i = 0; i < want; i++)
			base[i] = (char)(i * 31 + 7);
		top = want;
		cur = r;
	}
	CHECK((char *)syscall(SYS_brk, base) == base, 104);
	(void)cur;
	return 0;
}

static int fork_ops(void)
{
	size_t n = 64;
	int st;
	pid_t p;

	/* Shared anonymous memory: the child's writes are the parent's. */
	char *sh = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED, 200);
	for (size_t i = 0; i < n; i += 2)
		fill(sh + i * PG, 5000 + i);
	/* Private memory: copy-on-write. */
	char *pr = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(pr != MAP_FAILED, 201);
	for (size_t i = 0; i < n; i += 2)
		fill(pr + i * PG, 6000 + i);
	p = fork();
	CHECK(p >= 0, 202);
	if (p == 0) {
		for (size_t i = 0; i < n; i++) {
			if (!verify(sh + i * PG, i % 2 ? 0 : 5000 + i) || !verify(pr + i * PG, i % 2 ? 0 : 6000 + i))
				_exit(1);
			fill(sh + i * PG, 7000 + i);
			fill(pr + i * PG, 8000 + i);
		}
		/* A grandchild sees the child's writes in both. */
		pid_t g = fork();
		if (g == 0) {
			for (size_t i = 0; i < n; i++)
				if (!verify(sh + i * PG, 7000 + i) || !verify(pr + i * PG, 8000 + i))
					_exit(2);
			fill(sh, 9999);
			_exit(0);
		}
		if (g < 0 || waitpid(g, &st, 0) != g || st != 0)
			_exit(3);
		_exit(verify(sh, 9999) ? 0 : 4);
	}
	CHECK(waitpid(p, &st, 0) == p, 203);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, 204);
	CHECK(verify(sh, 9999), 205);
	for (size_t i = 1; i < n; i++)
		CHECK(verify(sh + i * PG, 7000 + i), 206);
	for (size_t i = 0; i < n; i++)
		CHECK(verify(pr + i * PG, i % 2 ? 0 : 6000 + i), 207);

	/* The parent writes after fork: the child keeps the old contents. */
	int pfd[2];
	CHECK(pipe(pfd) == 0, 210);
	p = fork();
	CHECK(p >= 0, 211);
	if (p == 0) {
		char c;
		close(pfd[1]);
		if (read(pfd[0], &c, 1) != 1)
			_exit(5);
		for (size_t i = 0; i < n; i++)
			if (!verify(pr + i * PG, i % 2 ? 0 : 6000 + i))
				_exit(6);
		_exit(verify(sh, 1234) ? 0 : 7);
	}
	close(pfd[0]);
	for (size_t i = 0; i < n; i++)
		fill(pr + i * PG, 1111);
	fill(sh, 1234);
	CHECK(write(pfd[1], "x", 1) == 1, 212);
	close(pfd[1]);
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0, 213);

	/* MADV_DONTNEED on shared memory keeps the data (it is in the object);
	 * on private memory it zeroes. */
	CHECK(madvise(pr, n * PG, MADV_DONTNEED) == 0, 220);
	for (size_t i = 0; i < n; i++)
		CHECK(verify(pr + i * PG, 0), 221);
	CHECK(madvise(sh, n * PG, MADV_DONTNEED) == 0, 222);
	CHECK(verify(sh, 1234) && verify(sh + PG, 7001), 223);
	CHECK(munmap(sh, n * PG) == 0 && munmap(pr, n * PG) == 0, 224);
	return 0;
}

int main(void)
{
	int r;

	if ((r = random_ops()) != 0)
		return r;
	if ((r = brk_ops()) != 0)
		return r;
	if ((r = fork_ops()) != 0)
		return r;
	printf("mmstress: all checks passed\n");
	return 0;
}
