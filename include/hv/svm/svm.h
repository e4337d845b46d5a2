/* The AMD-V (SVM) backend: all logic is portable (hv/svm/); the privileged
 * steps (EFER.SVME, VMRUN) are platform entry points in include/plat/virt.h.
 * Bare metal runs them on the CPU; the hosted platform simulates them so
 * unit tests drive the real backend code. */
#ifndef HV_SVM_SVM_H
#define HV_SVM_SVM_H

/* Offsets in struct hv_svm_gprs, for the platform's VMRUN code. */
#define HV_SVM_GPRS_RBX 0x00
#define HV_SVM_GPRS_RCX 0x08
#define HV_SVM_GPRS_RDX 0x10
#define HV_SVM_GPRS_RSI 0x18
#define HV_SVM_GPRS_RDI 0x20
#define HV_SVM_GPRS_RBP 0x28
#define HV_SVM_GPRS_R8  0x30

#ifndef __ASSEMBLER__
#include <hv/backend.h>
#include <kern/types.h>

/* The guest registers VMRUN does not switch (rax, rsp, rip and rflags are
 * in the VMCB). plat_svm_vmrun loads them before VMRUN and stores them after
 * #VMEXIT; the offsets are part of that contract. */
struct hv_svm_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;         /* 0x00 .. 0x28 */
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15; /* 0x30 .. 0x68 */
};
_Static_assert(__builtin_offsetof(struct hv_svm_gprs, rsi) == HV_SVM_GPRS_RSI, "gprs layout");
_Static_assert(__builtin_offsetof(struct hv_svm_gprs, r8) == HV_SVM_GPRS_R8, "gprs layout");

/* What CPUID says about SVM (leaf 0x80000001 ecx bit 2, leaf 0x8000000a). */
struct hv_svm_caps {
	bool svm;
	bool npt;           /* nested paging */
	bool nrips;         /* next_rip saved on #VMEXIT */
	bool flush_by_asid; /* TLB_CONTROL 3 */
	bool vmcb_clean;    /* clean bits honoured */
	bool decode_assists;
	uint8_t revision;
	uint32_t nasid; /* ASIDs 1 .. nasid-1 are usable */
};

/* Parses the raw CPUID words: ecx of leaf 0x80000001 and eax..edx of leaf
 * 0x8000000a (ignored without the SVM bit). */
void hv_svm_parse_caps(uint32_t ext1_ecx, const uint32_t leaf_8000000a[4], struct hv_svm_caps *caps);
/* Reads them through the platform; false (with *why) if SVM with nested
 * paging is missing. */
bool hv_svm_probe(struct hv_svm_caps *caps, const char **why);

extern const struct hv_backend hv_backend_svm;
#endif /* __ASSEMBLER__ */
#endif
