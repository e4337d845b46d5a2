/* Open files: open/openat, reference counting, read/write/lseek, poll and
 * ioctl dispatch. */
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/string.h>

#include "fs_internal.h"

#define MAX_RW_COUNT     0x7ffff000UL /* Linux's cap on one read or write */
#define DEFAULT_POLLMASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

/* O_PATH files and directories have no operations of their own. */
static const struct file_ops empty_fops;
static const struct file_ops *fifo_fops;

void vfs_set_fifo_ops(const struct file_ops *fops)
{
	atomic_store_release(&fifo_fops, fops);
}

struct file *file_alloc(struct inode *ip, const struct file_ops *fops, int flags, void *private_data)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->inode = ip;
	f->fops = fops ? fops : &empty_fops;
	f->flags = (uint32_t)flags;
	f->refcount = 1;
	f->private_data = private_data;
	mutex_init(&f->pos_lock, "file-pos");
	return f;
}

struct file *file_get(struct file *f)
{
	atomic_add_fetch(&f->refcount, 1);
	return f;
}

void file_put(struct file *f)
{
	long left = atomic_sub_fetch(&f->refcount, 1);

	KASSERT(left >= 0);
	if (left)
		return;
	if (f->fops->release)
		f->fops->release(f);
	if (f->inode)
		inode_put(f->inode);
	kfree(f);
}

static int file_ops_for(struct inode *ip, const struct file_ops **out)
{
	switch (ip->mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK: *out = ip->fops; return 0;
	case S_IFCHR: *out = chrdev_lookup(ip->rdev); return *out ? 0 : -ENXIO;
	case S_IFIFO: *out = atomic_load_acquire(&fifo_fops); return *out ? 0 : -ENXIO;
	default: return -ENXIO;
	}
}

static int open_access_mask(int flags)
{
	int mask;

	switch (flags & O_ACCMODE) {
	case O_RDONLY: mask = MAY_READ; break;
	case O_WRONLY: mask = MAY_WRITE; break;
	default: mask = MAY_READ | MAY_WRITE; break;
	}
	if (flags & O_TRUNC)
		mask |= MAY_WRITE;
	return mask;
}

/* The checks and set-up after the inode is found; consumes the reference. */
static int finish_open(const struct cred *cred, struct inode *ip, int flags, bool created, struct file **out)
{
	const struct file_ops *fops = &empty_fops;
	struct file *f;
	int err = 0;

	if (flags & O_PATH)
		goto make_file;
	if (S_ISLNK(ip->mode))
		err = -ELOOP;
	else if ((flags & O_DIRECTORY) && !S_ISDIR(ip->mode))
		err = -ENOTDIR;
	else if (S_ISDIR(ip->mode) && ((flags & O_CREAT) || (open_access_mask(flags) & MAY_WRITE)))
		err = -EISDIR;
	else if (!created)
		err = inode_permission(cred, ip, open_access_mask(flags));
	if (!err)
		err = file_ops_for(ip, &fops);
	if (err)
		goto fail;
	if ((flags & O_TRUNC) && S_ISREG(ip->mode) && !created) {
		mutex_lock(&ip->lock);
		err = ip->iops->setsize ? ip->iops->setsize(ip, 0) : -EINVAL;
		if (!err)
			inode_touch(ip, true, true);
		mutex_unlock(&ip->lock);
		if (err)
			goto fail;
	}
make_file:
	f = file_alloc(ip, fops, flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC), NULL);
	if (!f) {
		err = -ENOMEM;
		goto fail;
	}
	if (!(flags & O_PATH) && f->fops->open) {
		err = f->fops->open(ip, f);
		if (err) {
			f->fops = &empty_fops; /* not opened: no release */
			file_put(f);
			return err;
		}
	}
	*out = f;
	return 0;
fail:
	inode_put(ip);
	return err;
}

/* open(O_CREAT): find or create the last component, following a symlink
 * there (even a dangling one: its target is created) unless O_EXCL or
 * O_NOFOLLOW say otherwise. */
static int open_create(const struct vfs_ctx *ctx, struct inode *dir, const char *path, int flags, uint32_t mode,
                       struct inode **out, bool *created)
{
	struct parent_path *pp = kmalloc(sizeof(*pp));
	struct inode *start = dir, *held = NULL, *ip;
	unsigned links = 0;
	char *body = NULL;
	int err;

	if (!pp)
		return -ENOMEM;
	for (;;) {
		err = walk_parent(ctx, start, body ? body : path, &links, pp);
		kfree(body);
		body = NULL;
		if (held)
			inode_put(held);
		held = NULL;
		if (err)
			break;
		if (pp->type != LAST_NORM || pp->trailing_slash) {
			err = -EISDIR;
			break;
		}
		ns_lock(pp->dir->sb);
		err = lookup_child_locked(pp->dir, pp->name, pp->len, &ip);
		if (err == -ENOENT) {
			err = inode_permission(ctx->cred, pp->dir, MAY_WRITE | MAY_EXEC);
			if (!err)
				err = pp->dir->iops->create(pp->dir, pp->name, pp->len, S_IFREG | (mode & 07777), 0,
				                            ctx->cred, &ip);
			ns_unlock(pp->dir->sb);
			if (!err) {
				*created = true;
				*out = ip;
			}
			break;
		}
		ns_unlock(pp->dir->sb);
		if (err)
			break;
		if (flags & O_EXCL) {
			inode_put(ip);
			err = -EEXIST;
			break;
		}
		if (!S_ISLNK(ip->mode) || (flags & O_NOFOLLOW)) {
			*out = mount_follow(ip);
			break;
		}
		err = ++links > MAXSYMLINKS ? -ELOOP : read_link_body(ip, &body);
		inode_put(ip);
		if (!err && !body[0])
			err = -ENOENT;
		if (err)
			break;
		/* Continue from the link's directory with its body. */
		held = start = pp->dir;
		pp->dir = NULL;
	}
	kfree(body);
	parent_path_release(pp);
	kfree(pp);
	return err;
}

int vfs_openat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, int flags, uint32_t mode,
               struct file **out)
{
	struct inode *ip;
	bool created = false;
	unsigned links = 0;
	int err = path_check(path, 0);

	if (err)
		return err;
	/* O_PATH beats everything else, O_TMPFILE included (Linux's
	 * build_open_how). */
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	if (flags & O_CREAT)
		err = open_create(ctx, dir, path, flags, mode, &ip, &created);
	else
		err = walk_path(ctx, dir, path,
		                ((flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
		                    ((flags & O_DIRECTORY) ? LOOKUP_DIRECTORY : 0),
		                &links, &ip);
	if (err)
		return err;
	return finish_open(ctx->cred, ip, flags, created, out);
}

int vfs_open_inode(const struct cred *cred, struct inode *ip, int flags, struct file **out)
{
	return finish_open(cred, inode_get(ip), flags & ~O_CREAT, false, out);
}

static bool file_seekable(struct file *f)
{
	return f->inode && (S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode));
}

/* Files whose position means something (pread/pwrite work). */
static bool file_positional(struct file *f)
{
	return file_seekable(f) || f->fops->llseek != NULL;
}

static int check_readable(struct file *f)
{
	if ((f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_ACCMODE) == 3)
		return -EBADF;
	if (f->inode && S_ISDIR(f->inode->mode))
		return -EISDIR;
	return f->fops->read ? 0 : -EINVAL;
}

static int check_writable(struct file *f)
{
	if ((f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_ACCMODE) == 3)
		return -EBADF;
	return f->fops->write ? 0 : -EINVAL;
}

ssize_t vfs_read(struct file *f, void *buf, size_t len)
{
	uint64_t pos;
	ssize_t n;
	int err = check_readable(f);

	if (err)
		return err;
	len = MIN(len, MAX_RW_COUNT);
	if (!file_seekable(f)) {
		pos = atomic_load_relaxed(&f->pos);
		n = f->fops->read(f, buf, len, &pos);
		atomic_store_relaxed(&f->pos, pos);
		return n;
	}
	mutex_lock(&f->pos_lock);
	pos = f->pos;
	n = f->fops->read(f, buf, len, &pos);
	f->pos = pos;
	mutex_unlock(&f->pos_lock);
	return n;
}

ssize_t vfs_write(struct file *f, const void *buf, size_t len)
{
	uint64_t pos;
	ssize_t n;
	int err = check_writable(f);

	if (err)
		return err;
	len = MIN(len, MAX_RW_COUNT);
	if (!file_seekable(f)) {
		pos = atomic_load_relaxed(&f->pos);
		n = f->fops->write(f, buf, len, &pos);
		atomic_store_relaxed(&f->pos, pos);
		return n;
	}
	mutex_lock(&f->pos_lock);
	pos = f->pos;
	n = f->fops->write(f, buf, len, &pos);
	f->pos = pos;
	mutex_unlock(&f->pos_lock);
	return n;
}

ssize_t vfs_pread(struct file *f, void *buf, size_t len, int64_t off)
{
	uint64_t pos = (uint64_t)off;
	int err = check_readable(f);

	if (err)
		return err;
	if (!file_positional(f))
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	return f->fops->read(f, buf, MIN(len, MAX_RW_COUNT), &pos);
}

ssize_t vfs_pwrite(struct file *f, const void *buf, size_t len, int64_t off)
{
	uint64_t pos = (uint64_t)off;
	int err = check_writable(f);

	if (err)
		return err;
	if (!file_positional(f))
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	return f->fops->write(f, buf, MIN(len, MAX_RW_COUNT), &pos);
}

int64_t vfs_generic_llseek(struct file *f, int64_t off, int whence)
{
	bool dir = S_ISDIR(f->inode->mode);
	int64_t size = (int64_t)f->inode->size, base, pos;

	mutex_lock(&f->pos_lock);
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->pos; break;
	case SEEK_END: base = dir ? -1 : size; break;
	case SEEK_DATA:
	case SEEK_HOLE:
		/* Everything below the size counts as data, as Linux's generic
		 * version does. */
		base = (dir || off < 0) ? -1 : off >= size ? -2 : whence == SEEK_DATA ? off : size;
		off = 0;
		break;
	default: base = -1; break;
	}
	if (base == -2) {
		mutex_unlock(&f->pos_lock);
		return -ENXIO;
	}
	if (base < 0 || __builtin_add_overflow(base, off, &pos) || pos < 0) {
		mutex_unlock(&f->pos_lock);
		return -EINVAL;
	}
	f->pos = (uint64_t)pos;
	mutex_unlock(&f->pos_lock);
	return pos;
}

int64_t vfs_noop_llseek(struct file *f, int64_t off, int whence)
{
	return (int64_t)atomic_load_relaxed(&f->pos);
}

int64_t vfs_zero_llseek(struct file *f, int64_t off, int whence)
{
	atomic_store_relaxed(&f->pos, 0);
	return 0;
}

int64_t vfs_lseek(struct file *f, int64_t off, int whence)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (f->fops->llseek)
		return f->fops->llseek(f, off, whence);
	if (file_seekable(f))
		return vfs_generic_llseek(f, off, whence);
	return -ESPIPE;
}

unsigned vfs_poll(struct file *f, struct poll_table *pt)
{
	if (f->flags & O_PATH)
		return POLLNVAL;
	if (f->fops->poll)
		return f->fops->poll(f, pt);
	return DEFAULT_POLLMASK;
}

long vfs_ioctl(struct file *f, unsigned cmd, uintptr_t arg)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (f->fops->ioctl)
		return f->fops->ioctl(f, cmd, arg);
	return -ENOTTY;
}

struct dirent_buf {
	char *buf;
	size_t size, used;
	bool full;
};

static bool dirent_emit(void *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype, uint64_t next_pos)
{
	struct dirent_buf *db = ctx;
	size_t reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + len + 1, 8);
	struct linux_dirent64 hdr;
	char *rec;

	if (db->used + reclen > db->size) {
		db->full = true;
		return false;
	}
	rec = db->buf + db->used;
	hdr.d_ino = ino;
	hdr.d_off = (int64_t)next_pos;
	hdr.d_reclen = (uint16_t)reclen;
	hdr.d_type = (uint8_t)dtype;
	memcpy(rec, &hdr, offsetof(struct linux_dirent64, d_name));
	memcpy(rec + offsetof(struct linux_dirent64, d_name), name, len);
	memset(rec + offsetof(struct linux_dirent64, d_name) + len, 0,
	       reclen - offsetof(struct linux_dirent64, d_name) - len);
	db->used += reclen;
	return true;
}

ssize_t vfs_getdents64(struct file *f, void *buf, size_t size)
{
	struct inode *ip = f->inode;
	struct dirent_buf db = {buf, size, 0, false};
	uint64_t pos;
	int err;

	if (f->flags & O_PATH)
		return -EBADF;
	if (!ip || !S_ISDIR(ip->mode))
		return -ENOTDIR;
	mutex_lock(&f->pos_lock);
	pos = f->pos;
	ns_lock(ip->sb);
	err = ip->iops->readdir ? ip->iops->readdir(ip, &pos, dirent_emit, &db) : -ENOTDIR;
	ns_unlock(ip->sb);
	f->pos = pos;
	mutex_unlock(&f->pos_lock);
	if (err)
		return err;
	if (db.used == 0 && db.full)
		return -EINVAL;
	return (ssize_t)db.used;
}
