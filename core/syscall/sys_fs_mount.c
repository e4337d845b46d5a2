/* mount(2) and umount2(2): new tmpfs/proc instances on directories, for
 * root only. Bind, move, remount and propagation changes are not
 * supported (EINVAL); nosuid/nodev/noexec/noatime-style flags are accepted
 * but not enforced. */
#include <kern/mm.h>
#include <kern/syscall.h>
#include <kern/vm.h>

#include "sys_fs.h"

#define MS_RDONLY      1
#define MS_REMOUNT     32
#define MS_BIND        4096
#define MS_MOVE        8192
#define MS_UNBINDABLE  (1 << 17)
#define MS_PRIVATE     (1 << 18)
#define MS_SLAVE       (1 << 19)
#define MS_SHARED      (1 << 20)
#define MS_MGC_MSK     0xffff0000UL
#define MS_MGC_VAL     0xc0ed0000UL
#define MS_UNSUPPORTED (MS_RDONLY | MS_REMOUNT | MS_BIND | MS_MOVE | MS_UNBINDABLE | MS_PRIVATE | MS_SLAVE | MS_SHARED)

#define MNT_FORCE       1
#define MNT_DETACH      2
#define MNT_EXPIRE      4
#define UMOUNT_NOFOLLOW 8

#define FSTYPE_MAX 64
#define DATA_MAX   4096

long sys_mount(long usource, long utarget, long ufstype, long flags, long udata, long a5)
{
	struct fs_call c;
	char fstype[FSTYPE_MAX], *data = NULL;
	long n;
	int err;

	if (((unsigned long)flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~(long)MS_MGC_MSK; /* the pre-2.4 magic number */
	err = fs_call_at(&c, AT_FDCWD, utarget, 0);
	if (err)
		goto out;
	if (c.cred.euid != 0) {
		err = -EPERM;
		goto out;
	}
	if (flags & MS_UNSUPPORTED) {
		err = -EINVAL;
		goto out;
	}
	n = strncpy_from_user(c.p->vm, fstype, (uintptr_t)ufstype, sizeof(fstype));
	if (n < 0) {
		err = n == -ENAMETOOLONG ? -ENODEV : (int)n;
		goto out;
	}
	if (udata) {
		data = kmalloc(DATA_MAX);
		n = data ? strncpy_from_user(c.p->vm, data, (uintptr_t)udata, DATA_MAX) : -ENOMEM;
		if (n < 0) {
			err = n == -ENAMETOOLONG ? -EINVAL : (int)n;
			goto out;
		}
	}
	(void)usource; /* tmpfs and proc need no source */
	err = vfs_mount(&c.ctx, NULL, c.path, fstype, data);
out:
	kfree(data);
	fs_call_end(&c);
	return err;
}

/* MNT_DETACH (lazy) is tried as an ordinary unmount: EBUSY while busy.
 * UMOUNT_NOFOLLOW is accepted; the last component is followed regardless. */
long sys_umount2(long utarget, long flags, long a2, long a3, long a4, long a5)
{
	struct fs_call c;
	int err;

	flags = (int)flags;
	if (flags & ~(long)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if (flags & MNT_EXPIRE)
		return -EINVAL; /* expiry marks are not supported */
	err = fs_call_at(&c, AT_FDCWD, utarget, 0);
	if (!err && c.cred.euid != 0)
		err = -EPERM;
	if (!err)
		err = vfs_umount(&c.ctx, NULL, c.path);
	fs_call_end(&c);
	return err;
}
