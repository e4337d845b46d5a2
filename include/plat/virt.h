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
#endif
