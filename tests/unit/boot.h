/* Boots the hosted kernel inside a Check test's process (Check forks one
 * per test) and runs `body` as the kernel's init thread. The process exits
 * with body's return value, so tests register with tcase_add_exit_test. */
#ifndef TESTS_UNIT_BOOT_H
#define TESTS_UNIT_BOOT_H
#include <check.h>
#include <stdio.h>

#include "../../platform-hosted/hosted.h"

static inline void boot_kernel_and_run(int (*body)(void), unsigned cpus)
{
	static char cmdline[256];
	char ncpu[8];
	char *argv[] = {"unit", "--cpus", ncpu, "--time=virtual", "init=platform", "quiet", NULL};

	snprintf(ncpu, sizeof(ncpu), "%u", cpus);
	ck_assert(hosted_parse_args(6, argv, cmdline, sizeof(cmdline)));
	hosted_cfg.console_in_fd = -1;
	hosted_set_init_task(body);
	hosted_boot();
}
#endif
