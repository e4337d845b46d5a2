/* A virtualization backend: what runs a vCPU. hv/ holds every policy; a
 * backend only creates the hardware (or simulated, or KVM) objects, maps
 * guest memory, moves register state and runs until the next exit.
 *
 *   simulated  hv/backend_sim.c: exits come from a script or a fuzzer
 *   kvm        platform-hosted: /dev/kvm, with hv/'s own APIC and devices
 *   svm, vmx   bare metal: portable logic in hv/, privileged steps as
 *              platform entry points (include/plat/virt.h)
 *
 * Every op returns 0 or a negative errno. */
#ifndef HV_BACKEND_H
#define HV_BACKEND_H
#include <hv/exit.h>
#include <hv/regs.h>

struct hv_cpuid_entry {
	uint32_t leaf, subleaf;
	bool subleaf_matters;
	uint32_t eax, ebx, ecx, edx;
};

struct hv_backend {
	const char *name;
	/* Backends that answer CPUID themselves (KVM) take the policy as a
	 * table; others exit with HV_EXIT_CPUID. */
	bool cpuid_in_table;
	int (*vm_create)(void **vm_priv);
	void (*vm_destroy)(void *vm_priv);
	/* Maps guest-physical [gpa, gpa+size) to host-physical pages starting at
	 * `hpa` (contiguous). */
	int (*map)(void *vm_priv, uint64_t gpa, paddr_t hpa, uint64_t size, bool writable);
	int (*unmap)(void *vm_priv, uint64_t gpa, uint64_t size);
	/* Optional: pages the guest wrote since the last call, one bit per page
	 * of [gpa, gpa+size). */
	int (*dirty_log)(void *vm_priv, uint64_t gpa, uint64_t size, uint64_t *bits);
	int (*vcpu_create)(void *vm_priv, unsigned id, void **vcpu_priv);
	void (*vcpu_destroy)(void *vcpu_priv);
	int (*get_regs)(void *vcpu_priv, struct hv_regs *r);
	int (*set_regs)(void *vcpu_priv, const struct hv_regs *r);
	int (*get_sregs)(void *vcpu_priv, struct hv_sregs *s);
	int (*set_sregs)(void *vcpu_priv, const struct hv_sregs *s);
	int (*set_cpuid)(void *vcpu_priv, const struct hv_cpuid_entry *e, unsigned n);
	/* Runs until the next exit (never blocks forever: kick ends it with
	 * HV_EXIT_CANCELLED). */
	int (*run)(void *vcpu_priv, struct hv_run *run);
	/* From any thread or interrupt context. */
	void (*kick)(void *vcpu_priv);
	/* Optional, for guests that read the TSC without exiting (RDTSC).
	 * set_tsc_offset: from the next entry on, the guest's TSC is the
	 * host's (plat_tsc_read) plus `offset`. guest_tsc: a backend that runs
	 * the guest TSC itself (KVM) gives its rate and its value now. */
	void (*set_tsc_offset)(void *vcpu_priv, int64_t offset);
	int (*guest_tsc)(void *vcpu_priv, uint64_t *khz, uint64_t *tsc);
};

/* The simulated backend: each run asks `next` for the exit to report. The
 * script sees the vCPU's registers (it may change them) and can end the run
 * loop by returning HV_EXIT_SHUTDOWN. Used by unit tests and the VM-exit
 * fuzzer. */
struct hv_sim_script {
	int (*next)(void *ctx, unsigned vcpu, struct hv_regs *regs, struct hv_sregs *sregs, struct hv_run *run);
	void *ctx;
};
extern const struct hv_backend hv_backend_sim;
/* The script for VMs created with hv_backend_sim from now on. */
void hv_backend_sim_set_script(const struct hv_sim_script *s);
#endif
