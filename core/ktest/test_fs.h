/* Shared helpers of the file-system self tests (test_fs_*.c). Each test
 * works in a private tmpfs instance, so it never touches "/" and the runner's
 * leak check sees everything it allocated come back. */
#ifndef CORE_KTEST_TEST_FS_H
#define CORE_KTEST_TEST_FS_H
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/mm.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <kern/vfs.h>

struct fs_fixture {
	struct super_block *sb;
	struct vfs_ctx ctx; /* root credentials, root and cwd at the tmpfs root */
};

static inline bool fx_init(struct fs_fixture *fx)
{
	vfs_init();
	if (sb_create("tmpfs", "mode=0755", &fx->sb))
		return false;
	fx->ctx.cred = &cred_root;
	fx->ctx.root = fx->ctx.cwd = fx->sb->root;
	return true;
}

static inline int fx_fini(struct fs_fixture *fx)
{
	return sb_destroy(fx->sb);
}

/* The same tree seen with other credentials. */
static inline struct vfs_ctx fx_as(const struct fs_fixture *fx, const struct cred *cred)
{
	struct vfs_ctx c = fx->ctx;
	c.cred = cred;
	return c;
}

static inline struct cred user_cred(uint32_t uid, uint32_t gid)
{
	struct cred c;
	memset(&c, 0, sizeof(c));
	c.uid = c.euid = uid;
	c.gid = c.egid = gid;
	return c;
}

/* Creates or truncates a file and writes data; returns 0 or an errno. */
static inline int put_file(const struct vfs_ctx *ctx, const char *path, const void *data, size_t len, uint32_t mode)
{
	struct file *f;
	ssize_t n;
	int err = vfs_openat(ctx, NULL, path, O_WRONLY | O_CREAT | O_TRUNC, mode, &f);

	if (err)
		return err;
	n = vfs_write(f, data, len);
	file_put(f);
	return n < 0 ? (int)n : (size_t)n == len ? 0 : -EIO;
}

static inline ssize_t get_file(const struct vfs_ctx *ctx, const char *path, void *buf, size_t size)
{
	struct file *f;
	ssize_t n;
	int err = vfs_openat(ctx, NULL, path, O_RDONLY, 0, &f);

	if (err)
		return err;
	n = vfs_read(f, buf, size);
	file_put(f);
	return n;
}

static inline int lstat_path(const struct vfs_ctx *ctx, const char *path, struct kstat *st)
{
	return vfs_fstatat(ctx, NULL, path, AT_SYMLINK_NOFOLLOW, st);
}

static inline int stat_path(const struct vfs_ctx *ctx, const char *path, struct kstat *st)
{
	return vfs_fstatat(ctx, NULL, path, 0, st);
}

/* Appends one newc (or, with crc, 070702) record to an archive buffer. */
struct cpio_builder {
	char *buf;
	size_t size, len;
	uint32_t next_ino;
};

static inline void cpio_pad(struct cpio_builder *b)
{
	while (b->len % 4 && b->len < b->size)
		b->buf[b->len++] = 0;
}

static inline void cpio_add_full(struct cpio_builder *b, bool crc, const char *name, uint32_t mode, uint32_t ino,
                                 uint32_t nlink, uint32_t rmaj, uint32_t rmin, const void *data, size_t dlen)
{
	size_t nlen = strlen(name) + 1;
	uint32_t sum = 0;

	for (size_t i = 0; i < dlen; i++)
		sum += ((const uint8_t *)data)[i];
	if (b->len + 110 + nlen + dlen + 8 > b->size)
		return;
	ksnprintf(b->buf + b->len, 111, "%s%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x",
	          crc ? "070702" : "070701", ino, mode, 1000u, 100u, nlink, 1700000000u, dlen, 0u, 0u, rmaj, rmin, nlen,
	          crc ? sum : 0u);
	b->len += 110;
	memcpy(b->buf + b->len, name, nlen);
	b->len += nlen;
	cpio_pad(b);
	memcpy(b->buf + b->len, data, dlen);
	b->len += dlen;
	cpio_pad(b);
}

static inline void cpio_add(struct cpio_builder *b, const char *name, uint32_t mode, const void *data, size_t dlen)
{
	cpio_add_full(b, false, name, mode, ++b->next_ino, S_ISDIR(mode) ? 2 : 1, 0, 0, data, dlen);
}

static inline void cpio_trailer(struct cpio_builder *b)
{
	cpio_add_full(b, false, "TRAILER!!!", 0, 0, 1, 0, 0, NULL, 0);
}
#endif
