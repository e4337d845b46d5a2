/* File-system self tests: directories, links, rename, getdents64, mounts
 * and getcwd. */
#include "test_fs.h"

static uint32_t nlink_of(const struct vfs_ctx *c, const char *path)
{
	struct kstat st;
	return lstat_path(c, path, &st) == 0 ? st.nlink : 0xdead;
}

static void dir_ops_body(struct ktest_ctx *kt, struct fs_fixture *fx)
{
	const struct vfs_ctx *c = &fx->ctx;
	struct super_block *other;
	struct inode *oroot;
	struct kstat st, st2;
	char buf[8];

	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "d", 0755), 0);
	KT_ASSERT_EQ(nlink_of(c, "/"), 3);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "d", 0755), -EEXIST);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "/", 0755), -EEXIST);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "d/..", 0755), -EEXIST);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "x/y", 0755), -ENOENT);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "d/sub/", 0700), 0); /* a trailing slash is fine for mkdir */
	KT_ASSERT_EQ(nlink_of(c, "d"), 3);
	KT_ASSERT_EQ(stat_path(c, "d/sub", &st), 0);
	KT_ASSERT_EQ(st.mode, S_IFDIR | 0700);
	KT_ASSERT_EQ(put_file(c, "d/f", "1", 1, 0644), 0);
	KT_ASSERT_EQ(put_file(c, "d/f/g", "1", 1, 0644), -ENOTDIR);
	/* rmdir and unlink errors. */
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d", AT_REMOVEDIR), -ENOTEMPTY);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d/f", AT_REMOVEDIR), -ENOTDIR);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d/.", AT_REMOVEDIR), -EINVAL);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d/sub/..", AT_REMOVEDIR), -ENOTEMPTY);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "/", AT_REMOVEDIR), -EBUSY);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d/none", AT_REMOVEDIR), -ENOENT);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d", 0), -EISDIR);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d/.", 0), -EISDIR);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d/f/", 0), -ENOTDIR);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d/none", 0), -ENOENT);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d/f", 0x1), -EINVAL);
	/* mknod */
	KT_ASSERT_EQ(vfs_mknodat(c, NULL, "d/fifo", S_IFIFO | 0600, 0), 0);
	KT_ASSERT_EQ(vfs_mknodat(c, NULL, "d/plain", 0644, 0), 0);
	KT_ASSERT_EQ(stat_path(c, "d/plain", &st), 0);
	KT_ASSERT_EQ(st.mode, S_IFREG | 0644);
	KT_ASSERT_EQ(vfs_mknodat(c, NULL, "d/dir", S_IFDIR | 0755, 0), -EINVAL);
	KT_ASSERT_EQ(vfs_mknodat(c, NULL, "d/fifo", S_IFIFO | 0600, 0), -EEXIST);
	KT_ASSERT_EQ(vfs_mknodat(c, NULL, "d/new/", S_IFIFO | 0600, 0), -ENOENT);
	KT_ASSERT_EQ(stat_path(c, "d/fifo", &st), 0);
	KT_ASSERT(S_ISFIFO(st.mode));
	/* Hard links. */
	KT_ASSERT_EQ(vfs_linkat(c, NULL, "d/f", NULL, "hard", 0), 0);
	KT_ASSERT_EQ(nlink_of(c, "d/f"), 2);
	KT_ASSERT_EQ(stat_path(c, "hard", &st), 0);
	KT_ASSERT_EQ(stat_path(c, "d/f", &st2), 0);
	KT_ASSERT_EQ(st.ino, st2.ino);
	KT_ASSERT_EQ(vfs_linkat(c, NULL, "d/f", NULL, "hard", 0), -EEXIST);
	KT_ASSERT_EQ(vfs_linkat(c, NULL, "d", NULL, "dirlink", 0), -EPERM);
	KT_ASSERT_EQ(vfs_linkat(c, NULL, "nothere", NULL, "x", 0), -ENOENT);
	KT_ASSERT_EQ(vfs_linkat(c, NULL, "d/f", NULL, "..", 0), -EEXIST);
	KT_ASSERT_EQ(vfs_linkat(c, NULL, "d/f", NULL, "x", 0x1), -EINVAL);
	/* linkat links the symlink itself unless AT_SYMLINK_FOLLOW. */
	KT_ASSERT_EQ(vfs_symlinkat(c, "d/f", NULL, "sl"), 0);
	KT_ASSERT_EQ(vfs_linkat(c, NULL, "sl", NULL, "sl2", 0), 0);
	KT_ASSERT_EQ(lstat_path(c, "sl2", &st), 0);
	KT_ASSERT(S_ISLNK(st.mode));
	KT_ASSERT_EQ(vfs_linkat(c, NULL, "sl", NULL, "f3", AT_SYMLINK_FOLLOW), 0);
	KT_ASSERT_EQ(nlink_of(c, "d/f"), 3);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d/f", 0), 0);
	KT_ASSERT_EQ(nlink_of(c, "hard"), 2);
	KT_ASSERT_EQ(get_file(c, "hard", buf, sizeof(buf)), 1);
	/* Across file systems: EXDEV. */
	KT_ASSERT_EQ(sb_create("tmpfs", NULL, &other), 0);
	oroot = other->root;
	KT_ASSERT_EQ(vfs_linkat(c, NULL, "hard", oroot, "x", 0), -EXDEV);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "hard", oroot, "x", 0), -EXDEV);
	KT_ASSERT_EQ(sb_destroy(other), 0);
	const char *names[] = {"hard", "f3", "sl", "sl2", "d/fifo", "d/plain"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		KT_ASSERT_EQ(vfs_unlinkat(c, NULL, names[i], 0), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d/sub/", AT_REMOVEDIR), 0);
	KT_ASSERT_EQ(nlink_of(c, "d"), 2);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d", AT_REMOVEDIR), 0);
	KT_ASSERT_EQ(nlink_of(c, "/"), 2);
}

KTEST(fs_directories_and_links)
{
	struct fs_fixture fx;
	KT_ASSERT(fx_init(&fx));
	dir_ops_body(kt, &fx);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}

static void rename_body(struct ktest_ctx *kt, struct fs_fixture *fx)
{
	const struct vfs_ctx *c = &fx->ctx;
	struct kstat st, st2;
	char buf[8];

	KT_ASSERT_EQ(put_file(c, "a", "A", 1, 0644), 0);
	KT_ASSERT_EQ(put_file(c, "b", "B", 1, 0644), 0);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "d1", 0755), 0);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "d1/sub", 0755), 0);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "d2", 0755), 0);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "empty", 0755), 0);
	/* A file replaces a file. */
	KT_ASSERT_EQ(stat_path(c, "a", &st), 0);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "a", NULL, "b", 0), 0);
	KT_ASSERT_EQ(stat_path(c, "a", &st2), -ENOENT);
	KT_ASSERT_EQ(stat_path(c, "b", &st2), 0);
	KT_ASSERT_EQ(st.ino, st2.ino);
	KT_ASSERT_EQ(get_file(c, "b", buf, sizeof(buf)), 1);
	KT_ASSERT_EQ(buf[0], 'A');
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "nothere", NULL, "x", 0), -ENOENT);
	/* Type mismatches. */
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "b", NULL, "d2", 0), -EISDIR);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "d2", NULL, "b", 0), -ENOTDIR);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "b/", NULL, "c", 0), -ENOTDIR);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "b", NULL, "c/", 0), -ENOTDIR);
	/* Special names. */
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "d1/.", NULL, "x", 0), -EBUSY);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "b", NULL, "d1/..", 0), -EBUSY);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "/", NULL, "x", 0), -EBUSY);
	/* RENAME_NOREPLACE; unsupported flags. */
	KT_ASSERT_EQ(put_file(c, "c", "C", 1, 0644), 0);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "b", NULL, "c", RENAME_NOREPLACE), -EEXIST);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "b", NULL, "c", RENAME_EXCHANGE), -EINVAL);
	/* Two names of one file: nothing happens. */
	KT_ASSERT_EQ(vfs_linkat(c, NULL, "c", NULL, "c2", 0), 0);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "c", NULL, "c2", 0), 0);
	KT_ASSERT_EQ(nlink_of(c, "c"), 2);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "c", NULL, "c", 0), 0);
	/* Directories: replace an empty one, not a full one, not into itself. */
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "d2", NULL, "d1", 0), -ENOTEMPTY);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "d1", NULL, "d1/sub/x", 0), -EINVAL);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "d1", NULL, "d1/x", 0), -EINVAL);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "d1/sub", NULL, "d1", 0), -ENOTEMPTY);
	KT_ASSERT_EQ(stat_path(c, "d2", &st), 0);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "d2", NULL, "empty", 0), 0);
	KT_ASSERT_EQ(stat_path(c, "empty", &st2), 0);
	KT_ASSERT_EQ(st.ino, st2.ino);
	KT_ASSERT_EQ(nlink_of(c, "/"), 4); /* ".", "..", d1 and empty */
	/* Moving a directory updates both parents' link counts and its "..". */
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "d1/sub", NULL, "empty/moved", 0), 0);
	KT_ASSERT_EQ(nlink_of(c, "d1"), 2);
	KT_ASSERT_EQ(nlink_of(c, "empty"), 3);
	KT_ASSERT_EQ(stat_path(c, "empty/moved/..", &st2), 0);
	KT_ASSERT_EQ(st.ino, st2.ino);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "empty", NULL, "d1/inner", 0), 0);
	KT_ASSERT_EQ(nlink_of(c, "/"), 3);
	KT_ASSERT_EQ(nlink_of(c, "d1"), 3);
	KT_ASSERT_EQ(stat_path(c, "d1/inner/moved/../../..", &st2), 0);
	KT_ASSERT_EQ(st2.ino, fx->sb->root->ino);
	/* Renaming a directory into another parent needs write access to it
	 * (its ".." changes). */
	struct cred u = user_cred(1000, 1000);
	struct vfs_ctx uc = fx_as(fx, &u);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "pub", 0777), 0);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "pub/rootdir", 0755), 0);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "pub/other", 0777), 0);
	KT_ASSERT_EQ(vfs_renameat(&uc, NULL, "pub/rootdir", NULL, "pub/other/x", 0), -EACCES);
	KT_ASSERT_EQ(vfs_renameat(&uc, NULL, "pub/rootdir", NULL, "pub/renamed", 0), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "pub/renamed", AT_REMOVEDIR), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "pub/other", AT_REMOVEDIR), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "pub", AT_REMOVEDIR), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d1/inner/moved", AT_REMOVEDIR), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d1/inner", AT_REMOVEDIR), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d1", AT_REMOVEDIR), 0);
	const char *names[] = {"b", "c", "c2"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		KT_ASSERT_EQ(vfs_unlinkat(c, NULL, names[i], 0), 0);
}

KTEST(fs_rename)
{
	struct fs_fixture fx;
	KT_ASSERT(fx_init(&fx));
	rename_body(kt, &fx);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}

#define NFILES 100

/* Reads the whole directory with a small buffer, counting each name. */
static int list_dir(struct file *f, char *buf, size_t bufsize, uint8_t *seen, int *dots, int64_t *resume_off,
                    int stop_after)
{
	int records = 0;

	for (;;) {
		ssize_t n = vfs_getdents64(f, buf, bufsize);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return records;
		for (ssize_t off = 0; off < n;) {
			struct linux_dirent64 d;
			const char *name = buf + off + offsetof(struct linux_dirent64, d_name);
			int idx;
			memcpy(&d, buf + off, offsetof(struct linux_dirent64, d_name));
			if (d.d_reclen % 8 || d.d_reclen == 0)
				return -1000;
			if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
				(*dots)++;
				if (d.d_type != DT_DIR)
					return -1001;
			} else if (name[0] == 'f' && (idx = (name[1] - '0') * 10 + (name[2] - '0')) >= 0 &&
			           idx < NFILES) {
				seen[idx]++;
				if (d.d_type != DT_REG)
					return -1002;
			} else {
				return -1003;
			}
			records++;
			*resume_off = d.d_off;
			off += d.d_reclen;
			if (records == stop_after)
				return records;
		}
	}
}

static void getdents_body(struct ktest_ctx *kt, struct fs_fixture *fx)
{
	const struct vfs_ctx *c = &fx->ctx;
	static char buf[200];
	uint8_t seen[NFILES];
	char name[8];
	int dots = 0;
	int64_t off = 0;
	struct file *f;

	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "d", 0755), 0);
	for (int i = 0; i < NFILES; i++) {
		ksnprintf(name, sizeof(name), "d/f%02d", i);
		KT_ASSERT_EQ(put_file(c, name, "", 0, 0644), 0);
	}
	KT_ASSERT_EQ(vfs_openat(c, NULL, "d", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	KT_ASSERT_EQ(vfs_getdents64(f, buf, 16), -EINVAL); /* not even one record fits */
	/* Everything, exactly once, through a buffer of a few records. */
	memset(seen, 0, sizeof(seen));
	KT_ASSERT_EQ(list_dir(f, buf, sizeof(buf), seen, &dots, &off, -1), NFILES + 2);
	KT_ASSERT_EQ(dots, 2);
	for (int i = 0; i < NFILES; i++)
		KT_ASSERT_EQ(seen[i], 1);
	KT_ASSERT_EQ(vfs_getdents64(f, buf, sizeof(buf)), 0);
	/* Resume from a saved d_off after removing entries already read and
	 * some not yet read: nothing repeats, the survivors all come. */
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_SET), 0);
	memset(seen, 0, sizeof(seen));
	dots = 0;
	KT_ASSERT_EQ(list_dir(f, buf, sizeof(buf), seen, &dots, &off, 30), 30);
	for (int i = 0; i < NFILES; i += 3) {
		ksnprintf(name, sizeof(name), "d/f%02d", i);
		KT_ASSERT_EQ(vfs_unlinkat(c, NULL, name, 0), 0);
	}
	KT_ASSERT_EQ(vfs_lseek(f, off, SEEK_SET), off);
	KT_ASSERT(list_dir(f, buf, sizeof(buf), seen, &dots, &off, -1) > 0);
	for (int i = 0; i < NFILES; i++) {
		if (i < 28)
			KT_ASSERT_EQ(seen[i], 1); /* the first 28 files (after . and ..) were read before */
		else
			KT_ASSERT_EQ(seen[i], i % 3 ? 1 : 0);
	}
	KT_ASSERT_EQ(dots, 2);
	file_put(f);
	/* getdents64 on a file */
	KT_ASSERT_EQ(vfs_openat(c, NULL, "d/f01", O_RDONLY, 0, &f), 0);
	KT_ASSERT_EQ(vfs_getdents64(f, buf, sizeof(buf)), -ENOTDIR);
	file_put(f);
	for (int i = 0; i < NFILES; i++) {
		ksnprintf(name, sizeof(name), "d/f%02d", i);
		if (i % 3)
			KT_ASSERT_EQ(vfs_unlinkat(c, NULL, name, 0), 0);
	}
	/* A removed directory lists nothing. */
	KT_ASSERT_EQ(vfs_openat(c, NULL, "d", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d", AT_REMOVEDIR), 0);
	KT_ASSERT_EQ(vfs_getdents64(f, buf, sizeof(buf)), 0);
	file_put(f);
}

KTEST(fs_getdents64)
{
	struct fs_fixture fx;
	KT_ASSERT(fx_init(&fx));
	getdents_body(kt, &fx);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}

static void mount_body(struct ktest_ctx *kt, struct fs_fixture *fx)
{
	const struct vfs_ctx *c = &fx->ctx;
	struct kstat st, st2;
	struct inode *mnt_dir, *inner;
	struct vfs_ctx sub;
	struct file *f;
	char path[64];

	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "mnt", 0755), 0);
	KT_ASSERT_EQ(stat_path(c, "mnt", &st), 0);
	KT_ASSERT_EQ(vfs_mount(c, NULL, "mnt", "nosuchfs", NULL), -ENODEV);
	KT_ASSERT_EQ(put_file(c, "file", "", 0, 0644), 0);
	KT_ASSERT_EQ(vfs_mount(c, NULL, "file", "tmpfs", NULL), -ENOTDIR);
	KT_ASSERT_EQ(vfs_mount(c, NULL, "mnt", "tmpfs", "mode=0700"), 0);
	KT_ASSERT_EQ(stat_path(c, "mnt", &st2), 0);
	KT_ASSERT(st2.dev != st.dev);
	KT_ASSERT(st2.mount_root);
	KT_ASSERT_EQ(st2.mode, S_IFDIR | 0700);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "mnt/in", 0755), 0);
	KT_ASSERT_EQ(put_file(c, "mnt/in/x", "x", 1, 0644), 0);
	/* ".." at the mounted root leads back to the covering file system. */
	KT_ASSERT_EQ(stat_path(c, "mnt/in/../../file", &st2), 0);
	KT_ASSERT_EQ(stat_path(c, "mnt/..", &st2), 0);
	KT_ASSERT_EQ(st2.ino, fx->sb->root->ino);
	KT_ASSERT_EQ(st2.dev, fx->sb->dev);
	/* Cross-device operations and busy mount points. */
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "file", NULL, "mnt/file", 0), -EXDEV);
	KT_ASSERT_EQ(vfs_linkat(c, NULL, "file", NULL, "mnt/file", 0), -EXDEV);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "mnt", AT_REMOVEDIR), -EBUSY);
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "mnt", NULL, "mnt2", 0), -EBUSY);
	KT_ASSERT_EQ(vfs_mount(c, NULL, "mnt/in", "tmpfs", NULL), 0); /* nested */
	KT_ASSERT_EQ(vfs_umount(c, NULL, "mnt"), -EBUSY);
	KT_ASSERT_EQ(vfs_umount(c, NULL, "mnt/in/x"), -ENOENT); /* hidden by the nested mount */
	KT_ASSERT_EQ(vfs_umount(c, NULL, "mnt/in"), 0);
	KT_ASSERT_EQ(vfs_umount(c, NULL, "mnt/in"), -EINVAL); /* not a mount root now */
	/* getcwd across the mount; a busy file system stays mounted. */
	KT_ASSERT_EQ(vfs_lookup_dir(c, NULL, "mnt/in", &inner), 0);
	sub = *c;
	sub.cwd = inner;
	KT_ASSERT_EQ(vfs_getcwd(&sub, path, sizeof(path)), 8);
	KT_ASSERT(strcmp(path, "/mnt/in") == 0);
	KT_ASSERT_EQ(vfs_getcwd(&sub, path, 7), -ERANGE);
	KT_ASSERT_EQ(vfs_umount(c, NULL, "mnt"), -EBUSY);
	inode_put(inner);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "mnt/in/x", O_RDONLY, 0, &f), 0);
	KT_ASSERT_EQ(vfs_umount(c, NULL, "mnt"), -EBUSY);
	file_put(f);
	KT_ASSERT_EQ(vfs_lookup_dir(c, NULL, "mnt", &mnt_dir), 0);
	KT_ASSERT_EQ(vfs_umount(c, NULL, "mnt"), -EBUSY);
	inode_put(mnt_dir);
	KT_ASSERT_EQ(vfs_umount(c, NULL, "file"), -EINVAL);
	KT_ASSERT_EQ(vfs_umount(c, NULL, "mnt"), 0); /* frees the whole tree inside */
	KT_ASSERT_EQ(stat_path(c, "mnt/in", &st2), -ENOENT);
	KT_ASSERT_EQ(stat_path(c, "mnt", &st2), 0);
	KT_ASSERT_EQ(st2.ino, st.ino);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "mnt", AT_REMOVEDIR), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "file", 0), 0);
}

KTEST(fs_mount)
{
	struct fs_fixture fx;
	KT_ASSERT(fx_init(&fx));
	mount_body(kt, &fx);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}

static void getcwd_body(struct ktest_ctx *kt, struct fs_fixture *fx)
{
	const struct vfs_ctx *c = &fx->ctx;
	struct inode *d, *top;
	struct vfs_ctx sub = *c;
	char path[64];

	KT_ASSERT_EQ(vfs_getcwd(c, path, sizeof(path)), 2);
	KT_ASSERT(strcmp(path, "/") == 0);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "usr", 0755), 0);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "usr/local", 0755), 0);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "usr/local/bin", 0755), 0);
	KT_ASSERT_EQ(vfs_lookup_dir(c, NULL, "usr/local/bin", &d), 0);
	sub.cwd = d;
	KT_ASSERT_EQ(vfs_getcwd(&sub, path, sizeof(path)), 15);
	KT_ASSERT(strcmp(path, "/usr/local/bin") == 0);
	KT_ASSERT_EQ(vfs_getcwd(&sub, path, 15), 15);
	KT_ASSERT_EQ(vfs_getcwd(&sub, path, 14), -ERANGE);
	/* Relative to a chroot. */
	KT_ASSERT_EQ(vfs_lookup_dir(c, NULL, "usr", &top), 0);
	sub.root = top;
	KT_ASSERT_EQ(vfs_getcwd(&sub, path, sizeof(path)), 11);
	KT_ASSERT(strcmp(path, "/local/bin") == 0);
	sub.root = c->root;
	inode_put(top);
	/* It follows renames. */
	KT_ASSERT_EQ(vfs_renameat(c, NULL, "usr/local", NULL, "opt", 0), 0);
	KT_ASSERT_EQ(vfs_getcwd(&sub, path, sizeof(path)), 9);
	KT_ASSERT(strcmp(path, "/opt/bin") == 0);
	/* A removed cwd has no path. */
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "opt/bin", AT_REMOVEDIR), 0);
	KT_ASSERT_EQ(vfs_getcwd(&sub, path, sizeof(path)), -ENOENT);
	struct kstat st;
	KT_ASSERT_EQ(stat_path(&sub, ".", &st), 0);
	KT_ASSERT_EQ(st.nlink, 0);
	KT_ASSERT_EQ(stat_path(&sub, "..", &st), -ENOENT);
	KT_ASSERT_EQ(put_file(&sub, "new", "", 0, 0644), -ENOENT);
	KT_ASSERT_EQ(vfs_mkdirat(&sub, NULL, "new", 0755), -ENOENT);
	inode_put(d);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "opt", AT_REMOVEDIR), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "usr", AT_REMOVEDIR), 0);
}

KTEST(fs_getcwd)
{
	struct fs_fixture fx;
	KT_ASSERT(fx_init(&fx));
	getcwd_body(kt, &fx);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}
