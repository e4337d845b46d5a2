/* Self tests of user space: real static programs (tests/user/, built with
 * musl) run as processes. */
#include <kern/ktest.h>
#include <kern/proc.h>
#include <kern/sync.h>
#include <kern/user_images.h>
#include <kern/abi/fcntl.h>
#include <kern/errno.h>
#include <kern/vfs.h>
#include <plat/user.h>

#include "user_run.h"

#define NO_USER KTEST_NO_USER

static int run_image(struct ktest_ctx *kt, const char *name, const char *const *argv, const char *const *envp)
{
	return ktest_run_user(kt, name, argv, envp);
}

KTEST(user_hello_static)
{
	const char *argv[] = {"hello", "arg1", NULL};
	const char *envp[] = {"WHO=macrohard", "PATH=/bin", NULL};
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run_image(kt, "hello", argv, envp), 42 << 8);
}

KTEST(user_hello_static_pie)
{
	const char *argv[] = {"hello_pie", "arg1", NULL};
	const char *envp[] = {"WHO=macrohard", NULL};
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run_image(kt, "hello_pie", argv, envp), 42 << 8);
}

KTEST(user_hello_bad_args)
{
	const char *argv[] = {"hello", NULL};
	const char *envp[] = {NULL};

	/* The program itself checks what it was given: 1 = wrong argv. */
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run_image(kt, "hello", argv, envp), 1 << 8);
}

KTEST(user_memory_syscalls)
{
	const char *argv[] = {"memory", NULL};
	const char *envp[] = {NULL};

	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run_image(kt, "memory", argv, envp), 0);
}

KTEST(user_segv_kills)
{
	const char *argv[] = {"segv", NULL};
	const char *envp[] = {NULL};

	/* Killed by SIGSEGV (11) with a core-dump flag, as Linux reports it. */
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run_image(kt, "segv", argv, envp), 11 | 0x80);
}

KTEST(user_processes_and_signals)
{
	const char *argv[] = {"/tmp/procs", NULL};
	const char *envp[] = {NULL};
	int st;

	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(ktest_install_user("procs", "/tmp/procs"), 0);
	st = run_image(kt, "procs", argv, envp);
	ktest_remove_path("/tmp/procs");
	KT_ASSERT_EQ(st, 0);
}
