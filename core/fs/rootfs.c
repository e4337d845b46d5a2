/* The root file system: tmpfs on "/", a tmpfs with the device nodes on
 * /dev, procfs on /proc, an empty /tmp, then the initramfs on top. */
#include <kern/errno.h>
#include <kern/log.h>

#include "fs_internal.h"

static int make_dirs(const struct vfs_ctx *ctx)
{
	static const struct {
		const char *path;
		uint32_t mode;
	} dirs[] = {{"/dev", 0755}, {"/proc", 0555}, {"/tmp", 01777}};

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		int err = vfs_mkdirat(ctx, NULL, dirs[i].path, dirs[i].mode);
		if (err && err != -EEXIST) {
			pr_err("rootfs: mkdir %s: error %d", dirs[i].path, err);
			return err;
		}
	}
	return 0;
}

static int mount_dev(const struct vfs_ctx *ctx)
{
	struct inode *dev;
	int err = vfs_mount(ctx, NULL, "/dev", "tmpfs", "mode=0755");

	if (err) {
		pr_err("rootfs: cannot mount /dev: error %d", err);
		return err;
	}
	err = vfs_lookup(ctx, NULL, "/dev", LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dev);
	if (err)
		return err;
	err = rootfs_dev_attach(dev);
	inode_put(dev);
	if (err)
		pr_err("rootfs: cannot populate /dev: error %d", err);
	return err;
}

int rootfs_init(const void *initramfs, size_t len)
{
	struct super_block *sb;
	struct inode *root;
	struct vfs_ctx ctx;
	int err;

	vfs_init();
	err = sb_create("tmpfs", "mode=0755", &sb);
	if (err)
		return err;
	err = mount_set_root(sb);
	if (err) {
		sb_destroy(sb);
		return err;
	}
	root = vfs_root();
	ctx.cred = &cred_root;
	ctx.root = ctx.cwd = root;
	err = make_dirs(&ctx);
	if (!err)
		err = mount_dev(&ctx);
	if (!err) {
		err = vfs_mount(&ctx, NULL, "/proc", "proc", NULL);
		if (err)
			pr_err("rootfs: cannot mount /proc: error %d", err);
	}
	if (!err && len) {
		err = cpio_unpack(root, initramfs, len);
		if (err)
			pr_err("rootfs: the initramfs did not unpack completely: error %d", err);
	}
	inode_put(root);
	if (!err)
		pr_info("rootfs: tmpfs on /, devices on /dev, procfs on /proc%s", len ? ", initramfs unpacked" : "");
	return err;
}

int rootfs_teardown(void)
{
	struct inode *root = vfs_root();
	struct vfs_ctx ctx;
	int err;

	if (!root)
		return -EINVAL;
	ctx.cred = &cred_root;
	ctx.root = ctx.cwd = root;
	err = vfs_umount(&ctx, NULL, "/proc");
	if (err && err != -EINVAL) {
		inode_put(root);
		return err;
	}
	rootfs_dev_detach();
	err = vfs_umount(&ctx, NULL, "/dev");
	inode_put(root);
	if (err && err != -EINVAL)
		return err;
	return mount_unset_root();
}
