/* I/O APICs: each owns a range of GSIs; a redirection entry sends one GSI to
 * one CPU's local APIC as a vector. */
#include <arch/x86_64/apic.h>
#include <kern/atomic.h>
#include <plat/cpu.h>
#include <plat/io.h>
#include <plat/mem.h>
#include "acpi.h"
#include "boot.h"

struct ioapic {
	volatile uint8_t *regs;
	uint32_t gsi_base;
	uint32_t pins;
};

static struct ioapic ioapics[MAX_IOAPICS];
static unsigned ioapic_count;
static int ioapic_lock; /* the select/window register pair is shared */

static uint32_t ioapic_read(const struct ioapic *io, uint32_t reg)
{
	plat_mmio_write(io->regs + IOAPIC_REGSEL, 4, reg);
	return (uint32_t)plat_mmio_read(io->regs + IOAPIC_WINDOW, 4);
}

static void ioapic_write(const struct ioapic *io, uint32_t reg, uint32_t v)
{
	plat_mmio_write(io->regs + IOAPIC_REGSEL, 4, reg);
	plat_mmio_write(io->regs + IOAPIC_WINDOW, 4, v);
}

static irqflags_t lock(void)
{
	irqflags_t f = plat_irq_save();
	int expected = 0;

	while (!atomic_cas(&ioapic_lock, &expected, 1)) {
		expected = 0;
		plat_cpu_relax();
	}
	return f;
}

static void unlock(irqflags_t f)
{
	atomic_store_release(&ioapic_lock, 0);
	plat_irq_restore(f);
}

void ioapic_init(void)
{
	for (unsigned i = 0; i < topology.ioapic_count; i++) {
		const struct ioapic_desc *d = &topology.ioapic[i];
		struct ioapic io = {plat_mmio_map(d->phys, PAGE_SIZE), d->gsi_base, 0};
		uint32_t version;

		if (!io.regs) {
			bm_log("ioapic: cannot map 0x%lx", (unsigned long)d->phys);
			continue;
		}
		version = ioapic_read(&io, IOAPIC_REG_VERSION);
		if (version == UINT32_MAX) {
			bm_log("ioapic: nothing answers at 0x%lx", (unsigned long)d->phys);
			continue;
		}
		io.pins = ((version >> 16) & 0xff) + 1;
		for (uint32_t pin = 0; pin < io.pins; pin++) {
			ioapic_write(&io, IOAPIC_REG_REDTBL(pin) + 1, 0);
			ioapic_write(&io, IOAPIC_REG_REDTBL(pin), IOAPIC_RTE_MASKED);
		}
		ioapics[ioapic_count++] = io;
		bm_log("ioapic: 0x%lx, GSIs %u-%u", (unsigned long)d->phys, io.gsi_base, io.gsi_base + io.pins - 1);
	}
}

static const struct ioapic *ioapic_for(uint32_t gsi)
{
	for (unsigned i = 0; i < ioapic_count; i++)
		if (gsi >= ioapics[i].gsi_base && gsi < ioapics[i].gsi_base + ioapics[i].pins)
			return &ioapics[i];
	return NULL;
}

int ioapic_route(uint32_t gsi, uint8_t vector, uint32_t apic_id, bool level, bool active_low)
{
	const struct ioapic *io = ioapic_for(gsi);
	uint32_t low = vector;
	irqflags_t f;

	if (!io)
		return -1;
	if (level)
		low |= IOAPIC_RTE_LEVEL;
	if (active_low)
		low |= IOAPIC_RTE_ACTIVE_LOW;
	f = lock();
	ioapic_write(io, IOAPIC_REG_REDTBL(gsi - io->gsi_base) + 1, apic_id << (IOAPIC_RTE_DEST_SHIFT - 32));
	ioapic_write(io, IOAPIC_REG_REDTBL(gsi - io->gsi_base), low);
	unlock(f);
	return 0;
}

void ioapic_mask(uint32_t gsi)
{
	const struct ioapic *io = ioapic_for(gsi);
	irqflags_t f;

	if (!io)
		return;
	f = lock();
	ioapic_write(io, IOAPIC_REG_REDTBL(gsi - io->gsi_base), IOAPIC_RTE_MASKED);
	unlock(f);
}
