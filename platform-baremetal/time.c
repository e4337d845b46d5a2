/* Monotonic time from the TSC, calibrated against the PIT (channel 2, whose
 * gate and output are readable through port 0x61 without interrupts). */
#include <arch/x86_64/cpuid.h>
#include <plat/cpu.h>
#include <plat/io.h>
#include <plat/time.h>
#include "boot.h"
#include "cpu_ops.h"
#include "timekeeping.h"

#define PIT_HZ 1193182ULL
#define PIT_CH2_DATA 0x42
#define PIT_COMMAND 0x43
#define PIT_CH2_LOHI_MODE0 0xb0
#define PORT_B 0x61
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20
#define CALIBRATE_MS 20
#define CALIBRATE_RUNS 3
#define PIT_TIMEOUT_CYCLES (1ULL << 34)
#define NS_PER_SEC 1000000000ULL

static uint64_t tsc_at_boot;
static uint64_t tsc_freq;
static uint64_t ns_mult; /* ns = ticks * ns_mult >> 32 */

/* TSC ticks while the PIT counts down `ms` milliseconds, or 0 if the PIT
 * never finishes (no PIT). */
static uint64_t pit_measure(unsigned ms)
{
	uint32_t latch = (uint32_t)(PIT_HZ * ms / 1000);
	uint64_t t0, t1;

	plat_outb(PORT_B, (plat_inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	plat_outb(PIT_COMMAND, PIT_CH2_LOHI_MODE0);
	plat_outb(PIT_CH2_DATA, latch & 0xff);
	plat_outb(PIT_CH2_DATA, latch >> 8);
	t0 = rdtsc();
	while (!(plat_inb(PORT_B) & PORT_B_OUT2))
		if (rdtsc() - t0 > PIT_TIMEOUT_CYCLES)
			return 0;
	t1 = rdtsc();
	return t1 - t0;
}

void tsc_calibrate(void)
{
	uint64_t best = 0;
	struct cpuid_regs leaf1 = cpuid(CPUID_LEAF_FEATURES, 0);

	if (!(leaf1.edx & CPUID_1_EDX_TSC))
		bm_fatal("time: this CPU has no time-stamp counter");
	/* The shortest run had the least polling overhead added. */
	for (int i = 0; i < CALIBRATE_RUNS; i++) {
		uint64_t t = pit_measure(CALIBRATE_MS);

		if (t && (!best || t < best))
			best = t;
	}
	if (!best)
		bm_fatal("time: the PIT does not count; cannot calibrate the TSC");
	tsc_freq = best * 1000 / CALIBRATE_MS;
	ns_mult = (NS_PER_SEC << 32) / tsc_freq; /* 10^9 * 2^32 < 2^64 */
	tsc_at_boot = rdtsc();
	bm_log("time: TSC %lu.%03lu MHz%s", (unsigned long)(tsc_freq / 1000000),
	       (unsigned long)(tsc_freq / 1000 % 1000),
	       cpuid_has_ext_leaf(CPUID_LEAF_EXT_POWER) &&
			       (cpuid(CPUID_LEAF_EXT_POWER, 0).edx & CPUID_POWER_EDX_INVARIANT_TSC)
		       ? " (invariant)"
		       : "");
}

ktime_t plat_time_ns(void)
{
	uint64_t now = rdtsc();

	if (now < tsc_at_boot) /* another CPU's TSC may trail slightly */
		return 0;
	return (ktime_t)(((unsigned __int128)(now - tsc_at_boot) * ns_mult) >> 32);
}

uint64_t plat_tsc_read(void)
{
	return rdtsc();
}

uint64_t plat_tsc_khz(void)
{
	return tsc_freq / 1000;
}

void delay_ns(uint64_t ns)
{
	ktime_t end = plat_time_ns() + ns;

	while (plat_time_ns() < end)
		plat_cpu_relax();
}
