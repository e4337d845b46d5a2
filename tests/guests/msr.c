/* MSRs: unknown ones raise #GP (caught through the IDT), the APIC base and
 * the TSC behave. */
#include "guest.h"

static volatile unsigned gp_count;

static void on_gp(struct guest_frame *f)
{
	gp_count++;
	f->eip += 2; /* skip the rdmsr/wrmsr */
}

static bool rdmsr_safe(uint32_t msr, uint64_t *v)
{
	uint32_t lo = 0, hi = 0;
	unsigned before = gp_count;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	*v = (uint64_t)hi << 32 | lo;
	return gp_count == before;
}

static bool wrmsr_safe(uint32_t msr, uint64_t v)
{
	unsigned before = gp_count;

	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
	return gp_count == before;
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	uint64_t v, t0, t1;

	(void)magic, (void)mbi;
	idt_init();
	set_handler(13, on_gp);
	/* 0x12345678: no CPU has it, so hv/'s policy decides (KVM sends
	 * MSRs it does not know to user space). */
	report("rdmsr_unknown_gp", !rdmsr_safe(0x12345678, &v) && gp_count == 1);
	report("wrmsr_unknown_gp", !wrmsr_safe(0x12345678, 1) && gp_count == 2);
	report("rdmsr_apic_base", rdmsr_safe(0x1b, &v));
	report_eq("apic_base_address", v & 0xfffff000, 0xfee00000);
	report("apic_base_enabled_bsp", (v & 0x900) == 0x900);
	report("rdmsr_tsc", rdmsr_safe(0x10, &t0));
	t1 = rdtsc();
	report("tsc_monotonic", t1 >= t0);
	report("rdmsr_efer", rdmsr_safe(0xc0000080, &v));
	return summary();
}
