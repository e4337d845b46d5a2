/* Intel VT-x on bare metal: the VMX entry points of include/plat/virt.h.
 * VMXON follows IA32_FEATURE_CONTROL (locked with VMX on if firmware left
 * it open) and the CR0/CR4 fixed bits. The guest's x87/SSE image is loaded
 * around the entry after the registers of the user thread this CPU still
 * holds (lazy user FPU, user.c) are saved to it; they are reloaded from
 * there at that thread's next entry to ring 3. The host FS base and the
 * user GS base (KERNEL_GS_BASE) are the values at entry: VM exit restores
 * them (HOST_FS_BASE, the exit MSR-load list), so user.c's caches of them
 * stay true. */
#include <arch/x86_64/msr.h>
#include <hv/vmx/vmcs.h>
#include <hv/vmx/vmx.h>
#include <kern/errno.h>
#include <plat/cpu.h>
#include <plat/mem.h>
#include <plat/virt.h>

#include "cpu_ops.h"
#include "percpu.h"
#include "user_cpu.h"

int vmx_run_asm(struct hv_vmx_gprs *g, int launched);

void plat_vmx_cpuid(uint32_t leaf, uint32_t out[4])
{
	__asm__ volatile("cpuid" : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3]) : "a"(leaf), "c"(0));
}

int plat_vmx_rdmsr(uint32_t msr, uint64_t *value)
{
	uint32_t r[4];

	/* Without VMX the capability MSRs raise #GP. */
	plat_vmx_cpuid(1, r);
	if (!(r[2] & (1u << 5)))
		return -ENODEV;
	*value = rdmsr(msr);
	return 0;
}

/* VMfailInvalid sets CF, VMfailValid ZF. */
#define VMX_OK(insn_flags) (!(insn_flags))

int plat_vmx_vmxon(paddr_t region)
{
	uint64_t fc = rdmsr(MSR_IA32_FEAT_CTL);
	uint8_t bad;

	if (!(fc & FEATURE_CONTROL_LOCK))
		wrmsr(MSR_IA32_FEAT_CTL, fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX);
	else if (!(fc & FEATURE_CONTROL_VMX))
		return -EPERM;
	write_cr0((read_cr0() | rdmsr(MSR_IA32_VMX_CR0_FIXED0)) & rdmsr(MSR_IA32_VMX_CR0_FIXED1));
	write_cr4((read_cr4() | rdmsr(MSR_IA32_VMX_CR4_FIXED0)) & rdmsr(MSR_IA32_VMX_CR4_FIXED1));
	__asm__ volatile("vmxon %1; setna %0" : "=q"(bad) : "m"(region) : "cc", "memory");
	return VMX_OK(bad) ? 0 : -EIO;
}

void plat_vmx_vmxoff(void)
{
	__asm__ volatile("vmxoff" ::: "cc", "memory");
	write_cr4(read_cr4() & ~(1ull << 13));
}

int plat_vmx_vmclear(paddr_t vmcs)
{
	uint8_t bad;

	__asm__ volatile("vmclear %1; setna %0" : "=q"(bad) : "m"(vmcs) : "cc", "memory");
	return VMX_OK(bad) ? 0 : -EIO;
}

int plat_vmx_vmptrld(paddr_t vmcs)
{
	uint8_t bad;

	__asm__ volatile("vmptrld %1; setna %0" : "=q"(bad) : "m"(vmcs) : "cc", "memory");
	return VMX_OK(bad) ? 0 : -EIO;
}

int plat_vmx_vmread(uint32_t field, uint64_t *value)
{
	uint64_t v = 0;
	uint8_t bad;

	__asm__ volatile("vmread %2, %1; setna %0" : "=q"(bad), "=r"(v) : "r"((uint64_t)field) : "cc");
	*value = v;
	return VMX_OK(bad) ? 0 : -EIO;
}

int plat_vmx_vmwrite(uint32_t field, uint64_t value)
{
	uint8_t bad;

	__asm__ volatile("vmwrite %2, %1; setna %0" : "=q"(bad) : "r"((uint64_t)field), "rm"(value) : "cc");
	return VMX_OK(bad) ? 0 : -EIO;
}

/* Per CPU, what only boot code sets (the syscall MSRs, SYSENTER, EFER,
 * PAT, the descriptor tables): read at the first entry on the CPU, so an
 * entry reads only what a thread switch changes (CR3, the FS base, the
 * user GS base). */
static struct hv_vmx_host boot_state[PLAT_MAX_CPUS];
static bool boot_state_read[PLAT_MAX_CPUS];

static void read_boot_state(struct cpu_local *c, struct hv_vmx_host *h)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} gdtr, idtr;
	uint16_t cs, ss, tr;

	__asm__ volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
	__asm__ volatile("mov %%cs, %0; mov %%ss, %1; str %2" : "=r"(cs), "=r"(ss), "=r"(tr));
	h->efer = rdmsr(MSR_EFER);
	h->pat = rdmsr(MSR_IA32_PAT);
	h->gs_base = rdmsr(MSR_GS_BASE); /* the per-CPU area */
	h->tr_base = (uint64_t)(uintptr_t)&c->tss;
	h->gdtr_base = gdtr.base;
	h->idtr_base = idtr.base;
	h->sysenter_cs = rdmsr(MSR_IA32_SYSENTER_CS);
	h->sysenter_esp = rdmsr(MSR_IA32_SYSENTER_CS + 1);
	h->sysenter_eip = rdmsr(MSR_IA32_SYSENTER_CS + 2);
	h->star = rdmsr(MSR_STAR);
	h->lstar = rdmsr(MSR_LSTAR);
	h->cstar = rdmsr(MSR_CSTAR);
	h->sfmask = rdmsr(MSR_SFMASK);
	/* Data segments mean nothing in 64-bit mode: null after the exit
	 * (VM entry wants RPL 0 host selectors; user ones have RPL 3). */
	h->cs = cs;
	h->ss = ss;
	h->tr = tr;
	h->ds = h->es = h->fs = h->gs = 0;
}

void plat_vmx_host_state(struct hv_vmx_host *h)
{
	struct cpu_local *c = this_cpu();
	unsigned cpu = c->index;

	if (!boot_state_read[cpu]) {
		read_boot_state(c, &boot_state[cpu]);
		boot_state_read[cpu] = true;
	}
	*h = boot_state[cpu];
	h->cr0 = read_cr0();
	h->cr3 = read_cr3();
	h->cr4 = read_cr4();
	h->fs_base = rdmsr(MSR_FS_BASE);
	h->kernel_gs_base = rdmsr(MSR_KERNEL_GS_BASE);
}

int plat_vmx_run(struct hv_vmx_gprs *g, bool launched, void *fpu)
{
	int rc;

	user_fpu_evict(this_cpu());
	__asm__ volatile("fxrstor64 %0" ::"m"(*(const uint8_t(*)[512])fpu));
	rc = vmx_run_asm(g, launched);
	__asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t(*)[512])fpu));
	return rc ? -EIO : 0;
}

int plat_vmx_invept(unsigned type, uint64_t eptp)
{
	struct {
		uint64_t eptp, reserved;
	} desc = {eptp, 0};
	uint8_t bad;

	__asm__ volatile("invept %1, %2; setna %0" : "=q"(bad) : "m"(desc), "r"((uint64_t)type) : "cc", "memory");
	return VMX_OK(bad) ? 0 : -EIO;
}

int plat_vmx_invvpid(unsigned type, uint16_t vpid)
{
	struct {
		uint64_t vpid, linear;
	} desc = {vpid, 0};
	uint8_t bad;

	__asm__ volatile("invvpid %1, %2; setna %0" : "=q"(bad) : "m"(desc), "r"((uint64_t)type) : "cc", "memory");
	return VMX_OK(bad) ? 0 : -EIO;
}
