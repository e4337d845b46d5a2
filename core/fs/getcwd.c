/* getcwd: there is no dentry cache, so the path is rebuilt by walking ".."
 * and finding each directory's name in its parent (inode numbers are unique
 * within a file system). */
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>

#include "fs_internal.h"

struct name_search {
	uint64_t ino;
	char name[NAME_MAX + 1];
	size_t len;
	bool found;
};

static bool match_ino(void *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype, uint64_t next)
{
	struct name_search *s = ctx;

	if (ino != s->ino || (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	memcpy(s->name, name, len);
	s->len = len;
	s->found = true;
	return false;
}

/* Steps from dir to its parent, telling dir's name there. */
static int parent_and_name(struct inode *dir, struct inode **parent, struct name_search *s)
{
	uint64_t pos = 0;
	int err;

	ns_lock(dir->sb);
	err = lookup_child_locked(dir, "..", 2, parent);
	if (!err) {
		s->ino = dir->ino;
		s->found = false;
		err = (*parent)->iops->readdir(*parent, &pos, match_ino, s);
		if (!err && !s->found)
			err = -ENOENT;
		if (err)
			inode_put(*parent);
	}
	ns_unlock(dir->sb);
	return err;
}

int vfs_getcwd(const struct vfs_ctx *ctx, char *buf, size_t size)
{
	struct name_search *s = kmalloc(sizeof(*s));
	char *path = kmalloc(PATH_MAX);
	struct inode *cur = inode_get(ctx->cwd);
	size_t pos = PATH_MAX - 1, len;
	int err = 0;

	if (!s || !path) {
		err = -ENOMEM;
		goto out;
	}
	path[pos] = 0;
	while (cur != ctx->root) {
		struct inode *parent;
		if (inode_is_fs_root(cur)) {
			struct inode *up = mount_covered(cur);
			if (!up)
				break; /* outside the caller's root: show it from its file system */
			inode_put(cur);
			cur = up;
			continue;
		}
		err = parent_and_name(cur, &parent, s);
		if (err)
			goto out;
		inode_put(cur);
		cur = parent;
		if (s->len + 1 > pos) {
			err = -ENAMETOOLONG;
			goto out;
		}
		pos -= s->len;
		memcpy(path + pos, s->name, s->len);
		path[--pos] = '/';
	}
	if (path[pos] == 0)
		path[--pos] = '/';
	len = PATH_MAX - pos;
	if (len > size) {
		err = -ERANGE;
		goto out;
	}
	memcpy(buf, path + pos, len);
	err = (int)len;
out:
	inode_put(cur);
	kfree(path);
	kfree(s);
	return err;
}
