/* Permission checks, as Linux's generic_permission() and may_delete(). */
#include <kern/errno.h>

#include "fs_internal.h"

const struct cred cred_root = {0, 0, 0, 0, 0, {0}};

bool cred_in_group(const struct cred *cred, uint32_t gid)
{
	if (cred->egid == gid)
		return true;
	for (uint32_t i = 0; i < cred->ngroups && i < NGROUPS_MAX; i++)
		if (cred->groups[i] == gid)
			return true;
	return false;
}

int inode_permission(const struct cred *cred, const struct inode *ip, int mask)
{
	uint32_t mode = __atomic_load_n(&ip->mode, __ATOMIC_RELAXED);
	uint32_t bits;

	mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
	if (cred->euid == 0) {
		/* CAP_DAC_OVERRIDE: anything but executing a file no one may
		 * execute. */
		if (!(mask & MAY_EXEC) || S_ISDIR(mode) || (mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
			return 0;
		return -EACCES;
	}
	if (cred->euid == ip->uid)
		bits = (mode >> 6) & 7;
	else if (cred_in_group(cred, ip->gid))
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	return ((unsigned)mask & ~bits) ? -EACCES : 0;
}

bool is_owner_or_root(const struct cred *cred, const struct inode *ip)
{
	return cred->euid == 0 || cred->euid == ip->uid;
}

int may_delete(const struct cred *cred, struct inode *dir, struct inode *victim)
{
	int err = inode_permission(cred, dir, MAY_WRITE | MAY_EXEC);

	if (err)
		return err;
	if ((dir->mode & S_ISVTX) && cred->euid != 0 && cred->euid != dir->uid && cred->euid != victim->uid)
		return -EPERM;
	return 0;
}
