/* Credentials, process groups, sessions, limits and accounting. */
#include <kern/abi/resource.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <plat/cpu.h>
#include <plat/time.h>

#include "../proc/proc_internal.h"
#include "uaccess.h"

static bool is_root(const struct process *p)
{
	return p->cred.euid == 0;
}

long sys_setpgid(long pid, long pgid, long a2, long a3, long a4, long a5)
{
	struct process *me = proc_current(), *p;
	long err = 0;

	if (pgid < 0)
		return -EINVAL;
	proc_table_lock();
	p = pid == 0 ? me : proc_find_locked((int)pid);
	if (!p || (p != me && p->parent != me)) {
		err = -ESRCH;
	} else if (p->sid != me->sid) {
		err = -EPERM;
	} else if (p->pid == p->sid) {
		err = -EPERM; /* a session leader cannot move */
	} else {
		int target = pgid == 0 ? p->pid : (int)pgid;
		bool exists = target == p->pid;
		struct process *q;
		for_each_process(q) {
			if (q->pgid == target && q->sid == me->sid && q->state != PROC_REAPED)
				exists = true;
		}
		if (!exists)
			err = -EPERM;
		else
			p->pgid = target;
	}
	proc_table_unlock();
	return err;
}

long sys_getpgid(long pid, long a1, long a2, long a3, long a4, long a5)
{
	struct process *p;
	long r;

	proc_table_lock();
	p = pid == 0 ? proc_current() : proc_find_locked((int)pid);
	r = p ? p->pgid : -ESRCH;
	proc_table_unlock();
	return r;
}

long sys_getpgrp(long a0, long a1, long a2, long a3, long a4, long a5)
{
	return proc_current()->pgid;
}

long sys_getsid(long pid, long a1, long a2, long a3, long a4, long a5)
{
	struct process *p;
	long r;

	proc_table_lock();
	p = pid == 0 ? proc_current() : proc_find_locked((int)pid);
	r = p ? p->sid : -ESRCH;
	proc_table_unlock();
	return r;
}

long sys_setsid(long a0, long a1, long a2, long a3, long a4, long a5)
{
	struct process *me = proc_current(), *q;
	long r;

	proc_table_lock();
	r = me->pid;
	for_each_process(q) {
		if (q->pgid == me->pid && q->state != PROC_REAPED)
			r = -EPERM; /* already a group leader (or its id is taken) */
	}
	if (r > 0) {
		me->sid = me->pid;
		me->pgid = me->pid;
		me->ctty = NULL;
	}
	proc_table_unlock();
	return r;
}

/* setuid family: POSIX semantics with the saved set-user-ID. */
static long set_ids(uint32_t *real, uint32_t *eff, uint32_t *saved, long r, long e, long s, bool root)
{
	uint32_t ids[3] = {*real, *eff, *saved};
	long want[3] = {r, e, s};

	for (int i = 0; i < 3; i++) {
		if (want[i] == -1 || (uint32_t)want[i] == 0xffffffffu)
			continue;
		if (want[i] < 0 || want[i] > 0xfffffffeL)
			return -EINVAL;
		if (!root && (uint32_t)want[i] != ids[0] && (uint32_t)want[i] != ids[1] && (uint32_t)want[i] != ids[2])
			return -EPERM;
	}
	if (r != -1 && (uint32_t)r != 0xffffffffu)
		*real = (uint32_t)r;
	if (e != -1 && (uint32_t)e != 0xffffffffu)
		*eff = (uint32_t)e;
	if (s != -1 && (uint32_t)s != 0xffffffffu)
		*saved = (uint32_t)s;
	return 0;
}

long sys_setuid(long uid, long a1, long a2, long a3, long a4, long a5)
{
	struct process *p = proc_current();

	if (uid < 0 || uid > 0xfffffffeL)
		return -EINVAL;
	if (is_root(p))
		return set_ids(&p->cred.uid, &p->cred.euid, &p->suid, uid, uid, uid, true);
	return set_ids(&p->cred.uid, &p->cred.euid, &p->suid, -1, uid, -1, false);
}

long sys_setgid(long gid, long a1, long a2, long a3, long a4, long a5)
{
	struct process *p = proc_current();

	if (gid < 0 || gid > 0xfffffffeL)
		return -EINVAL;
	if (is_root(p))
		return set_ids(&p->cred.gid, &p->cred.egid, &p->sgid, gid, gid, gid, true);
	return set_ids(&p->cred.gid, &p->cred.egid, &p->sgid, -1, gid, -1, false);
}

long sys_setreuid(long r, long e, long a2, long a3, long a4, long a5)
{
	struct process *p = proc_current();
	uint32_t old_real = p->cred.uid;
	long err = set_ids(&p->cred.uid, &p->cred.euid, &p->suid, r, e, -1, is_root(p));

	/* The saved id follows the effective one when the real one changed or
	 * the effective one differs from the old real one. */
	if (!err && ((r != -1 && (uint32_t)r != 0xffffffffu) || (e != -1 && p->cred.euid != old_real)))
		p->suid = p->cred.euid;
	return err;
}

long sys_setregid(long r, long e, long a2, long a3, long a4, long a5)
{
	struct process *p = proc_current();
	uint32_t old_real = p->cred.gid;
	long err = set_ids(&p->cred.gid, &p->cred.egid, &p->sgid, r, e, -1, is_root(p));

	if (!err && ((r != -1 && (uint32_t)r != 0xffffffffu) || (e != -1 && p->cred.egid != old_real)))
		p->sgid = p->cred.egid;
	return err;
}

long sys_setresuid(long r, long e, long s, long a3, long a4, long a5)
{
	struct process *p = proc_current();
	return set_ids(&p->cred.uid, &p->cred.euid, &p->suid, r, e, s, is_root(p));
}

long sys_setresgid(long r, long e, long s, long a3, long a4, long a5)
{
	struct process *p = proc_current();
	return set_ids(&p->cred.gid, &p->cred.egid, &p->sgid, r, e, s, is_root(p));
}

static long put_three(long ur, long ue, long us, uint32_t r, uint32_t e, uint32_t s)
{
	if (put_user(r, ur) || put_user(e, ue) || put_user(s, us))
		return -EFAULT;
	return 0;
}

long sys_getresuid(long ur, long ue, long us, long a3, long a4, long a5)
{
	struct process *p = proc_current();
	return put_three(ur, ue, us, p->cred.uid, p->cred.euid, p->suid);
}

long sys_getresgid(long ur, long ue, long us, long a3, long a4, long a5)
{
	struct process *p = proc_current();
	return put_three(ur, ue, us, p->cred.gid, p->cred.egid, p->sgid);
}

long sys_getgroups(long size, long ulist, long a2, long a3, long a4, long a5)
{
	struct process *p = proc_current();

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return p->cred.ngroups;
	if ((unsigned long)size < p->cred.ngroups)
		return -EINVAL;
	if (put_user_buf((uintptr_t)ulist, p->cred.groups, p->cred.ngroups * sizeof(uint32_t)))
		return -EFAULT;
	return p->cred.ngroups;
}

long sys_setgroups(long size, long ulist, long a2, long a3, long a4, long a5)
{
	struct process *p = proc_current();
	uint32_t groups[NGROUPS_MAX];

	if (!is_root(p))
		return -EPERM;
	if (size < 0 || size > NGROUPS_MAX)
		return -EINVAL;
	if (size && get_user_buf(groups, (uintptr_t)ulist, (size_t)size * sizeof(uint32_t)))
		return -EFAULT;
	memcpy(p->cred.groups, groups, (size_t)size * sizeof(uint32_t));
	p->cred.ngroups = (uint32_t)size;
	return 0;
}

long sys_umask(long mask, long a1, long a2, long a3, long a4, long a5)
{
	struct process *p = proc_current();
	unsigned old = p->umask;

	p->umask = (unsigned)mask & 0777;
	return old;
}

struct linux_rlimit {
	uint64_t cur, max;
};

#define RLIMIT_NOFILE 7
#define RLIMIT_STACK 3
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ULL)

static void default_limit(int res, struct linux_rlimit *out)
{
	out->cur = out->max = RLIM_INFINITY;
	if (res == RLIMIT_NOFILE)
		out->cur = out->max = 1024; /* FD_MAX */
	else if (res == RLIMIT_STACK)
		out->cur = 8ULL << 20; /* USER_STACK_SIZE */
}

long sys_prlimit64(long pid, long res, long unew, long uold, long a4, long a5)
{
	struct linux_rlimit lim;

	if (res < 0 || res >= RLIM_NLIMITS)
		return -EINVAL;
	if (pid != 0 && pid != proc_current()->pid && !proc_find((int)pid))
		return -ESRCH;
	default_limit((int)res, &lim);
	if (uold && put_user(lim, uold))
		return -EFAULT;
	if (unew) {
		struct linux_rlimit want;
		if (get_user(want, unew))
			return -EFAULT;
		if (want.cur > want.max)
			return -EINVAL;
		/* Limits are fixed: lowering is accepted only as far as we enforce
		 * them, i.e. not at all — say so rather than pretend. */
		if (want.cur != lim.cur || want.max != lim.max)
			return -EPERM;
	}
	return 0;
}

long sys_getrlimit(long res, long uold, long a2, long a3, long a4, long a5)
{
	if (res >= 0 && res < RLIM_NLIMITS && !uold)
		return -EFAULT; /* unlike prlimit64, the pointer is not optional */
	return sys_prlimit64(0, res, 0, uold, 0, 0);
}

long sys_setrlimit(long res, long unew, long a2, long a3, long a4, long a5)
{
	if (res >= 0 && res < RLIM_NLIMITS && !unew)
		return -EFAULT;
	return sys_prlimit64(0, res, unew, 0, 0, 0);
}

struct linux_tms {
	int64_t utime, stime, cutime, cstime;
};

#define CLK_TCK 100
#define NS_PER_TICK (1000000000LL / CLK_TCK)

long sys_times(long ubuf, long a1, long a2, long a3, long a4, long a5)
{
	struct process *p = proc_current();
	int64_t now = (int64_t)plat_time_ns();

	if (ubuf) {
		struct linux_tms t = {
			(int64_t)(plat_time_ns() - p->start_time) / NS_PER_TICK, 0, (int64_t)p->cutime_ns / NS_PER_TICK,
			(int64_t)p->cstime_ns / NS_PER_TICK};
		if (put_user(t, ubuf))
			return -EFAULT;
	}
	return now / NS_PER_TICK;
}

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

long sys_getrusage(long who, long ubuf, long a2, long a3, long a4, long a5)
{
	struct process *p = proc_current();
	struct linux_rusage ru;
	uint64_t ns;

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
		return -EINVAL;
	memset(&ru, 0, sizeof(ru));
	/* CPU time is not yet accounted per task; self reports wall time since
	 * the process started (an upper bound), children what wait collected. */
	ns = who == RUSAGE_CHILDREN ? p->cutime_ns : plat_time_ns() - p->start_time;
	ru.utime_sec = (int64_t)(ns / 1000000000ULL);
	ru.utime_usec = (int64_t)(ns % 1000000000ULL / 1000);
	ru.minflt = who == RUSAGE_CHILDREN ? 0 : (int64_t)p->minflt;
	return put_user(ru, ubuf) ? -EFAULT : 0;
}

struct linux_sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char _f[4];
};

long sys_sysinfo(long ubuf, long a1, long a2, long a3, long a4, long a5)
{
	struct linux_sysinfo si;
	struct page_stats ps;
	unsigned nprocs = 0;
	struct process *q;

	memset(&si, 0, sizeof(si));
	page_stats(&ps);
	proc_table_lock();
	for_each_process(q) nprocs++;
	proc_table_unlock();
	si.uptime = (int64_t)(plat_time_ns() / 1000000000ULL);
	si.totalram = ps.total_pages * PAGE_SIZE;
	si.freeram = ps.free_pages * PAGE_SIZE;
	si.procs = (uint16_t)nprocs;
	si.mem_unit = 1;
	return put_user(si, ubuf) ? -EFAULT : 0;
}

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_SET_NAME 15
#define PR_GET_NAME 16

long sys_prctl(long option, long arg2, long a2, long a3, long a4, long a5)
{
	struct process *p = proc_current();
	char name[PROC_COMM_LEN];

	switch (option) {
	case PR_SET_NAME: {
		long n = strncpy_from_user(p->vm, name, (uintptr_t)arg2, sizeof(name));
		if (n == -ENAMETOOLONG) {
			if (get_user_buf(name, (uintptr_t)arg2, sizeof(name) - 1))
				return -EFAULT;
			name[sizeof(name) - 1] = '\0';
		} else if (n < 0) {
			return n;
		}
		memcpy(p->comm, name, sizeof(name));
		return 0;
	}
	case PR_GET_NAME:
		return put_user_buf((uintptr_t)arg2, p->comm, sizeof(p->comm)) ? -EFAULT : 0;
	}
	return -EINVAL;
}

long sys_sched_getaffinity(long pid, long len, long umask, long a3, long a4, long a5)
{
	uint64_t mask[PLAT_MAX_CPUS / 64] = {0};
	size_t need = sizeof(mask);

	if (len < 8 || (len & 7))
		return -EINVAL;
	if (pid != 0 && !proc_find((int)pid))
		return -ESRCH;
	for (unsigned c = 0; c < plat_cpu_count(); c++)
		mask[c / 64] |= 1ULL << (c % 64);
	if ((size_t)len < need)
		need = (size_t)len;
	return put_user_buf((uintptr_t)umask, mask, need) ? -EFAULT : (long)need;
}
