/* stat, fstat, lstat, newfstatat, statx, access/faccessat(2), readlink(at),
 * statfs/fstatfs. */
#include <kern/abi/statfs.h>
#include <kern/mm.h>
#include <kern/string.h>
#include <kern/syscall.h>

#include "sys_fs.h"
#include "uaccess.h"

/* Stats dirfd itself when the path is empty and AT_EMPTY_PATH is given
 * (any open file, even a pipe), else the path. */
static int stat_at(long dirfd, long upath, int atflags, struct kstat *ks)
{
	struct fs_call c;
	int err;

	if (atflags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	err = fs_call_begin(&c);
	if (!err)
		err = fs_call_path(&c, upath, atflags & AT_EMPTY_PATH);
	if (!err && c.path[0] == '\0' && (int)dirfd != AT_FDCWD) {
		struct file *f = fs_file(dirfd);
		err = f ? vfs_fstat(f, ks) : -EBADF;
		if (f)
			file_put(f);
		fs_call_end(&c);
		return err;
	}
	if (!err)
		err = fs_call_dirfd(&c, dirfd, atflags & AT_EMPTY_PATH);
	if (!err)
		err = vfs_fstatat(&c.ctx, c.dir, c.path, atflags, ks);
	fs_call_end(&c);
	return err;
}

static long put_stat(const struct kstat *ks, long ubuf)
{
	struct linux_stat st;

	kstat_to_linux_stat(ks, &st);
	return put_user(st, ubuf) ? -EFAULT : 0;
}

static long stat_common(long dirfd, long upath, long ubuf, int atflags)
{
	struct kstat ks;
	int err = stat_at(dirfd, upath, atflags, &ks);

	return err ? err : put_stat(&ks, ubuf);
}

long sys_stat(long upath, long ubuf, long a2, long a3, long a4, long a5)
{
	return stat_common(AT_FDCWD, upath, ubuf, 0);
}

long sys_lstat(long upath, long ubuf, long a2, long a3, long a4, long a5)
{
	return stat_common(AT_FDCWD, upath, ubuf, AT_SYMLINK_NOFOLLOW);
}

long sys_newfstatat(long dirfd, long upath, long ubuf, long flags, long a4, long a5)
{
	return stat_common(dirfd, upath, ubuf, (int)flags);
}

long sys_fstat(long fd, long ubuf, long a2, long a3, long a4, long a5)
{
	struct file *f = fs_file(fd);
	struct kstat ks;
	int err;

	if (!f)
		return -EBADF;
	err = vfs_fstat(f, &ks);
	file_put(f);
	return err ? err : put_stat(&ks, ubuf);
}

long sys_statx(long dirfd, long upath, long flags, long mask, long ubuf, long a5)
{
	struct statx stx;
	struct kstat ks;
	int err;

	flags = (int)flags;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || ((uint32_t)mask & STATX__RESERVED))
		return -EINVAL;
	err = stat_at(dirfd, upath, (int)flags, &ks);
	if (err)
		return err;
	kstat_to_statx(&ks, &stx);
	return put_user(stx, ubuf) ? -EFAULT : 0;
}

static long access_common(long dirfd, long upath, long mode, int atflags)
{
	struct fs_call c;
	int err;

	mode = (int)mode;
	if (mode & ~(long)(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (atflags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = fs_call_at(&c, dirfd, upath, atflags);
	if (!err)
		err = vfs_faccessat(&c.ctx, c.dir, c.path, (int)mode, atflags);
	fs_call_end(&c);
	return err;
}

long sys_access(long upath, long mode, long a2, long a3, long a4, long a5)
{
	return access_common(AT_FDCWD, upath, mode, 0);
}

long sys_faccessat(long dirfd, long upath, long mode, long a3, long a4, long a5)
{
	return access_common(dirfd, upath, mode, 0);
}

long sys_faccessat2(long dirfd, long upath, long mode, long flags, long a4, long a5)
{
	return access_common(dirfd, upath, mode, (int)flags);
}

static long readlink_common(long dirfd, long upath, long ubuf, long size)
{
	struct fs_call c;
	char *buf;
	long n;
	int err;

	size = (int)size; /* bufsiz is an int */
	if (size <= 0)
		return -EINVAL;
	size = MIN(size, (long)PATH_MAX);
	buf = kmalloc((size_t)size);
	if (!buf)
		return -ENOMEM;
	/* An empty path names dirfd itself (a symlink opened O_PATH|O_NOFOLLOW). */
	err = fs_call_at(&c, dirfd, upath, AT_EMPTY_PATH);
	n = err ? err : vfs_readlinkat(&c.ctx, c.dir, c.path, buf, (size_t)size);
	/* Linux: an empty path that does not name a symlink is ENOENT. */
	if (!err && n == -EINVAL && c.path[0] == '\0')
		n = -ENOENT;
	fs_call_end(&c);
	if (n > 0 && put_user_buf((uintptr_t)ubuf, buf, (size_t)n))
		n = -EFAULT;
	kfree(buf);
	return n;
}

long sys_readlink(long upath, long ubuf, long size, long a3, long a4, long a5)
{
	return readlink_common(AT_FDCWD, upath, ubuf, size);
}

long sys_readlinkat(long dirfd, long upath, long ubuf, long size, long a4, long a5)
{
	return readlink_common(dirfd, upath, ubuf, size);
}

static long put_statfs(struct inode *ip, long ubuf)
{
	struct linux_statfs out;
	struct kstatfs ks;

	vfs_statfs(ip, &ks);
	memset(&out, 0, sizeof(out));
	out.f_type = (int64_t)ks.type;
	out.f_bsize = (int64_t)ks.bsize;
	out.f_blocks = ks.blocks;
	out.f_bfree = ks.bfree;
	out.f_bavail = ks.bavail;
	out.f_files = ks.files;
	out.f_ffree = ks.ffree;
	out.f_fsid[0] = (int32_t)ks.fsid;
	out.f_fsid[1] = (int32_t)(ks.fsid >> 32);
	out.f_namelen = (int64_t)ks.namelen;
	out.f_frsize = (int64_t)ks.frsize;
	out.f_flags = (int64_t)ks.flags;
	return put_user(out, ubuf) ? -EFAULT : 0;
}

long sys_statfs(long upath, long ubuf, long a2, long a3, long a4, long a5)
{
	struct fs_call c;
	struct inode *ip;
	int err = fs_call_at(&c, AT_FDCWD, upath, 0);

	if (!err)
		err = vfs_lookup(&c.ctx, NULL, c.path, LOOKUP_FOLLOW, &ip);
	fs_call_end(&c);
	if (err)
		return err;
	err = (int)put_statfs(ip, ubuf);
	inode_put(ip);
	return err;
}

long sys_fstatfs(long fd, long ubuf, long a2, long a3, long a4, long a5)
{
	struct file *f = fs_file(fd);
	long r;

	if (!f)
		return -EBADF;
	/* Pipes and ttys live on Linux's internal pipefs/devpts; we report an
	 * empty statfs with no type for them. */
	if (f->inode) {
		r = put_statfs(f->inode, ubuf);
	} else {
		struct linux_statfs out;
		memset(&out, 0, sizeof(out));
		out.f_bsize = out.f_frsize = 4096;
		out.f_namelen = NAME_MAX;
		out.f_flags = ST_VALID;
		r = put_user(out, ubuf) ? -EFAULT : 0;
	}
	file_put(f);
	return r;
}
