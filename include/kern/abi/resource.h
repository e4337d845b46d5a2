/* Linux x86-64 struct rusage (getrusage, wait4). */
#ifndef KERN_ABI_RESOURCE_H
#define KERN_ABI_RESOURCE_H
#include <kern/types.h>

struct linux_rusage {
	int64_t utime_sec, utime_usec, stime_sec, stime_usec;
	int64_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv, nsignals,
		nvcsw, nivcsw;
};
_Static_assert(sizeof(struct linux_rusage) == 144, "struct rusage is 144 bytes");
#endif
