/* Platform interface: hardware virtualization (contract; implemented by the
 * hypervisor work).
 *
 * hv/ holds all policy and device models; the platform only provides the
 * privileged steps. Running a vCPU returns a normalized exit record
 * (hv/exit.h) and never blocks forever: plat_vcpu_kick() from another thread
 * makes a running vCPU return HV_EXIT_CANCELLED promptly. */
#ifndef PLAT_VIRT_H
#define PLAT_VIRT_H
#include <hv/exit.h>
#include <kern/types.h>

enum plat_virt_caps {
	PLAT_VIRT_SVM = 1 << 0,        /* AMD-V */
	PLAT_VIRT_VMX = 1 << 1,        /* Intel VT-x */
	PLAT_VIRT_NESTED_PAGING = 1 << 2,
	PLAT_VIRT_KVM = 1 << 3,        /* hosted: /dev/kvm backend usable */
	PLAT_VIRT_SIMULATED = 1 << 4,  /* exits come from a script or fuzzer */
};

unsigned plat_virt_caps(void);

struct plat_vm;   /* a VM's platform state (NPT/EPT root, ASID/VPID, KVM fd) */
struct plat_vcpu; /* a vCPU's platform state (VMCB/VMCS, KVM run page) */
struct user_regs;

struct plat_vm *plat_vm_create(void);
void plat_vm_destroy(struct plat_vm *vm);
/* Maps guest-physical [gpa, gpa+size) to host physical pages starting at
 * `hpa` (contiguous in host-physical space for now). */
int plat_vm_map(struct plat_vm *vm, uint64_t gpa, paddr_t hpa, uint64_t size, bool writable);
int plat_vm_unmap(struct plat_vm *vm, uint64_t gpa, uint64_t size);

struct plat_vcpu *plat_vcpu_create(struct plat_vm *vm, unsigned id);
void plat_vcpu_destroy(struct plat_vcpu *vcpu);
/* Runs the vCPU until the next exit and fills `exit`. Returns 0, or a
 * negative errno if the backend itself failed. */
int plat_vcpu_run(struct plat_vcpu *vcpu, struct hv_exit *exit);
void plat_vcpu_kick(struct plat_vcpu *vcpu);

#endif
