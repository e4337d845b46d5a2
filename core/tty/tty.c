/* The terminal object: set-up and registry, input from the driver, and the
 * read/write/poll paths that block on it. */
#include <kern/abi/fcntl.h>
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/pollwait.h>
#include <kern/proc.h>
#include <kern/string.h>

#include "tty_internal.h"

#define TENTH_SECOND_NS 100000000ULL

static spinlock_t registry_lock = SPINLOCK_INIT("tty-registry");
static struct list_node registry = LIST_INIT(registry);

/* Linux's tty_std_termios and INIT_C_CC. */
static const struct linux_termios std_termios = {
    .c_iflag = ICRNL | IXON | IUTF8,
    .c_oflag = OPOST | ONLCR,
    .c_cflag = B38400 | CS8 | CREAD | HUPCL,
    .c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
    .c_line = N_TTY,
    .c_cc = {[VINTR] = 003,
             [VQUIT] = 034,
             [VERASE] = 0177,
             [VKILL] = 025,
             [VEOF] = 004,
             [VTIME] = 0,
             [VMIN] = 1,
             [VSTART] = 021,
             [VSTOP] = 023,
             [VSUSP] = 032,
             [VREPRINT] = 022,
             [VDISCARD] = 017,
             [VWERASE] = 027,
             [VLNEXT] = 026},
};

void tty_init(struct tty *tty, const char *name, const struct tty_driver_ops *ops, void *driver_data)
{
	memset(tty, 0, sizeof(*tty));
	tty->name = name;
	tty->ops = ops;
	tty->driver_data = driver_data;
	mutex_init(&tty->lock, "tty");
	tty->termios = std_termios;
	tty->winsize.ws_row = 24;
	tty->winsize.ws_col = 80;
	waitqueue_init(&tty->read_wq);
	waitqueue_init(&tty->write_wq);
	list_init(&tty->node);
	spin_lock(&registry_lock);
	list_push_back(&registry, &tty->node);
	spin_unlock(&registry_lock);
}

void tty_destroy(struct tty *tty)
{
	spin_lock(&registry_lock);
	list_remove(&tty->node);
	spin_unlock(&registry_lock);
}

void tty_registry_lock(void)
{
	spin_lock(&registry_lock);
}

void tty_registry_unlock(void)
{
	spin_unlock(&registry_lock);
}

struct tty *tty_of_session_locked(int sid)
{
	list_for_each (it, &registry) {
		struct tty *t = list_entry(it, struct tty, node);
		if (sid > 0 && atomic_load_acquire(&t->session) == sid)
			return t;
	}
	return NULL;
}

struct tty *tty_of_session(int sid)
{
	struct tty *t;

	spin_lock(&registry_lock);
	t = tty_of_session_locked(sid);
	spin_unlock(&registry_lock);
	return t;
}

/* Readers, writers and pollers re-check their conditions. */
static void wake_all(struct tty *tty)
{
	waitqueue_wake_all(&tty->read_wq);
	waitqueue_wake_all(&tty->write_wq);
	poll_notify();
}

void tty_receive(struct tty *tty, const char *buf, size_t len)
{
	struct tty_out echo = {.tty = tty};
	uint32_t sigs = 0;
	bool wake = false;
	int pgrp;

	mutex_lock(&tty->lock);
	for (size_t i = 0; i < len; i++)
		wake |= ldisc_receive_char(tty, (unsigned char)buf[i], &echo, &sigs);
	tty_out_flush(&echo);
	pgrp = tty->pgrp;
	mutex_unlock(&tty->lock);
	if (wake)
		wake_all(tty);
	for (int sig = 1; sigs; sig++) {
		if (!(sigs & (1u << sig)))
			continue;
		sigs &= ~(1u << sig);
		if (pgrp > 0)
			tty_signal_pgrp(tty, pgrp, sig);
	}
}

/* --- reading ----------------------------------------------------------------- */

static bool readable_cond(void *arg)
{
	return ldisc_readable(arg);
}

static ssize_t read_canon(struct tty *tty, char *buf, size_t len, bool nonblock)
{
	for (;;) {
		bool eof;
		size_t n;
		int r;

		mutex_lock(&tty->lock);
		if (!L_FLAG(tty, ICANON)) {
			mutex_unlock(&tty->lock);
			return -EAGAIN; /* the mode changed under us: the caller retries */
		}
		n = ldisc_read_canon(tty, buf, len, &eof);
		mutex_unlock(&tty->lock);
		if (n || eof)
			return (ssize_t)n;
		if (nonblock)
			return -EAGAIN;
		r = waitqueue_wait_interruptible(&tty->read_wq, readable_cond, tty, 0);
		if (r == -EINTR)
			return -ERESTARTSYS;
	}
}

/* Non-canonical: VMIN bytes (at most len) or, with VTIME, what arrived
 * before the timer (inter-byte once something arrived; overall if VMIN is
 * 0). VMIN = VTIME = 0 returns at once. */
static ssize_t read_raw(struct tty *tty, char *buf, size_t len, bool nonblock)
{
	size_t done = 0, vmin, want;
	ktime_t vtime;

	mutex_lock(&tty->lock);
	vmin = tty->termios.c_cc[VMIN];
	vtime = tty->termios.c_cc[VTIME] * TENTH_SECOND_NS;
	mutex_unlock(&tty->lock);
	want = MIN(MAX(vmin, (size_t)1), len);
	for (;;) {
		int r;

		mutex_lock(&tty->lock);
		if (L_FLAG(tty, ICANON)) {
			mutex_unlock(&tty->lock);
			return done ? (ssize_t)done : -EAGAIN;
		}
		done += ldisc_read_raw(tty, buf + done, len - done);
		mutex_unlock(&tty->lock);
		if (done >= want || (!vmin && !vtime))
			break;
		if (nonblock)
			return done ? (ssize_t)done : -EAGAIN;
		/* VMIN > 0 waits for the first byte without a timer. */
		r = waitqueue_wait_interruptible(&tty->read_wq, readable_cond, tty, done || !vmin ? vtime : 0);
		if (r == -ETIMEDOUT)
			break;
		if (r == -EINTR)
			return done ? (ssize_t)done : -ERESTARTSYS;
	}
	return (ssize_t)done;
}

ssize_t tty_read(struct tty *tty, void *buf, size_t len, bool nonblock)
{
	int err = tty_check_read(tty);

	if (err)
		return err;
	if (len == 0)
		return 0;
	for (;;) {
		bool canon;
		ssize_t r;
		mutex_lock(&tty->lock);
		canon = L_FLAG(tty, ICANON);
		mutex_unlock(&tty->lock);
		r = canon ? read_canon(tty, buf, len, nonblock) : read_raw(tty, buf, len, nonblock);
		/* -EAGAIN without nonblock: the mode switched; read in the new one. */
		if (r != -EAGAIN || nonblock)
			return r;
	}
}

/* --- writing ------------------------------------------------------------------ */

/* Takes the output for one write(2): claimed inside the wait condition,
 * which runs under the wait queue's lock. */
static bool claim_output(void *arg)
{
	struct tty *tty = arg;

	if (tty->writing || tty->stopped)
		return false;
	tty->writing = true;
	return true;
}

static void release_output(struct tty *tty)
{
	spin_lock(&tty->write_wq.lock);
	tty->writing = false;
	spin_unlock(&tty->write_wq.lock);
	waitqueue_wake_all(&tty->write_wq);
}

static int begin_output(struct tty *tty, bool nonblock)
{
	int r;

	if (nonblock) {
		bool ok;
		spin_lock(&tty->write_wq.lock);
		ok = claim_output(tty);
		spin_unlock(&tty->write_wq.lock);
		return ok ? 0 : -EAGAIN;
	}
	r = waitqueue_wait_interruptible(&tty->write_wq, claim_output, tty, 0);
	return r == -EINTR ? -ERESTARTSYS : r;
}

ssize_t tty_write(struct tty *tty, const void *buf, size_t len, bool nonblock)
{
	const unsigned char *p = buf;
	size_t done = 0;
	int err = tty_check_write(tty);

	if (err)
		return err;
	while (done < len) {
		struct tty_out out = {.tty = tty};
		size_t n = 0;
		/* As Linux's n_tty_write: a pending signal ends a long write
		 * between chunks (what was written counts), so a huge write to
		 * a terminal stays interruptible. */
		if (current_signal_pending())
			return done ? (ssize_t)done : -ERESTARTSYS;
		/* Re-claimed per chunk so that ^S stops a long write part-way. */
		err = begin_output(tty, nonblock);
		if (err)
			return done ? (ssize_t)done : err;
		mutex_lock(&tty->lock);
		n = tty_opost_block(tty, p + done, len - done, &out);
		mutex_unlock(&tty->lock);
		tty_out_flush(&out);
		done += n;
		release_output(tty);
	}
	return (ssize_t)done;
}

/* --- poll ---------------------------------------------------------------------- */

unsigned tty_poll(struct tty *tty, struct poll_table *pt)
{
	unsigned mask = 0;

	poll_table_add(pt, poll_waitqueue());
	mutex_lock(&tty->lock);
	if (L_FLAG(tty, ICANON)) {
		if (ldisc_readable(tty))
			mask |= POLLIN | POLLRDNORM;
	} else {
		/* As Linux: with VMIN > 0 and no timer, readable once VMIN bytes are in. */
		unsigned long want = !tty->termios.c_cc[VTIME] && tty->termios.c_cc[VMIN] ? tty->termios.c_cc[VMIN] : 1;
		if (tty->read_head - tty->read_tail >= want)
			mask |= POLLIN | POLLRDNORM;
	}
	if (!tty->stopped)
		mask |= POLLOUT | POLLWRNORM;
	mutex_unlock(&tty->lock);
	return mask;
}

/* --- termios from the kernel side -------------------------------------------------- */

void tty_get_termios(struct tty *tty, struct linux_termios *t)
{
	mutex_lock(&tty->lock);
	*t = tty->termios;
	mutex_unlock(&tty->lock);
}

void tty_set_termios(struct tty *tty, const struct linux_termios *t)
{
	uint32_t old_lflag;
	bool restarted;

	mutex_lock(&tty->lock);
	old_lflag = tty->termios.c_lflag;
	tty->termios = *t;
	tty->termios.c_line = N_TTY;
	ldisc_mode_changed(tty, old_lflag);
	restarted = tty->stopped && !I_FLAG(tty, IXON);
	if (restarted)
		tty->stopped = false;
	mutex_unlock(&tty->lock);
	wake_all(tty); /* readers re-evaluate in the new mode */
}

void tty_set_winsize(struct tty *tty, const struct linux_winsize *ws)
{
	bool changed;
	int pgrp;

	mutex_lock(&tty->lock);
	changed = memcmp(&tty->winsize, ws, sizeof(*ws)) != 0;
	tty->winsize = *ws;
	pgrp = tty->pgrp;
	mutex_unlock(&tty->lock);
	if (changed && pgrp > 0)
		tty_signal_pgrp(tty, pgrp, SIGWINCH);
}
