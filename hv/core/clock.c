/* The VM's hv_clock: device timers on top of one ktimer. ktimer callbacks
 * run in interrupt context, where device models must not run, so the
 * ktimer only wakes the VM's timer thread, which runs expired hv_timers
 * with the device mutex held. */
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <plat/time.h>

#include "vm_internal.h"

#define TIMER_THREAD_PRIO (SCHED_PRIO_DEFAULT + 2) /* devices first: they feed the vCPUs */

static ktime_t clock_now(void *ctx)
{
	(void)ctx;
	return plat_time_ns();
}

static void timer_thread_wake(struct hv_vm *vm)
{
	atomic_add_fetch(&vm->timer_seq, 1);
	waitqueue_wake_all(&vm->timer_wq);
}

static void ktimer_fired(struct ktimer *kt)
{
	timer_thread_wake(kt->arg);
}

static struct hv_vm_timer *timer_record(struct hv_vm *vm, struct hv_timer *t)
{
	struct hv_vm_timer *rec = t->priv;

	if (rec)
		return rec;
	rec = kzalloc(sizeof(*rec));
	if (!rec)
		return NULL;
	rec->t = t;
	spin_lock(&vm->timer_lock);
	list_push_back(&vm->timers_all, &rec->all);
	spin_unlock(&vm->timer_lock);
	t->priv = rec;
	return rec;
}

static void clock_arm(void *ctx, struct hv_timer *t, ktime_t deadline)
{
	struct hv_vm *vm = ctx;
	struct hv_vm_timer *rec = timer_record(vm, t), *it;
	struct list_node *pos;
	bool first;

	if (!rec) {
		pr_err("vm %s: no memory for a device timer\n", vm->name);
		return;
	}
	spin_lock(&vm->timer_lock);
	if (rec->armed)
		list_remove(&rec->node);
	rec->deadline = deadline;
	rec->armed = true;
	/* Sorted by deadline; equal deadlines fire in arming order. */
	for (pos = vm->timers_armed.next; pos != &vm->timers_armed; pos = pos->next) {
		it = list_entry(pos, struct hv_vm_timer, node);
		if (it->deadline > deadline)
			break;
	}
	list_insert_between(&rec->node, pos->prev, pos);
	first = vm->timers_armed.next == &rec->node;
	spin_unlock(&vm->timer_lock);
	if (first)
		timer_thread_wake(vm);
}

static void clock_cancel(void *ctx, struct hv_timer *t)
{
	struct hv_vm *vm = ctx;
	struct hv_vm_timer *rec = t->priv;

	if (!rec)
		return;
	spin_lock(&vm->timer_lock);
	if (rec->armed) {
		list_remove(&rec->node);
		rec->armed = false;
	}
	spin_unlock(&vm->timer_lock);
}

/* Takes the first timer due at `now`, or returns NULL and the next
 * deadline (0: none). */
static struct hv_timer *take_expired(struct hv_vm *vm, ktime_t now, ktime_t *next)
{
	struct hv_vm_timer *rec = NULL;

	*next = 0;
	spin_lock(&vm->timer_lock);
	if (!list_empty(&vm->timers_armed)) {
		rec = list_entry(vm->timers_armed.next, struct hv_vm_timer, node);
		if (rec->deadline <= now) {
			list_remove(&rec->node);
			rec->armed = false;
		} else {
			*next = rec->deadline;
			rec = NULL;
		}
	}
	spin_unlock(&vm->timer_lock);
	return rec ? rec->t : NULL;
}

struct timer_wait {
	struct hv_vm *vm;
	uint64_t seq;
};

static bool timer_event(void *arg)
{
	struct timer_wait *w = arg;

	return atomic_load_acquire(&w->vm->timer_seq) != w->seq || w->vm->timer_quit;
}

static void timer_thread(void *arg)
{
	struct hv_vm *vm = arg;

	while (!vm->timer_quit) {
		struct timer_wait w = {vm, atomic_load_acquire(&vm->timer_seq)};
		struct hv_timer *t;
		ktime_t next;

		mutex_lock(&vm->dev_lock);
		while ((t = take_expired(vm, plat_time_ns(), &next)))
			t->fn(t);
		mutex_unlock(&vm->dev_lock);
		if (next)
			ktimer_arm(&vm->ktimer, next);
		else
			ktimer_cancel(&vm->ktimer);
		waitqueue_wait(&vm->timer_wq, timer_event, &w);
	}
}

int hv_vm_clock_init(struct hv_vm *vm)
{
	char name[24];

	spin_init(&vm->timer_lock, "hv-timers");
	list_init(&vm->timers_armed);
	list_init(&vm->timers_all);
	waitqueue_init(&vm->timer_wq);
	ktimer_init(&vm->ktimer, ktimer_fired, vm);
	vm->clock = (struct hv_clock){clock_now, clock_arm, clock_cancel, vm};
	ksnprintf(name, sizeof(name), "hvtimer-%s", vm->name);
	vm->timer_thread = thread_create(timer_thread, vm, name, TIMER_THREAD_PRIO, CPU_ANY, false);
	return vm->timer_thread ? 0 : -ENOMEM;
}

void hv_vm_clock_destroy(struct hv_vm *vm)
{
	if (!vm->timer_thread)
		return;
	vm->timer_quit = true;
	timer_thread_wake(vm);
	thread_join(vm->timer_thread);
	vm->timer_thread = NULL;
	ktimer_cancel(&vm->ktimer);
	while (!list_empty(&vm->timers_all)) {
		struct hv_vm_timer *rec = list_entry(vm->timers_all.next, struct hv_vm_timer, all);

		list_remove(&rec->all);
		rec->t->priv = NULL;
		kfree(rec);
	}
}

const struct hv_clock *hv_vm_clock(struct hv_vm *vm)
{
	return &vm->clock;
}
