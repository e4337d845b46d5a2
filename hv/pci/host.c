/* The PCI host bridge: configuration mechanism #1 on ports 0xcf8-0xcff,
 * ECAM for bus 0, the reset control register at 0xcf9, slot management and
 * firmware-style BAR placement. */
#include "pci_internal.h"
#include <kern/errno.h>
#include <kern/string.h>

#define CONF1_PORTS     8           /* 0xcf8-0xcff */
#define CONF1_ADDR_BITS 0x80fffffcu /* enable, bus, dev, fn, register */

static uint32_t ones(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

uint32_t hv_pci_config_read(struct hv_pci_host *h, unsigned dev, unsigned fn, unsigned off, unsigned size)
{
	if (size == 0 || size > 4 || off >= PCI_CFG_SPACE_EXP_SIZE)
		return ones(size);
	if (off + size > PCI_CFG_SPACE_EXP_SIZE)
		size = PCI_CFG_SPACE_EXP_SIZE - off;
	if (dev >= HV_PCI_SLOTS || fn != 0 || !h->slot[dev])
		return ones(size);
	return pci_dev_config_read(h->slot[dev], off, size);
}

void hv_pci_config_write(struct hv_pci_host *h, unsigned dev, unsigned fn, unsigned off, unsigned size, uint32_t val)
{
	if (size == 0 || size > 4 || off >= PCI_CFG_SPACE_EXP_SIZE)
		return;
	if (off + size > PCI_CFG_SPACE_EXP_SIZE)
		size = PCI_CFG_SPACE_EXP_SIZE - off;
	if (dev >= HV_PCI_SLOTS || fn != 0 || !h->slot[dev])
		return;
	pci_dev_config_write(h->slot[dev], off, size, val);
}

/* The function CONFIG_ADDRESS selects, or false (disabled, other bus). */
static bool conf1_target(const struct hv_pci_host *h, unsigned *dev, unsigned *fn, unsigned *reg)
{
	uint32_t a = h->conf1_addr;

	if (!(a & PCI_CONF1_ENABLE) || ((a >> 16) & 0xff) != 0)
		return false;
	*dev = (a >> 11) & 31;
	*fn = (a >> 8) & 7;
	*reg = a & 0xfc;
	return true;
}

static uint64_t conf1_read(void *opaque, unsigned cpu, uint64_t off, unsigned size)
{
	struct hv_pci_host *h = opaque;
	unsigned dev, fn, reg;

	(void)cpu;
	if (off < 4) {
		if (off == 0 && size == 4)
			return h->conf1_addr;
		if (off == 1 && size == 1)
			return h->reset_control;
		return ones(size); /* narrower accesses do not reach CONFIG_ADDRESS */
	}
	off -= 4;
	if (size > 4 - off)
		size = 4 - (unsigned)off;
	if (!conf1_target(h, &dev, &fn, &reg))
		return ones(size);
	return hv_pci_config_read(h, dev, fn, reg + (unsigned)off, size);
}

static void conf1_write(void *opaque, unsigned cpu, uint64_t off, unsigned size, uint64_t val)
{
	struct hv_pci_host *h = opaque;
	unsigned dev, fn, reg;

	(void)cpu;
	if (off < 4) {
		if (off == 0 && size == 4) {
			h->conf1_addr = (uint32_t)val & CONF1_ADDR_BITS;
		} else if (off == 1 && size == 1) {
			bool reset =
			    (val & PCI_RESET_CONTROL_RST_CPU) && !(h->reset_control & PCI_RESET_CONTROL_RST_CPU);

			/* RST_CPU starts the reset and reads back clear. */
			h->reset_control = (uint8_t)val & (PCI_RESET_CONTROL_SYS_RST | PCI_RESET_CONTROL_FULL_RST);
			if (reset && h->reset)
				h->reset(h->reset_ctx);
		}
		return;
	}
	off -= 4;
	if (size > 4 - off)
		size = 4 - (unsigned)off;
	if (conf1_target(h, &dev, &fn, &reg))
		hv_pci_config_write(h, dev, fn, reg + (unsigned)off, size, (uint32_t)val);
}

static const struct hv_bus_ops conf1_ops = {.read = conf1_read, .write = conf1_write};

static void ecam_decode(uint64_t off, unsigned *dev, unsigned *fn, unsigned *reg)
{
	*dev = (off >> 15) & 31;
	*fn = (off >> 12) & 7;
	*reg = off & 0xfff;
}

static uint64_t ecam_read(void *opaque, unsigned cpu, uint64_t off, unsigned size)
{
	struct hv_pci_host *h = opaque;
	unsigned dev, fn, reg;

	(void)cpu;
	ecam_decode(off, &dev, &fn, &reg);
	if (size == 8) /* two dwords, as a 64-bit access splits on PCIe */
		return hv_pci_config_read(h, dev, fn, reg, 4) | (uint64_t)hv_pci_config_read(h, dev, fn, reg + 4, 4)
		                                                    << 32;
	return hv_pci_config_read(h, dev, fn, reg, size);
}

static void ecam_write(void *opaque, unsigned cpu, uint64_t off, unsigned size, uint64_t val)
{
	struct hv_pci_host *h = opaque;
	unsigned dev, fn, reg;

	(void)cpu;
	ecam_decode(off, &dev, &fn, &reg);
	if (size == 8) {
		hv_pci_config_write(h, dev, fn, reg, 4, (uint32_t)val);
		hv_pci_config_write(h, dev, fn, reg + 4, 4, (uint32_t)(val >> 32));
		return;
	}
	hv_pci_config_write(h, dev, fn, reg, size, (uint32_t)val);
}

static const struct hv_bus_ops ecam_ops = {.read = ecam_read, .write = ecam_write};

int hv_pci_host_init(struct hv_pci_host *h, struct hv_bus *pio, struct hv_bus *mmio, const struct hv_irq *irq,
                     uint64_t ecam_base)
{
	int err;

	if (ecam_base & (PCI_ECAM_BUS_SIZE - 1) ||
	    (ecam_base < HV_PCI_MMIO_END && ecam_base + PCI_ECAM_BUS_SIZE > HV_PCI_MMIO_BASE))
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	h->pio = pio;
	h->mmio = mmio;
	h->irq = irq;
	h->ecam_base = ecam_base;
	h->mmio_next = HV_PCI_MMIO_BASE;
	h->io_next = HV_PCI_IO_BASE;
	err = hv_bus_add(pio, PCI_CONF1_ADDRESS_PORT, CONF1_PORTS, &conf1_ops, h, "pci-conf1");
	if (err)
		return err;
	h->pio_claimed = true;
	err = hv_bus_add(mmio, ecam_base, PCI_ECAM_BUS_SIZE, &ecam_ops, h, "pci-ecam");
	if (err) {
		hv_pci_host_destroy(h);
		return err;
	}
	h->ecam_claimed = true;
	hv_pci_dev_init(&h->bridge, PCI_VENDOR_ID_REDHAT, PCI_DEVICE_ID_REDHAT_HOST, PCI_CLASS_BRIDGE_HOST, 0,
	                PCI_VENDOR_ID_REDHAT, 0x1100, PCI_INTERRUPT_PIN_NONE, "pci-host");
	h->bridge.host = h;
	h->bridge.slot = 0;
	h->slot[0] = &h->bridge;
	return 0;
}

void hv_pci_host_destroy(struct hv_pci_host *h)
{
	for (unsigned s = 1; s < HV_PCI_SLOTS; s++)
		if (h->slot[s])
			hv_pci_remove(h, h->slot[s]);
	if (h->pio_claimed)
		hv_bus_remove(h->pio, PCI_CONF1_ADDRESS_PORT, h);
	if (h->ecam_claimed)
		hv_bus_remove(h->mmio, h->ecam_base, h);
	h->pio_claimed = h->ecam_claimed = false;
	h->slot[0] = NULL;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Places every BAR in the windows as firmware would, all or nothing. */
static int place_bars(struct hv_pci_host *h, struct hv_pci_dev *d)
{
	uint64_t mmio = h->mmio_next, io = h->io_next, addr[PCI_NUM_BARS] = {0};

	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		const struct hv_pci_bar *b = &d->bar[i];

		if (b->type == HV_PCI_BAR_NONE) {
			continue;
		} else if (b->type == HV_PCI_BAR_IO) {
			addr[i] = align_up(io, b->size);
			if (addr[i] + b->size > HV_PCI_IO_END)
				return -ENOSPC;
			io = addr[i] + b->size;
		} else {
			uint64_t a = b->size > HV_PCI_MEM_BAR_ALIGN ? b->size : HV_PCI_MEM_BAR_ALIGN;

			addr[i] = align_up(mmio, a);
			if (addr[i] + b->size > HV_PCI_MMIO_END)
				return -ENOSPC;
			mmio = addr[i] + a;
		}
	}
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		unsigned off = PCI_BASE_ADDRESS_0 + 4 * i;
		uint8_t flags = d->cfg[off] & 0xf;

		if (d->bar[i].type == HV_PCI_BAR_NONE)
			continue;
		hv_pci_cfg_set32(d, off, (uint32_t)addr[i] | flags);
		if (d->bar[i].type == HV_PCI_BAR_MEM64)
			hv_pci_cfg_set32(d, off + 4, (uint32_t)(addr[i] >> 32));
	}
	h->mmio_next = mmio;
	h->io_next = (uint32_t)io;
	return 0;
}

int hv_pci_add(struct hv_pci_host *h, struct hv_pci_dev *d)
{
	uint16_t cmd = 0;
	unsigned s;
	int err;

	for (s = 1; s < HV_PCI_SLOTS && h->slot[s]; s++)
		;
	if (s == HV_PCI_SLOTS)
		return -ENOSPC;
	err = place_bars(h, d);
	if (err)
		return err;
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		if (d->bar[i].type == HV_PCI_BAR_IO)
			cmd |= PCI_COMMAND_IO;
		else if (d->bar[i].type != HV_PCI_BAR_NONE)
			cmd |= PCI_COMMAND_MEMORY;
	}
	d->host = h;
	d->slot = s;
	h->slot[s] = d;
	if (d->cfg[PCI_INTERRUPT_PIN])
		d->cfg[PCI_INTERRUPT_LINE] = (uint8_t)hv_pci_intx_gsi(s, d->cfg[PCI_INTERRUPT_PIN]);
	hv_pci_cfg_set16(d, PCI_COMMAND, hv_pci_cfg_get16(d, PCI_COMMAND) | cmd);
	pci_bars_update(d);
	pci_intx_update(d);
	return (int)s;
}

void hv_pci_remove(struct hv_pci_host *h, struct hv_pci_dev *d)
{
	if (d->host != h || d->slot == 0 || d->slot >= HV_PCI_SLOTS || h->slot[d->slot] != d)
		return;
	pci_bars_unmap(d);
	if (d->intx_level)
		hv_irq_set(h->irq, hv_pci_intx_gsi(d->slot, d->cfg[PCI_INTERRUPT_PIN]), false);
	d->intx_level = false;
	h->slot[d->slot] = NULL;
	d->host = NULL;
}
