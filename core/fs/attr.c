/* File attributes: stat/statx, access, readlink, chmod, chown, truncate and
 * utimensat. */
#include <kern/errno.h>
#include <kern/string.h>
#include <plat/mem.h>

#include "fs_internal.h"

#define NSEC_PER_SEC 1000000000LL
#define ANON_FILE_DEV 0xc /* Linux's pipefs is an anonymous device too */

void inode_stat(struct inode *ip, struct kstat *st)
{
	mutex_lock(&ip->lock);
	st->dev = ip->sb->dev;
	st->ino = ip->ino;
	st->mode = ip->mode;
	st->nlink = __atomic_load_n(&ip->nlink, __ATOMIC_RELAXED);
	st->uid = ip->uid;
	st->gid = ip->gid;
	st->rdev = ip->rdev;
	st->size = ip->size;
	st->blocks = ip->blocks;
	st->blksize = 4096;
	st->atime_ns = ip->atime_ns;
	st->mtime_ns = ip->mtime_ns;
	st->ctime_ns = ip->ctime_ns;
	st->btime_ns = ip->btime_ns;
	st->mount_root = inode_is_fs_root(ip);
	mutex_unlock(&ip->lock);
	if (ip->sb->ops->getattr)
		ip->sb->ops->getattr(ip, st);
}

/* Seconds and nanoseconds with the nanoseconds in [0, 1e9). */
static void split_ns(int64_t ns, int64_t *sec, uint32_t *nsec)
{
	int64_t s = ns / NSEC_PER_SEC, r = ns % NSEC_PER_SEC;

	if (r < 0) {
		s--;
		r += NSEC_PER_SEC;
	}
	*sec = s;
	*nsec = (uint32_t)r;
}

void kstat_to_linux_stat(const struct kstat *ks, struct linux_stat *out)
{
	int64_t sec;
	uint32_t nsec;

	memset(out, 0, sizeof(*out));
	out->st_dev = ks->dev;
	out->st_ino = ks->ino;
	out->st_nlink = ks->nlink;
	out->st_mode = ks->mode;
	out->st_uid = ks->uid;
	out->st_gid = ks->gid;
	out->st_rdev = ks->rdev;
	out->st_size = (int64_t)ks->size;
	out->st_blksize = ks->blksize;
	out->st_blocks = (int64_t)ks->blocks;
	split_ns(ks->atime_ns, &sec, &nsec);
	out->st_atime = (uint64_t)sec;
	out->st_atime_nsec = nsec;
	split_ns(ks->mtime_ns, &sec, &nsec);
	out->st_mtime = (uint64_t)sec;
	out->st_mtime_nsec = nsec;
	split_ns(ks->ctime_ns, &sec, &nsec);
	out->st_ctime = (uint64_t)sec;
	out->st_ctime_nsec = nsec;
}

static void to_statx_time(int64_t ns, struct statx_timestamp *ts)
{
	split_ns(ns, &ts->tv_sec, &ts->tv_nsec);
	ts->__reserved = 0;
}

void kstat_to_statx(const struct kstat *ks, struct statx *out)
{
	memset(out, 0, sizeof(*out));
	out->stx_mask = STATX_BASIC_STATS | STATX_BTIME;
	out->stx_blksize = ks->blksize;
	out->stx_attributes = ks->mount_root ? STATX_ATTR_MOUNT_ROOT : 0;
	out->stx_attributes_mask = STATX_ATTR_MOUNT_ROOT;
	out->stx_nlink = ks->nlink;
	out->stx_uid = ks->uid;
	out->stx_gid = ks->gid;
	out->stx_mode = (uint16_t)ks->mode;
	out->stx_ino = ks->ino;
	out->stx_size = ks->size;
	out->stx_blocks = ks->blocks;
	to_statx_time(ks->atime_ns, &out->stx_atime);
	to_statx_time(ks->btime_ns, &out->stx_btime);
	to_statx_time(ks->ctime_ns, &out->stx_ctime);
	to_statx_time(ks->mtime_ns, &out->stx_mtime);
	out->stx_rdev_major = kdev_major(ks->rdev);
	out->stx_rdev_minor = kdev_minor(ks->rdev);
	out->stx_dev_major = kdev_major((kdev_t)ks->dev);
	out->stx_dev_minor = kdev_minor((kdev_t)ks->dev);
}

static unsigned at_lookup_flags(int atflags)
{
	return ((atflags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) | ((atflags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0);
}

int vfs_fstatat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, int atflags, struct kstat *st)
{
	struct inode *ip;
	int err;

	if (atflags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	err = vfs_lookup(ctx, dir, path, at_lookup_flags(atflags), &ip);
	if (err)
		return err;
	inode_stat(ip, st);
	inode_put(ip);
	return 0;
}

/* A file without an inode (pipe, tty) looks like an anonymous FIFO unless
 * its ops say more; the inode number is unique while the file is open. It
 * comes from the file's physical address, not its virtual one: no kernel
 * pointer reaches user space, and a hosted run (RAM at a random host
 * address) stays reproducible. */
static void anon_stat(struct file *f, struct kstat *st)
{
	int64_t now = vfs_now_ns();

	memset(st, 0, sizeof(*st));
	st->dev = ANON_FILE_DEV;
	st->ino = (uint64_t)plat_virt_to_phys(f) >> 4;
	st->mode = S_IFIFO | 0600;
	st->nlink = 1;
	st->blksize = 4096;
	st->atime_ns = st->mtime_ns = st->ctime_ns = st->btime_ns = now;
	if (f->fops->getattr)
		f->fops->getattr(f, st);
}

int vfs_fstat(struct file *f, struct kstat *st)
{
	if (!f->inode) {
		anon_stat(f, st);
		return 0;
	}
	inode_stat(f->inode, st);
	return 0;
}

int vfs_faccessat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, int mode, int atflags)
{
	struct cred real;
	struct vfs_ctx rctx = *ctx;
	struct inode *ip;
	int err;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (atflags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!(atflags & AT_EACCESS)) {
		/* access(2) asks about the real ids, for the whole lookup. */
		real = *ctx->cred;
		real.euid = real.uid;
		real.egid = real.gid;
		rctx.cred = &real;
	}
	err = vfs_lookup(&rctx, dir, path, at_lookup_flags(atflags), &ip);
	if (err)
		return err;
	if (mode)
		err = inode_permission(rctx.cred, ip, mode);
	inode_put(ip);
	return err;
}

ssize_t vfs_readlinkat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, char *buf, size_t size)
{
	struct inode *ip;
	ssize_t n;
	int err;

	if (size == 0 || size > INT64_MAX)
		return -EINVAL;
	err = vfs_lookup(ctx, dir, path, LOOKUP_EMPTY, &ip);
	if (err)
		return err;
	if (!S_ISLNK(ip->mode) || !ip->iops->readlink)
		n = -EINVAL;
	else
		n = ip->iops->readlink(ip, buf, size);
	inode_put(ip);
	return n;
}

static int chmod_inode(const struct cred *cred, struct inode *ip, uint32_t mode)
{
	if (!is_owner_or_root(cred, ip))
		return -EPERM;
	mode &= 07777;
	if (cred->euid != 0 && !cred_in_group(cred, ip->gid))
		mode &= ~(uint32_t)S_ISGID;
	mutex_lock(&ip->lock);
	__atomic_store_n(&ip->mode, (ip->mode & S_IFMT) | mode, __ATOMIC_RELAXED);
	inode_touch(ip, false, true);
	mutex_unlock(&ip->lock);
	return 0;
}

int vfs_fchmodat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, uint32_t mode, int atflags)
{
	struct inode *ip;
	int err;

	if (atflags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = vfs_lookup(ctx, dir, path, at_lookup_flags(atflags), &ip);
	if (err)
		return err;
	err = S_ISLNK(ip->mode) ? -EOPNOTSUPP : chmod_inode(ctx->cred, ip, mode);
	inode_put(ip);
	return err;
}

int vfs_fchmod(const struct cred *cred, struct file *f, uint32_t mode)
{
	if (!f->inode || (f->flags & O_PATH))
		return -EBADF;
	return chmod_inode(cred, f->inode, mode);
}

static int chown_inode(const struct cred *cred, struct inode *ip, uint32_t uid, uint32_t gid)
{
	bool root = cred->euid == 0;

	if (uid != (uint32_t)-1 && !root && !(cred->euid == ip->uid && uid == ip->uid))
		return -EPERM;
	if (gid != (uint32_t)-1 && !root && !(cred->euid == ip->uid && (gid == ip->gid || cred_in_group(cred, gid))))
		return -EPERM;
	mutex_lock(&ip->lock);
	if (uid != (uint32_t)-1)
		ip->uid = uid;
	if (gid != (uint32_t)-1)
		ip->gid = gid;
	if (!S_ISDIR(ip->mode) && (uid != (uint32_t)-1 || gid != (uint32_t)-1)) {
		uint32_t mode = ip->mode & ~(uint32_t)S_ISUID;
		if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			mode &= ~(uint32_t)S_ISGID;
		__atomic_store_n(&ip->mode, mode, __ATOMIC_RELAXED);
	}
	inode_touch(ip, false, true);
	mutex_unlock(&ip->lock);
	return 0;
}

int vfs_fchownat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, uint32_t uid, uint32_t gid,
                 int atflags)
{
	struct inode *ip;
	int err;

	if (atflags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = vfs_lookup(ctx, dir, path, at_lookup_flags(atflags), &ip);
	if (err)
		return err;
	err = chown_inode(ctx->cred, ip, uid, gid);
	inode_put(ip);
	return err;
}

int vfs_fchown(const struct cred *cred, struct file *f, uint32_t uid, uint32_t gid)
{
	if (!f->inode || (f->flags & O_PATH))
		return -EBADF;
	return chown_inode(cred, f->inode, uid, gid);
}

static int truncate_inode(struct inode *ip, int64_t length)
{
	int err;

	if (S_ISDIR(ip->mode))
		return -EISDIR;
	if (!S_ISREG(ip->mode) || !ip->iops->setsize)
		return -EINVAL;
	mutex_lock(&ip->lock);
	err = ip->iops->setsize(ip, (uint64_t)length);
	if (!err)
		inode_touch(ip, true, true);
	mutex_unlock(&ip->lock);
	return err;
}

int vfs_truncateat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, int64_t length)
{
	struct inode *ip;
	int err;

	if (length < 0)
		return -EINVAL;
	err = vfs_lookup(ctx, dir, path, LOOKUP_FOLLOW, &ip);
	if (err)
		return err;
	if (S_ISDIR(ip->mode))
		err = -EISDIR;
	else
		err = inode_permission(ctx->cred, ip, MAY_WRITE);
	if (!err)
		err = truncate_inode(ip, length);
	inode_put(ip);
	return err;
}

int vfs_ftruncate(struct file *f, int64_t length)
{
	if (length < 0 || !f->inode || (f->flags & O_PATH))
		return -EINVAL;
	if ((f->flags & O_ACCMODE) != O_WRONLY && (f->flags & O_ACCMODE) != O_RDWR)
		return -EINVAL;
	if (!S_ISREG(f->inode->mode))
		return -EINVAL;
	return truncate_inode(f->inode, length);
}

static bool valid_time(const struct linux_timespec *ts)
{
	return ts->tv_nsec == UTIME_NOW || ts->tv_nsec == UTIME_OMIT ||
	       (ts->tv_nsec >= 0 && ts->tv_nsec < NSEC_PER_SEC);
}

static int64_t timespec_to_ns(const struct linux_timespec *ts, int64_t now)
{
	int64_t ns;

	if (ts->tv_nsec == UTIME_NOW)
		return now;
	if (__builtin_mul_overflow(ts->tv_sec, NSEC_PER_SEC, &ns) || __builtin_add_overflow(ns, ts->tv_nsec, &ns))
		return ts->tv_sec < 0 ? -INT64_MAX - 1 : INT64_MAX; /* beyond what we can keep */
	return ns;
}

int vfs_utimensat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, const struct linux_timespec times[2],
                  int atflags)
{
	bool explicit_time = false;
	struct inode *ip;
	int64_t now = vfs_now_ns();
	int err = 0;

	if (atflags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (times) {
		if (!valid_time(&times[0]) || !valid_time(&times[1]))
			return -EINVAL;
		if (times[0].tv_nsec == UTIME_OMIT && times[1].tv_nsec == UTIME_OMIT)
			return 0;
		for (int i = 0; i < 2; i++)
			if (times[i].tv_nsec != UTIME_NOW && times[i].tv_nsec != UTIME_OMIT)
				explicit_time = true;
	}
	if (path) {
		err = vfs_lookup(ctx, dir, path, at_lookup_flags(atflags), &ip);
		if (err)
			return err;
	} else {
		if (!dir || (atflags & AT_SYMLINK_NOFOLLOW))
			return -EINVAL;
		ip = inode_get(dir);
	}
	/* Setting explicit times needs ownership; "now" needs write access. */
	if (!is_owner_or_root(ctx->cred, ip))
		err = explicit_time ? -EPERM : inode_permission(ctx->cred, ip, MAY_WRITE);
	if (!err) {
		mutex_lock(&ip->lock);
		if (!times || times[0].tv_nsec != UTIME_OMIT)
			ip->atime_ns = times ? timespec_to_ns(&times[0], now) : now;
		if (!times || times[1].tv_nsec != UTIME_OMIT)
			ip->mtime_ns = times ? timespec_to_ns(&times[1], now) : now;
		ip->ctime_ns = now;
		mutex_unlock(&ip->lock);
	}
	inode_put(ip);
	return err;
}
