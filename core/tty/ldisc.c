/* The line discipline (Linux's N_TTY): input processing, canonical line
 * editing with echo, signal characters, and what reads take out of the
 * input buffer. Every function here runs with tty->lock held. */
#include <kern/atomic.h>
#include <kern/string.h>

#include "tty_internal.h"

#define BS '\b'

/* --- output ------------------------------------------------------------------ */

void tty_out_flush(struct tty_out *o)
{
	if (o->len)
		o->tty->ops->write(o->tty, o->buf, o->len);
	o->len = 0;
}

void tty_out_put(struct tty_out *o, char c)
{
	if (o->len == sizeof(o->buf))
		tty_out_flush(o);
	o->buf[o->len++] = c;
}

void tty_opost_char(struct tty *tty, unsigned char c, struct tty_out *o)
{
	if (!O_FLAG(tty, OPOST)) {
		tty_out_put(o, (char)c);
		return;
	}
	switch (c) {
	case '\n':
		if (O_FLAG(tty, ONLRET))
			tty->column = 0;
		if (O_FLAG(tty, ONLCR)) {
			tty->column = 0;
			tty_out_put(o, '\r');
		}
		break;
	case '\r':
		if (O_FLAG(tty, ONOCR) && tty->column == 0)
			return;
		if (O_FLAG(tty, OCRNL)) {
			c = '\n';
			if (O_FLAG(tty, ONLRET))
				tty->column = 0;
			break;
		}
		tty->column = 0;
		break;
	case '\t':
		if ((tty->termios.c_oflag & TABDLY) == XTABS) {
			unsigned spaces = 8 - (tty->column & 7);
			tty->column += spaces;
			while (spaces--)
				tty_out_put(o, ' ');
			return;
		}
		tty->column = (tty->column | 7) + 1;
		break;
	case BS:
		if (tty->column > 0)
			tty->column--;
		break;
	default:
		if (O_FLAG(tty, OLCUC) && c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		/* Control characters and UTF-8 continuation bytes take no column. */
		if (c >= 0x20 && c != 0x7f && !(I_FLAG(tty, IUTF8) && (c & 0xc0) == 0x80))
			tty->column++;
		break;
	}
	tty_out_put(o, (char)c);
}

/* What OPOST does with a byte: tty_opost_char for the four it rewrites or
 * whose column effect depends on the column; every other byte passes
 * unchanged, moving the column by one if printable (UTF-8 continuation
 * bytes: unless IUTF8), as Linux's process_output_block. */
enum { PASS_NO_COLUMN, PASS_COLUMN, PASS_CONTINUATION, OPOST_CHAR };
static const unsigned char opost_class[256] = {
    /* the rest of 0..0x1f and 0x7f: PASS_NO_COLUMN (0) */
    [0x20 ... 0x7e] = PASS_COLUMN,
    [0xc0 ... 0xff] = PASS_COLUMN,
    [0x80 ... 0xbf] = PASS_CONTINUATION,
    [BS] = OPOST_CHAR,
    ['\t'] = OPOST_CHAR,
    ['\n'] = OPOST_CHAR,
    ['\r'] = OPOST_CHAR,
};

/* How many of p[0..n) pass unchanged; adds their columns to the tty's. */
static size_t pass_prefix(struct tty *tty, const unsigned char *p, size_t n)
{
	unsigned continuation = I_FLAG(tty, IUTF8) ? 0 : 1, column = 0;
	size_t i;

	if (O_FLAG(tty, OLCUC))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned cls = opost_class[p[i]];
		if (cls == OPOST_CHAR)
			break;
		column += cls == PASS_CONTINUATION ? continuation : cls;
	}
	tty->column += column;
	return i;
}

size_t tty_opost_block(struct tty *tty, const unsigned char *p, size_t n, struct tty_out *o)
{
	size_t done = 0;

	while (done < n && o->len < sizeof(o->buf) - 8) {
		size_t room = sizeof(o->buf) - 8 - o->len, run = n - done < room ? n - done : room;

		if (O_FLAG(tty, OPOST))
			run = pass_prefix(tty, p + done, run);
		if (!run) {
			tty_opost_char(tty, p[done++], o);
			continue;
		}
		memcpy(o->buf + o->len, p + done, run);
		o->len += run;
		done += run;
	}
	return done;
}

/* --- echo ------------------------------------------------------------------- */

static bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* Echoes a byte as typed: control characters as ^X under ECHOCTL. */
static void echo_char(struct tty *tty, unsigned char c, struct tty_out *echo)
{
	if (L_FLAG(tty, ECHOCTL) && is_ctl(c) && c != '\t' && c != '\n') {
		tty_opost_char(tty, '^', echo);
		tty_opost_char(tty, c ^ 0100, echo);
		return;
	}
	tty_opost_char(tty, c, echo);
}

/* The column at which the edited line's byte at index `end` starts. */
static unsigned line_column(const struct tty *tty, unsigned long end)
{
	unsigned col = tty->canon_column;

	for (unsigned long i = tty->canon_head; i != end; i++) {
		unsigned char c = (unsigned char)tty->buf[i & TTY_MASK];
		if (c == '\t')
			col = (col | 7) + 1;
		else if (is_ctl(c))
			col += L_FLAG(tty, ECHOCTL) ? 2 : 0;
		else if (!(I_FLAG(tty, IUTF8) && (c & 0xc0) == 0x80))
			col++;
	}
	return col;
}

static void echo_backspaces(struct tty *tty, unsigned n, bool blank, struct tty_out *echo)
{
	while (n--) {
		tty_opost_char(tty, BS, echo);
		if (blank) {
			tty_opost_char(tty, ' ', echo);
			tty_opost_char(tty, BS, echo);
		}
	}
}

/* --- input buffer --------------------------------------------------------- */

static unsigned long input_count(const struct tty *tty)
{
	return tty->read_head - tty->read_tail;
}

static void put_char(struct tty *tty, unsigned char c, bool delim)
{
	unsigned long i = tty->read_head & TTY_MASK;

	tty->buf[i] = (char)c;
	if (delim)
		tty->delim[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		tty->delim[i / 8] &= (uint8_t) ~(1u << (i % 8));
	atomic_store_release(&tty->read_head, tty->read_head + 1);
}

static bool is_delim(const struct tty *tty, unsigned long idx)
{
	unsigned long i = idx & TTY_MASK;
	return (tty->delim[i / 8] >> (i % 8)) & 1;
}

/* Ends the line being edited: it becomes readable. */
static void commit_line(struct tty *tty)
{
	atomic_store_release(&tty->canon_head, tty->read_head);
	tty->canon_column = tty->column;
}

void ldisc_flush_input(struct tty *tty)
{
	tty->read_tail = tty->canon_head = tty->read_head;
	tty->lnext = false;
	tty->canon_column = tty->column;
}

/* --- line editing ---------------------------------------------------------- */

enum erase_kind { ERASE_CHAR, ERASE_WORD, ERASE_LINE };

static bool is_word_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

/* Removes the last character of the edited line (a whole UTF-8 sequence
 * under IUTF8) and echoes its erasure. */
static void erase_one(struct tty *tty, struct tty_out *echo)
{
	unsigned long start = tty->read_head - 1;
	unsigned char c;

	while (I_FLAG(tty, IUTF8) && start != tty->canon_head &&
	       ((unsigned char)tty->buf[start & TTY_MASK] & 0xc0) == 0x80)
		start--;
	c = (unsigned char)tty->buf[start & TTY_MASK];
	if (L_FLAG(tty, ECHO) && L_FLAG(tty, ECHOE)) {
		if (c == '\t') {
			unsigned before = line_column(tty, start);
			unsigned after = (before | 7) + 1;
			echo_backspaces(tty, after - before, false, echo);
		} else if (is_ctl(c)) {
			if (L_FLAG(tty, ECHOCTL))
				echo_backspaces(tty, 2, true, echo);
		} else {
			echo_backspaces(tty, 1, true, echo);
		}
	}
	tty->read_head = start;
}

static void eraser(struct tty *tty, unsigned char c, enum erase_kind kind, struct tty_out *echo)
{
	bool seen_word = false;

	if (tty->read_head == tty->canon_head)
		return; /* nothing to erase on this line */
	if (kind == ERASE_CHAR && L_FLAG(tty, ECHO) && !L_FLAG(tty, ECHOE)) {
		erase_one(tty, echo);
		echo_char(tty, c, echo);
		return;
	}
	if (kind == ERASE_LINE &&
	    (!L_FLAG(tty, ECHO) || !L_FLAG(tty, ECHOK) || !L_FLAG(tty, ECHOKE) || !L_FLAG(tty, ECHOE))) {
		/* Without visual line erase: drop the line, echo the kill character
		 * and (ECHOK) a newline. */
		tty->read_head = tty->canon_head;
		if (L_FLAG(tty, ECHO)) {
			echo_char(tty, c, echo);
			if (L_FLAG(tty, ECHOK))
				tty_opost_char(tty, '\n', echo);
		}
		tty->canon_column = tty->column;
		return;
	}
	while (tty->read_head != tty->canon_head) {
		unsigned char last = (unsigned char)tty->buf[(tty->read_head - 1) & TTY_MASK];
		if (kind == ERASE_WORD) {
			/* Like Linux: trailing separators, then the word before them. */
			if (is_word_char(last))
				seen_word = true;
			else if (seen_word)
				break;
		}
		erase_one(tty, echo);
		if (kind == ERASE_CHAR)
			break;
	}
}

/* A signal character: flush input (unless NOFLSH), restart output, echo
 * it, and signal the foreground group. */
static void isig_char(struct tty *tty, unsigned char c, int sig, struct tty_out *echo, uint32_t *sigs)
{
	if (!L_FLAG(tty, NOFLSH))
		ldisc_flush_input(tty);
	tty->stopped = false;
	if (L_FLAG(tty, ECHO))
		echo_char(tty, c, echo);
	*sigs |= 1u << sig;
}

static bool is_cc(const struct tty *tty, unsigned char c, int idx)
{
	return tty->termios.c_cc[idx] != 0 && c == tty->termios.c_cc[idx];
}

/* Stores a byte in canonical mode; a full buffer keeps one byte free for
 * a line end, so a line can always be finished. */
static bool canon_room(const struct tty *tty, bool line_end)
{
	unsigned long n = input_count(tty);
	return line_end ? n < TTY_BUF_SIZE : n < TTY_BUF_SIZE - 1;
}

static void echo_if(struct tty *tty, unsigned char c, struct tty_out *echo)
{
	if (!L_FLAG(tty, ECHO))
		return;
	if (tty->read_head == tty->canon_head)
		tty->canon_column = tty->column;
	echo_char(tty, c, echo);
}

static bool receive_canon(struct tty *tty, unsigned char c, struct tty_out *echo)
{
	if (is_cc(tty, c, VERASE) || (c == BS && tty->termios.c_cc[VERASE] == 0x7f) ||
	    (c == 0x7f && tty->termios.c_cc[VERASE] == BS)) {
		eraser(tty, c, ERASE_CHAR, echo);
		return false;
	}
	if (is_cc(tty, c, VKILL)) {
		eraser(tty, c, ERASE_LINE, echo);
		return false;
	}
	if (L_FLAG(tty, IEXTEN) && is_cc(tty, c, VWERASE)) {
		eraser(tty, c, ERASE_WORD, echo);
		return false;
	}
	if (L_FLAG(tty, IEXTEN) && is_cc(tty, c, VLNEXT)) {
		tty->lnext = true;
		if (L_FLAG(tty, ECHO) && L_FLAG(tty, ECHOCTL)) {
			echo_if(tty, '^', echo);
			tty_opost_char(tty, BS, echo);
		}
		return false;
	}
	if (L_FLAG(tty, IEXTEN) && L_FLAG(tty, ECHO) && is_cc(tty, c, VREPRINT)) {
		echo_char(tty, c, echo);
		tty_opost_char(tty, '\n', echo);
		tty->canon_column = tty->column;
		for (unsigned long i = tty->canon_head; i != tty->read_head; i++)
			echo_char(tty, (unsigned char)tty->buf[i & TTY_MASK], echo);
		return false;
	}
	if (c == '\n' || is_cc(tty, c, VEOL) || is_cc(tty, c, VEOL2)) {
		if (!canon_room(tty, true))
			return false;
		if (L_FLAG(tty, ECHO) || (c == '\n' && L_FLAG(tty, ECHONL))) {
			if (c == '\n')
				tty_opost_char(tty, '\n', echo);
			else
				echo_if(tty, c, echo);
		}
		put_char(tty, c, true);
		commit_line(tty);
		return true;
	}
	if (is_cc(tty, c, VEOF)) {
		if (!canon_room(tty, true))
			return false;
		put_char(tty, 0, true); /* the end-of-file mark */
		commit_line(tty);
		return true;
	}
	if (!canon_room(tty, false))
		return false;
	echo_if(tty, c, echo);
	put_char(tty, c, false);
	return false;
}

bool ldisc_receive_char(struct tty *tty, unsigned char c, struct tty_out *echo, uint32_t *sigs)
{
	bool canon = L_FLAG(tty, ICANON);

	if (I_FLAG(tty, ISTRIP))
		c &= 0x7f;
	if (I_FLAG(tty, IUCLC) && L_FLAG(tty, IEXTEN) && c >= 'A' && c <= 'Z')
		c = (unsigned char)(c - 'A' + 'a');
	if (tty->lnext) {
		/* Literal: no special meaning, echoed as typed. */
		tty->lnext = false;
		if (canon && !canon_room(tty, false))
			return false;
		if (!canon && input_count(tty) >= TTY_BUF_SIZE)
			return false;
		echo_if(tty, c, echo);
		put_char(tty, c, false);
		return !canon;
	}
	if (I_FLAG(tty, IXON)) {
		if (is_cc(tty, c, VSTOP)) {
			tty->stopped = true;
			return false;
		}
		if (is_cc(tty, c, VSTART)) {
			tty->stopped = false;
			return true; /* writers wait on the same wake-up */
		}
		if (I_FLAG(tty, IXANY))
			tty->stopped = false;
	}
	if (L_FLAG(tty, ISIG)) {
		int sig = is_cc(tty, c, VINTR)   ? SIGINT
		          : is_cc(tty, c, VQUIT) ? SIGQUIT
		          : is_cc(tty, c, VSUSP) ? SIGTSTP
		                                 : 0;
		if (sig) {
			isig_char(tty, c, sig, echo, sigs);
			return true;
		}
	}
	if (c == '\r') {
		if (I_FLAG(tty, IGNCR))
			return false;
		if (I_FLAG(tty, ICRNL))
			c = '\n';
	} else if (c == '\n' && I_FLAG(tty, INLCR)) {
		c = '\r';
	}
	if (canon)
		return receive_canon(tty, c, echo);
	if (input_count(tty) >= TTY_BUF_SIZE)
		return false; /* full: dropped (no flow control to the sender) */
	if (L_FLAG(tty, ECHO)) {
		if (c == '\n')
			tty_opost_char(tty, '\n', echo);
		else
			echo_char(tty, c, echo);
	}
	put_char(tty, c, false);
	return true;
}

/* --- reading ------------------------------------------------------------- */

bool ldisc_readable(const struct tty *tty)
{
	if (L_FLAG(tty, ICANON))
		return atomic_load_acquire(&tty->canon_head) != atomic_load_acquire(&tty->read_tail);
	return atomic_load_acquire(&tty->read_head) != atomic_load_acquire(&tty->read_tail);
}

size_t ldisc_read_canon(struct tty *tty, char *buf, size_t len, bool *eof)
{
	size_t n = 0;

	*eof = false;
	while (tty->read_tail != tty->canon_head && n < len) {
		unsigned long i = tty->read_tail;
		bool end = is_delim(tty, i);
		char c = tty->buf[i & TTY_MASK];
		if (end && c == 0) {
			/* End of file: consumed, not returned; ends the read. */
			tty->read_tail++;
			*eof = true;
			break;
		}
		buf[n++] = c;
		tty->read_tail++;
		if (end)
			break;
	}
	return n;
}

size_t ldisc_read_raw(struct tty *tty, char *buf, size_t len)
{
	size_t n = 0;

	while (tty->read_tail != tty->read_head && n < len)
		buf[n++] = tty->buf[tty->read_tail++ & TTY_MASK];
	if (tty->canon_head - tty->read_tail > TTY_BUF_SIZE)
		tty->canon_head = tty->read_tail; /* keep the order invariant */
	return n;
}

size_t ldisc_input_count(const struct tty *tty)
{
	size_t n = 0;

	if (!L_FLAG(tty, ICANON))
		return input_count(tty);
	for (unsigned long i = tty->read_tail; i != tty->canon_head; i++)
		if (!(is_delim(tty, i) && tty->buf[i & TTY_MASK] == 0))
			n++;
	return n;
}

void ldisc_mode_changed(struct tty *tty, uint32_t old_lflag)
{
	if (!((old_lflag ^ tty->termios.c_lflag) & ICANON))
		return;
	for (unsigned long i = tty->read_tail; i != tty->read_head; i++) {
		unsigned long j = i & TTY_MASK;
		tty->delim[j / 8] &= (uint8_t) ~(1u << (j % 8));
	}
	if (L_FLAG(tty, ICANON) && tty->read_head != tty->read_tail) {
		/* What raw mode left unread becomes one readable line. */
		unsigned long j = (tty->read_head - 1) & TTY_MASK;
		tty->delim[j / 8] |= (uint8_t)(1u << (j % 8));
		tty->canon_head = tty->read_head;
	} else {
		tty->canon_head = tty->read_tail;
	}
	tty->canon_column = tty->column;
	tty->lnext = false;
}
