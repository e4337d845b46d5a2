/* Linux getdents64(2) record and d_type values. */
#ifndef KERN_ABI_DIRENT_H
#define KERN_ABI_DIRENT_H
#include <kern/types.h>

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off; /* position of the next record */
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[]; /* NUL-terminated, record padded to 8 bytes */
};
_Static_assert(offsetof(struct linux_dirent64, d_name) == 19, "d_name offset");

#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12

#endif
