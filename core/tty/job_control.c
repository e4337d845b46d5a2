/* Job control on terminals: which session a tty controls, which process
 * group is in the foreground, and what background groups get when they
 * touch it (SIGTTIN, SIGTTOU), following Linux's tty_jobctrl.c. */
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/proc.h>

#include "../proc/proc_internal.h"
#include "tty_internal.h"

#define SIG_IGN_HANDLER 1

static bool sig_ignored_or_blocked(struct task *t, int sig)
{
	return t->proc->sigactions[sig - 1].handler == SIG_IGN_HANDLER || (t->sig_blocked & (1ULL << (sig - 1)));
}

static bool pgrp_orphaned(struct process *p)
{
	return proc_pgrp_orphaned(p->pgid);
}

void tty_signal_pgrp(struct tty *tty, int pgrp, int sig)
{
	if (tty->ops->signal)
		tty->ops->signal(tty, pgrp, sig);
	else
		signal_send_pgrp(pgrp, sig);
}

/* The background check shared by reads and output changes: 0 when the
 * caller may go on. */
static int background_check(struct tty *tty, int sig, bool allow_if_ignored)
{
	struct task *t = task_current();
	struct process *p = t ? t->proc : NULL;
	int pgrp;

	if (!p || atomic_load_acquire(&tty->session) != p->sid)
		return 0; /* not its controlling terminal */
	pgrp = atomic_load_acquire(&tty->pgrp);
	if (pgrp <= 0 || pgrp == p->pgid)
		return 0;
	if (sig_ignored_or_blocked(t, sig))
		return allow_if_ignored ? 0 : -EIO;
	if (pgrp_orphaned(p))
		return -EIO;
	tty_signal_pgrp(tty, p->pgid, sig);
	return -ERESTARTSYS;
}

int tty_check_read(struct tty *tty)
{
	return background_check(tty, SIGTTIN, false);
}

int tty_check_change(struct tty *tty)
{
	return background_check(tty, SIGTTOU, true);
}

int tty_check_write(struct tty *tty)
{
	bool tostop;

	mutex_lock(&tty->lock);
	tostop = L_FLAG(tty, TOSTOP);
	mutex_unlock(&tty->lock);
	return tostop ? background_check(tty, SIGTTOU, true) : 0;
}

bool tty_session_alive(int sid)
{
	struct process *p;
	bool alive;

	if (sid <= 0)
		return false;
	proc_table_lock();
	p = proc_find_locked(sid);
	alive = p && p->state == PROC_ALIVE && p->sid == sid;
	proc_table_unlock();
	return alive;
}

/* Session changes happen under the registry lock, so that a session has
 * at most one terminal and a terminal at most one session. */
void tty_set_ctty(struct tty *tty, int sid, int pgrp)
{
	tty_registry_lock();
	atomic_store_release(&tty->session, sid);
	atomic_store_release(&tty->pgrp, pgrp);
	tty_registry_unlock();
}

/* Detaches the tty from session `sid`; returns its foreground group then,
 * or 0 if it did not belong to that session. */
static int detach_session(struct tty *tty, int sid)
{
	int pgrp = 0;

	tty_registry_lock();
	if (tty->session == sid) {
		pgrp = tty->pgrp;
		atomic_store_release(&tty->session, 0);
		atomic_store_release(&tty->pgrp, 0);
	}
	tty_registry_unlock();
	return pgrp;
}

/* Frees a tty whose session lost its leader (no exit hook ran). */
static void reclaim_if_dead(struct tty *tty)
{
	int sid = atomic_load_acquire(&tty->session);

	if (sid && !tty_session_alive(sid))
		detach_session(tty, sid);
}

void tty_claim_for_current(struct tty *tty)
{
	struct process *p = proc_current();

	if (!p || p->pid != p->sid || atomic_load_acquire(&tty->session) == p->sid)
		return;
	reclaim_if_dead(tty);
	tty_registry_lock();
	if (!tty_of_session_locked(p->sid) && tty->session == 0) {
		atomic_store_release(&tty->session, p->sid);
		atomic_store_release(&tty->pgrp, p->pgid);
	}
	tty_registry_unlock();
}

int tty_make_ctty(struct tty *tty, bool steal)
{
	struct process *p = proc_current();
	int err = 0;

	if (!p || p->pid != p->sid)
		return -EPERM;
	if (atomic_load_acquire(&tty->session) == p->sid)
		return 0;
	reclaim_if_dead(tty);
	tty_registry_lock();
	if (tty_of_session_locked(p->sid))
		err = -EPERM; /* it already has another terminal */
	else if (tty->session && !(steal && p->cred.euid == 0))
		err = -EPERM;
	if (!err) {
		atomic_store_release(&tty->session, p->sid);
		atomic_store_release(&tty->pgrp, p->pgid);
	}
	tty_registry_unlock();
	return err;
}

int tty_release_ctty(struct tty *tty)
{
	struct process *p = proc_current();
	int pgrp;

	if (!p || atomic_load_acquire(&tty->session) != p->sid)
		return -ENOTTY;
	if (p->pid != p->sid)
		return 0; /* the terminal belongs to the session, which keeps it */
	pgrp = detach_session(tty, p->sid);
	if (pgrp > 0) {
		tty_signal_pgrp(tty, pgrp, SIGHUP);
		tty_signal_pgrp(tty, pgrp, SIGCONT);
	}
	return 0;
}

void tty_session_leader_exit(int sid)
{
	struct tty *tty = tty_of_session(sid);
	int pgrp;

	if (!tty)
		return;
	pgrp = detach_session(tty, sid);
	if (pgrp > 0) {
		tty_signal_pgrp(tty, pgrp, SIGHUP);
		tty_signal_pgrp(tty, pgrp, SIGCONT);
	}
}
