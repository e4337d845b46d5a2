#include <kern/abi/fcntl.h>
#include <kern/errno.h>
#include <kern/proc.h>
#include <kern/sync.h>
#include <kern/user_images.h>
#include <kern/vfs.h>

#include "user_run.h"

#define USER_RUN_TIMEOUT_NS (60ULL * 1000000000ULL)

int ktest_run_user(struct ktest_ctx *kt, const char *name, const char *const *argv, const char *const *envp)
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
	if (!sem_down_timeout(&done, USER_RUN_TIMEOUT_NS)) {
		ktest_fail(kt, __FILE__, __LINE__, "%s did not exit", name);
		return -1;
	}
	return status;
}

int ktest_install_user(const char *name, const char *path)
{
	const struct user_image *img = user_image_find(name);
	struct vfs_ctx ctx = {&cred_root, NULL, NULL};
	struct file *f;
	int err;

	if (!img)
		return -ENOENT;
	ctx.root = ctx.cwd = vfs_root();
	if (!ctx.root)
		return -ENOENT;
	err = vfs_openat(&ctx, NULL, path, O_WRONLY | O_CREAT | O_TRUNC, 0755, &f);
	if (!err) {
		if (vfs_write(f, img->data, img->size) != (ssize_t)img->size)
			err = -EIO;
		file_put(f);
	}
	inode_put(ctx.root);
	return err;
}

void ktest_remove_path(const char *path)
{
	struct vfs_ctx ctx = {&cred_root, NULL, NULL};

	ctx.root = ctx.cwd = vfs_root();
	if (!ctx.root)
		return;
	vfs_unlinkat(&ctx, NULL, path, 0);
	inode_put(ctx.root);
}
