/* Open files on terminals: f->private_data is the tty. Files opened with
 * tty_claiming_fops (the kernel's descriptors for a process it starts)
 * make the terminal the controlling terminal of the first session leader
 * that uses them, if it has none. */
#include <kern/abi/fcntl.h>
#include <kern/atomic.h>
#include <kern/errno.h>

#include "tty_internal.h"

static const struct file_ops tty_claiming_fops;

static struct tty *file_tty(struct file *f)
{
	struct tty *tty = f->private_data;

	if (f->fops == &tty_claiming_fops)
		tty_claim_for_current(tty);
	return tty;
}

static bool nonblocking(struct file *f)
{
	return (atomic_load_relaxed(&f->flags) & O_NONBLOCK) != 0;
}

static ssize_t tty_file_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	return tty_read(file_tty(f), buf, len, nonblocking(f));
}

static ssize_t tty_file_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	return tty_write(file_tty(f), buf, len, nonblocking(f));
}

static unsigned tty_file_poll(struct file *f, struct poll_table *pt)
{
	return tty_poll(file_tty(f), pt);
}

static long tty_file_ioctl(struct file *f, unsigned cmd, uintptr_t arg)
{
	return tty_ioctl(file_tty(f), f, cmd, arg);
}

static void tty_file_opened(struct tty *tty)
{
	bool first;

	mutex_lock(&tty->lock);
	first = tty->opens++ == 0;
	mutex_unlock(&tty->lock);
	if (first && tty->ops->activate)
		tty->ops->activate(tty);
}

static void tty_file_release(struct file *f)
{
	struct tty *tty = f->private_data;
	bool last;

	mutex_lock(&tty->lock);
	last = --tty->opens == 0;
	mutex_unlock(&tty->lock);
	if (last && tty->ops->deactivate)
		tty->ops->deactivate(tty);
}

const struct file_ops tty_fops = {
	.release = tty_file_release,
	.read = tty_file_read,
	.write = tty_file_write,
	.poll = tty_file_poll,
	.ioctl = tty_file_ioctl,
};

static const struct file_ops tty_claiming_fops = {
	.release = tty_file_release,
	.read = tty_file_read,
	.write = tty_file_write,
	.poll = tty_file_poll,
	.ioctl = tty_file_ioctl,
};

/* Device nodes: the tty comes from the node's device number. */
static int tty_dev_open(struct inode *ip, struct file *f)
{
	struct tty *tty;
	int err = tty_device_lookup(ip->rdev, &tty);

	if (err)
		return err;
	f->private_data = tty;
	tty_file_opened(tty);
	return 0;
}

const struct file_ops tty_dev_fops = {
	.open = tty_dev_open,
	.release = tty_file_release,
	.read = tty_file_read,
	.write = tty_file_write,
	.poll = tty_file_poll,
	.ioctl = tty_file_ioctl,
};

struct file *tty_open_file(struct tty *tty, int flags, bool claims_ctty)
{
	struct file *f = file_alloc(NULL, claims_ctty ? &tty_claiming_fops : &tty_fops, flags, tty);

	if (f)
		tty_file_opened(tty);
	return f;
}

struct tty *tty_from_file(struct file *f)
{
	if (f->fops == &tty_fops || f->fops == &tty_claiming_fops || f->fops == &tty_dev_fops)
		return f->private_data;
	return NULL;
}
