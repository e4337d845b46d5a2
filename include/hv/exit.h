/* The normalized VM-exit record: what every virtualization backend
 * (simulated, KVM, SVM, VMX) reports after running a vCPU, and what hv/
 * dispatches on. Handlers write their results into the same record (the
 * "out" fields below) and the backend completes the instruction on the next
 * run (hv_run.complete), the way KVM's userspace completes port I/O. */
#ifndef HV_EXIT_H
#define HV_EXIT_H
#include <kern/types.h>

enum hv_exit_reason {
	HV_EXIT_NONE = 0,
	HV_EXIT_IO,        /* port I/O: io.* */
	HV_EXIT_MMIO,      /* decoded access to an MMIO hole: mmio.* (KVM, simulated) */
	HV_EXIT_CPUID,     /* cpuid.leaf/subleaf; handler fills cpuid.eax..edx */
	HV_EXIT_MSR_READ,  /* msr.index; handler fills msr.value */
	HV_EXIT_MSR_WRITE, /* msr.index, msr.value */
	HV_EXIT_HLT,
	HV_EXIT_HYPERCALL,     /* vmcall/vmmcall: registers in the vCPU state */
	HV_EXIT_NPF,           /* nested/EPT fault: npf.*; MMIO holes are emulated by hv/ */
	HV_EXIT_EXCEPTION,     /* intercepted guest exception: exception.* */
	HV_EXIT_INTR_WINDOW,   /* guest can accept an interrupt now */
	HV_EXIT_EXTERNAL_INTR, /* a host interrupt stopped the guest */
	HV_EXIT_SHUTDOWN,      /* triple fault */
	HV_EXIT_INVALID_STATE, /* entry failed: hw_code says why */
	HV_EXIT_CANCELLED,     /* a kick interrupted the run */
	HV_EXIT_REASON_COUNT
};

struct hv_exit {
	enum hv_exit_reason reason;
	uint64_t rip;      /* guest rip of the exiting instruction */
	unsigned insn_len; /* 0 when the hardware gave none */
	uint64_t hw_code;  /* backend-specific raw exit code, for logs */
	union {
		/* data: OUT value, or the IN result the handler fills. A string
		 * (ins/outs) access is completed by the backend per element. */
		struct {
			uint16_t port;
			uint8_t size;
			bool in;
			bool string;
			bool rep;
			uint32_t data;
		} io;
		/* data: the written value, or the read result the handler fills. */
		struct {
			uint64_t gpa;
			uint8_t size;
			bool write;
			uint64_t data;
		} mmio;
		struct {
			uint32_t leaf, subleaf;
			uint32_t eax, ebx, ecx, edx;
		} cpuid;
		struct {
			uint32_t index;
			uint64_t value;
		} msr;
		struct {
			uint64_t gpa;
			bool read, write, exec;
		} npf;
		struct {
			uint8_t vector;
			bool has_error;
			uint32_t error;
			uint64_t cr2;
		} exception;
	} u;
};

/* One trip through the backend: inputs the core sets before the run,
 * outputs the backend fills. */
struct hv_run {
	struct hv_exit exit;      /* out; on input the previous exit with the handler's results */
	bool complete;            /* in: finish `exit` (write IN/read/CPUID/RDMSR results, skip the insn) */
	int inject_vector;        /* in: external interrupt to inject now, or -1 */
	bool request_intr_window; /* in: exit with HV_EXIT_INTR_WINDOW once one can be injected */
	int exception_vector;     /* in: exception to raise instead of completing (e.g. #GP for a bad MSR), or -1 */
	bool exception_has_error;
	uint32_t exception_error;
	bool intr_ready; /* out: IF set and no interrupt shadow: an injection would be taken */
	/* in: an NMI the core took from the interrupt controller. IF does not
	 * mask it; the backend holds it (one at most, as a CPU latches one)
	 * while the guest's NMI handler runs, i.e. until the next IRET, and
	 * delivers it through vector 2 before any external interrupt. Last in
	 * the struct so existing initialisers keep their meaning. */
	bool inject_nmi;
};

const char *hv_exit_reason_name(enum hv_exit_reason r);
#endif
