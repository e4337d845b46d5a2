/* CPUID leaves and feature bits, and the instruction itself (it works in
 * any privilege level, so both platforms may use it). */
#ifndef ARCH_X86_64_CPUID_H
#define ARCH_X86_64_CPUID_H

#define CPUID_LEAF_FEATURES 0x00000001
#define CPUID_LEAF_EXT_FEATURES_7 0x00000007
#define CPUID_LEAF_EXT_MAX 0x80000000
#define CPUID_LEAF_EXT_FEATURES 0x80000001
#define CPUID_LEAF_EXT_POWER 0x80000007

/* Leaf 1 */
#define CPUID_1_ECX_X2APIC (1 << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1 << 24)
#define CPUID_1_ECX_HYPERVISOR (1 << 31)
#define CPUID_1_EDX_TSC (1 << 4)
#define CPUID_1_EDX_MSR (1 << 5)
#define CPUID_1_EDX_PAE (1 << 6)
#define CPUID_1_EDX_APIC (1 << 9)
#define CPUID_1_EDX_PGE (1 << 13)
#define CPUID_1_EDX_FXSR (1 << 24)
#define CPUID_1_EDX_SSE (1 << 25)
/* Leaf 7, subleaf 0 */
#define CPUID_7_EBX_FSGSBASE (1 << 0)
#define CPUID_7_EBX_SMEP (1 << 7)
#define CPUID_7_EBX_SMAP (1 << 20)
/* Leaf 0x80000001 */
#define CPUID_EXT_ECX_SVM (1 << 2)
#define CPUID_EXT_EDX_NX (1 << 20)
#define CPUID_EXT_EDX_PAGE1GB (1 << 26)
#define CPUID_EXT_EDX_LM (1 << 29)
/* Leaf 0x80000007 */
#define CPUID_POWER_EDX_INVARIANT_TSC (1 << 8)

#ifndef __ASSEMBLER__
#include <kern/types.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

/* True if extended leaf `leaf` exists. */
static inline bool cpuid_has_ext_leaf(uint32_t leaf)
{
	return cpuid(CPUID_LEAF_EXT_MAX, 0).eax >= leaf;
}
#endif

#endif
