/* VMX operation per CPU and the VMCS each CPU has current. A CPU enters
 * VMX operation the first time a guest runs on it and stays there (as
 * EFER.SVME stays set for SVM). A VMCS is active on at most one CPU: it
 * is loaded (VMPTRLD) on the CPU the vCPU thread runs on and cleared
 * (VMCLEAR, on that CPU) before the thread runs it anywhere else. */
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <plat/cpu.h>
#include <plat/mem.h>
#include <plat/virt.h>

#include "vmx_internal.h"

static paddr_t vmxon_region[PLAT_MAX_CPUS];
static bool cpu_on[PLAT_MAX_CPUS];
static paddr_t current_vmcs[PLAT_MAX_CPUS];

int vmx_cpu_on(const struct hv_vmx_caps *c)
{
	unsigned cpu = plat_cpu_id();
	int err;

	if (cpu_on[cpu])
		return 0;
	if (!vmxon_region[cpu]) {
		/* Called with interrupts off: the page allocator only takes a
		 * spinlock. Never freed: the CPU stays in VMX operation. */
		paddr_t pa = page_alloc(0);

		if (!pa)
			return -ENOMEM;
		memset(plat_phys_to_virt(pa), 0, VMX_PAGE);
		*(uint32_t *)plat_phys_to_virt(pa) = c->revision;
		vmxon_region[cpu] = pa;
	}
	err = plat_vmx_vmxon(vmxon_region[cpu]);
	if (!err)
		cpu_on[cpu] = true;
	return err;
}

int vmx_cpu_load(struct vmx_vcpu *v)
{
	unsigned cpu = plat_cpu_id();

	if (current_vmcs[cpu] == v->vmcs_pa && v->loaded_cpu == (int)cpu)
		return 0;
	if (v->loaded_cpu >= 0 && v->loaded_cpu != (int)cpu)
		return -EAGAIN; /* active elsewhere: vmx_vcpu_evict first */
	if (!v->cleared) {
		/* A new VMCS is initialized by VMCLEAR (launch state clear). */
		int err = plat_vmx_vmclear(v->vmcs_pa);

		if (err)
			return err;
		v->cleared = true;
		v->launched = false;
	}
	if (plat_vmx_vmptrld(v->vmcs_pa))
		return -EIO;
	current_vmcs[cpu] = v->vmcs_pa;
	if (v->loaded_cpu != (int)cpu)
		v->host_valid = false; /* another CPU's GDT, TSS, per-CPU base */
	v->loaded_cpu = (int)cpu;
	return 0;
}

/* Clears the VMCS on the CPU where it is active: the calling thread moves
 * there for the VMCLEAR and back to where it may run afterwards. */
void vmx_vcpu_evict(struct vmx_vcpu *v)
{
	struct thread *t = thread_current();
	int affinity = t->affinity, cpu = v->loaded_cpu;
	irqflags_t flags;

	if (cpu < 0)
		return;
	thread_set_affinity(cpu);
	flags = plat_irq_save();
	plat_vmx_vmclear(v->vmcs_pa);
	if (current_vmcs[cpu] == v->vmcs_pa)
		current_vmcs[cpu] = 0;
	v->loaded_cpu = -1;
	v->launched = false;
	plat_irq_restore(flags);
	thread_set_affinity(affinity);
}
