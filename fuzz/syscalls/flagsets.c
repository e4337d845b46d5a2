/* The valid flag bits of FLAGS arguments, per syscall and argument, in the
 * spirit of syzkaller's descriptions: the decoder draws subsets of them, so
 * combinations of valid flags (which reach past a handler's validation) are
 * as likely as single ones. Values are the Linux ABI's (kern/abi/). A
 * syscall not listed gets the generic flag table of prog.c. */
#include <kern/abi/fcntl.h>
#include <kern/abi/mman.h>
#include <string.h>

#include "prog.h"

#define OPEN_FLAGS                                                                                                     \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC | O_DIRECT |              \
	 O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC | O_PATH | O_TMPFILE)
#define AT_FLAGS (AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_SYMLINK_FOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)

static const struct flagset {
	const char *name;
	unsigned arg;
	uint64_t mask;
} flagsets[] = {
    {"pipe2", 1, O_CLOEXEC | O_NONBLOCK | O_DIRECT},
    {"dup3", 2, O_CLOEXEC},
    {"open", 1, OPEN_FLAGS},
    {"openat", 2, OPEN_FLAGS},
    {"mmap", 2, PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN},
    {"mmap", 3,
     MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_32BIT | MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE |
         MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_FIXED_NOREPLACE},
    {"mprotect", 2, PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN},
    {"mremap", 3, MREMAP_MAYMOVE | MREMAP_FIXED | 4 /* MREMAP_DONTUNMAP */},
    {"clock_nanosleep", 1, 1 /* TIMER_ABSTIME */},
    {"getrandom", 2, 1 | 2 | 4 /* GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE */},
    {"wait4", 2, 1 | 2 | 8 | 0x40000000 | 0x80000000 /* WNOHANG WUNTRACED WCONTINUED __WNOTHREAD __WCLONE */},
    {"waitid", 3, 1 | 2 | 4 | 8 | 0x01000000 /* WNOHANG WSTOPPED WEXITED WCONTINUED WNOWAIT */},
    {"newfstatat", 3, AT_FLAGS},
    {"statx", 2, AT_FLAGS | AT_STATX_SYNC_TYPE},
    {"unlinkat", 2, AT_REMOVEDIR},
    {"fchownat", 4, AT_FLAGS},
    {"linkat", 4, AT_FLAGS},
    {"utimensat", 3, AT_FLAGS},
    {"faccessat2", 3, AT_FLAGS},
    {"renameat2", 4, RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT},
    {"umount2", 1, 1 | 2 | 4 | 8 /* MNT_FORCE MNT_DETACH MNT_EXPIRE UMOUNT_NOFOLLOW */},
};

uint64_t prog_flagset(const char *name, unsigned arg)
{
	for (size_t i = 0; i < sizeof(flagsets) / sizeof(flagsets[0]); i++)
		if (flagsets[i].arg == arg && strcmp(flagsets[i].name, name) == 0)
			return flagsets[i].mask;
	return 0;
}
