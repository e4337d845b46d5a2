/* procfs seen from the kernel: the mounted /proc, its listing, stable inode
 * numbers, the system files' content, refusals, statfs, and fstat of files
 * without an inode. Kernel threads have no process, so "self" is absent. */
#include <kern/abi/statfs.h>
#include <kern/errno.h>
#include <kern/ktest.h>
#include <kern/mm.h>
#include <kern/string.h>
#include <kern/vfs.h>

static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncmp(hay, needle, n) == 0)
			return true;
	return false;
}

struct proc_fixture {
	struct inode *root;
	struct vfs_ctx ctx;
};

static bool pf_init(struct proc_fixture *pf)
{
	pf->root = vfs_root();
	pf->ctx.cred = &cred_root;
	pf->ctx.root = pf->ctx.cwd = pf->root;
	return pf->root != NULL;
}

/* Reads a whole /proc file (in 5-byte reads) into buf, NUL-terminated. */
static ssize_t read_all(struct proc_fixture *pf, const char *path, char *buf, size_t size)
{
	struct file *f;
	ssize_t n = 0, r;
	int err = vfs_openat(&pf->ctx, NULL, path, O_RDONLY, 0, &f);

	if (err)
		return err;
	while (n < (ssize_t)size - 1 && (r = vfs_read(f, buf + n, MIN((size_t)5, size - 1 - (size_t)n))) > 0)
		n += r;
	file_put(f);
	buf[n] = '\0';
	return n;
}

struct names {
	bool meminfo, self, dot, dotdot;
	unsigned count;
};

static bool collect(void *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype, uint64_t next)
{
	struct names *n = ctx;

	n->count++;
	n->meminfo |= len == 7 && memcmp(name, "meminfo", 7) == 0 && dtype == DT_REG;
	n->self |= len == 4 && memcmp(name, "self", 4) == 0 && dtype == DT_LNK;
	n->dot |= len == 1 && name[0] == '.';
	n->dotdot |= len == 2 && name[0] == '.' && name[1] == '.';
	return true;
}

KTEST(procfs_mounted_and_listed)
{
	struct proc_fixture pf;
	struct kstat a, b;
	struct file *f;
	char *buf = kmalloc(4096);
	ssize_t n;
	int total = 0;

	KT_ASSERT(buf);
	if (!pf_init(&pf)) {
		kfree(buf);
		KT_ASSERT(!"no root file system");
	}
	KT_ASSERT_EQ(vfs_fstatat(&pf.ctx, NULL, "/proc", 0, &a), 0);
	KT_ASSERT(a.mount_root && a.mode == (S_IFDIR | 0555) && a.nlink == 2);
	/* Inode numbers are stable across lookups (each makes a new inode). */
	KT_ASSERT_EQ(vfs_fstatat(&pf.ctx, NULL, "/proc/meminfo", 0, &a), 0);
	KT_ASSERT_EQ(vfs_fstatat(&pf.ctx, NULL, "/proc/meminfo", 0, &b), 0);
	KT_ASSERT(a.ino == b.ino && a.mode == (S_IFREG | 0444) && a.nlink == 1);
	/* A listing in pieces, through getdents64's buffer-full path. */
	KT_ASSERT_EQ(vfs_openat(&pf.ctx, NULL, "/proc", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	while ((n = vfs_getdents64(f, buf, 64)) > 0)
		total += (int)n;
	file_put(f);
	KT_ASSERT_EQ(n, 0);
	KT_ASSERT(total > 9 * 24);
	{
		struct names names = {0};
		struct inode *proc;
		uint64_t pos = 0;
		KT_ASSERT_EQ(vfs_lookup(&pf.ctx, NULL, "/proc", LOOKUP_FOLLOW, &proc), 0);
		KT_ASSERT_EQ(proc->iops->readdir(proc, &pos, collect, &names), 0);
		inode_put(proc);
		KT_ASSERT(names.meminfo && names.self && names.dot && names.dotdot && names.count >= 11);
	}
	/* Kernel threads have no process: no "self". */
	KT_ASSERT_EQ(vfs_readlinkat(&pf.ctx, NULL, "/proc/self", buf, 64), -ENOENT);
	KT_ASSERT_EQ(vfs_fstatat(&pf.ctx, NULL, "/proc/self/status", 0, &a), -ENOENT);
	KT_ASSERT_EQ(vfs_fstatat(&pf.ctx, NULL, "/proc/0", 0, &a), -ENOENT);
	KT_ASSERT_EQ(vfs_fstatat(&pf.ctx, NULL, "/proc/007", 0, &a), -ENOENT);
	KT_ASSERT_EQ(vfs_mkdirat(&pf.ctx, NULL, "/proc/x", 0755), -ENOENT);
	KT_ASSERT_EQ(vfs_unlinkat(&pf.ctx, NULL, "/proc/meminfo", 0), -EPERM);
	KT_ASSERT_EQ(vfs_renameat(&pf.ctx, NULL, "/proc/meminfo", NULL, "/proc/uptime", 0), -EPERM);
	KT_ASSERT_EQ(vfs_renameat(&pf.ctx, NULL, "/proc/meminfo", NULL, "/proc/new", 0), -ENOENT);
	inode_put(pf.root);
	kfree(buf);
}

KTEST(procfs_system_files)
{
	struct proc_fixture pf;
	char *buf = kmalloc(8192);

	KT_ASSERT(buf);
	if (!pf_init(&pf)) {
		kfree(buf);
		KT_ASSERT(!"no root file system");
	}
	KT_ASSERT(read_all(&pf, "/proc/meminfo", buf, 8192) > 0);
	KT_ASSERT(strncmp(buf, "MemTotal:", 9) == 0 && contains(buf, "\nMemFree:") && contains(buf, "\nSwapTotal:"));
	KT_ASSERT(read_all(&pf, "/proc/mounts", buf, 8192) > 0);
	KT_ASSERT(strncmp(buf, "tmpfs / tmpfs rw", 16) == 0);
	KT_ASSERT(contains(buf, "\ntmpfs /dev tmpfs ") && contains(buf, "\nproc /proc proc rw,nosuid,nodev,noexec"));
	KT_ASSERT(read_all(&pf, "/proc/filesystems", buf, 8192) > 0);
	KT_ASSERT(contains(buf, "nodev\ttmpfs\n") && contains(buf, "nodev\tproc\n"));
	KT_ASSERT(read_all(&pf, "/proc/cpuinfo", buf, 8192) > 0 && strncmp(buf, "processor\t: 0\n", 14) == 0);
	KT_ASSERT(read_all(&pf, "/proc/uptime", buf, 8192) > 0 && contains(buf, " 0.00\n"));
	KT_ASSERT(read_all(&pf, "/proc/loadavg", buf, 8192) > 0 && strncmp(buf, "0.00 0.00 0.00 ", 15) == 0);
	KT_ASSERT(read_all(&pf, "/proc/stat", buf, 8192) > 0 && strncmp(buf, "cpu  ", 5) == 0);
	KT_ASSERT(read_all(&pf, "/proc/version", buf, 8192) > 0 && strncmp(buf, "Linux version ", 14) == 0);
	inode_put(pf.root);
	kfree(buf);
}

KTEST(procfs_statfs_and_anonymous_fstat)
{
	struct proc_fixture pf;
	struct kstatfs sfs;
	struct inode *ip;
	struct kstat st;
	struct file *f;

	KT_ASSERT(pf_init(&pf));
	KT_ASSERT_EQ(vfs_lookup(&pf.ctx, NULL, "/proc", LOOKUP_FOLLOW, &ip), 0);
	vfs_statfs(ip, &sfs);
	inode_put(ip);
	KT_ASSERT_EQ(sfs.type, PROC_SUPER_MAGIC);
	KT_ASSERT_EQ(vfs_lookup(&pf.ctx, NULL, "/tmp", LOOKUP_FOLLOW, &ip), 0);
	vfs_statfs(ip, &sfs);
	inode_put(ip);
	inode_put(pf.root);
	KT_ASSERT_EQ(sfs.type, TMPFS_MAGIC);
	KT_ASSERT(sfs.blocks > 0 && sfs.bfree <= sfs.blocks && sfs.namelen == NAME_MAX && (sfs.flags & ST_VALID));
	/* A file without an inode (a pipe end) stats as an anonymous FIFO. */
	f = file_alloc(NULL, NULL, O_RDONLY, NULL);
	KT_ASSERT(f);
	KT_ASSERT_EQ(vfs_fstat(f, &st), 0);
	file_put(f);
	KT_ASSERT_EQ(st.mode, S_IFIFO | 0600);
	KT_ASSERT_EQ(st.nlink, 1);
}
