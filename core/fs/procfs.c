/* procfs: /proc as a file system whose inodes are made on lookup and freed
 * at their last reference. The root lists the system-wide entries, "self"
 * and one directory per live process; content is generated at open into a
 * buffer the reads then copy from. Inode numbers are derived from (pid,
 * entry), so they are stable across lookups (getcwd, find). */
#include <kern/abi/statfs.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/stdarg.h>
#include <kern/string.h>

#include "fs_internal.h"
#include "procfs_internal.h"

#define ROOT_INO     1
#define PID_POS_BASE 0x10000 /* readdir positions at and above: pid directories */

struct procfs_inode {
	struct inode vfs;
	int pid;                          /* 0: the root or a system-wide entry */
	const struct procfs_entry *entry; /* NULL: a directory (root or pid) */
};

static const struct inode_ops procfs_iops;
static const struct file_ops procfs_file_ops;
static const struct super_block_ops procfs_sb_ops;

static struct procfs_inode *PI(struct inode *ip)
{
	return container_of(ip, struct procfs_inode, vfs);
}

/* --- text buffers --- */

static bool pbuf_reserve(struct pbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 256;
	char *data;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	while (cap < b->len + more + 1)
		cap *= 2;
	data = kmalloc(cap);
	if (!data) {
		b->oom = true;
		return false;
	}
	if (b->data)
		memcpy(data, b->data, b->len);
	kfree(b->data);
	b->data = data;
	b->cap = cap;
	return true;
}

void pbuf_put(struct pbuf *b, const void *data, size_t len)
{
	if (!pbuf_reserve(b, len))
		return;
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

void pbuf_printf(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !pbuf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	kvsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* --- inodes --- */

static uint64_t ino_of(int pid, const struct procfs_entry *e)
{
	const struct procfs_entry *base = pid ? procfs_pid_entries : procfs_root_entries;
	uint64_t idx = e ? (uint64_t)(e - base) + 1 : 0;

	if (!pid)
		return ROOT_INO + idx;
	return ((uint64_t)pid << 8) | idx;
}

static struct inode *new_inode(struct super_block *sb, int pid, const struct procfs_entry *e, uint32_t uid,
                               uint32_t gid)
{
	struct procfs_inode *pi = kmalloc(sizeof(*pi));
	uint32_t mode = e ? e->mode : S_IFDIR | 0555;

	if (!pi)
		return NULL;
	inode_init(&pi->vfs, sb, mode, &cred_root);
	pi->vfs.ino = ino_of(pid, e);
	pi->vfs.uid = uid;
	pi->vfs.gid = gid;
	pi->vfs.iops = &procfs_iops;
	pi->vfs.fops = S_ISREG(mode) ? &procfs_file_ops : NULL;
	pi->pid = pid;
	pi->entry = e;
	return &pi->vfs;
}

static void procfs_evict(struct inode *ip)
{
	kfree(PI(ip));
}

static void procfs_kill(struct super_block *sb)
{
	kfree(PI(sb->root));
	kfree(sb);
}

/* The inodes have no directory entries (nlink 0, so the last reference
 * frees them); stat shows Linux's counts. */
static void procfs_getattr(struct inode *ip, struct kstat *st)
{
	st->nlink = S_ISDIR(ip->mode) ? 2 : 1;
	st->blksize = 1024;
}

/* --- the namespace --- */

static const struct procfs_entry *find_entry(const struct procfs_entry *tab, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(tab[i].name) == len && memcmp(tab[i].name, name, len) == 0)
			return &tab[i];
	return NULL;
}

static int parse_pid(const char *name, size_t len)
{
	int pid = 0;

	if (len == 0 || len > 9 || name[0] == '0')
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		pid = pid * 10 + (name[i] - '0');
	}
	return pid;
}

static int procfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct procfs_inode *pd = PI(dir);
	const struct procfs_entry *e;
	uint32_t uid = 0, gid = 0;
	int pid = pd->pid;

	if (len == 1 && name[0] == '.') {
		*out = inode_get(dir);
		return 0;
	}
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = inode_get(dir->sb->root);
		return 0;
	}
	if (pid == 0) {
		e = find_entry(procfs_root_entries, procfs_root_count, name, len);
		if (!e) {
			pid = parse_pid(name, len);
			if (pid <= 0 || !procfs_pid_alive(pid, &uid, &gid))
				return -ENOENT;
		}
	} else {
		if (!procfs_pid_alive(pid, &uid, &gid))
			return -ENOENT;
		e = find_entry(procfs_pid_entries, procfs_pid_count, name, len);
		if (!e)
			return -ENOENT;
	}
	*out = new_inode(dir->sb, pid, e, uid, gid);
	return *out ? 0 : -ENOMEM;
}

static bool emit_entries(const struct procfs_entry *tab, size_t n, int pid, uint64_t *pos, readdir_emit_t emit,
                         void *ctx)
{
	while (*pos >= 2 && *pos - 2 < n) {
		const struct procfs_entry *e = &tab[*pos - 2];
		if (!emit(ctx, e->name, strlen(e->name), ino_of(pid, e), dtype_of(e->mode), *pos + 1))
			return false;
		(*pos)++;
	}
	return true;
}

static int readdir_pids(uint64_t *pos, readdir_emit_t emit, void *ctx)
{
	int pids[64];

	if (*pos < PID_POS_BASE)
		*pos = PID_POS_BASE;
	for (;;) {
		size_t n = procfs_list_pids((int)(*pos - PID_POS_BASE), pids, ARRAY_SIZE(pids));
		if (n == 0)
			return 0;
		for (size_t i = 0; i < n; i++) {
			char name[16];
			int len = ksnprintf(name, sizeof(name), "%d", pids[i]);
			if (!emit(ctx, name, (size_t)len, ino_of(pids[i], NULL), DT_DIR, PID_POS_BASE + (uint64_t)pids[i]))
				return 0;
			*pos = PID_POS_BASE + (uint64_t)pids[i];
		}
	}
}

static int procfs_readdir(struct inode *dir, uint64_t *pos, readdir_emit_t emit, void *ctx)
{
	struct procfs_inode *pd = PI(dir);

	if (*pos == 0) {
		if (!emit(ctx, ".", 1, dir->ino, DT_DIR, 1))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (!emit(ctx, "..", 2, ROOT_INO, DT_DIR, 2))
			return 0;
		*pos = 2;
	}
	if (pd->pid)
		return procfs_pid_alive(pd->pid, NULL, NULL)
		           ? (emit_entries(procfs_pid_entries, procfs_pid_count, pd->pid, pos, emit, ctx), 0)
		           : 0;
	if (!emit_entries(procfs_root_entries, procfs_root_count, 0, pos, emit, ctx))
		return 0;
	return readdir_pids(pos, emit, ctx);
}

static ssize_t procfs_readlink(struct inode *ip, char *buf, size_t size)
{
	struct procfs_inode *pi = PI(ip);
	struct pbuf b = {0};
	ssize_t n;
	int err = pi->entry && pi->entry->link ? pi->entry->link(&b, pi->pid) : -EINVAL;

	if (!err && b.oom)
		err = -ENOMEM;
	if (err == -ESRCH)
		err = -ENOENT;
	n = err ? err : (ssize_t)MIN(b.len, size);
	if (n > 0)
		memcpy(buf, b.data, (size_t)n);
	kfree(b.data);
	return n;
}

/* The namespace is the kernel's. As on Linux, a name that does not exist
 * cannot be looked up even to be created (ENOENT), and existing names
 * cannot be removed or renamed (EPERM). */
static int procfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode, kdev_t rdev,
                         const struct cred *cred, struct inode **out)
{
	return -ENOENT;
}

static int procfs_symlink(struct inode *dir, const char *name, size_t len, const char *target,
                          const struct cred *cred, struct inode **out)
{
	return -ENOENT;
}

static int procfs_link(struct inode *dir, const char *name, size_t len, struct inode *ip)
{
	return -ENOENT;
}

static int procfs_remove(struct inode *dir, const char *name, size_t len)
{
	return -EPERM;
}

static int procfs_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir, const char *nname,
                         size_t nlen)
{
	struct inode *target;

	if (procfs_lookup(ndir, nname, nlen, &target) != 0)
		return -ENOENT;
	inode_put(target);
	return -EPERM;
}

static const struct inode_ops procfs_iops = {
    .lookup = procfs_lookup,
    .create = procfs_create,
    .symlink = procfs_symlink,
    .link = procfs_link,
    .unlink = procfs_remove,
    .rmdir = procfs_remove,
    .rename = procfs_rename,
    .readdir = procfs_readdir,
    .readlink = procfs_readlink,
};

/* --- files: content made at open --- */

static int procfs_open(struct inode *ip, struct file *f)
{
	struct procfs_inode *pi = PI(ip);
	struct pbuf *b;
	int err;

	b = kzalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	err = pi->entry->show(b, pi->pid);
	if (!err && b->oom)
		err = -ENOMEM;
	if (err) {
		kfree(b->data);
		kfree(b);
		return err == -ESRCH ? -ENOENT : err;
	}
	f->private_data = b;
	return 0;
}

static void procfs_release(struct file *f)
{
	struct pbuf *b = f->private_data;

	kfree(b->data);
	kfree(b);
}

static ssize_t procfs_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	struct pbuf *b = f->private_data;
	size_t n;

	if (*pos >= b->len)
		return 0;
	n = MIN(len, b->len - (size_t)*pos);
	memcpy(buf, b->data + *pos, n);
	*pos += n;
	return (ssize_t)n;
}

static const struct file_ops procfs_file_ops = {
    .open = procfs_open,
    .release = procfs_release,
    .read = procfs_read,
};

static const struct super_block_ops procfs_sb_ops = {
    .evict = procfs_evict,
    .kill = procfs_kill,
    .getattr = procfs_getattr,
};

static int procfs_mount(const struct fs_type *type, const void *data, struct super_block **out)
{
	struct super_block *sb = kmalloc(sizeof(*sb));
	struct inode *root;

	if (!sb)
		return -ENOMEM;
	sb_init(sb, type, &procfs_sb_ops);
	root = new_inode(sb, 0, NULL, 0, 0);
	if (!root) {
		kfree(sb);
		return -ENOMEM;
	}
	sb->root = root; /* keeps the reference inode_init gave */
	*out = sb;
	return 0;
}

struct fs_type procfs_fs_type = {
    .name = "proc",
    .magic = PROC_SUPER_MAGIC,
    .nodev = true,
    .mount = procfs_mount,
};
