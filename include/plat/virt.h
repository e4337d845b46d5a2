/* Platform interface: hardware virtualization.
 *
 * hv/ holds all policy, device models and the portable part of every
 * backend (include/hv/backend.h). The platform says which backends it can
 * offer and, on bare metal, provides the privileged instructions the SVM
 * and VMX backends need (added with those backends). */
#ifndef PLAT_VIRT_H
#define PLAT_VIRT_H
#include <hv/backend.h>
#include <kern/types.h>

enum plat_virt_caps {
	PLAT_VIRT_SVM = 1 << 0, /* AMD-V */
	PLAT_VIRT_VMX = 1 << 1, /* Intel VT-x */
	PLAT_VIRT_NESTED_PAGING = 1 << 2,
	PLAT_VIRT_KVM = 1 << 3, /* hosted: /dev/kvm backend usable */
};

unsigned plat_virt_caps(void);
/* The hardware-backed backend this platform offers (KVM hosted, SVM or
 * VMX on bare metal), or NULL with *why set to a sentence saying why not
 * (no /dev/kvm, KVM too slow to be useful, CPU without SVM/VMX...). The
 * simulated backend (hv_backend_sim) is always there. */
const struct hv_backend *plat_virt_backend(const char **why);

/* AMD-V entry points for hv/svm (include/hv/svm/svm.h). Bare metal runs
 * them on the CPU; the hosted platform simulates them for unit tests. A
 * vCPU running in the guest is kicked out with plat_ipi_send(cpu): the
 * physical interrupt ends the run with #VMEXIT(INTR). */
struct hv_svm_gprs;
/* Raw CPUID leaf `leaf` (subleaf 0) into out[0..3] = eax, ebx, ecx, edx. */
void plat_svm_cpuid(uint32_t leaf, uint32_t out[4]);
/* Allocates every CPU's host save areas; EFER.SVME and VM_HSAVE_PA are set
 * on a CPU before its first VMRUN. Idempotent; 0 or a negative errno. */
int plat_svm_enable(void);
/* Called with interrupts disabled (the caller stays on this CPU): runs the
 * guest of the VMCB at `vmcb_pa` until #VMEXIT. Loads the guest registers
 * VMRUN does not switch from `gprs` and the guest's x87/SSE state from `fpu`
 * (512-byte FXSAVE image, 16-byte aligned) and stores both back after the
 * exit. Returns with interrupts still disabled: a host interrupt that caused
 * #VMEXIT(INTR) is taken when the caller re-enables them. */
void plat_svm_vmrun(paddr_t vmcb_pa, struct hv_svm_gprs *gprs, void *fpu);
#endif
