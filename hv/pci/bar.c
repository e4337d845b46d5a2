/* BAR decoding: a BAR is claimed on the VM's port or MMIO bus while its
 * command register enable is set and its address is a usable one; moving
 * it (a BAR write) releases the old range and claims the new. */
#include "pci_internal.h"
#include <kern/errno.h>

static uint64_t bar_address(const struct hv_pci_dev *d, unsigned i)
{
	unsigned off = PCI_BASE_ADDRESS_0 + 4 * i;
	uint64_t lo = hv_pci_cfg_get32(d, off);

	switch (d->bar[i].type) {
	case HV_PCI_BAR_IO: return lo & PCI_BASE_ADDRESS_IO_MASK & 0xffff;
	case HV_PCI_BAR_MEM32: return lo & 0xfffffff0ull;
	case HV_PCI_BAR_MEM64: return (lo & 0xfffffff0ull) | (uint64_t)hv_pci_cfg_get32(d, off + 4) << 32;
	default: return 0;
	}
}

static struct hv_bus *bar_bus(const struct hv_pci_dev *d, unsigned i)
{
	return d->bar[i].type == HV_PCI_BAR_IO ? d->host->pio : d->host->mmio;
}

static void bar_unmap(struct hv_pci_dev *d, unsigned i)
{
	struct hv_pci_bar *b = &d->bar[i];

	if (b->mapped)
		hv_bus_remove(bar_bus(d, i), b->mapped_at, b);
	b->mapped = false;
}

static bool bar_wanted(const struct hv_pci_dev *d, unsigned i, uint64_t addr)
{
	const struct hv_pci_bar *b = &d->bar[i];
	uint16_t cmd = hv_pci_cfg_get16(d, PCI_COMMAND);

	if (b->type == HV_PCI_BAR_IO)
		return (cmd & PCI_COMMAND_IO) && addr && addr + b->size <= HV_PCI_IO_END;
	/* Address 0 is where an unprogrammed BAR sits; a range that wraps
	 * cannot be decoded. */
	return (cmd & PCI_COMMAND_MEMORY) && addr && addr + b->size > addr;
}

void pci_bars_update(struct hv_pci_dev *d)
{
	if (!d->host)
		return;
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		struct hv_pci_bar *b = &d->bar[i];
		uint64_t addr;
		bool want;

		if (b->type == HV_PCI_BAR_NONE)
			continue;
		addr = bar_address(d, i);
		want = bar_wanted(d, i, addr);
		if (b->mapped && want && b->mapped_at == addr)
			continue;
		bar_unmap(d, i);
		/* A guest that moves a BAR onto another device's range gets a
		 * BAR that decodes nothing (-EBUSY), as a conflict would. */
		if (want && hv_bus_add(bar_bus(d, i), addr, b->size, &pci_bar_ops, b, d->name) == 0) {
			b->mapped = true;
			b->mapped_at = addr;
		}
	}
}

void pci_bars_unmap(struct hv_pci_dev *d)
{
	for (unsigned i = 0; i < PCI_NUM_BARS; i++)
		if (d->bar[i].type != HV_PCI_BAR_NONE)
			bar_unmap(d, i);
}

static uint64_t bar_read(void *opaque, unsigned cpu, uint64_t off, unsigned size)
{
	struct hv_pci_bar *b = opaque;
	uint64_t v;

	if (off >= b->size || size > b->size - off)
		return ~0ull;
	if (pci_msix_bar_read(b->dev, b->index, off, size, &v))
		return v;
	if (!b->ops || !b->ops->read)
		return 0;
	return b->ops->read(b->opaque, cpu, off, size);
}

static void bar_write(void *opaque, unsigned cpu, uint64_t off, unsigned size, uint64_t val)
{
	struct hv_pci_bar *b = opaque;

	if (off >= b->size || size > b->size - off)
		return;
	if (pci_msix_bar_write(b->dev, b->index, off, size, val))
		return;
	if (b->ops && b->ops->write)
		b->ops->write(b->opaque, cpu, off, size, val);
}

const struct hv_bus_ops pci_bar_ops = {.read = bar_read, .write = bar_write};
