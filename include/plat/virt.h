/* Platform interface: hardware virtualization.
 *
 * hv/ holds all policy, device models and the portable part of every
 * backend (include/hv/backend.h). The platform says which backends it can
 * offer and, on bare metal, provides the privileged instructions the SVM
 * and VMX backends need. */
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

/* Intel VT-x entry points for hv/vmx (include/hv/vmx/vmx.h). Bare metal
 * runs them on the CPU; the hosted platform simulates a VMCS for unit
 * tests. Each returns 0, or -EIO when the instruction failed (VMfail; on a
 * valid current VMCS the VM-instruction error field says why). Everything
 * from vmxon to run acts on the current CPU: call with interrupts off. */
struct hv_vmx_gprs;
struct hv_vmx_host;
void plat_vmx_cpuid(uint32_t leaf, uint32_t out[4]);
/* A VMX capability MSR (IA32_VMX_*, IA32_FEATURE_CONTROL); -ENODEV if the
 * CPU has no VMX. */
int plat_vmx_rdmsr(uint32_t msr, uint64_t *value);
/* Enters VMX operation with the VMXON region at `region` (revision id
 * written): locks IA32_FEATURE_CONTROL with VMX on if firmware left it
 * unlocked (-EPERM if it is locked with VMX off), sets the CR0/CR4 bits
 * the fixed MSRs require (CR4.VMXE among them), then VMXON. */
int plat_vmx_vmxon(paddr_t region);
void plat_vmx_vmxoff(void);
int plat_vmx_vmclear(paddr_t vmcs);
int plat_vmx_vmptrld(paddr_t vmcs);
int plat_vmx_vmread(uint32_t field, uint64_t *value);
int plat_vmx_vmwrite(uint32_t field, uint64_t value);
/* This CPU's host state for the VMCS host-state area. */
void plat_vmx_host_state(struct hv_vmx_host *h);
/* Sets HOST_RSP and HOST_RIP, loads the guest's general registers and cr2
 * from `g` and its x87/SSE state from `fpu` (512-byte FXSAVE image),
 * VMLAUNCH (launched false) or VMRESUME, and on VM exit stores them back.
 * 0 after a VM exit (VMCS_EXIT_REASON says which), -EIO if the entry
 * instruction failed. Returns with interrupts still off. */
int plat_vmx_run(struct hv_vmx_gprs *g, bool launched, void *fpu);
int plat_vmx_invept(unsigned type, uint64_t eptp);
int plat_vmx_invvpid(unsigned type, uint16_t vpid);
#endif
