/* The character-device registry (device number -> file ops) and the memory
 * devices /dev/null, /dev/zero and /dev/full. Device nodes may live in any
 * file system; opening one looks its number up here. Once rootfs_init()
 * has attached /dev, registering a device also creates its node there. */
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/string.h>

#include "fs_internal.h"

#define CHRDEV_MAX      64
#define CHRDEV_NAME_MAX 32

struct chrdev {
	bool used;
	kdev_t dev;
	char name[CHRDEV_NAME_MAX];
	const struct file_ops *fops;
};

static spinlock_t chrdev_lock = SPINLOCK_INIT("chrdev");
static struct chrdev chrdevs[CHRDEV_MAX];
static struct inode *dev_dir; /* the attached /dev, a reference */

static struct chrdev *find_locked(kdev_t dev)
{
	for (int i = 0; i < CHRDEV_MAX; i++)
		if (chrdevs[i].used && chrdevs[i].dev == dev)
			return &chrdevs[i];
	return NULL;
}

static int make_node(struct inode *dir, const char *name, kdev_t dev)
{
	struct inode *ip;
	size_t len = strlen(name);
	int err;

	ns_lock(dir->sb);
	err = lookup_child_locked(dir, name, len, &ip);
	if (err == -ENOENT)
		err = dir->iops->create(dir, name, len, S_IFCHR | 0666, dev, &cred_root, &ip);
	if (!err)
		inode_put(ip);
	ns_unlock(dir->sb);
	return err;
}

void chrdev_add_node(const char *name, kdev_t dev)
{
	struct inode *dir;
	int err;

	spin_lock(&chrdev_lock);
	dir = dev_dir ? inode_get(dev_dir) : NULL;
	spin_unlock(&chrdev_lock);
	if (!dir)
		return;
	err = make_node(dir, name, dev);
	if (err)
		pr_err("chrdev: cannot create /dev/%s: error %d", name, err);
	inode_put(dir);
}

int chrdev_register(uint32_t major, uint32_t minor, const char *name, const struct file_ops *fops)
{
	kdev_t dev = kdev_make(major, minor);
	struct chrdev *slot = NULL;
	size_t len = name ? strnlen(name, CHRDEV_NAME_MAX) : 0;

	if (major > 0xfff || minor > 0xfffff || len == 0 || len == CHRDEV_NAME_MAX || strchr(name, '/') || !fops)
		return -EINVAL;
	spin_lock(&chrdev_lock);
	if (find_locked(dev)) {
		spin_unlock(&chrdev_lock);
		return -EEXIST;
	}
	for (int i = 0; i < CHRDEV_MAX && !slot; i++)
		if (!chrdevs[i].used)
			slot = &chrdevs[i];
	if (!slot) {
		spin_unlock(&chrdev_lock);
		return -ENOSPC;
	}
	slot->used = true;
	slot->dev = dev;
	memcpy(slot->name, name, len + 1);
	slot->fops = fops;
	spin_unlock(&chrdev_lock);
	chrdev_add_node(name, dev);
	return 0;
}

/* Removes the device's node from the live /dev, if there is one. */
static void chrdev_remove_node(const char *name)
{
	struct inode *dir;
	struct vfs_ctx ctx;

	spin_lock(&chrdev_lock);
	dir = dev_dir ? inode_get(dev_dir) : NULL;
	spin_unlock(&chrdev_lock);
	if (!dir)
		return;
	ctx = (struct vfs_ctx){&cred_root, dir, dir};
	vfs_unlinkat(&ctx, dir, name, 0);
	inode_put(dir);
}

int chrdev_unregister(uint32_t major, uint32_t minor)
{
	char name[CHRDEV_NAME_MAX];
	struct chrdev *c;

	spin_lock(&chrdev_lock);
	c = find_locked(kdev_make(major, minor));
	if (c) {
		c->used = false;
		memcpy(name, c->name, sizeof(name));
	}
	spin_unlock(&chrdev_lock);
	if (c)
		chrdev_remove_node(name);
	return c ? 0 : -ENODEV;
}

const struct file_ops *chrdev_lookup(kdev_t dev)
{
	const struct file_ops *fops = NULL;
	struct chrdev *c;

	spin_lock(&chrdev_lock);
	c = find_locked(dev);
	if (c)
		fops = c->fops;
	spin_unlock(&chrdev_lock);
	return fops;
}

int chrdev_populate(struct inode *dir)
{
	for (int i = 0; i < CHRDEV_MAX; i++) {
		char name[CHRDEV_NAME_MAX];
		kdev_t dev;
		bool used;
		int err;

		spin_lock(&chrdev_lock);
		used = chrdevs[i].used;
		dev = chrdevs[i].dev;
		memcpy(name, chrdevs[i].name, sizeof(name));
		spin_unlock(&chrdev_lock);
		if (!used)
			continue;
		err = make_node(dir, name, dev);
		if (err)
			return err;
	}
	return 0;
}

int rootfs_dev_attach(struct inode *devdir)
{
	spin_lock(&chrdev_lock);
	if (dev_dir) {
		spin_unlock(&chrdev_lock);
		return -EBUSY;
	}
	dev_dir = inode_get(devdir);
	spin_unlock(&chrdev_lock);
	return chrdev_populate(devdir);
}

void rootfs_dev_detach(void)
{
	struct inode *dir;

	spin_lock(&chrdev_lock);
	dir = dev_dir;
	dev_dir = NULL;
	spin_unlock(&chrdev_lock);
	if (dir)
		inode_put(dir);
}

/* /dev/null, /dev/zero, /dev/full */
static ssize_t null_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	return 0;
}

static ssize_t sink_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	return (ssize_t)len;
}

static ssize_t zero_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	memset(buf, 0, len);
	return (ssize_t)len;
}

static ssize_t full_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	return -ENOSPC;
}

static const struct file_ops null_fops = {
    .read = null_read,
    .write = sink_write,
    .llseek = vfs_zero_llseek,
};

static const struct file_ops zero_fops = {
    .read = zero_read,
    .write = sink_write,
    .llseek = vfs_zero_llseek,
};

static const struct file_ops full_fops = {
    .read = zero_read,
    .write = full_write,
    .llseek = vfs_zero_llseek,
};

void chrdev_register_builtins(void)
{
	static const struct {
		uint32_t minor;
		const char *name;
		const struct file_ops *fops;
	} mem_devices[] = {
	    {3, "null", &null_fops},      {5, "zero", &zero_fops},       {7, "full", &full_fops},
	    {8, "random", &urandom_fops}, {9, "urandom", &urandom_fops},
	};

	for (size_t i = 0; i < ARRAY_SIZE(mem_devices); i++)
		if (chrdev_register(1, mem_devices[i].minor, mem_devices[i].name, mem_devices[i].fops))
			panic("chrdev: cannot register /dev/%s", mem_devices[i].name);
}
