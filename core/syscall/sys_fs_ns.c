/* Namespace syscalls: mkdir, mknod, rmdir, unlink, rename, link, symlink
 * and their *at() forms. */
#include <kern/syscall.h>

#include "sys_fs.h"

static long mkdir_common(long dirfd, long upath, long mode)
{
	struct fs_call c;
	unsigned umask = proc_current()->umask;
	int err = fs_call_at(&c, dirfd, upath, 0);

	if (!err)
		err = vfs_mkdirat(&c.ctx, c.dir, c.path, (uint32_t)mode & 07777 & ~umask);
	fs_call_end(&c);
	return err;
}

long sys_mkdir(long upath, long mode, long a2, long a3, long a4, long a5)
{
	return mkdir_common(AT_FDCWD, upath, mode);
}

long sys_mkdirat(long dirfd, long upath, long mode, long a3, long a4, long a5)
{
	return mkdir_common(dirfd, upath, mode);
}

static long mknod_common(long dirfd, long upath, long mode, long dev)
{
	struct fs_call c;
	unsigned umask = proc_current()->umask;
	uint32_t m = (uint32_t)mode;
	int err;

	/* Linux: a directory is EPERM (use mkdir), an unknown type EINVAL. */
	if (S_ISDIR(m))
		return -EPERM;
	err = fs_call_at(&c, dirfd, upath, 0);
	if (!err)
		err = vfs_mknodat(&c.ctx, c.dir, c.path, (m & S_IFMT) | (m & 07777 & ~umask), (kdev_t)dev);
	fs_call_end(&c);
	return err;
}

long sys_mknod(long upath, long mode, long dev, long a3, long a4, long a5)
{
	return mknod_common(AT_FDCWD, upath, mode, dev);
}

long sys_mknodat(long dirfd, long upath, long mode, long dev, long a4, long a5)
{
	return mknod_common(dirfd, upath, mode, dev);
}

static long unlink_common(long dirfd, long upath, long flags)
{
	struct fs_call c;
	int err;

	flags = (int)flags;
	if (flags & ~(long)AT_REMOVEDIR)
		return -EINVAL;
	err = fs_call_at(&c, dirfd, upath, 0);
	if (!err)
		err = vfs_unlinkat(&c.ctx, c.dir, c.path, (int)flags);
	fs_call_end(&c);
	return err;
}

long sys_unlink(long upath, long a1, long a2, long a3, long a4, long a5)
{
	return unlink_common(AT_FDCWD, upath, 0);
}

long sys_rmdir(long upath, long a1, long a2, long a3, long a4, long a5)
{
	return unlink_common(AT_FDCWD, upath, AT_REMOVEDIR);
}

long sys_unlinkat(long dirfd, long upath, long flags, long a3, long a4, long a5)
{
	return unlink_common(dirfd, upath, flags);
}

/* Two-path calls resolve each path against its own dirfd. */
static int two_paths(struct fs_call *oc, long odirfd, long opath, struct fs_call *nc, long ndirfd, long npath,
                     int oflags)
{
	int err = fs_call_at(oc, odirfd, opath, oflags);

	if (err) {
		fs_call_end(oc);
		return err;
	}
	err = fs_call_at(nc, ndirfd, npath, 0);
	if (err) {
		fs_call_end(oc);
		fs_call_end(nc);
	}
	return err;
}

static long rename_common(long odirfd, long opath, long ndirfd, long npath, long flags)
{
	struct fs_call oc, nc;
	int err;

	/* RENAME_EXCHANGE and RENAME_WHITEOUT are not supported (EINVAL). */
	flags = (uint32_t)flags;
	if (flags & ~(long)RENAME_NOREPLACE)
		return -EINVAL;
	err = two_paths(&oc, odirfd, opath, &nc, ndirfd, npath, 0);
	if (err)
		return err;
	err = vfs_renameat(&oc.ctx, oc.dir, oc.path, nc.dir, nc.path, (unsigned)flags);
	fs_call_end(&oc);
	fs_call_end(&nc);
	return err;
}

long sys_rename(long opath, long npath, long a2, long a3, long a4, long a5)
{
	return rename_common(AT_FDCWD, opath, AT_FDCWD, npath, 0);
}

long sys_renameat(long odirfd, long opath, long ndirfd, long npath, long a4, long a5)
{
	return rename_common(odirfd, opath, ndirfd, npath, 0);
}

long sys_renameat2(long odirfd, long opath, long ndirfd, long npath, long flags, long a5)
{
	return rename_common(odirfd, opath, ndirfd, npath, flags);
}

static long link_common(long odirfd, long opath, long ndirfd, long npath, long flags)
{
	struct fs_call oc, nc;
	int err;

	flags = (int)flags;
	if (flags & ~(long)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = two_paths(&oc, odirfd, opath, &nc, ndirfd, npath, (int)flags);
	if (err)
		return err;
	/* Linux lets only CAP_DAC_READ_SEARCH link by descriptor. */
	if ((flags & AT_EMPTY_PATH) && oc.path[0] == '\0' && oc.cred.euid != 0)
		err = -ENOENT;
	else
		err = vfs_linkat(&oc.ctx, oc.dir, oc.path, nc.dir, nc.path, (int)flags);
	fs_call_end(&oc);
	fs_call_end(&nc);
	return err;
}

long sys_link(long opath, long npath, long a2, long a3, long a4, long a5)
{
	return link_common(AT_FDCWD, opath, AT_FDCWD, npath, 0);
}

long sys_linkat(long odirfd, long opath, long ndirfd, long npath, long flags, long a5)
{
	return link_common(odirfd, opath, ndirfd, npath, flags);
}

static long symlink_common(long utarget, long ndirfd, long npath)
{
	struct fs_call tc, nc;
	int err;

	/* The target is any string (not resolved); reuse a call for its copy. */
	err = two_paths(&tc, AT_FDCWD, utarget, &nc, ndirfd, npath, 0);
	if (err)
		return err;
	err = vfs_symlinkat(&nc.ctx, tc.path, nc.dir, nc.path);
	fs_call_end(&tc);
	fs_call_end(&nc);
	return err;
}

long sys_symlink(long utarget, long npath, long a2, long a3, long a4, long a5)
{
	return symlink_common(utarget, AT_FDCWD, npath);
}

long sys_symlinkat(long utarget, long ndirfd, long npath, long a3, long a4, long a5)
{
	return symlink_common(utarget, ndirfd, npath);
}
