/* The normalized VM-exit record: what every virtualization backend (simulated,
 * KVM, SVM, VMX) reports after running a vCPU, and what hv/ dispatches on. */
#ifndef HV_EXIT_H
#define HV_EXIT_H
#include <kern/types.h>

enum hv_exit_reason {
	HV_EXIT_IO = 1,         /* port I/O: io.* */
	HV_EXIT_MMIO,           /* access to an MMIO hole: mmio.* */
	HV_EXIT_CPUID,          /* cpuid.leaf/subleaf; handler fills the result */
	HV_EXIT_MSR_READ,       /* msr.index */
	HV_EXIT_MSR_WRITE,      /* msr.index, msr.value */
	HV_EXIT_HLT,
	HV_EXIT_HYPERCALL,      /* vmcall/vmmcall: registers in the vCPU state */
	HV_EXIT_NPF,            /* nested/EPT fault outside MMIO: npf.* */
	HV_EXIT_EXCEPTION,      /* intercepted guest exception: exception.* */
	HV_EXIT_INTR_WINDOW,    /* guest can accept an interrupt now */
	HV_EXIT_EXTERNAL_INTR,  /* a host interrupt stopped the guest */
	HV_EXIT_SHUTDOWN,       /* triple fault */
	HV_EXIT_INVALID_STATE,  /* entry failed: hw_code says why */
	HV_EXIT_CANCELLED,      /* plat_vcpu_kick() interrupted the run */
};

struct hv_exit {
	enum hv_exit_reason reason;
	uint64_t rip;          /* guest rip of the exiting instruction */
	unsigned insn_len;     /* 0 when the hardware gave none */
	uint64_t hw_code;      /* backend-specific raw exit code, for logs */
	union {
		struct { uint16_t port; uint8_t size; bool in; bool string; bool rep; uint32_t data; } io;
		struct { uint64_t gpa; uint8_t size; bool write; uint64_t data; } mmio;
		struct { uint32_t leaf, subleaf; } cpuid;
		struct { uint32_t index; uint64_t value; } msr;
		struct { uint64_t gpa; bool read, write, exec; } npf;
		struct { uint8_t vector; bool has_error; uint32_t error; uint64_t cr2; } exception;
	} u;
};

#endif
