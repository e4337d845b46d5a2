/* The interrupt controller complex: routing between the PIC, the IOAPIC
 * and the LAPICs (the "APIC bus"), MSI decoding, and what a vCPU takes. */
#include <hv/dev/intc.h>
#include <kern/errno.h>
#include <kern/string.h>

#define NS_PER_MS 1000000ULL

static void kick(struct hv_intc *ic, unsigned cpu)
{
	if (ic->be.kick)
		ic->be.kick(ic->be.ctx, cpu);
}

/* Does the PIC's INT reach this CPU? */
static bool accepts_pic(const struct hv_intc *ic, unsigned cpu)
{
	const struct hv_lapic *a = &ic->lapic[cpu];
	uint32_t lint0 = a->lvt[LVT_LINT0];

	if (!hv_lapic_hw_enabled(a))
		return a->apic_base & APIC_BASE_BSP;
	if (a->extint_pending)
		return true;
	return !(lint0 & (1u << 16)) && ((lint0 >> 8) & 7) == APIC_DM_EXTINT;
}

static void pic_output(void *ctx, bool level)
{
	struct hv_intc *ic = ctx;

	for (unsigned cpu = 0; cpu < ic->ncpus; cpu++) {
		struct hv_lapic *a = &ic->lapic[cpu];

		if (!hv_lapic_hw_enabled(a)) {
			if (level && accepts_pic(ic, cpu))
				kick(ic, cpu);
			continue;
		}
		if (level && accepts_pic(ic, cpu))
			kick(ic, cpu);
		else
			hv_lapic_lint(a, 0, level);
	}
}

static void startup(struct hv_intc *ic, unsigned cpu, bool init, uint8_t vector)
{
	if (init)
		hv_lapic_reset(&ic->lapic[cpu]);
	if (ic->be.startup)
		ic->be.startup(ic->be.ctx, cpu, init, vector);
}

/* Delivers a message to every LAPIC it names; lowest priority goes to the
 * first match. */
static void route(struct hv_intc *ic, int src, const struct hv_apic_irq *irq)
{
	for (unsigned cpu = 0; cpu < ic->ncpus; cpu++) {
		struct hv_lapic *a = &ic->lapic[cpu];
		bool hit;

		switch (irq->shorthand) {
		case 1: hit = (int)cpu == src; break;
		case 2: hit = true; break;
		case 3: hit = (int)cpu != src; break;
		default: hit = hv_lapic_match_dest(a, irq->logical, irq->dest); break;
		}
		if (!hit || !hv_lapic_hw_enabled(a))
			continue;
		switch (irq->delivery) {
		case APIC_DM_INIT:
			if (irq->assert || !irq->level)
				startup(ic, cpu, true, 0);
			/* INIT level de-assert only resynchronises arbitration IDs. */
			break;
		case APIC_DM_SIPI: startup(ic, cpu, false, irq->vector); break;
		default: hv_lapic_accept(a, irq); break;
		}
		if (irq->delivery == APIC_DM_LOWEST)
			break;
	}
}

static void lapic_kick(void *ctx, unsigned cpu)
{
	kick(ctx, cpu);
}

static void lapic_send(void *ctx, unsigned src, const struct hv_apic_irq *irq)
{
	route(ctx, (int)src, irq);
}

static void lapic_eoi(void *ctx, uint8_t vector)
{
	struct hv_intc *ic = ctx;

	hv_ioapic_eoi(&ic->ioapic, vector);
}

static uint64_t tsc_at(void *ctx, ktime_t t)
{
	struct hv_intc *ic = ctx;
	uint64_t ns = t > ic->tsc_zero ? t - ic->tsc_zero : 0;

	return ic->tsc_base + (ns / NS_PER_MS) * ic->tsc_khz + (ns % NS_PER_MS) * ic->tsc_khz / NS_PER_MS;
}

static ktime_t time_of_tsc(void *ctx, uint64_t tsc)
{
	struct hv_intc *ic = ctx;
	uint64_t ns;

	if (tsc <= ic->tsc_base)
		return ic->tsc_zero;
	tsc -= ic->tsc_base;
	/* Rounded up: the deadline has passed when this time comes. */
	ns = (tsc / ic->tsc_khz) * NS_PER_MS + ((tsc % ic->tsc_khz) * NS_PER_MS + ic->tsc_khz - 1) / ic->tsc_khz;

	return ic->tsc_zero + ns;
}

static const struct hv_lapic_ops lapic_ops = {
    .kick = lapic_kick,
    .send = lapic_send,
    .eoi = lapic_eoi,
    .tsc_at = tsc_at,
    .time_of_tsc = time_of_tsc,
};

static void ioapic_deliver(void *ctx, const struct hv_apic_irq *irq)
{
	route(ctx, -1, irq);
}

void hv_intc_set_tsc_base(struct hv_intc *ic, uint64_t tsc_khz, ktime_t zero, uint64_t base)
{
	if (!tsc_khz || tsc_khz > 100000000) /* 0 < rate <= 100 GHz keeps the arithmetic in 64 bits */
		return;
	ic->tsc_khz = tsc_khz;
	ic->tsc_zero = zero;
	ic->tsc_base = base;
}

void hv_intc_set_tsc(struct hv_intc *ic, uint64_t tsc_khz, ktime_t zero)
{
	hv_intc_set_tsc_base(ic, tsc_khz, zero, 0);
}

int hv_intc_init(struct hv_intc *ic, unsigned ncpus, const struct hv_clock *clk, const struct hv_intc_backend *be)
{
	if (!ncpus || ncpus > HV_INTC_MAX_CPUS || !clk)
		return -EINVAL;
	memset(ic, 0, sizeof(*ic));
	ic->ncpus = ncpus;
	ic->clk = clk;
	if (be)
		ic->be = *be;
	ic->tsc_khz = 1000000;
	hv_pic_init(&ic->pic, pic_output, ic);
	hv_ioapic_init(&ic->ioapic, ioapic_deliver, ic);
	for (unsigned cpu = 0; cpu < ncpus; cpu++)
		hv_lapic_init(&ic->lapic[cpu], cpu, cpu == 0, clk, &lapic_ops, ic);
	return 0;
}

void hv_intc_destroy(struct hv_intc *ic)
{
	for (unsigned cpu = 0; cpu < ic->ncpus; cpu++)
		hv_lapic_destroy(&ic->lapic[cpu]);
}

/* The LAPIC page is per CPU: the accessing vCPU picks the LAPIC. Registers
 * are 32 bits at 16-byte strides; narrower reads get part of one, other
 * accesses are dropped. */
static uint64_t lapic_mmio_read(void *dev, unsigned cpu, uint64_t offset, unsigned size)
{
	struct hv_intc *ic = dev;
	uint32_t v;

	if (cpu >= ic->ncpus || !hv_lapic_hw_enabled(&ic->lapic[cpu]))
		return ~0ULL;
	if (size > 4 || (offset & 0xf) + size > 4)
		return 0;
	v = hv_lapic_read(&ic->lapic[cpu], (unsigned)offset & 0xff0);
	v >>= 8 * (offset & 3);
	return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void lapic_mmio_write(void *dev, unsigned cpu, uint64_t offset, unsigned size, uint64_t v)
{
	struct hv_intc *ic = dev;

	if (cpu >= ic->ncpus || !hv_lapic_hw_enabled(&ic->lapic[cpu]))
		return;
	if (size != 4 || (offset & 0xf))
		return;
	hv_lapic_write(&ic->lapic[cpu], (unsigned)offset, (uint32_t)v);
}

static const struct hv_bus_ops lapic_bus_ops = {lapic_mmio_read, lapic_mmio_write};

int hv_intc_attach(struct hv_intc *ic, struct hv_bus *pio, struct hv_bus *mmio)
{
	int err = hv_pic_attach(&ic->pic, pio);

	if (!err)
		err = hv_ioapic_attach(&ic->ioapic, mmio);
	if (!err)
		err = hv_bus_add(mmio, HV_LAPIC_BASE, HV_LAPIC_SIZE, &lapic_bus_ops, ic, "lapic");
	ic->pio = pio;
	ic->mmio = mmio;
	return err;
}

static void set_gsi(void *ctx, unsigned gsi, bool level)
{
	struct hv_intc *ic = ctx;

	if (gsi < 16) {
		if (gsi == 2) /* the cascade: nothing is wired to it */
			return;
		hv_pic_set_irq(&ic->pic, gsi, level);
		hv_ioapic_set_irq(&ic->ioapic, gsi == 0 ? 2 : gsi, level);
	} else if (gsi < HV_IOAPIC_PINS) {
		hv_ioapic_set_irq(&ic->ioapic, gsi, level);
	}
}

/* x86 MSI: address 0xfeeXXXXX with the destination ID in bits 19-12 and
 * the destination mode in bit 2; data holds vector, delivery and trigger
 * mode. Anything else is dropped, like a write no device claims. */
static void msi(void *ctx, uint64_t addr, uint32_t data)
{
	struct hv_apic_irq irq = {
	    .vector = (uint8_t)data,
	    .delivery = (data >> 8) & 7,
	    .level = data & (1u << 15),
	    .assert = true,
	    .logical = addr & (1u << 2),
	    .dest = (uint8_t)(addr >> 12),
	};

	if ((addr >> 20) != (HV_LAPIC_BASE >> 20))
		return;
	if (irq.delivery == APIC_DM_EXTINT || irq.delivery == 3 || irq.delivery == APIC_DM_SMI)
		return;
	route(ctx, -1, &irq);
}

struct hv_irq hv_intc_irq(struct hv_intc *ic)
{
	return (struct hv_irq){.set_gsi = set_gsi, .msi = msi, .ctx = ic};
}

int hv_intc_pending(struct hv_intc *ic, unsigned cpu)
{
	struct hv_lapic *a;

	if (cpu >= ic->ncpus)
		return -1;
	a = &ic->lapic[cpu];
	if (a->nmi_pending)
		return HV_INTC_NMI;
	if (ic->pic.output && accepts_pic(ic, cpu))
		return hv_pic_peek(&ic->pic);
	return hv_lapic_pending(a);
}

void hv_intc_ack(struct hv_intc *ic, unsigned cpu, int vector)
{
	struct hv_lapic *a;

	if (cpu >= ic->ncpus)
		return;
	a = &ic->lapic[cpu];
	if (vector == HV_INTC_NMI) {
		a->nmi_pending = false;
		return;
	}
	if (ic->pic.output && accepts_pic(ic, cpu) && hv_pic_peek(&ic->pic) == vector) {
		a->extint_pending = false;
		hv_pic_inta(&ic->pic);
		return;
	}
	hv_lapic_ack(a, vector);
}

int hv_intc_msr_read(struct hv_intc *ic, unsigned cpu, uint32_t index, uint64_t *value)
{
	if (cpu >= ic->ncpus)
		return -ENOENT;
	return hv_lapic_msr_read(&ic->lapic[cpu], index, value);
}

int hv_intc_msr_write(struct hv_intc *ic, unsigned cpu, uint32_t index, uint64_t value)
{
	if (cpu >= ic->ncpus)
		return -ENOENT;
	return hv_lapic_msr_write(&ic->lapic[cpu], index, value);
}
