/* read/write and friends on descriptors. */
#include <kern/errno.h>
#include <kern/fdtable.h>
#include <kern/mm.h>
#include <kern/syscall.h>
#include <kern/vfs.h>

#include "uaccess.h"

#define IO_CHUNK 65536
#define IOV_MAX 1024

struct linux_iovec {
	uint64_t base, len;
};

static struct file *get_file(long fd)
{
	return fd < 0 || fd > 0x7fffffffL ? NULL : fdt_lookup(proc_current()->fds, (int)fd);
}

/* Moves up to len bytes between the file and user memory through a kernel
 * bounce buffer; a short transfer ends the loop, as on Linux. */
static long file_io(struct file *f, uintptr_t ubuf, size_t len, bool is_write)
{
	size_t done = 0;
	uint8_t *buf;

	if ((long)len < 0)
		return -EINVAL;
	buf = kmalloc(MIN(len, (size_t)IO_CHUNK) + 1);
	if (!buf)
		return -ENOMEM;
	while (done < len) {
		size_t n = MIN(len - done, (size_t)IO_CHUNK);
		ssize_t r;
		if (is_write) {
			if (get_user_buf(buf, ubuf + done, n)) {
				r = -EFAULT;
			} else {
				r = vfs_write(f, buf, n);
			}
		} else {
			r = vfs_read(f, buf, n);
			if (r > 0 && put_user_buf(ubuf + done, buf, (size_t)r))
				r = -EFAULT;
		}
		if (r < 0) {
			kfree(buf);
			return done ? (long)done : r;
		}
		done += (size_t)r;
		if ((size_t)r < n)
			break;
	}
	kfree(buf);
	return (long)done;
}

/* read(2) and write(2): the descriptor, then access_ok, then the transfer. */
static long rw_syscall(long fd, long ubuf, long len, bool is_write)
{
	struct file *f = get_file(fd);
	long r;

	if (!f)
		return -EBADF;
	if (!user_range_ok((uintptr_t)ubuf, (size_t)len)) {
		file_put(f);
		return -EFAULT;
	}
	r = file_io(f, (uintptr_t)ubuf, (size_t)len, is_write);
	file_put(f);
	return r;
}

long sys_read(long fd, long ubuf, long len, long a3, long a4, long a5)
{
	return rw_syscall(fd, ubuf, len, false);
}

long sys_write(long fd, long ubuf, long len, long a3, long a4, long a5)
{
	return rw_syscall(fd, ubuf, len, true);
}

static long vector_io(long fd, long uiov, long iovcnt, bool is_write)
{
	struct linux_iovec iov;
	struct file *f;
	long total = 0;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	f = get_file(fd);
	if (!f)
		return -EBADF;
	for (long i = 0; i < iovcnt; i++) {
		long r;
		if (get_user(iov, uiov + i * (long)sizeof(iov))) {
			total = total ? total : -EFAULT;
			break;
		}
		if ((long)iov.len < 0) {
			total = total ? total : -EINVAL;
			break;
		}
		if (iov.len == 0)
			continue;
		r = file_io(f, iov.base, iov.len, is_write);
		if (r < 0) {
			total = total ? total : r;
			break;
		}
		total += r;
		if ((uint64_t)r < iov.len)
			break;
	}
	file_put(f);
	return total;
}

long sys_readv(long fd, long uiov, long iovcnt, long a3, long a4, long a5)
{
	return vector_io(fd, uiov, iovcnt, false);
}

long sys_writev(long fd, long uiov, long iovcnt, long a3, long a4, long a5)
{
	return vector_io(fd, uiov, iovcnt, true);
}

long sys_close(long fd, long a1, long a2, long a3, long a4, long a5)
{
	if (fd < 0 || fd > 0x7fffffffL)
		return -EBADF;
	return fdt_close(proc_current()->fds, (int)fd);
}

long sys_ioctl(long fd, long cmd, long arg, long a3, long a4, long a5)
{
	struct file *f = get_file(fd);
	long r;

	if (!f)
		return -EBADF;
	r = vfs_ioctl(f, (unsigned)cmd, (uintptr_t)arg);
	file_put(f);
	return r;
}
