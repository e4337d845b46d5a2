/* /proc/<pid>/: status, stat, statm, cmdline, comm, and the cwd and root
 * symlinks. Process fields are copied under the process table lock (which
 * keeps the process from being freed); the address space is measured and
 * read after it is dropped, through a reference, because reading another
 * process's memory can fault pages in and sleep. */
#include <kern/abi/stat.h>
#include <kern/errno.h>
#include <kern/fdtable.h>
#include <kern/mm.h>
#include <kern/proc.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <kern/vm.h>
#include <plat/time.h>

#include "../proc/proc_internal.h"
#include "procfs_internal.h"

#define TICKS_PER_SEC 100 /* USER_HZ: what Linux's clock-tick fields count in */
#define NS_PER_TICK   (1000000000ULL / TICKS_PER_SEC)
#define CMDLINE_MAX   (128 * 1024)

/* What the files need of one process, copied under the table lock. */
struct proc_snap {
	int pid, ppid, pgid, sid, nthreads, exit_signal;
	char state;
	char comm[PROC_COMM_LEN];
	unsigned umask;
	struct cred cred;
	uint32_t suid, sgid;
	uint64_t sig_pending, sig_blocked, sig_ignored, sig_caught;
	uint64_t utime_ns, stime_ns, cutime_ns, cstime_ns, minflt;
	uint64_t start_ns;
	uintptr_t arg_start, arg_end;
	struct vm_space *vm; /* a reference, or NULL (zombie) */
};

char procfs_proc_state(struct process *p)
{
	char st = 'S';

	if (p->state != PROC_ALIVE)
		return 'Z';
	if (p->stopped)
		return 'T';
	spin_lock(&p->lock);
	list_for_each (it, &p->tasks) {
		struct task *t = list_entry(it, struct task, proc_node);
		int ts = t->kthread ? t->kthread->state : THREAD_BLOCKED;
		if (ts == THREAD_RUNNING || ts == THREAD_RUNNABLE)
			st = 'R';
	}
	spin_unlock(&p->lock);
	return st;
}

static int snapshot(int pid, struct proc_snap *s)
{
	struct process *p;

	memset(s, 0, sizeof(*s));
	proc_table_lock();
	p = proc_find_locked(pid);
	if (!p) {
		proc_table_unlock();
		return -ESRCH;
	}
	s->pid = p->pid;
	s->ppid = p->parent ? p->parent->pid : 0;
	s->pgid = p->pgid;
	s->sid = p->sid;
	s->nthreads = (int)p->ntasks;
	s->exit_signal = p->exit_signal;
	s->state = procfs_proc_state(p);
	memcpy(s->comm, p->comm, sizeof(s->comm));
	s->comm[PROC_COMM_LEN - 1] = '\0';
	s->umask = p->umask;
	s->cred = p->cred;
	s->suid = p->suid;
	s->sgid = p->sgid;
	s->utime_ns = p->utime_ns;
	s->stime_ns = p->stime_ns;
	s->cutime_ns = p->cutime_ns;
	s->cstime_ns = p->cstime_ns;
	s->minflt = p->minflt;
	s->start_ns = p->start_time;
	s->arg_start = p->arg_start;
	s->arg_end = p->arg_end;
	spin_lock(&p->lock);
	s->sig_pending = p->sig_pending;
	for (int i = 0; i < NSIG; i++) {
		if (p->sigactions[i].handler == 1)
			s->sig_ignored |= 1ULL << i;
		else if (p->sigactions[i].handler > 1)
			s->sig_caught |= 1ULL << i;
	}
	if (!list_empty(&p->tasks)) {
		struct task *t = list_entry(p->tasks.next, struct task, proc_node);
		s->sig_blocked = t->sig_blocked;
		s->sig_pending |= t->sig_pending;
	}
	spin_unlock(&p->lock);
	if (p->vm) {
		vm_get(p->vm);
		s->vm = p->vm;
	}
	proc_table_unlock();
	return 0;
}

static void snap_release(struct proc_snap *s)
{
	if (s->vm)
		vm_put(s->vm);
}

/* Mapped and resident pages of an address space. */
static void vm_pages(struct vm_space *vm, size_t *mapped, size_t *resident)
{
	*mapped = *resident = 0;
	if (!vm)
		return;
	mutex_lock(&vm->lock);
	list_for_each (it, &vm->vmas) {
		struct vma *v = list_entry(it, struct vma, node);
		*mapped += (v->end - v->start) / PAGE_SIZE;
	}
	*resident = vm->resident_pages;
	mutex_unlock(&vm->lock);
}

static const char *state_name(char st)
{
	switch (st) {
	case 'R': return "R (running)";
	case 'T': return "T (stopped)";
	case 'Z': return "Z (zombie)";
	default: return "S (sleeping)";
	}
}

static int show_status(struct pbuf *b, int pid)
{
	struct proc_snap s;
	size_t mapped, resident;
	int err = snapshot(pid, &s);

	if (err)
		return err;
	vm_pages(s.vm, &mapped, &resident);
	/* The kernel's printf has no %o: the umask's octal digits by hand. */
	pbuf_printf(b, "Name:\t%s\nUmask:\t0%c%c%c\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
	            s.comm, '0' + ((s.umask >> 6) & 7), '0' + ((s.umask >> 3) & 7), '0' + (s.umask & 7),
	            state_name(s.state), s.pid, s.pid, s.ppid);
	pbuf_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\nGroups:\t", s.cred.uid, s.cred.euid,
	            s.suid, s.cred.euid, s.cred.gid, s.cred.egid, s.sgid, s.cred.egid, FD_MAX);
	for (uint32_t i = 0; i < s.cred.ngroups && i < NGROUPS_MAX; i++)
		pbuf_printf(b, "%u ", s.cred.groups[i]);
	pbuf_printf(b, "\nNSpgid:\t%d\nNSsid:\t%d\n", s.pgid, s.sid);
	if (s.vm)
		pbuf_printf(b, "VmPeak:\t%8zu kB\nVmSize:\t%8zu kB\nVmRSS:\t%8zu kB\n", mapped * (PAGE_SIZE / 1024),
		            mapped * (PAGE_SIZE / 1024), resident * (PAGE_SIZE / 1024));
	pbuf_printf(b, "Threads:\t%d\nSigQ:\t0/0\nSigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\n", s.nthreads,
	            (unsigned long)s.sig_pending, (unsigned long)s.sig_pending, (unsigned long)s.sig_blocked);
	/* Bit n-1 stands for signal n, as in Linux's masks. */
	pbuf_printf(b, "SigIgn:\t%016lx\nSigCgt:\t%016lx\n", (unsigned long)(s.sig_ignored >> 1),
	            (unsigned long)(s.sig_caught >> 1));
	snap_release(&s);
	return 0;
}

/* The 52 fields of Linux's /proc/<pid>/stat; what is not tracked is 0. */
static int show_stat(struct pbuf *b, int pid)
{
	struct proc_snap s;
	size_t mapped, resident;
	int err = snapshot(pid, &s);

	if (err)
		return err;
	vm_pages(s.vm, &mapped, &resident);
	pbuf_printf(b, "%d (%s) %c %d %d %d 0 -1 0 %lu 0 0 0 %lu %lu %lu %lu 20 0 %d 0 %lu %lu %lu ", s.pid,
	            s.comm, s.state, s.ppid, s.pgid, s.sid, (unsigned long)s.minflt,
	            (unsigned long)(s.utime_ns / NS_PER_TICK), (unsigned long)(s.stime_ns / NS_PER_TICK),
	            (unsigned long)(s.cutime_ns / NS_PER_TICK), (unsigned long)(s.cstime_ns / NS_PER_TICK), s.nthreads,
	            (unsigned long)(s.start_ns / NS_PER_TICK), (unsigned long)(mapped * PAGE_SIZE),
	            (unsigned long)resident);
	/* rsslim startcode endcode startstack kstkesp kstkeip signal blocked
	 * sigignore sigcatch wchan nswap cnswap exit_signal processor
	 * rt_priority policy delayacct guest_time cguest_time start_data
	 * end_data start_brk arg_start arg_end env_start env_end exit_code */
	pbuf_printf(b, "18446744073709551615 0 0 0 0 0 %lu %lu %lu %lu 0 0 0 %d 0 0 0 0 0 0 0 0 0 %lu %lu 0 0 0\n",
	            (unsigned long)s.sig_pending, (unsigned long)s.sig_blocked, (unsigned long)s.sig_ignored >> 1,
	            (unsigned long)s.sig_caught >> 1, s.exit_signal, (unsigned long)s.arg_start,
	            (unsigned long)s.arg_end);
	snap_release(&s);
	return 0;
}

static int show_statm(struct pbuf *b, int pid)
{
	struct proc_snap s;
	size_t mapped, resident;
	int err = snapshot(pid, &s);

	if (err)
		return err;
	vm_pages(s.vm, &mapped, &resident);
	pbuf_printf(b, "%zu %zu 0 0 0 0 0\n", mapped, resident);
	snap_release(&s);
	return 0;
}

static int show_comm(struct pbuf *b, int pid)
{
	struct proc_snap s;
	int err = snapshot(pid, &s);

	if (err)
		return err;
	pbuf_printf(b, "%s\n", s.comm);
	snap_release(&s);
	return 0;
}

/* The argument strings as they are now in the process's memory (a
 * zombie's is empty). */
static int show_cmdline(struct pbuf *b, int pid)
{
	struct proc_snap s;
	size_t len;
	char *buf;
	int err = snapshot(pid, &s);

	if (err)
		return err;
	len = s.arg_end > s.arg_start ? MIN(s.arg_end - s.arg_start, (size_t)CMDLINE_MAX) : 0;
	if (s.vm && len) {
		buf = kmalloc(len);
		if (!buf) {
			snap_release(&s);
			return -ENOMEM;
		}
		if (copy_from_user(s.vm, buf, s.arg_start, len) == 0)
			pbuf_put(b, buf, len);
		kfree(buf);
	}
	snap_release(&s);
	return 0;
}

/* A directory of process pid (cwd or root) as a path from the reader's
 * root. */
static int link_dir(struct pbuf *b, int pid, bool want_root)
{
	struct process *p, *me = proc_current();
	struct inode *target = NULL, *my_root;
	struct vfs_ctx ctx;
	char *path;
	int n;

	proc_table_lock();
	p = proc_find_locked(pid);
	if (p) {
		spin_lock(&p->lock);
		target = want_root ? p->root : p->cwd;
		if (target)
			inode_get(target);
		spin_unlock(&p->lock);
	}
	proc_table_unlock();
	if (!target)
		return -ESRCH;
	my_root = NULL;
	if (me) {
		spin_lock(&me->lock);
		my_root = me->root ? inode_get(me->root) : NULL;
		spin_unlock(&me->lock);
	}
	if (!my_root)
		my_root = vfs_root();
	path = kmalloc(PATH_MAX);
	if (!path || !my_root) {
		n = -ENOMEM;
	} else {
		ctx.cred = me ? &me->cred : &cred_root;
		ctx.root = my_root;
		ctx.cwd = target;
		n = vfs_getcwd(&ctx, path, PATH_MAX);
		if (n > 0)
			pbuf_put(b, path, (size_t)n - 1);
	}
	kfree(path);
	if (my_root)
		inode_put(my_root);
	inode_put(target);
	return n < 0 ? n : 0;
}

static int link_cwd(struct pbuf *b, int pid)
{
	return link_dir(b, pid, false);
}

static int link_root(struct pbuf *b, int pid)
{
	return link_dir(b, pid, true);
}

const struct procfs_entry procfs_pid_entries[] = {
    {"cmdline", S_IFREG | 0444, show_cmdline, NULL},
    {"comm", S_IFREG | 0444, show_comm, NULL},
    {"cwd", S_IFLNK | 0777, NULL, link_cwd},
    {"mounts", S_IFREG | 0444, procfs_show_mounts, NULL},
    {"root", S_IFLNK | 0777, NULL, link_root},
    {"stat", S_IFREG | 0444, show_stat, NULL},
    {"statm", S_IFREG | 0444, show_statm, NULL},
    {"status", S_IFREG | 0444, show_status, NULL},
};
const size_t procfs_pid_count = ARRAY_SIZE(procfs_pid_entries);

bool procfs_pid_alive(int pid, uint32_t *uid, uint32_t *gid)
{
	struct process *p;

	proc_table_lock();
	p = proc_find_locked(pid);
	if (p && uid)
		*uid = p->cred.euid;
	if (p && gid)
		*gid = p->cred.egid;
	proc_table_unlock();
	return p != NULL;
}

unsigned procfs_count_running(unsigned *threads, int *max_pid)
{
	struct process *p;
	unsigned running = 0;

	*threads = 0;
	*max_pid = 0;
	proc_table_lock();
	for_each_process(p) {
		if (p->state != PROC_ALIVE)
			continue;
		*threads += p->ntasks;
		if (procfs_proc_state(p) == 'R')
			running++;
		if (p->pid > *max_pid)
			*max_pid = p->pid;
	}
	proc_table_unlock();
	return running;
}

size_t procfs_list_pids(int after, int *out, size_t max)
{
	struct process *p;
	size_t n = 0;

	/* The smallest `max` pids above `after`, ascending (insertion into a
	 * sorted array: the table is small). */
	proc_table_lock();
	for_each_process(p) {
		size_t i;
		if (p->pid <= after || p->state == PROC_REAPED)
			continue;
		if (n == max && p->pid > out[n - 1])
			continue;
		i = n < max ? n++ : n - 1;
		while (i > 0 && out[i - 1] > p->pid) {
			out[i] = out[i - 1];
			i--;
		}
		out[i] = p->pid;
	}
	proc_table_unlock();
	return n;
}
