/* Terminals: a tty object with the Linux line discipline (canonical and raw
 * input, echo, erase/kill/word-erase, signal characters, VMIN/VTIME,
 * output post-processing), a window size, a session and a foreground
 * process group, and the termios / job-control ioctls. See docs/tty.md.
 *
 * The controlling terminal is a property of the session: a process's
 * controlling tty is the tty whose session is the process's sid. */
#ifndef KERN_TTY_H
#define KERN_TTY_H
#include <kern/abi/termios.h>
#include <kern/list.h>
#include <kern/spinlock.h>
#include <kern/sync.h>
#include <kern/types.h>
#include <kern/vfs.h>

#define TTY_BUF_SIZE 4096 /* input buffer; a power of two */

struct file;
struct tty;

struct tty_driver_ops {
	/* Sends processed output bytes to the device. Called without the
	 * tty's lock, from thread context. */
	void (*write)(struct tty *tty, const char *buf, size_t len);
	/* Optional: the first open of the tty starts the device's input, the
	 * last close stops it. */
	void (*activate)(struct tty *tty);
	void (*deactivate)(struct tty *tty);
	/* Optional: delivers a signal the line discipline generated. NULL
	 * sends it to the process group; tests record it instead. */
	void (*signal)(struct tty *tty, int pgrp, int sig);
};

struct tty {
	const char *name;
	const struct tty_driver_ops *ops;
	void *driver_data;
	struct list_node node; /* the registry */

	struct mutex lock; /* everything below up to the wait queues */
	struct linux_termios termios;
	struct linux_winsize winsize;
	int session; /* sid of the session it controls, 0: none */
	int pgrp;    /* foreground process group, 0: none */
	bool stopped; /* output stopped by VSTOP or TCOOFF */
	bool lnext;   /* the next input byte is literal (VLNEXT) */
	unsigned column;       /* output column, for tabs and erasing */
	unsigned canon_column; /* the column where the line being edited began */
	/* Input: read_tail <= canon_head <= read_head, free-running indices.
	 * In canonical mode [canon_head, read_head) is the line being edited
	 * and `delim` marks the byte that ends each complete line (an EOF
	 * character is kept as a marked NUL). */
	unsigned long read_head, canon_head, read_tail;
	char buf[TTY_BUF_SIZE];
	uint8_t delim[TTY_BUF_SIZE / 8];
	unsigned opens;

	struct waitqueue read_wq;  /* input arrived or the mode changed */
	struct waitqueue write_wq; /* output restarted, or the writer left */
	bool writing;              /* a write(2) owns the output (under write_wq's lock) */
};

/* Sets up a tty with Linux's default termios (tty_std_termios) and adds it
 * to the registry. */
void tty_init(struct tty *tty, const char *name, const struct tty_driver_ops *ops, void *driver_data);
/* Removes a tty nobody has open from the registry (tests). */
void tty_destroy(struct tty *tty);

/* Feeds received bytes through the line discipline: editing, echo, signal
 * characters. Thread context: the state is under a mutex, echo is written
 * and generated signals are sent from here (a driver's interrupt handler
 * queues bytes for a thread). */
void tty_receive(struct tty *tty, const char *buf, size_t len);

/* A new open file on a tty (f->private_data is the tty). The open is
 * counted (the first activates the device, the last close deactivates
 * it). claims_ctty: the first session leader without a controlling
 * terminal to use the file gets this one (the kernel's descriptors for a
 * process it starts). */
extern const struct file_ops tty_fops;
struct file *tty_open_file(struct tty *tty, int flags, bool claims_ctty);
/* The tty behind an open file, or NULL if it is not a terminal. */
struct tty *tty_from_file(struct file *f);

/* The line discipline's read/write/poll/ioctl on a tty directly (kernel
 * callers and tests). `nonblock` is O_NONBLOCK. ioctl's arg is a user
 * address, as from ioctl(2). */
ssize_t tty_read(struct tty *tty, void *buf, size_t len, bool nonblock);
ssize_t tty_write(struct tty *tty, const void *buf, size_t len, bool nonblock);
unsigned tty_poll(struct tty *tty, struct poll_table *pt);
long tty_ioctl(struct tty *tty, struct file *f, unsigned cmd, uintptr_t arg);
/* termios and window size from the kernel side (what TCGETS/TCSETS and
 * TIOC[GS]WINSZ do, without job-control checks). */
void tty_get_termios(struct tty *tty, struct linux_termios *t);
void tty_set_termios(struct tty *tty, const struct linux_termios *t);
void tty_set_winsize(struct tty *tty, const struct linux_winsize *ws);

/* Job control. tty_set_ctty() makes tty the controlling terminal of
 * session `sid` with `pgrp` in the foreground (TIOCSCTTY's effect). */
void tty_set_ctty(struct tty *tty, int sid, int pgrp);
/* The controlling tty of a session, or NULL. */
struct tty *tty_of_session(int sid);
/* For the process layer: the leader of session `sid` exited. Its terminal
 * is hung up as on Linux: SIGHUP and SIGCONT to the foreground group, and
 * the terminal no longer belongs to the session. */
void tty_session_leader_exit(int sid);

/* The console terminal. console_file_open() gives the file the kernel
 * installs as descriptors 0-2 of a process it starts: the first session
 * leader to use such a file while it has no controlling terminal gets the
 * console as its controlling terminal, as if it had opened it. */
struct file *console_file_open(void);
struct tty *console_tty(void);
/* Registers /dev/console (5,1) and /dev/tty (5,0); idempotent. Opening the
 * console also registers them. */
void tty_devices_init(void);
#endif
