/* Exit dispatch: what the core does with each normalized exit record. The
 * handler's results go into the record and run.complete asks the backend
 * to finish the instruction on the next entry. */
#include <hv/cpuid.h>
#include <kern/errno.h>
#include <kern/log.h>

#include "vm_internal.h"

#define X86_GP_VECTOR 13

static void handle_io(struct hv_vcpu *v)
{
	struct hv_vm *vm = v->vm;
	struct hv_exit *e = &v->run.exit;
	unsigned size = e->u.io.size;
	uint64_t val;

	if (size != 1 && size != 2 && size != 4) {
		hv_vm_stop_from_vcpu(v, HV_STOP_ERROR, -EINVAL, "vcpu %u: port %#x access of %u bytes", v->id,
		                     e->u.io.port, size);
		return;
	}
	mutex_lock(&vm->dev_lock);
	if (e->u.io.in) {
		hv_bus_read(&vm->pio, v->id, e->u.io.port, size, &val);
		e->u.io.data = (uint32_t)val;
	} else {
		hv_bus_write(&vm->pio, v->id, e->u.io.port, size, e->u.io.data);
	}
	mutex_unlock(&vm->dev_lock);
	v->run.complete = true;
}

static void handle_mmio(struct hv_vcpu *v)
{
	struct hv_vm *vm = v->vm;
	struct hv_exit *e = &v->run.exit;
	unsigned size = e->u.mmio.size;

	if (size != 1 && size != 2 && size != 4 && size != 8) {
		hv_vm_stop_from_vcpu(v, HV_STOP_ERROR, -EINVAL, "vcpu %u: MMIO %#llx access of %u bytes", v->id,
		                     (unsigned long long)e->u.mmio.gpa, size);
		return;
	}
	mutex_lock(&vm->dev_lock);
	if (e->u.mmio.write)
		hv_bus_write(&vm->mmio, v->id, e->u.mmio.gpa, size, e->u.mmio.data);
	else
		hv_bus_read(&vm->mmio, v->id, e->u.mmio.gpa, size, &e->u.mmio.data);
	mutex_unlock(&vm->dev_lock);
	v->run.complete = true;
}

static void handle_cpuid(struct hv_vcpu *v)
{
	struct hv_exit *e = &v->run.exit;
	uint32_t out[4];

	hv_cpuid_lookup(v->cpuid, v->ncpuid, e->u.cpuid.leaf, e->u.cpuid.subleaf, out);
	e->u.cpuid.eax = out[0];
	e->u.cpuid.ebx = out[1];
	e->u.cpuid.ecx = out[2];
	e->u.cpuid.edx = out[3];
	v->run.complete = true;
}

static void handle_msr(struct hv_vcpu *v, bool write)
{
	struct hv_exit *e = &v->run.exit;
	int err;

	if (write)
		err = hv_msr_write(v, e->u.msr.index, e->u.msr.value);
	else
		err = hv_msr_read(v, e->u.msr.index, &e->u.msr.value);
	if (err)
		hv_vcpu_inject_exception(v, X86_GP_VECTOR, true, 0);
	else
		v->run.complete = true;
}

void hv_exit_dispatch(struct hv_vcpu *v)
{
	struct hv_exit *e = &v->run.exit;

	switch (e->reason) {
	case HV_EXIT_IO: handle_io(v); break;
	case HV_EXIT_MMIO: handle_mmio(v); break;
	case HV_EXIT_NPF: hv_exit_npf(v); break;
	case HV_EXIT_CPUID: handle_cpuid(v); break;
	case HV_EXIT_MSR_READ: handle_msr(v, false); break;
	case HV_EXIT_MSR_WRITE: handle_msr(v, true); break;
	case HV_EXIT_HLT:
		v->halted = true;
		v->run.complete = true;
		break;
	case HV_EXIT_HYPERCALL: hv_hypercall(v); break;
	case HV_EXIT_SHUTDOWN:
		hv_vm_stop_from_vcpu(v, HV_STOP_TRIPLE_FAULT, 0, "vcpu %u: triple fault at rip %#llx", v->id,
		                     (unsigned long long)e->rip);
		break;
	case HV_EXIT_INVALID_STATE:
		hv_vm_stop_from_vcpu(v, HV_STOP_ERROR, HV_EXIT_INVALID_STATE,
		                     "vcpu %u: entry failed: invalid guest state (hw code %#llx)", v->id,
		                     (unsigned long long)e->hw_code);
		break;
	case HV_EXIT_EXCEPTION:
		hv_vm_stop_from_vcpu(v, HV_STOP_ERROR, HV_EXIT_EXCEPTION, "vcpu %u: unexpected exception %u at %#llx",
		                     v->id, e->u.exception.vector, (unsigned long long)e->rip);
		break;
	case HV_EXIT_INTR_WINDOW:
	case HV_EXIT_EXTERNAL_INTR:
	case HV_EXIT_CANCELLED: break; /* the loop injects or parks as needed */
	default:
		hv_vm_stop_from_vcpu(v, HV_STOP_ERROR, e->reason, "vcpu %u: unhandled exit %s (%u, hw code %#llx)",
		                     v->id, hv_exit_reason_name(e->reason), (unsigned)e->reason,
		                     (unsigned long long)e->hw_code);
	}
}
