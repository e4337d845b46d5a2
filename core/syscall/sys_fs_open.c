/* open/openat/creat and positioned I/O: lseek, pread64, pwrite64. */
#include <kern/mm.h>
#include <kern/syscall.h>

#include "sys_fs.h"
#include "uaccess.h"

#define PIO_CHUNK 65536

static long do_openat(long dirfd, long upath, long flags, long mode)
{
	struct fs_call c;
	struct file *f;
	unsigned umask = proc_current()->umask;
	long fd;
	int err = fs_call_at(&c, dirfd, upath, 0);

	/* x86-64 Linux opens everything as large-file; F_GETFL shows it. */
	if (!err)
		err = vfs_openat(&c.ctx, c.dir, c.path, (int)flags | O_LARGEFILE, (uint32_t)mode & 07777 & ~umask, &f);
	fs_call_end(&c);
	if (err)
		return err;
	fd = fdt_install(proc_current()->fds, f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_open(long upath, long flags, long mode, long a3, long a4, long a5)
{
	return do_openat(AT_FDCWD, upath, (int)flags, (uint32_t)mode);
}

long sys_openat(long dirfd, long upath, long flags, long mode, long a4, long a5)
{
	return do_openat(dirfd, upath, (int)flags, (uint32_t)mode);
}

long sys_creat(long upath, long mode, long a2, long a3, long a4, long a5)
{
	return do_openat(AT_FDCWD, upath, O_CREAT | O_WRONLY | O_TRUNC, (uint32_t)mode);
}

long sys_lseek(long fd, long off, long whence, long a3, long a4, long a5)
{
	struct file *f = fs_file(fd);
	long r;

	if (!f)
		return -EBADF;
	r = (uint32_t)whence > SEEK_HOLE ? -EINVAL : vfs_lseek(f, off, (int)whence);
	file_put(f);
	return r;
}

/* pread/pwrite through a bounce buffer, chunk by chunk; a short transfer
 * ends the loop. */
static long positioned_io(long fd, uintptr_t ubuf, size_t len, long off, bool is_write)
{
	struct file *f;
	size_t done = 0;
	uint8_t *buf;
	long err = 0;

	f = fs_file(fd);
	if (!f)
		return -EBADF;
	/* Linux's order: the descriptor, then access_ok (EFAULT for a huge or
	 * negative length), then the offset. */
	if (!user_range_ok(ubuf, len)) {
		file_put(f);
		return -EFAULT;
	}
	if (off < 0) {
		file_put(f);
		return -EINVAL;
	}
	buf = kmalloc(MIN(len, (size_t)PIO_CHUNK) + 1);
	if (!buf) {
		file_put(f);
		return -ENOMEM;
	}
	while (done < len || (len == 0 && done == 0)) {
		size_t n = MIN(len - done, (size_t)PIO_CHUNK);
		ssize_t r;
		if (is_write) {
			r = get_user_buf(buf, ubuf + done, n) ? -EFAULT : vfs_pwrite(f, buf, n, off + (long)done);
		} else {
			r = vfs_pread(f, buf, n, off + (long)done);
			if (r > 0 && put_user_buf(ubuf + done, buf, (size_t)r))
				r = -EFAULT;
		}
		if (r < 0) {
			err = r;
			break;
		}
		done += (size_t)r;
		if ((size_t)r < n || len == 0)
			break;
	}
	kfree(buf);
	file_put(f);
	return done ? (long)done : err;
}

long sys_pread64(long fd, long ubuf, long len, long off, long a4, long a5)
{
	return positioned_io(fd, (uintptr_t)ubuf, (size_t)len, off, false);
}

long sys_pwrite64(long fd, long ubuf, long len, long off, long a4, long a5)
{
	return positioned_io(fd, (uintptr_t)ubuf, (size_t)len, off, true);
}
