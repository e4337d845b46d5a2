/* AMD-V on bare metal: the SVM entry points of include/plat/virt.h and the
 * backend choice. Each CPU gets a host save area (VM_HSAVE_PA, where VMRUN
 * keeps the host state it switches) and a page for VMSAVE of the host's
 * FS/GS/TR/LDTR and syscall MSRs; EFER.SVME is set on a CPU right before its
 * first VMRUN, so CPUs that never run a guest are left alone. The kernel
 * uses no x87/SSE itself, but the CPU may still hold a user thread's FPU
 * registers (lazy switching, user.c): they go back to that thread first,
 * then the guest's FXSAVE image is loaded before VMRUN and saved after. */
#include <hv/svm/svm.h>
#include <kern/errno.h>
#include <plat/cpu.h>
#include <plat/mem.h>
#include <plat/virt.h>

#include "cpu_ops.h"
#include "percpu.h"
#include "user_cpu.h"

#define MSR_EFER        0xc0000080u
#define MSR_VM_CR       0xc0010114u
#define MSR_VM_HSAVE_PA 0xc0010117u
#define EFER_SVME       (1ull << 12)
#define VM_CR_SVMDIS    (1ull << 4)

void svm_vmrun_asm(paddr_t vmcb_pa, struct hv_svm_gprs *gprs, paddr_t host_pa);

/* Per CPU: the host save area VM_HSAVE_PA names and the VMSAVE page for
 * the host. Static rather than allocated at the first VM: they are never
 * given back, and 8 KiB per possible CPU is cheap. */
struct svm_cpu_pages {
	uint8_t hsave[PAGE_SIZE];
	uint8_t host[PAGE_SIZE];
};
static struct svm_cpu_pages svm_pages[PLAT_MAX_CPUS] __attribute__((aligned(PAGE_SIZE)));
static bool cpu_on[PLAT_MAX_CPUS];

void plat_svm_cpuid(uint32_t leaf, uint32_t out[4])
{
	__asm__ volatile("cpuid" : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3]) : "a"(leaf), "c"(0));
}

int plat_svm_enable(void)
{
	/* Firmware may have disabled SVM (and locked it so). */
	return (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) ? -EPERM : 0;
}

void plat_svm_vmrun(paddr_t vmcb_pa, struct hv_svm_gprs *gprs, void *fpu)
{
	unsigned cpu = plat_cpu_id();

	if (!cpu_on[cpu]) {
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
		wrmsr(MSR_VM_HSAVE_PA, plat_virt_to_phys(svm_pages[cpu].hsave));
		cpu_on[cpu] = true;
	}
	irqflags_t f = plat_irq_save();
	user_fpu_evict(this_cpu());
	plat_irq_restore(f);
	__asm__ volatile("fxrstor64 %0" ::"m"(*(const uint8_t(*)[512])fpu));
	svm_vmrun_asm(vmcb_pa, gprs, plat_virt_to_phys(svm_pages[cpu].host));
	__asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t(*)[512])fpu));
}
