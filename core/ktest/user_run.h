/* Running embedded user programs (tests/user/, see kern/user_images.h) from
 * ktests. */
#ifndef CORE_KTEST_USER_RUN_H
#define CORE_KTEST_USER_RUN_H
#include <kern/ktest.h>

#define KTEST_NO_USER "this platform cannot enter user mode yet"

/* Runs program `name` to completion and returns its wait status; on any
 * failure to run it records the reason in kt and returns -1. */
int ktest_run_user(struct ktest_ctx *kt, const char *name, const char *const *argv, const char *const *envp);
/* Writes program `name` into the file system at `path` (so it can exec
 * itself); returns 0 or -errno. */
int ktest_install_user(const char *name, const char *path);
/* Removes `path` from the root file system (test clean-up). */
void ktest_remove_path(const char *path);
#endif
