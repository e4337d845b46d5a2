/* The file syscalls and /proc from user space: the musl programs
 * tests/user/fs_*.c, run as processes on the booted root file system. */
#include <kern/ktest.h>
#include <kern/proc.h>
#include <kern/sync.h>
#include <kern/user_images.h>
#include <kern/vfs.h>
#include <plat/user.h>

#define SEC 1000000000ULL
#define NO_USER "this platform cannot enter user mode yet"

/* Runs an embedded program to completion; returns its wait status or -1. */
static int run_fs_program(struct ktest_ctx *kt, const char *name, const char *const *argv)
{
	const struct user_image *img = user_image_find(name);
	const char *envp[] = {"PATH=/bin", NULL};
	struct semaphore done;
	int status = -1, pid;

	if (!img) {
		ktest_fail(kt, __FILE__, __LINE__, "no embedded image %s", name);
		return -1;
	}
	sem_init(&done, 0);
	pid = proc_spawn_image(img->data, img->size, argv, envp, &status, &done);
	if (pid < 0) {
		ktest_fail(kt, __FILE__, __LINE__, "spawning %s failed: %d", name, pid);
		return -1;
	}
	if (!sem_down_timeout(&done, 60 * SEC)) {
		ktest_fail(kt, __FILE__, __LINE__, "%s did not exit", name);
		return -1;
	}
	return status;
}

/* The programs work in /tmp of the booted root. */
static bool have_root(void)
{
	struct inode *root = vfs_root();

	if (root)
		inode_put(root);
	return root != NULL;
}

KTEST(sysfs_user_files)
{
	const char *argv[] = {"fs_files", NULL};

	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT(have_root());
	KT_ASSERT_EQ(run_fs_program(kt, "fs_files", argv), 0);
}

KTEST(sysfs_user_permissions)
{
	const char *argv[] = {"fs_perms", NULL};

	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT(have_root());
	KT_ASSERT_EQ(run_fs_program(kt, "fs_perms", argv), 0);
}

KTEST(sysfs_user_procfs)
{
	const char *argv[] = {"fs_proc", "arg-one", "two", NULL};

	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT(have_root());
	KT_ASSERT_EQ(run_fs_program(kt, "fs_proc", argv), 0);
}
