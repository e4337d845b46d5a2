/* The SVM backend (struct hv_backend): VMs own nested page tables and the
 * permission maps, vCPUs own a VMCB, an ASID and their x87/SSE state. A run
 * injects what hv/ asked for, enters the guest through plat_svm_vmrun with
 * interrupts off (so the thread stays on this CPU), then decodes the exit.
 * Exits the backend finishes itself (#UD for SVM instructions...) re-enter
 * without reaching hv/. */
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>
#include <plat/cpu.h>
#include <plat/mem.h>
#include <plat/virt.h>

#include "svm_internal.h"

#define RFLAGS_IF      (1ull << 9)
#define SVM_NMI_VECTOR 2
#define FXSAVE_FCW     0x037f /* x87 control word after FNINIT */
#define FXSAVE_MXCSR   0x1f80

static int svm_vm_create(void **vm_priv)
{
	struct svm_vm *vm = kzalloc(sizeof(*vm));
	int err;

	if (!vm)
		return -ENOMEM;
	if (!hv_svm_probe(&vm->caps, NULL)) {
		kfree(vm);
		return -ENODEV;
	}
	err = plat_svm_enable();
	if (!err)
		err = svm_npt_init(vm);
	if (!err)
		err = svm_maps_init(vm);
	if (err) {
		svm_npt_destroy(vm);
		kfree(vm);
		return err;
	}
	*vm_priv = vm;
	return 0;
}

static void svm_vm_destroy(void *vm_priv)
{
	struct svm_vm *vm = vm_priv;

	svm_maps_destroy(vm);
	svm_npt_destroy(vm);
	kfree(vm);
}

static int svm_map(void *vm_priv, uint64_t gpa, paddr_t hpa, uint64_t size, bool writable)
{
	return svm_npt_map(vm_priv, gpa, hpa, size, writable);
}

static int svm_unmap(void *vm_priv, uint64_t gpa, uint64_t size)
{
	return svm_npt_unmap(vm_priv, gpa, size);
}

static void vcpu_free(struct svm_vcpu *v)
{
	if (v->vmcb_pa)
		page_free(v->vmcb_pa, 0);
	if (v->fpu_page)
		page_free(v->fpu_page, 0);
	svm_asid_free(v->asid);
	kfree(v);
}

static int svm_vcpu_create(void *vm_priv, unsigned id, void **vcpu_priv)
{
	struct svm_vm *vm = vm_priv;
	struct svm_vcpu *v = kzalloc(sizeof(*v));
	uint16_t fcw = FXSAVE_FCW;
	uint32_t mxcsr = FXSAVE_MXCSR;

	if (!v)
		return -ENOMEM;
	v->vm = vm;
	v->id = id;
	v->cpu = v->last_cpu = v->pending_irq = -1;
	v->asid = svm_asid_alloc(vm->caps.nasid);
	v->vmcb_pa = page_alloc(0);
	v->fpu_page = page_alloc(0);
	if (!v->asid || !v->vmcb_pa || !v->fpu_page) {
		int err = v->asid ? -ENOMEM : -ENOSPC;

		vcpu_free(v);
		return err;
	}
	v->vmcb = plat_phys_to_virt(v->vmcb_pa);
	v->fpu = plat_phys_to_virt(v->fpu_page);
	memset(v->fpu, 0, 512);
	memcpy(v->fpu, &fcw, sizeof(fcw));
	memcpy(v->fpu + 24, &mxcsr, sizeof(mxcsr));
	svm_vmcb_init(v);
	*vcpu_priv = v;
	return 0;
}

static void svm_vcpu_destroy(void *vcpu_priv)
{
	vcpu_free(vcpu_priv);
}

static int svm_get_regs_op(void *p, struct hv_regs *r)
{
	svm_get_regs(p, r);
	return 0;
}

static int svm_set_regs_op(void *p, const struct hv_regs *r)
{
	svm_set_regs(p, r);
	return 0;
}

static int svm_get_sregs_op(void *p, struct hv_sregs *s)
{
	svm_get_sregs(p, s);
	return 0;
}

static int svm_set_sregs_op(void *p, const struct hv_sregs *s)
{
	svm_set_sregs(p, s);
	return 0;
}

/* Puts the next event into EVENTINJ: an exception already there first,
 * then a delivery the last exit interrupted, then an NMI unless the guest
 * still runs its NMI handler, then hv/'s interrupt. What cannot go now
 * waits, with an interrupt window so it goes soon (an NMI held by the
 * handler waits for the IRET intercept instead). */
static void prepare_events(struct svm_vcpu *v, bool want_window)
{
	struct vmcb_control *c = &v->vmcb->ctl;
	bool nmi_waits;

	if (!(c->event_inj & VMCB_EVT_VALID)) {
		if (v->reinject & VMCB_EVT_VALID) {
			c->event_inj = v->reinject;
			v->reinject = 0;
		} else if (v->nmi_pending && !v->nmi_blocked) {
			c->event_inj = VMCB_EVT_VALID | VMCB_EVT_TYPE_NMI | SVM_NMI_VECTOR;
			v->nmi_pending = false;
			v->nmi_blocked = true;
			v->iret_seen = false;
		} else if (v->pending_irq >= 0) {
			c->event_inj = VMCB_EVT_VALID | VMCB_EVT_TYPE_INTR | (uint64_t)(v->pending_irq & 0xff);
			v->pending_irq = -1;
		}
	}
	if (v->nmi_blocked && !v->iret_seen)
		c->intercept_misc1 |= VMCB_I1_IRET;
	else
		c->intercept_misc1 &= ~VMCB_I1_IRET;
	nmi_waits = v->nmi_pending && (!v->nmi_blocked || v->iret_seen);
	if (want_window || v->pending_irq >= 0 || (v->reinject & VMCB_EVT_VALID) || nmi_waits) {
		c->int_ctl |= VMCB_INT_V_IRQ | VMCB_INT_V_IGN_TPR | (0xfull << VMCB_INT_V_PRIO_SHIFT);
		c->intercept_misc1 |= VMCB_I1_VINTR;
	}
}

/* One VMRUN on this CPU; false if a kick came first. */
static bool enter(struct svm_vcpu *v)
{
	struct svm_vm *vm = v->vm;
	struct vmcb_control *c = &v->vmcb->ctl;
	irqflags_t flags = plat_irq_save();
	int cpu = (int)plat_cpu_id();
	uint64_t gen;

	/* Publish the CPU before looking for a kick; svm_kick sets the flag
	 * before reading the CPU, so one of the two sees the other. */
	atomic_exchange(&v->cpu, cpu);
	if (atomic_exchange(&v->kicked, 0)) {
		atomic_store_release(&v->cpu, -1);
		plat_irq_restore(flags);
		return false;
	}
	gen = atomic_load_acquire(&vm->npt.gen);
	if (cpu != v->last_cpu || gen != v->npt_gen) {
		c->tlb_control = vm->caps.flush_by_asid ? VMCB_TLB_FLUSH_GUEST : VMCB_TLB_FLUSH_ALL;
		v->last_cpu = cpu;
		v->npt_gen = gen;
	} else {
		c->tlb_control = VMCB_TLB_NOTHING;
	}
	c->clean = 0; /* every field may have changed: reload all */
	plat_svm_vmrun(v->vmcb_pa, &v->gprs, v->fpu);
	c->event_inj = 0;
	atomic_store_release(&v->cpu, -1);
	/* A host interrupt that ended the run is handled here. */
	plat_irq_restore(flags);
	return true;
}

static int svm_run(void *p, struct hv_run *run)
{
	struct svm_vcpu *v = p;
	struct vmcb *vmcb = v->vmcb;
	struct hv_exit *e = &run->exit;

	if (run->exception_vector >= 0) {
		v->str.active = false;
		svm_inject_exception(v, (unsigned)run->exception_vector, run->exception_has_error,
		                     run->exception_error);
	} else if (run->complete) {
		svm_complete(v, e);
	}
	v->str.active = false;
	v->last = HV_EXIT_NONE;
	if (run->inject_vector >= 0)
		v->pending_irq = run->inject_vector;
	if (run->inject_nmi)
		v->nmi_pending = true; /* a second one merges, as a CPU latches one */
	for (;;) {
		prepare_events(v, run->request_intr_window);
		if (!enter(v)) {
			memset(e, 0, sizeof(*e));
			e->reason = HV_EXIT_CANCELLED;
			e->rip = vmcb->save.rip;
			break;
		}
		if (svm_decode_exit(v, e) == SVM_EXIT_REPORT)
			break;
	}
	if (e->reason == HV_EXIT_EXTERNAL_INTR && atomic_exchange(&v->kicked, 0))
		e->reason = HV_EXIT_CANCELLED;
	v->last = e->reason;
	run->intr_ready = (vmcb->save.rflags & RFLAGS_IF) && !(vmcb->ctl.int_state & VMCB_INT_SHADOW) &&
	                  !(vmcb->ctl.event_inj & VMCB_EVT_VALID) && !(v->reinject & VMCB_EVT_VALID) &&
	                  v->pending_irq < 0;
	return 0;
}

static void svm_kick(void *p)
{
	struct svm_vcpu *v = p;
	int cpu;

	atomic_exchange(&v->kicked, 1);
	cpu = atomic_load_acquire(&v->cpu);
	if (cpu >= 0)
		plat_ipi_send((unsigned)cpu);
}

/* RDTSC and RDTSCP are not intercepted: the CPU adds the VMCB's offset. */
static void svm_set_tsc_offset(void *p, int64_t offset)
{
	((struct svm_vcpu *)p)->vmcb->ctl.tsc_offset = (uint64_t)offset;
}

const struct hv_backend hv_backend_svm = {
    .name = "svm",
    .cpuid_in_table = false,
    .vm_create = svm_vm_create,
    .vm_destroy = svm_vm_destroy,
    .map = svm_map,
    .unmap = svm_unmap,
    .vcpu_create = svm_vcpu_create,
    .vcpu_destroy = svm_vcpu_destroy,
    .get_regs = svm_get_regs_op,
    .set_regs = svm_set_regs_op,
    .get_sregs = svm_get_sregs_op,
    .set_sregs = svm_set_sregs_op,
    .run = svm_run,
    .kick = svm_kick,
    .set_tsc_offset = svm_set_tsc_offset,
};
