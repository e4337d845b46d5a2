/* poll(2), ppoll(2), select(2), pselect6(2) over file_ops->poll.
 *
 * Waiting: pipes and terminals register the shared poll wait queue
 * (kern/pollwait.h) and notify it, so a poller sleeps until something
 * changes. A file that registers another wait queue cannot be slept on
 * together with the others (a thread waits on one queue at a time); while
 * such a file is polled, the poller also re-polls every FOREIGN_POLL_NS. */
#include <kern/abi/poll.h>
#include <kern/errno.h>
#include <kern/fdtable.h>
#include <kern/mm.h>
#include <kern/pollwait.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <plat/time.h>

#include "uaccess.h"

#define NSEC            1000000000LL
#define FOREIGN_POLL_NS 10000000ULL                              /* 10 ms */
#define UNBLOCKABLE     ((1ULL << (9 - 1)) | (1ULL << (19 - 1))) /* SIGKILL, SIGSTOP */
#define NO_DEADLINE     UINT64_MAX

#define POLLIN_SET  (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET  (POLLPRI)

struct linux_pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};

struct linux_timeval {
	int64_t tv_sec, tv_usec;
};

/* Polls one descriptor; *foreign is set if its file registered a wait
 * queue other than the shared one. Returns POLLNVAL for a bad descriptor. */
static unsigned poll_fd(int fd, bool *foreign)
{
	struct poll_table pt = {0, {NULL}};
	struct file *f = fdt_lookup(proc_current()->fds, fd);
	unsigned mask;

	if (!f)
		return POLLNVAL;
	mask = vfs_poll(f, &pt);
	file_put(f);
	for (unsigned i = 0; i < pt.count; i++)
		if (pt.queues[i] != poll_waitqueue())
			*foreign = true;
	return mask;
}

/* Sleeps until something may have changed; 0, -EINTR, or 1 when the
 * deadline passed. */
static int poll_sleep(uint64_t gen, uint64_t deadline, bool foreign)
{
	ktime_t now = plat_time_ns(), ns = 0;
	int r;

	if (deadline != NO_DEADLINE) {
		if (now >= deadline)
			return 1;
		ns = deadline - now;
	}
	if (foreign && (ns == 0 || ns > FOREIGN_POLL_NS))
		ns = FOREIGN_POLL_NS;
	r = poll_wait_change(gen, ns);
	if (r == -EINTR)
		return -EINTR;
	return deadline != NO_DEADLINE && plat_time_ns() >= deadline ? 1 : 0;
}

static long do_poll(struct linux_pollfd *pfds, unsigned long n, uint64_t deadline)
{
	for (;;) {
		uint64_t gen = poll_generation();
		bool foreign = false;
		long ready = 0;
		int r;

		for (unsigned long i = 0; i < n; i++) {
			unsigned mask = 0;
			if (pfds[i].fd >= 0) {
				mask = poll_fd(pfds[i].fd, &foreign);
				mask &= (unsigned)(uint16_t)pfds[i].events | POLLERR | POLLHUP | POLLNVAL;
			}
			pfds[i].revents = (int16_t)mask;
			if (mask)
				ready++;
		}
		if (ready || deadline == 0)
			return ready;
		r = poll_sleep(gen, deadline, foreign);
		if (r < 0)
			return r;
		if (r > 0)
			deadline = 0; /* timed out: one last look */
	}
}

/* deadline 0: do not wait. */
static long poll_common(long ufds, long nfds, uint64_t deadline)
{
	struct linux_pollfd *pfds;
	size_t size;
	long r;

	if (nfds < 0 || nfds > FD_MAX)
		return -EINVAL;
	size = (size_t)nfds * sizeof(*pfds);
	pfds = kmalloc(size ? size : 1);
	if (!pfds)
		return -ENOMEM;
	if (size && get_user_buf(pfds, (uintptr_t)ufds, size)) {
		kfree(pfds);
		return -EFAULT;
	}
	r = do_poll(pfds, (unsigned long)nfds, deadline);
	/* Linux checks the array for the write-back even when it is empty:
	 * a kernel address is EFAULT after the poll. */
	if (!user_range_ok((uintptr_t)ufds, size))
		r = -EFAULT;
	else if (r >= 0)
		for (long i = 0; i < nfds; i++)
			if (put_user(pfds[i].revents, ufds + i * (long)sizeof(*pfds) + 6)) {
				r = -EFAULT;
				break;
			}
	kfree(pfds);
	return r;
}

static uint64_t deadline_after(uint64_t ns)
{
	uint64_t now = plat_time_ns();
	return ns > NO_DEADLINE - 1 - now ? NO_DEADLINE - 1 : now + ns;
}

long sys_poll(long ufds, long nfds, long timeout_ms, long a3, long a4, long a5)
{
	int ms = (int)timeout_ms;
	uint64_t deadline = ms < 0 ? NO_DEADLINE : ms == 0 ? 0 : deadline_after((uint64_t)ms * 1000000ULL);
	return poll_common(ufds, nfds, deadline);
}

/* --- timeouts and signal masks of the p* variants -------------------------------- */

static long read_timespec_deadline(long uts, uint64_t *deadline)
{
	struct linux_timespec ts;

	if (!uts) {
		*deadline = NO_DEADLINE;
		return 0;
	}
	if (get_user(ts, uts))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC)
		return -EINVAL;
	if (ts.tv_sec == 0 && ts.tv_nsec == 0)
		*deadline = 0;
	else if ((uint64_t)ts.tv_sec >= NO_DEADLINE / NSEC)
		*deadline = NO_DEADLINE;
	else
		*deadline = deadline_after((uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec);
	return 0;
}

/* Linux writes the time left back (glibc hides it for pselect). */
static void write_time_left(long uts, uint64_t deadline, bool timeval)
{
	uint64_t now = plat_time_ns(), left;

	if (!uts || deadline == NO_DEADLINE || deadline == 0)
		return;
	left = deadline > now ? deadline - now : 0;
	if (timeval) {
		struct linux_timeval tv = {(int64_t)(left / NSEC), (int64_t)(left % NSEC / 1000)};
		(void)put_user(tv, uts);
	} else {
		struct linux_timespec ts = {(int64_t)(left / NSEC), (int64_t)(left % NSEC)};
		(void)put_user(ts, uts);
	}
}

/* Installs the caller's temporary signal mask. */
static long set_temp_sigmask(long umask, long size, uint64_t *old)
{
	struct task *t = task_current();
	uint64_t mask;

	*old = t->sig_blocked;
	if (!umask)
		return 0;
	if (size != sizeof(mask))
		return -EINVAL;
	if (get_user(mask, umask))
		return -EFAULT;
	t->sig_blocked = mask & ~UNBLOCKABLE;
	return 0;
}

/* Interrupted: the handler runs with the temporary mask and the old one
 * comes back after it (signal delivery restores it); otherwise now. */
static void restore_sigmask(long umask, uint64_t old, long result)
{
	struct task *t = task_current();

	if (!umask)
		return;
	if (result == -EINTR) {
		t->saved_sigmask = old;
		t->restore_sigmask = true;
	} else {
		t->sig_blocked = old;
	}
}

long sys_ppoll(long ufds, long nfds, long uts, long umask, long masksize, long a5)
{
	uint64_t deadline, old;
	long r = read_timespec_deadline(uts, &deadline);

	if (r)
		return r;
	r = set_temp_sigmask(umask, masksize, &old);
	if (r)
		return r;
	r = poll_common(ufds, nfds, deadline);
	restore_sigmask(umask, old, r);
	write_time_left(uts, deadline, false);
	return r;
}

/* --- select ---------------------------------------------------------------------- */

#define BITS_PER_LONG 64

struct fd_sets {
	unsigned long *in[3];  /* read, write, except: what the caller asked */
	unsigned long *out[3]; /* what is ready */
	size_t words;
};

static bool test_bit(const unsigned long *set, int fd)
{
	return set && (set[fd / BITS_PER_LONG] >> (fd % BITS_PER_LONG)) & 1;
}

static long do_select(struct fd_sets *s, int nfds, uint64_t deadline)
{
	static const unsigned wanted[3] = {POLLIN_SET, POLLOUT_SET, POLLEX_SET};

	for (;;) {
		uint64_t gen = poll_generation();
		bool foreign = false;
		long ready = 0;
		int r;

		for (int k = 0; k < 3; k++)
			if (s->out[k])
				memset(s->out[k], 0, s->words * sizeof(unsigned long));
		for (int fd = 0; fd < nfds; fd++) {
			unsigned mask;
			if (!test_bit(s->in[0], fd) && !test_bit(s->in[1], fd) && !test_bit(s->in[2], fd))
				continue;
			mask = poll_fd(fd, &foreign);
			if (mask & POLLNVAL)
				return -EBADF;
			for (int k = 0; k < 3; k++) {
				if (test_bit(s->in[k], fd) && (mask & wanted[k])) {
					s->out[k][fd / BITS_PER_LONG] |= 1UL << (fd % BITS_PER_LONG);
					ready++;
				}
			}
		}
		if (ready || deadline == 0)
			return ready;
		r = poll_sleep(gen, deadline, foreign);
		if (r < 0)
			return r;
		if (r > 0)
			deadline = 0; /* timed out: one last look */
	}
}

static long select_common(long nfds, long uin, long uout, long uex, uint64_t deadline)
{
	long usets[3] = {uin, uout, uex};
	struct fd_sets s;
	unsigned long *mem;
	size_t bytes;
	long r = 0;

	if (nfds < 0)
		return -EINVAL;
	nfds = MIN(nfds, FD_MAX); /* as Linux: no descriptor lies beyond the table */
	s.words = ((size_t)nfds + BITS_PER_LONG - 1) / BITS_PER_LONG;
	bytes = s.words * sizeof(unsigned long);
	mem = kzalloc(6 * bytes + 1);
	if (!mem)
		return -ENOMEM;
	for (int k = 0; k < 3; k++) {
		s.in[k] = usets[k] ? mem + (size_t)k * s.words : NULL;
		s.out[k] = usets[k] ? mem + (size_t)(3 + k) * s.words : NULL;
		if (s.in[k] && bytes && get_user_buf(s.in[k], (uintptr_t)usets[k], bytes))
			r = -EFAULT;
	}
	if (!r)
		r = do_select(&s, (int)nfds, deadline);
	for (int k = 0; r >= 0 && k < 3; k++)
		if (s.out[k] && bytes && put_user_buf((uintptr_t)usets[k], s.out[k], bytes))
			r = -EFAULT;
	kfree(mem);
	return r;
}

long sys_select(long nfds, long uin, long uout, long uex, long utv, long a5)
{
	struct linux_timeval tv;
	uint64_t deadline = NO_DEADLINE;
	long r;

	if (utv) {
		if (get_user(tv, utv))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		/* Like Linux: microseconds beyond a second carry over. */
		if ((uint64_t)tv.tv_sec + (uint64_t)tv.tv_usec / 1000000 >= NO_DEADLINE / NSEC)
			deadline = NO_DEADLINE;
		else if (tv.tv_sec == 0 && tv.tv_usec == 0)
			deadline = 0;
		else
			deadline = deadline_after((uint64_t)tv.tv_sec * NSEC + (uint64_t)tv.tv_usec * 1000);
	}
	r = select_common(nfds, uin, uout, uex, deadline);
	write_time_left(utv, deadline, true);
	return r;
}

long sys_pselect6(long nfds, long uin, long uout, long uex, long uts, long usig)
{
	struct {
		uint64_t set;
		uint64_t size;
	} sigdata = {0, 0};
	uint64_t deadline, old;
	long r = read_timespec_deadline(uts, &deadline);

	if (r)
		return r;
	if (usig && get_user(sigdata, usig))
		return -EFAULT;
	r = set_temp_sigmask((long)sigdata.set, (long)sigdata.size, &old);
	if (r)
		return r;
	r = select_common(nfds, uin, uout, uex, deadline);
	restore_sigmask((long)sigdata.set, old, r);
	write_time_left(uts, deadline, false);
	return r;
}
