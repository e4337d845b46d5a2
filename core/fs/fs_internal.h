/* What the VFS's own files share; not for file systems outside core/fs/. */
#ifndef CORE_FS_INTERNAL_H
#define CORE_FS_INTERNAL_H
#include <kern/vfs.h>

/* --- inodes (inode.c) --- */
/* Fills the generic fields of a new inode: one reference (the caller's),
 * nlink 0 (the file system links it), owner from cred, times now. */
void inode_init(struct inode *ip, struct super_block *sb, uint32_t mode, const struct cred *cred);
void inode_inc_link(struct inode *ip);
/* Drops n links; evicts the inode if nothing references it any more. */
void inode_drop_links(struct inode *ip, uint32_t n);
/* Stamps mtime and/or ctime with the current time (inode lock held or the
 * inode not yet visible). */
void inode_touch(struct inode *ip, bool mtime, bool ctime);
unsigned dtype_of(uint32_t mode);

/* --- mounts (mount.c) --- */
/* File systems call this from their mount(): the generic half of a new sb. */
void sb_init(struct super_block *sb, const struct fs_type *type, const struct super_block_ops *ops);
/* The global root mount (rootfs.c). */
int mount_set_root(struct super_block *sb);
int mount_unset_root(void);
/* Consumes a reference on ip and returns one on whatever is mounted on it
 * (repeatedly), or ip itself. */
struct inode *mount_follow(struct inode *ip);
/* If dir is the root of a mounted file system, the directory it covers (a
 * new reference), else NULL. */
struct inode *mount_covered(struct inode *dir);
bool inode_is_mountpoint(struct inode *ip);
bool inode_is_fs_root(struct inode *ip);

/* --- path walking (namei.c) --- */
enum last_type { LAST_NORM, LAST_DOT, LAST_DOTDOT, LAST_ROOT };

/* A path split into its parent directory and last component. */
struct parent_path {
	struct inode *dir; /* a reference */
	char name[NAME_MAX + 1];
	size_t len;
	enum last_type type;
	bool trailing_slash;
};

/* `links` counts symlinks followed so far across calls (ELOOP at 40). */
int walk_path(const struct vfs_ctx *ctx, struct inode *start, const char *path, unsigned flags, unsigned *links,
              struct inode **out);
int walk_parent(const struct vfs_ctx *ctx, struct inode *start, const char *path, unsigned *links,
                struct parent_path *pp);
void parent_path_release(struct parent_path *pp);
/* Looks a name up in dir with dir's ns_lock held (no mount crossing). */
int lookup_child_locked(struct inode *dir, const char *name, size_t len, struct inode **out);
/* Reads a symlink's target into a new NUL-terminated kmalloc buffer. */
int read_link_body(struct inode *ip, char **out);
/* Checks a path argument: NULL/empty handling and its length. */
int path_check(const char *path, unsigned flags);

/* --- permission helpers (perm.c) --- */
/* May cred remove or rename `victim` out of `dir` (write+search on dir,
 * sticky bit)? */
int may_delete(const struct cred *cred, struct inode *dir, struct inode *victim);
bool is_owner_or_root(const struct cred *cred, const struct inode *ip);

/* --- locking --- */
static inline void ns_lock(struct super_block *sb)
{
	mutex_lock(&sb->ns_lock);
}
static inline void ns_unlock(struct super_block *sb)
{
	mutex_unlock(&sb->ns_lock);
}

/* --- built-ins registered by vfs_init() --- */
extern struct fs_type tmpfs_fs_type;
extern struct fs_type procfs_fs_type;
void chrdev_register_builtins(void);
int rootfs_dev_attach(struct inode *devdir);
void rootfs_dev_detach(void);
/* Adds a device node named `name` to the attached /dev, if any. */
void chrdev_add_node(const char *name, kdev_t dev);
extern const struct file_ops urandom_fops;
void krandom_init(void);
/* RFC 7539 ChaCha20 block function (for the generator and its test). */
void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3], uint8_t out[64]);

#endif
