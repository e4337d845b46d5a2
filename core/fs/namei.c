/* Path lookup. A walk keeps a stack of path strings: the caller's path at
 * the bottom and, above it, the bodies of the symlinks being followed, so
 * nesting costs heap, not kernel stack. At most MAXSYMLINKS links are
 * followed per lookup (ELOOP), as Linux. */
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>

#include "fs_internal.h"

struct walk_frame {
	char *buf;     /* owned symlink body, NULL for the caller's path */
	const char *p; /* next unread character */
};

struct walker {
	const struct vfs_ctx *ctx;
	struct inode *dir; /* current directory (a reference) */
	unsigned *links;
	unsigned depth;
	struct walk_frame f[MAXSYMLINKS + 1];
};

int path_check(const char *path, unsigned flags)
{
	size_t n;

	if (!path)
		return -EFAULT;
	n = strnlen(path, PATH_MAX);
	if (n == PATH_MAX)
		return -ENAMETOOLONG;
	if (n == 0 && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	return 0;
}

int lookup_child_locked(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	if (!S_ISDIR(dir->mode) || !dir->iops->lookup)
		return -ENOTDIR;
	return dir->iops->lookup(dir, name, len, out);
}

int read_link_body(struct inode *ip, char **out)
{
	char *buf;
	ssize_t n;

	if (!ip->iops->readlink)
		return -EINVAL;
	buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	n = ip->iops->readlink(ip, buf, PATH_MAX - 1);
	if (n < 0) {
		kfree(buf);
		return (int)n;
	}
	buf[n] = 0;
	*out = buf;
	return 0;
}

static int walker_start(struct walker *w, const struct vfs_ctx *ctx, struct inode *start, const char *path,
                        unsigned *links)
{
	w->ctx = ctx;
	w->links = links;
	w->depth = 0;
	w->f[0].buf = NULL;
	w->f[0].p = path;
	if (path[0] == '/')
		w->dir = inode_get(ctx->root);
	else
		w->dir = inode_get(start ? start : ctx->cwd);
	return 0;
}

static void walker_end(struct walker *w)
{
	while (w->depth > 0)
		kfree(w->f[w->depth--].buf);
	if (w->dir)
		inode_put(w->dir);
	w->dir = NULL;
}

/* The next component, whether it is the last of the whole walk, and
 * whether a slash follows it (trailing slash: it must be a directory). */
static bool next_component(struct walker *w, const char **name, size_t *len, bool *last, bool *trailing)
{
	struct walk_frame *f;

	for (;;) {
		f = &w->f[w->depth];
		while (*f->p == '/')
			f->p++;
		if (*f->p)
			break;
		if (w->depth == 0)
			return false;
		kfree(f->buf);
		w->depth--;
	}
	*name = f->p;
	while (*f->p && *f->p != '/')
		f->p++;
	*len = (size_t)(f->p - *name);
	*last = true;
	*trailing = false;
	for (int d = (int)w->depth; d >= 0; d--) {
		const char *q = w->f[d].p;
		if (*q == '/')
			*trailing = true;
		while (*q == '/')
			q++;
		if (*q) {
			*last = false;
			break;
		}
	}
	return true;
}

static bool is_dot(const char *name, size_t len)
{
	return len == 1 && name[0] == '.';
}

static bool is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

/* ".." never leaves the caller's root; at the root of a mounted file system
 * it continues from the directory the mount covers. */
static int step_dotdot(struct walker *w)
{
	struct inode *parent;
	int err;

	for (;;) {
		struct inode *up;
		if (w->dir == w->ctx->root)
			return 0;
		if (!inode_is_fs_root(w->dir))
			break;
		up = mount_covered(w->dir);
		if (!up)
			return 0;
		inode_put(w->dir);
		w->dir = up;
	}
	ns_lock(w->dir->sb);
	err = lookup_child_locked(w->dir, "..", 2, &parent);
	ns_unlock(w->dir->sb);
	if (err)
		return err;
	inode_put(w->dir);
	w->dir = parent;
	return 0;
}

static int follow_link(struct walker *w, struct inode *link)
{
	char *body;
	int err;

	if (++*w->links > MAXSYMLINKS)
		return -ELOOP;
	err = read_link_body(link, &body);
	if (err)
		return err;
	if (!body[0]) {
		kfree(body);
		return -ENOENT;
	}
	w->depth++;
	w->f[w->depth].buf = body;
	w->f[w->depth].p = body;
	if (body[0] == '/') {
		inode_put(w->dir);
		w->dir = inode_get(w->ctx->root);
	}
	return 0;
}

/* Walks the path. With pp, stops before the last component and describes
 * it there; otherwise resolves everything into w->dir. */
static int walk(struct walker *w, unsigned flags, struct parent_path *pp)
{
	const char *name;
	size_t len;
	bool last = true, trailing = false;
	int err;

	while (next_component(w, &name, &len, &last, &trailing)) {
		struct inode *child;

		if (!S_ISDIR(w->dir->mode))
			return -ENOTDIR;
		err = inode_permission(w->ctx->cred, w->dir, MAY_EXEC);
		if (err)
			return err;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		if (last && pp) {
			memcpy(pp->name, name, len);
			pp->name[len] = 0;
			pp->len = len;
			pp->type = is_dot(name, len) ? LAST_DOT : is_dotdot(name, len) ? LAST_DOTDOT : LAST_NORM;
			pp->trailing_slash = trailing;
			return 0;
		}
		if (is_dot(name, len))
			continue;
		if (is_dotdot(name, len)) {
			err = step_dotdot(w);
			if (err)
				return err;
			continue;
		}
		ns_lock(w->dir->sb);
		err = lookup_child_locked(w->dir, name, len, &child);
		ns_unlock(w->dir->sb);
		if (err)
			return err;
		child = mount_follow(child);
		if (S_ISLNK(child->mode) && (!last || trailing || (flags & LOOKUP_FOLLOW))) {
			err = follow_link(w, child);
			inode_put(child);
			if (err)
				return err;
			continue;
		}
		inode_put(w->dir);
		w->dir = child;
	}
	if (pp) {
		/* No component at all: "/" */
		pp->name[0] = 0;
		pp->len = 0;
		pp->type = LAST_ROOT;
		pp->trailing_slash = false;
		return 0;
	}
	if ((trailing || (flags & LOOKUP_DIRECTORY)) && !S_ISDIR(w->dir->mode))
		return -ENOTDIR;
	return 0;
}

int walk_path(const struct vfs_ctx *ctx, struct inode *start, const char *path, unsigned flags, unsigned *links,
              struct inode **out)
{
	struct walker w;
	int err;

	walker_start(&w, ctx, start, path, links);
	err = walk(&w, flags, NULL);
	if (!err) {
		*out = w.dir;
		w.dir = NULL;
	}
	walker_end(&w);
	return err;
}

int walk_parent(const struct vfs_ctx *ctx, struct inode *start, const char *path, unsigned *links,
                struct parent_path *pp)
{
	struct walker w;
	int err;

	pp->dir = NULL;
	walker_start(&w, ctx, start, path, links);
	err = walk(&w, 0, pp);
	if (!err) {
		pp->dir = w.dir;
		w.dir = NULL;
	}
	walker_end(&w);
	return err;
}

void parent_path_release(struct parent_path *pp)
{
	if (pp->dir)
		inode_put(pp->dir);
	pp->dir = NULL;
}

int vfs_lookup(const struct vfs_ctx *ctx, struct inode *dir, const char *path, unsigned flags, struct inode **out)
{
	unsigned links = 0;
	int err = path_check(path, flags);

	if (err)
		return err;
	if (!path[0]) {
		struct inode *ip = dir ? dir : ctx->cwd;
		if ((flags & LOOKUP_DIRECTORY) && !S_ISDIR(ip->mode))
			return -ENOTDIR;
		*out = inode_get(ip);
		return 0;
	}
	return walk_path(ctx, dir, path, flags, &links, out);
}

int vfs_lookup_dir(const struct vfs_ctx *ctx, struct inode *dir, const char *path, struct inode **out)
{
	struct inode *ip;
	int err = vfs_lookup(ctx, dir, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &ip);

	if (err)
		return err;
	err = inode_permission(ctx->cred, ip, MAY_EXEC);
	if (err) {
		inode_put(ip);
		return err;
	}
	*out = ip;
	return 0;
}
