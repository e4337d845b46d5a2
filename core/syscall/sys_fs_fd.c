/* Descriptor syscalls: dup, dup2, dup3 and fcntl. POSIX record locks
 * (F_GETLK/F_SETLK/F_SETLKW) are not implemented: they return EINVAL. */
#include <kern/atomic.h>
#include <kern/syscall.h>

#include "sys_fs.h"

#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC      1

/* What F_SETFL may change; other bits are ignored, as on Linux. */
#define SETFL_MASK (O_APPEND | O_NONBLOCK)

long sys_dup(long fd, long a1, long a2, long a3, long a4, long a5)
{
	struct file *f = fs_file(fd);
	int nfd;

	if (!f)
		return -EBADF;
	nfd = fdt_install(proc_current()->fds, f, 0, false);
	if (nfd < 0)
		file_put(f);
	return nfd;
}

static long dup_to(long oldfd, long newfd, bool cloexec)
{
	struct file *f;
	int r;

	newfd = (int)newfd;
	if (newfd < 0 || newfd >= FD_MAX)
		return -EBADF;
	f = fs_file(oldfd);
	if (!f)
		return -EBADF;
	r = fdt_install_at(proc_current()->fds, f, (int)newfd, cloexec);
	if (r < 0)
		file_put(f);
	return r;
}

long sys_dup2(long oldfd, long newfd, long a2, long a3, long a4, long a5)
{
	if ((int)oldfd == (int)newfd) {
		struct file *f = fs_file(oldfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return (int)newfd;
	}
	return dup_to(oldfd, newfd, false);
}

long sys_dup3(long oldfd, long newfd, long flags, long a3, long a4, long a5)
{
	if ((int)flags & ~O_CLOEXEC)
		return -EINVAL;
	if ((int)oldfd == (int)newfd)
		return -EINVAL;
	return dup_to(oldfd, newfd, flags & O_CLOEXEC);
}

static long set_fl(struct file *f, long arg)
{
	uint32_t old, nw;

	if (f->flags & O_PATH)
		return -EBADF;
	/* Another fcntl may race on the same open file: retry on change. */
	do {
		old = __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
		nw = (old & ~(uint32_t)SETFL_MASK) | ((uint32_t)arg & SETFL_MASK);
	} while (!__atomic_compare_exchange_n(&f->flags, &old, nw, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return 0;
}

long sys_fcntl(long fd, long cmd, long arg, long a3, long a4, long a5)
{
	struct fd_table *t = proc_current()->fds;
	struct file *f = fs_file(fd);
	long r;

	if (!f)
		return -EBADF;
	switch ((int)cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		arg = (int)arg; /* Linux reads F_DUPFD's argument as an int */
		if (arg < 0 || arg >= FD_MAX) {
			r = -EINVAL;
			break;
		}
		r = fdt_install(t, file_get(f), (int)arg, (int)cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		break;
	case F_GETFD:
		r = fdt_get_cloexec(t, (int)fd);
		r = r < 0 ? r : (r ? FD_CLOEXEC : 0);
		break;
	case F_SETFD: r = fdt_set_cloexec(t, (int)fd, arg & FD_CLOEXEC); break;
	case F_GETFL: r = (long)__atomic_load_n(&f->flags, __ATOMIC_RELAXED); break;
	case F_SETFL: r = set_fl(f, arg); break;
	default: r = -EINVAL; break; /* including the record locks: not implemented */
	}
	file_put(f);
	return r;
}
