/* The hosted platform's stand-in for AMD-V (include/plat/virt.h's SVM entry
 * points): CPUID answers and VMRUN come from a script a unit test installs,
 * so hv/svm runs unchanged against a simulated CPU. Without a script the
 * simulated CPU has no SVM. */
#ifndef PLATFORM_HOSTED_SVM_SIM_H
#define PLATFORM_HOSTED_SVM_SIM_H
#include <hv/svm/svm.h>
#include <hv/svm/vmcb.h>

struct hosted_svm_sim {
	uint32_t ext1_ecx;    /* leaf 0x80000001 ecx */
	uint32_t leaf_svm[4]; /* leaf 0x8000000a */
	/* The guest runs until the next exit: the script plays the guest and
	 * the CPU, changing registers, memory and the VMCB's exit fields. The
	 * simulated VMRUN first makes the consistency checks a CPU makes
	 * (VMRUN intercepted, ASID not 0, EFER.SVME) and exits with
	 * VMEXIT_INVALID without calling the script when they fail. */
	void (*vmrun)(void *ctx, struct vmcb *vmcb, struct hv_svm_gprs *gprs, uint8_t *fpu);
	void *ctx;
};

/* NULL removes the simulated SVM. */
void hosted_svm_sim_set(const struct hosted_svm_sim *sim);

struct hosted_svm_sim_stats {
	unsigned long vmruns;
	unsigned long invalid; /* failed consistency checks */
	unsigned long irqs_on; /* VMRUNs entered with interrupts enabled (a contract breach) */
	unsigned long enables; /* plat_svm_enable calls */
};
void hosted_svm_sim_stats(struct hosted_svm_sim_stats *out);
#endif
