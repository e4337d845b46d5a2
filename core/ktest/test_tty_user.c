/* User programs on terminals and pipes (tests/user/), run as processes
 * whose descriptors 0-2 are the console terminal. The console's termios
 * and window size are put back afterwards. */
#include <kern/ktest.h>
#include <kern/proc.h>
#include <kern/sync.h>
#include <kern/tty.h>
#include <kern/user_images.h>
#include <plat/user.h>

#define SEC 1000000000ULL
#define NO_USER "this platform cannot enter user mode yet"
#define SIGINT 2
#define SIGPIPE 13

/* Runs an embedded program to completion; returns its wait status or -1. */
static int run_program(struct ktest_ctx *kt, const char *name, const char *arg)
{
	const struct user_image *img = user_image_find(name);
	const char *argv[] = {name, arg, NULL};
	const char *envp[] = {NULL};
	struct tty *con = console_tty();
	struct linux_termios saved;
	struct linux_winsize ws;
	struct semaphore done;
	int status = -1, pid;

	if (!img) {
		ktest_fail(kt, __FILE__, __LINE__, "no embedded image %s", name);
		return -1;
	}
	tty_get_termios(con, &saved);
	ws = con->winsize;
	sem_init(&done, 0);
	pid = proc_spawn_image(img->data, img->size, argv, envp, &status, &done);
	if (pid < 0) {
		ktest_fail(kt, __FILE__, __LINE__, "spawning %s failed: %d", name, pid);
		return -1;
	}
	if (!sem_down_timeout(&done, 60 * SEC)) {
		ktest_fail(kt, __FILE__, __LINE__, "%s did not exit", name);
		return -1;
	}
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
