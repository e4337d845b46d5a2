/* System-wide /proc files: self, meminfo, uptime, loadavg, mounts,
 * cpuinfo, version, filesystems, stat. */
#include <arch/x86_64/cpuid.h>
#include <kern/abi/stat.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/proc.h>
#include <kern/string.h>
#include <plat/cpu.h>
#include <plat/time.h>

#include "procfs_internal.h"

#define KB_PER_PAGE (PAGE_SIZE / 1024)
#define MOUNTS_MAX  64
#define FSTYPES_MAX 16
#define NS_PER_SEC  1000000000ULL

static int link_self(struct pbuf *b, int pid)
{
	struct process *me = proc_current();

	if (!me)
		return -ENOENT; /* a kernel thread has no "self" */
	pbuf_printf(b, "%d", me->pid);
	return 0;
}

static int show_meminfo(struct pbuf *b, int pid)
{
	struct page_stats ps;

	page_stats(&ps);
	pbuf_printf(b,
	            "MemTotal:       %8zu kB\nMemFree:        %8zu kB\nMemAvailable:   %8zu kB\n"
	            "Buffers:               0 kB\nCached:                0 kB\nSwapCached:            0 kB\n"
	            "Active:                0 kB\nInactive:              0 kB\n",
	            ps.total_pages * KB_PER_PAGE, ps.free_pages * KB_PER_PAGE, ps.free_pages * KB_PER_PAGE);
	pbuf_printf(b, "SwapTotal:             0 kB\nSwapFree:              0 kB\nDirty:                 0 kB\n"
	               "Shmem:                 0 kB\nSReclaimable:          0 kB\n");
	return 0;
}

/* Seconds with two decimals, as Linux prints them. */
static void put_centis(struct pbuf *b, uint64_t ns)
{
	uint64_t centis = ns / (NS_PER_SEC / 100);

	pbuf_printf(b, "%lu.%02lu", (unsigned long)(centis / 100), (unsigned long)(centis % 100));
}

/* Idle time is not accounted per CPU: it reads 0.00. */
static int show_uptime(struct pbuf *b, int pid)
{
	put_centis(b, plat_time_ns());
	pbuf_printf(b, " 0.00\n");
	return 0;
}

/* Load averages are not computed (0.00); the counts are real: processes
 * with a running or runnable thread / all threads, and the highest live
 * pid (the last one allocated is not recorded). */
static int show_loadavg(struct pbuf *b, int pid)
{
	unsigned threads;
	int last;
	unsigned running = procfs_count_running(&threads, &last);

	pbuf_printf(b, "0.00 0.00 0.00 %u/%u %d\n", running, threads, last);
	return 0;
}

/* Options a mount line shows: what the file system enforces. */
static const char *mount_options(const char *fstype)
{
	return strcmp(fstype, "proc") == 0 ? "rw,nosuid,nodev,noexec,relatime" : "rw,relatime";
}

int procfs_show_mounts(struct pbuf *b, int pid)
{
	struct mount_info *m = kmalloc(MOUNTS_MAX * sizeof(*m));
	struct process *me = proc_current();
	struct inode *root = NULL;
	char *path = kmalloc(PATH_MAX);
	size_t n;

	if (me) {
		spin_lock(&me->lock);
		root = me->root ? inode_get(me->root) : NULL;
		spin_unlock(&me->lock);
	}
	if (!root)
		root = vfs_root();
	if (!m || !path || !root) {
		kfree(m);
		kfree(path);
		if (root)
			inode_put(root);
		return -ENOMEM;
	}
	n = vfs_mounts_snapshot(m, MOUNTS_MAX);
	for (size_t i = 0; i < n; i++) {
		struct vfs_ctx ctx = {&cred_root, root, m[i].mountpoint};
		const char *where = "/";
		if (m[i].mountpoint) {
			/* Mounts outside the reader's root (after chroot) are not shown. */
			if (vfs_getcwd(&ctx, path, PATH_MAX) <= 0)
				continue;
			where = path;
		}
		pbuf_printf(b, "%s %s %s %s 0 0\n", m[i].fstype, where, m[i].fstype, mount_options(m[i].fstype));
	}
	vfs_mounts_release(m, n);
	kfree(m);
	kfree(path);
	inode_put(root);
	return 0;
}

static int show_filesystems(struct pbuf *b, int pid)
{
	const struct fs_type *types[FSTYPES_MAX];
	size_t n = vfs_fs_types(types, FSTYPES_MAX);

	for (size_t i = 0; i < n; i++)
		pbuf_printf(b, "%s\t%s\n", types[i]->nodev ? "nodev" : "", types[i]->name);
	return 0;
}

static void cpu_model(char vendor[13], char brand[49], unsigned *family, unsigned *model, unsigned *stepping)
{
	struct cpuid_regs r = cpuid(0, 0);
	uint32_t sig;

	memcpy(vendor, &r.ebx, 4);
	memcpy(vendor + 4, &r.edx, 4);
	memcpy(vendor + 8, &r.ecx, 4);
	vendor[12] = '\0';
	sig = cpuid(CPUID_LEAF_FEATURES, 0).eax;
	*family = ((sig >> 8) & 0xf) + (((sig >> 8) & 0xf) == 0xf ? (sig >> 20) & 0xff : 0);
	*model = ((sig >> 4) & 0xf) | (((sig >> 8) & 0xf) >= 6 ? ((sig >> 16) & 0xf) << 4 : 0);
	*stepping = sig & 0xf;
	brand[0] = '\0';
	if (cpuid(CPUID_LEAF_EXT_MAX, 0).eax >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			struct cpuid_regs q = cpuid(0x80000002 + i, 0);
			memcpy(brand + 16 * i, &q, 16);
		}
		brand[48] = '\0';
	}
}

static int show_cpuinfo(struct pbuf *b, int pid)
{
	char vendor[13], brand[49];
	unsigned family, model, stepping, n = plat_cpu_count();
	const char *name = brand;

	cpu_model(vendor, brand, &family, &model, &stepping);
	while (*name == ' ')
		name++;
	for (unsigned cpu = 0; cpu < n; cpu++)
		pbuf_printf(b,
		            "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\nmodel name\t: %s\n"
		            "stepping\t: %u\nphysical id\t: 0\nsiblings\t: %u\ncore id\t\t: %u\ncpu cores\t: %u\n"
		            "apicid\t\t: %u\nfpu\t\t: yes\nwp\t\t: yes\nclflush size\t: 64\ncache_alignment\t: 64\n"
		            "address sizes\t: 48 bits physical, 48 bits virtual\n\n",
		            cpu, vendor, family, model, *name ? name : "x86_64 CPU", stepping, n, cpu, n, cpu);
	return 0;
}

static int show_version(struct pbuf *b, int pid)
{
	/* The same identity uname(2) reports. */
	pbuf_printf(b, "Linux version 6.1.0-macrohard (macrohard@build) (C11 freestanding) #1 SMP MACROHARD\n");
	return 0;
}

/* CPU times and interrupts are not accounted: those lines read 0. */
static int show_stat(struct pbuf *b, int pid)
{
	unsigned n = plat_cpu_count(), threads;
	int last;
	unsigned running = procfs_count_running(&threads, &last);
	int64_t boot_sec = (vfs_now_ns() - (int64_t)plat_time_ns()) / (int64_t)NS_PER_SEC;

	pbuf_printf(b, "cpu  0 0 0 0 0 0 0 0 0 0\n");
	for (unsigned cpu = 0; cpu < n; cpu++)
		pbuf_printf(b, "cpu%u 0 0 0 0 0 0 0 0 0 0\n", cpu);
	pbuf_printf(b, "intr 0\nctxt 0\nbtime %ld\nprocesses %d\nprocs_running %u\nprocs_blocked 0\n", (long)boot_sec,
	            last, running);
	return 0;
}

const struct procfs_entry procfs_root_entries[] = {
    {"cpuinfo", S_IFREG | 0444, show_cpuinfo, NULL},
    {"filesystems", S_IFREG | 0444, show_filesystems, NULL},
    {"loadavg", S_IFREG | 0444, show_loadavg, NULL},
    {"meminfo", S_IFREG | 0444, show_meminfo, NULL},
    {"mounts", S_IFREG | 0444, procfs_show_mounts, NULL},
    {"self", S_IFLNK | 0777, NULL, link_self},
    {"stat", S_IFREG | 0444, show_stat, NULL},
    {"uptime", S_IFREG | 0444, show_uptime, NULL},
    {"version", S_IFREG | 0444, show_version, NULL},
};
const size_t procfs_root_count = ARRAY_SIZE(procfs_root_entries);
