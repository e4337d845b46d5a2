/* Shared by the tty layer's files: the line discipline (ldisc.c), the
 * terminal object and its files (tty.c), the ioctls (tty_ioctl.c) and job
 * control (job_control.c). */
#ifndef CORE_TTY_INTERNAL_H
#define CORE_TTY_INTERNAL_H
#include <kern/tty.h>

#define SIGHUP   1
#define SIGINT   2
#define SIGQUIT  3
#define SIGCONT  18
#define SIGTSTP  20
#define SIGTTIN  21
#define SIGTTOU  22
#define SIGWINCH 28

#define TTY_MASK (TTY_BUF_SIZE - 1)

static inline bool L_FLAG(const struct tty *t, uint32_t f)
{
	return (t->termios.c_lflag & f) != 0;
}
static inline bool I_FLAG(const struct tty *t, uint32_t f)
{
	return (t->termios.c_iflag & f) != 0;
}
static inline bool O_FLAG(const struct tty *t, uint32_t f)
{
	return (t->termios.c_oflag & f) != 0;
}

/* Bytes of output to send after processing, collected under the lock. */
struct tty_out {
	struct tty *tty;
	size_t len;
	char buf[128];
};
/* Appends one byte, flushing to the driver when full. */
void tty_out_put(struct tty_out *o, char c);
void tty_out_flush(struct tty_out *o);
/* Output post-processing (OPOST, ONLCR, OCRNL, ONOCR, ONLRET, XTABS) of
 * one byte, tracking the column. Lock held. */
void tty_opost_char(struct tty *tty, unsigned char c, struct tty_out *o);
/* The same over p[0..n), stopping when o has less than 8 bytes of room
 * (so a tab still fits); runs of plain bytes are copied whole, as Linux's
 * process_output_block does. Returns the bytes of p consumed. */
size_t tty_opost_block(struct tty *tty, const unsigned char *p, size_t n, struct tty_out *o);

/* --- the line discipline (ldisc.c), lock held ------------------------------- */
/* Processes one received byte; adds generated signals to *sigs (a mask of
 * 1 << sig). Returns true if readers should be woken. */
bool ldisc_receive_char(struct tty *tty, unsigned char c, struct tty_out *echo, uint32_t *sigs);
/* Bytes a read could return now: a complete line (canonical) or any input. */
bool ldisc_readable(const struct tty *tty);
/* Copies what one read returns now into buf; *eof is set when a canonical
 * read consumed an end-of-file mark. */
size_t ldisc_read_canon(struct tty *tty, char *buf, size_t len, bool *eof);
size_t ldisc_read_raw(struct tty *tty, char *buf, size_t len);
/* FIONREAD: bytes a read would see. */
size_t ldisc_input_count(const struct tty *tty);
void ldisc_flush_input(struct tty *tty);
/* Adjusts the buffers when ICANON changes (as n_tty_set_termios). */
void ldisc_mode_changed(struct tty *tty, uint32_t old_lflag);

/* --- job control (job_control.c), lock not held ---------------------------- */
/* Checks before a read (SIGTTIN) or an output-changing operation
 * (SIGTTOU) by a background process; 0 to go on, else -ERESTARTSYS after
 * signalling the caller's group, or -EIO. */
int tty_check_read(struct tty *tty);
int tty_check_change(struct tty *tty);
/* Whether the caller is allowed TOSTOP-governed writes (SIGTTOU logic). */
int tty_check_write(struct tty *tty);
void tty_signal_pgrp(struct tty *tty, int pgrp, int sig);
/* Makes the tty the caller's controlling terminal if it is a session
 * leader without one and the tty is free (the console's boot files). */
void tty_claim_for_current(struct tty *tty);
/* TIOCSCTTY (steal: arg 1, root only) and TIOCNOTTY for the caller. */
int tty_make_ctty(struct tty *tty, bool steal);
int tty_release_ctty(struct tty *tty);
/* Whether the session `sid` still has its leader. */
bool tty_session_alive(int sid);

/* --- device nodes (tty_devices.c, tty_file.c) ------------------------------- */
/* The file ops of every tty device node. */
extern const struct file_ops tty_dev_fops;
/* The tty a device number opens for the caller (/dev/tty: its controlling
 * terminal), or -ENXIO / -ENODEV. */
int tty_device_lookup(kdev_t dev, struct tty **out);

/* --- the registry (tty.c) --------------------------------------------------- */
void tty_registry_lock(void);
void tty_registry_unlock(void);
struct tty *tty_of_session_locked(int sid);
#endif
