/* What /dev/hv needs from files a user hands it: fd lookup in the caller's
 * table, exact-length positional I/O, and the file's size. */
#ifndef HV_CTL_FILE_IO_H
#define HV_CTL_FILE_IO_H
#include <hv/dev/backends.h>
#include <kern/vfs.h>

/* A new reference to the caller's descriptor `fd`: -EBADF if none. For
 * access: MAY_READ and/or MAY_WRITE the open mode must allow. */
int hv_file_from_fd(int fd, int access, struct file **out);
/* Size of a regular file; -EINVAL for anything else. */
int hv_file_size(struct file *f, uint64_t *size);
/* Transfers exactly len bytes at off, or fails with -EIO (short file) or
 * the file system's error. */
int hv_file_read_exact(struct file *f, uint64_t off, void *buf, size_t len);
int hv_file_write_exact(struct file *f, uint64_t off, const void *buf, size_t len);

/* A virtio-blk back end over a file: size rounded down to 512 bytes. */
struct hv_file_disk {
	struct hv_blk_backend be;
	struct file *file; /* a reference */
};
/* Takes over the caller's reference to f on success. -EINVAL if the file
 * is not regular or smaller than one sector. */
int hv_file_disk_init(struct hv_file_disk *d, struct file *f, bool read_only);
void hv_file_disk_release(struct hv_file_disk *d);
#endif
