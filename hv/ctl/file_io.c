/* Files handed to /dev/hv by descriptor: disks and boot images. */
#include <kern/errno.h>
#include <kern/fdtable.h>
#include <kern/proc.h>

#include "file_io.h"

#define SECTOR 512u

int hv_file_from_fd(int fd, int access, struct file **out)
{
	struct process *p = proc_current();
	struct file *f;
	uint32_t mode;

	if (fd < 0 || !p || !p->fds)
		return -EBADF;
	f = fdt_lookup(p->fds, fd);
	if (!f)
		return -EBADF;
	mode = f->flags & O_ACCMODE;
	if (((access & MAY_READ) && mode == O_WRONLY) || ((access & MAY_WRITE) && mode == O_RDONLY)) {
		file_put(f);
		return -EBADF;
	}
	*out = f;
	return 0;
}

int hv_file_size(struct file *f, uint64_t *size)
{
	struct kstat st;
	int err = vfs_fstat(f, &st);

	if (err)
		return err;
	if (!S_ISREG(st.mode))
		return -EINVAL;
	*size = st.size;
	return 0;
}

int hv_file_read_exact(struct file *f, uint64_t off, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = vfs_pread(f, p, len, (int64_t)off);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EIO;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int hv_file_write_exact(struct file *f, uint64_t off, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = vfs_pwrite(f, p, len, (int64_t)off);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EIO;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* The device model checks requests against be.size; checked again here
 * because a bad offset would reach another part of the file. */
static bool in_disk(const struct hv_file_disk *d, uint64_t offset, size_t len)
{
	return offset <= d->be.size && len <= d->be.size - offset;
}

static int disk_read(void *ctx, uint64_t offset, void *buf, size_t len)
{
	struct hv_file_disk *d = ctx;

	if (!in_disk(d, offset, len))
		return -EIO;
	return hv_file_read_exact(d->file, offset, buf, len) ? -EIO : 0;
}

static int disk_write(void *ctx, uint64_t offset, const void *buf, size_t len)
{
	struct hv_file_disk *d = ctx;

	if (d->be.read_only || !in_disk(d, offset, len))
		return -EIO;
	return hv_file_write_exact(d->file, offset, buf, len) ? -EIO : 0;
}

/* The VFS has no fsync: file data lives in the page store, and every
 * completed write is already visible to every reader. */
static int disk_flush(void *ctx)
{
	return 0;
}

int hv_file_disk_init(struct hv_file_disk *d, struct file *f, bool read_only)
{
	uint64_t size;
	int err = hv_file_size(f, &size);

	if (err)
		return err;
	size &= ~(uint64_t)(SECTOR - 1);
	if (size == 0)
		return -EINVAL;
	d->file = f;
	d->be = (struct hv_blk_backend){
	    .size = size,
	    .read_only = read_only,
	    .read = disk_read,
	    .write = disk_write,
	    .flush = disk_flush,
	    .ctx = d,
	};
	return 0;
}

void hv_file_disk_release(struct hv_file_disk *d)
{
	if (d->file)
		file_put(d->file);
	d->file = NULL;
}
