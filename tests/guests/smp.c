/* Multiprocessing: the MP table (found where Linux looks for it) lists the
 * CPUs and the IOAPIC; the BSP starts every AP with INIT and SIPI, and each
 * AP reports itself from protected mode. */
#include "guest.h"

#define TRAMP_BASE 0x1000 /* SIPI vector 1 */
#define ICR_LO     0x300
#define ICR_HI     0x310

extern const uint8_t ap_tramp_start[], ap_tramp_end[];
volatile uint32_t ap_count;
volatile uint8_t ap_seen[256];

static uint8_t sum(const volatile uint8_t *p, unsigned n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static const volatile uint8_t *find_mp(void)
{
	for (uintptr_t a = 0x9fc00; a < 0xa0000; a += 16) {
		const volatile uint8_t *p = (const volatile uint8_t *)a;
		if (p[0] == '_' && p[1] == 'M' && p[2] == 'P' && p[3] == '_' && sum(p, 16) == 0)
			return p;
	}
	return 0;
}

static void send_ipi(unsigned apic, uint32_t lo)
{
	lapic_write(ICR_HI, apic << 24);
	lapic_write(ICR_LO, lo);
}

static void delay(unsigned n)
{
	for (volatile unsigned i = 0; i < n; i++)
		__asm__ volatile("pause");
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	const volatile uint8_t *fp = find_mp(), *t, *e;
	unsigned ncpu = 0, count, bsp = 0xff, ioapic = 0;
	uint8_t cpu_ids[16];

	(void)magic, (void)mbi;
	if (!report("mp_floating_pointer", fp != 0))
		return summary();
	t = (const volatile uint8_t *)(uintptr_t) * (const volatile uint32_t *)(fp + 4);
	report("mp_config_table", t[0] == 'P' && t[1] == 'C' && t[2] == 'M' && t[3] == 'P' &&
	                              sum(t, *(const volatile uint16_t *)(t + 4)) == 0);
	report_eq("mp_lapic_address", *(const volatile uint32_t *)(t + 36), 0xfee00000);
	count = *(const volatile uint16_t *)(t + 34);
	e = t + 44;
	for (unsigned i = 0; i < count; i++) {
		if (e[0] == 0) {
			if (ncpu < 16)
				cpu_ids[ncpu] = e[1];
			if (e[3] & 2)
				bsp = e[1];
			ncpu++;
			e += 20;
			continue;
		}
		if (e[0] == 2 && *(const volatile uint32_t *)(e + 4) == 0xfec00000)
			ioapic++;
		e += 8;
	}
	report("mp_cpus", ncpu >= 2 && ncpu <= 16);
	report_eq("mp_bsp_is_us", bsp, lapic_read(0x20) >> 24);
	report_eq("mp_ioapic", ioapic, 1);

	lapic_enable();
	__builtin_memcpy((void *)TRAMP_BASE, ap_tramp_start, (size_t)(ap_tramp_end - ap_tramp_start));
	for (unsigned i = 0; i < ncpu && i < 16; i++) {
		if (cpu_ids[i] == bsp)
			continue;
		send_ipi(cpu_ids[i], 0x4500); /* INIT, assert */
		delay(10000);
		send_ipi(cpu_ids[i], 0x4600 | TRAMP_BASE >> 12); /* SIPI */
		delay(1000);
		send_ipi(cpu_ids[i], 0x4600 | TRAMP_BASE >> 12); /* the second SIPI is ignored by a started AP */
	}
	for (unsigned spin = 0; spin < 200000000 && ap_count < ncpu - 1; spin++)
		__asm__ volatile("pause");
	report_eq("aps_started", ap_count, ncpu - 1);
	{
		bool ok = true;
		for (unsigned i = 0; i < ncpu && i < 16; i++)
			ok &= cpu_ids[i] == bsp || ap_seen[cpu_ids[i]];
		report("every_ap_seen_by_id", ok && !ap_seen[bsp]);
	}
	return summary();
}
