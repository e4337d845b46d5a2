/* The Intel VT-x backend: all logic is portable (hv/vmx/); the privileged
 * instructions (VMXON, VMCLEAR, VMPTRLD, VMREAD, VMWRITE, VMLAUNCH /
 * VMRESUME, INVEPT, INVVPID) are platform entry points in
 * include/plat/virt.h. Bare metal runs them on the CPU; the hosted platform
 * simulates a VMCS so unit tests drive the real backend code. */
#ifndef HV_VMX_VMX_H
#define HV_VMX_VMX_H

/* Offsets in struct hv_vmx_gprs, for the platform's entry code: gpr[] is
 * in hv_regs order (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15; the
 * rsp slot is unused, the VMCS holds rsp), then the guest's cr2, which VM
 * entry and exit do not switch. */
#define HV_VMX_GPRS_GPR(n) ((n)*8)
#define HV_VMX_GPRS_CR2    0x80

#ifndef __ASSEMBLER__
#include <hv/backend.h>
#include <kern/types.h>

struct hv_vmx_gprs {
	uint64_t gpr[16];
	uint64_t cr2;
};
_Static_assert(__builtin_offsetof(struct hv_vmx_gprs, cr2) == HV_VMX_GPRS_CR2, "gprs layout");

/* The raw capability MSRs (0 for those the CPU lacks). */
struct hv_vmx_msrs {
	uint64_t basic, pin, proc, exit, entry, misc;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint64_t proc2, ept_vpid;
	uint64_t true_pin, true_proc, true_exit, true_entry;
	uint64_t feature_control;
};

/* What the backend uses, from CPUID.1:ECX.VMX and the MSRs. The control
 * MSRs are the TRUE_ ones when IA32_VMX_BASIC bit 55 says they exist. */
struct hv_vmx_caps {
	bool vmx;
	uint32_t revision;
	uint64_t pin, proc, proc2, exit, entry; /* allowed-0 (low) / allowed-1 (high) */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint64_t ept_vpid;
	bool ept, unrestricted, vpid, ept_2m, inout_info;
	unsigned preempt_rate;   /* VMX-preemption timer: one tick per 2^rate TSC cycles */
	bool feature_locked_off; /* IA32_FEATURE_CONTROL locked with VMX off */
};

/* The control fields the backend runs with. */
struct hv_vmx_ctls {
	uint32_t pin, proc, proc2, exit, entry;
	bool nmi_window; /* NMI-window exiting may be set (with virtual NMIs) */
};

void hv_vmx_parse_caps(bool cpuid_vmx, const struct hv_vmx_msrs *m, struct hv_vmx_caps *c);
/* Reads CPUID and the MSRs through the platform; false (with *why) if VMX
 * with EPT and unrestricted guest is missing or disabled by firmware. */
bool hv_vmx_probe(struct hv_vmx_caps *c, const char **why);
/* A control value from its capability MSR: `required` bits must be
 * allowed to be 1 (else -ENOTSUP), `optional` ones are set where allowed,
 * and every bit whose allowed-0 setting is 1 is set. */
int hv_vmx_ctl(uint64_t cap_msr, uint32_t required, uint32_t optional, uint32_t *out);
/* Every control field for this CPU; -ENOTSUP (with *why) if a control
 * the backend needs cannot be set. */
int hv_vmx_compute_ctls(const struct hv_vmx_caps *c, struct hv_vmx_ctls *out, const char **why);

/* The host state a VM exit must restore, as the platform reads it on the
 * current CPU (include/plat/virt.h: plat_vmx_host_state). Selectors have
 * RPL 0 and TI 0 (the platform gives 0 for data segments that do not). The
 * syscall MSRs are restored through the VM-exit MSR-load list. */
struct hv_vmx_host {
	uint64_t cr0, cr3, cr4, efer, pat;
	uint64_t fs_base, gs_base, tr_base, gdtr_base, idtr_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint16_t cs, ss, ds, es, fs, gs, tr;
};

extern const struct hv_backend hv_backend_vmx;
#endif /* __ASSEMBLER__ */
#endif
