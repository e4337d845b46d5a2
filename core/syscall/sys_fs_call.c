/* The per-call file-system context of the file syscalls: credentials,
 * root, cwd, the copied path and the dirfd. */
#include <kern/mm.h>
#include <kern/string.h>
#include <kern/vm.h>

#include "sys_fs.h"

int fs_call_begin(struct fs_call *c)
{
	struct process *p = proc_current();

	memset(c, 0, sizeof(*c));
	c->p = p;
	c->cred = p->cred;
	/* p->lock keeps cwd/root stable while we take our references. */
	spin_lock(&p->lock);
	c->ctx.root = p->root ? inode_get(p->root) : NULL;
	c->ctx.cwd = p->cwd ? inode_get(p->cwd) : NULL;
	spin_unlock(&p->lock);
	c->ctx.cred = &c->cred;
	if (!c->ctx.root || !c->ctx.cwd) {
		fs_call_end(c);
		return -ENOENT; /* no root file system yet */
	}
	return 0;
}

void fs_call_end(struct fs_call *c)
{
	if (c->ctx.root)
		inode_put(c->ctx.root);
	if (c->ctx.cwd)
		inode_put(c->ctx.cwd);
	if (c->dirf)
		file_put(c->dirf);
	kfree(c->path);
	memset(c, 0, sizeof(*c));
}

int fs_call_path(struct fs_call *c, long upath, bool allow_empty)
{
	long n;

	if (!c->path)
		c->path = kmalloc(PATH_MAX);
	if (!c->path)
		return -ENOMEM;
	n = strncpy_from_user(c->p->vm, c->path, (uintptr_t)upath, PATH_MAX);
	if (n < 0)
		return (int)n;
	if (n == 0 && !allow_empty)
		return -ENOENT;
	return 0;
}

struct file *fs_file(long fd)
{
	int ifd = (int)fd; /* int or unsigned int in every call: the upper half is not the caller's */

	if (ifd < 0 || ifd >= FD_MAX)
		return NULL;
	return fdt_lookup(proc_current()->fds, ifd);
}

int fs_call_dirfd(struct fs_call *c, long dirfd, bool empty_ok)
{
	bool empty = c->path && c->path[0] == '\0';

	if (c->path && c->path[0] == '/')
		return 0;
	if ((int)dirfd == AT_FDCWD)
		return 0;
	c->dirf = fs_file((int)dirfd);
	if (!c->dirf)
		return -EBADF;
	if (!c->dirf->inode)
		return empty && empty_ok ? -EBADF : -ENOTDIR; /* pipes, ttys: no inode to start from */
	if (!S_ISDIR(c->dirf->inode->mode) && !(empty && empty_ok))
		return -ENOTDIR;
	c->dir = c->dirf->inode;
	return 0;
}

int fs_call_at(struct fs_call *c, long dirfd, long upath, int atflags)
{
	bool empty_ok = atflags & AT_EMPTY_PATH;
	int err = fs_call_begin(c);

	if (!err)
		err = fs_call_path(c, upath, empty_ok);
	if (!err)
		err = fs_call_dirfd(c, dirfd, empty_ok);
	return err;
}

static void swap_inode(struct process *p, struct inode **slot, struct inode *ip)
{
	struct inode *old;

	spin_lock(&p->lock);
	old = *slot;
	*slot = ip;
	spin_unlock(&p->lock);
	if (old)
		inode_put(old); /* outside the spinlock: the last put may evict */
}

void fs_set_cwd(struct process *p, struct inode *ip)
{
	swap_inode(p, &p->cwd, ip);
}

void fs_set_root(struct process *p, struct inode *ip)
{
	swap_inode(p, &p->root, ip);
}
