/* pipe(2) and pipe2(2). */
#include <kern/abi/fcntl.h>
#include <kern/errno.h>
#include <kern/fdtable.h>
#include <kern/pipe.h>
#include <kern/syscall.h>

#include "uaccess.h"

static long do_pipe2(long ufds, long flags)
{
	struct fd_table *t = proc_current()->fds;
	struct file *rd, *wr;
	bool cloexec = flags & O_CLOEXEC;
	int fds[2], err;

	if (flags & ~(long)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL; /* O_DIRECT (packet mode) is not supported */
	err = pipe_create((int)flags & O_NONBLOCK, &rd, &wr);
	if (err)
		return err;
	fds[0] = fdt_install(t, rd, 0, cloexec);
	if (fds[0] < 0) {
		file_put(rd);
		file_put(wr);
		return fds[0];
	}
	fds[1] = fdt_install(t, wr, 0, cloexec);
	if (fds[1] < 0) {
		fdt_close(t, fds[0]);
		file_put(wr);
		return fds[1];
	}
	if (put_user(fds, ufds)) {
		fdt_close(t, fds[0]);
		fdt_close(t, fds[1]);
		return -EFAULT;
	}
#if defined(FUZZ_PLANTED_BUG) && FUZZ_PLANTED_BUG == 1
	/* Test-only (make fuzz-planted): the bug of a forgotten case. Only a
	 * call that gets this far (valid flags, both of them, a writable
	 * array, descriptors installed) writes through a near-NULL pointer. */
	if ((flags & (O_CLOEXEC | O_NONBLOCK)) == (O_CLOEXEC | O_NONBLOCK))
		*(volatile int *)(uintptr_t)(fds[1] & 0xf) = 1;
#endif
	return 0;
}

long sys_pipe(long ufds, long a1, long a2, long a3, long a4, long a5)
{
	return do_pipe2(ufds, 0);
}

long sys_pipe2(long ufds, long flags, long a2, long a3, long a4, long a5)
{
#if defined(FUZZ_PLANTED_BUG) && FUZZ_PLANTED_BUG == 2
	/* Test-only (FUZZ_PLANTED=2): a 32-bit magic value, which takes
	 * compare-guided mutation to find (not found in 60 s yet, see
	 * docs/fuzzing.md). pipe2's flags are an int in the ABI. */
	if ((int)flags == 0x4d48)
		*(volatile int *)(uintptr_t)(flags >> 16) = 1;
#endif
	return do_pipe2(ufds, flags);
}
