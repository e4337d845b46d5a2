/* Inode life cycle: references, link counts and eviction, timestamps. */
#include <kern/atomic.h>
#include <kern/log.h>
#include <kern/string.h>
#include <plat/time.h>

#include "fs_internal.h"

static int64_t boot_epoch_ns;

void vfs_set_boot_epoch(int64_t epoch_ns)
{
	atomic_store_relaxed(&boot_epoch_ns, epoch_ns);
}

int64_t vfs_now_ns(void)
{
	return atomic_load_relaxed(&boot_epoch_ns) + (int64_t)plat_time_ns();
}

void inode_init(struct inode *ip, struct super_block *sb, uint32_t mode, const struct cred *cred)
{
	int64_t now = vfs_now_ns();

	memset(ip, 0, sizeof(*ip));
	ip->ino = atomic_add_fetch(&sb->next_ino, 1);
	ip->mode = mode;
	ip->uid = cred->euid;
	ip->gid = cred->egid;
	ip->atime_ns = ip->mtime_ns = ip->ctime_ns = ip->btime_ns = now;
	ip->sb = sb;
	mutex_init(&ip->lock, "inode");
	spin_init(&ip->ref_lock, "inode-ref");
	ip->refcount = 1;
	atomic_add_fetch(&sb->inode_refs, 1);
}

struct inode *inode_get(struct inode *ip)
{
	spin_lock(&ip->ref_lock);
	KASSERT(ip->refcount > 0 || ip->nlink > 0);
	ip->refcount++;
	spin_unlock(&ip->ref_lock);
	atomic_add_fetch(&ip->sb->inode_refs, 1);
	return ip;
}

/* Whoever takes the last of both references and links frees the inode. */
static bool last_one_out(struct inode *ip)
{
	if (ip->refcount == 0 && ip->nlink == 0 && !ip->evicting) {
		ip->evicting = true;
		return true;
	}
	return false;
}

void inode_put(struct inode *ip)
{
	struct super_block *sb = ip->sb;
	bool evict;

	spin_lock(&ip->ref_lock);
	KASSERT(ip->refcount > 0);
	ip->refcount--;
	evict = last_one_out(ip);
	spin_unlock(&ip->ref_lock);
	atomic_sub_fetch(&sb->inode_refs, 1);
	if (evict)
		sb->ops->evict(ip);
}

void inode_inc_link(struct inode *ip)
{
	spin_lock(&ip->ref_lock);
	ip->nlink++;
	spin_unlock(&ip->ref_lock);
}

void inode_drop_links(struct inode *ip, uint32_t n)
{
	bool evict;

	spin_lock(&ip->ref_lock);
	KASSERT(ip->nlink >= n);
	ip->nlink -= n;
	evict = last_one_out(ip);
	spin_unlock(&ip->ref_lock);
	if (evict)
		ip->sb->ops->evict(ip);
}

void inode_touch(struct inode *ip, bool mtime, bool ctime)
{
	int64_t now = vfs_now_ns();

	if (mtime)
		ip->mtime_ns = now;
	if (ctime)
		ip->ctime_ns = now;
}

unsigned dtype_of(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return DT_REG;
	case S_IFDIR: return DT_DIR;
	case S_IFLNK: return DT_LNK;
	case S_IFCHR: return DT_CHR;
	case S_IFBLK: return DT_BLK;
	case S_IFIFO: return DT_FIFO;
	case S_IFSOCK: return DT_SOCK;
	default: return DT_UNKNOWN;
	}
}

void poll_table_add(struct poll_table *pt, struct waitqueue *wq)
{
	if (!pt || !wq)
		return;
	for (unsigned i = 0; i < pt->count; i++)
		if (pt->queues[i] == wq)
			return;
	KASSERT(pt->count < POLL_TABLE_MAX);
	pt->queues[pt->count++] = wq;
}

void vfs_init(void)
{
	static int done;
	static spinlock_t init_lock = SPINLOCK_INIT("vfs-init");
	bool first;

	spin_lock(&init_lock);
	first = !done;
	done = 1;
	spin_unlock(&init_lock);
	if (!first)
		return;
	if (fs_register(&tmpfs_fs_type) || fs_register(&procfs_fs_type))
		panic("vfs: cannot register the built-in file systems");
	krandom_init();
	chrdev_register_builtins();
}
