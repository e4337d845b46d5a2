/* hv_vm_step (include/hv/step.h): the vCPU thread's loop turned inside out,
 * one turn per call on the caller's thread. */
#include <hv/step.h>
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/sched.h>

#include "vm_internal.h"

int hv_vm_step(struct hv_vm *vm, unsigned cpu)
{
	struct hv_vcpu *v;

	if (cpu >= vm->ncpus || !vm->stepped || vm->state != HV_VM_RUNNING)
		return -EINVAL;
	v = &vm->vcpu[cpu];
	if (atomic_load_acquire(&v->startup_req))
		hv_vcpu_apply_startup(v);
	if (v->wait_sipi)
		return HV_STEP_WAITING;
	if (v->halted) {
		if (!hv_vcpu_halt_wakes(v, v->step_halted_seq, atomic_load_acquire(&v->wake_seq)))
			return HV_STEP_HALTED;
		v->halted = false;
	}
	/* Device models that ask which vCPU they run on (hv_vm_guest_stop)
	 * look for the current thread. */
	v->thread = thread_current();
	hv_vcpu_turn(v);
	v->thread = NULL;
	if (v->halted)
		v->step_halted_seq = atomic_load_acquire(&v->wake_seq);
	return HV_STEP_RAN;
}
