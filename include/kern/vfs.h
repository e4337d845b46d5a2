/* The virtual file system: inodes, superblocks, mounts, open files, path
 * lookup and the syscall-facing operations. See docs/vfs.md.
 *
 * Conventions: every function returns 0 (or a byte count) on success and a
 * negative Linux errno on failure. All buffers are kernel memory; the syscall
 * layer copies to and from user space. Functions named *at() take the
 * directory a relative path starts from (NULL: the context's cwd); an
 * absolute path starts at the context's root. */
#ifndef KERN_VFS_H
#define KERN_VFS_H
#include <kern/abi/dirent.h>
#include <kern/abi/fcntl.h>
#include <kern/abi/poll.h>
#include <kern/abi/stat.h>
#include <kern/list.h>
#include <kern/spinlock.h>
#include <kern/sync.h>
#include <kern/types.h>

#define NAME_MAX    255  /* bytes in one path component */
#define PATH_MAX    4096 /* bytes in a path, including the NUL */
#define MAXSYMLINKS 40   /* symlinks followed in one lookup before ELOOP */
#define NGROUPS_MAX 32   /* supplementary groups in a struct cred */

/* Device numbers in Linux's 32-bit encoding (new_encode_dev): what mknod(2)
 * takes and st_rdev reports. */
typedef uint32_t kdev_t;
static inline kdev_t kdev_make(uint32_t major, uint32_t minor)
{
	return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffU) << 12);
}
static inline uint32_t kdev_major(kdev_t d)
{
	return (d & 0xfff00) >> 8;
}
static inline uint32_t kdev_minor(kdev_t d)
{
	return (d & 0xff) | ((d >> 12) & 0xfff00);
}

/* Who is asking. Permission checks use euid/egid (Linux's fsuid/fsgid);
 * access(2) without AT_EACCESS uses uid/gid. */
struct cred {
	uint32_t uid, gid, euid, egid;
	uint32_t ngroups;
	uint32_t groups[NGROUPS_MAX];
};
extern const struct cred cred_root;

#define MAY_EXEC  1
#define MAY_WRITE 2
#define MAY_READ  4

struct inode;
struct file;
struct super_block;
struct kstat;

/* What a poller should wait on: file ops' poll() adds the wait queue(s) whose
 * wake-up means the mask may have changed. `pt` may be NULL (just a query). */
#define POLL_TABLE_MAX 4
struct poll_table {
	unsigned count;
	struct waitqueue *queues[POLL_TABLE_MAX];
};
void poll_table_add(struct poll_table *pt, struct waitqueue *wq);

struct file_ops {
	/* Called once per open, after permission checks; may refuse. */
	int (*open)(struct inode *ip, struct file *f);
	/* Called when the last reference to the open file goes away. */
	void (*release)(struct file *f);
	/* Read/write at *pos (regular files and directories: under the file's
	 * position lock); advance *pos by what was transferred. */
	ssize_t (*read)(struct file *f, void *buf, size_t len, uint64_t *pos);
	ssize_t (*write)(struct file *f, const void *buf, size_t len, uint64_t *pos);
	/* NULL: the generic lseek for regular files and directories, ESPIPE
	 * for everything else (pipes, ttys). */
	int64_t (*llseek)(struct file *f, int64_t off, int whence);
	/* Current POLL* mask; adds wait queues to pt. NULL: always ready for
	 * reading and writing (regular files, /dev/null ...). */
	unsigned (*poll)(struct file *f, struct poll_table *pt);
	/* `arg` is the raw user-space argument; the handler uses the syscall
	 * layer's copy routines. NULL: ENOTTY. */
	long (*ioctl)(struct file *f, unsigned cmd, uintptr_t arg);
	/* fstat of a file without an inode (pipes, ttys): fills what it knows
	 * over the VFS's anonymous default (a FIFO owned by root). NULL: the
	 * default. */
	void (*getattr)(struct file *f, struct kstat *st);
};

/* One directory entry handed to a readdir callback; returns false when the
 * caller's buffer is full (the entry is then not consumed). */
typedef bool (*readdir_emit_t)(void *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype,
                               uint64_t next_pos);

/* File-system operations on inodes. Namespace operations (lookup ... rename,
 * readdir) run with the superblock's ns_lock held by the VFS, which has
 * already checked permissions and POSIX rules; the file system only changes
 * its structures. The others take the inode's own lock as needed. */
struct inode_ops {
	/* Returns a new reference in *out, or -ENOENT. ".." must work. */
	int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **out);
	/* Creates a regular file, directory, device node, FIFO or socket as
	 * `mode` says (rdev for devices); returns a new reference. */
	int (*create)(struct inode *dir, const char *name, size_t len, uint32_t mode, kdev_t rdev,
	              const struct cred *cred, struct inode **out);
	int (*symlink)(struct inode *dir, const char *name, size_t len, const char *target, const struct cred *cred,
	               struct inode **out);
	int (*link)(struct inode *dir, const char *name, size_t len, struct inode *ip);
	/* Removes a name (unlink: a non-directory, rmdir: an empty directory,
	 * else -ENOTEMPTY). */
	int (*unlink)(struct inode *dir, const char *name, size_t len);
	int (*rmdir)(struct inode *dir, const char *name, size_t len);
	/* Moves a name; an existing target (already checked compatible) is
	 * replaced atomically. */
	int (*rename)(struct inode *odir, const char *oname, size_t olen, struct inode *ndir, const char *nname,
	              size_t nlen);
	/* Emits entries from *pos on (including "." and ".."), updating *pos
	 * past each one consumed. */
	int (*readdir)(struct inode *dir, uint64_t *pos, readdir_emit_t emit, void *ctx);
	/* Copies the link target (no NUL); returns its length. */
	ssize_t (*readlink)(struct inode *ip, char *buf, size_t size);
	/* Changes a regular file's size (sparse growth, freeing on shrink). */
	int (*setsize)(struct inode *ip, uint64_t size);
};

struct inode {
	uint64_t ino;
	uint32_t mode; /* S_IF* type and permission bits */
	uint32_t uid, gid;
	uint32_t nlink;
	uint64_t size;
	uint64_t blocks; /* 512-byte blocks in use */
	kdev_t rdev;
	int64_t atime_ns, mtime_ns, ctime_ns, btime_ns; /* since the Unix epoch */
	struct super_block *sb;
	const struct inode_ops *iops;
	const struct file_ops *fops; /* for regular files, directories, symlinks */
	struct mutex lock;           /* data and attributes */
	spinlock_t ref_lock;         /* refcount and nlink, so one side evicts */
	long refcount;               /* in-memory references */
	bool evicting;
	struct mount *covered_by; /* a file system mounted on this directory */
	void *fs_private;
};

struct fs_type;
struct super_block_ops {
	/* Frees an inode with no links and no references left. */
	void (*evict)(struct inode *ip);
	/* Frees everything of an unmounted file system (no references left
	 * except the root's own). */
	void (*kill)(struct super_block *sb);
	/* Optional: adjusts what stat reports (synthetic file systems whose
	 * inodes have no directory entries, e.g. procfs's link counts). */
	void (*getattr)(struct inode *ip, struct kstat *st);
};

struct super_block {
	const struct fs_type *type;
	const struct super_block_ops *ops;
	struct inode *root;   /* the sb holds one reference */
	struct mutex ns_lock; /* the namespace: directories, links, parents */
	long inode_refs;      /* references on all its inodes (busy check) */
	uint32_t dev;         /* st_dev: an anonymous device number */
	uint64_t next_ino;
	struct mount *mount; /* where it is mounted, or NULL */
	void *fs_private;
};

struct fs_type {
	const char *name;
	uint64_t magic; /* statfs f_type (Linux's magic number) */
	bool nodev;     /* not backed by a device ("nodev" in /proc/filesystems) */
	/* Creates a new instance; `data` is file-system specific (may be NULL). */
	int (*mount)(const struct fs_type *type, const void *data, struct super_block **out);
	struct list_node node;
};

struct mount {
	struct super_block *sb;
	struct inode *mountpoint; /* in the parent file system; NULL for "/" */
	struct list_node node;
};

struct file {
	struct inode *inode;
	uint32_t flags; /* O_* as opened (minus O_CREAT/O_EXCL/O_TRUNC/O_CLOEXEC) */
	uint64_t pos;
	long refcount;
	const struct file_ops *fops;
	struct mutex pos_lock; /* serializes read/write/lseek on seekable files */
	void *private_data;
};

/* What a path is resolved against: borrowed references, held by the
 * caller for the duration of the call. */
struct vfs_ctx {
	const struct cred *cred;
	struct inode *root; /* "/" of the caller (chroot) */
	struct inode *cwd;  /* where relative paths start when dir is NULL */
};

struct kstat {
	uint64_t dev, ino;
	uint32_t mode, nlink, uid, gid;
	kdev_t rdev;
	uint64_t size, blocks;
	uint32_t blksize;
	int64_t atime_ns, mtime_ns, ctime_ns, btime_ns;
	bool mount_root;
};

/* --- set-up ------------------------------------------------------------ */
/* Registers the built-in file systems and character devices; idempotent. */
void vfs_init(void);
/* Wall-clock time for timestamps: the boot epoch plus plat_time_ns(). The
 * epoch is 0 until something that knows the date (an RTC driver) sets it. */
void vfs_set_boot_epoch(int64_t epoch_ns);
int64_t vfs_now_ns(void);

/* --- inodes ------------------------------------------------------------- */
struct inode *inode_get(struct inode *ip);
void inode_put(struct inode *ip);
/* The permission check of Linux's generic_permission(): mask of MAY_*. */
int inode_permission(const struct cred *cred, const struct inode *ip, int mask);
bool cred_in_group(const struct cred *cred, uint32_t gid);

/* --- file systems and mounts --------------------------------------------- */
int fs_register(struct fs_type *type);
const struct fs_type *fs_find(const char *name);
/* A new, unmounted instance of a file system (e.g. a private tmpfs). */
int sb_create(const char *fstype, const void *data, struct super_block **out);
/* Destroys an unmounted instance; -EBUSY while inodes are referenced. */
int sb_destroy(struct super_block *sb);
/* Mounts a new instance of `fstype` on the directory at path. */
int vfs_mount(const struct vfs_ctx *ctx, struct inode *dir, const char *path, const char *fstype, const void *data);
/* Mounts an existing unmounted instance on a directory inode. */
int vfs_mount_sb(struct super_block *sb, struct inode *mountpoint);
/* Unmounts the file system whose root the path names and destroys it;
 * -EBUSY while anything in it is in use, -EINVAL if not a mount root. */
int vfs_umount(const struct vfs_ctx *ctx, struct inode *dir, const char *path);
/* The global root "/" (a new reference), or NULL before rootfs_init(). */
struct inode *vfs_root(void);

/* What statfs reports for the file system holding ip. */
struct kstatfs {
	uint64_t type, bsize, blocks, bfree, bavail, files, ffree, fsid, namelen, frsize, flags;
};
void vfs_statfs(struct inode *ip, struct kstatfs *st);
/* Mount-table listing (/proc/mounts): up to max entries, each with a new
 * reference on its mount point (NULL for "/") and the file system's root;
 * release with vfs_mounts_release. Returns the number filled. */
struct mount_info {
	struct inode *mountpoint, *root;
	const char *fstype;
};
size_t vfs_mounts_snapshot(struct mount_info *out, size_t max);
void vfs_mounts_release(struct mount_info *m, size_t n);
/* The registered file-system types, for /proc/filesystems. */
size_t vfs_fs_types(const struct fs_type **out, size_t max);

/* --- path lookup ---------------------------------------------------------- */
#define LOOKUP_FOLLOW    1 /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 2 /* the result must be a directory */
#define LOOKUP_EMPTY     4 /* "" names dir itself (AT_EMPTY_PATH) */
/* Resolves a path to a new reference in *out. */
int vfs_lookup(const struct vfs_ctx *ctx, struct inode *dir, const char *path, unsigned flags, struct inode **out);
/* chdir/chroot helper: a directory the caller may search. */
int vfs_lookup_dir(const struct vfs_ctx *ctx, struct inode *dir, const char *path, struct inode **out);
/* The path of ctx->cwd relative to ctx->root, NUL-terminated; returns the
 * length including the NUL, -ERANGE if size is too small, -ENOENT if the
 * directory was removed. */
int vfs_getcwd(const struct vfs_ctx *ctx, char *buf, size_t size);

/* --- open files ------------------------------------------------------------ */
/* open/openat: `mode` is already masked by the umask; O_CLOEXEC is the
 * caller's to keep. Returns a new open file in *out. */
int vfs_openat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, int flags, uint32_t mode,
               struct file **out);
/* Opens an inode directly (no path): for the kernel's own use. */
int vfs_open_inode(const struct cred *cred, struct inode *ip, int flags, struct file **out);
struct file *file_get(struct file *f);
void file_put(struct file *f);
/* A file not backed by a path (pipes, sockets): the inode may be NULL. */
struct file *file_alloc(struct inode *ip, const struct file_ops *fops, int flags, void *private_data);

ssize_t vfs_read(struct file *f, void *buf, size_t len);
ssize_t vfs_write(struct file *f, const void *buf, size_t len);
ssize_t vfs_pread(struct file *f, void *buf, size_t len, int64_t off);
ssize_t vfs_pwrite(struct file *f, const void *buf, size_t len, int64_t off);
int64_t vfs_lseek(struct file *f, int64_t off, int whence);
/* Fills linux_dirent64 records; returns bytes, 0 at the end, -EINVAL if
 * not even one record fits. Resumes at the file position. */
ssize_t vfs_getdents64(struct file *f, void *buf, size_t size);
unsigned vfs_poll(struct file *f, struct poll_table *pt);
long vfs_ioctl(struct file *f, unsigned cmd, uintptr_t arg);
/* lseek helpers for file_ops */
int64_t vfs_generic_llseek(struct file *f, int64_t off, int whence);
int64_t vfs_noop_llseek(struct file *f, int64_t off, int whence);
int64_t vfs_zero_llseek(struct file *f, int64_t off, int whence);

/* --- attributes --------------------------------------------------------- */
int vfs_fstatat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, int atflags, struct kstat *st);
int vfs_fstat(struct file *f, struct kstat *st);
void inode_stat(struct inode *ip, struct kstat *st);
void kstat_to_linux_stat(const struct kstat *ks, struct linux_stat *out);
void kstat_to_statx(const struct kstat *ks, struct statx *out);
/* faccessat2: mode of R_OK/W_OK/X_OK or F_OK; AT_EACCESS, AT_SYMLINK_NOFOLLOW,
 * AT_EMPTY_PATH. */
int vfs_faccessat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, int mode, int atflags);
ssize_t vfs_readlinkat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, char *buf, size_t size);
int vfs_fchmodat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, uint32_t mode, int atflags);
int vfs_fchmod(const struct cred *cred, struct file *f, uint32_t mode);
/* uid/gid of (uint32_t)-1 leave that id unchanged. */
int vfs_fchownat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, uint32_t uid, uint32_t gid,
                 int atflags);
int vfs_fchown(const struct cred *cred, struct file *f, uint32_t uid, uint32_t gid);
int vfs_truncateat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, int64_t length);
int vfs_ftruncate(struct file *f, int64_t length);
/* utimensat: times NULL means now for both; tv_nsec may be UTIME_NOW or
 * UTIME_OMIT. A NULL path means dir itself (futimens). */
int vfs_utimensat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, const struct linux_timespec times[2],
                  int atflags);

/* --- the namespace ---------------------------------------------------------- */
int vfs_mkdirat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, uint32_t mode);
/* mknod: S_IFREG, S_IFCHR, S_IFBLK, S_IFIFO or S_IFSOCK in mode (0 means
 * S_IFREG); device nodes need root. */
int vfs_mknodat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, uint32_t mode, kdev_t dev);
/* unlinkat: AT_REMOVEDIR makes it rmdir. */
int vfs_unlinkat(const struct vfs_ctx *ctx, struct inode *dir, const char *path, int atflags);
/* renameat2: flags 0 or RENAME_NOREPLACE. */
int vfs_renameat(const struct vfs_ctx *ctx, struct inode *odir, const char *opath, struct inode *ndir,
                 const char *npath, unsigned flags);
/* linkat: AT_SYMLINK_FOLLOW, AT_EMPTY_PATH. */
int vfs_linkat(const struct vfs_ctx *ctx, struct inode *odir, const char *opath, struct inode *ndir, const char *npath,
               int atflags);
int vfs_symlinkat(const struct vfs_ctx *ctx, const char *target, struct inode *dir, const char *path);

/* --- character devices --------------------------------------------------------- */
/* Makes opening a character device node with this number use fops. If the
 * device file system is mounted (rootfs_init), the node appears in /dev
 * under `name` (which may contain one '/', e.g. "pts/0" is not supported:
 * plain names only). -EEXIST if the number is taken. */
int chrdev_register(uint32_t major, uint32_t minor, const char *name, const struct file_ops *fops);
int chrdev_unregister(uint32_t major, uint32_t minor);
const struct file_ops *chrdev_lookup(kdev_t dev);
/* Creates a node for every registered device in dir (mode 0666 except
 * where the device says otherwise). */
int chrdev_populate(struct inode *dir);
/* The file ops a FIFO node opens with (set by the pipe code); until then
 * opening a FIFO fails with -ENXIO. */
void vfs_set_fifo_ops(const struct file_ops *fops);

/* The kernel's random generator behind /dev/urandom (ChaCha20). */
void krandom_bytes(void *buf, size_t len);

/* --- initramfs and the root file system ------------------------------------------- */
/* Unpacks a cpio "newc" (070701) or "crc" (070702) archive, possibly several
 * concatenated, into dir, as root. Rejects malformed input with pr_err and
 * -EINVAL (or the error that stopped it); what was unpacked before stays. */
int cpio_unpack(struct inode *dir, const void *buf, size_t len);
/* Mounts tmpfs as "/", creates /dev (a tmpfs with the registered devices),
 * /proc and /tmp, and unpacks the initramfs if len > 0. */
int rootfs_init(const void *initramfs, size_t len);
/* Undoes rootfs_init (tests); -EBUSY while anything is in use. */
int rootfs_teardown(void);

#endif
