/* The VMX backend (struct hv_backend): VMs own the EPT and the I/O and
 * MSR bitmaps, vCPUs own a VMCS, a VPID, MSR lists and their x87/SSE
 * state. A run injects what hv/ asked for and, with interrupts off (so the
 * thread stays on this CPU), loads the VMCS here, brings the host and
 * guest state up to date, enters the guest, reads the exit back and
 * decodes it. Exits the backend finishes itself re-enter without reaching
 * hv/. */
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/string.h>
#include <plat/cpu.h>
#include <plat/mem.h>
#include <plat/virt.h>

#include "vmx_internal.h"

#define RFLAGS_IF      (1ull << 9)
#define FXSAVE_FCW     0x037f
#define FXSAVE_MXCSR   0x1f80
#define VMX_NMI_VECTOR 2

static int vmx_vm_create(void **vm_priv)
{
	struct vmx_vm *vm = kzalloc(sizeof(*vm));
	const char *why = NULL;
	int err;

	if (!vm)
		return -ENOMEM;
	if (!hv_vmx_probe(&vm->caps, NULL)) {
		kfree(vm);
		return -ENODEV;
	}
	if (hv_vmx_compute_ctls(&vm->caps, &vm->ctls, &why)) {
		pr_warn("vmx: the CPU lacks %s\n", why);
		kfree(vm);
		return -ENODEV;
	}
	err = vmx_ept_init(vm);
	if (!err)
		err = vmx_maps_init(vm);
	if (err) {
		vmx_maps_destroy(vm);
		vmx_ept_destroy(vm);
		kfree(vm);
		return err;
	}
	vmx_vms_get();
	*vm_priv = vm;
	return 0;
}

static void vmx_vm_destroy(void *vm_priv)
{
	struct vmx_vm *vm = vm_priv;

	vmx_maps_destroy(vm);
	vmx_ept_destroy(vm);
	kfree(vm);
	vmx_vms_put();
}

static int vmx_map(void *vm_priv, uint64_t gpa, paddr_t hpa, uint64_t size, bool writable)
{
	return vmx_ept_map(vm_priv, gpa, hpa, size, writable);
}

static int vmx_unmap(void *vm_priv, uint64_t gpa, uint64_t size)
{
	return vmx_ept_unmap(vm_priv, gpa, size);
}

static void vcpu_free(struct vmx_vcpu *v)
{
	vmx_vcpu_evict(v);
	if (v->vmcs_pa)
		page_free(v->vmcs_pa, 0);
	if (v->msr_page)
		page_free(v->msr_page, 0);
	if (v->fpu_page)
		page_free(v->fpu_page, 0);
	vmx_vpid_free(v->vpid);
	kfree(v);
}

static int vmx_vcpu_create(void *vm_priv, unsigned id, void **vcpu_priv)
{
	struct vmx_vm *vm = vm_priv;
	struct vmx_vcpu *v = kzalloc(sizeof(*v));
	uint16_t fcw = FXSAVE_FCW;
	uint32_t mxcsr = FXSAVE_MXCSR;

	if (!v)
		return -ENOMEM;
	v->vm = vm;
	v->id = id;
	v->cpu = v->last_cpu = v->loaded_cpu = v->pending_irq = -1;
	v->vmcs_pa = page_alloc(0);
	v->msr_page = page_alloc(0);
	v->fpu_page = page_alloc(0);
	if (vm->ctls.proc2 & PROC2_VPID) {
		v->vpid = vmx_vpid_alloc();
		if (!v->vpid) {
			vcpu_free(v);
			return -ENOSPC;
		}
	}
	if (!v->vmcs_pa || !v->msr_page || !v->fpu_page) {
		vcpu_free(v);
		return -ENOMEM;
	}
	memset(plat_phys_to_virt(v->vmcs_pa), 0, VMX_PAGE);
	*(uint32_t *)plat_phys_to_virt(v->vmcs_pa) = vm->caps.revision;
	v->guest_msrs = plat_phys_to_virt(v->msr_page);
	v->host_msrs = plat_phys_to_virt(v->msr_page + VMX_PAGE / 2);
	vmx_msr_lists_init(v);
	v->fpu = plat_phys_to_virt(v->fpu_page);
	memset(v->fpu, 0, 512);
	memcpy(v->fpu, &fcw, sizeof(fcw));
	memcpy(v->fpu + 24, &mxcsr, sizeof(mxcsr));
	vmx_vcpu_reset(v);
	*vcpu_priv = v;
	return 0;
}

static void vmx_vcpu_destroy(void *vcpu_priv)
{
	vcpu_free(vcpu_priv);
}

static int vmx_get_regs(void *p, struct hv_regs *r)
{
	const struct vmx_vcpu *v = p;

	memcpy(r->gpr, v->gprs.gpr, sizeof(r->gpr));
	r->gpr[4] = v->rsp;
	r->rip = v->rip;
	r->rflags = v->rflags;
	return 0;
}

static int vmx_set_regs(void *p, const struct hv_regs *r)
{
	struct vmx_vcpu *v = p;

	memcpy(v->gprs.gpr, r->gpr, sizeof(r->gpr));
	v->gprs.gpr[4] = 0;
	v->rsp = r->gpr[4];
	v->rip = r->rip;
	v->rflags = r->rflags | 2;
	v->dirty = true;
	return 0;
}

static int vmx_get_sregs(void *p, struct hv_sregs *s)
{
	const struct vmx_vcpu *v = p;

	*s = v->sregs;
	s->cr2 = v->gprs.cr2;
	return 0;
}

static int vmx_set_sregs_op(void *p, const struct hv_sregs *s)
{
	vmx_set_sregs(p, s);
	return 0;
}

/* Whether the guest takes an NMI at the next entry: not while it runs its
 * NMI handler (blocking by NMI, until IRET) nor in a MOV SS shadow (VM
 * entry refuses that). */
static bool nmi_allowed(const struct vmx_vcpu *v)
{
	return !(v->interruptibility & (INTERRUPTIBILITY_NMI | INTERRUPTIBILITY_MOVSS));
}

/* The next event for the VM-entry interruption-information field: an
 * exception already there first, then a delivery the last exit
 * interrupted, then an NMI, then hv/'s interrupt. What cannot go now
 * waits, with an interrupt or NMI window so it goes soon. */
static void prepare_events(struct vmx_vcpu *v, bool want_window)
{
	if (!(v->entry_info & INTR_INFO_VALID)) {
		if (v->reinject_info & INTR_INFO_VALID) {
			uint32_t type = v->reinject_info & INTR_INFO_TYPE_MASK;

			/* Bits 30:12 of the IDT-vectoring field mean nothing on entry. */
			v->entry_info = v->reinject_info & (INTR_INFO_VALID | INTR_INFO_HAS_ERROR |
			                                    INTR_INFO_TYPE_MASK | INTR_INFO_VECTOR_MASK);
			v->entry_error = v->reinject_error;
			v->entry_len = type >= INTR_TYPE_SW_INTR ? v->reinject_len : 0;
			v->reinject_info = 0;
			/* An NMI whose delivery an exit interrupted goes in
			 * again; the blocking it left must go (the entry sets
			 * it anew). */
			if (type == INTR_TYPE_NMI && (v->interruptibility & INTERRUPTIBILITY_NMI)) {
				v->interruptibility &= ~INTERRUPTIBILITY_NMI;
				v->dirty = true;
			}
		} else if (v->nmi_pending && nmi_allowed(v)) {
			v->entry_info = INTR_INFO_VALID | INTR_TYPE_NMI | VMX_NMI_VECTOR;
			v->entry_len = 0;
			v->nmi_pending = false;
			/* Some CPUs refuse an NMI in an STI shadow; others exit
			 * for the NMI window inside one. The NMI goes first. */
			if (v->interruptibility & INTERRUPTIBILITY_STI) {
				v->interruptibility &= ~INTERRUPTIBILITY_STI;
				v->dirty = true;
			}
		} else if (v->pending_irq >= 0) {
			v->entry_info = INTR_INFO_VALID | INTR_TYPE_EXT_INTR | (uint32_t)(v->pending_irq & 0xff);
			v->entry_len = 0;
			v->pending_irq = -1;
		}
	}
	v->window = want_window || v->pending_irq >= 0 || (v->reinject_info & INTR_INFO_VALID);
	v->nmi_window = v->nmi_pending && v->vm->ctls.nmi_window;
}

enum enter_result { ENTER_EXITED, ENTER_KICKED, ENTER_FAILED };

/* The VMCS current on this CPU with everything up to date. */
static int load(struct vmx_vcpu *v, uint64_t *hw)
{
	int err = vmx_cpu_on(&v->vm->caps);

	if (!err)
		err = vmx_cpu_load(v);
	if (err) {
		*hw = VMX_HW_VMFAIL | 0xffff;
		pr_warn("vmx: cannot enter VMX operation or load the VMCS on cpu %u: %d\n", plat_cpu_id(), err);
		return err;
	}
	if (!v->initialized)
		vmx_vmcs_setup(v);
	vmx_host_update(v);
	if (v->dirty)
		vmx_guest_write(v);
	vmx_write(VMCS_PROC_CTLS,
	          v->vm->ctls.proc | (v->window ? PROC_INTR_WINDOW : 0) | (v->nmi_window ? PROC_NMI_WINDOW : 0));
	if (v->vm->ctls.pin & PIN_PREEMPT_TIMER)
		vmx_write(VMCS_GUEST_PREEMPT_TIMER, VMX_PREEMPT_TSC >> v->vm->caps.preempt_rate);
	if (v->vm->ctls.proc & PROC_TSC_OFFSET)
		vmx_write(VMCS_TSC_OFFSET, (uint64_t)v->tsc_offset);
	vmx_write(VMCS_ENTRY_INTR_INFO, v->entry_info);
	vmx_write(VMCS_ENTRY_EXCEPTION_ERROR, v->entry_error);
	vmx_write(VMCS_ENTRY_INSN_LEN, v->entry_len);
	return 0;
}

/* One entry and its exit on this CPU, decoded before interrupts come back
 * (the VMCS is readable only here). */
static enum enter_result enter(struct vmx_vcpu *v, struct hv_exit *e, enum vmx_exit_action *act)
{
	struct vmx_vm *vm = v->vm;
	irqflags_t flags = plat_irq_save();
	int cpu = (int)plat_cpu_id(), rc;
	uint64_t gen, hw = 0;

	while (v->loaded_cpu >= 0 && v->loaded_cpu != cpu) {
		plat_irq_restore(flags);
		vmx_vcpu_evict(v);
		flags = plat_irq_save();
		cpu = (int)plat_cpu_id();
	}
	if (load(v, &hw))
		goto failed;
	/* Publish the CPU before looking for a kick; vmx_kick sets the flag
	 * before reading the CPU, so one of the two sees the other. */
	atomic_exchange(&v->cpu, cpu);
	if (atomic_exchange(&v->kicked, 0)) {
		atomic_store_release(&v->cpu, -1);
		plat_irq_restore(flags);
		return ENTER_KICKED;
	}
	gen = atomic_load_acquire(&vm->ept.gen);
	if (cpu != v->last_cpu || gen != v->ept_gen) {
		vmx_flush(v, true, true);
		v->last_cpu = cpu;
		v->ept_gen = gen;
		v->flush_vpid = false;
	} else if (v->flush_vpid) {
		vmx_flush(v, false, true);
		v->flush_vpid = false;
	}
	rc = plat_vmx_run(&v->gprs, v->launched, v->fpu);
	atomic_store_release(&v->cpu, -1);
	if (rc) {
		uint64_t err = 0;

		/* VMfailValid leaves the reason in the VMCS; VMfailInvalid
		 * (no current VMCS) does not. */
		if (plat_vmx_vmread(VMCS_INSN_ERROR, &err))
			err = 0xffff;
		hw = VMX_HW_VMFAIL | err;
		goto failed;
	}
	vmx_guest_read(v);
	vmx_exit_info_read(v);
	/* A VM-entry failure leaves the launch state as it was. */
	if (!(v->xi.reason & VMX_EXIT_REASON_FAILED)) {
		v->launched = true;
		v->entry_info = 0;
	}
	*act = vmx_decode_exit(v, e);
	/* A host interrupt that ended the run is handled here. */
	plat_irq_restore(flags);
	return ENTER_EXITED;
failed:
	plat_irq_restore(flags);
	memset(e, 0, sizeof(*e));
	e->reason = HV_EXIT_INVALID_STATE;
	e->hw_code = hw;
	e->rip = v->rip;
	return ENTER_FAILED;
}

static int vmx_run(void *p, struct hv_run *run)
{
	struct vmx_vcpu *v = p;
	struct hv_exit *e = &run->exit;

	if (run->exception_vector >= 0) {
		v->str.active = false;
		vmx_inject_exception(v, (unsigned)run->exception_vector, run->exception_has_error,
		                     run->exception_error);
	} else if (run->complete) {
		vmx_complete(v, e);
	}
	v->str.active = false;
	v->last = HV_EXIT_NONE;
	if (run->inject_vector >= 0)
		v->pending_irq = run->inject_vector;
	if (run->inject_nmi)
		v->nmi_pending = true; /* a second one merges, as a CPU latches one */
	for (;;) {
		enum vmx_exit_action act = VMX_EXIT_REPORT;
		enum enter_result r;

		prepare_events(v, run->request_intr_window);
		r = enter(v, e, &act);
		if (r == ENTER_KICKED) {
			memset(e, 0, sizeof(*e));
			e->reason = HV_EXIT_CANCELLED;
			e->rip = v->rip;
			break;
		}
		if (r == ENTER_FAILED || act == VMX_EXIT_REPORT)
			break;
	}
	if (e->reason == HV_EXIT_EXTERNAL_INTR && atomic_exchange(&v->kicked, 0))
		e->reason = HV_EXIT_CANCELLED;
	v->last = e->reason;
	run->intr_ready =
	    (v->rflags & RFLAGS_IF) && !(v->interruptibility & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOVSS)) &&
	    !(v->entry_info & INTR_INFO_VALID) && !(v->reinject_info & INTR_INFO_VALID) && v->pending_irq < 0;
	return 0;
}

static void vmx_kick(void *p)
{
	struct vmx_vcpu *v = p;
	int cpu;

	atomic_exchange(&v->kicked, 1);
	cpu = atomic_load_acquire(&v->cpu);
	if (cpu >= 0)
		plat_ipi_send((unsigned)cpu);
}

/* With TSC offsetting RDTSC does not exit: the CPU adds the offset. */
static void vmx_set_tsc_offset(void *p, int64_t offset)
{
	((struct vmx_vcpu *)p)->tsc_offset = offset;
}

const struct hv_backend hv_backend_vmx = {
    .name = "vmx",
    .cpuid_in_table = false,
    .vm_create = vmx_vm_create,
    .vm_destroy = vmx_vm_destroy,
    .map = vmx_map,
    .unmap = vmx_unmap,
    .vcpu_create = vmx_vcpu_create,
    .vcpu_destroy = vmx_vcpu_destroy,
    .get_regs = vmx_get_regs,
    .set_regs = vmx_set_regs,
    .get_sregs = vmx_get_sregs,
    .set_sregs = vmx_set_sregs_op,
    .run = vmx_run,
    .kick = vmx_kick,
    .set_tsc_offset = vmx_set_tsc_offset,
};
