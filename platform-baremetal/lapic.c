/* The local APIC (xAPIC, MMIO): per-CPU enable, EOI, IPIs and the one-shot
 * timer behind plat_timer_oneshot(). */
#include <arch/x86_64/apic.h>
#include <arch/x86_64/msr.h>
#include <plat/cpu.h>
#include <plat/entry.h>
#include <plat/io.h>
#include <plat/mem.h>
#include <plat/time.h>
#include "apic.h"
#include "boot.h"
#include "cpu_ops.h"
#include "percpu.h"
#include "timekeeping.h"

#define LAPIC_CALIBRATE_NS 20000000ULL /* 20 ms */
#define LAPIC_IPI_SPINS 1000000
#define NS_PER_SEC 1000000000ULL
#define LAPIC_MAX_ARM_NS (10 * NS_PER_SEC)

static volatile uint8_t *lapic;
static uint64_t lapic_timer_hz; /* timer ticks per second at divide-by-16 */

static uint32_t lapic_read(unsigned reg)
{
	return (uint32_t)plat_mmio_read(lapic + reg, 4);
}

static void lapic_write(unsigned reg, uint32_t v)
{
	plat_mmio_write(lapic + reg, 4, v);
}

void lapic_init_global(paddr_t phys)
{
	lapic = plat_mmio_map(phys, PAGE_SIZE);
	if (!lapic)
		bm_fatal("lapic: cannot map 0x%lx", (unsigned long)phys);
}

void lapic_init_cpu(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

	/* xAPIC mode, enabled (firmware may have left x2APIC on: leaving it
	 * requires going through disabled). */
	if (base & MSR_IA32_APIC_BASE_X2APIC)
		wrmsr(MSR_IA32_APIC_BASE, base & ~(uint64_t)(MSR_IA32_APIC_BASE_X2APIC | MSR_IA32_APIC_BASE_ENABLE));
	wrmsr(MSR_IA32_APIC_BASE, (base & ~(uint64_t)MSR_IA32_APIC_BASE_X2APIC) | MSR_IA32_APIC_BASE_ENABLE);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED); /* the 8259s are not used */
	lapic_write(LAPIC_LVT_LINT1, LAPIC_LVT_DELIVERY_NMI);
	lapic_write(LAPIC_LVT_ERROR, VEC_APIC_ERROR);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VEC_TIMER);
	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_16);
	lapic_write(LAPIC_TIMER_INITIAL, 0);
	lapic_eoi();
}

uint32_t lapic_read_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

void lapic_send_ipi(uint32_t apic_id, uint32_t icr)
{
	irqflags_t flags = plat_irq_save();

	for (int i = 0; i < LAPIC_IPI_SPINS && (lapic_read(LAPIC_ICR_LOW) & LAPIC_ICR_PENDING); i++)
		plat_cpu_relax();
	lapic_write(LAPIC_ICR_HIGH, apic_id << LAPIC_ICR_DEST_SHIFT);
	lapic_write(LAPIC_ICR_LOW, icr);
	for (int i = 0; i < LAPIC_IPI_SPINS && (lapic_read(LAPIC_ICR_LOW) & LAPIC_ICR_PENDING); i++)
		plat_cpu_relax();
	plat_irq_restore(flags);
}

void lapic_error_interrupt(void)
{
	uint32_t esr;

	lapic_write(LAPIC_ESR, 0); /* latch the current errors */
	esr = lapic_read(LAPIC_ESR);
	bm_log("lapic: cpu %u error status 0x%x", plat_cpu_id(), esr);
}

void lapic_timer_calibrate(void)
{
	ktime_t start, end;
	uint32_t remaining;

	lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_TIMER_DIVIDE_16);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INITIAL, UINT32_MAX);
	start = plat_time_ns();
	delay_ns(LAPIC_CALIBRATE_NS);
	remaining = lapic_read(LAPIC_TIMER_CURRENT);
	end = plat_time_ns();
	lapic_write(LAPIC_TIMER_INITIAL, 0);
	/* Fewer than 2^32 ticks times 10^9 fits in 64 bits. */
	lapic_timer_hz = (uint64_t)(UINT32_MAX - remaining) * NS_PER_SEC / (end - start);
	if (lapic_timer_hz == 0)
		bm_fatal("lapic: the timer does not count");
	bm_log("lapic: timer %lu kHz (divide by 16)", (unsigned long)(lapic_timer_hz / 1000));
}

/* Starts the countdown towards `deadline`; the interrupt re-checks the
 * clock, so rounding can only make it fire late, never report early. */
static void lapic_timer_arm(ktime_t deadline)
{
	ktime_t now = plat_time_ns();
	uint64_t ticks = 1;

	if (deadline > now) {
		/* Past ~10 s the 32-bit counter saturates anyway; capping first
		 * keeps the product within 64 bits for any bus clock. */
		uint64_t delta = MIN(deadline - now, LAPIC_MAX_ARM_NS);

		ticks = MIN(delta * lapic_timer_hz / NS_PER_SEC + 1, (uint64_t)UINT32_MAX);
	}
	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER | LAPIC_LVT_TIMER_ONESHOT);
	lapic_write(LAPIC_TIMER_INITIAL, (uint32_t)ticks);
}

void plat_timer_oneshot(ktime_t deadline)
{
	irqflags_t flags = plat_irq_save();
	struct cpu_local *c = this_cpu();

	c->timer_deadline = deadline;
	if (deadline == 0)
		lapic_write(LAPIC_TIMER_INITIAL, 0);
	else
		lapic_timer_arm(deadline);
	plat_irq_restore(flags);
}

void lapic_timer_interrupt(void)
{
	struct cpu_local *c = this_cpu();
	ktime_t deadline = c->timer_deadline;

	if (deadline == 0)
		return; /* disarmed after this one was already pending */
	if (plat_time_ns() < deadline) {
		lapic_timer_arm(deadline);
		return;
	}
	c->timer_deadline = 0;
	kernel_timer_interrupt();
}
