/* What the file syscalls (sys_fs_*.c) share: the caller's file-system
 * context, path arguments copied from user space, and dirfd resolution. */
#ifndef CORE_SYSCALL_SYS_FS_H
#define CORE_SYSCALL_SYS_FS_H
#include <kern/abi/fcntl.h>
#include <kern/errno.h>
#include <kern/fdtable.h>
#include <kern/proc.h>
#include <kern/vfs.h>

/* One call's view of the caller: a copy of its credentials and references
 * on its root and cwd, so a concurrent chdir/setuid by another thread
 * cannot pull them away mid-call. */
struct fs_call {
	struct process *p;
	struct cred cred;
	struct vfs_ctx ctx;
	struct file *dirf;  /* the dirfd's file, held for the call */
	struct inode *dir;  /* the *at() start directory: NULL = cwd */
	char *path;         /* the user's path, copied (PATH_MAX bytes) */
};

/* Snapshots the caller; returns 0 or -ENOMEM. fs_call_end undoes it all. */
int fs_call_begin(struct fs_call *c);
void fs_call_end(struct fs_call *c);

/* Copies a user path into c->path: -EFAULT, -ENAMETOOLONG, and -ENOENT for
 * an empty path unless allow_empty. */
int fs_call_path(struct fs_call *c, long upath, bool allow_empty);

/* Resolves dirfd for a relative c->path (AT_FDCWD or an open directory;
 * with empty_ok an empty path may name any open file). An absolute path
 * ignores dirfd, as Linux does. */
int fs_call_dirfd(struct fs_call *c, long dirfd, bool empty_ok);

/* begin + path + dirfd in one step, for the common *at() shape. */
int fs_call_at(struct fs_call *c, long dirfd, long upath, int atflags);

/* Syscall arguments declared int or unsigned int in Linux arrive with an
 * undefined upper half (glibc passes them as 32-bit values): handlers
 * truncate them, as Linux's syscall wrappers do. */

/* The open file behind a descriptor (a new reference), or NULL. */
struct file *fs_file(long fd);

/* Swaps p->cwd or p->root for a new reference (consumed). */
void fs_set_cwd(struct process *p, struct inode *ip);
void fs_set_root(struct process *p, struct inode *ip);
#endif
