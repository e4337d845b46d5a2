/* Attribute syscalls: chmod, chown, truncate and the time setters
 * (utimensat, utimes, utime, futimesat). */
#include <kern/syscall.h>

#include "sys_fs.h"
#include "uaccess.h"

#define USEC_PER_SEC 1000000L

long sys_chmod(long upath, long mode, long a2, long a3, long a4, long a5)
{
	struct fs_call c;
	int err = fs_call_at(&c, AT_FDCWD, upath, 0);

	if (!err)
		err = vfs_fchmodat(&c.ctx, c.dir, c.path, (uint32_t)mode & 07777, 0);
	fs_call_end(&c);
	return err;
}

long sys_fchmodat(long dirfd, long upath, long mode, long a3, long a4, long a5)
{
	struct fs_call c;
	int err = fs_call_at(&c, dirfd, upath, 0);

	if (!err)
		err = vfs_fchmodat(&c.ctx, c.dir, c.path, (uint32_t)mode & 07777, 0);
	fs_call_end(&c);
	return err;
}

long sys_fchmod(long fd, long mode, long a2, long a3, long a4, long a5)
{
	struct file *f = fs_file(fd);
	struct cred cred = proc_current()->cred;
	int err;

	if (!f)
		return -EBADF;
	err = vfs_fchmod(&cred, f, (uint32_t)mode & 07777);
	file_put(f);
	return err;
}

static long chown_common(long dirfd, long upath, long uid, long gid, long flags)
{
	struct fs_call c;
	int err;

	flags = (int)flags;
	if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = fs_call_at(&c, dirfd, upath, (int)flags);
	if (!err)
		err = vfs_fchownat(&c.ctx, c.dir, c.path, (uint32_t)uid, (uint32_t)gid, (int)flags);
	fs_call_end(&c);
	return err;
}

long sys_chown(long upath, long uid, long gid, long a3, long a4, long a5)
{
	return chown_common(AT_FDCWD, upath, uid, gid, 0);
}

long sys_lchown(long upath, long uid, long gid, long a3, long a4, long a5)
{
	return chown_common(AT_FDCWD, upath, uid, gid, AT_SYMLINK_NOFOLLOW);
}

long sys_fchownat(long dirfd, long upath, long uid, long gid, long flags, long a5)
{
	return chown_common(dirfd, upath, uid, gid, flags);
}

long sys_fchown(long fd, long uid, long gid, long a3, long a4, long a5)
{
	struct file *f = fs_file(fd);
	struct cred cred = proc_current()->cred;
	int err;

	if (!f)
		return -EBADF;
	err = vfs_fchown(&cred, f, (uint32_t)uid, (uint32_t)gid);
	file_put(f);
	return err;
}

long sys_truncate(long upath, long length, long a2, long a3, long a4, long a5)
{
	struct fs_call c;
	int err;

	if (length < 0)
		return -EINVAL;
	err = fs_call_at(&c, AT_FDCWD, upath, 0);
	if (!err)
		err = vfs_truncateat(&c.ctx, c.dir, c.path, length);
	fs_call_end(&c);
	return err;
}

long sys_ftruncate(long fd, long length, long a2, long a3, long a4, long a5)
{
	struct file *f = fs_file(fd);
	int err;

	if (!f)
		return -EBADF;
	err = (f->flags & O_PATH) ? -EBADF : vfs_ftruncate(f, length);
	file_put(f);
	return err;
}

/* times NULL: now. path 0 (utimensat only): dirfd itself (futimens). */
static long set_times(long dirfd, long upath, const struct linux_timespec *times, long flags)
{
	struct fs_call c;
	int err;

	flags = (int)flags;
	if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!upath) {
		struct file *f;
		if ((int)dirfd == AT_FDCWD)
			return -EFAULT;
		f = fs_file(dirfd);
		if (!f)
			return -EBADF;
		err = fs_call_begin(&c);
		if (!err)
			err = f->inode ? vfs_utimensat(&c.ctx, f->inode, NULL, times, (int)flags) : -EBADF;
		fs_call_end(&c);
		file_put(f);
		return err;
	}
	err = fs_call_at(&c, dirfd, upath, (int)flags);
	if (!err)
		err = vfs_utimensat(&c.ctx, c.dir, c.path, times, (int)flags);
	fs_call_end(&c);
	return err;
}

long sys_utimensat(long dirfd, long upath, long utimes, long flags, long a4, long a5)
{
	struct linux_timespec ts[2];

	if (utimes && get_user(ts, utimes))
		return -EFAULT;
	return set_times(dirfd, upath, utimes ? ts : NULL, flags);
}

struct linux_timeval {
	int64_t tv_sec, tv_usec;
};

static long set_timevals(long dirfd, long upath, long utv)
{
	struct linux_timeval tv[2];
	struct linux_timespec ts[2];

	if (!utv)
		return set_times(dirfd, upath, NULL, 0);
	if (get_user(tv, utv))
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= USEC_PER_SEC)
			return -EINVAL;
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return set_times(dirfd, upath, ts, 0);
}

long sys_utimes(long upath, long utv, long a2, long a3, long a4, long a5)
{
	return set_timevals(AT_FDCWD, upath, utv);
}

long sys_futimesat(long dirfd, long upath, long utv, long a3, long a4, long a5)
{
	return set_timevals(dirfd, upath, utv);
}

long sys_utime(long upath, long ubuf, long a2, long a3, long a4, long a5)
{
	struct {
		int64_t actime, modtime;
	} ub;
	struct linux_timespec ts[2];

	if (!ubuf)
		return set_times(AT_FDCWD, upath, NULL, 0);
	if (get_user(ub, ubuf))
		return -EFAULT;
	ts[0] = (struct linux_timespec){ub.actime, 0};
	ts[1] = (struct linux_timespec){ub.modtime, 0};
	return set_times(AT_FDCWD, upath, ts, 0);
}
