/* File-system self tests: the initramfs unpacker and the root file system. */
#include "test_fs.h"

#define ARCHIVE_SIZE 8192

static void build_good(struct cpio_builder *b)
{
	cpio_add(b, ".", S_IFDIR | 0755, NULL, 0);
	cpio_add(b, "bin", S_IFDIR | 0755, NULL, 0);
	cpio_add(b, "bin/busybox", S_IFREG | 0755, "#!busybox", 9);
	cpio_add(b, "bin/sh", S_IFLNK | 0777, "busybox", 7);
	cpio_add(b, "./etc", S_IFDIR | 0700, NULL, 0);
	cpio_add(b, "etc/motd", S_IFREG | 0644, "hi\n", 3);
	cpio_add(b, "dev", S_IFDIR | 0755, NULL, 0);
	cpio_add_full(b, false, "dev/console", S_IFCHR | 0600, 50, 1, 5, 1, NULL, 0);
	cpio_add_full(b, false, "dev/fifo", S_IFIFO | 0644, 51, 1, 0, 0, NULL, 0);
	/* Hard links as GNU cpio writes them: data only with the last name. */
	cpio_add_full(b, false, "bin/ls", S_IFREG | 0755, 60, 2, 0, 0, NULL, 0);
	cpio_add_full(b, true, "bin/dir", S_IFREG | 0755, 60, 2, 0, 0, "LS", 2);
}

static void cpio_good_body(struct ktest_ctx *kt, struct fs_fixture *fx, struct cpio_builder *b)
{
	const struct vfs_ctx *c = &fx->ctx;
	struct kstat st, st2;
	char buf[16];

	build_good(b);
	cpio_trailer(b);
	/* A second archive, concatenated after zero padding, overrides a file. */
	while (b->len % 512)
		b->buf[b->len++] = 0;
	cpio_add(b, "etc/motd", S_IFREG | 0600, "bye\n", 4);
	cpio_trailer(b);
	KT_ASSERT_EQ(cpio_unpack(fx->sb->root, b->buf, b->len), 0);
	KT_ASSERT_EQ(stat_path(c, "bin/busybox", &st), 0);
	KT_ASSERT_EQ(st.mode, S_IFREG | 0755);
	KT_ASSERT_EQ(st.uid, 1000);
	KT_ASSERT_EQ(st.gid, 100);
	KT_ASSERT_EQ(st.mtime_ns, 1700000000LL * 1000000000LL);
	KT_ASSERT_EQ(get_file(c, "bin/sh", buf, sizeof(buf)), 9);
	KT_ASSERT(memcmp(buf, "#!busybox", 9) == 0);
	KT_ASSERT_EQ(vfs_readlinkat(c, NULL, "bin/sh", buf, sizeof(buf)), 7);
	KT_ASSERT_EQ(stat_path(c, "etc", &st), 0);
	KT_ASSERT_EQ(st.mode, S_IFDIR | 0700);
	KT_ASSERT_EQ(st.mtime_ns, 1700000000LL * 1000000000LL); /* set after its contents */
	KT_ASSERT_EQ(get_file(c, "etc/motd", buf, sizeof(buf)), 4);
	KT_ASSERT(memcmp(buf, "bye\n", 4) == 0);
	KT_ASSERT_EQ(stat_path(c, "etc/motd", &st), 0);
	KT_ASSERT_EQ(st.mode, S_IFREG | 0600);
	KT_ASSERT_EQ(stat_path(c, "dev/console", &st), 0);
	KT_ASSERT_EQ(st.mode, S_IFCHR | 0600);
	KT_ASSERT_EQ(st.rdev, kdev_make(5, 1));
	KT_ASSERT_EQ(stat_path(c, "dev/fifo", &st), 0);
	KT_ASSERT(S_ISFIFO(st.mode));
	KT_ASSERT_EQ(stat_path(c, "bin/ls", &st), 0);
	KT_ASSERT_EQ(stat_path(c, "bin/dir", &st2), 0);
	KT_ASSERT_EQ(st.ino, st2.ino);
	KT_ASSERT_EQ(st.nlink, 2);
	KT_ASSERT_EQ(st.size, 2);
	KT_ASSERT_EQ(stat_path(c, "/", &st), 0);
	KT_ASSERT_EQ(st.mode, S_IFDIR | 0755); /* "." leaves the target alone */
}

static void rm_tree(const struct vfs_ctx *c)
{
	const char *files[] = {"bin/busybox", "bin/sh", "bin/ls", "bin/dir", "etc/motd", "dev/console", "dev/fifo"};
	const char *dirs[] = {"bin", "etc", "dev"};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		vfs_unlinkat(c, NULL, files[i], 0);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		vfs_unlinkat(c, NULL, dirs[i], AT_REMOVEDIR);
}

KTEST(fs_cpio_unpack)
{
	struct cpio_builder b = {kzalloc(ARCHIVE_SIZE), ARCHIVE_SIZE, 0, 100};
	struct fs_fixture fx;

	KT_ASSERT(b.buf);
	if (!fx_init(&fx)) {
		kfree(b.buf);
		KT_ASSERT(false);
	}
	cpio_good_body(kt, &fx, &b);
	rm_tree(&fx.ctx);
	kfree(b.buf);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}

/* Each malformed archive must fail cleanly (the runner checks nothing
 * leaked, even from a partial unpack). */
enum corruption {
	BAD_MAGIC,
	NON_HEX,
	TRUNCATED_HEADER,
	TRUNCATED_NAME,
	TRUNCATED_DATA,
	NAME_NO_NUL,
	NAME_EARLY_NUL,
	NAMESIZE_ZERO,
	NAMESIZE_HUGE,
	FILESIZE_HUGE,
	DOTDOT,
	DOTDOT_DEEP,
	NO_TRAILER,
	BAD_CHECKSUM,
	BAD_TYPE,
	DIR_WITH_DATA,
	SYMLINK_EMPTY,
	SYMLINK_NUL,
	THROUGH_SYMLINK,
	MISSING_PARENT,
	DEV_NUMBER,
	GARBAGE_AFTER_TRAILER,
	EMPTY,
	NCORRUPTIONS
};

static void build_bad(struct cpio_builder *b, enum corruption k)
{
	char *h;

	cpio_add(b, "ok", S_IFDIR | 0755, NULL, 0);
	h = b->buf + b->len; /* the header of the record added next */
	switch (k) {
	case BAD_MAGIC:
		cpio_add(b, "ok/f", S_IFREG | 0644, "x", 1);
		h[5] = '7';
		break;
	case NON_HEX:
		cpio_add(b, "ok/f", S_IFREG | 0644, "x", 1);
		h[6 + 8 * 6 + 3] = 'g'; /* in filesize */
		break;
	case TRUNCATED_HEADER:
		cpio_add(b, "ok/f", S_IFREG | 0644, "x", 1);
		b->len = (size_t)(h - b->buf) + 60;
		return;
	case TRUNCATED_NAME:
		cpio_add(b, "ok/a-long-name", S_IFREG | 0644, "x", 1);
		b->len = (size_t)(h - b->buf) + 113;
		return;
	case TRUNCATED_DATA:
		cpio_add(b, "ok/f", S_IFREG | 0644, "0123456789abcdef", 16);
		b->len -= 8;
		return;
	case NAME_NO_NUL:
		cpio_add(b, "ok/f", S_IFREG | 0644, "x", 1);
		h[110 + 4] = 'X';
		break;
	case NAME_EARLY_NUL:
		cpio_add(b, "ok/f", S_IFREG | 0644, "x", 1);
		h[110 + 2] = 0;
		break;
	case NAMESIZE_ZERO:
		cpio_add(b, "ok/f", S_IFREG | 0644, "x", 1);
		memcpy(h + 6 + 8 * 11, "00000000", 8);
		break;
	case NAMESIZE_HUGE:
		cpio_add(b, "ok/f", S_IFREG | 0644, "x", 1);
		memcpy(h + 6 + 8 * 11, "FFFFFFFF", 8);
		break;
	case FILESIZE_HUGE:
		cpio_add(b, "ok/f", S_IFREG | 0644, "x", 1);
		memcpy(h + 6 + 8 * 6, "fffffff0", 8);
		break;
	case DOTDOT: cpio_add(b, "../escape", S_IFREG | 0644, "x", 1); break;
	case DOTDOT_DEEP: cpio_add(b, "ok/./../../escape", S_IFREG | 0644, "x", 1); break;
	case NO_TRAILER: cpio_add(b, "ok/f", S_IFREG | 0644, "x", 1); return;
	case BAD_CHECKSUM:
		cpio_add_full(b, true, "ok/f", S_IFREG | 0644, 9, 1, 0, 0, "data", 4);
		b->buf[b->len - 4] = 'D';
		break;
	case BAD_TYPE: cpio_add(b, "ok/f", 0170644, "x", 1); break;
	case DIR_WITH_DATA: cpio_add(b, "ok/d", S_IFDIR | 0755, "x", 1); break;
	case SYMLINK_EMPTY: cpio_add(b, "ok/l", S_IFLNK | 0777, NULL, 0); break;
	case SYMLINK_NUL: cpio_add(b, "ok/l", S_IFLNK | 0777, "a\0b", 3); break;
	case THROUGH_SYMLINK:
		cpio_add(b, "ok/l", S_IFLNK | 0777, "/", 1);
		cpio_add(b, "ok/l/escape", S_IFREG | 0644, "x", 1);
		break;
	case MISSING_PARENT: cpio_add(b, "nothere/f", S_IFREG | 0644, "x", 1); break;
	case DEV_NUMBER: cpio_add_full(b, false, "ok/dev", S_IFCHR | 0644, 9, 1, 0x1000, 0, NULL, 0); break;
	case GARBAGE_AFTER_TRAILER:
		cpio_trailer(b);
		memcpy(b->buf + b->len, "junkjunk", 8);
		b->len += 8;
		return;
	case EMPTY: b->len = 0; return;
	case NCORRUPTIONS: break;
	}
	cpio_trailer(b);
}

KTEST(fs_cpio_rejects_malformed)
{
	struct cpio_builder b = {kzalloc(ARCHIVE_SIZE), ARCHIVE_SIZE, 0, 0};
	struct fs_fixture fx;
	struct kstat st;

	KT_ASSERT(b.buf);
	for (int k = 0; k < NCORRUPTIONS; k++) {
		int err;
		KT_CHECK(kt, fx_init(&fx));
		if (kt->failed)
			break;
		memset(b.buf, 0, ARCHIVE_SIZE);
		b.len = 0;
		build_bad(&b, (enum corruption)k);
		err = cpio_unpack(fx.sb->root, b.buf, b.len);
		if (err >= 0)
			ktest_fail(kt, __FILE__, __LINE__, "corruption %d accepted", k);
		if (lstat_path(&fx.ctx, "/escape", &st) == 0)
			ktest_fail(kt, __FILE__, __LINE__, "corruption %d escaped", k);
		vfs_unlinkat(&fx.ctx, NULL, "ok/f", 0);
		vfs_unlinkat(&fx.ctx, NULL, "ok/l", 0);
		vfs_unlinkat(&fx.ctx, NULL, "ok", AT_REMOVEDIR);
		KT_CHECK(kt, fx_fini(&fx) == 0);
		if (kt->failed)
			break;
	}
	kfree(b.buf);
}

KTEST(fs_rootfs)
{
	struct cpio_builder b = {kzalloc(ARCHIVE_SIZE), ARCHIVE_SIZE, 0, 100};
	struct inode *root = vfs_root();
	struct vfs_ctx c = {&cred_root, NULL, NULL};
	struct kstat st;
	struct file *f;
	char buf[8];

	if (root) {
		/* The system's own root is up (booted with one): only look at it. */
		inode_put(root);
		kfree(b.buf);
		return;
	}
	KT_ASSERT(b.buf);
	cpio_add(&b, "etc", S_IFDIR | 0755, NULL, 0);
	cpio_add(&b, "etc/hostname", S_IFREG | 0644, "mh\n", 3);
	cpio_add(&b, "dev/console", S_IFCHR | 0600, NULL, 0); /* into the mounted /dev */
	cpio_trailer(&b);
	KT_ASSERT_EQ(rootfs_init(b.buf, b.len), 0);
	kfree(b.buf);
	KT_ASSERT_EQ(rootfs_init(NULL, 0), -EBUSY);
	root = vfs_root();
	KT_ASSERT(root != NULL);
	c.root = c.cwd = root;
	KT_ASSERT_EQ(stat_path(&c, "/", &st), 0);
	KT_ASSERT_EQ(st.mode, S_IFDIR | 0755);
	KT_ASSERT_EQ(stat_path(&c, "/tmp", &st), 0);
	KT_ASSERT_EQ(st.mode, S_IFDIR | 01777);
	KT_ASSERT_EQ(stat_path(&c, "/proc", &st), 0);
	KT_ASSERT(st.mount_root); /* procfs */
	KT_ASSERT_EQ(stat_path(&c, "/proc/meminfo", &st), 0);
	KT_ASSERT_EQ(stat_path(&c, "/dev", &st), 0);
	KT_ASSERT(st.mount_root);
	KT_ASSERT_EQ(stat_path(&c, "/dev/null", &st), 0);
	KT_ASSERT_EQ(st.rdev, kdev_make(1, 3));
	KT_ASSERT_EQ(st.mode, S_IFCHR | 0666);
	KT_ASSERT_EQ(stat_path(&c, "/dev/console", &st), 0);
	KT_ASSERT_EQ(get_file(&c, "/etc/hostname", buf, sizeof(buf)), 3);
	KT_ASSERT_EQ(get_file(&c, "/dev/zero", buf, sizeof(buf)), 8);
	/* A device registered later appears in /dev. */
	KT_ASSERT_EQ(chrdev_register(241, 7, "late", chrdev_lookup(kdev_make(1, 5))), 0);
	KT_ASSERT_EQ(stat_path(&c, "/dev/late", &st), 0);
	KT_ASSERT_EQ(st.rdev, kdev_make(241, 7));
	KT_ASSERT_EQ(chrdev_unregister(241, 7), 0);
	/* Another file system on /tmp; busy while mounted. */
	KT_ASSERT_EQ(vfs_mount(&c, NULL, "/proc", "tmpfs", NULL), -EBUSY);
	KT_ASSERT_EQ(vfs_mount(&c, NULL, "/tmp", "tmpfs", NULL), 0);
	KT_ASSERT_EQ(vfs_openat(&c, NULL, "/dev/null", O_RDONLY, 0, &f), 0);
	inode_put(root);
	KT_ASSERT_EQ(rootfs_teardown(), -EBUSY); /* /dev is in use */
	file_put(f);
	KT_ASSERT_EQ(rootfs_teardown(), -EBUSY); /* /tmp is still mounted */
	root = vfs_root();
	c.root = c.cwd = root;
	KT_ASSERT_EQ(vfs_umount(&c, NULL, "/tmp"), 0);
	inode_put(root);
	KT_ASSERT_EQ(rootfs_teardown(), 0);
	KT_ASSERT(vfs_root() == NULL);
}
