/* Kernel-side copies between files (sendfile, copy_file_range) and the
 * write-back calls (sync, syncfs, fsync, fdatasync): tmpfs has nothing to
 * write back, so those validate their descriptor and succeed. */
#include <kern/mm.h>
#include <kern/proc.h>
#include <kern/syscall.h>

#include "sys_fs.h"
#include "uaccess.h"

#define XFER_CHUNK   65536
#define MAX_RW_COUNT 0x7ffff000UL /* Linux's cap on one read, write or sendfile */

/* Copies up to len bytes from `in` (at *in_off, or its position if NULL)
 * to `out` (likewise); stops at EOF, a short write, or a pending signal
 * once something was copied: an endless source (/dev/zero) must not hold
 * the CPU for gigabytes with the caller unkillable. */
static long copy_between(struct file *in, int64_t *in_off, struct file *out, int64_t *out_off, size_t len)
{
	uint8_t *buf = kmalloc(MIN(len, (size_t)XFER_CHUNK) + 1);
	size_t done = 0;
	long err = 0;

	if (!buf)
		return -ENOMEM;
	while (done < len) {
		size_t n = MIN(len - done, (size_t)XFER_CHUNK);
		if (done && current_signal_pending())
			break;
		ssize_t r = in_off ? vfs_pread(in, buf, n, *in_off) : vfs_read(in, buf, n);
		ssize_t w;
		if (r <= 0) {
			err = r;
			break;
		}
		w = out_off ? vfs_pwrite(out, buf, (size_t)r, *out_off) : vfs_write(out, buf, (size_t)r);
		if (w < 0) {
			err = w;
			/* Linux's sendfile has consumed the input it read; so do we
			 * when reading at an explicit offset (nothing to undo). */
			break;
		}
		if (in_off)
			*in_off += w;
		if (out_off)
			*out_off += w;
		done += (size_t)w;
		if (w < r || (size_t)r < n)
			break;
	}
	kfree(buf);
	return done ? (long)done : err;
}

static bool readable(const struct file *f)
{
	return !(f->flags & O_PATH) && ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_ACCMODE) == O_RDWR);
}

static bool writable(const struct file *f)
{
	return !(f->flags & O_PATH) && ((f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_ACCMODE) == O_RDWR);
}

long sys_sendfile(long out_fd, long in_fd, long uoff, long count, long a4, long a5)
{
	struct file *in = fs_file(in_fd), *out = fs_file(out_fd);
	int64_t off = 0;
	long r;

	if (!in || !out || !readable(in) || !writable(out)) {
		r = -EBADF;
		goto done;
	}
	if (out->flags & O_APPEND) {
		r = -EINVAL;
		goto done;
	}
	if (uoff && get_user(off, uoff)) {
		r = -EFAULT;
		goto done;
	}
	if (count < 0 || off < 0) {
		r = -EINVAL;
		goto done;
	}
	r = copy_between(in, uoff ? &off : NULL, out, NULL, MIN((size_t)count, MAX_RW_COUNT));
	if (uoff && put_user(off, uoff))
		r = -EFAULT;
done:
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return r;
}

/* Linux's order: descriptors, offsets, flags, file kinds and modes, then
 * the ranges. The length is cut to the input's end before the overlap
 * and range checks, so a huge length past EOF copies nothing, legally. */
long sys_copy_file_range(long fd_in, long uoff_in, long fd_out, long uoff_out, long len, long flags)
{
	struct file *in = fs_file(fd_in), *out = fs_file(fd_out);
	int64_t off_in = 0, off_out = 0;
	uint64_t count = (uint64_t)len, size;
	long r = 0;

	if (!in || !out || (in->flags & O_PATH) || (out->flags & O_PATH))
		r = -EBADF;
	else if ((uoff_in && get_user(off_in, uoff_in)) || (uoff_out && get_user(off_out, uoff_out)))
		r = -EFAULT;
	else if ((uint32_t)flags)
		r = -EINVAL;
	else if (S_ISDIR(in->inode ? in->inode->mode : 0) || S_ISDIR(out->inode ? out->inode->mode : 0))
		r = -EISDIR;
	else if (!in->inode || !out->inode || !S_ISREG(in->inode->mode) || !S_ISREG(out->inode->mode))
		r = -EINVAL;
	else if (!readable(in) || !writable(out) || (out->flags & O_APPEND))
		r = -EBADF;
	if (r)
		goto done;
	if (!uoff_in)
		off_in = (int64_t)__atomic_load_n(&in->pos, __ATOMIC_RELAXED);
	if (!uoff_out)
		off_out = (int64_t)__atomic_load_n(&out->pos, __ATOMIC_RELAXED);
	if ((uint64_t)off_in + count < (uint64_t)off_in || (uint64_t)off_out + count < (uint64_t)off_out) {
		r = -EOVERFLOW;
		goto done;
	}
	size = __atomic_load_n(&in->inode->size, __ATOMIC_RELAXED);
	count = off_in >= 0 && (uint64_t)off_in >= size ? 0 : MIN(count, size - (uint64_t)off_in);
	if (off_out >= 0)
		count = MIN(count, (uint64_t)(INT64_MAX - off_out));
	/* The same file with overlapping ranges is refused, as on Linux. */
	if (in->inode == out->inode && off_in < off_out + (int64_t)count && off_out < off_in + (int64_t)count) {
		r = -EINVAL;
		goto done;
	}
	if (off_in < 0 || off_out < 0) {
		r = -EINVAL;
		goto done;
	}
	if (count == 0)
		goto done;
	r = copy_between(in, &off_in, out, &off_out, MIN((size_t)count, MAX_RW_COUNT));
	if (r > 0) {
		if (uoff_in ? put_user(off_in, uoff_in)
		            : (__atomic_store_n(&in->pos, (uint64_t)off_in, __ATOMIC_RELAXED), 0))
			r = -EFAULT;
		if (uoff_out ? put_user(off_out, uoff_out)
		             : (__atomic_store_n(&out->pos, (uint64_t)off_out, __ATOMIC_RELAXED), 0))
			r = -EFAULT;
	}
done:
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return r;
}

long sys_sync(long a0, long a1, long a2, long a3, long a4, long a5)
{
	return 0; /* every file system is in memory */
}

long sys_syncfs(long fd, long a1, long a2, long a3, long a4, long a5)
{
	struct file *f = fs_file(fd);

	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

/* fsync on a regular file or directory succeeds (tmpfs: nothing to write
 * back); pipes, ttys and devices cannot be synced: EINVAL, as on Linux. */
static long fsync_common(long fd)
{
	struct file *f = fs_file(fd);
	long r;

	if (!f)
		return -EBADF;
	if (f->flags & O_PATH)
		r = -EBADF;
	else if (f->inode && (S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode)))
		r = 0;
	else
		r = -EINVAL;
	file_put(f);
	return r;
}

long sys_fsync(long fd, long a1, long a2, long a3, long a4, long a5)
{
	return fsync_common(fd);
}

long sys_fdatasync(long fd, long a1, long a2, long a3, long a4, long a5)
{
	return fsync_common(fd);
}
