/* Self tests of user space: real static programs (tests/user/, built with
 * musl) run as processes. */
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

/* Runs an embedded program to completion; returns its wait status or -1. */
static int run_image(struct ktest_ctx *kt, const char *name, const char *const *argv, const char *const *envp)
{
	const struct user_image *img = user_image_find(name);
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

KTEST(user_hello_static)
{
	const char *argv[] = {"hello", "arg1", NULL};
	const char *envp[] = {"WHO=macrohard", "PATH=/bin", NULL};
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run_image(kt, "hello", argv, envp), 42 << 8);
}

KTEST(user_hello_static_pie)
{
	const char *argv[] = {"hello_pie", "arg1", NULL};
	const char *envp[] = {"WHO=macrohard", NULL};
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run_image(kt, "hello_pie", argv, envp), 42 << 8);
}

KTEST(user_hello_bad_args)
{
	const char *argv[] = {"hello", NULL};
	const char *envp[] = {NULL};

	/* The program itself checks what it was given: 1 = wrong argv. */
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run_image(kt, "hello", argv, envp), 1 << 8);
}

KTEST(user_memory_syscalls)
{
	const char *argv[] = {"memory", NULL};
	const char *envp[] = {NULL};

	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run_image(kt, "memory", argv, envp), 0);
}

KTEST(user_segv_kills)
{
	const char *argv[] = {"segv", NULL};
	const char *envp[] = {NULL};

	/* Killed by SIGSEGV (11) with a core-dump flag, as Linux reports it. */
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run_image(kt, "segv", argv, envp), 11 | 0x80);
}

/* Writes an embedded program into the file system so it can exec itself. */
static int install_image(const char *name, const char *path)
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

static void remove_file(const char *path)
{
	struct vfs_ctx ctx = {&cred_root, NULL, NULL};

	ctx.root = ctx.cwd = vfs_root();
	vfs_unlinkat(&ctx, NULL, path, 0);
	inode_put(ctx.root);
}

KTEST(user_processes_and_signals)
{
	const char *argv[] = {"/tmp/procs", NULL};
	const char *envp[] = {NULL};
	int st;

	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(install_image("procs", "/tmp/procs"), 0);
	st = run_image(kt, "procs", argv, envp);
	remove_file("/tmp/procs");
	KT_ASSERT_EQ(st, 0);
}
