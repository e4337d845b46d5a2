/* ^C on the controlling terminal: with ISIG the line discipline sends
 * SIGINT to the foreground process group, which is us. Exits (status 1)
 * only if the signal did not end the process. */
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
	struct termios t;
	char c = 3;

	if (tcgetattr(0, &t))
		return 10;
	t.c_lflag &= ~ECHO; /* no "^C" on the console */
	t.c_lflag |= ISIG;
	if (tcsetattr(0, TCSANOW, &t) || tcgetpgrp(0) != getpid())
		return 11;
	ioctl(0, TIOCSTI, &c);
	/* The signal is delivered on the way out of the ioctl; if it was not,
	 * a read would wait for input that never comes: fail at once. */
	return 1;
}
