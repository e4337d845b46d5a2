/* Driving a VM synchronously: no vCPU threads, the caller runs one turn of
 * a vCPU's run loop at a time (inject, enter, handle the exit) on its own
 * thread. For the VM-exit fuzzer (fuzz/vmexit/) and deterministic tests:
 * the same handlers and device models as hv_vm_start, in an order the
 * caller chooses. Device timers still fire on the VM's timer thread, when
 * the caller lets time pass. */
#ifndef HV_STEP_H
#define HV_STEP_H
#include <hv/vm.h>

/* CREATED -> RUNNING without vCPU threads; -EINVAL from any other state.
 * pause, resume, stop and destroy work as after hv_vm_start. */
int hv_vm_start_stepped(struct hv_vm *vm);

enum hv_step_result {
	HV_STEP_RAN = 1,     /* one exit was handled */
	HV_STEP_HALTED = 0,  /* in HLT with nothing to wake it: not entered */
	HV_STEP_WAITING = 2, /* an AP waiting for its startup IPI: not entered */
};

/* One turn of vCPU `cpu`: applies INIT/SIPI, wakes it from HLT if an
 * interrupt is pending, then runs the backend once and handles the exit.
 * -EINVAL if the VM was not started stepped, is not RUNNING (e.g. the
 * guest stopped it) or `cpu` is out of range. */
int hv_vm_step(struct hv_vm *vm, unsigned cpu);
#endif
