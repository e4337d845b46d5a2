#define _GNU_SOURCE
/* Exercises the address-space syscalls; exits 0 when all behave as on Linux. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CHECK(c, code) do { if (!(c)) return (code); } while (0)

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p, *q, *b0, *b1;

	/* Anonymous memory starts zeroed and is writable. */
	p = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, 10);
	for (long i = 0; i < 16 * pg; i++)
		CHECK(p[i] == 0, 11);
	memset(p, 0x5a, 16 * pg);
	/* Punch a hole, then map it again: zeros. */
	CHECK(munmap(p + 4 * pg, 2 * pg) == 0, 12);
	q = mmap(p + 4 * pg, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(q == p + 4 * pg, 13);
	CHECK(q[0] == 0 && p[3 * pg] == 0x5a && p[6 * pg] == 0x5a, 14);
	/* Bad arguments get the right errno. */
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL, 15);
	CHECK(mmap(p + 1, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED &&
		      errno == EINVAL, 16);
	/* musl rounds mprotect addresses down itself: ask the kernel directly. */
	CHECK(syscall(SYS_mprotect, p + 1, pg, PROT_READ) == -1 && errno == EINVAL, 17);
	CHECK(munmap(p + 1, pg) == -1 && errno == EINVAL, 18);
	/* mremap grows and keeps contents. */
	q = mremap(p, 16 * pg, 64 * pg, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED && q[0] == 0x5a && q[15 * pg] == 0x5a && q[40 * pg] == 0, 19);
	CHECK(munmap(q, 64 * pg) == 0, 20);
	/* brk grows the heap; new memory is zero (musl's sbrk only reads it). */
	b0 = (char *)syscall(SYS_brk, 0);
	b1 = (char *)syscall(SYS_brk, b0 + 3 * pg);
	CHECK(b1 == b0 + 3 * pg && b0[0] == 0 && b0[3 * pg - 1] == 0, 21);
	b0[100] = 7;
	CHECK((char *)syscall(SYS_brk, b0) == b0, 22);
	CHECK((char *)syscall(SYS_brk, b0 - (1L << 40)) == b0, 23); /* below the start: unchanged */
	/* mprotect to read-only keeps the data readable. */
	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 9;
	CHECK(mprotect(p, pg, PROT_READ) == 0 && p[0] == 9, 24);
	/* A write through a syscall into read-only memory fails with EFAULT. */
	CHECK(read(-1, p, 1) == -1 && errno == EBADF, 25);
	return 0;
}
