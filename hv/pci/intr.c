/* Device interrupts: MSI-X (table, PBA, per-vector and function masks) and
 * the INTx line with its swizzle to IOAPIC GSIs. */
#include "pci_internal.h"
#include <kern/errno.h>
#include <kern/string.h>

unsigned hv_pci_intx_gsi(unsigned slot, unsigned pin)
{
	return HV_PCI_INTX_GSI_BASE + ((slot + pin - 1) % 4);
}

static uint16_t msix_control(const struct hv_pci_dev *d)
{
	return hv_pci_cfg_get16(d, d->msix.cap + PCI_MSIX_FLAGS);
}

bool hv_pci_msix_enabled(const struct hv_pci_dev *d)
{
	return d->msix.nvec && (msix_control(d) & PCI_MSIX_FLAGS_ENABLE);
}

void pci_intx_update(struct hv_pci_dev *d)
{
	uint16_t cmd = hv_pci_cfg_get16(d, PCI_COMMAND);
	bool level = d->intx_asserted && !(cmd & PCI_COMMAND_INTX_DISABLE) && !hv_pci_msix_enabled(d) &&
	             d->cfg[PCI_INTERRUPT_PIN] && d->host;

	/* The status bit shows the device's wish, whatever the enables. */
	if (d->intx_asserted)
		d->cfg[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		d->cfg[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
	if (level == d->intx_level)
		return;
	d->intx_level = level;
	hv_irq_set(d->host->irq, hv_pci_intx_gsi(d->slot, d->cfg[PCI_INTERRUPT_PIN]), level);
}

void hv_pci_set_intx(struct hv_pci_dev *d, bool level)
{
	d->intx_asserted = level;
	pci_intx_update(d);
}

int hv_pci_msix_init(struct hv_pci_dev *d, unsigned nvec, unsigned bar, uint32_t table_off, uint32_t pba_off)
{
	struct hv_pci_msix *x = &d->msix;
	uint64_t table_len = (uint64_t)nvec * PCI_MSIX_ENTRY_SIZE, pba_len = 8;
	int cap;

	if (!nvec || nvec > HV_PCI_MSIX_MAX || bar >= PCI_NUM_BARS || x->nvec || (table_off | pba_off) & 7)
		return -EINVAL;
	if (d->bar[bar].type != HV_PCI_BAR_MEM32 && d->bar[bar].type != HV_PCI_BAR_MEM64)
		return -EINVAL;
	if (table_off + table_len > d->bar[bar].size || pba_off + pba_len > d->bar[bar].size ||
	    (table_off < pba_off + pba_len && pba_off < table_off + table_len))
		return -EINVAL;
	cap = hv_pci_dev_add_cap(d, PCI_CAP_ID_MSIX, PCI_CAP_MSIX_SIZEOF);
	if (cap < 0)
		return cap;
	x->nvec = nvec;
	x->cap = (uint8_t)cap;
	x->bar = bar;
	x->table_off = table_off;
	x->pba_off = pba_off;
	hv_pci_cfg_set16(d, (unsigned)cap + PCI_MSIX_FLAGS, (uint16_t)(nvec - 1));
	d->wmask[cap + PCI_MSIX_FLAGS + 1] = (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) >> 8;
	hv_pci_cfg_set32(d, (unsigned)cap + PCI_MSIX_TABLE, table_off | bar);
	hv_pci_cfg_set32(d, (unsigned)cap + PCI_MSIX_PBA, pba_off | bar);
	memset(x->table, 0, sizeof(x->table));
	for (unsigned v = 0; v < nvec; v++)
		x->table[v * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL] = PCI_MSIX_ENTRY_CTRL_MASKBIT;
	x->pending = 0;
	return 0;
}

static uint32_t entry32(const struct hv_pci_msix *x, unsigned v, unsigned off)
{
	const uint8_t *p = &x->table[v * PCI_MSIX_ENTRY_SIZE + off];

	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool vector_masked(const struct hv_pci_dev *d, unsigned v)
{
	return (msix_control(d) & PCI_MSIX_FLAGS_MASKALL) ||
	       (entry32(&d->msix, v, PCI_MSIX_ENTRY_VECTOR_CTRL) & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

static void deliver(struct hv_pci_dev *d, unsigned v)
{
	const struct hv_pci_msix *x = &d->msix;
	uint64_t addr = entry32(x, v, PCI_MSIX_ENTRY_LOWER_ADDR) | (uint64_t)entry32(x, v, PCI_MSIX_ENTRY_UPPER_ADDR)
	                                                               << 32;

	if (d->host && d->host->irq->msi)
		d->host->irq->msi(d->host->irq->ctx, addr, entry32(x, v, PCI_MSIX_ENTRY_DATA));
}

bool hv_pci_msix_notify(struct hv_pci_dev *d, unsigned vector)
{
	if (!hv_pci_msix_enabled(d))
		return false;
	if (vector >= d->msix.nvec)
		return true; /* no such vector: no interrupt */
	if (vector_masked(d, vector))
		d->msix.pending |= 1u << vector;
	else
		deliver(d, vector);
	return true;
}

/* A vector whose mask went away sends what it held back. */
static void flush_pending(struct hv_pci_dev *d)
{
	if (!hv_pci_msix_enabled(d))
		return;
	for (unsigned v = 0; v < d->msix.nvec; v++) {
		if ((d->msix.pending & (1u << v)) && !vector_masked(d, v)) {
			d->msix.pending &= ~(1u << v);
			deliver(d, v);
		}
	}
}

void pci_msix_control_written(struct hv_pci_dev *d)
{
	pci_intx_update(d);
	flush_pending(d);
}

static bool in_range(uint64_t off, unsigned size, uint64_t start, uint64_t len)
{
	return off >= start && off - start < len && size <= len - (off - start);
}

static bool touches(uint64_t off, unsigned size, uint64_t start, uint64_t len)
{
	return off < start + len && start < off + size;
}

bool pci_msix_bar_read(struct hv_pci_dev *d, unsigned bar, uint64_t off, unsigned size, uint64_t *val)
{
	struct hv_pci_msix *x = &d->msix;
	uint64_t table_len = (uint64_t)x->nvec * PCI_MSIX_ENTRY_SIZE;

	if (!x->nvec || bar != x->bar)
		return false;
	*val = 0;
	if (in_range(off, size, x->table_off, table_len)) {
		for (unsigned i = 0; i < size; i++)
			*val |= (uint64_t)x->table[off - x->table_off + i] << (8 * i);
		return true;
	}
	if (in_range(off, size, x->pba_off, 8)) {
		*val = ((uint64_t)x->pending >> (8 * (off - x->pba_off)));
		if (size < 8)
			*val &= (1ull << (8 * size)) - 1;
		return true;
	}
	/* Accesses that only partly hit the table or PBA read as zero. */
	return touches(off, size, x->table_off, table_len) || touches(off, size, x->pba_off, 8);
}

bool pci_msix_bar_write(struct hv_pci_dev *d, unsigned bar, uint64_t off, unsigned size, uint64_t val)
{
	struct hv_pci_msix *x = &d->msix;
	uint64_t table_len = (uint64_t)x->nvec * PCI_MSIX_ENTRY_SIZE;

	if (!x->nvec || bar != x->bar)
		return false;
	if (in_range(off, size, x->table_off, table_len)) {
		for (unsigned i = 0; i < size; i++) {
			unsigned pos = (unsigned)(off - x->table_off) + i;
			uint8_t b = (uint8_t)(val >> (8 * i));

			if (pos % PCI_MSIX_ENTRY_SIZE == PCI_MSIX_ENTRY_VECTOR_CTRL)
				b &= PCI_MSIX_ENTRY_CTRL_MASKBIT;
			else if (pos % PCI_MSIX_ENTRY_SIZE > PCI_MSIX_ENTRY_VECTOR_CTRL)
				b = 0; /* reserved */
			x->table[pos] = b;
		}
		flush_pending(d);
		return true;
	}
	/* The PBA is read-only; partial hits are dropped. */
	return touches(off, size, x->table_off, table_len) || touches(off, size, x->pba_off, 8);
}
