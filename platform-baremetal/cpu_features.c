/* Per-CPU control-register setup for user mode: SSE for user code (the
 * kernel itself is built -mgeneral-regs-only), SMEP and SMAP where the CPU
 * has them, and the FS/GS base instructions. The kernel never touches user
 * memory through user addresses (it copies through the direct map), so
 * SMAP needs no stac/clac anywhere. */
#include <arch/x86_64/cpuid.h>
#include <arch/x86_64/cr.h>
#include "boot.h"
#include "cpu_ops.h"
#include "percpu.h"
#include "user_cpu.h"

#define MXCSR_MASK_DEFAULT 0xffbf /* when fxsave reports none (SDM 10.5.1.2) */

bool cpu_has_fsgsbase;
uint32_t cpu_mxcsr_mask = MXCSR_MASK_DEFAULT;

static uint8_t fxsave_probe[512] __attribute__((aligned(16)));

void cpu_features_init(struct cpu_local *c)
{
	struct cpuid_regs f1 = cpuid(CPUID_LEAF_FEATURES, 0);
	uint32_t ebx7 = 0;
	uint64_t cr4 = read_cr4();

	if (cpuid(0, 0).eax >= CPUID_LEAF_EXT_FEATURES_7)
		ebx7 = cpuid(CPUID_LEAF_EXT_FEATURES_7, 0).ebx;
	if (!(f1.edx & CPUID_1_EDX_FXSR) || !(f1.edx & CPUID_1_EDX_SSE))
		bm_fatal("cpu %u: no FXSR/SSE, which x86-64 guarantees", c->index);

	/* x87 errors as #MF, no emulation, no lazy switching. */
	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(uint64_t)(CR0_EM | CR0_TS));
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (ebx7 & CPUID_7_EBX_SMEP)
		cr4 |= CR4_SMEP;
	if (ebx7 & CPUID_7_EBX_SMAP)
		cr4 |= CR4_SMAP;
	if (ebx7 & CPUID_7_EBX_FSGSBASE)
		cr4 |= CR4_FSGSBASE;
	write_cr4(cr4);
	__asm__ volatile("fninit");

	/* Every CPU gets the same answer; the boot CPU records and reports it. */
	if (c->index == 0) {
		uint32_t mask;

		cpu_has_fsgsbase = (ebx7 & CPUID_7_EBX_FSGSBASE) != 0;
		__asm__ volatile("fxsave64 %0" : "=m"(fxsave_probe));
		__builtin_memcpy(&mask, &fxsave_probe[28], sizeof(mask));
		if (mask)
			cpu_mxcsr_mask = mask;
		bm_log("cpu: SMEP %s, SMAP %s, FSGSBASE %s, MXCSR mask 0x%x", cr4 & CR4_SMEP ? "on" : "off",
		       cr4 & CR4_SMAP ? "on" : "off", cpu_has_fsgsbase ? "on" : "off", cpu_mxcsr_mask);
	}
}
