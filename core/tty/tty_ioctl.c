/* Terminal ioctls: termios, window size, job control, input queue. */
#include <kern/abi/fcntl.h>
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/pollwait.h>
#include <kern/proc.h>
#include <kern/string.h>

#include "../proc/proc_internal.h"
#include "../syscall/uaccess.h"
#include "tty_internal.h"

#define CONSOLE_SPEED 38400

static bool is_ctty_of_caller(struct tty *tty)
{
	struct process *p = proc_current();
	return p && atomic_load_acquire(&tty->session) == p->sid;
}

static long set_termios(struct tty *tty, unsigned cmd, uintptr_t arg)
{
	struct linux_termios2 t2;
	struct linux_termios t;
	bool with_speed = cmd == TCSETS2 || cmd == TCSETSW2 || cmd == TCSETSF2;
	long err = tty_check_change(tty);

	if (err)
		return err;
	if (with_speed) {
		if (get_user(t2, arg))
			return -EFAULT;
		memcpy(&t, &t2, sizeof(t));
	} else if (get_user(t, arg)) {
		return -EFAULT;
	}
	/* Output is never queued, so TCSETSW has nothing to drain. */
	if (cmd == TCSETSF || cmd == TCSETSF2) {
		mutex_lock(&tty->lock);
		ldisc_flush_input(tty);
		mutex_unlock(&tty->lock);
	}
	tty_set_termios(tty, &t);
	return 0;
}

static long get_termios2(struct tty *tty, uintptr_t arg)
{
	struct linux_termios2 t2;
	struct linux_termios t;

	tty_get_termios(tty, &t);
	memcpy(&t2, &t, sizeof(t));
	t2.c_ispeed = t2.c_ospeed = CONSOLE_SPEED;
	return put_user(t2, arg) ? -EFAULT : 0;
}

/* Whether process group `pgrp` may become the foreground of a terminal of
 * session `sid`: it must exist, in that session. */
static long pgrp_in_session(int pgrp, int sid)
{
	int s = proc_pgrp_session(pgrp);

	if (s < 0)
		return -ESRCH;
	return s == sid ? 0 : -EPERM;
}

static long set_pgrp(struct tty *tty, uintptr_t arg)
{
	struct process *p = proc_current();
	long err = tty_check_change(tty);
	int pgrp;

	if (err)
		return err;
	if (!p || !is_ctty_of_caller(tty))
		return -ENOTTY;
	if (get_user(pgrp, arg))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	err = pgrp_in_session(pgrp, p->sid);
	if (err)
		return err;
	mutex_lock(&tty->lock);
	atomic_store_release(&tty->pgrp, pgrp);
	mutex_unlock(&tty->lock);
	return 0;
}

static long flow_control(struct tty *tty, uintptr_t arg)
{
	long err = tty_check_change(tty);
	char c;

	if (err)
		return err;
	switch (arg) {
	case TCOOFF:
	case TCOON:
		mutex_lock(&tty->lock);
		tty->stopped = arg == TCOOFF;
		mutex_unlock(&tty->lock);
		waitqueue_wake_all(&tty->write_wq);
		poll_notify(); /* POLLOUT changed */
		return 0;
	case TCIOFF:
	case TCION:
		/* Ask the other end to stop or resume sending. */
		mutex_lock(&tty->lock);
		c = (char)tty->termios.c_cc[arg == TCIOFF ? VSTOP : VSTART];
		mutex_unlock(&tty->lock);
		if (c)
			tty->ops->write(tty, &c, 1);
		return 0;
	default:
		return -EINVAL;
	}
}

static long flush(struct tty *tty, uintptr_t arg)
{
	long err = tty_check_change(tty);

	if (err)
		return err;
	switch (arg) {
	case TCIFLUSH:
	case TCIOFLUSH:
		mutex_lock(&tty->lock);
		ldisc_flush_input(tty);
		mutex_unlock(&tty->lock);
		return 0;
	case TCOFLUSH:
		return 0; /* output is never queued */
	default:
		return -EINVAL;
	}
}

static long set_nonblock(struct file *f, uintptr_t arg)
{
	int on;

	if (!f)
		return -EINVAL;
	if (get_user(on, arg))
		return -EFAULT;
	if (on)
		atomic_fetch_or(&f->flags, (uint32_t)O_NONBLOCK);
	else
		atomic_fetch_and(&f->flags, ~(uint32_t)O_NONBLOCK);
	return 0;
}

/* TIOCSTI: the byte is input as if typed. Linux allows it on the caller's
 * controlling terminal, or to root. */
static long simulate_input(struct tty *tty, uintptr_t arg)
{
	struct process *p = proc_current();
	char c;

	if (!p || (!is_ctty_of_caller(tty) && p->cred.euid != 0))
		return -EPERM;
	if (get_user(c, arg))
		return -EFAULT;
	tty_receive(tty, &c, 1);
	return 0;
}

long tty_ioctl(struct tty *tty, struct file *f, unsigned cmd, uintptr_t arg)
{
	struct linux_termios t;
	struct linux_winsize ws;
	int val;

	switch (cmd) {
	case TCGETS:
		tty_get_termios(tty, &t);
		return put_user(t, arg) ? -EFAULT : 0;
	case TCGETS2:
		return get_termios2(tty, arg);
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
	case TCSETS2:
	case TCSETSW2:
	case TCSETSF2:
		return set_termios(tty, cmd, arg);
	case TIOCGWINSZ:
		mutex_lock(&tty->lock);
		ws = tty->winsize;
		mutex_unlock(&tty->lock);
		return put_user(ws, arg) ? -EFAULT : 0;
	case TIOCSWINSZ:
		if (get_user(ws, arg))
			return -EFAULT;
		tty_set_winsize(tty, &ws);
		return 0;
	case TIOCGPGRP:
		if (!is_ctty_of_caller(tty))
			return -ENOTTY;
		val = atomic_load_acquire(&tty->pgrp);
		return put_user(val, arg) ? -EFAULT : 0;
	case TIOCSPGRP:
		return set_pgrp(tty, arg);
	case TIOCGSID:
		if (!is_ctty_of_caller(tty))
			return -ENOTTY;
		val = atomic_load_acquire(&tty->session);
		return put_user(val, arg) ? -EFAULT : 0;
	case TIOCSCTTY:
		return tty_make_ctty(tty, arg == 1);
	case TIOCNOTTY:
		return tty_release_ctty(tty);
	case FIONREAD:
		mutex_lock(&tty->lock);
		val = (int)ldisc_input_count(tty);
		mutex_unlock(&tty->lock);
		return put_user(val, arg) ? -EFAULT : 0;
	case TIOCOUTQ:
		val = 0; /* output goes straight to the device */
		return put_user(val, arg) ? -EFAULT : 0;
	case TIOCGETD:
		val = N_TTY;
		return put_user(val, arg) ? -EFAULT : 0;
	case TCFLSH:
		return flush(tty, arg);
	case TCXONC:
		return flow_control(tty, arg);
	case TCSBRK:
	case TCSBRKP:
		return 0; /* tcdrain: nothing is queued; no break on a virtual line */
	case TIOCSTI:
		return simulate_input(tty, arg);
	case FIONBIO:
		return set_nonblock(f, arg);
	default:
		return -ENOTTY;
	}
}
