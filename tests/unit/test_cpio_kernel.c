/* The kernel half of the cpio oracle test: unpacks the archive GNU cpio
 * wrote into a private tmpfs and compares it with the host's view. */
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/string.h>
#include <kern/vfs.h>

#include "test_cpio.h"

#define FAIL(...)                                                                                                      \
	do {                                                                                                           \
		pr_err("cpio-oracle: " __VA_ARGS__);                                                                   \
		failures++;                                                                                            \
	} while (0)

/* Counts entries below path recursively, without sharing a buffer between
 * levels. */
static int count_all(const struct vfs_ctx *ctx, const char *path, int depth)
{
	char *buf = kmalloc(4096);
	struct file *f;
	int n = 0;
	ssize_t got;

	if (!buf)
		return -1000;
	if (depth > 16 || vfs_openat(ctx, NULL, path, O_RDONLY | O_DIRECTORY, 0, &f)) {
		kfree(buf);
		return -1000;
	}
	while ((got = vfs_getdents64(f, buf, 4096)) > 0) {
		for (ssize_t off = 0; off < got;) {
			struct linux_dirent64 d;
			char child[512];
			const char *name = buf + off + offsetof(struct linux_dirent64, d_name);
			memcpy(&d, buf + off, offsetof(struct linux_dirent64, d_name));
			off += d.d_reclen;
			if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
				continue;
			n++;
			if (d.d_type == DT_DIR) {
				size_t pl = strlen(path), nl = strlen(name);
				if (pl + nl + 2 > sizeof(child))
					continue;
				memcpy(child, path, pl);
				child[pl] = '/';
				memcpy(child + pl + 1, name, nl + 1);
				n += count_all(ctx, child, depth + 1);
			}
		}
	}
	file_put(f);
	kfree(buf);
	return n;
}

static int compare_entry(const struct vfs_ctx *ctx, const struct cpio_expect *e, uint64_t *ino)
{
	static unsigned char data[256 * 1024];
	char target[256];
	struct kstat st;
	int failures = 0;

	if (vfs_fstatat(ctx, NULL, e->path, AT_SYMLINK_NOFOLLOW, &st)) {
		FAIL("%s: missing", e->path);
		return failures;
	}
	*ino = st.ino;
	if (st.mode != e->mode)
		FAIL("%s: mode %o, host %o", e->path, st.mode, e->mode);
	if (st.nlink != e->nlink)
		FAIL("%s: nlink %u, host %u", e->path, st.nlink, e->nlink);
	if (st.uid != e->uid || st.gid != e->gid)
		FAIL("%s: owner %u:%u, host %u:%u", e->path, st.uid, st.gid, e->uid, e->gid);
	if (st.mtime_ns / 1000000000LL != e->mtime)
		FAIL("%s: mtime %lld, host %lld", e->path, (long long)(st.mtime_ns / 1000000000LL), e->mtime);
	if ((S_ISREG(e->mode) || S_ISLNK(e->mode)) && st.size != e->size)
		FAIL("%s: size %llu, host %llu", e->path, (unsigned long long)st.size, e->size);
	if ((S_ISCHR(e->mode) || S_ISBLK(e->mode)) && st.rdev != kdev_make(e->rdev_major, e->rdev_minor))
		FAIL("%s: rdev %x", e->path, st.rdev);
	if (S_ISLNK(e->mode)) {
		ssize_t n = vfs_readlinkat(ctx, NULL, e->path, target, sizeof(target));
		if (n < 0 || (size_t)n != strlen(e->target) || memcmp(target, e->target, (size_t)n))
			FAIL("%s: link target differs", e->path);
	}
	if (S_ISREG(e->mode) && e->size <= sizeof(data)) {
		struct file *f;
		ssize_t n = -1;
		if (vfs_openat(ctx, NULL, e->path, O_RDONLY | O_NOFOLLOW, 0, &f) == 0) {
			n = vfs_read(f, data, sizeof(data));
			file_put(f);
		}
		if (n < 0 || (unsigned long long)n != e->size || memcmp(data, e->data, e->size))
			FAIL("%s: content differs", e->path);
	}
	return failures;
}

int cpio_kernel_compare(void)
{
	static uint64_t ino[CPIO_MAX_ENTRIES];
	struct super_block *sb;
	struct vfs_ctx ctx;
	int failures = 0, err, n;

	vfs_init();
	if (sb_create("tmpfs", "mode=0755", &sb))
		return 1;
	ctx.cred = &cred_root;
	ctx.root = ctx.cwd = sb->root;
	err = cpio_unpack(sb->root, cpio_archive, cpio_archive_len);
	if (err)
		FAIL("unpack failed: %d", err);
	for (int i = 0; i < cpio_nexpected; i++)
		failures += compare_entry(&ctx, &cpio_expected[i], &ino[i]);
	/* Hard links: same host inode <=> same kernel inode. */
	for (int i = 0; i < cpio_nexpected; i++)
		for (int j = 0; j < i; j++)
			if ((cpio_expected[i].host_ino == cpio_expected[j].host_ino) != (ino[i] == ino[j]))
				FAIL("%s and %s: hard-link identity differs", cpio_expected[i].path,
				     cpio_expected[j].path);
	n = count_all(&ctx, "/", 0);
	if (n != cpio_nexpected)
		FAIL("%d entries unpacked, host has %d", n, cpio_nexpected);
	if (sb_destroy(sb))
		FAIL("tmpfs still busy after the comparison");
	return failures ? 1 : 0;
}

/* Unpacks one damaged copy; it must fail and leave nothing behind. */
static int try_bad(const unsigned char *buf, size_t len, const char *what, size_t where)
{
	struct heap_stats h0, h1;
	struct super_block *sb;
	unsigned char *copy = kmalloc(len ? len : 1); /* exactly len: ASan sees overreads */
	int failures = 0, err;

	if (!copy)
		return 1;
	memcpy(copy, buf, len);
	heap_stats(&h0);
	if (sb_create("tmpfs", NULL, &sb)) {
		kfree(copy);
		return 1;
	}
	err = cpio_unpack(sb->root, copy, len);
	if (err >= 0)
		FAIL("%s at %zu accepted", what, where);
	if (sb_destroy(sb))
		FAIL("%s at %zu: tmpfs busy afterwards", what, where);
	heap_stats(&h1);
	if (h1.live_objects != h0.live_objects)
		FAIL("%s at %zu: %zu heap objects leaked", what, where, h1.live_objects - h0.live_objects);
	kfree(copy);
	return failures;
}

int cpio_kernel_reject_corrupt(void)
{
	unsigned char *buf = kmalloc(cpio_archive_len);
	size_t trailer = 0;
	int failures = 0;

	vfs_init();
	if (!buf)
		return 1;
	memcpy(buf, cpio_archive, cpio_archive_len);
	/* Where the trailer record starts: cutting anywhere before its end must
	 * fail (cutting in the zero padding after it is fine). */
	for (size_t i = 0; i + 10 <= cpio_archive_len; i++)
		if (memcmp(buf + i, "TRAILER!!!", 10) == 0)
			trailer = i + 11;
	if (trailer == 0) {
		kfree(buf);
		return 1;
	}
	for (size_t cut = 0; cut < trailer; cut += (cut < 512 ? 1 : 13))
		failures += try_bad(buf, cut, "truncation", cut);
	/* Each header field made non-hex, every record's magic broken. */
	for (size_t off = 0; off + 110 <= trailer; off++) {
		if (memcmp(buf + off, "07070", 5) != 0)
			continue;
		for (int field = 0; field < 14; field++) {
			size_t pos = off + (field == 0 ? 5 : 6 + 8 * (size_t)(field - 1) + 3);
			unsigned char keep = buf[pos];
			buf[pos] = 'z';
			failures += try_bad(buf, cpio_archive_len, "non-hex field", pos);
			buf[pos] = keep;
		}
		/* a size field far beyond the buffer */
		unsigned char keep[8];
		memcpy(keep, buf + off + 6 + 8 * 6, 8);
		memcpy(buf + off + 6 + 8 * 6, "7fffffff", 8);
		failures += try_bad(buf, cpio_archive_len, "huge filesize", off);
		memcpy(buf + off + 6 + 8 * 6, keep, 8);
	}
	/* Random byte changes (a fixed seed, so a failure reproduces). */
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	for (int round = 0; round < 2000; round++) {
		unsigned char *copy = kmalloc(cpio_archive_len);
		if (!copy)
			return 1;
		memcpy(copy, buf, cpio_archive_len);
		for (int i = 0; i < 1 + round % 4; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			copy[(x >> 8) % trailer] = "0123456789abcdefz/.\0\377"[x % 22];
		}
		/* Accepting is fine if the damage was harmless; what matters is
		 * no crash, no overread (ASan) and no leak. */
		struct super_block *sb;
		struct heap_stats h0, h1;
		heap_stats(&h0);
		if (sb_create("tmpfs", NULL, &sb) == 0) {
			cpio_unpack(sb->root, copy, cpio_archive_len);
			if (sb_destroy(sb))
				FAIL("mutation round %d: tmpfs busy afterwards", round);
		}
		heap_stats(&h1);
		if (h1.live_objects != h0.live_objects)
			FAIL("mutation round %d: heap objects leaked", round);
		kfree(copy);
	}
	kfree(buf);
	return failures ? 1 : 0;
}
