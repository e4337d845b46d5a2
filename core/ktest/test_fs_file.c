/* File-system self tests: open files, data, sparse files, attributes. */
#include "test_fs.h"

static void open_rw_body(struct ktest_ctx *kt, struct fs_fixture *fx)
{
	const struct vfs_ctx *c = &fx->ctx;
	struct file *f, *g;
	char buf[64];
	struct kstat st;

	/* Creation and its errors. */
	KT_ASSERT_EQ(vfs_openat(c, NULL, "a", O_RDONLY, 0, &f), -ENOENT);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "", O_RDONLY, 0, &f), -ENOENT);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "a", O_RDWR | O_CREAT, 0640, &f), 0);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "a", O_RDWR | O_CREAT | O_EXCL, 0640, &g), -EEXIST);
	KT_ASSERT_EQ(vfs_write(f, "hello world", 11), 11);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_CUR), 11);
	KT_ASSERT_EQ(vfs_lseek(f, 6, SEEK_SET), 6);
	KT_ASSERT_EQ(vfs_read(f, buf, sizeof(buf)), 5);
	KT_ASSERT(memcmp(buf, "world", 5) == 0);
	KT_ASSERT_EQ(vfs_read(f, buf, sizeof(buf)), 0);
	KT_ASSERT_EQ(vfs_lseek(f, -5, SEEK_END), 6);
	KT_ASSERT_EQ(vfs_lseek(f, -7, SEEK_CUR), -EINVAL);
	KT_ASSERT_EQ(vfs_lseek(f, 0, 99), -EINVAL);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_DATA), 0);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_HOLE), 11);
	KT_ASSERT_EQ(vfs_lseek(f, 11, SEEK_DATA), -ENXIO);
	KT_ASSERT_EQ(vfs_lseek(f, 100, SEEK_SET), 100); /* past the end is fine */
	KT_ASSERT_EQ(vfs_pread(f, buf, 5, 0), 5);
	KT_ASSERT(memcmp(buf, "hello", 5) == 0);
	KT_ASSERT_EQ(vfs_pread(f, buf, 5, -1), -EINVAL);
	KT_ASSERT_EQ(vfs_pwrite(f, "J", 1, 0), 1);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_CUR), 100); /* pread/pwrite keep the position */
	KT_ASSERT_EQ(vfs_fstat(f, &st), 0);
	KT_ASSERT_EQ(st.size, 11);
	KT_ASSERT_EQ(st.mode, S_IFREG | 0640);
	KT_ASSERT_EQ(st.nlink, 1);
	KT_ASSERT_EQ(vfs_ioctl(f, 0x5401, 0), -ENOTTY);
	KT_ASSERT_EQ(vfs_poll(f, NULL), POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
	file_put(f);

	/* Access modes. */
	KT_ASSERT_EQ(vfs_openat(c, NULL, "a", O_RDONLY, 0, &f), 0);
	KT_ASSERT_EQ(vfs_write(f, "x", 1), -EBADF);
	KT_ASSERT_EQ(vfs_ftruncate(f, 0), -EINVAL);
	KT_ASSERT_EQ(vfs_read(f, buf, 5), 5);
	KT_ASSERT(memcmp(buf, "Jello", 5) == 0);
	file_put(f);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "a", O_WRONLY, 0, &f), 0);
	KT_ASSERT_EQ(vfs_read(f, buf, 5), -EBADF);
	file_put(f);

	/* O_APPEND writes at the end whatever the position. */
	KT_ASSERT_EQ(vfs_openat(c, NULL, "a", O_WRONLY | O_APPEND, 0, &f), 0);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_SET), 0);
	KT_ASSERT_EQ(vfs_write(f, "!", 1), 1);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_CUR), 12);
	file_put(f);
	KT_ASSERT_EQ(get_file(c, "a", buf, sizeof(buf)), 12);
	KT_ASSERT(memcmp(buf, "Jello world!", 12) == 0);

	/* O_TRUNC empties; O_CREAT on an existing file keeps it. */
	KT_ASSERT_EQ(vfs_openat(c, NULL, "a", O_WRONLY | O_CREAT, 0600, &f), 0);
	file_put(f);
	KT_ASSERT_EQ(stat_path(c, "a", &st), 0);
	KT_ASSERT_EQ(st.size, 12);
	KT_ASSERT_EQ(st.mode, S_IFREG | 0640);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "a", O_RDONLY | O_TRUNC, 0, &f), 0);
	file_put(f);
	KT_ASSERT_EQ(stat_path(c, "a", &st), 0);
	KT_ASSERT_EQ(st.size, 0);

	/* Directories. */
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "d", 0755), 0);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "d", O_WRONLY, 0, &f), -EISDIR);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "d", O_RDONLY | O_CREAT, 0644, &f), -EISDIR);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "d/", O_RDONLY | O_CREAT, 0644, &f), -EISDIR);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "new/", O_RDONLY | O_CREAT, 0644, &f), -EISDIR);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "a", O_RDONLY | O_DIRECTORY, 0, &f), -ENOTDIR);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "nodir/x", O_RDONLY | O_CREAT, 0644, &f), -ENOENT);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "d", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	KT_ASSERT_EQ(vfs_read(f, buf, 1), -EISDIR);
	KT_ASSERT_EQ(vfs_pread(f, buf, 1, 0), -EISDIR);
	KT_ASSERT_EQ(vfs_write(f, buf, 1), -EBADF);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_END), -EINVAL);
	file_put(f);
	/* O_PATH: a handle without I/O. */
	KT_ASSERT_EQ(vfs_openat(c, NULL, "a", O_PATH, 0, &f), 0);
	KT_ASSERT_EQ(vfs_read(f, buf, 1), -EBADF);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_SET), -EBADF);
	KT_ASSERT_EQ(vfs_fstat(f, &st), 0);
	file_put(f);
	/* A relative path from a directory other than the cwd (openat). */
	KT_ASSERT_EQ(vfs_openat(c, NULL, "d", O_RDONLY | O_DIRECTORY, 0, &g), 0);
	KT_ASSERT_EQ(vfs_openat(c, g->inode, "inner", O_WRONLY | O_CREAT, 0600, &f), 0);
	file_put(f);
	KT_ASSERT_EQ(stat_path(c, "/d/inner", &st), 0);
	KT_ASSERT_EQ(vfs_openat(c, g->inode, "/a", O_RDONLY, 0, &f), 0); /* absolute ignores dir */
	file_put(f);
	file_put(g);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d/inner", 0), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d", AT_REMOVEDIR), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "a", 0), 0);
}

KTEST(fs_open_read_write)
{
	struct fs_fixture fx;
	KT_ASSERT(fx_init(&fx));
	open_rw_body(kt, &fx);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}

static size_t free_pages_now(void)
{
	struct page_stats ps;
	page_stats(&ps);
	return ps.free_pages;
}

static void sparse_body(struct ktest_ctx *kt, struct fs_fixture *fx)
{
	const struct vfs_ctx *c = &fx->ctx;
	static char buf[3 * 4096];
	const int64_t far = 10LL << 30; /* 10 GiB: a hole of two and a half million pages */
	size_t before = free_pages_now();
	struct kstat st;
	struct file *f;

	KT_ASSERT_EQ(vfs_openat(c, NULL, "s", O_RDWR | O_CREAT, 0644, &f), 0);
	KT_ASSERT_EQ(vfs_pwrite(f, "tail", 4, far), 4);
	KT_ASSERT_EQ(vfs_fstat(f, &st), 0);
	KT_ASSERT_EQ(st.size, far + 4);
	KT_ASSERT_EQ(st.blocks, 8); /* one data page */
	memset(buf, 0x55, sizeof(buf));
	KT_ASSERT_EQ(vfs_pread(f, buf, sizeof(buf), 12345), (ssize_t)sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		KT_ASSERT_EQ(buf[i], 0);
	KT_ASSERT_EQ(vfs_pread(f, buf, 10, far - 2), 6);
	KT_ASSERT(memcmp(buf, "\0\0tail", 6) == 0);
	/* A write across a page boundary, then a shrink into it: the cut-off
	 * tail must read as zeros when the file grows again. */
	memset(buf, 'x', 8192);
	KT_ASSERT_EQ(vfs_pwrite(f, buf, 8192, 4096 - 100), 8192);
	KT_ASSERT_EQ(vfs_ftruncate(f, 4096 + 50), 0);
	KT_ASSERT_EQ(vfs_fstat(f, &st), 0);
	KT_ASSERT_EQ(st.size, 4096 + 50);
	KT_ASSERT_EQ(st.blocks, 16);
	KT_ASSERT_EQ(vfs_ftruncate(f, 3 * 4096), 0);
	KT_ASSERT_EQ(vfs_pread(f, buf, 8192, 4096), 8192);
	for (int i = 0; i < 50; i++)
		KT_ASSERT_EQ(buf[i], 'x');
	for (int i = 50; i < 8192; i++)
		KT_ASSERT_EQ(buf[i], 0);
	KT_ASSERT_EQ(vfs_ftruncate(f, -1), -EINVAL);
	KT_ASSERT_EQ(vfs_pwrite(f, "x", 1, 1LL << 48), -EFBIG);
	KT_ASSERT_EQ(vfs_ftruncate(f, (1LL << 48) + 1), -EFBIG);
	KT_ASSERT_EQ(vfs_ftruncate(f, 0), 0);
	KT_ASSERT_EQ(vfs_fstat(f, &st), 0);
	KT_ASSERT_EQ(st.blocks, 0);
	file_put(f);
	KT_ASSERT_EQ(vfs_truncateat(c, NULL, "s", 5000), 0);
	KT_ASSERT_EQ(stat_path(c, "s", &st), 0);
	KT_ASSERT_EQ(st.size, 5000);
	KT_ASSERT_EQ(vfs_truncateat(c, NULL, "/", 0), -EISDIR);
	KT_ASSERT_EQ(vfs_truncateat(c, NULL, "s", -1), -EINVAL);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "s", 0), 0);
	KT_ASSERT_EQ(free_pages_now(), before);
}

KTEST(fs_sparse_files)
{
	struct fs_fixture fx;
	KT_ASSERT(fx_init(&fx));
	sparse_body(kt, &fx);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}

/* An unlinked file lives on while open; its pages go with the last close. */
static void unlinked_open_body(struct ktest_ctx *kt, struct fs_fixture *fx)
{
	const struct vfs_ctx *c = &fx->ctx;
	static char data[5 * 4096];
	size_t before = free_pages_now();
	struct kstat st;
	struct file *f, *g;

	memset(data, 'q', sizeof(data));
	KT_ASSERT_EQ(put_file(c, "u", data, sizeof(data), 0644), 0);
	KT_ASSERT(free_pages_now() < before);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "u", O_RDWR, 0, &f), 0);
	g = file_get(f);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "u", 0), 0);
	KT_ASSERT_EQ(stat_path(c, "u", &st), -ENOENT);
	KT_ASSERT_EQ(vfs_fstat(f, &st), 0);
	KT_ASSERT_EQ(st.nlink, 0);
	KT_ASSERT_EQ(vfs_pread(f, data, 10, 4096 * 4), 10);
	KT_ASSERT_EQ(vfs_linkat(c, f->inode, "", NULL, "relink", AT_EMPTY_PATH), -ENOENT);
	file_put(f);
	KT_ASSERT(free_pages_now() < before);
	KT_ASSERT_EQ(sb_destroy(fx->sb), -EBUSY);
	file_put(g);
	KT_ASSERT_EQ(free_pages_now(), before);
}

KTEST(fs_unlinked_but_open)
{
	struct fs_fixture fx;
	KT_ASSERT(fx_init(&fx));
	unlinked_open_body(kt, &fx);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}

static void attr_body(struct ktest_ctx *kt, struct fs_fixture *fx)
{
	const struct vfs_ctx *c = &fx->ctx;
	struct cred alice = user_cred(1000, 100), bob = user_cred(1001, 100);
	struct vfs_ctx ac = fx_as(fx, &alice), bc = fx_as(fx, &bob);
	struct linux_timespec ts[2];
	struct linux_stat ls;
	struct statx sx;
	struct kstat st;
	struct file *f;

	KT_ASSERT_EQ(put_file(c, "f", "abc", 3, 04755), 0);
	KT_ASSERT_EQ(stat_path(c, "f", &st), 0);
	KT_ASSERT_EQ(st.mode, S_IFREG | 04755);
	KT_ASSERT_EQ(st.uid, 0);
	/* chown: root only gives files away; it drops set-user-ID. */
	KT_ASSERT_EQ(vfs_fchownat(&ac, NULL, "f", 1000, (uint32_t)-1, 0), -EPERM);
	KT_ASSERT_EQ(vfs_fchownat(c, NULL, "f", 1000, 100, 0), 0);
	KT_ASSERT_EQ(stat_path(c, "f", &st), 0);
	KT_ASSERT_EQ(st.uid, 1000);
	KT_ASSERT_EQ(st.gid, 100);
	KT_ASSERT_EQ(st.mode, S_IFREG | 0755);
	/* The owner may change the group only to one of its own. */
	KT_ASSERT_EQ(vfs_fchownat(&ac, NULL, "f", (uint32_t)-1, 5, 0), -EPERM);
	alice.groups[0] = 5;
	alice.ngroups = 1;
	KT_ASSERT_EQ(vfs_fchownat(&ac, NULL, "f", (uint32_t)-1, 5, 0), 0);
	KT_ASSERT_EQ(vfs_fchownat(&ac, NULL, "f", 1000, (uint32_t)-1, 0), 0); /* no change: allowed */
	KT_ASSERT_EQ(vfs_fchownat(&bc, NULL, "f", (uint32_t)-1, 100, 0), -EPERM);
	/* chmod: owner or root; set-group-ID needs group membership. */
	KT_ASSERT_EQ(vfs_fchmodat(&bc, NULL, "f", 0777, 0), -EPERM);
	KT_ASSERT_EQ(vfs_fchmodat(&ac, NULL, "f", 02640, 0), 0);
	KT_ASSERT_EQ(stat_path(c, "f", &st), 0);
	KT_ASSERT_EQ(st.mode, S_IFREG | 02640);
	KT_ASSERT_EQ(vfs_fchownat(c, NULL, "f", (uint32_t)-1, 7, 0), 0);
	KT_ASSERT_EQ(vfs_fchmodat(&ac, NULL, "f", 02640, 0), 0);
	KT_ASSERT_EQ(stat_path(c, "f", &st), 0);
	KT_ASSERT_EQ(st.mode, S_IFREG | 0640); /* not in group 7: bit dropped */
	KT_ASSERT_EQ(vfs_fchmodat(c, NULL, "f", 0644, 0x1), -EINVAL);
	KT_ASSERT_EQ(vfs_symlinkat(c, "f", NULL, "l"), 0);
	KT_ASSERT_EQ(vfs_fchmodat(c, NULL, "l", 0600, AT_SYMLINK_NOFOLLOW), -EOPNOTSUPP);
	KT_ASSERT_EQ(vfs_fchownat(c, NULL, "l", 3, 3, AT_SYMLINK_NOFOLLOW), 0);
	KT_ASSERT_EQ(lstat_path(c, "l", &st), 0);
	KT_ASSERT_EQ(st.uid, 3);
	KT_ASSERT_EQ(stat_path(c, "l", &st), 0);
	KT_ASSERT_EQ(st.uid, 1000);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "f", O_RDONLY, 0, &f), 0);
	KT_ASSERT_EQ(vfs_fchmod(c->cred, f, 0600), 0);
	KT_ASSERT_EQ(vfs_fchown(&bob, f, 1001, (uint32_t)-1), -EPERM);
	KT_ASSERT_EQ(vfs_fchown(c->cred, f, 1001, (uint32_t)-1), 0);
	file_put(f);

	/* utimensat */
	ts[0].tv_sec = 1000;
	ts[0].tv_nsec = 5;
	ts[1].tv_sec = -2; /* before 1970 */
	ts[1].tv_nsec = 999999999;
	KT_ASSERT_EQ(vfs_utimensat(&ac, NULL, "f", ts, 0), -EPERM); /* not the owner */
	KT_ASSERT_EQ(vfs_utimensat(&bc, NULL, "f", ts, 0), 0);
	KT_ASSERT_EQ(stat_path(c, "f", &st), 0);
	KT_ASSERT_EQ(st.atime_ns, 1000000000005LL);
	KT_ASSERT_EQ(st.mtime_ns, -1000000001LL);
	kstat_to_linux_stat(&st, &ls);
	KT_ASSERT_EQ(ls.st_atime, 1000);
	KT_ASSERT_EQ(ls.st_atime_nsec, 5);
	KT_ASSERT_EQ((int64_t)ls.st_mtime, -2);
	KT_ASSERT_EQ(ls.st_mtime_nsec, 999999999);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_NOW;
	KT_ASSERT_EQ(vfs_utimensat(&ac, NULL, "f", ts, 0), -EACCES); /* "now" needs write access */
	KT_ASSERT_EQ(vfs_fchmodat(c, NULL, "f", 0666, 0), 0);
	KT_ASSERT_EQ(vfs_utimensat(&ac, NULL, "f", ts, 0), 0);
	KT_ASSERT_EQ(vfs_utimensat(&ac, NULL, "f", NULL, 0), 0);
	KT_ASSERT_EQ(stat_path(c, "f", &st), 0);
	KT_ASSERT(st.mtime_ns >= 0);
	ts[0].tv_nsec = 1000000000;
	KT_ASSERT_EQ(vfs_utimensat(c, NULL, "f", ts, 0), -EINVAL);
	ts[0].tv_nsec = ts[1].tv_nsec = UTIME_OMIT;
	KT_ASSERT_EQ(vfs_utimensat(c, NULL, "missing", ts, 0), 0); /* nothing to do: Linux does not look */
	KT_ASSERT_EQ(vfs_utimensat(c, NULL, NULL, NULL, 0), -EINVAL);
	KT_ASSERT_EQ(vfs_utimensat(c, fx->sb->root, NULL, NULL, 0), 0); /* futimens */

	/* The ABI conversions. */
	KT_ASSERT_EQ(stat_path(c, "f", &st), 0);
	kstat_to_linux_stat(&st, &ls);
	KT_ASSERT_EQ(ls.st_ino, st.ino);
	KT_ASSERT_EQ(ls.st_mode, S_IFREG | 0666);
	KT_ASSERT_EQ(ls.st_nlink, 1);
	KT_ASSERT_EQ(ls.st_size, 3);
	KT_ASSERT_EQ(ls.st_blksize, 4096);
	KT_ASSERT_EQ(ls.st_dev, fx->sb->dev);
	kstat_to_statx(&st, &sx);
	KT_ASSERT_EQ(sx.stx_mask & STATX_BASIC_STATS, STATX_BASIC_STATS);
	KT_ASSERT_EQ(sx.stx_ino, st.ino);
	KT_ASSERT_EQ(sx.stx_mode, S_IFREG | 0666);
	KT_ASSERT_EQ(sx.stx_size, 3);
	KT_ASSERT_EQ(sx.stx_uid, 1001);
	KT_ASSERT_EQ(sx.stx_attributes & STATX_ATTR_MOUNT_ROOT, 0);
	KT_ASSERT_EQ(stat_path(c, "/", &st), 0);
	KT_ASSERT(st.mount_root);
	KT_ASSERT_EQ(st.nlink, 2);
	KT_ASSERT_EQ(vfs_fstatat(c, NULL, "f", 0x8000, &st), -EINVAL);
	KT_ASSERT_EQ(vfs_fstatat(c, NULL, "", 0, &st), -ENOENT);
	KT_ASSERT_EQ(vfs_fstatat(c, NULL, "", AT_EMPTY_PATH, &st), 0); /* the cwd itself */
	KT_ASSERT_EQ(st.ino, fx->sb->root->ino);

	/* A device node's number survives to stat. */
	KT_ASSERT_EQ(vfs_mknodat(c, NULL, "blk", S_IFBLK | 0600, kdev_make(8, 300)), 0);
	KT_ASSERT_EQ(stat_path(c, "blk", &st), 0);
	kstat_to_statx(&st, &sx);
	KT_ASSERT_EQ(sx.stx_rdev_major, 8);
	KT_ASSERT_EQ(sx.stx_rdev_minor, 300);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "blk", O_RDONLY, 0, &f), -ENXIO);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "blk", 0), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "l", 0), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "f", 0), 0);
}

KTEST(fs_attributes)
{
	struct fs_fixture fx;
	KT_ASSERT(fx_init(&fx));
	attr_body(kt, &fx);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}

KTEST(fs_abi_values)
{
	/* Spot checks against the x86-64 Linux headers' numbers. */
	KT_ASSERT_EQ(O_CREAT, 0100);
	KT_ASSERT_EQ(O_DIRECTORY, 0200000);
	KT_ASSERT_EQ(O_NOFOLLOW, 0400000);
	KT_ASSERT_EQ(O_CLOEXEC, 02000000);
	KT_ASSERT_EQ(O_PATH, 010000000);
	KT_ASSERT_EQ(AT_FDCWD, -100);
	KT_ASSERT_EQ(AT_EMPTY_PATH, 0x1000);
	KT_ASSERT_EQ(sizeof(struct linux_stat), 144);
	KT_ASSERT_EQ(offsetof(struct linux_stat, st_size), 48);
	KT_ASSERT_EQ(offsetof(struct linux_stat, st_mtime), 88);
	KT_ASSERT_EQ(sizeof(struct statx), 256);
	KT_ASSERT_EQ(offsetof(struct statx, stx_ino), 0x20);
	KT_ASSERT_EQ(offsetof(struct statx, stx_mnt_id), 0x90);
	KT_ASSERT_EQ(offsetof(struct linux_dirent64, d_reclen), 16);
	KT_ASSERT_EQ(offsetof(struct linux_dirent64, d_type), 18);
	/* Device numbers: glibc's makedev(8, 1) and makedev(136, 300). */
	KT_ASSERT_EQ(kdev_make(8, 1), 0x801);
	KT_ASSERT_EQ(kdev_make(136, 300), 0x10882c);
	KT_ASSERT_EQ(kdev_major(0x10882c), 136);
	KT_ASSERT_EQ(kdev_minor(0x10882c), 300);
}
