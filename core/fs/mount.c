/* File-system types, superblocks and the mount table. A mount covers a
 * directory inode (its covered_by); lookups step onto the mounted root, and
 * ".." at a mounted root steps back onto the covered directory. */
#include <kern/abi/statfs.h>
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/string.h>

#include "fs_internal.h"

/* Guards fs_types, every inode's covered_by, every sb's mount and the list
 * of mounts: the short critical sections of crossing a mount. */
static spinlock_t mount_lock = SPINLOCK_INIT("mount");
static struct list_node fs_types = LIST_INIT(fs_types);
static struct list_node mounts = LIST_INIT(mounts);
static struct mount *root_mount;
static uint32_t next_anon_dev;

int fs_register(struct fs_type *type)
{
	spin_lock(&mount_lock);
	list_for_each (it, &fs_types) {
		if (strcmp(list_entry(it, struct fs_type, node)->name, type->name) == 0) {
			spin_unlock(&mount_lock);
			return -EEXIST;
		}
	}
	list_push_back(&fs_types, &type->node);
	spin_unlock(&mount_lock);
	return 0;
}

const struct fs_type *fs_find(const char *name)
{
	const struct fs_type *found = NULL;

	spin_lock(&mount_lock);
	list_for_each (it, &fs_types) {
		struct fs_type *t = list_entry(it, struct fs_type, node);
		if (strcmp(t->name, name) == 0)
			found = t;
	}
	spin_unlock(&mount_lock);
	return found;
}

void sb_init(struct super_block *sb, const struct fs_type *type, const struct super_block_ops *ops)
{
	memset(sb, 0, sizeof(*sb));
	sb->type = type;
	sb->ops = ops;
	mutex_init(&sb->ns_lock, "fs-namespace");
	sb->dev = kdev_make(0, atomic_add_fetch(&next_anon_dev, 1));
}

int sb_create(const char *fstype, const void *data, struct super_block **out)
{
	const struct fs_type *type;

	vfs_init();
	type = fs_find(fstype);
	if (!type)
		return -ENODEV;
	return type->mount(type, data, out);
}

int sb_destroy(struct super_block *sb)
{
	if (sb->mount)
		return -EBUSY;
	if (atomic_load_acquire(&sb->inode_refs) != 1)
		return -EBUSY;
	sb->ops->kill(sb);
	return 0;
}

struct inode *mount_follow(struct inode *ip)
{
	for (;;) {
		struct inode *next = NULL;

		spin_lock(&mount_lock);
		if (ip->covered_by)
			next = inode_get(ip->covered_by->sb->root);
		spin_unlock(&mount_lock);
		if (!next)
			return ip;
		inode_put(ip);
		ip = next;
	}
}

struct inode *mount_covered(struct inode *dir)
{
	struct inode *up = NULL;

	spin_lock(&mount_lock);
	if (dir == dir->sb->root && dir->sb->mount && dir->sb->mount->mountpoint)
		up = inode_get(dir->sb->mount->mountpoint);
	spin_unlock(&mount_lock);
	return up;
}

bool inode_is_mountpoint(struct inode *ip)
{
	return __atomic_load_n(&ip->covered_by, __ATOMIC_ACQUIRE) != NULL;
}

bool inode_is_fs_root(struct inode *ip)
{
	return ip == ip->sb->root;
}

int vfs_mount_sb(struct super_block *sb, struct inode *mountpoint)
{
	struct mount *m;

	if (!S_ISDIR(mountpoint->mode))
		return -ENOTDIR;
	m = kzalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->sb = sb;
	spin_lock(&mount_lock);
	if (mountpoint->covered_by || sb->mount) {
		spin_unlock(&mount_lock);
		kfree(m);
		return -EBUSY;
	}
	m->mountpoint = inode_get(mountpoint);
	mountpoint->covered_by = m;
	sb->mount = m;
	list_push_back(&mounts, &m->node);
	spin_unlock(&mount_lock);
	return 0;
}

int vfs_mount(const struct vfs_ctx *ctx, struct inode *dir, const char *path, const char *fstype, const void *data)
{
	struct super_block *sb;
	struct inode *ip;
	int err;

	if (ctx->cred->euid != 0)
		return -EPERM;
	/* No LOOKUP_DIRECTORY: as on Linux, an unknown type (ENODEV) is
	 * reported before a target that is not a directory (ENOTDIR). */
	err = vfs_lookup(ctx, dir, path, LOOKUP_FOLLOW, &ip);
	if (err)
		return err;
	err = sb_create(fstype, data, &sb);
	if (err == 0) {
		err = vfs_mount_sb(sb, ip);
		if (err)
			sb_destroy(sb);
	}
	inode_put(ip);
	return err;
}

/* Detaches m if nothing but the caller's one reference uses its file
 * system, which then can no longer be reached. */
static int mount_detach(struct mount *m)
{
	spin_lock(&mount_lock);
	if (atomic_load_acquire(&m->sb->inode_refs) != 2) {
		spin_unlock(&mount_lock);
		return -EBUSY;
	}
	if (m->mountpoint)
		m->mountpoint->covered_by = NULL;
	else
		root_mount = NULL;
	m->sb->mount = NULL;
	list_remove(&m->node);
	spin_unlock(&mount_lock);
	return 0;
}

static int umount_root_inode(struct inode *ip)
{
	struct super_block *sb = ip->sb;
	struct mount *m = sb->mount;
	int err;

	if (ip != sb->root || !m) {
		inode_put(ip);
		return -EINVAL;
	}
	err = mount_detach(m);
	inode_put(ip);
	if (err)
		return err;
	if (m->mountpoint)
		inode_put(m->mountpoint);
	kfree(m);
	err = sb_destroy(sb);
	KASSERT(err == 0);
	return 0;
}

int vfs_umount(const struct vfs_ctx *ctx, struct inode *dir, const char *path)
{
	struct inode *ip;
	int err;

	if (ctx->cred->euid != 0)
		return -EPERM;
	err = vfs_lookup(ctx, dir, path, LOOKUP_FOLLOW, &ip);
	if (err)
		return err;
	if (ip == ip->sb->root && ip->sb->mount && !ip->sb->mount->mountpoint) {
		inode_put(ip);
		return -EBUSY; /* "/" stays; rootfs_teardown() removes it */
	}
	return umount_root_inode(ip);
}

int mount_set_root(struct super_block *sb)
{
	struct mount *m = kzalloc(sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->sb = sb;
	spin_lock(&mount_lock);
	if (root_mount || sb->mount) {
		spin_unlock(&mount_lock);
		kfree(m);
		return -EBUSY;
	}
	root_mount = m;
	sb->mount = m;
	list_push_back(&mounts, &m->node);
	spin_unlock(&mount_lock);
	return 0;
}

int mount_unset_root(void)
{
	struct inode *root = vfs_root();

	if (!root)
		return -EINVAL;
	return umount_root_inode(root);
}

struct inode *vfs_root(void)
{
	struct inode *ip = NULL;

	spin_lock(&mount_lock);
	if (root_mount)
		ip = inode_get(root_mount->sb->root);
	spin_unlock(&mount_lock);
	return ip;
}

void vfs_statfs(struct inode *ip, struct kstatfs *st)
{
	struct page_stats ps;

	page_stats(&ps);
	memset(st, 0, sizeof(*st));
	st->type = ip->sb->type->magic;
	st->bsize = st->frsize = PAGE_SIZE;
	st->namelen = NAME_MAX;
	st->fsid = ip->sb->dev;
	st->flags = ST_VALID;
	if (ip->sb->type == &tmpfs_fs_type) {
		/* tmpfs has no size limit of its own: it can grow into free memory. */
		st->blocks = ps.total_pages;
		st->bfree = st->bavail = ps.free_pages;
		st->files = ps.total_pages;
		st->ffree = ps.free_pages;
	}
}

size_t vfs_mounts_snapshot(struct mount_info *out, size_t max)
{
	size_t n = 0;

	spin_lock(&mount_lock);
	list_for_each (it, &mounts) {
		struct mount *m = list_entry(it, struct mount, node);
		if (n == max)
			break;
		out[n].mountpoint = m->mountpoint ? inode_get(m->mountpoint) : NULL;
		out[n].root = inode_get(m->sb->root);
		out[n].fstype = m->sb->type->name;
		n++;
	}
	spin_unlock(&mount_lock);
	return n;
}

void vfs_mounts_release(struct mount_info *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (m[i].mountpoint)
			inode_put(m[i].mountpoint);
		inode_put(m[i].root);
	}
}

size_t vfs_fs_types(const struct fs_type **out, size_t max)
{
	size_t n = 0;

	spin_lock(&mount_lock);
	list_for_each (it, &fs_types) {
		if (n < max)
			out[n++] = list_entry(it, struct fs_type, node);
	}
	spin_unlock(&mount_lock);
	return n;
}
