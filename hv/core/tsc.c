/* The guest TSC. With SVM and VMX it is the host TSC plus a per-vCPU
 * offset the hardware adds (no exit on RDTSC), at the host TSC's rate,
 * which the platform calibrated; RDMSR/WRMSR of IA32_TSC and TSC_ADJUST
 * read and move the same offset. KVM runs the guest TSC itself: its rate
 * and value come from the backend. Either way hv/ knows the rate and the
 * moment the TSC read a known value, so the TSC-deadline timer and CPUID's clock
 * leaves agree with what RDTSC returns. Without a rated TSC (hosted with
 * virtual time) the guest TSC is plat_time_ns() at 1 GHz. */
#include <kern/log.h>
#include <plat/time.h>

#include "vm_internal.h"

#define LAPIC_BUS_KHZ 1000000u /* hv/dev/lapic.c counts at 1 GHz */
#define FALLBACK_KHZ  1000000u

uint64_t hv_vm_host_tsc(struct hv_vm *vm)
{
	return vm->tsc_host ? plat_tsc_read() : plat_time_ns();
}

static void push_offset(struct hv_vcpu *v)
{
	if (v->vm->be->set_tsc_offset)
		v->vm->be->set_tsc_offset(v->priv, v->msr.tsc_offset);
}

void hv_vm_tsc_init(struct hv_vm *vm)
{
	uint64_t khz = 0, tsc = 0, host;

	if (vm->be->guest_tsc && vm->be->guest_tsc(vm->vcpu[0].priv, &khz, &tsc) == 0 && khz) {
		vm->tsc_by_backend = true;
		vm->tsc_khz = khz;
		vm->tsc_zero = plat_time_ns();
		vm->tsc_base = tsc;
		return;
	}
	khz = plat_tsc_khz();
	vm->tsc_host = khz != 0;
	vm->tsc_khz = khz ? khz : FALLBACK_KHZ;
	/* The guest TSC starts at 0 now. */
	host = hv_vm_host_tsc(vm);
	vm->tsc_zero = plat_time_ns();
	for (unsigned i = 0; i < vm->ncpus; i++) {
		vm->vcpu[i].msr.tsc_offset = (int64_t)(0 - host);
		vm->vcpu[i].msr.tsc_adjust = 0;
		push_offset(&vm->vcpu[i]);
	}
}

uint64_t hv_vcpu_tsc_read(struct hv_vcpu *v)
{
	return hv_vm_host_tsc(v->vm) + (uint64_t)v->msr.tsc_offset;
}

/* A write to IA32_TSC moves TSC_ADJUST by the same amount (SDM 17.17.3).
 * The TSC wraps modulo 2^64, so the arithmetic is unsigned (the guest
 * chooses the values). */
void hv_vcpu_tsc_write(struct hv_vcpu *v, uint64_t value)
{
	uint64_t offset = value - hv_vm_host_tsc(v->vm);

	v->msr.tsc_adjust += offset - (uint64_t)v->msr.tsc_offset;
	v->msr.tsc_offset = (int64_t)offset;
	push_offset(v);
}

void hv_vcpu_tsc_adjust_write(struct hv_vcpu *v, uint64_t value)
{
	v->msr.tsc_offset = (int64_t)((uint64_t)v->msr.tsc_offset + (value - v->msr.tsc_adjust));
	v->msr.tsc_adjust = value;
	push_offset(v);
}

unsigned hv_vcpu_cpuid_build(struct hv_vcpu *v)
{
	struct hv_vm *vm = v->vm;
	unsigned n = hv_cpuid_build(v->cpuid, vm->ncpus, v->id, vm->cpuid_features);

	if (vm->tsc_khz <= UINT32_MAX)
		n = hv_cpuid_add_clocks(v->cpuid, n, (uint32_t)vm->tsc_khz, LAPIC_BUS_KHZ);
	return n;
}
