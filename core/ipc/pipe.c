/* Pipes: a 64 KiB ring between a read end and a write end. Writes of at
 * most PIPE_BUF bytes are atomic; reading an empty pipe without writers
 * gives end of file; writing without readers raises SIGPIPE and fails with
 * EPIPE. Blocking waits are interruptible by signals. */
#include <kern/abi/fcntl.h>
#include <kern/abi/termios.h>
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/pipe.h>
#include <kern/pollwait.h>
#include <kern/proc.h>
#include <kern/string.h>

#include "../syscall/uaccess.h"

#define SIGPIPE 13

struct pipe {
	struct mutex lock; /* the ring and the counts */
	char *ring;
	size_t head, len;  /* next byte to read, bytes queued */
	int readers, writers;
	struct waitqueue wq; /* readers and writers wait here */
};

static const struct file_ops pipe_read_fops;
static const struct file_ops pipe_write_fops;

static size_t pipe_space(const struct pipe *p)
{
	return PIPE_SIZE - atomic_load_acquire(&p->len);
}

static void pipe_wake(struct pipe *p)
{
	waitqueue_wake_all(&p->wq);
	poll_notify();
}

static void pipe_free(struct pipe *p)
{
	kfree(p->ring);
	kfree(p);
}

static bool nonblocking(struct file *f)
{
	return (atomic_load_relaxed(&f->flags) & O_NONBLOCK) != 0;
}

/* --- reading ---------------------------------------------------------------- */

static bool read_ready(void *arg)
{
	struct pipe *p = arg;
	return atomic_load_acquire(&p->len) > 0 || atomic_load_acquire(&p->writers) == 0;
}

static ssize_t pipe_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	struct pipe *p = f->private_data;
	size_t n = 0;

	if (len == 0)
		return 0;
	for (;;) {
		int r;
		mutex_lock(&p->lock);
		if (p->len > 0) {
			n = MIN(len, p->len);
			size_t first = MIN(n, PIPE_SIZE - p->head);
			memcpy(buf, p->ring + p->head, first);
			memcpy((char *)buf + first, p->ring, n - first);
			p->head = (p->head + n) % PIPE_SIZE;
			atomic_store_release(&p->len, p->len - n);
			mutex_unlock(&p->lock);
			pipe_wake(p);
			return (ssize_t)n;
		}
		if (p->writers == 0) {
			mutex_unlock(&p->lock);
			return 0;
		}
		mutex_unlock(&p->lock);
		if (nonblocking(f))
			return -EAGAIN;
		r = waitqueue_wait_interruptible(&p->wq, read_ready, p, 0);
		if (r == -EINTR)
			return -ERESTARTSYS;
	}
}

/* --- writing ------------------------------------------------------------- */

struct write_wait {
	struct pipe *p;
	size_t need; /* free bytes the writer waits for */
};

static bool write_ready(void *arg)
{
	struct write_wait *w = arg;
	return pipe_space(w->p) >= w->need || atomic_load_acquire(&w->p->readers) == 0;
}

static void ring_put(struct pipe *p, const char *src, size_t n)
{
	size_t tail = (p->head + p->len) % PIPE_SIZE;
	size_t first = MIN(n, PIPE_SIZE - tail);

	memcpy(p->ring + tail, src, first);
	memcpy(p->ring, src + first, n - first);
	atomic_store_release(&p->len, p->len + n);
}

static ssize_t pipe_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	struct pipe *p = f->private_data;
	const char *src = buf;
	size_t done = 0;
	/* A write of at most PIPE_BUF bytes goes in all at once. */
	bool atomic = len <= PIPE_BUF;

	if (len == 0)
		return 0;
	while (done < len) {
		struct write_wait w = {p, atomic ? len - done : 1};
		size_t n;
		int r;

		mutex_lock(&p->lock);
		if (p->readers == 0) {
			mutex_unlock(&p->lock);
			if (task_current())
				signal_send_task(task_current(), SIGPIPE);
			return done ? (ssize_t)done : -EPIPE;
		}
		n = PIPE_SIZE - p->len;
		if (n >= w.need) {
			n = MIN(n, len - done);
			ring_put(p, src + done, n);
			done += n;
			mutex_unlock(&p->lock);
			pipe_wake(p);
			continue;
		}
		mutex_unlock(&p->lock);
		if (nonblocking(f))
			return done ? (ssize_t)done : -EAGAIN;
		r = waitqueue_wait_interruptible(&p->wq, write_ready, &w, 0);
		if (r == -EINTR)
			return done ? (ssize_t)done : -ERESTARTSYS;
	}
	return (ssize_t)done;
}

/* --- poll, ioctl, release -------------------------------------------------------- */

static unsigned pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->private_data;
	unsigned mask = 0;

	poll_table_add(pt, poll_waitqueue());
	mutex_lock(&p->lock);
	if (f->fops == &pipe_read_fops) {
		if (p->len)
			mask |= POLLIN | POLLRDNORM;
		if (!p->writers)
			mask |= POLLHUP;
	} else {
		if (PIPE_SIZE - p->len >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			mask |= POLLERR;
	}
	mutex_unlock(&p->lock);
	return mask;
}

static long pipe_ioctl(struct file *f, unsigned cmd, uintptr_t arg)
{
	struct pipe *p = f->private_data;
	int val;

	switch (cmd) {
	case FIONREAD:
		val = (int)atomic_load_acquire(&p->len);
		return put_user(val, arg) ? -EFAULT : 0;
	case FIONBIO:
		if (get_user(val, arg))
			return -EFAULT;
		if (val)
			atomic_fetch_or(&f->flags, (uint32_t)O_NONBLOCK);
		else
			atomic_fetch_and(&f->flags, ~(uint32_t)O_NONBLOCK);
		return 0;
	default:
		return -ENOTTY;
	}
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->private_data;
	bool last;

	mutex_lock(&p->lock);
	if (f->fops == &pipe_read_fops)
		atomic_store_release(&p->readers, p->readers - 1);
	else
		atomic_store_release(&p->writers, p->writers - 1);
	last = p->readers == 0 && p->writers == 0;
	mutex_unlock(&p->lock);
	if (last)
		pipe_free(p);
	else
		pipe_wake(p);
}

static const struct file_ops pipe_read_fops = {
	.release = pipe_release,
	.read = pipe_read,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
};

static const struct file_ops pipe_write_fops = {
	.release = pipe_release,
	.write = pipe_write,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
};

int pipe_create(int flags, struct file **read_end, struct file **write_end)
{
	struct pipe *p = kzalloc(sizeof(*p));
	int extra = flags & O_NONBLOCK;

	if (!p)
		return -ENOMEM;
	p->ring = kmalloc(PIPE_SIZE);
	if (!p->ring) {
		kfree(p);
		return -ENOMEM;
	}
	mutex_init(&p->lock, "pipe");
	waitqueue_init(&p->wq);
	p->readers = p->writers = 1;
	*read_end = file_alloc(NULL, &pipe_read_fops, O_RDONLY | extra, p);
	*write_end = file_alloc(NULL, &pipe_write_fops, O_WRONLY | extra, p);
	if (!*read_end || !*write_end) {
		/* The end that exists frees the pipe as its last user. */
		if (*read_end) {
			p->writers = 0;
			file_put(*read_end);
		} else if (*write_end) {
			p->readers = 0;
			file_put(*write_end);
		} else {
			pipe_free(p);
		}
		return -ENOMEM;
	}
	return 0;
}
