/* Stress and robustness tests of user space: static musl programs
 * (tests/user/) that hammer threads and futexes, the address space, exec,
 * signal delivery, page faults, and every syscall's argument checking. Each
 * program checks itself and exits 0; the kernel must survive all of them. */
#include <kern/abi/fcntl.h>
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/proc.h>
#include <kern/sync.h>
#include <kern/user_images.h>
#include <kern/vfs.h>
#include <plat/user.h>

#include "user_run.h"

#define NO_USER KTEST_NO_USER

/* Runs program NAME (installed at PATH first when PATH is set, so it can
 * exec itself) with argv {PATH or NAME, ARG}; returns its wait status. */
static int run(struct ktest_ctx *kt, const char *name, const char *path, const char *arg)
{
	const char *argv[] = {path ? path : name, arg, NULL};
	const char *envp[] = {"PATH=/bin", NULL};
	int status;

	if (path && ktest_install_user(name, path) != 0) {
		ktest_fail(kt, __FILE__, __LINE__, "cannot install %s at %s", name, path);
		return -1;
	}
	status = ktest_run_user(kt, name, argv, envp);
	if (path)
		ktest_remove_path(path);
	return status;
}

KTEST(user_stress_threads)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run(kt, "threads", NULL, NULL), 0);
}

KTEST(user_stress_mm)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run(kt, "mmstress", NULL, NULL), 0);
}

KTEST(user_stress_exec_chain)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run(kt, "execchain", "/tmp/execchain", NULL), 0);
}

KTEST(user_stress_signal_stacks)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run(kt, "sigstack", NULL, NULL), 0);
}

KTEST(user_stress_fault_storm)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run(kt, "faultstorm", NULL, NULL), 0);
}

/* Every implemented syscall with invalid arguments: each errno must be the
 * one the build host's Linux returned for the same call (badargs exits 0;
 * 1 means some differ and it prints a MISMATCH line for each), and the
 * process and the kernel must survive the storm. */
KTEST(user_stress_bad_args_match_linux)
{
	KT_SKIP_UNLESS(plat_user_available(), NO_USER);
	KT_ASSERT_EQ(run(kt, "badargs", NULL, NULL), 0);
}
