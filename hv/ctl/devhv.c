/* /dev/hv: each open is one VM, controlled by ioctls (ioctl.c); read,
 * write and poll carry the guest's COM1 bytes. Closing destroys the VM. */
#include <hv/ctl.h>
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/pollwait.h>

#include "ctl_internal.h"

#define WATCH_PERIOD_NS 100000000ull /* how soon the watcher notices a close */

void hv_ctl_wake(struct hv_ctl *c)
{
	waitqueue_wake_all(&c->wq);
	poll_notify();
}

/* Guest output: runs on a vCPU thread with the device mutex held, so it
 * only fills the ring and never waits for a reader. */
static void console_out(void *ctx, const void *buf, size_t len)
{
	struct hv_ctl *c = ctx;

	console_ring_put(&c->console, buf, len);
	hv_ctl_wake(c);
}

static void watcher_main(void *arg)
{
	struct hv_ctl *c = arg;

	while (!c->closing) {
		if (hv_vm_wait(c->vm, WATCH_PERIOD_NS) == 0) {
			c->stopped = true;
			hv_ctl_wake(c);
			break;
		}
	}
	thread_exit(0);
}

int hv_ctl_watch(struct hv_ctl *c)
{
	c->watcher = thread_create(watcher_main, c, "hv-watch", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	return c->watcher ? 0 : -ENOMEM;
}

static int hv_open(struct inode *ip, struct file *f)
{
	struct hv_ctl *c = kzalloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	if (console_ring_init(&c->console)) {
		kfree(c);
		return -ENOMEM;
	}
	mutex_init(&c->lock, "hv-ctl");
	waitqueue_init(&c->wq);
	c->console_be = (struct hv_chr_backend){.write = console_out, .ctx = c};
	f->private_data = c;
	return 0;
}

static void hv_release(struct file *f)
{
	struct hv_ctl *c = f->private_data;

	c->closing = true;
	if (c->vm) {
		hv_vm_stop(c->vm); /* ends the watcher's wait at once */
		if (c->watcher)
			thread_join(c->watcher);
		hv_vm_destroy(c->vm);
	}
	for (unsigned i = 0; i < c->ndisks; i++) {
		hv_file_disk_release(c->disks[i]);
		kfree(c->disks[i]);
	}
	console_ring_free(&c->console);
	kfree(c);
}

static bool output_ready(void *arg)
{
	struct hv_ctl *c = arg;
	return console_ring_len(&c->console) > 0 || c->stopped;
}

/* Blocks for guest output; 0 (end of file) once the VM stopped and the
 * ring is drained. */
static ssize_t hv_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	struct hv_ctl *c = f->private_data;

	if (!c->vm)
		return -EINVAL;
	if (len == 0)
		return 0;
	for (;;) {
		size_t n = console_ring_get(&c->console, buf, len);
		if (n)
			return (ssize_t)n;
		if (c->stopped)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (waitqueue_wait_interruptible(&c->wq, output_ready, c, 0) == -EINTR)
			return -ERESTARTSYS;
	}
}

static ssize_t hv_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	struct hv_ctl *c = f->private_data;

	if (!c->vm)
		return -EINVAL;
	if (c->stopped)
		return -EIO;
	hv_vm_console_input(c->vm, buf, len);
	return (ssize_t)len;
}

static unsigned hv_poll(struct file *f, struct poll_table *pt)
{
	struct hv_ctl *c = f->private_data;
	unsigned mask = 0;

	poll_table_add(pt, poll_waitqueue());
	if (!c->vm)
		return POLLERR;
	if (console_ring_len(&c->console))
		mask |= POLLIN | POLLRDNORM;
	if (c->stopped)
		mask |= POLLHUP;
	else
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

static long hv_ioctl(struct file *f, unsigned cmd, uintptr_t arg)
{
	return hv_ctl_ioctl(f->private_data, cmd, arg);
}

static const struct file_ops hv_fops = {
    .open = hv_open,
    .release = hv_release,
    .read = hv_read,
    .write = hv_write,
    .poll = hv_poll,
    .ioctl = hv_ioctl,
};

void hv_ctl_init(void)
{
	int err = chrdev_register(HV_DEV_MAJOR, HV_DEV_MINOR, "hv", &hv_fops);

	if (err && err != -EEXIST)
		pr_err("hv: cannot register %s: error %d", HV_DEV_PATH, err);
}
