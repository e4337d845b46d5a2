/* mount(2) and umount2(2): new tmpfs/proc instances on directories, for
 * root only. Bind, move, remount and propagation changes are not
 * supported (EINVAL); nosuid/nodev/noexec/noatime-style flags are accepted
 * but not enforced. */
#include <kern/mm.h>
#include <kern/string.h>
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

#define MS_NOUSER (1UL << 31)

/* A string argument as Linux's strndup_user copies it: up to a page, a
 * longer one is EINVAL. NULL stays NULL. */
static int mount_string(struct vm_space *vm, long ustr, char **out)
{
	long n;

	*out = NULL;
	if (!ustr)
		return 0;
	*out = kmalloc(PAGE_SIZE);
	if (!*out)
		return -ENOMEM;
	n = strncpy_from_user(vm, *out, (uintptr_t)ustr, PAGE_SIZE);
	return n == -ENAMETOOLONG ? -EINVAL : n < 0 ? (int)n : 0;
}

/* The data page: Linux copies what it can of a page, so only an
 * unreadable first byte is EFAULT; the rest of the page may be missing. */
static int mount_data(struct vm_space *vm, long udata, char **out)
{
	size_t first = PAGE_SIZE - ((uintptr_t)udata & (PAGE_SIZE - 1));

	*out = NULL;
	if (!udata)
		return 0;
	*out = kzalloc(PAGE_SIZE);
	if (!*out)
		return -ENOMEM;
	if (copy_from_user(vm, *out, (uintptr_t)udata, first))
		return -EFAULT;
	if (first < PAGE_SIZE && copy_from_user(vm, *out + first, (uintptr_t)udata + first, PAGE_SIZE - first))
		memset(*out + first, 0, PAGE_SIZE - first);
	(*out)[PAGE_SIZE - 1] = '\0';
	return 0;
}

/* Linux's order: the type, source and data are copied in first, then the
 * target is looked up, then the flags and the caller are checked, then the
 * file system type, and only last whether the target is a directory. */
long sys_mount(long usource, long utarget, long ufstype, long flags, long udata, long a5)
{
	struct vm_space *vm = proc_current()->vm;
	struct fs_call c;
	char *fstype, *source = NULL, *data = NULL;
	int err = mount_string(vm, ufstype, &fstype);

	if (!err)
		err = mount_string(vm, usource, &source); /* tmpfs and proc need no source */
	if (!err)
		err = mount_data(vm, udata, &data);
	if (err) {
		kfree(fstype);
		kfree(source);
		kfree(data);
		return err;
	}
	if (((unsigned long)flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~(long)MS_MGC_MSK; /* the pre-2.4 magic number */
	err = fs_call_at(&c, AT_FDCWD, utarget, 0);
	if (!err && ((unsigned long)flags & MS_NOUSER))
		err = -EINVAL;
	else if (!err && c.cred.euid != 0)
		err = -EPERM;
	else if (!err && ((flags & MS_UNSUPPORTED) || !fstype))
		err = -EINVAL;
	else if (!err)
		err = vfs_mount(&c.ctx, NULL, c.path, fstype, data);
	fs_call_end(&c);
	kfree(fstype);
	kfree(source);
	kfree(data);
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
