/* VMX capabilities: CPUID.1:ECX.VMX, IA32_FEATURE_CONTROL and the
 * capability MSRs. Each control field has an MSR whose low half says which
 * bits must be 1 (allowed-0 settings) and whose high half says which bits
 * may be 1 (allowed-1 settings); the TRUE_ variants (IA32_VMX_BASIC bit 55)
 * let some default-1 bits be cleared. The backend needs EPT and
 * unrestricted guest (guests start in real mode or unpaged protected mode). */
#include <kern/errno.h>
#include <kern/string.h>
#include <plat/virt.h>

#include "vmx_internal.h"

#define CPUID1_ECX_VMX (1u << 5)

void hv_vmx_parse_caps(bool cpuid_vmx, const struct hv_vmx_msrs *m, struct hv_vmx_caps *c)
{
	bool true_ctls = m->basic & VMX_BASIC_TRUE_CTLS;

	memset(c, 0, sizeof(*c));
	c->vmx = cpuid_vmx;
	if (!cpuid_vmx)
		return;
	c->revision = VMX_BASIC_REVISION(m->basic);
	c->inout_info = m->basic & VMX_BASIC_INOUT;
	c->preempt_rate = VMX_MISC_PREEMPT_RATE(m->misc);
	c->pin = true_ctls ? m->true_pin : m->pin;
	c->proc = true_ctls ? m->true_proc : m->proc;
	c->exit = true_ctls ? m->true_exit : m->exit;
	c->entry = true_ctls ? m->true_entry : m->entry;
	c->cr0_fixed0 = m->cr0_fixed0;
	c->cr0_fixed1 = m->cr0_fixed1;
	c->cr4_fixed0 = m->cr4_fixed0;
	c->cr4_fixed1 = m->cr4_fixed1;
	c->feature_locked_off =
	    (m->feature_control & FEATURE_CONTROL_LOCK) && !(m->feature_control & FEATURE_CONTROL_VMX);
	/* Secondary controls exist only when the primary may activate them. */
	if (!((c->proc >> 32) & PROC_SECONDARY))
		return;
	c->proc2 = m->proc2;
	c->ept_vpid = m->ept_vpid;
	c->ept = ((c->proc2 >> 32) & PROC2_EPT) && (m->ept_vpid & EPT_CAP_WALK4) && (m->ept_vpid & EPT_CAP_WB) &&
	         (m->ept_vpid & EPT_CAP_INVEPT) && (m->ept_vpid & (EPT_CAP_INVEPT_CTX | EPT_CAP_INVEPT_ALL));
	c->ept_2m = c->ept && (m->ept_vpid & EPT_CAP_2M);
	c->unrestricted = c->ept && ((c->proc2 >> 32) & PROC2_UNRESTRICTED);
	c->vpid = ((c->proc2 >> 32) & PROC2_VPID) && (m->ept_vpid & VPID_CAP_INVVPID) &&
	          (m->ept_vpid & (VPID_CAP_CTX | VPID_CAP_ALL));
}

static uint64_t msr_or_zero(uint32_t index)
{
	uint64_t v = 0;

	return plat_vmx_rdmsr(index, &v) ? 0 : v;
}

bool hv_vmx_probe(struct hv_vmx_caps *c, const char **why)
{
	struct hv_vmx_msrs m;
	uint32_t leaf1[4];
	const char *no = NULL;

	memset(&m, 0, sizeof(m));
	plat_vmx_cpuid(1, leaf1);
	if (leaf1[2] & CPUID1_ECX_VMX) {
		m.basic = msr_or_zero(MSR_IA32_VMX_BASIC);
		m.pin = msr_or_zero(MSR_IA32_VMX_PINBASED_CTLS);
		m.proc = msr_or_zero(MSR_IA32_VMX_PROCBASED_CTLS);
		m.exit = msr_or_zero(MSR_IA32_VMX_EXIT_CTLS);
		m.entry = msr_or_zero(MSR_IA32_VMX_ENTRY_CTLS);
		m.misc = msr_or_zero(MSR_IA32_VMX_MISC);
		m.cr0_fixed0 = msr_or_zero(MSR_IA32_VMX_CR0_FIXED0);
		m.cr0_fixed1 = msr_or_zero(MSR_IA32_VMX_CR0_FIXED1);
		m.cr4_fixed0 = msr_or_zero(MSR_IA32_VMX_CR4_FIXED0);
		m.cr4_fixed1 = msr_or_zero(MSR_IA32_VMX_CR4_FIXED1);
		m.feature_control = msr_or_zero(MSR_IA32_FEAT_CTL);
		if ((m.proc >> 32) & PROC_SECONDARY) {
			m.proc2 = msr_or_zero(MSR_IA32_VMX_PROCBASED_CTLS2);
			if ((m.proc2 >> 32) & (PROC2_EPT | PROC2_VPID))
				m.ept_vpid = msr_or_zero(MSR_IA32_VMX_EPT_VPID_CAP);
		}
		if (m.basic & VMX_BASIC_TRUE_CTLS) {
			m.true_pin = msr_or_zero(MSR_IA32_VMX_TRUE_PINBASED);
			m.true_proc = msr_or_zero(MSR_IA32_VMX_TRUE_PROCBASED);
			m.true_exit = msr_or_zero(MSR_IA32_VMX_TRUE_EXIT);
			m.true_entry = msr_or_zero(MSR_IA32_VMX_TRUE_ENTRY);
		}
	}
	hv_vmx_parse_caps(leaf1[2] & CPUID1_ECX_VMX, &m, c);
	if (!c->vmx)
		no = "the CPU has no VMX (Intel VT-x)";
	else if (c->feature_locked_off)
		no = "VMX is disabled by firmware (IA32_FEATURE_CONTROL locked)";
	else if (VMX_BASIC_MEMTYPE(m.basic) != 6 || VMX_BASIC_SIZE(m.basic) > VMX_PAGE)
		no = "the CPU's VMCS is not write-back or larger than a page";
	else if (!c->ept)
		no = "the CPU has VMX without EPT (4-level, write-back, INVEPT)";
	else if (!c->unrestricted)
		no = "the CPU has VMX without unrestricted guest";
	if (no && why)
		*why = no;
	return no == NULL;
}

int hv_vmx_ctl(uint64_t cap_msr, uint32_t required, uint32_t optional, uint32_t *out)
{
	uint32_t must = (uint32_t)cap_msr, may = (uint32_t)(cap_msr >> 32);

	if (required & ~may)
		return -ENOTSUP;
	*out = ((required | optional) & may) | must;
	return 0;
}

int hv_vmx_compute_ctls(const struct hv_vmx_caps *c, struct hv_vmx_ctls *o, const char **why)
{
	const char *no = NULL;

	memset(o, 0, sizeof(*o));
	/* Host interrupts and NMIs end the guest (virtual NMIs where the CPU
	 * has them), and the preemption timer
	 * bounds a stay in the guest where the CPU has it; every port and MSR
	 * is checked against the bitmaps; CR8 goes to hv/ (no TPR shadow: a
	 * guest must not write the host's TPR); RDTSC reads the host TSC plus
	 * the vCPU's offset without an exit (TSC offsetting; RDTSC exiting to
	 * hv/'s TSC where the CPU lacks it); MWAIT and MONITOR exit to get #UD
	 * (CPUID hides them). */
	if (hv_vmx_ctl(c->pin, PIN_EXTINT_EXITING | PIN_NMI_EXITING, PIN_PREEMPT_TIMER | PIN_VIRTUAL_NMIS, &o->pin))
		no = "external-interrupt or NMI exiting";
	else if (hv_vmx_ctl(c->proc,
	                    PROC_HLT | PROC_IO_BITMAPS | PROC_MSR_BITMAPS | PROC_SECONDARY | PROC_CR8_LOAD |
	                        PROC_CR8_STORE,
	                    PROC_MWAIT | PROC_MONITOR | PROC_TSC_OFFSET, &o->proc))
		no = "HLT exiting, I/O or MSR bitmaps, CR8 exiting or secondary controls";
	else if (!((c->proc >> 32) & PROC_INTR_WINDOW))
		no = "interrupt-window exiting";
	else if (hv_vmx_ctl(c->proc2, PROC2_EPT | PROC2_UNRESTRICTED, c->vpid ? PROC2_VPID : 0, &o->proc2))
		no = "EPT or unrestricted guest";
	else if (hv_vmx_ctl(c->exit, EXIT_HOST_64 | EXIT_SAVE_EFER | EXIT_LOAD_EFER, EXIT_SAVE_PAT | EXIT_LOAD_PAT,
	                    &o->exit))
		no = "64-bit host or EFER save/load on exit";
	else if (hv_vmx_ctl(c->entry, ENTRY_LOAD_EFER, ENTRY_LOAD_PAT, &o->entry))
		no = "EFER load on entry";
	else if (!((c->entry >> 32) & ENTRY_IA32E))
		no = "IA-32e mode guests";
	if (!no) {
		/* Set per entry from the guest's EFER.LMA and hv/'s requests. */
		o->entry &= ~ENTRY_IA32E;
		o->proc &= ~PROC_INTR_WINDOW;
		if (!(o->proc & PROC_TSC_OFFSET) && ((c->proc >> 32) & PROC_RDTSC))
			o->proc |= PROC_RDTSC;
		/* Virtual NMIs let the CPU track the guest's NMI blocking (an
		 * injected NMI blocks, the guest's IRET unblocks) and exit at
		 * an NMI window; without them a held NMI waits for any exit. */
		o->nmi_window = (o->pin & PIN_VIRTUAL_NMIS) && ((c->proc >> 32) & PROC_NMI_WINDOW);
		/* PAT is switched only when both directions can. */
		if (!(o->entry & ENTRY_LOAD_PAT) || !(o->exit & EXIT_LOAD_PAT) || !(o->exit & EXIT_SAVE_PAT)) {
			o->entry &= ~(ENTRY_LOAD_PAT & ~(uint32_t)c->entry);
			o->exit &= ~((EXIT_LOAD_PAT | EXIT_SAVE_PAT) & ~(uint32_t)c->exit);
		}
		return 0;
	}
	if (why)
		*why = no;
	return -ENOTSUP;
}
