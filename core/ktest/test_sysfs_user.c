/* The file syscalls and /proc from user space: the musl programs
 * tests/user/fs_*.c, run as processes on the booted root file system. */
#include <kern/ktest.h>
#include <kern/proc.h>
#include <kern/sync.h>
#include <kern/user_images.h>
#include <kern/vfs.h>
#include <plat/user.h>

#include "user_run.h"

#define NO_USER KTEST_NO_USER

static int run_fs_program(struct ktest_ctx *kt, const char *name, const char *const *argv)
{
	const char *envp[] = {"PATH=/bin", NULL};

	return ktest_run_user(kt, name, argv, envp);
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
