/* The hosted platform's stand-in for Intel VT-x (include/plat/virt.h's VMX
 * entry points): capability MSRs from a table, a VMCS as a field store per
 * region, VMX operation and the current VMCS per CPU, and VM entries that
 * make a CPU's checks (launch state, every control against its capability
 * MSR, host and guest state the backend relies on) before a script plays
 * the guest until the next exit. Without a script the CPU has no VMX. */
#ifndef PLATFORM_HOSTED_VMX_SIM_H
#define PLATFORM_HOSTED_VMX_SIM_H
#include <hv/vmx/vmcs.h>
#include <hv/vmx/vmx.h>

struct hosted_vmx_sim {
	uint32_t cpuid1_ecx;
	struct hv_vmx_msrs msrs;
	/* The guest runs until the next exit: the script reads and writes
	 * fields with hosted_vmx_sim_field/hosted_vmx_sim_set (read-only exit
	 * fields too) and the registers in `g`. */
	void (*run)(void *ctx, struct hv_vmx_gprs *g);
	void *ctx;
};

/* NULL removes the simulated VMX (and forgets every VMCS). */
void hosted_vmx_sim_set(const struct hosted_vmx_sim *sim);
/* The current VMCS of the calling CPU, from the script. */
uint64_t hosted_vmx_sim_field(uint32_t field);
void hosted_vmx_sim_set_field(uint32_t field, uint64_t value);
/* A field of the VMCS in region `pa`, from a test (0 if unknown). */
uint64_t hosted_vmx_sim_peek(paddr_t vmcs, uint32_t field);

struct hosted_vmx_sim_stats {
	unsigned long vmxons, vmxoffs, vmclears, vmptrlds, launches, resumes;
	unsigned long vmfails;          /* VMfailValid/Invalid of any instruction */
	unsigned long last_error;       /* the last VM-instruction error */
	unsigned long entry_failures;   /* invalid guest state */
	unsigned long irqs_on;          /* entries with interrupts enabled (a contract breach) */
	unsigned long active_elsewhere; /* VMPTRLD of a VMCS active on another CPU (a breach) */
	unsigned long invepts, invvpids;
	uint32_t last_entry_intr; /* interruption information of the last entry */
	uint32_t last_entry_error, last_entry_len, last_proc;
};
void hosted_vmx_sim_stats(struct hosted_vmx_sim_stats *out);
#endif
