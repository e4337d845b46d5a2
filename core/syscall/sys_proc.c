/* Process identity, exit, time and miscellany. */
#include <kern/abi/stat.h>
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/random.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/vfs.h>
#include <plat/power.h>
#include <plat/time.h>

#include "../proc/proc_internal.h"
#include "uaccess.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

#define CLOCK_REALTIME           0
#define CLOCK_MONOTONIC          1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID  3
#define CLOCK_MONOTONIC_RAW      4
#define CLOCK_REALTIME_COARSE    5
#define CLOCK_MONOTONIC_COARSE   6
#define CLOCK_BOOTTIME           7
#define TIMER_ABSTIME            1
#define NSEC_PER_SEC             1000000000LL

long sys_exit(long code, long a1, long a2, long a3, long a4, long a5)
{
	task_exit((int)((code & 0xff) << 8), false);
}

long sys_exit_group(long code, long a1, long a2, long a3, long a4, long a5)
{
	task_exit((int)((code & 0xff) << 8), true);
}

long sys_getpid(long a0, long a1, long a2, long a3, long a4, long a5)
{
	return proc_current()->pid;
}

long sys_gettid(long a0, long a1, long a2, long a3, long a4, long a5)
{
	return task_current()->tid;
}

long sys_getppid(long a0, long a1, long a2, long a3, long a4, long a5)
{
	/* Reparenting changes it under the table lock; one load is atomic. */
	return atomic_load_relaxed(&proc_current()->ppid);
}

long sys_getuid(long a0, long a1, long a2, long a3, long a4, long a5)
{
	return proc_current()->cred.uid;
}

long sys_geteuid(long a0, long a1, long a2, long a3, long a4, long a5)
{
	return proc_current()->cred.euid;
}

long sys_getgid(long a0, long a1, long a2, long a3, long a4, long a5)
{
	return proc_current()->cred.gid;
}

long sys_getegid(long a0, long a1, long a2, long a3, long a4, long a5)
{
	return proc_current()->cred.egid;
}

long sys_set_tid_address(long uaddr, long a1, long a2, long a3, long a4, long a5)
{
	struct task *t = task_current();
	t->clear_child_tid = (uintptr_t)uaddr;
	return t->tid;
}

long sys_set_robust_list(long head, long len, long a2, long a3, long a4, long a5)
{
	/* The robust-futex list only matters when a thread dies holding a
	 * futex; we record nothing, and say so only through the size check. */
	return len == 24 ? 0 : -EINVAL;
}

long sys_arch_prctl(long code, long addr, long a2, long a3, long a4, long a5)
{
	struct task *t = task_current();
	uint64_t v;

	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if ((uint64_t)addr >= 0x0000800000000000ULL)
			return -EPERM; /* not canonical in the user half */
		if (code == ARCH_SET_FS)
			t->regs.fs_base = (uint64_t)addr;
		else
			t->regs.gs_base = (uint64_t)addr;
		return 0;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
		v = code == ARCH_GET_FS ? t->regs.fs_base : t->regs.gs_base;
		return put_user(v, addr) ? -EFAULT : 0;
	}
	return -EINVAL;
}

struct new_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

long sys_uname(long ubuf, long a1, long a2, long a3, long a4, long a5)
{
	struct new_utsname u;

	memset(&u, 0, sizeof(u));
	/* Programs built for Linux check these: say what ABI we speak. */
	kstrlcpy(u.sysname, "Linux", sizeof(u.sysname));
	kstrlcpy(u.nodename, "macrohard", sizeof(u.nodename));
	kstrlcpy(u.release, "6.1.0-macrohard", sizeof(u.release));
	kstrlcpy(u.version, "#1 SMP MACROHARD", sizeof(u.version));
	kstrlcpy(u.machine, "x86_64", sizeof(u.machine));
	kstrlcpy(u.domainname, "(none)", sizeof(u.domainname));
	return put_user(u, ubuf) ? -EFAULT : 0;
}

static int64_t clock_now(long clk)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE: return vfs_now_ns();
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME: return (int64_t)plat_time_ns();
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		/* CPU time is not accounted per task yet: time since the process began. */
		return (int64_t)(plat_time_ns() - proc_current()->start_time);
	}
	return -1;
}

long sys_clock_gettime(long clk, long uts, long a2, long a3, long a4, long a5)
{
	int64_t now = clock_now(clk);
	struct linux_timespec ts;

	if (now < 0)
		return -EINVAL;
	ts.tv_sec = now / NSEC_PER_SEC;
	ts.tv_nsec = now % NSEC_PER_SEC;
	return put_user(ts, uts) ? -EFAULT : 0;
}

/* Sleeps until `deadline` on clock clk; a signal ends the sleep early with
 * EINTR and, for relative sleeps, the time that was left. */
static long sleep_until(long clk, int64_t deadline, uintptr_t urem)
{
	int64_t now = clock_now(clk);

	if (deadline > now && thread_sleep_interruptible((ktime_t)(deadline - now)) == -EINTR) {
		int64_t left = deadline - clock_now(clk);
		if (urem) {
			struct linux_timespec rem = {left > 0 ? left / NSEC_PER_SEC : 0,
			                             left > 0 ? left % NSEC_PER_SEC : 0};
			if (put_user(rem, urem))
				return -EFAULT;
		}
		return -EINTR;
	}
	return 0;
}

static long read_timespec(uintptr_t uts, int64_t *ns)
{
	struct linux_timespec ts;

	if (get_user(ts, uts))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	*ns = ts.tv_sec > INT64_MAX / NSEC_PER_SEC - 1 ? INT64_MAX / 2 : ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

long sys_nanosleep(long ureq, long urem, long a2, long a3, long a4, long a5)
{
	int64_t ns;
	long err = read_timespec((uintptr_t)ureq, &ns);

	if (err)
		return err;
	return sleep_until(CLOCK_MONOTONIC, clock_now(CLOCK_MONOTONIC) + ns, (uintptr_t)urem);
}

long sys_clock_nanosleep(long clk, long flags, long ureq, long urem, long a4, long a5)
{
	int64_t ns;
	long err;

	if (clock_now(clk) < 0 || clk == CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	if ((err = read_timespec((uintptr_t)ureq, &ns)))
		return err;
	return sleep_until(clk, (flags & TIMER_ABSTIME) ? ns : clock_now(clk) + ns,
	                   (flags & TIMER_ABSTIME) ? 0 : (uintptr_t)urem);
}

long sys_sched_yield(long a0, long a1, long a2, long a3, long a4, long a5)
{
	thread_yield();
	return 0;
}

#define GRND_NONBLOCK 1
#define GRND_RANDOM   2
#define GRND_INSECURE 4

long sys_getrandom(long ubuf, long len, long flags, long a3, long a4, long a5)
{
	uint8_t chunk[256];
	long done = 0;

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	/* Like Linux: a count beyond INT_MAX is capped; the call returns what it
	 * wrote before the buffer ran out. */
	if ((unsigned long)len > 0x7fffffffUL)
		len = 0x7fffffffL;
	while (done < len) {
		size_t n = (size_t)MIN(len - done, (long)sizeof(chunk));
		krandom_bytes(chunk, n);
		if (put_user_buf((uintptr_t)(ubuf + done), chunk, n))
			return done ? done : -EFAULT;
		done += (long)n;
		sched_preempt_point();
		/* As Linux: a pending signal ends it after a whole page, which
		 * counts, so a huge request stays interruptible. */
		if (done % 4096 == 0 && done < len && current_signal_pending())
			break;
	}
	return done;
}

struct linux_timeval {
	int64_t tv_sec, tv_usec;
};

long sys_gettimeofday(long utv, long utz, long a2, long a3, long a4, long a5)
{
	int64_t now = clock_now(CLOCK_REALTIME);

	if (utv) {
		struct linux_timeval tv = {now / NSEC_PER_SEC, now % NSEC_PER_SEC / 1000};
		if (put_user(tv, utv))
			return -EFAULT;
	}
	if (utz) {
		int32_t tz[2] = {0, 0}; /* UTC, no DST: the kernel keeps no zone */
		if (put_user(tz, utz))
			return -EFAULT;
	}
	return 0;
}

long sys_time(long ut, long a1, long a2, long a3, long a4, long a5)
{
	int64_t secs = clock_now(CLOCK_REALTIME) / NSEC_PER_SEC;

	if (ut && put_user(secs, ut))
		return -EFAULT;
	return secs;
}

#define LINUX_REBOOT_MAGIC1        0xfee1dead
#define LINUX_REBOOT_MAGIC2        672274793
#define LINUX_REBOOT_MAGIC2A       85072278
#define LINUX_REBOOT_MAGIC2B       369367448
#define LINUX_REBOOT_MAGIC2C       537993216
#define LINUX_REBOOT_CMD_RESTART   0x01234567
#define LINUX_REBOOT_CMD_HALT      0xCDEF0123
#define LINUX_REBOOT_CMD_CAD_ON    0x89ABCDEF
#define LINUX_REBOOT_CMD_CAD_OFF   0x00000000
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321FEDC

long sys_reboot(long magic1, long magic2, long cmd, long arg, long a4, long a5)
{
	if ((uint32_t)magic1 != LINUX_REBOOT_MAGIC1 ||
	    ((uint32_t)magic2 != LINUX_REBOOT_MAGIC2 && (uint32_t)magic2 != LINUX_REBOOT_MAGIC2A &&
	     (uint32_t)magic2 != LINUX_REBOOT_MAGIC2B && (uint32_t)magic2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	if (proc_current()->cred.euid != 0)
		return -EPERM;
	switch ((uint32_t)cmd) {
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF: return 0; /* no Ctrl-Alt-Del key to route */
	case LINUX_REBOOT_CMD_RESTART: pr_info("reboot requested by pid %d", proc_current()->pid); plat_reboot();
	case LINUX_REBOOT_CMD_HALT:
	case LINUX_REBOOT_CMD_POWER_OFF:
		pr_info("power-off requested by pid %d", proc_current()->pid);
		plat_poweroff(0);
	}
	return -EINVAL;
}
