/* Linked into the coverage build only (make coverage, -Wl,--wrap=_exit):
 * the hosted kernel powers off with _exit, which skips the atexit handler
 * that writes the profile, so write it first. */
#include <unistd.h>

int __llvm_profile_write_file(void);
void __real__exit(int status) __attribute__((noreturn));
void __wrap__exit(int status) __attribute__((noreturn));

void __wrap__exit(int status)
{
	__llvm_profile_write_file();
	__real__exit(status);
}
