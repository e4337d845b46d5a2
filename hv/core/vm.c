/* VM lifecycle, the state machine and the vCPU run loop (include/hv/vm.h).
 *
 * Every lifecycle call holds vm->ctl, so they never interleave; a vCPU
 * stopping the VM from inside (power-off, triple fault) never takes ctl,
 * it only flips the state under vm->lock and kicks the others. vCPUs and
 * controllers wait on one wait queue, woken at every state change; a vCPU
 * is `parked` while it waits for resume or after its thread left the loop,
 * which is what pause and stop wait for. */
#include <hv/dev/intc.h>
#include <hv/step.h>
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/printf.h>
#include <kern/sched.h>
#include <kern/stdarg.h>
#include <kern/string.h>

#include "vm_internal.h"

#define RFLAGS_IF (1ull << 9)

const char *hv_vm_state_name(enum hv_vm_state s)
{
	switch (s) {
	case HV_VM_CREATED: return "created";
	case HV_VM_RUNNING: return "running";
	case HV_VM_PAUSED: return "paused";
	case HV_VM_STOPPED: return "stopped";
	}
	return "unknown";
}

static void vm_wake(struct hv_vm *vm)
{
	waitqueue_wake_all(&vm->wq);
}

void hv_vm_kick_vcpu(struct hv_vm *vm, unsigned cpu)
{
	struct hv_vcpu *v;

	if (cpu >= vm->ncpus)
		return;
	v = &vm->vcpu[cpu];
	atomic_add_fetch(&v->wake_seq, 1);
	if (v->priv)
		vm->be->kick(v->priv);
	vm_wake(vm);
}

static void kick_all(struct hv_vm *vm)
{
	for (unsigned i = 0; i < vm->ncpus; i++)
		hv_vm_kick_vcpu(vm, i);
}

/* Moves a RUNNING or PAUSED VM to STOPPED; false if it was not. */
static bool set_stopped(struct hv_vm *vm, enum hv_stop_reason reason, int64_t code, unsigned vcpu, uint64_t rip,
                        const char *msg)
{
	bool changed = false;

	spin_lock(&vm->lock);
	if (vm->state == HV_VM_RUNNING || vm->state == HV_VM_PAUSED) {
		vm->state = HV_VM_STOPPED;
		vm->stop.reason = reason;
		vm->stop.code = code;
		vm->stop.vcpu = vcpu;
		vm->stop.rip = rip;
		kstrlcpy(vm->stop.message, msg, sizeof(vm->stop.message));
		changed = true;
	}
	spin_unlock(&vm->lock);
	if (changed) {
		pr_info("vm %s: stopped: %s\n", vm->name, msg);
		kick_all(vm);
	}
	return changed;
}

void hv_vm_stop_from_vcpu(struct hv_vcpu *v, enum hv_stop_reason reason, int64_t code, const char *fmt, ...)
{
	char msg[sizeof(v->vm->stop.message)];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	set_stopped(v->vm, reason, code, v->id, v->run.exit.rip, msg);
}

static struct hv_vcpu *current_vcpu(struct hv_vm *vm)
{
	struct thread *self = thread_current();

	for (unsigned i = 0; i < vm->ncpus; i++)
		if (vm->vcpu[i].thread == self)
			return &vm->vcpu[i];
	return NULL;
}

void hv_vm_guest_stop(struct hv_vm *vm, enum hv_stop_reason reason, int64_t code, const char *message)
{
	struct hv_vcpu *v = current_vcpu(vm);

	set_stopped(vm, reason, code, v ? v->id : 0, v ? v->run.exit.rip : 0, message);
}

void hv_vcpu_inject_exception(struct hv_vcpu *v, unsigned vector, bool has_error, uint32_t error)
{
	v->run.exception_vector = (int)vector;
	v->run.exception_has_error = has_error;
	v->run.exception_error = error;
	v->run.complete = false;
}

/* ---- the vCPU thread ---- */

#define STARTUP_INIT (1u << 8)
#define STARTUP_SIPI (1u << 9)

void hv_vm_vcpu_startup(struct hv_vm *vm, unsigned cpu, bool init, uint8_t vector)
{
	if (cpu >= vm->ncpus)
		return;
	if (init)
		atomic_fetch_or(&vm->vcpu[cpu].startup_req, STARTUP_INIT);
	else
		atomic_fetch_or(&vm->vcpu[cpu].startup_req, STARTUP_SIPI | vector);
	hv_vm_kick_vcpu(vm, cpu);
}

/* INIT puts the vCPU in its reset state waiting for a SIPI; the SIPI
 * starts it in real mode at vector << 12. */
void hv_vcpu_apply_startup(struct hv_vcpu *v)
{
	struct hv_vm *vm = v->vm;
	unsigned req = atomic_exchange(&v->startup_req, 0);
	struct hv_regs r;
	struct hv_sregs s;

	if (req & STARTUP_INIT) {
		hv_regs_reset(&r, &s);
		s.apic_base &= ~(1ull << 8); /* not the BSP */
		vm->be->set_regs(v->priv, &r);
		vm->be->set_sregs(v->priv, &s);
		v->run.complete = false;
		v->run.exception_vector = -1;
		v->halted = false;
		spin_lock(&vm->lock);
		v->wait_sipi = true;
		spin_unlock(&vm->lock);
	}
	if ((req & STARTUP_SIPI) && v->wait_sipi && vm->be->get_regs(v->priv, &r) == 0 &&
	    vm->be->get_sregs(v->priv, &s) == 0) {
		r.rip = 0;
		s.cs.selector = (uint16_t)((req & 0xff) << 8);
		s.cs.base = (uint64_t)(req & 0xff) << 12;
		vm->be->set_regs(v->priv, &r);
		vm->be->set_sregs(v->priv, &s);
		v->intr_ready = false;
		spin_lock(&vm->lock);
		v->wait_sipi = false;
		spin_unlock(&vm->lock);
	}
}

static bool vcpu_may_run(void *arg)
{
	struct hv_vcpu *v = arg;
	int st = v->vm->state;

	return st == HV_VM_STOPPED || (st == HV_VM_RUNNING && (!v->wait_sipi || v->startup_req));
}

/* Parks while the VM is paused (or this AP awaits its SIPI); false once
 * the VM is stopped. */
static bool vcpu_wait_runnable(struct hv_vcpu *v)
{
	struct hv_vm *vm = v->vm;

	for (;;) {
		bool newly_parked;

		if (atomic_load_acquire(&v->startup_req))
			hv_vcpu_apply_startup(v);
		spin_lock(&vm->lock);
		if (vm->state == HV_VM_STOPPED) {
			spin_unlock(&vm->lock);
			return false;
		}
		if (vm->state == HV_VM_RUNNING && !v->wait_sipi) {
			v->parked = false;
			spin_unlock(&vm->lock);
			return true;
		}
		newly_parked = !v->parked;
		v->parked = true;
		spin_unlock(&vm->lock);
		if (newly_parked)
			vm_wake(vm);
		waitqueue_wait(&vm->wq, vcpu_may_run, v);
	}
}

struct halt_wait {
	struct hv_vcpu *v;
	uint64_t seq;
};

static bool halt_should_check(void *arg)
{
	struct halt_wait *w = arg;

	return atomic_load_acquire(&w->v->wake_seq) != w->seq || w->v->vm->state != HV_VM_RUNNING || w->v->startup_req;
}

/* Whether a halted vCPU has something that ends HLT. */
bool hv_vcpu_halt_wakes(struct hv_vcpu *v, uint64_t halted_seq, uint64_t seq)
{
	struct hv_vm *vm = v->vm;
	struct hv_regs r;
	int vec;

	if (!vm->has_intr)
		return seq != halted_seq; /* any kick is the event */
	mutex_lock(&vm->dev_lock);
	vec = vm->intr.pending(vm->intr.ctx, v->id);
	mutex_unlock(&vm->dev_lock);
	if (vec < 0)
		return false;
	if (vec > 255)
		return true; /* NMI: not masked by IF */
	return vm->be->get_regs(v->priv, &r) == 0 && (r.rflags & RFLAGS_IF);
}

/* Waits in HLT; true when an event ends it, false when the VM left
 * RUNNING (the vCPU stays halted and waits again after a resume). */
static bool vcpu_halt_wait(struct hv_vcpu *v, uint64_t *halted_seq)
{
	struct halt_wait w = {v, 0};

	for (;;) {
		w.seq = atomic_load_acquire(&v->wake_seq);
		if (hv_vcpu_halt_wakes(v, *halted_seq, w.seq)) {
			v->halted = false;
			return true;
		}
		if (v->vm->state != HV_VM_RUNNING || atomic_load_acquire(&v->startup_req))
			return false;
		waitqueue_wait(&v->vm->wq, halt_should_check, &w);
	}
}

/* Before an entry: inject the controller's next vector if the guest can
 * take it now, else ask to exit when it can. */
static void vcpu_prepare_entry(struct hv_vcpu *v)
{
	struct hv_vm *vm = v->vm;
	int vec;

	if (!vm->has_intr)
		return;
	mutex_lock(&vm->dev_lock);
	vec = vm->intr.pending(vm->intr.ctx, v->id);
	if (vec == HV_INTC_NMI) {
		/* Not masked by IF: the backend holds it while the guest's NMI
		 * handler runs, as a CPU latches one NMI. */
		vm->intr.ack(vm->intr.ctx, v->id, vec);
		v->run.inject_nmi = true;
		atomic_fetch_add(&vm->stats.injected_nmis, 1);
		vec = vm->intr.pending(vm->intr.ctx, v->id);
	}
	if (vec > 255) {
		/* Anything else above 255 is no vector: drop it rather than let
		 * it shadow every other one. */
		vm->intr.ack(vm->intr.ctx, v->id, vec);
		pr_warn("vm %s: vcpu %u: event %d dropped\n", vm->name, v->id, vec);
		vec = -1;
	}
	if (vec >= 0) {
		if (v->intr_ready && v->run.exception_vector < 0) {
			vm->intr.ack(vm->intr.ctx, v->id, vec);
			v->run.inject_vector = vec;
			atomic_fetch_add(&vm->stats.injected_irqs, 1);
		} else {
			v->run.request_intr_window = true;
		}
	}
	mutex_unlock(&vm->dev_lock);
}

void hv_vcpu_turn(struct hv_vcpu *v)
{
	struct hv_vm *vm = v->vm;
	int err;

	vcpu_prepare_entry(v);
	err = vm->be->run(v->priv, &v->run);
	v->run.complete = false;
	v->run.inject_vector = -1;
	v->run.request_intr_window = false;
	v->run.exception_vector = -1;
	v->run.inject_nmi = false;
	if (err) {
		hv_vm_stop_from_vcpu(v, HV_STOP_ERROR, err, "vcpu %u: backend run failed (%d)", v->id, err);
		return;
	}
	if ((unsigned)v->run.exit.reason < HV_EXIT_REASON_COUNT)
		atomic_fetch_add(&vm->stats.exits[v->run.exit.reason], 1);
	v->intr_ready = v->run.intr_ready;
	hv_exit_dispatch(v);
}

static void vcpu_thread(void *arg)
{
	struct hv_vcpu *v = arg;
	struct hv_vm *vm = v->vm;
	uint64_t halted_seq = 0;

	while (vcpu_wait_runnable(v)) {
		if (v->halted && !vcpu_halt_wait(v, &halted_seq))
			continue;
		hv_vcpu_turn(v);
		if (v->halted)
			halted_seq = atomic_load_acquire(&v->wake_seq);
	}
	spin_lock(&vm->lock);
	v->parked = true;
	v->exited = true;
	spin_unlock(&vm->lock);
	vm_wake(vm);
}

/* ---- lifecycle ---- */

static bool all_parked(void *arg)
{
	struct hv_vm *vm = arg;

	for (unsigned i = 0; i < vm->threads_started; i++)
		if (!vm->vcpu[i].parked)
			return false;
	return true;
}

static bool all_exited(void *arg)
{
	struct hv_vm *vm = arg;

	for (unsigned i = 0; i < vm->threads_started; i++)
		if (!vm->vcpu[i].exited)
			return false;
	return true;
}

static bool stopped_and_quiet(void *arg)
{
	struct hv_vm *vm = arg;

	return vm->state == HV_VM_STOPPED && all_exited(vm);
}

static bool backend_ok(const struct hv_backend *be)
{
	return be && be->vm_create && be->vm_destroy && be->map && be->unmap && be->vcpu_create && be->vcpu_destroy &&
	       be->get_regs && be->set_regs && be->get_sregs && be->set_sregs && be->run && be->kick;
}

static int vcpu_init(struct hv_vm *vm, unsigned id)
{
	struct hv_vcpu *v = &vm->vcpu[id];
	int err;

	v->vm = vm;
	v->id = id;
	v->run.inject_vector = -1;
	v->run.exception_vector = -1;
	err = vm->be->vcpu_create(vm->priv, id, &v->priv);
	if (err) {
		v->priv = NULL;
		return err;
	}
	hv_msr_reset(v);
	v->ncpuid = hv_vcpu_cpuid_build(v);
	if (vm->be->set_cpuid)
		return vm->be->set_cpuid(v->priv, v->cpuid, v->ncpuid);
	return 0;
}

struct hv_vm *hv_vm_create(const struct hv_vm_config *cfg, int *err)
{
	struct hv_vm *vm;
	int e = -EINVAL;

	if (!cfg || cfg->ncpus < 1 || cfg->ncpus > HV_MAX_VCPUS || !backend_ok(cfg->backend))
		goto fail;
	e = -ENOMEM;
	vm = kzalloc(sizeof(*vm));
	if (!vm)
		goto fail;
	kstrlcpy(vm->name, cfg->name ? cfg->name : "vm", sizeof(vm->name));
	vm->be = cfg->backend;
	vm->ncpus = cfg->ncpus;
	vm->state = HV_VM_CREATED;
	gmem_init(&vm->gmem, cfg->ram_limit);
	hv_bus_init(&vm->pio);
	hv_bus_init(&vm->mmio);
	mutex_init(&vm->dev_lock, "hv-devices");
	mutex_init(&vm->ctl, "hv-ctl");
	spin_init(&vm->lock, "hv-vm");
	spin_init(&vm->msr_log_lock, "hv-msrlog");
	waitqueue_init(&vm->wq);
	e = vm->be->vm_create(&vm->priv);
	if (e) {
		vm->priv = NULL;
		goto fail_vm;
	}
	for (unsigned i = 0; i < vm->ncpus; i++) {
		e = vcpu_init(vm, i);
		if (e)
			goto fail_vm;
	}
	/* The TSC's rate goes into CPUID: the tables are built again. */
	hv_vm_tsc_init(vm);
	e = hv_vm_set_cpuid_features(vm, 0);
	if (e)
		goto fail_vm;
	e = hv_vm_clock_init(vm);
	if (e)
		goto fail_vm;
	if (err)
		*err = 0;
	return vm;
fail_vm:
	hv_vm_destroy(vm);
fail:
	if (err)
		*err = e;
	return NULL;
}

static void unmap_region(struct hv_vm *vm, const struct gmem_region *r, unsigned nchunks)
{
	for (unsigned i = 0; i < nchunks; i++) {
		uint64_t off = (uint64_t)i * GMEM_CHUNK;

		vm->be->unmap(vm->priv, r->gpa + off, MIN(GMEM_CHUNK, r->size - off));
	}
}

static unsigned region_chunks(const struct gmem_region *r)
{
	return (unsigned)((r->size + GMEM_CHUNK - 1) / GMEM_CHUNK);
}

void hv_vm_destroy(struct hv_vm *vm)
{
	if (!vm)
		return;
	mutex_lock(&vm->ctl);
	set_stopped(vm, HV_STOP_REQUESTED, 0, 0, 0, "destroyed by the host");
	waitqueue_wait(&vm->wq, all_exited, vm);
	for (unsigned i = 0; i < vm->threads_started; i++)
		thread_join(vm->vcpu[i].thread);
	vm->threads_started = 0;
	mutex_unlock(&vm->ctl);

	hv_vm_clock_destroy(vm);
	while (vm->ncleanup) {
		struct hv_vm_cleanup *c = &vm->cleanup[--vm->ncleanup];

		c->fn(c->arg);
	}
	for (unsigned i = 0; i < vm->ncpus; i++)
		if (vm->vcpu[i].priv)
			vm->be->vcpu_destroy(vm->vcpu[i].priv);
	if (vm->priv) {
		for (unsigned i = 0; i < vm->gmem.n; i++)
			if (vm->gmem.region[i].kind != GMEM_MMIO)
				unmap_region(vm, &vm->gmem.region[i], region_chunks(&vm->gmem.region[i]));
		vm->be->vm_destroy(vm->priv);
	}
	gmem_destroy(&vm->gmem);
	kfree(vm);
}

int hv_vm_set_cpuid_features(struct hv_vm *vm, unsigned features)
{
	vm->cpuid_features = features;
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct hv_vcpu *v = &vm->vcpu[i];

		v->ncpuid = hv_vcpu_cpuid_build(v);
		if (vm->be->set_cpuid && vm->be->set_cpuid(v->priv, v->cpuid, v->ncpuid))
			return -EIO;
	}
	return 0;
}

int hv_vm_add_cleanup(struct hv_vm *vm, void (*fn)(void *), void *arg)
{
	if (vm->ncleanup == HV_VM_MAX_CLEANUPS)
		return -ENOSPC;
	vm->cleanup[vm->ncleanup++] = (struct hv_vm_cleanup){fn, arg};
	return 0;
}

/* ---- configuration ---- */

int hv_vm_add_memory(struct hv_vm *vm, uint64_t gpa, uint64_t size, enum gmem_kind kind, const char *name)
{
	const struct gmem_region *r;
	int err;

	mutex_lock(&vm->ctl);
	err = vm->state == HV_VM_CREATED ? gmem_add(&vm->gmem, gpa, size, kind, name) : -EBUSY;
	if (err || kind == GMEM_MMIO)
		goto out;
	r = gmem_find(&vm->gmem, gpa);
	for (unsigned i = 0; i < region_chunks(r); i++) {
		uint64_t off = (uint64_t)i * GMEM_CHUNK;

		err = vm->be->map(vm->priv, gpa + off, r->chunk[i], MIN(GMEM_CHUNK, size - off), kind == GMEM_RAM);
		if (err) {
			unmap_region(vm, r, i);
			gmem_remove(&vm->gmem, gpa);
			break;
		}
	}
out:
	mutex_unlock(&vm->ctl);
	return err;
}

struct gmem *hv_vm_gmem(struct hv_vm *vm)
{
	return &vm->gmem;
}

struct hv_bus *hv_vm_pio_bus(struct hv_vm *vm)
{
	return &vm->pio;
}

struct hv_bus *hv_vm_mmio_bus(struct hv_vm *vm)
{
	return &vm->mmio;
}

void hv_vm_lock_devices(struct hv_vm *vm)
{
	mutex_lock(&vm->dev_lock);
}

void hv_vm_unlock_devices(struct hv_vm *vm)
{
	mutex_unlock(&vm->dev_lock);
}

int hv_vm_set_intr_source(struct hv_vm *vm, const struct hv_vm_intr_source *src)
{
	int err = 0;

	if (!src || !src->pending || !src->ack)
		return -EINVAL;
	mutex_lock(&vm->ctl);
	if (vm->state != HV_VM_CREATED)
		err = -EBUSY;
	else {
		vm->intr = *src;
		vm->has_intr = true;
	}
	mutex_unlock(&vm->ctl);
	return err;
}

int hv_vm_set_boot_state(struct hv_vm *vm, unsigned vcpu, const struct hv_regs *r, const struct hv_sregs *s)
{
	struct hv_vcpu *v;
	int err;

	if (vcpu >= vm->ncpus)
		return -EINVAL;
	v = &vm->vcpu[vcpu];
	mutex_lock(&vm->ctl);
	if (vm->state != HV_VM_CREATED) {
		err = -EBUSY;
		goto out;
	}
	err = r ? vm->be->set_regs(v->priv, r) : 0;
	if (!err && s)
		err = vm->be->set_sregs(v->priv, s);
	if (!err)
		v->boot_set = true;
out:
	mutex_unlock(&vm->ctl);
	return err;
}

/* ---- lifecycle calls ---- */

/* threads false: no vCPU threads, the caller steps the vCPUs (step.c). */
static int vm_start(struct hv_vm *vm, bool threads)
{
	int err = 0;

	mutex_lock(&vm->ctl);
	if (vm->state != HV_VM_CREATED) {
		err = -EINVAL;
		goto out;
	}
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct hv_regs r;

		/* On a PC, APs wait for INIT/SIPI unless given a state. */
		vm->vcpu[i].wait_sipi = vm->board && i > 0 && !vm->vcpu[i].boot_set;
		vm->vcpu[i].intr_ready = vm->be->get_regs(vm->vcpu[i].priv, &r) == 0 && (r.rflags & RFLAGS_IF);
	}
	spin_lock(&vm->lock);
	vm->state = HV_VM_RUNNING;
	vm->stepped = !threads;
	spin_unlock(&vm->lock);
	for (unsigned i = 0; threads && i < vm->ncpus; i++) {
		struct hv_vcpu *v = &vm->vcpu[i];
		char name[24];

		ksnprintf(name, sizeof(name), "vcpu%u-%s", i, vm->name);
		v->thread = thread_create(vcpu_thread, v, name, SCHED_PRIO_DEFAULT, CPU_ANY, false);
		if (!v->thread) {
			err = -ENOMEM;
			set_stopped(vm, HV_STOP_ERROR, err, i, 0, "out of memory for vCPU threads");
			break;
		}
		vm->threads_started++;
	}
out:
	mutex_unlock(&vm->ctl);
	return err;
}

int hv_vm_start(struct hv_vm *vm)
{
	return vm_start(vm, true);
}

int hv_vm_start_stepped(struct hv_vm *vm)
{
	return vm_start(vm, false);
}

int hv_vm_pause(struct hv_vm *vm)
{
	int err = -EINVAL;

	mutex_lock(&vm->ctl);
	spin_lock(&vm->lock);
	if (vm->state == HV_VM_RUNNING) {
		vm->state = HV_VM_PAUSED;
		err = 0;
	}
	spin_unlock(&vm->lock);
	if (!err) {
		kick_all(vm);
		waitqueue_wait(&vm->wq, all_parked, vm);
		/* The guest may have stopped itself meanwhile. */
		if (vm->state != HV_VM_PAUSED)
			err = -EINVAL;
	}
	mutex_unlock(&vm->ctl);
	return err;
}

int hv_vm_resume(struct hv_vm *vm)
{
	int err = -EINVAL;

	mutex_lock(&vm->ctl);
	spin_lock(&vm->lock);
	if (vm->state == HV_VM_PAUSED) {
		vm->state = HV_VM_RUNNING;
		err = 0;
	}
	spin_unlock(&vm->lock);
	if (!err)
		vm_wake(vm);
	mutex_unlock(&vm->ctl);
	return err;
}

int hv_vm_stop(struct hv_vm *vm)
{
	int err = 0;

	mutex_lock(&vm->ctl);
	if (vm->state == HV_VM_CREATED)
		err = -EINVAL;
	else {
		set_stopped(vm, HV_STOP_REQUESTED, 0, 0, 0, "stopped by the host");
		waitqueue_wait(&vm->wq, all_exited, vm);
	}
	mutex_unlock(&vm->ctl);
	return err;
}

enum hv_vm_state hv_vm_state(struct hv_vm *vm)
{
	return (enum hv_vm_state)vm->state;
}

int hv_vm_wait(struct hv_vm *vm, ktime_t timeout_ns)
{
	return waitqueue_wait_interruptible(&vm->wq, stopped_and_quiet, vm, timeout_ns);
}

void hv_vm_get_stop_info(struct hv_vm *vm, struct hv_vm_stop_info *info)
{
	spin_lock(&vm->lock);
	*info = vm->stop;
	spin_unlock(&vm->lock);
}

void hv_vm_get_stats(struct hv_vm *vm, struct hv_vm_stats *st)
{
	for (unsigned i = 0; i < HV_EXIT_REASON_COUNT; i++)
		st->exits[i] = atomic_load_relaxed(&vm->stats.exits[i]);
	st->injected_irqs = atomic_load_relaxed(&vm->stats.injected_irqs);
	st->injected_nmis = atomic_load_relaxed(&vm->stats.injected_nmis);
}

int hv_vm_get_vcpu_regs(struct hv_vm *vm, unsigned vcpu, struct hv_regs *r, struct hv_sregs *s)
{
	int err = 0;

	if (vcpu >= vm->ncpus)
		return -EINVAL;
	mutex_lock(&vm->ctl);
	/* Only a parked vCPU has registers that hold still. */
	if (vm->state == HV_VM_RUNNING && !vm->vcpu[vcpu].parked)
		err = -EBUSY;
	if (!err && r)
		err = vm->be->get_regs(vm->vcpu[vcpu].priv, r);
	if (!err && s)
		err = vm->be->get_sregs(vm->vcpu[vcpu].priv, s);
	mutex_unlock(&vm->ctl);
	return err;
}
