/* tmpfs: a file system that lives in kernel memory. Directories are lists of
 * entries with stable cookies (the getdents64 position), regular files are
 * sparse page stores, symlinks keep their target string. Every inode is on
 * its superblock's list so that unmounting frees the lot. */
#include <kern/abi/statfs.h>
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/string.h>

#include "fs_internal.h"
#include "page_store.h"

struct tmpfs_sb {
	struct super_block sb;
	spinlock_t inodes_lock;
	struct list_node inodes; /* struct tmpfs_inode.sb_node */
};

struct tmpfs_dirent {
	struct list_node node;
	struct inode *ip;
	uint64_t cookie; /* getdents64 position; 0 and 1 are "." and ".." */
	size_t len;
	char name[];
};

struct tmpfs_inode {
	struct inode vfs;
	struct list_node sb_node;
	union {
		struct {
			struct list_node entries; /* in cookie order */
			uint64_t next_cookie;
			struct inode *parent; /* NULL once removed */
		} dir;
		struct page_store data;
		char *target;
	};
};

#define FIRST_COOKIE 2

static const struct inode_ops tmpfs_iops;
static const struct file_ops tmpfs_file_ops;
static const struct super_block_ops tmpfs_sb_ops;

static struct tmpfs_inode *TI(struct inode *ip)
{
	return container_of(ip, struct tmpfs_inode, vfs);
}

static struct tmpfs_sb *TSB(struct super_block *sb)
{
	return container_of(sb, struct tmpfs_sb, sb);
}

static struct tmpfs_inode *tmpfs_new_inode(struct super_block *sb, uint32_t mode, const struct cred *cred)
{
	struct tmpfs_inode *ti = kmalloc(sizeof(*ti));
	struct tmpfs_sb *ts = TSB(sb);

	if (!ti)
		return NULL;
	memset(ti, 0, sizeof(*ti));
	inode_init(&ti->vfs, sb, mode, cred);
	ti->vfs.iops = &tmpfs_iops;
	ti->vfs.fops = S_ISREG(mode) ? &tmpfs_file_ops : NULL;
	if (S_ISDIR(mode)) {
		list_init(&ti->dir.entries);
		ti->dir.next_cookie = FIRST_COOKIE;
	}
	spin_lock(&ts->inodes_lock);
	list_push_back(&ts->inodes, &ti->sb_node);
	spin_unlock(&ts->inodes_lock);
	return ti;
}

/* Frees what an inode owns (not its dirents' targets: those are inodes of
 * their own). */
static void tmpfs_free_inode(struct tmpfs_inode *ti)
{
	if (S_ISREG(ti->vfs.mode)) {
		page_store_truncate(&ti->data, 0);
	} else if (S_ISLNK(ti->vfs.mode)) {
		kfree(ti->target);
	} else if (S_ISDIR(ti->vfs.mode)) {
		struct list_node *n;
		while ((n = list_pop_front(&ti->dir.entries)) != NULL)
			kfree(list_entry(n, struct tmpfs_dirent, node));
	}
	kfree(ti);
}

static void tmpfs_evict(struct inode *ip)
{
	struct tmpfs_inode *ti = TI(ip);
	struct tmpfs_sb *ts = TSB(ip->sb);

	spin_lock(&ts->inodes_lock);
	list_remove(&ti->sb_node);
	spin_unlock(&ts->inodes_lock);
	tmpfs_free_inode(ti);
}

static void tmpfs_kill(struct super_block *sb)
{
	struct tmpfs_sb *ts = TSB(sb);
	struct list_node *n;

	while ((n = list_pop_front(&ts->inodes)) != NULL)
		tmpfs_free_inode(list_entry(n, struct tmpfs_inode, sb_node));
	kfree(ts);
}

static struct tmpfs_dirent *find_dirent(struct inode *dir, const char *name, size_t len)
{
	list_for_each (it, &TI(dir)->dir.entries) {
		struct tmpfs_dirent *de = list_entry(it, struct tmpfs_dirent, node);
		if (de->len == len && memcmp(de->name, name, len) == 0)
			return de;
	}
	return NULL;
}

static struct tmpfs_dirent *new_dirent(const char *name, size_t len, struct inode *ip)
{
	struct tmpfs_dirent *de = kmalloc(sizeof(*de) + len + 1);

	if (!de)
		return NULL;
	memcpy(de->name, name, len);
	de->name[len] = 0;
	de->len = len;
	de->ip = ip;
	list_init(&de->node);
	return de;
}

static void add_dirent(struct inode *dir, struct tmpfs_dirent *de)
{
	de->cookie = TI(dir)->dir.next_cookie++;
	list_push_back(&TI(dir)->dir.entries, &de->node);
	inode_touch(dir, true, true);
}

static bool dir_removed(struct inode *dir)
{
	return TI(dir)->dir.parent == NULL;
}

static int tmpfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct tmpfs_dirent *de;

	if (dir_removed(dir))
		return -ENOENT;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = inode_get(TI(dir)->dir.parent);
		return 0;
	}
	if (len == 1 && name[0] == '.') {
		*out = inode_get(dir);
		return 0;
	}
	de = find_dirent(dir, name, len);
	if (!de)
		return -ENOENT;
	*out = inode_get(de->ip);
	return 0;
}

/* Links a new inode under name; on failure the inode goes away. */
static int link_new(struct inode *dir, const char *name, size_t len, struct tmpfs_inode *ti, struct inode **out)
{
	struct tmpfs_dirent *de = new_dirent(name, len, &ti->vfs);

	if (!de) {
		inode_put(&ti->vfs); /* nlink 0: evicted */
		return -ENOSPC;
	}
	if (S_ISDIR(ti->vfs.mode)) {
		ti->dir.parent = dir;
		ti->vfs.nlink = 2;
		inode_inc_link(dir);
	} else {
		ti->vfs.nlink = 1;
	}
	add_dirent(dir, de);
	*out = &ti->vfs;
	return 0;
}

static int tmpfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode, kdev_t rdev,
                        const struct cred *cred, struct inode **out)
{
	struct tmpfs_inode *ti;

	if (dir_removed(dir))
		return -ENOENT;
	ti = tmpfs_new_inode(dir->sb, mode, cred);
	if (!ti)
		return -ENOSPC;
	if (S_ISCHR(mode) || S_ISBLK(mode))
		ti->vfs.rdev = rdev;
	/* A set-group-ID directory passes its group on (and the bit to
	 * subdirectories), as on Linux. */
	if (dir->mode & S_ISGID) {
		ti->vfs.gid = dir->gid;
		if (S_ISDIR(mode))
			ti->vfs.mode |= S_ISGID;
	}
	return link_new(dir, name, len, ti, out);
}

static int tmpfs_symlink(struct inode *dir, const char *name, size_t len, const char *target, const struct cred *cred,
                         struct inode **out)
{
	size_t tlen = strlen(target);
	struct tmpfs_inode *ti;

	if (dir_removed(dir))
		return -ENOENT;
	ti = tmpfs_new_inode(dir->sb, S_IFLNK | 0777, cred);
	if (!ti)
		return -ENOSPC;
	ti->target = kmalloc(tlen + 1);
	if (!ti->target) {
		inode_put(&ti->vfs);
		return -ENOSPC;
	}
	memcpy(ti->target, target, tlen + 1);
	ti->vfs.size = tlen;
	if (dir->mode & S_ISGID)
		ti->vfs.gid = dir->gid;
	return link_new(dir, name, len, ti, out);
}

static int tmpfs_link(struct inode *dir, const char *name, size_t len, struct inode *ip)
{
	struct tmpfs_dirent *de;

	if (dir_removed(dir))
		return -ENOENT;
	de = new_dirent(name, len, ip);
	if (!de)
		return -ENOSPC;
	inode_inc_link(ip);
	mutex_lock(&ip->lock);
	inode_touch(ip, false, true);
	mutex_unlock(&ip->lock);
	add_dirent(dir, de);
	return 0;
}

/* Takes a directory entry's inode out of the tree (its name is gone). */
static void drop_entry_inode(struct inode *dir, struct inode *ip)
{
	if (S_ISDIR(ip->mode)) {
		TI(ip)->dir.parent = NULL;
		inode_drop_links(dir, 1); /* the victim's ".." */
		inode_drop_links(ip, 2);  /* its name and its "." */
	} else {
		mutex_lock(&ip->lock);
		inode_touch(ip, false, true);
		mutex_unlock(&ip->lock);
		inode_drop_links(ip, 1);
	}
}

static int tmpfs_unlink(struct inode *dir, const char *name, size_t len)
{
	struct tmpfs_dirent *de = find_dirent(dir, name, len);
	struct inode *ip;

	if (!de)
		return -ENOENT;
	ip = de->ip;
	if (S_ISDIR(ip->mode))
		return -EISDIR;
	list_remove(&de->node);
	kfree(de);
	inode_touch(dir, true, true);
	drop_entry_inode(dir, ip);
	return 0;
}

static int tmpfs_rmdir(struct inode *dir, const char *name, size_t len)
{
	struct tmpfs_dirent *de = find_dirent(dir, name, len);
	struct inode *ip;

	if (!de)
		return -ENOENT;
	ip = de->ip;
	if (!S_ISDIR(ip->mode))
		return -ENOTDIR;
	if (!list_empty(&TI(ip)->dir.entries))
		return -ENOTEMPTY;
	list_remove(&de->node);
	kfree(de);
	inode_touch(dir, true, true);
	drop_entry_inode(dir, ip);
	return 0;
}

static int tmpfs_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir, const char *nname,
                        size_t nlen)
{
	struct tmpfs_dirent *src = find_dirent(odir, oname, olen);
	struct tmpfs_dirent *dst = find_dirent(ndir, nname, nlen);
	struct tmpfs_dirent *moved;
	struct inode *ip;

	if (!src)
		return -ENOENT;
	if (dir_removed(ndir))
		return -ENOENT;
	ip = src->ip;
	if (dst && S_ISDIR(dst->ip->mode) && !list_empty(&TI(dst->ip)->dir.entries))
		return -ENOTEMPTY;
	/* Allocate first: after this point nothing can fail. */
	moved = new_dirent(nname, nlen, ip);
	if (!moved)
		return -ENOSPC;
	if (dst) {
		struct inode *victim = dst->ip;
		list_remove(&dst->node);
		kfree(dst);
		drop_entry_inode(ndir, victim);
	}
	list_remove(&src->node);
	kfree(src);
	inode_touch(odir, true, true);
	add_dirent(ndir, moved);
	if (S_ISDIR(ip->mode) && odir != ndir) {
		TI(ip)->dir.parent = ndir;
		inode_drop_links(odir, 1);
		inode_inc_link(ndir);
	}
	mutex_lock(&ip->lock);
	inode_touch(ip, false, true);
	mutex_unlock(&ip->lock);
	return 0;
}

static int tmpfs_readdir(struct inode *dir, uint64_t *pos, readdir_emit_t emit, void *ctx)
{
	struct tmpfs_inode *td = TI(dir);

	if (dir_removed(dir))
		return 0; /* a removed directory lists nothing, not even "." */
	if (*pos == 0) {
		if (!emit(ctx, ".", 1, dir->ino, DT_DIR, 1))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (!emit(ctx, "..", 2, td->dir.parent->ino, DT_DIR, FIRST_COOKIE))
			return 0;
		*pos = FIRST_COOKIE;
	}
	list_for_each (it, &td->dir.entries) {
		struct tmpfs_dirent *de = list_entry(it, struct tmpfs_dirent, node);
		if (de->cookie < *pos)
			continue;
		if (!emit(ctx, de->name, de->len, de->ip->ino, dtype_of(de->ip->mode), de->cookie + 1))
			return 0;
		*pos = de->cookie + 1;
	}
	return 0;
}

static ssize_t tmpfs_readlink(struct inode *ip, char *buf, size_t size)
{
	size_t n = MIN(size, (size_t)ip->size);

	memcpy(buf, TI(ip)->target, n);
	return (ssize_t)n;
}

/* Caller holds ip->lock. */
static int tmpfs_setsize(struct inode *ip, uint64_t size)
{
	struct page_store *ps = &TI(ip)->data;

	if (size > PAGE_STORE_MAX_BYTES)
		return -EFBIG;
	if (size < ip->size) {
		uint64_t keep = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
		char *tail;
		page_store_truncate(ps, keep);
		/* The rest of a partial last page must read as zeros if the
		 * file grows again. */
		if (size % PAGE_SIZE && (tail = page_store_lookup(ps, size / PAGE_SIZE)) != NULL)
			memset(tail + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
	}
	ip->size = size;
	ip->blocks = ps->npages * (PAGE_SIZE / 512);
	return 0;
}

static ssize_t tmpfs_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	struct inode *ip = f->inode;
	struct page_store *ps = &TI(ip)->data;
	size_t done = 0;

	mutex_lock(&ip->lock);
	if (*pos < ip->size)
		len = (size_t)MIN((uint64_t)len, ip->size - *pos);
	else
		len = 0;
	while (done < len) {
		uint64_t off = *pos + done;
		size_t in_page = (size_t)(off % PAGE_SIZE);
		size_t n = MIN(len - done, PAGE_SIZE - in_page);
		char *page = page_store_lookup(ps, off / PAGE_SIZE);
		if (page)
			memcpy((char *)buf + done, page + in_page, n);
		else
			memset((char *)buf + done, 0, n);
		done += n;
	}
	mutex_unlock(&ip->lock);
	*pos += done;
	return (ssize_t)done;
}

static ssize_t tmpfs_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	struct inode *ip = f->inode;
	struct page_store *ps = &TI(ip)->data;
	size_t done = 0;
	int err = 0;

	mutex_lock(&ip->lock);
	if (f->flags & O_APPEND)
		*pos = ip->size;
	if (*pos >= PAGE_STORE_MAX_BYTES) {
		mutex_unlock(&ip->lock);
		return len ? -EFBIG : 0;
	}
	len = (size_t)MIN((uint64_t)len, PAGE_STORE_MAX_BYTES - *pos);
	while (done < len) {
		uint64_t off = *pos + done;
		size_t in_page = (size_t)(off % PAGE_SIZE);
		size_t n = MIN(len - done, PAGE_SIZE - in_page);
		char *page = page_store_get(ps, off / PAGE_SIZE);
		if (!page) {
			err = -ENOSPC;
			break;
		}
		memcpy(page + in_page, (const char *)buf + done, n);
		done += n;
	}
	if (done) {
		if (*pos + done > ip->size)
			ip->size = *pos + done;
		inode_touch(ip, true, true);
	}
	ip->blocks = ps->npages * (PAGE_SIZE / 512);
	mutex_unlock(&ip->lock);
	*pos += done;
	return done ? (ssize_t)done : err;
}

static const struct inode_ops tmpfs_iops = {
    .lookup = tmpfs_lookup,
    .create = tmpfs_create,
    .symlink = tmpfs_symlink,
    .link = tmpfs_link,
    .unlink = tmpfs_unlink,
    .rmdir = tmpfs_rmdir,
    .rename = tmpfs_rename,
    .readdir = tmpfs_readdir,
    .readlink = tmpfs_readlink,
    .setsize = tmpfs_setsize,
};

static const struct file_ops tmpfs_file_ops = {
    .read = tmpfs_read,
    .write = tmpfs_write,
};

static const struct super_block_ops tmpfs_sb_ops = {
    .evict = tmpfs_evict,
    .kill = tmpfs_kill,
};

/* Mount data: NULL, or "mode=OCTAL" for the root directory (default 1777,
 * as Linux's tmpfs). */
static uint32_t root_mode_from(const char *data)
{
	uint32_t mode = 0;

	if (!data || strncmp(data, "mode=", 5) != 0)
		return 01777;
	for (const char *p = data + 5; *p >= '0' && *p <= '7'; p++)
		mode = (mode << 3) | (uint32_t)(*p - '0');
	return mode & 07777;
}

static int tmpfs_mount(const struct fs_type *type, const void *data, struct super_block **out)
{
	struct tmpfs_sb *ts = kmalloc(sizeof(*ts));
	struct tmpfs_inode *root;

	if (!ts)
		return -ENOMEM;
	sb_init(&ts->sb, type, &tmpfs_sb_ops);
	spin_init(&ts->inodes_lock, "tmpfs-inodes");
	list_init(&ts->inodes);
	root = tmpfs_new_inode(&ts->sb, S_IFDIR | root_mode_from(data), &cred_root);
	if (!root) {
		kfree(ts);
		return -ENOMEM;
	}
	root->vfs.nlink = 2;
	root->dir.parent = &root->vfs;
	ts->sb.root = &root->vfs; /* keeps the reference inode_init gave */
	ts->sb.fs_private = ts;
	*out = &ts->sb;
	return 0;
}

struct fs_type tmpfs_fs_type = {
    .name = "tmpfs",
    .magic = TMPFS_MAGIC,
    .nodev = true,
    .mount = tmpfs_mount,
};
