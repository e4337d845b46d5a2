/* wait4 and waitid: collecting children's state changes. */
#include <kern/abi/resource.h>
#include <kern/abi/signal.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/proc.h>
#include <kern/string.h>
#include <kern/syscall.h>
#include <kern/vm.h>

#include "proc_internal.h"

#define WNOHANG     0x00000001
#define WUNTRACED   0x00000002
#define WSTOPPED    WUNTRACED
#define WEXITED     0x00000004
#define WCONTINUED  0x00000008
#define WNOWAIT     0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL      0x40000000
#define __WCLONE    0x80000000
#define P_ALL       0
#define P_PID       1
#define P_PGID      2

struct wait_query {
	int idtype; /* P_ALL, P_PID, P_PGID */
	int id;
	unsigned options;
	/* the result */
	int pid, status, code;
	uint32_t uid;
};

static bool child_matches(const struct wait_query *q, const struct process *c)
{
	switch (q->idtype) {
	case P_PID: return c->pid == q->id;
	case P_PGID: return c->pgid == q->id;
	}
	return true;
}

/* Looks for a reportable child; table lock held. Returns 1 found, 0 none
 * yet, -ECHILD when no child matches at all. */
static int find_child(struct process *me, struct wait_query *q)
{
	bool any = false;

	list_for_each_safe (it, tmp, &me->children) {
		struct process *c = list_entry(it, struct process, sibling);
		if (!child_matches(q, c))
			continue;
		any = true;
		if (c->state == PROC_ZOMBIE && (q->options & WEXITED)) {
			int st = c->exit_status;
			q->pid = c->pid;
			q->uid = c->cred.uid;
			q->status = st;
			q->code = (st & 0x7f) == 0 ? CLD_EXITED : (st & 0x80) ? CLD_DUMPED : CLD_KILLED;
			if (!(q->options & WNOWAIT)) {
				me->cutime_ns += c->utime_ns + c->cutime_ns;
				me->cstime_ns += c->stime_ns + c->cstime_ns;
				proc_free(c);
			}
			return 1;
		}
		if (c->state == PROC_ALIVE && c->state_change == PROC_CHANGE_STOPPED && (q->options & WSTOPPED)) {
			q->pid = c->pid;
			q->uid = c->cred.uid;
			q->status = (c->stop_sig << 8) | 0x7f;
			q->code = CLD_STOPPED;
			if (!(q->options & WNOWAIT))
				c->state_change = PROC_CHANGE_NONE;
			return 1;
		}
		if (c->state == PROC_ALIVE && c->state_change == PROC_CHANGE_CONTINUED && (q->options & WCONTINUED)) {
			q->pid = c->pid;
			q->uid = c->cred.uid;
			q->status = 0xffff;
			q->code = CLD_CONTINUED;
			if (!(q->options & WNOWAIT))
				c->state_change = PROC_CHANGE_NONE;
			return 1;
		}
	}
	return any ? 0 : -ECHILD;
}

struct gen_wait {
	struct process *me;
	unsigned long gen;
};

static bool child_gen_changed(void *arg)
{
	struct gen_wait *g = arg;
	return g->me->child_gen != g->gen;
}

struct wait_ctx {
	struct process *me;
	struct wait_query *q;
	int result;
};

static bool something_to_report(void *arg)
{
	struct wait_ctx *w = arg;

	w->result = find_child(w->me, w->q);
	return w->result != 0;
}

/* The child list is guarded by the table mutex, which cannot be taken
 * under the wait queue's spinlock: check under the mutex, then wait for a
 * change with a generation count so none is missed between the two. */
static long do_wait(struct wait_query *q)
{
	struct process *me = proc_current();
	struct wait_ctx w = {me, q, 0};
	int err = 0;

	for (;;) {
		unsigned long gen = me->child_gen;
		proc_table_lock();
		something_to_report(&w);
		proc_table_unlock();
		if (w.result != 0 || (q->options & WNOHANG))
			break;
		err = waitqueue_wait_interruptible(&me->child_wait, child_gen_changed, &(struct gen_wait){me, gen}, 0);
		if (err)
			break;
	}
	if (q->options & WNOHANG)
		return w.result < 0 ? w.result : w.result ? q->pid : 0;
	if (err)
		return -ERESTARTSYS;
	return w.result < 0 ? w.result : q->pid;
}

long sys_wait4(long pid, long ustatus, long options, long urusage, long a4, long a5)
{
	struct wait_query q = {0};
	long r;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (pid == -2147483648L)
		return -ESRCH; /* -INT_MIN has no process group */
	q.options = (unsigned)options | WEXITED;
	if (pid > 0) {
		q.idtype = P_PID;
		q.id = (int)pid;
	} else if (pid == 0) {
		q.idtype = P_PGID;
		q.id = proc_current()->pgid;
	} else if (pid < -1) {
		q.idtype = P_PGID;
		q.id = (int)-pid;
	}
	r = do_wait(&q);
	if (r > 0 && ustatus) {
		int32_t st = q.status;
		if (copy_to_user(proc_current()->vm, (uintptr_t)ustatus, &st, sizeof(st)))
			return -EFAULT;
	}
	if (r > 0 && urusage) {
		struct linux_rusage ru;
		memset(&ru, 0, sizeof(ru));
		if (copy_to_user(proc_current()->vm, (uintptr_t)urusage, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return r;
}

static long waitid_check(long idtype, long id, long options)
{
	if (options & ~(WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	if (idtype != P_ALL && idtype != P_PID && idtype != P_PGID)
		return -EINVAL;
	if ((idtype == P_PID || idtype == P_PGID) && id <= 0 && !(idtype == P_PGID && id == 0))
		return -EINVAL;
	return 0;
}

long sys_waitid(long idtype, long id, long uinfo, long options, long urusage, long a5)
{
	struct wait_query q = {0};
	struct linux_siginfo si;
	long r = waitid_check(idtype, id, options);

	if (!r) {
		q.idtype = (int)idtype;
		q.id = idtype == P_PGID && id == 0 ? proc_current()->pgid : (int)id;
		q.options = (unsigned)options;
		r = do_wait(&q);
	}
	memset(&si, 0, sizeof(si));
	if (r > 0) {
		si.si_signo = SIGCHLD;
		si.si_code = q.code;
		si.u.chld.pid = q.pid;
		si.u.chld.uid = q.uid;
		si.u.chld.status = q.code == CLD_EXITED      ? (q.status >> 8) & 0xff
		                   : q.code == CLD_STOPPED   ? (q.status >> 8) & 0xff
		                   : q.code == CLD_CONTINUED ? SIGCONT
		                                             : q.status & 0x7f;
	}
	/* Linux fills in the siginfo whatever the outcome, errors included:
	 * a bad pointer is EFAULT even when the arguments are invalid. */
	if (uinfo && copy_to_user(proc_current()->vm, (uintptr_t)uinfo, &si, sizeof(si)))
		return -EFAULT;
	return r < 0 ? r : 0;
}
