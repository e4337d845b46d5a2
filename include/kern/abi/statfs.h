/* Linux x86-64 struct statfs (asm-generic/statfs.h, 64-bit longs) and the
 * magic numbers statfs reports. Values and layout only. */
#ifndef KERN_ABI_STATFS_H
#define KERN_ABI_STATFS_H
#include <kern/types.h>

struct linux_statfs {
	int64_t f_type;
	int64_t f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen;
	int64_t f_frsize;
	int64_t f_flags;
	int64_t f_spare[4];
};
_Static_assert(sizeof(struct linux_statfs) == 120, "struct statfs is 120 bytes on x86-64");
_Static_assert(offsetof(struct linux_statfs, f_fsid) == 56, "f_fsid offset");

#define TMPFS_MAGIC 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0

#define ST_RDONLY   0x0001
#define ST_NOSUID   0x0002
#define ST_NODEV    0x0004
#define ST_NOEXEC   0x0008
#define ST_VALID    0x0020
#define ST_RELATIME 0x0400
#endif
