/* CPUID: the policy's hypervisor leaves (signature "MACROHARDHV", the
 * hypercall ABI version) and the basic leaves a guest relies on. */
#include "guest.h"

int guest_main(uint32_t magic, uint32_t mbi)
{
	uint32_t r[4];
	char sig[13];

	(void)magic, (void)mbi;
	cpuid(0, 0, r);
	report("basic_leaves", r[0] >= 1);
	cpuid(1, 0, r);
	report("hypervisor_bit", r[2] >> 31);
	report("apic_bit", r[3] >> 9 & 1);
	report("tsc_bit", r[3] >> 4 & 1);
	cpuid(0x40000000, 0, r);
	__builtin_memcpy(sig, &r[1], 4);
	__builtin_memcpy(sig + 4, &r[2], 4);
	__builtin_memcpy(sig + 8, &r[3], 4);
	sig[12] = 0;
	report("signature", __builtin_memcmp(sig, "MACROHARDHV", 12) == 0);
	if (__builtin_memcmp(sig, "MACROHARDHV", 12) != 0) {
		puts("  signature: ");
		puts(sig);
		puts("\n");
	}
	report("max_hypervisor_leaf", r[0] >= 0x40000001);
	cpuid(0x40000001, 0, r);
	report_eq("hypercall_version", r[0], 0x00010000);
	cpuid(0x80000000, 0, r);
	report("extended_leaves", r[0] >= 0x80000001);
	cpuid(0x80000001, 0, r);
	report("long_mode_bit", r[3] >> 29 & 1);
	return summary();
}
