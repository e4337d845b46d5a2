/* User programs on terminals and pipes (tests/user/), run as processes
 * whose descriptors 0-2 are the console terminal. The console's termios
 * and window size are put back afterwards. */
#include <kern/ktest.h>
#include <kern/proc.h>
#include <kern/sync.h>
#include <kern/tty.h>
#include <kern/user_images.h>
#include <plat/user.h>

#include "user_run.h"

#define NO_USER KTEST_NO_USER
#define SIGINT  2
#define SIGPIPE 13

/* Runs an embedded program to completion; returns its wait status or -1. */
static int run_program(struct ktest_ctx *kt, const char *name, const char *arg)
{
	const char *argv[] = {name, arg, NULL};
	const char *envp[] = {NULL};
	struct tty *con = console_tty();
	struct linux_termios saved;
	struct linux_winsize ws;
	int status;

	tty_get_termios(con, &saved);
	ws = con->winsize;
	status = ktest_run_user(kt, name, argv, envp);
	tty_set_termios(con, &saved);
	tty_set_winsize(con, &ws);
	return status;
}

KTEST(user_pipe_poll_select)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run_program(kt, "pipe_poll", NULL), 0);
}

KTEST(user_pipe_sigpipe_kills)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run_program(kt, "pipe_poll", "sigpipe"), SIGPIPE);
}

KTEST(user_tty_termios_and_line_discipline)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run_program(kt, "tty_termios", NULL), 0);
}

KTEST(user_tty_ctrl_c_sends_sigint)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run_program(kt, "tty_sigint", NULL), SIGINT);
}

/* A huge getrandom and a huge terminal write end part-way at a signal. */
KTEST(user_signal_ends_huge_getrandom_and_tty_write)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run_program(kt, "bigio_signal", NULL), 0);
}
