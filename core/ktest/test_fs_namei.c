/* File-system self tests: path lookup, symlinks and permissions. */
#include "test_fs.h"

static void lookup_body(struct ktest_ctx *kt, struct fs_fixture *fx)
{
	const struct vfs_ctx *c = &fx->ctx;
	static char longpath[PATH_MAX + 8];
	char name[NAME_MAX + 2];
	struct kstat st, st2;
	struct inode *ip, *d;
	struct vfs_ctx sub;

	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "a", 0755), 0);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "a/b", 0755), 0);
	KT_ASSERT_EQ(put_file(c, "a/b/f", "x", 1, 0644), 0);
	KT_ASSERT_EQ(stat_path(c, "a/b/f", &st), 0);
	KT_ASSERT_EQ(stat_path(c, "//a///b//./f", &st2), 0);
	KT_ASSERT_EQ(st.ino, st2.ino);
	KT_ASSERT_EQ(stat_path(c, "a/b/../b/./f", &st2), 0);
	KT_ASSERT_EQ(st.ino, st2.ino);
	/* ".." at the root stays at the root. */
	KT_ASSERT_EQ(stat_path(c, "/../../a/b/f", &st2), 0);
	KT_ASSERT_EQ(st.ino, st2.ino);
	KT_ASSERT_EQ(stat_path(c, "..", &st2), 0);
	KT_ASSERT_EQ(st2.ino, fx->sb->root->ino);
	/* Trailing slashes and non-directories. */
	KT_ASSERT_EQ(stat_path(c, "a/b/f/", &st2), -ENOTDIR);
	KT_ASSERT_EQ(stat_path(c, "a/b/f/.", &st2), -ENOTDIR);
	KT_ASSERT_EQ(stat_path(c, "a/b/f/x", &st2), -ENOTDIR);
	KT_ASSERT_EQ(stat_path(c, "a/b/", &st2), 0);
	KT_ASSERT_EQ(stat_path(c, "a/missing/f", &st2), -ENOENT);
	KT_ASSERT_EQ(vfs_lookup(c, NULL, "a/b/f", LOOKUP_DIRECTORY, &ip), -ENOTDIR);
	/* Relative to a cwd and to a given directory. */
	KT_ASSERT_EQ(vfs_lookup_dir(c, NULL, "a/b", &d), 0);
	sub = *c;
	sub.cwd = d;
	KT_ASSERT_EQ(stat_path(&sub, "f", &st2), 0);
	KT_ASSERT_EQ(st.ino, st2.ino);
	KT_ASSERT_EQ(stat_path(&sub, "../../a/b/f", &st2), 0);
	KT_ASSERT_EQ(vfs_fstatat(c, d, "f", 0, &st2), 0);
	KT_ASSERT_EQ(st.ino, st2.ino);
	/* A chroot: ".." stops at the caller's root, "/" is that root. */
	sub.root = d;
	KT_ASSERT_EQ(stat_path(&sub, "/f", &st2), 0);
	KT_ASSERT_EQ(stat_path(&sub, "/../../f", &st2), 0);
	KT_ASSERT_EQ(st.ino, st2.ino);
	inode_put(d);
	KT_ASSERT_EQ(vfs_lookup_dir(c, NULL, "a/b/f", &d), -ENOTDIR);
	/* Name and path lengths. */
	memset(name, 'n', NAME_MAX);
	name[NAME_MAX] = 0;
	KT_ASSERT_EQ(put_file(c, name, "", 0, 0644), 0);
	KT_ASSERT_EQ(stat_path(c, name, &st2), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, name, 0), 0);
	name[NAME_MAX] = 'n';
	name[NAME_MAX + 1] = 0;
	KT_ASSERT_EQ(put_file(c, name, "", 0, 0644), -ENAMETOOLONG);
	KT_ASSERT_EQ(stat_path(c, name, &st2), -ENAMETOOLONG);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, name, 0755), -ENAMETOOLONG);
	for (size_t i = 0; i < PATH_MAX; i += 2) {
		longpath[i] = '.';
		longpath[i + 1] = '/';
	}
	longpath[PATH_MAX - 1] = 0; /* 4095 characters: allowed */
	KT_ASSERT_EQ(stat_path(c, longpath, &st2), 0);
	longpath[PATH_MAX - 1] = '.';
	longpath[PATH_MAX] = 0; /* 4096: too long */
	KT_ASSERT_EQ(stat_path(c, longpath, &st2), -ENAMETOOLONG);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "a/b/f", 0), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "a/b", AT_REMOVEDIR), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "a", AT_REMOVEDIR), 0);
}

KTEST(fs_lookup)
{
	struct fs_fixture fx;
	KT_ASSERT(fx_init(&fx));
	lookup_body(kt, &fx);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}

static void symlink_body(struct ktest_ctx *kt, struct fs_fixture *fx)
{
	const struct vfs_ctx *c = &fx->ctx;
	char buf[64], name[16], target[16];
	struct kstat st, st2;
	struct file *f;

	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "d", 0755), 0);
	KT_ASSERT_EQ(put_file(c, "d/file", "data", 4, 0644), 0);
	KT_ASSERT_EQ(stat_path(c, "d/file", &st), 0);
	KT_ASSERT_EQ(vfs_symlinkat(c, "d/file", NULL, "rel"), 0);
	KT_ASSERT_EQ(vfs_symlinkat(c, "/d/file", NULL, "abs"), 0);
	KT_ASSERT_EQ(vfs_symlinkat(c, "file", NULL, "d/inner"), 0); /* relative to its own directory */
	KT_ASSERT_EQ(vfs_symlinkat(c, "d", NULL, "dirlink"), 0);
	KT_ASSERT_EQ(vfs_symlinkat(c, "rel", NULL, "nested"), 0);
	KT_ASSERT_EQ(vfs_symlinkat(c, "dirlink/../abs", NULL, "twisty"), 0);
	KT_ASSERT_EQ(vfs_symlinkat(c, "x", NULL, "rel"), -EEXIST);
	KT_ASSERT_EQ(vfs_symlinkat(c, "", NULL, "empty"), -ENOENT);
	const char *follow[] = {"rel", "abs", "d/inner", "dirlink/file", "nested", "twisty", "dirlink/inner"};
	for (size_t i = 0; i < ARRAY_SIZE(follow); i++) {
		KT_ASSERT_EQ(stat_path(c, follow[i], &st2), 0);
		KT_ASSERT_EQ(st2.ino, st.ino);
	}
	KT_ASSERT_EQ(lstat_path(c, "rel", &st2), 0);
	KT_ASSERT_EQ(st2.mode, S_IFLNK | 0777);
	KT_ASSERT_EQ(st2.size, 6);
	KT_ASSERT_EQ(vfs_readlinkat(c, NULL, "rel", buf, sizeof(buf)), 6);
	KT_ASSERT(memcmp(buf, "d/file", 6) == 0);
	KT_ASSERT_EQ(vfs_readlinkat(c, NULL, "rel", buf, 3), 3); /* truncated, as Linux */
	KT_ASSERT_EQ(vfs_readlinkat(c, NULL, "rel", buf, 0), -EINVAL);
	KT_ASSERT_EQ(vfs_readlinkat(c, NULL, "d/file", buf, sizeof(buf)), -EINVAL);
	KT_ASSERT_EQ(vfs_readlinkat(c, NULL, "nothere", buf, sizeof(buf)), -ENOENT);
	/* A symlink to a directory with a trailing slash is followed. */
	KT_ASSERT_EQ(lstat_path(c, "dirlink/", &st2), 0);
	KT_ASSERT(S_ISDIR(st2.mode));
	KT_ASSERT_EQ(lstat_path(c, "rel/", &st2), -ENOTDIR);
	/* O_NOFOLLOW and O_PATH. */
	KT_ASSERT_EQ(vfs_openat(c, NULL, "rel", O_RDONLY | O_NOFOLLOW, 0, &f), -ELOOP);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "rel", O_PATH | O_NOFOLLOW, 0, &f), 0);
	KT_ASSERT_EQ(vfs_readlinkat(c, f->inode, "", buf, sizeof(buf)), 6);
	file_put(f);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "dirlink/file", O_RDONLY | O_NOFOLLOW, 0, &f), 0); /* only the last */
	file_put(f);
	/* Dangling links: ENOENT, but O_CREAT creates the target. */
	KT_ASSERT_EQ(vfs_symlinkat(c, "d/created", NULL, "dangling"), 0);
	KT_ASSERT_EQ(stat_path(c, "dangling", &st2), -ENOENT);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "dangling", O_WRONLY | O_CREAT | O_EXCL, 0600, &f), -EEXIST);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "dangling", O_WRONLY | O_CREAT | O_NOFOLLOW, 0600, &f), -ELOOP);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "dangling", O_WRONLY | O_CREAT, 0600, &f), 0);
	file_put(f);
	KT_ASSERT_EQ(stat_path(c, "d/created", &st2), 0);
	KT_ASSERT_EQ(st2.mode, S_IFREG | 0600);
	/* Loops. */
	KT_ASSERT_EQ(vfs_symlinkat(c, "loop2", NULL, "loop1"), 0);
	KT_ASSERT_EQ(vfs_symlinkat(c, "loop1", NULL, "loop2"), 0);
	KT_ASSERT_EQ(stat_path(c, "loop1", &st2), -ELOOP);
	KT_ASSERT_EQ(lstat_path(c, "loop1", &st2), 0);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "loop1", O_RDONLY | O_CREAT, 0600, &f), -ELOOP);
	KT_ASSERT_EQ(vfs_symlinkat(c, "self/x", NULL, "self"), 0);
	KT_ASSERT_EQ(stat_path(c, "self", &st2), -ELOOP);
	/* A chain of exactly 40 links resolves; 41 is one too many. */
	for (int i = 1; i <= 41; i++) {
		ksnprintf(name, sizeof(name), "c%d", i);
		if (i == 1)
			ksnprintf(target, sizeof(target), "d/file");
		else
			ksnprintf(target, sizeof(target), "c%d", i - 1);
		KT_ASSERT_EQ(vfs_symlinkat(c, target, NULL, name), 0);
	}
	KT_ASSERT_EQ(stat_path(c, "c40", &st2), 0);
	KT_ASSERT_EQ(st2.ino, st.ino);
	KT_ASSERT_EQ(stat_path(c, "c41", &st2), -ELOOP);
	KT_ASSERT_EQ(lstat_path(c, "c41", &st2), 0);
	/* Nesting: links in the middle of other links' targets. */
	KT_ASSERT_EQ(vfs_symlinkat(c, "dirlink/../dirlink/../c30/", NULL, "deep"), 0);
	KT_ASSERT_EQ(stat_path(c, "deep", &st2), -ENOTDIR); /* 33 links, then a file with a slash after it */
	for (int i = 1; i <= 41; i++) {
		ksnprintf(name, sizeof(name), "c%d", i);
		KT_ASSERT_EQ(vfs_unlinkat(c, NULL, name, 0), 0);
	}
	const char *links[] = {"rel",      "abs",   "d/inner", "dirlink", "nested", "twisty",
	                       "dangling", "loop1", "loop2",   "self",    "deep"};
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		KT_ASSERT_EQ(vfs_unlinkat(c, NULL, links[i], 0), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d/created", 0), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d/file", 0), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "d", AT_REMOVEDIR), 0);
}

KTEST(fs_symlinks)
{
	struct fs_fixture fx;
	KT_ASSERT(fx_init(&fx));
	symlink_body(kt, &fx);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}

static void permission_body(struct ktest_ctx *kt, struct fs_fixture *fx)
{
	const struct vfs_ctx *c = &fx->ctx;
	struct cred alice = user_cred(1000, 100), bob = user_cred(1001, 200), carol = user_cred(1002, 300);
	struct vfs_ctx ac = fx_as(fx, &alice), bc = fx_as(fx, &bob), cc = fx_as(fx, &carol);
	struct kstat st;
	struct file *f;
	char buf[8];

	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "home", 0755), 0);
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "home/alice", 0750), 0);
	KT_ASSERT_EQ(vfs_fchownat(c, NULL, "home/alice", 1000, 100, 0), 0);
	KT_ASSERT_EQ(put_file(&ac, "home/alice/secret", "s", 1, 0600), 0);
	KT_ASSERT_EQ(put_file(&ac, "home/alice/shared", "g", 1, 0640), 0);
	KT_ASSERT_EQ(stat_path(c, "home/alice/secret", &st), 0);
	KT_ASSERT_EQ(st.uid, 1000);
	KT_ASSERT_EQ(st.gid, 100);
	/* Owner, group and others bits. */
	KT_ASSERT_EQ(get_file(&ac, "home/alice/secret", buf, sizeof(buf)), 1);
	KT_ASSERT_EQ(get_file(&bc, "home/alice/secret", buf, sizeof(buf)), -EACCES); /* no search on the dir */
	bob.groups[0] = 100;
	bob.ngroups = 1; /* now in alice's group: may search, read group-readable files */
	KT_ASSERT_EQ(get_file(&bc, "home/alice/secret", buf, sizeof(buf)), -EACCES);
	KT_ASSERT_EQ(get_file(&bc, "home/alice/shared", buf, sizeof(buf)), 1);
	KT_ASSERT_EQ(vfs_openat(&bc, NULL, "home/alice/shared", O_WRONLY, 0, &f), -EACCES);
	KT_ASSERT_EQ(vfs_openat(&bc, NULL, "home/alice/shared", O_RDONLY | O_TRUNC, 0, &f), -EACCES);
	KT_ASSERT_EQ(put_file(&bc, "home/alice/new", "x", 1, 0644), -EACCES); /* no write on the dir */
	KT_ASSERT_EQ(vfs_mkdirat(&bc, NULL, "home/alice/sub", 0755), -EACCES);
	KT_ASSERT_EQ(vfs_unlinkat(&bc, NULL, "home/alice/shared", 0), -EACCES);
	KT_ASSERT_EQ(stat_path(&cc, "home/alice/secret", &st), -EACCES);
	KT_ASSERT_EQ(stat_path(&cc, "home/alice", &st), 0); /* stat needs search on parents only */
	/* Root reads and writes anything, executes only what someone may. */
	KT_ASSERT_EQ(get_file(c, "home/alice/secret", buf, sizeof(buf)), 1);
	KT_ASSERT_EQ(vfs_faccessat(c, NULL, "home/alice/secret", X_OK, 0), -EACCES);
	KT_ASSERT_EQ(vfs_fchmodat(c, NULL, "home/alice/secret", 0610, 0), 0);
	KT_ASSERT_EQ(vfs_faccessat(c, NULL, "home/alice/secret", X_OK, 0), 0);
	KT_ASSERT_EQ(vfs_faccessat(c, NULL, "home/alice/secret", R_OK | W_OK, 0), 0);
	/* access() asks about the real ids; AT_EACCESS about the effective. */
	alice.euid = 0; /* a set-user-ID-root program run by alice */
	KT_ASSERT_EQ(vfs_faccessat(&ac, NULL, "home/alice/secret", R_OK, 0), 0);
	KT_ASSERT_EQ(vfs_fchownat(c, NULL, "home/alice/secret", 0, 0, 0), 0);
	KT_ASSERT_EQ(vfs_fchmodat(c, NULL, "home/alice/secret", 0600, 0), 0);
	KT_ASSERT_EQ(vfs_faccessat(&ac, NULL, "home/alice/secret", R_OK, 0), -EACCES);
	KT_ASSERT_EQ(vfs_faccessat(&ac, NULL, "home/alice/secret", R_OK, AT_EACCESS), 0);
	KT_ASSERT_EQ(vfs_faccessat(&ac, NULL, "home/alice/secret", F_OK, 0), 0);
	KT_ASSERT_EQ(vfs_faccessat(&ac, NULL, "home/alice/nothere", F_OK, 0), -ENOENT);
	KT_ASSERT_EQ(vfs_faccessat(&ac, NULL, "home/alice/secret", 8, 0), -EINVAL);
	KT_ASSERT_EQ(vfs_faccessat(&ac, NULL, "home/alice/secret", R_OK, 0x1), -EINVAL);
	alice.euid = 1000;
	/* A file created in a fresh open is writable even if its mode says no. */
	KT_ASSERT_EQ(vfs_openat(&ac, NULL, "home/alice/ro", O_RDWR | O_CREAT, 0444, &f), 0);
	KT_ASSERT_EQ(vfs_write(f, "w", 1), 1);
	file_put(f);
	KT_ASSERT_EQ(vfs_openat(&ac, NULL, "home/alice/ro", O_RDWR, 0, &f), -EACCES);
	/* Sticky directories: only the owner of the file or the directory
	 * may remove or rename an entry. */
	KT_ASSERT_EQ(vfs_mkdirat(c, NULL, "tmp", 01777), 0);
	KT_ASSERT_EQ(put_file(&ac, "tmp/a", "a", 1, 0666), 0);
	KT_ASSERT_EQ(vfs_unlinkat(&cc, NULL, "tmp/a", 0), -EPERM);
	KT_ASSERT_EQ(vfs_renameat(&cc, NULL, "tmp/a", NULL, "tmp/b", 0), -EPERM);
	KT_ASSERT_EQ(put_file(&cc, "tmp/c", "c", 1, 0666), 0);
	KT_ASSERT_EQ(vfs_renameat(&cc, NULL, "tmp/c", NULL, "tmp/a", 0), -EPERM); /* would replace alice's */
	KT_ASSERT_EQ(vfs_unlinkat(&ac, NULL, "tmp/a", 0), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "tmp/c", 0), 0);
	/* mknod of devices and mount need root. */
	KT_ASSERT_EQ(vfs_mknodat(&ac, NULL, "home/alice/null", S_IFCHR | 0666, kdev_make(1, 3)), -EPERM);
	KT_ASSERT_EQ(vfs_mknodat(&ac, NULL, "home/alice/fifo", S_IFIFO | 0666, 0), 0);
	KT_ASSERT_EQ(vfs_mount(&ac, NULL, "home/alice", "tmpfs", NULL), -EPERM);
	KT_ASSERT_EQ(vfs_umount(&ac, NULL, "/"), -EPERM);
	/* Search permission along the way is checked for every component. */
	KT_ASSERT_EQ(vfs_fchmodat(c, NULL, "home", 0700, 0), 0);
	KT_ASSERT_EQ(stat_path(&ac, "home/alice", &st), -EACCES);
	KT_ASSERT_EQ(stat_path(&ac, "home", &st), 0);
	KT_ASSERT_EQ(vfs_fchmodat(c, NULL, "home", 0755, 0), 0);
	const char *files[] = {"home/alice/secret", "home/alice/shared", "home/alice/ro", "home/alice/fifo"};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		KT_ASSERT_EQ(vfs_unlinkat(c, NULL, files[i], 0), 0);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "home/alice", AT_REMOVEDIR), 0);
}

KTEST(fs_permissions)
{
	struct fs_fixture fx;
	KT_ASSERT(fx_init(&fx));
	permission_body(kt, &fx);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}
