/* The console terminal from user space, on descriptor 0: default termios,
 * a set/get round trip, window size, job-control ioctls (the process is a
 * session leader started by the kernel, so the console becomes its
 * controlling terminal), and the line discipline driven with TIOCSTI:
 * raw reads with VMIN/VTIME, FIONREAD, flush, canonical lines, EOF,
 * O_NONBLOCK and poll. Exits 0, or the number of the failed check. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int check_no;

#define CHECK(cond)                  \
	do {                         \
		check_no++;          \
		if (!(cond))         \
			return check_no; \
	} while (0)

static void type(const char *s)
{
	for (; *s; s++)
		ioctl(0, TIOCSTI, s);
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static int defaults_and_job_control(void)
{
	struct termios t;
	struct winsize ws, ws2 = {40, 100, 0, 0}, ws3;
	pid_t sid = 0;

	CHECK(isatty(0) && isatty(1));
	CHECK(tcgetattr(0, &t) == 0);
	CHECK((t.c_lflag & (ICANON | ECHO | ISIG | IEXTEN)) == (ICANON | ECHO | ISIG | IEXTEN));
	CHECK((t.c_iflag & ICRNL) && (t.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR));
	CHECK(t.c_cc[VINTR] == 3 && t.c_cc[VERASE] == 0177 && t.c_cc[VEOF] == 4 && t.c_cc[VKILL] == 025);
	CHECK(ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0);
	CHECK(ioctl(0, TIOCSWINSZ, &ws2) == 0 && ioctl(0, TIOCGWINSZ, &ws3) == 0);
	CHECK(ws3.ws_row == 40 && ws3.ws_col == 100);
	CHECK(ioctl(0, TIOCSWINSZ, &ws) == 0);
	/* The kernel's descriptors made the console our controlling terminal. */
	CHECK(tcgetpgrp(0) == getpid());
	CHECK(ioctl(0, TIOCGSID, &sid) == 0 && sid == getpid());
	CHECK(ioctl(0, TIOCSCTTY, 0) == 0); /* already ours */
	CHECK(tcsetpgrp(0, getpid()) == 0);
	CHECK(tcsetpgrp(0, 31999) == -1 && errno == ESRCH);
	CHECK(ioctl(0, 0x54ff, 0) == -1 && errno == ENOTTY);
	return 0;
}

static int raw_mode(const struct termios *orig)
{
	struct termios t = *orig, back;
	struct timespec t0;
	char buf[16];
	int n = -1;

	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 1;
	CHECK(tcsetattr(0, TCSANOW, &t) == 0);
	CHECK(tcgetattr(0, &back) == 0);
	CHECK(back.c_lflag == t.c_lflag && back.c_iflag == t.c_iflag && back.c_oflag == t.c_oflag);
	CHECK(back.c_cc[VMIN] == 0 && back.c_cc[VTIME] == 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(read(0, buf, sizeof(buf)) == 0); /* VTIME: a tenth of a second, then nothing */
	CHECK(elapsed_ms(&t0) >= 90);
	type("x");
	CHECK(read(0, buf, sizeof(buf)) == 1 && buf[0] == 'x');
	type("ab");
	CHECK(ioctl(0, FIONREAD, &n) == 0 && n == 2);
	CHECK(tcflush(0, TCIFLUSH) == 0);
	CHECK(ioctl(0, FIONREAD, &n) == 0 && n == 0);
	return 0;
}

static int canonical_mode(const struct termios *orig)
{
	struct termios t = *orig;
	struct pollfd p = {0, POLLIN, 0};
	char buf[16];
	int on = 1, n = -1;

	t.c_lflag &= ~ECHO; /* keep the injected bytes off the console */
	CHECK(tcsetattr(0, TCSAFLUSH, &t) == 0);
	CHECK(poll(&p, 1, 0) == 0);
	type("hi");
	CHECK(poll(&p, 1, 0) == 0); /* not a line yet */
	CHECK(ioctl(0, FIONREAD, &n) == 0 && n == 0);
	type("\n");
	CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLIN);
	CHECK(ioctl(0, FIONREAD, &n) == 0 && n == 3);
	CHECK(read(0, buf, sizeof(buf)) == 3 && memcmp(buf, "hi\n", 3) == 0);
	type("oops\x15ok\x7f\x7fyes\r");
	CHECK(read(0, buf, sizeof(buf)) == 4 && memcmp(buf, "yes\n", 4) == 0);
	type("\x04");
	CHECK(read(0, buf, sizeof(buf)) == 0); /* ^D on an empty line */
	CHECK(ioctl(0, FIONBIO, &on) == 0);
	CHECK(read(0, buf, sizeof(buf)) == -1 && errno == EAGAIN);
	on = 0;
	CHECK(ioctl(0, FIONBIO, &on) == 0);
	return 0;
}

int main(void)
{
	struct termios orig;
	int r;

	if (tcgetattr(0, &orig))
		return 100;
	if (!(r = defaults_and_job_control()) && !(r = raw_mode(&orig)))
		r = canonical_mode(&orig);
	tcsetattr(0, TCSANOW, &orig);
	return r;
}
