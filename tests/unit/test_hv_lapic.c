/* Check tests of the LAPICs, IOAPIC and PIC wired together by hv_intc:
 * timers on a fake clock, IPIs between vCPUs, INIT/SIPI, level-triggered
 * IOAPIC pins with remote IRR and EOI, MSIs, virtual wire. */
#include "hv_devfake.h"
#include "unit.h"
#include <hv/dev/intc.h>
#include <kern/errno.h>

static struct fake_clock clk;
static struct hv_intc ic;
static unsigned kicks[HV_INTC_MAX_CPUS];
static struct {
	unsigned cpu;
	bool init;
	uint8_t vector;
} starts[16];
static unsigned nstarts;

static void on_kick(void *ctx, unsigned cpu)
{
	ck_assert_uint_lt(cpu, HV_INTC_MAX_CPUS);
	kicks[cpu]++;
}

static void on_startup(void *ctx, unsigned cpu, bool init, uint8_t vector)
{
	if (nstarts < ARRAY_SIZE(starts)) {
		starts[nstarts].cpu = cpu;
		starts[nstarts].init = init;
		starts[nstarts].vector = vector;
		nstarts++;
	}
}

static const struct hv_intc_backend be = {on_kick, on_startup, NULL};

static void setup_n(unsigned n)
{
	fake_clock_init(&clk);
	memset(kicks, 0, sizeof(kicks));
	nstarts = 0;
	ck_assert_int_eq(hv_intc_init(&ic, n, &clk.clk, &be), 0);
	/* As Linux: software-enable, flat logical IDs. */
	for (unsigned i = 0; i < n; i++) {
		hv_lapic_write(&ic.lapic[i], 0xf0, 0x1ff);
		hv_lapic_write(&ic.lapic[i], 0xe0, 0xffffffff);
		hv_lapic_write(&ic.lapic[i], 0xd0, (1u << i) << 24);
	}
}

static void teardown(void)
{
	hv_intc_destroy(&ic);
}

static void take_and_eoi(unsigned cpu, int vector)
{
	ck_assert_int_eq(hv_intc_pending(&ic, cpu), vector);
	hv_intc_ack(&ic, cpu, vector);
	hv_lapic_write(&ic.lapic[cpu], 0xb0, 0);
}

static void send_ipi(unsigned from, uint8_t dest, uint32_t lo)
{
	hv_lapic_write(&ic.lapic[from], 0x310, (uint32_t)dest << 24);
	hv_lapic_write(&ic.lapic[from], 0x300, lo);
}

START_TEST(test_registers_after_reset)
{
	struct hv_lapic *a;
	uint64_t v;

	setup_n(2);
	a = &ic.lapic[1];
	ck_assert_uint_eq(hv_lapic_read(a, 0x20), 1u << 24);
	ck_assert_uint_eq(hv_lapic_read(a, 0x30) & 0xff, 0x14);
	ck_assert_uint_eq((hv_lapic_read(a, 0x30) >> 16) & 0xff, 5);
	ck_assert_uint_eq(hv_lapic_read(a, 0xe0), 0xffffffff);
	ck_assert_uint_eq(hv_lapic_read(a, 0xd0), 2u << 24);
	ck_assert_int_eq(hv_intc_msr_read(&ic, 0, MSR_IA32_APIC_BASE, &v), 0);
	ck_assert_uint_eq(v, 0xfee00900);
	ck_assert_int_eq(hv_intc_msr_read(&ic, 1, MSR_IA32_APIC_BASE, &v), 0);
	ck_assert_uint_eq(v, 0xfee00800);
	ck_assert_int_eq(hv_intc_msr_read(&ic, 0, 0x10, &v), -ENOENT);
	ck_assert_int_eq(hv_intc_msr_read(&ic, 0, 0x802, &v), -EINVAL);
	/* Relocation, x2APIC and reserved bits are refused with #GP. */
	ck_assert_int_eq(hv_intc_msr_write(&ic, 0, MSR_IA32_APIC_BASE, 0xfed00900), -EINVAL);
	ck_assert_int_eq(hv_intc_msr_write(&ic, 0, MSR_IA32_APIC_BASE, 0xfee00d00), -EINVAL);
	ck_assert_int_eq(hv_intc_msr_write(&ic, 0, MSR_IA32_APIC_BASE, 0xfee00901), -EINVAL);
	/* Reserved LVT bits do not stick; an unknown register sets ESR bit 7. */
	hv_lapic_write(a, 0x350, 0xffffffff);
	ck_assert_uint_eq(hv_lapic_read(a, 0x350), 0x1a7ff);
	(void)hv_lapic_read(a, 0x40);
	hv_lapic_write(a, 0x280, 0);
	ck_assert_uint_eq(hv_lapic_read(a, 0x280), 0x80);
	hv_lapic_write(a, 0x280, 0);
	ck_assert_uint_eq(hv_lapic_read(a, 0x280), 0);
	teardown();
}
END_TEST

START_TEST(test_timer_oneshot)
{
	struct hv_lapic *a;

	setup_n(1);
	a = &ic.lapic[0];
	hv_lapic_write(a, 0x320, 0x40); /* one-shot, vector 0x40 */
	hv_lapic_write(a, 0x3e0, 0x3);  /* divide by 16 */
	hv_lapic_write(a, 0x380, 1000);
	ck_assert_uint_eq(hv_lapic_read(a, 0x390), 1000);
	fake_clock_advance(&clk, 8000);
	ck_assert_uint_eq(hv_lapic_read(a, 0x390), 500);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), -1);
	fake_clock_advance(&clk, 7999);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), -1);
	fake_clock_advance(&clk, 1);
	ck_assert_uint_eq(hv_lapic_read(a, 0x390), 0);
	ck_assert_uint_ge(kicks[0], 1);
	take_and_eoi(0, 0x40);
	fake_clock_advance(&clk, 1000000);
	ck_assert_uint_eq(a->timer_fires, 1);
	ck_assert(!fake_clock_armed(&clk, &a->timer, NULL));
	/* Masked: counts, but no timer runs and no interrupt comes. */
	hv_lapic_write(a, 0x320, 0x10040);
	hv_lapic_write(a, 0x380, 100);
	ck_assert(!fake_clock_armed(&clk, &a->timer, NULL));
	fake_clock_advance(&clk, 100000);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), -1);
	teardown();
}
END_TEST

START_TEST(test_timer_periodic)
{
	struct hv_lapic *a;

	setup_n(1);
	a = &ic.lapic[0];
	hv_lapic_write(a, 0x3e0, 0xb); /* divide by 1 */
	hv_lapic_write(a, 0x320, 0x20041);
	hv_lapic_write(a, 0x380, 100000); /* 100 us */
	for (int i = 0; i < 10; i++) {
		fake_clock_advance(&clk, 100000);
		take_and_eoi(0, 0x41);
	}
	ck_assert_uint_eq(a->timer_fires, 10);
	fake_clock_advance(&clk, 25000);
	ck_assert_uint_eq(hv_lapic_read(a, 0x390), 75000);
	/* Divide change keeps the count where it is. */
	hv_lapic_write(a, 0x3e0, 0x0); /* by 2 */
	ck_assert_uint_eq(hv_lapic_read(a, 0x390), 75000);
	fake_clock_advance(&clk, 150000 - 1);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), -1);
	fake_clock_advance(&clk, 1);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), 0x41);
	/* Stopping: initial count 0. */
	hv_lapic_write(a, 0x380, 0);
	ck_assert(!fake_clock_armed(&clk, &a->timer, NULL));
	teardown();
}
END_TEST

START_TEST(test_timer_tsc_deadline)
{
	struct hv_lapic *a;
	uint64_t v;

	setup_n(1);
	a = &ic.lapic[0];
	hv_intc_set_tsc(&ic, 2000000, 0); /* 2 GHz */
	/* Not in deadline mode: the MSR ignores writes. */
	ck_assert_int_eq(hv_intc_msr_write(&ic, 0, MSR_IA32_TSC_DEADLINE, 1000), 0);
	ck_assert_int_eq(hv_intc_msr_read(&ic, 0, MSR_IA32_TSC_DEADLINE, &v), 0);
	ck_assert_uint_eq(v, 0);
	hv_lapic_write(a, 0x320, 0x40050);
	hv_lapic_write(a, 0x380, 1234); /* ignored in this mode */
	ck_assert_uint_eq(hv_lapic_read(a, 0x380), 0);
	ck_assert_int_eq(hv_intc_msr_write(&ic, 0, MSR_IA32_TSC_DEADLINE, 20000), 0);
	fake_clock_advance(&clk, 9999);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), -1);
	fake_clock_advance(&clk, 1);
	take_and_eoi(0, 0x50);
	ck_assert_int_eq(hv_intc_msr_read(&ic, 0, MSR_IA32_TSC_DEADLINE, &v), 0);
	ck_assert_uint_eq(v, 0);
	/* A deadline in the past fires at once. */
	ck_assert_int_eq(hv_intc_msr_write(&ic, 0, MSR_IA32_TSC_DEADLINE, 5), 0);
	fake_clock_advance(&clk, 0);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), 0x50);
	teardown();
}
END_TEST

/* The guest TSC runs at the host TSC's rate from the VM's start: a
 * deadline D fires when (t - zero) * khz / 10^6 reaches D, no earlier. */
START_TEST(test_timer_tsc_deadline_host_rate)
{
	const uint64_t khz = 2593907, zero = 5000000; /* 2.593907 GHz, TSC 0 at 5 ms */
	struct hv_lapic *a;

	setup_n(1);
	a = &ic.lapic[0];
	hv_intc_set_tsc(&ic, khz, zero);
	hv_lapic_write(a, 0x320, 0x40050);
	/* One second of TSC ticks, then 1.5 ms more. */
	ck_assert_int_eq(hv_intc_msr_write(&ic, 0, MSR_IA32_TSC_DEADLINE, khz * 1000), 0);
	fake_clock_advance(&clk, zero + 1000000000 - 1);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), -1);
	fake_clock_advance(&clk, 1);
	take_and_eoi(0, 0x50);
	ck_assert_int_eq(hv_intc_msr_write(&ic, 0, MSR_IA32_TSC_DEADLINE, khz * 1000 + khz * 3 / 2), 0);
	fake_clock_advance(&clk, 1500000 - 1);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), -1);
	fake_clock_advance(&clk, 1);
	take_and_eoi(0, 0x50);
	/* A guest TSC that already read `base` now (KVM's): a deadline 2 ms
	 * of ticks later fires 2 ms later; one below base at once. */
	hv_intc_set_tsc_base(&ic, khz, clk.now, 1ull << 45);
	ck_assert_int_eq(hv_intc_msr_write(&ic, 0, MSR_IA32_TSC_DEADLINE, (1ull << 45) + khz * 2), 0);
	fake_clock_advance(&clk, 2000000 - 1);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), -1);
	fake_clock_advance(&clk, 1);
	take_and_eoi(0, 0x50);
	ck_assert_int_eq(hv_intc_msr_write(&ic, 0, MSR_IA32_TSC_DEADLINE, 1ull << 44), 0);
	fake_clock_advance(&clk, 0);
	take_and_eoi(0, 0x50);
	teardown();
}
END_TEST

START_TEST(test_ipis)
{
	setup_n(4);
	send_ipi(0, 2, 0x4050); /* fixed, physical, assert */
	ck_assert_int_eq(hv_intc_pending(&ic, 2), 0x50);
	ck_assert_int_eq(hv_intc_pending(&ic, 1), -1);
	ck_assert_uint_eq(kicks[2], 1);
	take_and_eoi(2, 0x50);
	send_ipi(0, 0x0a, 0x4851); /* logical: CPUs 1 and 3 */
	ck_assert_int_eq(hv_intc_pending(&ic, 1), 0x51);
	ck_assert_int_eq(hv_intc_pending(&ic, 3), 0x51);
	ck_assert_int_eq(hv_intc_pending(&ic, 2), -1);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), -1);
	send_ipi(1, 0, 0xc4052); /* all but self */
	ck_assert_int_eq(hv_intc_pending(&ic, 0), 0x52);
	ck_assert_int_eq(hv_intc_pending(&ic, 2), 0x52);
	ck_assert_int_eq(hv_intc_pending(&ic, 3), 0x52);
	ck_assert_int_eq(hv_intc_pending(&ic, 1), 0x51);
	send_ipi(1, 0, 0x44060); /* self */
	ck_assert_int_eq(hv_intc_pending(&ic, 1), 0x60);
	send_ipi(3, 0, 0x84070); /* all including self */
	for (unsigned i = 0; i < 4; i++)
		ck_assert_int_eq(hv_intc_pending(&ic, i), 0x70);
	/* Broadcast physical 0xff. */
	send_ipi(3, 0xff, 0x4080);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_int_eq(hv_intc_pending(&ic, i), 0x80);
	/* NMI. */
	send_ipi(0, 1, 0x4400);
	ck_assert_int_eq(hv_intc_pending(&ic, 1), HV_INTC_NMI);
	hv_intc_ack(&ic, 1, HV_INTC_NMI);
	ck_assert_int_eq(hv_intc_pending(&ic, 1), 0x80);
	/* An illegal vector is not sent: ESR bit 5. */
	send_ipi(0, 1, 0x4005);
	hv_lapic_write(&ic.lapic[0], 0x280, 0);
	ck_assert_uint_eq(hv_lapic_read(&ic.lapic[0], 0x280), 0x20);
	teardown();
}
END_TEST

START_TEST(test_priority)
{
	setup_n(1);
	send_ipi(0, 0, 0x4055);
	hv_lapic_write(&ic.lapic[0], 0x80, 0x60);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), -1);
	send_ipi(0, 0, 0x4075);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), 0x75);
	hv_intc_ack(&ic, 0, 0x75);
	ck_assert_uint_eq(hv_lapic_read(&ic.lapic[0], 0xa0), 0x70);
	hv_lapic_write(&ic.lapic[0], 0xb0, 0);
	hv_lapic_write(&ic.lapic[0], 0x80, 0);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), 0x55);
	teardown();
}
END_TEST

START_TEST(test_init_sipi)
{
	setup_n(3);
	hv_lapic_write(&ic.lapic[2], 0x80, 0x20);
	send_ipi(0, 2, 0xc500); /* INIT assert, level */
	send_ipi(0, 2, 0x8500); /* INIT de-assert */
	ck_assert_uint_eq(nstarts, 1);
	ck_assert_uint_eq(starts[0].cpu, 2);
	ck_assert(starts[0].init);
	/* INIT reset the target's registers. */
	ck_assert_uint_eq(hv_lapic_read(&ic.lapic[2], 0x80), 0);
	ck_assert_uint_eq(hv_lapic_read(&ic.lapic[2], 0xf0), 0xff);
	send_ipi(0, 2, 0x4699); /* SIPI vector 0x99 */
	send_ipi(0, 2, 0x4699);
	ck_assert_uint_eq(nstarts, 3);
	ck_assert(!starts[1].init);
	ck_assert_uint_eq(starts[1].vector, 0x99);
	ck_assert_uint_eq(starts[2].cpu, 2);
	/* A software-disabled LAPIC takes no fixed interrupts. */
	send_ipi(0, 2, 0x4050);
	ck_assert_int_eq(hv_intc_pending(&ic, 2), -1);
	teardown();
}
END_TEST

static void ioapic_write_rte(unsigned pin, uint64_t rte)
{
	hv_ioapic_write(&ic.ioapic, 0, 0x10 + 2 * pin + 1);
	hv_ioapic_write(&ic.ioapic, 0x10, (uint32_t)(rte >> 32));
	hv_ioapic_write(&ic.ioapic, 0, 0x10 + 2 * pin);
	hv_ioapic_write(&ic.ioapic, 0x10, (uint32_t)rte);
}

static uint32_t ioapic_read(unsigned reg)
{
	hv_ioapic_write(&ic.ioapic, 0, reg);
	return hv_ioapic_read(&ic.ioapic, 0x10);
}

START_TEST(test_ioapic_level_remote_irr)
{
	struct hv_irq irq;

	setup_n(2);
	irq = hv_intc_irq(&ic);
	ioapic_write_rte(10, (1ULL << 56) | IOAPIC_RTE_LEVEL | 0x61);
	hv_irq_set(&irq, 10, true);
	ck_assert_int_eq(hv_intc_pending(&ic, 1), 0x61);
	ck_assert(ioapic_read(0x10 + 20) & IOAPIC_RTE_REMOTE_IRR);
	hv_intc_ack(&ic, 1, 0x61);
	ck_assert_uint_eq(hv_lapic_read(&ic.lapic[1], 0x180 + 0x30) & 2, 2); /* TMR bit 0x61 */
	/* EOI with the line still high: delivered again. */
	hv_lapic_write(&ic.lapic[1], 0xb0, 0);
	ck_assert_int_eq(hv_intc_pending(&ic, 1), 0x61);
	hv_intc_ack(&ic, 1, 0x61);
	hv_irq_set(&irq, 10, false);
	hv_lapic_write(&ic.lapic[1], 0xb0, 0);
	ck_assert_int_eq(hv_intc_pending(&ic, 1), -1);
	ck_assert(!(ioapic_read(0x10 + 20) & IOAPIC_RTE_REMOTE_IRR));
	/* ISA IRQ0 reaches pin 2, edge-triggered, masked edges wait. */
	hv_pic_write(&ic.pic, 0x21, 0xff); /* the PIC's IRQ0 is masked, as Linux leaves it */
	ioapic_write_rte(2, IOAPIC_RTE_MASKED | 0x30);
	hv_irq_pulse(&irq, 0);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), -1);
	ioapic_write_rte(2, 0x30);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), 0x30);
	hv_intc_ack(&ic, 0, 0x30);
	ck_assert_uint_eq(hv_lapic_read(&ic.lapic[0], 0x180 + 0x10) & 1, 0); /* edge: TMR clear */
	/* Version: 24 pins. */
	ck_assert_uint_eq(ioapic_read(1), 0x170011);
	teardown();
}
END_TEST

START_TEST(test_msi_and_virtual_wire)
{
	struct hv_irq irq;

	setup_n(2);
	irq = hv_intc_irq(&ic);
	irq.msi(irq.ctx, 0xfee01000, 0x45);
	ck_assert_int_eq(hv_intc_pending(&ic, 1), 0x45);
	irq.msi(irq.ctx, 0xfed01000, 0x46); /* not an MSI address: dropped */
	ck_assert_int_eq(hv_intc_pending(&ic, 1), 0x45);
	/* PIC through the BSP's LINT0 (ExtINT at reset). */
	hv_pic_write(&ic.pic, 0x20, 0x11);
	hv_pic_write(&ic.pic, 0x21, 0x30);
	hv_pic_write(&ic.pic, 0x21, 0x04);
	hv_pic_write(&ic.pic, 0x21, 0x01);
	hv_pic_write(&ic.pic, 0x21, 0x00);
	kicks[0] = 0;
	hv_irq_pulse(&irq, 1);
	ck_assert_uint_ge(kicks[0], 1);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), 0x31);
	ck_assert_int_eq(hv_intc_pending(&ic, 1), 0x45); /* AP's LINT0 is masked */
	hv_intc_ack(&ic, 0, 0x31);
	ck_assert_uint_eq(ic.pic.chip[0].isr, 2);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), -1);
	/* Hardware-disabled BSP LAPIC: the PIC goes straight to the CPU. */
	hv_pic_write(&ic.pic, 0x20, 0x20);
	hv_lapic_write(&ic.lapic[0], 0x350, 0x10000);
	hv_irq_pulse(&irq, 1);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), -1);
	ck_assert_int_eq(hv_intc_msr_write(&ic, 0, MSR_IA32_APIC_BASE, 0xfee00100), 0);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), 0x31);
	irq.msi(irq.ctx, 0xfee00000, 0x47);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), 0x31);
	hv_intc_ack(&ic, 0, 0x31);
	ck_assert_int_eq(hv_intc_pending(&ic, 0), -1);
	ck_assert_int_eq(hv_intc_msr_write(&ic, 0, MSR_IA32_APIC_BASE, 0xfee00900), 0);
	teardown();
}
END_TEST

START_TEST(test_random_access)
{
	uint64_t seed = 0xa91c;
	struct hv_irq irq;

	setup_n(4);
	irq = hv_intc_irq(&ic);
	for (int i = 0; i < 10000; i++) {
		uint64_t r = fake_rand(&seed), r2 = fake_rand(&seed);
		unsigned cpu = r % 4;
		unsigned off = (unsigned)(r >> 8) & 0xfff;
		int p;

		switch ((r >> 24) % 8) {
		case 0:
			/* Bias towards real registers so the state gets interesting. */
			hv_lapic_write(&ic.lapic[cpu], off & 0x3f0, (uint32_t)r2);
			break;
		case 1: (void)hv_lapic_read(&ic.lapic[cpu], off); break;
		case 2:
			hv_ioapic_write(&ic.ioapic, (r >> 32) & 0x1f, (uint32_t)r2);
			(void)hv_ioapic_read(&ic.ioapic, (r2 >> 8) & 0x1f);
			break;
		case 3: hv_irq_set(&irq, (unsigned)(r2 % 30), r2 & 0x100); break;
		case 4: irq.msi(irq.ctx, 0xfee00000 | (r2 & 0xff00c), (uint32_t)(r2 >> 32)); break;
		case 5:
			(void)hv_intc_msr_write(&ic, cpu, (r2 & 1) ? MSR_IA32_APIC_BASE : MSR_IA32_TSC_DEADLINE,
			                        (r2 & 2) ? (r2 >> 8) : (0xfee00800 | (r2 & 0x100)));
			break;
		case 6: fake_clock_advance(&clk, r2 % 200000); break;
		default: hv_pic_write(&ic.pic, (r2 & 1) ? 0x21 : 0x20, (uint8_t)(r2 >> 8)); break;
		}
		p = hv_intc_pending(&ic, cpu);
		ck_assert(p >= -1 && p <= HV_INTC_NMI);
		if (p >= 0)
			hv_intc_ack(&ic, cpu, p);
		if (r2 & 0x10000)
			hv_lapic_write(&ic.lapic[cpu], 0xb0, 0);
		for (unsigned c = 0; c < 4; c++) {
			ck_assert_uint_eq(ic.lapic[c].ldr & 0x00ffffff, 0);
			ck_assert_uint_le(ic.lapic[c].svr, 0x3ff);
			ck_assert_uint_eq(ic.lapic[c].irr[0] & 0xffff, 0); /* vectors 0-15 never pend */
			ck_assert(ic.lapic[c].divide >= 1 && ic.lapic[c].divide <= 128);
		}
		ck_assert_uint_lt(ic.ioapic.id, 16);
	}
	teardown();
}
END_TEST

UNIT_SUITE(hv_lapic_suite)
Suite *hv_lapic_suite(void)
{
	Suite *s = suite_create("hv_lapic");
	TCase *tc = tcase_create("intc");

	tcase_add_test(tc, test_registers_after_reset);
	tcase_add_test(tc, test_timer_oneshot);
	tcase_add_test(tc, test_timer_periodic);
	tcase_add_test(tc, test_timer_tsc_deadline);
	tcase_add_test(tc, test_timer_tsc_deadline_host_rate);
	tcase_add_test(tc, test_ipis);
	tcase_add_test(tc, test_priority);
	tcase_add_test(tc, test_init_sipi);
	tcase_add_test(tc, test_ioapic_level_remote_irr);
	tcase_add_test(tc, test_msi_and_virtual_wire);
	tcase_add_test(tc, test_random_access);
	suite_add_tcase(s, tc);
	return s;
}
