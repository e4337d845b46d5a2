/* The initramfs unpacker: cpio "newc" (070701) and "crc" (070702) archives.
 * The input is untrusted (and fuzzed): every field is validated before use,
 * every offset is checked against the buffer, names may not climb out of
 * the target directory with ".." nor pass through symlinks, and any error
 * stops the unpack with a log line saying where and why. */
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/string.h>

#include "fs_internal.h"

#define CPIO_HDR_LEN 110
#define NSEC_PER_SEC 1000000000LL

struct cpio_entry {
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t devmajor, devminor, rdevmajor, rdevminor, namesize, check;
	bool crc;
	const char *name; /* NUL-terminated inside the buffer */
	const uint8_t *data;
	size_t offset; /* of the header, for messages */
};

/* Regular files seen with nlink > 1, to link later names to. */
struct hardlink {
	struct hardlink *next;
	uint32_t ino, devmajor, devminor;
	struct inode *ip;
};

/* Directories whose mtime is set once their contents are in place. */
struct dir_time {
	struct dir_time *next;
	struct inode *ip;
	int64_t mtime_ns;
};

struct unpack {
	struct inode *target;
	struct hardlink *links;
	struct dir_time *dirs;
	char *symlink_buf; /* PATH_MAX */
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool parse_hex8(const char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		int d = hexval(p[i]);
		if (d < 0)
			return false;
		v = (v << 4) | (uint32_t)d;
	}
	*out = v;
	return true;
}

/* Parses and bounds-checks the record at off; *next is where the next one
 * starts. */
static int parse_entry(const uint8_t *buf, size_t len, size_t off, struct cpio_entry *e, size_t *next)
{
	static const char *const field_names[13] = {"ino",       "mode",     "uid",      "gid",      "nlink",
	                                            "mtime",     "filesize", "devmajor", "devminor", "rdevmajor",
	                                            "rdevminor", "namesize", "check"};
	uint32_t *fields[13] = {&e->ino,       &e->mode,     &e->uid,      &e->gid,      &e->nlink,
	                        &e->mtime,     &e->filesize, &e->devmajor, &e->devminor, &e->rdevmajor,
	                        &e->rdevminor, &e->namesize, &e->check};
	const char *h = (const char *)buf + off;
	size_t name_off, data_off, end;

	e->offset = off;
	if (len - off < CPIO_HDR_LEN) {
		pr_err("cpio: offset %zu: truncated header (%zu bytes left)", off, len - off);
		return -EINVAL;
	}
	if (memcmp(h, "070701", 6) == 0) {
		e->crc = false;
	} else if (memcmp(h, "070702", 6) == 0) {
		e->crc = true;
	} else {
		pr_err("cpio: offset %zu: bad magic (not a newc/crc cpio header)", off);
		return -EINVAL;
	}
	for (int i = 0; i < 13; i++) {
		if (!parse_hex8(h + 6 + 8 * i, fields[i])) {
			pr_err("cpio: offset %zu: field %s is not 8 hex digits", off, field_names[i]);
			return -EINVAL;
		}
	}
	name_off = off + CPIO_HDR_LEN;
	if (e->namesize == 0 || e->namesize > PATH_MAX) {
		pr_err("cpio: offset %zu: name size %u out of range", off, e->namesize);
		return -EINVAL;
	}
	if (e->namesize > len - name_off) {
		pr_err("cpio: offset %zu: name runs past the end of the archive", off);
		return -EINVAL;
	}
	e->name = (const char *)buf + name_off;
	if (e->name[e->namesize - 1] != 0 || strnlen(e->name, e->namesize) != e->namesize - 1) {
		pr_err("cpio: offset %zu: name is not one NUL-terminated string of %u bytes", off, e->namesize);
		return -EINVAL;
	}
	data_off = ALIGN_UP(name_off + e->namesize, 4);
	if (data_off > len || e->filesize > len - data_off) {
		pr_err("cpio: offset %zu (%s): %u bytes of data run past the end of the archive", off, e->name,
		       e->filesize);
		return -EINVAL;
	}
	e->data = buf + data_off;
	end = ALIGN_UP(data_off + e->filesize, 4);
	*next = end < len ? end : len;
	return 0;
}

static int verify_checksum(const struct cpio_entry *e)
{
	uint32_t sum = 0;

	if (!e->crc)
		return 0;
	for (uint32_t i = 0; i < e->filesize; i++)
		sum += e->data[i];
	if (sum != e->check) {
		pr_err("cpio: offset %zu (%s): checksum %08x does not match the data's %08x", e->offset, e->name,
		       e->check, sum);
		return -EINVAL;
	}
	return 0;
}

/* Walks the entry's directories (which must exist, be directories and not
 * symlinks) and splits off its last component. Returns 1 for the target
 * directory itself ("." or "/"). */
static int resolve_parent(struct unpack *u, const struct cpio_entry *e, struct inode **dir, const char **last,
                          size_t *last_len)
{
	const char *p = e->name;
	struct inode *cur = inode_get(u->target);
	const char *comp = NULL;
	size_t clen = 0;

	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *start = p;
		while (*p && *p != '/')
			p++;
		size_t n = (size_t)(p - start);
		if (n == 1 && start[0] == '.')
			continue;
		if (n == 2 && start[0] == '.' && start[1] == '.') {
			pr_err("cpio: offset %zu: name \"%s\" climbs out with \"..\"", e->offset, e->name);
			inode_put(cur);
			return -EINVAL;
		}
		if (n > NAME_MAX) {
			pr_err("cpio: offset %zu: a component of \"%s\" is too long", e->offset, e->name);
			inode_put(cur);
			return -ENAMETOOLONG;
		}
		if (comp) {
			/* The previous component is a directory on the way. */
			struct inode *next;
			int err;
			ns_lock(cur->sb);
			err = lookup_child_locked(cur, comp, clen, &next);
			ns_unlock(cur->sb);
			if (err == 0) {
				next = mount_follow(next);
				if (!S_ISDIR(next->mode)) {
					inode_put(next);
					err = -ENOTDIR;
				}
			}
			if (err) {
				pr_err("cpio: offset %zu: \"%s\": %.*s is not an existing directory (error %d)",
				       e->offset, e->name, (int)clen, comp, err);
				inode_put(cur);
				return err;
			}
			inode_put(cur);
			cur = next;
		}
		comp = start;
		clen = n;
	}
	*dir = cur;
	*last = comp;
	*last_len = clen;
	return comp ? 0 : 1;
}

/* Clears the way for a new entry: removes a non-directory of that name, or
 * an empty directory when the entry is not a directory. With keep_dir, an
 * existing directory is returned in *kept instead. ns_lock held. */
static int clear_name_locked(struct inode *dir, const char *name, size_t len, bool keep_dir, struct inode **kept)
{
	struct inode *old;
	int err = lookup_child_locked(dir, name, len, &old);

	*kept = NULL;
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (S_ISDIR(old->mode) && keep_dir) {
		*kept = old;
		return 0;
	}
	if (S_ISDIR(old->mode))
		err = inode_is_mountpoint(old) ? -EBUSY : dir->iops->rmdir(dir, name, len);
	else
		err = dir->iops->unlink(dir, name, len);
	inode_put(old);
	return err;
}

static void set_attrs(struct inode *ip, const struct cpio_entry *e)
{
	int64_t t = (int64_t)e->mtime * NSEC_PER_SEC;

	mutex_lock(&ip->lock);
	ip->mode = (ip->mode & S_IFMT) | (e->mode & 07777);
	ip->uid = e->uid;
	ip->gid = e->gid;
	ip->atime_ns = ip->mtime_ns = t;
	mutex_unlock(&ip->lock);
}

static int write_data(struct inode *ip, const struct cpio_entry *e)
{
	struct file *f;
	ssize_t n;
	int err;

	if (e->filesize == 0)
		return 0;
	err = vfs_open_inode(&cred_root, ip, O_WRONLY, &f);
	if (err)
		return err;
	n = vfs_pwrite(f, e->data, e->filesize, 0);
	file_put(f);
	if (n < 0)
		return (int)n;
	return (uint32_t)n == e->filesize ? 0 : -ENOSPC;
}

static struct hardlink *find_hardlink(struct unpack *u, const struct cpio_entry *e)
{
	for (struct hardlink *h = u->links; h; h = h->next)
		if (h->ino == e->ino && h->devmajor == e->devmajor && h->devminor == e->devminor)
			return h;
	return NULL;
}

/* Creates (or links) the entry's inode under dir/name; returns a reference. */
static int create_entry(struct unpack *u, const struct cpio_entry *e, struct inode *dir, const char *name, size_t len,
                        struct inode **out)
{
	uint32_t type = e->mode & S_IFMT;
	struct hardlink *h = S_ISREG(type) && e->nlink > 1 ? find_hardlink(u, e) : NULL;
	struct inode *kept;
	int err;

	ns_lock(dir->sb);
	err = clear_name_locked(dir, name, len, S_ISDIR(type), &kept);
	if (err) {
		ns_unlock(dir->sb);
		return err;
	}
	if (kept) {
		*out = kept;
	} else if (h) {
		err = h->ip->sb == dir->sb ? dir->iops->link(dir, name, len, h->ip) : -EXDEV;
		if (!err)
			*out = inode_get(h->ip);
	} else if (S_ISLNK(type)) {
		memcpy(u->symlink_buf, e->data, e->filesize);
		u->symlink_buf[e->filesize] = 0;
		err = dir->iops->symlink(dir, name, len, u->symlink_buf, &cred_root, out);
	} else {
		kdev_t rdev = (S_ISCHR(type) || S_ISBLK(type)) ? kdev_make(e->rdevmajor, e->rdevminor) : 0;
		err = dir->iops->create(dir, name, len, type | (e->mode & 07777), rdev, &cred_root, out);
	}
	ns_unlock(dir->sb);
	if (err || h || !S_ISREG(type) || e->nlink <= 1)
		return err;
	/* The first name of a hard-linked file: remember it for the others. */
	h = kmalloc(sizeof(*h));
	if (!h) {
		inode_put(*out);
		return -ENOMEM;
	}
	h->ino = e->ino;
	h->devmajor = e->devmajor;
	h->devminor = e->devminor;
	h->ip = inode_get(*out);
	h->next = u->links;
	u->links = h;
	return 0;
}

static bool has_nul(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!p[i])
			return true;
	return false;
}

static int check_entry_type(const struct cpio_entry *e)
{
	uint32_t type = e->mode & S_IFMT;

	switch (type) {
	case S_IFREG: return 0;
	case S_IFLNK:
		if (e->filesize == 0 || e->filesize >= PATH_MAX || has_nul(e->data, e->filesize)) {
			pr_err("cpio: offset %zu (%s): bad symlink target", e->offset, e->name);
			return -EINVAL;
		}
		return 0;
	case S_IFCHR:
	case S_IFBLK:
		if (e->rdevmajor > 0xfff || e->rdevminor > 0xfffff) {
			pr_err("cpio: offset %zu (%s): device number %u:%u out of range", e->offset, e->name,
			       e->rdevmajor, e->rdevminor);
			return -EINVAL;
		}
		/* fall through */
	case S_IFDIR:
	case S_IFIFO:
	case S_IFSOCK:
		if (e->filesize) {
			pr_err("cpio: offset %zu (%s): unexpected data for a non-regular file", e->offset, e->name);
			return -EINVAL;
		}
		return 0;
	default: pr_err("cpio: offset %zu (%s): unknown file type %#x", e->offset, e->name, type); return -EINVAL;
	}
}

static int remember_dir_time(struct unpack *u, struct inode *ip, const struct cpio_entry *e)
{
	struct dir_time *d = kmalloc(sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->ip = inode_get(ip);
	d->mtime_ns = (int64_t)e->mtime * NSEC_PER_SEC;
	d->next = u->dirs;
	u->dirs = d;
	return 0;
}

static int unpack_entry(struct unpack *u, const struct cpio_entry *e)
{
	struct inode *dir = NULL, *ip;
	const char *name;
	size_t len;
	int err = check_entry_type(e);

	if (!err)
		err = verify_checksum(e);
	if (err)
		return err;
	err = resolve_parent(u, e, &dir, &name, &len);
	if (err == 1) {
		inode_put(dir);
		if (!S_ISDIR(e->mode)) {
			pr_err("cpio: offset %zu: \"%s\" names the target directory but is not a directory", e->offset,
			       e->name);
			return -EINVAL;
		}
		return 0; /* "." itself: the target keeps its own attributes */
	}
	if (err)
		return err;
	err = create_entry(u, e, dir, name, len, &ip);
	inode_put(dir);
	if (err) {
		pr_err("cpio: offset %zu: cannot create \"%s\": error %d", e->offset, e->name, err);
		return err;
	}
	if (S_ISREG(ip->mode))
		err = write_data(ip, e);
	if (!err) {
		set_attrs(ip, e);
		if (S_ISDIR(ip->mode))
			err = remember_dir_time(u, ip, e);
	}
	if (err)
		pr_err("cpio: offset %zu: cannot fill \"%s\": error %d", e->offset, e->name, err);
	inode_put(ip);
	return err;
}

static void unpack_finish(struct unpack *u)
{
	while (u->links) {
		struct hardlink *h = u->links;
		u->links = h->next;
		inode_put(h->ip);
		kfree(h);
	}
	while (u->dirs) {
		struct dir_time *d = u->dirs;
		u->dirs = d->next;
		mutex_lock(&d->ip->lock);
		d->ip->mtime_ns = d->ip->atime_ns = d->mtime_ns;
		mutex_unlock(&d->ip->lock);
		inode_put(d->ip);
		kfree(d);
	}
	kfree(u->symlink_buf);
}

int cpio_unpack(struct inode *dir, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	struct unpack u = {dir, NULL, NULL, NULL};
	bool after_trailer = false;
	size_t off = 0;
	int err = 0;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	u.symlink_buf = kmalloc(PATH_MAX);
	if (!u.symlink_buf)
		return -ENOMEM;
	while (off < len) {
		struct cpio_entry e;
		size_t next;

		if (after_trailer) {
			/* Archives may be concatenated, with zero padding between. */
			while (off < len && p[off] == 0)
				off++;
			if (off == len)
				break;
			if (off % 4) {
				pr_err("cpio: offset %zu: misaligned data after an archive's trailer", off);
				err = -EINVAL;
				break;
			}
		}
		err = parse_entry(p, len, off, &e, &next);
		if (err)
			break;
		off = next;
		after_trailer = strcmp(e.name, "TRAILER!!!") == 0;
		if (after_trailer)
			continue;
		err = unpack_entry(&u, &e);
		if (err)
			break;
	}
	if (!err && !after_trailer) {
		pr_err("cpio: archive ends without a TRAILER!!! record");
		err = -EINVAL;
	}
	unpack_finish(&u);
	return err;
}
