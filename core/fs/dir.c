/* Namespace operations: mkdir, mknod, symlink, link, unlink, rmdir, rename.
 * Each splits its path(s) into parent and name, takes the file system's
 * namespace lock, applies Linux's checks in Linux's order, and lets the
 * file system change its structures. */
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>

#include "fs_internal.h"

static int split_path(const struct vfs_ctx *ctx, struct inode *dir, const char *path, struct parent_path **out)
{
	struct parent_path *pp;
	unsigned links = 0;
	int err = path_check(path, 0);

	if (err)
		return err;
	pp = kmalloc(sizeof(*pp));
	if (!pp)
		return -ENOMEM;
	err = walk_parent(ctx, dir, path, &links, pp);
	if (err) {
		kfree(pp);
		return err;
	}
	*out = pp;
	return 0;
}

static void split_free(struct parent_path *pp)
{
	parent_path_release(pp);
	kfree(pp);
}

/* Creates the last component: a directory, node or symlink (target). */
static int create_at(const struct vfs_ctx *ctx, struct inode *dir, const char *path, uint32_t mode, kdev_t dev,
                     const char *target)
{
	struct parent_path *pp;
	struct inode *ip;
	int err = split_path(ctx, dir, path, &pp);

	if (err)
		return err;
	if (pp->type != LAST_NORM) {
		split_free(pp);
		return -EEXIST;
	}
	ns_lock(pp->dir->sb);
	err = lookup_child_locked(pp->dir, pp->name, pp->len, &ip);
	if (err == 0) {
		inode_put(ip);
		err = -EEXIST;
	} else if (err == -ENOENT && pp->trailing_slash && !S_ISDIR(mode)) {
		err = -ENOENT; /* "name/" can only ever be a directory */
	} else if (err == -ENOENT) {
		err = inode_permission(ctx->cred, pp->dir, MAY_WRITE | MAY_EXEC);
		if (!err && (S_ISCHR(mode) || S_ISBLK(mode)) && ctx->cred->euid != 0)
			err = -EPERM;
		if (!err && target)
			err = pp->dir->iops->symlink(pp->dir, pp->name, pp->len, target, ctx->cred, &ip);
		else if (!err)
			err = pp->dir->iops->create(pp->dir, pp->name, pp->len, mode, dev, ctx->cred, &ip);
		if (!err)
			inode_put(ip);
	}
	ns_unlock(pp->dir->sb);
	split_free(pp);
	return err;
}

int vfs_mkdirat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, uint32_t mode)
{
	return create_at(ctx, dir, path, S_IFDIR | (mode & 07777), 0, NULL);
}

int vfs_mknodat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, uint32_t mode, kdev_t dev)
{
	if ((mode & S_IFMT) == 0)
		mode |= S_IFREG;
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK: break;
	default: return -EINVAL;
	}
	return create_at(ctx, dir, path, mode & (S_IFMT | 07777), dev, NULL);
}

int vfs_symlinkat(const struct vfs_ctx *ctx, const char *target, struct inode *dir, const char *path)
{
	int err = path_check(target, 0);

	if (err)
		return err;
	return create_at(ctx, dir, path, S_IFLNK | 0777, 0, target);
}

int vfs_linkat(const struct vfs_ctx *ctx, struct inode *odir, const char *opath, struct inode *ndir, const char *npath,
               int atflags)
{
	struct parent_path *pp;
	struct inode *old, *existing;
	int err;

	if (atflags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = vfs_lookup(
	    ctx, odir, opath,
	    ((atflags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0) | ((atflags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0), &old);
	if (err)
		return err;
	if (S_ISDIR(old->mode)) {
		inode_put(old);
		return -EPERM;
	}
	err = split_path(ctx, ndir, npath, &pp);
	if (err) {
		inode_put(old);
		return err;
	}
	if (pp->type != LAST_NORM)
		err = -EEXIST;
	else if (pp->dir->sb != old->sb)
		err = -EXDEV;
	if (err)
		goto out;
	ns_lock(pp->dir->sb);
	err = lookup_child_locked(pp->dir, pp->name, pp->len, &existing);
	if (err == 0) {
		inode_put(existing);
		err = -EEXIST;
	} else if (err == -ENOENT && pp->trailing_slash) {
		err = -ENOENT;
	} else if (err == -ENOENT) {
		err = inode_permission(ctx->cred, pp->dir, MAY_WRITE | MAY_EXEC);
		if (!err && old->nlink == 0)
			err = -ENOENT; /* unlinked while open: stays unlinked */
		if (!err)
			err = pp->dir->iops->link(pp->dir, pp->name, pp->len, old);
	}
	ns_unlock(pp->dir->sb);
out:
	split_free(pp);
	inode_put(old);
	return err;
}

static int rmdir_locked(const struct vfs_ctx *ctx, struct parent_path *pp, struct inode *victim)
{
	int err = may_delete(ctx->cred, pp->dir, victim);

	if (err)
		return err;
	if (!S_ISDIR(victim->mode))
		return -ENOTDIR;
	if (inode_is_mountpoint(victim) || inode_is_fs_root(victim))
		return -EBUSY;
	return pp->dir->iops->rmdir(pp->dir, pp->name, pp->len);
}

static int unlink_locked(const struct vfs_ctx *ctx, struct parent_path *pp, struct inode *victim)
{
	int err = may_delete(ctx->cred, pp->dir, victim);

	if (err)
		return err;
	if (S_ISDIR(victim->mode))
		return -EISDIR;
	if (pp->trailing_slash)
		return -ENOTDIR;
	return pp->dir->iops->unlink(pp->dir, pp->name, pp->len);
}

int vfs_unlinkat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, int atflags)
{
	bool rmdir = atflags & AT_REMOVEDIR;
	struct parent_path *pp;
	struct inode *victim;
	int err;

	if (atflags & ~AT_REMOVEDIR)
		return -EINVAL;
	err = split_path(ctx, dir, path, &pp);
	if (err)
		return err;
	if (pp->type != LAST_NORM) {
		err = !rmdir ? -EISDIR : pp->type == LAST_DOT ? -EINVAL : pp->type == LAST_DOTDOT ? -ENOTEMPTY : -EBUSY;
		split_free(pp);
		return err;
	}
	ns_lock(pp->dir->sb);
	err = lookup_child_locked(pp->dir, pp->name, pp->len, &victim);
	if (!err) {
		err = rmdir ? rmdir_locked(ctx, pp, victim) : unlink_locked(ctx, pp, victim);
		inode_put(victim);
	}
	ns_unlock(pp->dir->sb);
	split_free(pp);
	return err;
}

/* Is `dir` the directory `ancestor` or below it? Walks ".." up to the file
 * system's root (namespace lock held). */
static int is_subdir_locked(struct inode *dir, struct inode *ancestor, bool *below)
{
	struct inode *cur = inode_get(dir);
	int err = 0;

	*below = false;
	for (;;) {
		struct inode *up;
		if (cur == ancestor) {
			*below = true;
			break;
		}
		if (inode_is_fs_root(cur))
			break;
		err = lookup_child_locked(cur, "..", 2, &up);
		if (err)
			break;
		inode_put(cur);
		cur = up;
	}
	inode_put(cur);
	return err;
}

static int rename_locked(const struct vfs_ctx *ctx, struct parent_path *op, struct parent_path *np, unsigned flags)
{
	struct inode *old, *target = NULL;
	bool isdir, below;
	int err = lookup_child_locked(op->dir, op->name, op->len, &old);

	if (err)
		return err;
	isdir = S_ISDIR(old->mode);
	if (!isdir && (op->trailing_slash || np->trailing_slash)) {
		err = -ENOTDIR;
		goto out;
	}
	err = lookup_child_locked(np->dir, np->name, np->len, &target);
	if (err == -ENOENT) {
		target = NULL;
		err = 0;
	}
	if (err)
		goto out;
	if (target && (flags & RENAME_NOREPLACE)) {
		err = -EEXIST;
		goto out;
	}
	if (target == old)
		goto out; /* two names of one file: POSIX says do nothing */
	err = may_delete(ctx->cred, op->dir, old);
	if (!err)
		err = target ? may_delete(ctx->cred, np->dir, target)
		             : inode_permission(ctx->cred, np->dir, MAY_WRITE | MAY_EXEC);
	if (err)
		goto out;
	if (target && isdir && !S_ISDIR(target->mode))
		err = -ENOTDIR;
	else if (target && !isdir && S_ISDIR(target->mode))
		err = -EISDIR;
	else if (inode_is_mountpoint(old) || inode_is_fs_root(old) ||
	         (target && (inode_is_mountpoint(target) || inode_is_fs_root(target))))
		err = -EBUSY;
	if (err || !isdir)
		goto do_rename;
	/* A directory may not move below itself. */
	err = is_subdir_locked(np->dir, old, &below);
	if (!err && below)
		err = -EINVAL;
	if (!err && np->dir != op->dir)
		err = inode_permission(ctx->cred, old, MAY_WRITE); /* its ".." changes */
do_rename:
	if (!err)
		err = op->dir->iops->rename(op->dir, op->name, op->len, np->dir, np->name, np->len);
out:
	if (target)
		inode_put(target);
	inode_put(old);
	return err;
}

int vfs_renameat(const struct vfs_ctx *ctx, struct inode *odir, const char *opath, struct inode *ndir,
                 const char *npath, unsigned flags)
{
	struct parent_path *op, *np;
	int err;

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	err = split_path(ctx, odir, opath, &op);
	if (err)
		return err;
	err = split_path(ctx, ndir, npath, &np);
	if (err) {
		split_free(op);
		return err;
	}
	if (op->type != LAST_NORM)
		err = -EBUSY;
	else if (np->type != LAST_NORM)
		err = (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
	else if (op->dir->sb != np->dir->sb)
		err = -EXDEV;
	if (!err) {
		ns_lock(op->dir->sb);
		err = rename_locked(ctx, op, np, flags);
		ns_unlock(op->dir->sb);
	}
	split_free(np);
	split_free(op);
	return err;
}
