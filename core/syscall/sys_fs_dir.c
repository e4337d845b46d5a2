/* Directory syscalls: getdents64, getdents, getcwd, chdir, fchdir, chroot. */
#include <kern/mm.h>
#include <kern/string.h>
#include <kern/syscall.h>

#include "sys_fs.h"
#include "uaccess.h"

#define DENTS_MAX 65536 /* bytes fetched per call; the caller comes back for more */

/* The old getdents record: d_type sits in the last byte of the record. */
struct linux_dirent {
	uint64_t d_ino;
	uint64_t d_off;
	uint16_t d_reclen;
	char d_name[];
};

/* Fills buf (kernel) with up to size bytes of linux_dirent64 records. */
static long read_dents(long fd, char **buf, size_t *size)
{
	struct file *f = fs_file(fd);
	ssize_t n;

	if (!f)
		return -EBADF;
	*size = MIN(*size, (size_t)DENTS_MAX);
	*buf = kmalloc(*size + 1);
	if (!*buf) {
		file_put(f);
		return -ENOMEM;
	}
	n = vfs_getdents64(f, *buf, *size);
	file_put(f);
	return n;
}

long sys_getdents64(long fd, long ubuf, long count, long a3, long a4, long a5)
{
	size_t size = (uint32_t)count;
	char *buf = NULL;
	long n = read_dents(fd, &buf, &size);

	if (n > 0 && put_user_buf((uintptr_t)ubuf, buf, (size_t)n))
		n = -EFAULT;
	kfree(buf);
	return n;
}

/* Both record formats are 8-aligned headers plus the name and two bytes
 * (NUL and d_type), so each converts in place with the same length. */
long sys_getdents(long fd, long ubuf, long count, long a3, long a4, long a5)
{
	size_t size = (uint32_t)count;
	char *buf = NULL;
	long n = read_dents(fd, &buf, &size);

	for (long off = 0; n > 0 && off < n;) {
		struct linux_dirent64 d64;
		struct linux_dirent old;
		size_t namelen;
		memcpy(&d64, buf + off, offsetof(struct linux_dirent64, d_name));
		namelen = strlen(buf + off + offsetof(struct linux_dirent64, d_name));
		old.d_ino = d64.d_ino;
		old.d_off = (uint64_t)d64.d_off;
		old.d_reclen = d64.d_reclen;
		memmove(buf + off + offsetof(struct linux_dirent, d_name),
		        buf + off + offsetof(struct linux_dirent64, d_name), namelen + 1);
		memcpy(buf + off, &old, offsetof(struct linux_dirent, d_name));
		buf[off + d64.d_reclen - 1] = (char)d64.d_type;
		off += d64.d_reclen;
	}
	if (n > 0 && put_user_buf((uintptr_t)ubuf, buf, (size_t)n))
		n = -EFAULT;
	kfree(buf);
	return n;
}

long sys_getcwd(long ubuf, long size, long a2, long a3, long a4, long a5)
{
	struct fs_call c;
	char *buf;
	int n;

	if (size == 0)
		return -ERANGE;
	buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	n = fs_call_begin(&c);
	if (!n)
		n = vfs_getcwd(&c.ctx, buf, MIN((size_t)size, (size_t)PATH_MAX));
	fs_call_end(&c);
	if (n == -ERANGE && (size_t)size > PATH_MAX)
		n = -ENAMETOOLONG;
	if (n > 0 && put_user_buf((uintptr_t)ubuf, buf, (size_t)n))
		n = -EFAULT;
	kfree(buf);
	return n;
}

long sys_chdir(long upath, long a1, long a2, long a3, long a4, long a5)
{
	struct fs_call c;
	struct inode *ip;
	int err = fs_call_at(&c, AT_FDCWD, upath, 0);

	if (!err)
		err = vfs_lookup_dir(&c.ctx, NULL, c.path, &ip);
	fs_call_end(&c);
	if (!err)
		fs_set_cwd(proc_current(), ip);
	return err;
}

long sys_fchdir(long fd, long a1, long a2, long a3, long a4, long a5)
{
	struct file *f = fs_file(fd);
	struct cred cred = proc_current()->cred;
	int err;

	if (!f)
		return -EBADF;
	if (!f->inode || !S_ISDIR(f->inode->mode))
		err = -ENOTDIR;
	else
		err = inode_permission(&cred, f->inode, MAY_EXEC);
	if (!err)
		fs_set_cwd(proc_current(), inode_get(f->inode));
	file_put(f);
	return err;
}

long sys_chroot(long upath, long a1, long a2, long a3, long a4, long a5)
{
	struct fs_call c;
	struct inode *ip;
	int err = fs_call_at(&c, AT_FDCWD, upath, 0);

	if (!err)
		err = vfs_lookup_dir(&c.ctx, NULL, c.path, &ip);
	if (!err && c.cred.euid != 0) {
		inode_put(ip);
		err = -EPERM;
	}
	fs_call_end(&c);
	if (!err)
		fs_set_root(proc_current(), ip);
	return err;
}
