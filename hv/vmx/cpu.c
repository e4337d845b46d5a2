/* VMX operation per CPU and the VMCS each CPU has current. A CPU enters
 * VMX operation the first time a guest runs on it and leaves it when the
 * last VM is destroyed (its VMXON region goes back then). A VMCS is active on at most one CPU: it
 * is loaded (VMPTRLD) on the CPU the vCPU thread runs on and cleared
 * (VMCLEAR, on that CPU) before the thread runs it anywhere else. */
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/sched.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <plat/cpu.h>
#include <plat/mem.h>
#include <plat/virt.h>

#include "vmx_internal.h"

static paddr_t vmxon_region[PLAT_MAX_CPUS];
static bool cpu_on[PLAT_MAX_CPUS];
static paddr_t current_vmcs[PLAT_MAX_CPUS];
static spinlock_t vms_lock = SPINLOCK_INIT("vmx-vms");
static unsigned nvms;
static bool releasing;

void vmx_vms_get(void)
{
	for (;;) {
		spin_lock(&vms_lock);
		if (!releasing) {
			nvms++;
			spin_unlock(&vms_lock);
			return;
		}
		spin_unlock(&vms_lock);
		thread_yield();
	}
}

/* VMXOFF on every CPU in VMX operation, from that CPU. */
static void release_cpus(void)
{
	struct thread *t = thread_current();
	int affinity = t->affinity;

	for (unsigned cpu = 0; cpu < PLAT_MAX_CPUS; cpu++) {
		irqflags_t flags;

		if (!cpu_on[cpu])
			continue;
		thread_set_affinity((int)cpu);
		flags = plat_irq_save();
		plat_vmx_vmxoff();
		cpu_on[cpu] = false;
		current_vmcs[cpu] = 0;
		plat_irq_restore(flags);
		page_free(vmxon_region[cpu], 0);
		vmxon_region[cpu] = 0;
	}
	thread_set_affinity(affinity);
}

void vmx_vms_put(void)
{
	bool last;

	spin_lock(&vms_lock);
	last = --nvms == 0;
	releasing = last;
	spin_unlock(&vms_lock);
	if (!last)
		return;
	release_cpus();
	spin_lock(&vms_lock);
	releasing = false;
	spin_unlock(&vms_lock);
}

int vmx_cpu_on(const struct hv_vmx_caps *c)
{
	unsigned cpu = plat_cpu_id();
	int err;

	if (cpu_on[cpu])
		return 0;
	if (!vmxon_region[cpu]) {
		/* Called with interrupts off: the page allocator only takes a
		 * spinlock. */
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
