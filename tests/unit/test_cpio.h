/* What the host side of the cpio oracle test (test_cpio.c, libc headers)
 * hands to its kernel side (test_cpio_kernel.c, kernel headers): plain
 * types only, since the two header worlds define the same names. */
#ifndef TESTS_UNIT_TEST_CPIO_H
#define TESTS_UNIT_TEST_CPIO_H
#include <stddef.h>

#define CPIO_MAX_ENTRIES 64

struct cpio_expect {
	char path[256]; /* relative, without "./" */
	unsigned mode;  /* S_IF* type and permission bits, Linux values */
	unsigned long long size;
	unsigned nlink, uid, gid;
	long long mtime; /* seconds */
	unsigned rdev_major, rdev_minor;
	char target[256];            /* symlinks */
	const unsigned char *data;   /* regular files: size bytes */
	unsigned long long host_ino; /* to check hard links share an inode */
};

extern struct cpio_expect cpio_expected[CPIO_MAX_ENTRIES];
extern int cpio_nexpected;
extern unsigned char *cpio_archive;
extern size_t cpio_archive_len;

/* Kernel side, run as the booted kernel's init task: 0 if the kernel's
 * unpack of the archive matches every expected entry. */
int cpio_kernel_compare(void);
/* Kernel side: every truncation and a set of corruptions of the archive
 * must be rejected cleanly and without leaks; returns the failures. */
int cpio_kernel_reject_corrupt(void);
#endif
