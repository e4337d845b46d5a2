/* Futexes (wake side used by thread exit; the syscall comes with threads). */
#include <kern/proc.h>

#include "proc_internal.h"

int futex_wake_address(struct process *p, uintptr_t uaddr, int n)
{
	/* No task can be waiting yet: futex(2) is not implemented, so there are
	 * no futex waiters to wake. */
	(void)p;
	(void)uaddr;
	(void)n;
	return 0;
}
