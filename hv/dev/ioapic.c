/* 82093AA I/O APIC (version 0x11, 24 pins). A level-triggered pin that
 * was delivered sets remote IRR and is not delivered again until a LAPIC
 * EOIs its vector; if the line is still high then, it is delivered again.
 * An edge on a masked pin stays pending until the pin is unmasked. */
#include <hv/dev/ioapic.h>
#include <kern/errno.h>
#include <kern/string.h>

#define IOAPIC_VERSION_VALUE (0x11u | ((HV_IOAPIC_PINS - 1u) << 16))
/* Writable bits of an entry: vector, delivery mode, destination mode,
 * polarity, trigger mode, mask, destination (bits 56-63). */
#define RTE_WRITABLE                                                                                                   \
	(0xffULL | (7ULL << 8) | IOAPIC_RTE_LOGICAL | IOAPIC_RTE_POLARITY | IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED |     \
	 (0xffULL << 56))

static void deliver(struct hv_ioapic *io, unsigned pin)
{
	uint64_t e = io->rte[pin];
	struct hv_apic_irq irq = {
	    .vector = (uint8_t)e,
	    .delivery = (uint8_t)((e >> 8) & 7),
	    .logical = e & IOAPIC_RTE_LOGICAL,
	    .level = e & IOAPIC_RTE_LEVEL,
	    .assert = true,
	    .dest = (uint8_t)(e >> 56),
	};

	if (io->deliver)
		io->deliver(io->ctx, &irq);
}

static void service(struct hv_ioapic *io)
{
	for (unsigned pin = 0; pin < HV_IOAPIC_PINS; pin++) {
		uint32_t bit = 1u << pin;
		uint64_t *e = &io->rte[pin];

		if (!(io->irr & bit) || (*e & IOAPIC_RTE_MASKED))
			continue;
		if (*e & IOAPIC_RTE_LEVEL) {
			if (*e & IOAPIC_RTE_REMOTE_IRR)
				continue;
			/* INIT/NMI/SMI/ExtINT carry no EOI: no remote IRR for them. */
			if (((*e >> 8) & 7) == APIC_DM_FIXED || ((*e >> 8) & 7) == APIC_DM_LOWEST)
				*e |= IOAPIC_RTE_REMOTE_IRR;
			else
				io->irr &= ~bit;
		} else {
			io->irr &= ~bit;
		}
		deliver(io, pin);
	}
}

void hv_ioapic_init(struct hv_ioapic *io, void (*deliver_fn)(void *ctx, const struct hv_apic_irq *irq), void *ctx)
{
	memset(io, 0, sizeof(*io));
	io->deliver = deliver_fn;
	io->ctx = ctx;
	for (unsigned pin = 0; pin < HV_IOAPIC_PINS; pin++)
		io->rte[pin] = IOAPIC_RTE_MASKED;
}

void hv_ioapic_set_irq(struct hv_ioapic *io, unsigned pin, bool level)
{
	uint32_t bit;

	if (pin >= HV_IOAPIC_PINS)
		return;
	bit = 1u << pin;
	if (io->rte[pin] & IOAPIC_RTE_LEVEL) {
		if (level)
			io->irr |= bit;
		else
			io->irr &= ~bit;
	} else if (level && !(io->level & bit)) {
		io->irr |= bit;
	}
	if (level)
		io->level |= bit;
	else
		io->level &= ~bit;
	service(io);
}

void hv_ioapic_eoi(struct hv_ioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < HV_IOAPIC_PINS; pin++) {
		uint64_t *e = &io->rte[pin];

		if ((uint8_t)*e != vector || !(*e & IOAPIC_RTE_LEVEL))
			continue;
		*e &= ~IOAPIC_RTE_REMOTE_IRR;
		/* A line still high requests again. */
		if (io->level & (1u << pin))
			io->irr |= 1u << pin;
	}
	service(io);
}

static uint32_t read_register(const struct hv_ioapic *io)
{
	unsigned index = io->select, pin;

	switch (index) {
	case IOAPIC_ID:
	case IOAPIC_ARB: return (uint32_t)(io->id & 0xf) << 24;
	case IOAPIC_VERSION: return IOAPIC_VERSION_VALUE;
	}
	if (index < IOAPIC_REDTBL || index >= IOAPIC_REDTBL + 2 * HV_IOAPIC_PINS)
		return 0; /* unimplemented registers read as zero */
	pin = (index - IOAPIC_REDTBL) / 2;
	return (uint32_t)(io->rte[pin] >> ((index & 1) ? 32 : 0));
}

static void write_register(struct hv_ioapic *io, uint32_t v)
{
	unsigned index = io->select, pin;
	uint64_t e, old;

	if (index == IOAPIC_ID) {
		io->id = (v >> 24) & 0xf;
		return;
	}
	if (index < IOAPIC_REDTBL || index >= IOAPIC_REDTBL + 2 * HV_IOAPIC_PINS)
		return; /* version, arbitration and unimplemented: read-only */
	pin = (index - IOAPIC_REDTBL) / 2;
	old = io->rte[pin];
	if (index & 1)
		e = (old & 0xffffffffULL) | ((uint64_t)v << 32);
	else
		e = (old & ~0xffffffffULL) | v;
	e = (e & RTE_WRITABLE) | (old & IOAPIC_RTE_REMOTE_IRR);
	/* Remote IRR means nothing for an edge-triggered pin. */
	if (!(e & IOAPIC_RTE_LEVEL))
		e &= ~IOAPIC_RTE_REMOTE_IRR;
	io->rte[pin] = e;
	/* Switching to level: a line already high requests now. */
	if ((e & IOAPIC_RTE_LEVEL) && (io->level & (1u << pin)))
		io->irr |= 1u << pin;
	else if ((e & IOAPIC_RTE_LEVEL) && !(io->level & (1u << pin)))
		io->irr &= ~(1u << pin);
	service(io);
}

uint32_t hv_ioapic_read(struct hv_ioapic *io, uint64_t offset)
{
	switch (offset) {
	case IOAPIC_REG_SELECT: return io->select;
	case IOAPIC_REG_WINDOW: return read_register(io);
	}
	return 0;
}

void hv_ioapic_write(struct hv_ioapic *io, uint64_t offset, uint32_t v)
{
	switch (offset) {
	case IOAPIC_REG_SELECT: io->select = (uint8_t)v; break;
	case IOAPIC_REG_WINDOW: write_register(io, v); break;
	}
}

/* Registers are 32 bits wide at 16-byte strides; a narrower read gets the
 * low bytes, other widths and offsets are ignored (reads give zero). */
static uint64_t bus_read(void *dev, unsigned cpu, uint64_t offset, unsigned size)
{
	uint32_t v;

	(void)cpu;
	if (size > 4 || (offset & 0xf) + size > 4)
		return 0;
	v = hv_ioapic_read(dev, offset & ~0xfULL);
	return (v >> (8 * (offset & 3))) & (size == 4 ? 0xffffffffu : ((1u << (8 * size)) - 1));
}

static void bus_write(void *dev, unsigned cpu, uint64_t offset, unsigned size, uint64_t v)
{
	(void)cpu;
	/* IOREGSEL takes a byte write too; IOWIN only whole dwords. */
	if (offset == IOAPIC_REG_SELECT && size >= 1 && size <= 4)
		hv_ioapic_write(dev, offset, (uint8_t)v);
	else if (offset == IOAPIC_REG_WINDOW && size == 4)
		hv_ioapic_write(dev, offset, (uint32_t)v);
}

static const struct hv_bus_ops ioapic_ops = {bus_read, bus_write};

int hv_ioapic_attach(struct hv_ioapic *io, struct hv_bus *mmio)
{
	return hv_bus_add(mmio, HV_IOAPIC_BASE, HV_IOAPIC_SIZE, &ioapic_ops, io, "ioapic");
}
