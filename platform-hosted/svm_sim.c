/* Simulated SVM entry points for the hosted platform (see svm_sim.h). */
#include <plat/cpu.h>
#include <plat/mem.h>
#include <plat/virt.h>
#include <string.h>

#include "svm_sim.h"

#define EFER_SVME (1ull << 12)

static struct hosted_svm_sim sim;
static bool sim_set;
static struct hosted_svm_sim_stats stats;

void hosted_svm_sim_set(const struct hosted_svm_sim *s)
{
	sim_set = s != NULL;
	if (s)
		sim = *s;
	else
		memset(&sim, 0, sizeof(sim));
	memset(&stats, 0, sizeof(stats));
}

void hosted_svm_sim_stats(struct hosted_svm_sim_stats *out)
{
	*out = stats;
}

void plat_svm_cpuid(uint32_t leaf, uint32_t out[4])
{
	memset(out, 0, 4 * sizeof(uint32_t));
	if (leaf == 0x80000000u)
		out[0] = sim_set ? 0x8000000au : 0x80000008u;
	else if (leaf == 0x80000001u)
		out[2] = sim.ext1_ecx;
	else if (leaf == 0x8000000au && sim_set)
		memcpy(out, sim.leaf_svm, sizeof(sim.leaf_svm));
}

int plat_svm_enable(void)
{
	__atomic_fetch_add(&stats.enables, 1, __ATOMIC_SEQ_CST);
	return sim_set ? 0 : -19; /* ENODEV */
}

void plat_svm_vmrun(paddr_t vmcb_pa, struct hv_svm_gprs *gprs, void *fpu)
{
	struct vmcb *vmcb = plat_phys_to_virt(vmcb_pa);

	__atomic_fetch_add(&stats.vmruns, 1, __ATOMIC_SEQ_CST);
	if (plat_irq_enabled())
		__atomic_fetch_add(&stats.irqs_on, 1, __ATOMIC_SEQ_CST);
	vmcb->ctl.exit_int_info = 0;
	if (!(vmcb->ctl.intercept_misc2 & VMCB_I2_VMRUN) || vmcb->ctl.asid == 0 || !(vmcb->save.efer & EFER_SVME) ||
	    !sim.vmrun) {
		__atomic_fetch_add(&stats.invalid, 1, __ATOMIC_SEQ_CST);
		vmcb->ctl.exit_code = VMEXIT_INVALID;
		return;
	}
	sim.vmrun(sim.ctx, vmcb, gprs, fpu);
}
