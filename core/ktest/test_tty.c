/* Self tests of the line discipline, on private terminals whose driver
 * captures output and records generated signals; input is injected with
 * tty_receive() as a driver would. */
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/mm.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/tty.h>
#include <plat/time.h>

#define MS       1000000ULL
#define SIGINT   2
#define SIGQUIT  3
#define SIGTSTP  20
#define SIGWINCH 28

struct cap_tty {
	struct tty tty;
	spinlock_t lock;
	char out[512];
	size_t out_len;
	int sig[8], sig_pgrp[8];
	int nsig;
};

static void cap_write(struct tty *tty, const char *buf, size_t len)
{
	struct cap_tty *c = tty->driver_data;

	spin_lock(&c->lock);
	for (size_t i = 0; i < len && c->out_len < sizeof(c->out) - 1; i++)
		c->out[c->out_len++] = buf[i];
	c->out[c->out_len] = 0;
	spin_unlock(&c->lock);
}

static void cap_signal(struct tty *tty, int pgrp, int sig)
{
	struct cap_tty *c = tty->driver_data;

	spin_lock(&c->lock);
	if (c->nsig < 8) {
		c->sig[c->nsig] = sig;
		c->sig_pgrp[c->nsig++] = pgrp;
	}
	spin_unlock(&c->lock);
}

static const struct tty_driver_ops cap_ops = {.write = cap_write, .signal = cap_signal};

static struct cap_tty *cap_new(void)
{
	struct cap_tty *c = kzalloc(sizeof(*c));

	if (!c)
		return NULL;
	spin_init(&c->lock, "cap-tty");
	tty_init(&c->tty, "test", &cap_ops, c);
	return c;
}

static void cap_free(struct cap_tty *c)
{
	tty_destroy(&c->tty);
	kfree(c);
}

static void cap_clear(struct cap_tty *c)
{
	spin_lock(&c->lock);
	c->out_len = 0;
	c->out[0] = 0;
	c->nsig = 0;
	spin_unlock(&c->lock);
}

static void feed(struct cap_tty *c, const char *s)
{
	tty_receive(&c->tty, s, strlen(s));
}

/* Reads without blocking; returns the length (or -errno) and NUL-terminates. */
static ssize_t read_now(struct cap_tty *c, char *buf, size_t size)
{
	ssize_t n = tty_read(&c->tty, buf, size - 1, true);
	buf[n > 0 ? n : 0] = 0;
	return n;
}

static void set_lflag(struct tty *tty, uint32_t set, uint32_t clear)
{
	struct linux_termios t;

	tty_get_termios(tty, &t);
	t.c_lflag = (t.c_lflag | set) & ~clear;
	tty_set_termios(tty, &t);
}

KTEST(tty_canonical_line_and_echo)
{
	struct cap_tty *c = cap_new();
	char buf[64];

	KT_ASSERT(c);
	feed(c, "hel");
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), -EAGAIN); /* no complete line yet */
	KT_ASSERT_EQ(tty_poll(&c->tty, NULL) & POLLIN, 0);
	feed(c, "lo\r");
	KT_ASSERT_EQ(tty_poll(&c->tty, NULL) & POLLIN, POLLIN);
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 6);
	KT_ASSERT(strcmp(buf, "hello\n") == 0);      /* ICRNL */
	KT_ASSERT(strcmp(c->out, "hello\r\n") == 0); /* echo with ONLCR */
	/* Two lines: one read returns one line; a short read leaves the rest. */
	feed(c, "one\ntwo\n");
	KT_ASSERT_EQ(read_now(c, buf, 3), 2);
	KT_ASSERT(strcmp(buf, "on") == 0);
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 2);
	KT_ASSERT(strcmp(buf, "e\n") == 0);
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 4);
	KT_ASSERT(strcmp(buf, "two\n") == 0);
	cap_free(c);
}

KTEST(tty_canonical_editing)
{
	struct cap_tty *c = cap_new();
	char buf[64];

	KT_ASSERT(c);
	feed(c, "abx\x7f"
	        "c\n"); /* DEL erases */
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 4);
	KT_ASSERT(strcmp(buf, "abc\n") == 0);
	KT_ASSERT(strcmp(c->out, "abx\b \bc\r\n") == 0); /* ECHOE */
	feed(c, "ab\bc\n");                              /* so does ^H */
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 3);
	KT_ASSERT(strcmp(buf, "ac\n") == 0);
	feed(c, "foo bar  \x17"
	        "baz\n"); /* ^W: the spaces and the word */
	KT_ASSERT(read_now(c, buf, sizeof(buf)) > 0);
	KT_ASSERT(strcmp(buf, "foo baz\n") == 0);
	cap_clear(c);
	feed(c, "junk\x15ok\n"); /* ^U: the line; ECHOKE erases it visibly */
	KT_ASSERT(read_now(c, buf, sizeof(buf)) > 0);
	KT_ASSERT(strcmp(buf, "ok\n") == 0);
	KT_ASSERT(strcmp(c->out, "junk\b \b\b \b\b \b\b \bok\r\n") == 0);
	/* Erasing a control character takes back its two columns (^A). */
	cap_clear(c);
	feed(c, "\x01\x7f\n");
	KT_ASSERT(strcmp(c->out, "^A\b \b\b \b\r\n") == 0);
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 1);
	/* Erasing a tab goes back to where it started. */
	cap_clear(c);
	feed(c, "ab\t\x7f\n");
	KT_ASSERT(strcmp(c->out, "ab\t\b\b\b\b\b\b\r\n") == 0);
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 3);
	/* Erase with nothing on the line does nothing; ^V makes ^U literal. */
	cap_clear(c);
	feed(c, "\x7f\x16\x15\n");
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 2);
	KT_ASSERT_EQ(buf[0], 0x15);
	/* Without ECHOKE the kill character is echoed, then a newline. */
	set_lflag(&c->tty, 0, ECHOKE);
	cap_clear(c);
	feed(c, "xy\x15z\n");
	KT_ASSERT(strcmp(c->out, "xy^U\r\nz\r\n") == 0);
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 2);
	cap_free(c);
}

KTEST(tty_eof)
{
	struct cap_tty *c = cap_new();
	char buf[64];

	KT_ASSERT(c);
	feed(c, "\x04");
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 0); /* ^D at line start: end of file */
	feed(c, "ab\x04");
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 2); /* ^D ends the read without a newline */
	KT_ASSERT(strcmp(buf, "ab") == 0);
	KT_ASSERT(strcmp(c->out, "ab") == 0); /* and is not echoed */
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), -EAGAIN);
	cap_free(c);
}

KTEST(tty_echo_modes)
{
	struct cap_tty *c = cap_new();
	struct linux_termios t;
	char buf[64];

	KT_ASSERT(c);
	set_lflag(&c->tty, ECHONL, ECHO);
	feed(c, "secret\n");
	KT_ASSERT(strcmp(c->out, "\r\n") == 0); /* ECHONL: only the newline */
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 7);
	set_lflag(&c->tty, ECHO, ECHOCTL | ECHONL);
	cap_clear(c);
	feed(c, "\x02\n");
	KT_ASSERT(strcmp(c->out, "\x02\r\n") == 0); /* no ^X form without ECHOCTL */
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 2);
	/* Input mapping: IGNCR drops CR, INLCR turns NL into CR. */
	tty_get_termios(&c->tty, &t);
	t.c_iflag = (t.c_iflag & ~ICRNL) | IGNCR;
	tty_set_termios(&c->tty, &t);
	feed(c, "a\rb\n");
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 3);
	KT_ASSERT(strcmp(buf, "ab\n") == 0);
	cap_free(c);
}

KTEST(tty_signal_characters)
{
	struct cap_tty *c = cap_new();
	char buf[64];

	KT_ASSERT(c);
	tty_set_ctty(&c->tty, 500, 77);
	KT_ASSERT(tty_of_session(500) == &c->tty);
	feed(c, "typed\x03");
	KT_ASSERT_EQ(c->nsig, 1);
	KT_ASSERT_EQ(c->sig[0], SIGINT);
	KT_ASSERT_EQ(c->sig_pgrp[0], 77);
	KT_ASSERT(strcmp(c->out, "typed^C") == 0);
	feed(c, "\n");
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 1); /* the typed text was flushed */
	feed(c, "\x1c\x1a");
	KT_ASSERT_EQ(c->nsig, 3);
	KT_ASSERT_EQ(c->sig[1], SIGQUIT);
	KT_ASSERT_EQ(c->sig[2], SIGTSTP);
	/* NOFLSH keeps the input; without ISIG ^C is an ordinary byte. */
	set_lflag(&c->tty, NOFLSH, 0);
	feed(c, "keep\x03\n");
	KT_ASSERT_EQ(c->nsig, 4);
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 5);
	set_lflag(&c->tty, 0, ISIG);
	feed(c, "\x03\n");
	KT_ASSERT_EQ(c->nsig, 4);
	KT_ASSERT_EQ(read_now(c, buf, sizeof(buf)), 2);
	KT_ASSERT_EQ(buf[0], 3);
	/* No foreground group: nothing to signal. */
	set_lflag(&c->tty, ISIG, 0);
	tty_set_ctty(&c->tty, 0, 0);
	feed(c, "\x03");
	KT_ASSERT_EQ(c->nsig, 4);
	KT_ASSERT(tty_of_session(500) == NULL);
	cap_free(c);
}

KTEST(tty_winsize_sigwinch)
{
	struct cap_tty *c = cap_new();
	struct linux_winsize ws = {50, 132, 0, 0};

	KT_ASSERT(c);
	KT_ASSERT_EQ(c->tty.winsize.ws_row, 24);
	KT_ASSERT_EQ(c->tty.winsize.ws_col, 80);
	tty_set_ctty(&c->tty, 501, 88);
	tty_set_winsize(&c->tty, &ws);
	KT_ASSERT_EQ(c->nsig, 1);
	KT_ASSERT_EQ(c->sig[0], SIGWINCH);
	KT_ASSERT_EQ(c->sig_pgrp[0], 88);
	tty_set_winsize(&c->tty, &ws); /* unchanged: no signal */
	KT_ASSERT_EQ(c->nsig, 1);
	KT_ASSERT_EQ(c->tty.winsize.ws_col, 132);
	cap_free(c);
}

KTEST(tty_output_processing)
{
	struct cap_tty *c = cap_new();
	struct linux_termios t;

	KT_ASSERT(c);
	KT_ASSERT_EQ(tty_write(&c->tty, "a\nb", 3, false), 3);
	KT_ASSERT(strcmp(c->out, "a\r\nb") == 0);
	tty_get_termios(&c->tty, &t);
	t.c_oflag |= XTABS;
	tty_set_termios(&c->tty, &t);
	cap_clear(c);
	KT_ASSERT_EQ(tty_write(&c->tty, "\rab\tc", 5, false), 5);
	KT_ASSERT(strcmp(c->out, "\rab      c") == 0);
	t.c_oflag &= ~OPOST;
	tty_set_termios(&c->tty, &t);
	cap_clear(c);
	KT_ASSERT_EQ(tty_write(&c->tty, "x\n\t", 3, false), 3);
	KT_ASSERT(strcmp(c->out, "x\n\t") == 0);
	cap_free(c);
}

/* OPOST's rules one byte at a time, written from termios(3) and Linux's
 * do_output_char: the reference for the write path, which copies runs of
 * bytes that pass unchanged in one go. */
static size_t opost_model(uint32_t oflag, uint32_t iflag, unsigned *col, const unsigned char *in, size_t n, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = in[i];
		if (!(oflag & OPOST)) {
			out[k++] = (char)c;
			continue;
		}
		if (c == '\n') {
			if (oflag & (ONLRET | ONLCR))
				*col = 0;
			if (oflag & ONLCR)
				out[k++] = '\r';
		} else if (c == '\r') {
			if ((oflag & ONOCR) && *col == 0)
				continue;
			if (oflag & OCRNL) {
				c = '\n';
				if (oflag & ONLRET)
					*col = 0;
			} else {
				*col = 0;
			}
		} else if (c == '\t') {
			if ((oflag & TABDLY) == XTABS) {
				for (unsigned sp = 8 - (*col & 7); sp; sp--, (*col)++)
					out[k++] = ' ';
				continue;
			}
			*col = (*col | 7) + 1;
		} else if (c == '\b') {
			if (*col)
				(*col)--;
		} else {
			if ((oflag & OLCUC) && c >= 'a' && c <= 'z')
				c = (unsigned char)(c - 'a' + 'A');
			if (c >= 0x20 && c != 0x7f && !((iflag & IUTF8) && (c & 0xc0) == 0x80))
				(*col)++;
		}
		out[k++] = (char)c;
	}
	return k;
}

KTEST(tty_output_blocks_match_bytewise_rules)
{
	static const uint32_t oflags[] = {0,
	                                  OPOST | ONLCR,
	                                  OPOST | ONLCR | XTABS,
	                                  OPOST | OLCUC | XTABS,
	                                  OPOST | OCRNL | ONLRET,
	                                  OPOST | ONOCR | XTABS};
	static char want[512];
	uint32_t seed = 12345;

	for (unsigned round = 0; round < 48; round++) {
		uint32_t oflag = oflags[round % 6], iflag = round & 1 ? IUTF8 : 0;
		struct cap_tty *c = cap_new();
		struct linux_termios t;
		unsigned char in[48];
		unsigned col = 0;
		size_t k = 0;

		KT_ASSERT(c);
		tty_get_termios(&c->tty, &t);
		t.c_oflag = oflag;
		t.c_iflag = (t.c_iflag & ~(uint32_t)IUTF8) | iflag;
		tty_set_termios(&c->tty, &t);
		/* Text, controls and high bytes, in runs of a kind; three writes
		 * so the column carries over from one to the next; a tab last,
		 * whose width shows the column. */
		for (unsigned w = 0; w < 3; w++) {
			for (size_t i = 0; i < sizeof(in); i++) {
				seed = seed * 1103515245u + 12345u;
				unsigned r = seed >> 16;
				if (r % 4 == 0)
					in[i] = (unsigned char)"\t\n\r\b"[r / 4 % 4];
				else
					in[i] = (unsigned char)(r % 4 == 1 ? 'a' + r / 4 % 26 : r / 4);
			}
			if (w == 2)
				in[sizeof(in) - 1] = '\t';
			KT_ASSERT_EQ(tty_write(&c->tty, in, sizeof(in), false), (ssize_t)sizeof(in));
			k += opost_model(oflag, iflag, &col, in, sizeof(in), want + k);
		}
		KT_ASSERT_EQ(c->out_len, k);
		KT_ASSERT(memcmp(c->out, want, k) == 0);
		cap_free(c);
	}
}

static void set_raw(struct tty *tty, uint8_t vmin, uint8_t vtime)
{
	struct linux_termios t;

	tty_get_termios(tty, &t);
	t.c_lflag &= ~(uint32_t)(ICANON | ECHO);
	t.c_cc[VMIN] = vmin;
	t.c_cc[VTIME] = vtime;
	tty_set_termios(tty, &t);
}

struct feeder {
	struct cap_tty *c;
	const char *bytes;
	ktime_t gap;
};

/* Sends one byte per gap. */
static void feeder_thread(void *arg)
{
	struct feeder *f = arg;

	for (const char *p = f->bytes; *p; p++) {
		thread_sleep_ns(f->gap);
		tty_receive(&f->c->tty, p, 1);
	}
}

KTEST(tty_raw_vmin_vtime)
{
	struct cap_tty *c = cap_new();
	struct feeder fd;
	struct thread *th;
	char buf[16];
	ktime_t t0;

	KT_ASSERT(c);
	/* VMIN 0, VTIME 0: whatever is there, at once. */
	set_raw(&c->tty, 0, 0);
	KT_ASSERT_EQ(tty_read(&c->tty, buf, sizeof(buf), false), 0);
	feed(c, "xy");
	KT_ASSERT_EQ(tty_read(&c->tty, buf, sizeof(buf), false), 2);
	KT_ASSERT_EQ(tty_poll(&c->tty, NULL) & POLLIN, 0);
	KT_ASSERT(c->out_len == 0); /* ECHO is off */
	/* VMIN 0, VTIME 1: a tenth of a second for the first byte, then 0. */
	set_raw(&c->tty, 0, 1);
	t0 = plat_time_ns();
	KT_ASSERT_EQ(tty_read(&c->tty, buf, sizeof(buf), false), 0);
	KT_ASSERT(plat_time_ns() - t0 >= 90 * MS);
	/* VMIN 3: blocks until three bytes came, one at a time. */
	set_raw(&c->tty, 3, 0);
	fd = (struct feeder){c, "abcd", 5 * MS};
	th = thread_create(feeder_thread, &fd, "feeder", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	KT_ASSERT(th);
	KT_ASSERT_EQ(tty_read(&c->tty, buf, 3, false), 3);
	KT_ASSERT(memcmp(buf, "abc", 3) == 0);
	thread_join(th);
	KT_ASSERT_EQ(tty_read(&c->tty, buf, 1, false), 1); /* the "d" */
	/* VMIN 4, VTIME 1: the inter-byte timer ends a short read. */
	set_raw(&c->tty, 4, 1);
	fd = (struct feeder){c, "pq", 5 * MS};
	th = thread_create(feeder_thread, &fd, "feeder", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	KT_ASSERT(th);
	KT_ASSERT_EQ(tty_read(&c->tty, buf, sizeof(buf), false), 2);
	thread_join(th);
	/* Non-blocking: EAGAIN instead of waiting. */
	KT_ASSERT_EQ(tty_read(&c->tty, buf, sizeof(buf), true), -EAGAIN);
	cap_free(c);
}

KTEST(tty_mode_switch_keeps_input)
{
	struct cap_tty *c = cap_new();
	struct linux_termios t;
	char buf[16];

	KT_ASSERT(c);
	feed(c, "part");
	set_raw(&c->tty, 1, 0); /* the unfinished line becomes raw input */
	KT_ASSERT_EQ(tty_read(&c->tty, buf, sizeof(buf), true), 4);
	feed(c, "raw");
	tty_get_termios(&c->tty, &t);
	t.c_lflag |= ICANON;
	tty_set_termios(&c->tty, &t); /* raw input left over becomes a line */
	KT_ASSERT_EQ(tty_read(&c->tty, buf, sizeof(buf), true), 3);
	cap_free(c);
}

struct blocked_reader {
	struct cap_tty *c;
	char buf[16];
	ssize_t n;
};

static void reader_thread(void *arg)
{
	struct blocked_reader *r = arg;
	r->n = tty_read(&r->c->tty, r->buf, sizeof(r->buf), false);
}

KTEST(tty_blocking_read_and_stop_start)
{
	struct cap_tty *c = cap_new();
	struct blocked_reader r = {0};
	struct thread *th;

	KT_ASSERT(c);
	r.c = c;
	th = thread_create(reader_thread, &r, "reader", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	KT_ASSERT(th);
	thread_sleep_ns(20 * MS);
	KT_ASSERT_EQ(r.n, 0); /* still waiting for a line */
	feed(c, "go\n");
	thread_join(th);
	KT_ASSERT_EQ(r.n, 3);
	/* ^S stops output: a non-blocking write cannot go on; ^Q resumes. */
	feed(c, "\x13");
	KT_ASSERT_EQ(tty_poll(&c->tty, NULL) & POLLOUT, 0);
	KT_ASSERT_EQ(tty_write(&c->tty, "z", 1, true), -EAGAIN);
	feed(c, "\x11");
	KT_ASSERT_EQ(tty_poll(&c->tty, NULL) & POLLOUT, POLLOUT);
	KT_ASSERT_EQ(tty_write(&c->tty, "z", 1, true), 1);
	cap_free(c);
}

KTEST(tty_console_device)
{
	struct tty *con = console_tty();
	struct linux_termios t;

	KT_ASSERT(con == console_tty());
	tty_get_termios(con, &t);
	KT_ASSERT(t.c_lflag & ICANON);
	KT_ASSERT_EQ(t.c_cc[VINTR], 3);
	KT_ASSERT(chrdev_lookup(kdev_make(5, 1)) != NULL); /* /dev/console */
	KT_ASSERT(chrdev_lookup(kdev_make(5, 0)) != NULL); /* /dev/tty */
}
