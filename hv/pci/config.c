/* PCI function config space: header, masks, BAR registers, capabilities.
 * Every byte written goes through wmask/w1cmask, so the guest changes only
 * what the spec lets it change and BAR sizing needs no special case. */
#include "pci_internal.h"
#include <kern/errno.h>
#include <kern/string.h>

static void set_wmask32(struct hv_pci_dev *d, unsigned off, uint32_t mask)
{
	for (unsigned i = 0; i < 4; i++)
		d->wmask[off + i] = (uint8_t)(mask >> (8 * i));
}

void hv_pci_dev_init(struct hv_pci_dev *d, uint16_t vendor, uint16_t device, uint32_t class_code, uint8_t revision,
                     uint16_t subsys_vendor, uint16_t subsys_id, uint8_t pin, const char *name)
{
	memset(d, 0, sizeof(*d));
	d->name = name;
	hv_pci_cfg_set16(d, PCI_VENDOR_ID, vendor);
	hv_pci_cfg_set16(d, PCI_DEVICE_ID, device);
	d->cfg[PCI_REVISION_ID] = revision;
	d->cfg[PCI_CLASS_PROG] = (uint8_t)class_code;
	hv_pci_cfg_set16(d, PCI_CLASS_DEVICE, (uint16_t)(class_code >> 8));
	d->cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	hv_pci_cfg_set16(d, PCI_SUBSYSTEM_VENDOR_ID, subsys_vendor);
	hv_pci_cfg_set16(d, PCI_SUBSYSTEM_ID, subsys_id);
	d->cfg[PCI_INTERRUPT_PIN] = pin <= 4 ? pin : 0;

	uint16_t cmd_mask = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_PARITY |
	                    PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE;
	d->wmask[PCI_COMMAND] = (uint8_t)cmd_mask;
	d->wmask[PCI_COMMAND + 1] = (uint8_t)(cmd_mask >> 8);
	uint16_t w1c = PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | PCI_STATUS_REC_TARGET_ABORT |
	               PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY;
	d->w1cmask[PCI_STATUS] = (uint8_t)w1c;
	d->w1cmask[PCI_STATUS + 1] = (uint8_t)(w1c >> 8);
	d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	d->wmask[PCI_LATENCY_TIMER] = 0xff;
	d->wmask[PCI_INTERRUPT_LINE] = 0xff;
	d->cap_end = PCI_STD_HEADER_SIZE;
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		d->bar[i].dev = d;
		d->bar[i].index = i;
	}
}

static bool power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

int hv_pci_dev_set_bar(struct hv_pci_dev *d, unsigned idx, enum hv_pci_bar_type type, bool prefetch, uint64_t size,
                       const struct hv_bus_ops *ops, void *opaque)
{
	unsigned off = PCI_BASE_ADDRESS_0 + 4 * idx;
	uint64_t mask = ~(size - 1);

	if (idx >= PCI_NUM_BARS || !power_of_two(size) || d->bar[idx].type != HV_PCI_BAR_NONE)
		return -EINVAL;
	switch (type) {
	case HV_PCI_BAR_IO:
		if (size < 4 || size > 256 || prefetch)
			return -EINVAL;
		d->cfg[off] = PCI_BASE_ADDRESS_SPACE_IO;
		set_wmask32(d, off, (uint32_t)mask & 0xfffcu);
		break;
	case HV_PCI_BAR_MEM32:
		if (size < 16 || size > (1ull << 30))
			return -EINVAL;
		d->cfg[off] = PCI_BASE_ADDRESS_MEM_TYPE_32 | (prefetch ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0);
		set_wmask32(d, off, (uint32_t)mask & ~0xfu);
		break;
	case HV_PCI_BAR_MEM64:
		if (idx + 1 >= PCI_NUM_BARS || d->bar[idx + 1].type != HV_PCI_BAR_NONE || size < 16 ||
		    size > (1ull << 40))
			return -EINVAL;
		d->cfg[off] = PCI_BASE_ADDRESS_MEM_TYPE_64 | (prefetch ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0);
		set_wmask32(d, off, (uint32_t)mask & ~0xfu);
		set_wmask32(d, off + 4, (uint32_t)(mask >> 32));
		break;
	default: return -EINVAL;
	}
	d->bar[idx].type = type;
	d->bar[idx].prefetch = prefetch;
	d->bar[idx].size = size;
	d->bar[idx].ops = ops;
	d->bar[idx].opaque = opaque;
	return 0;
}

int hv_pci_dev_add_cap(struct hv_pci_dev *d, uint8_t id, unsigned len)
{
	unsigned off = (d->cap_end + 3u) & ~3u;

	if (len < 2 || off + len > PCI_CFG_SPACE_SIZE)
		return -ENOSPC;
	d->cfg[off + PCI_CAP_LIST_ID] = id;
	d->cfg[off + PCI_CAP_LIST_NEXT] = 0;
	if (d->cap_last)
		d->cfg[d->cap_last + PCI_CAP_LIST_NEXT] = (uint8_t)off;
	else
		d->cfg[PCI_CAPABILITY_LIST] = (uint8_t)off;
	d->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	d->cap_last = (uint8_t)off;
	d->cap_end = (uint8_t)(off + len < PCI_CFG_SPACE_SIZE ? off + len : PCI_CFG_SPACE_SIZE - 1);
	return (int)off;
}

uint32_t pci_dev_config_read(struct hv_pci_dev *d, unsigned off, unsigned size)
{
	uint32_t v = 0;

	if (d->cfg_read && off < PCI_CFG_SPACE_SIZE && d->cfg_read(d, off, size, &v))
		return v;
	/* Extended space (ECAM offsets 256-4095) holds no capabilities: 0. */
	for (unsigned i = 0; i < size; i++)
		if (off + i < PCI_CFG_SPACE_SIZE)
			v |= (uint32_t)d->cfg[off + i] << (8 * i);
	return v;
}

static bool overlaps(unsigned off, unsigned size, unsigned start, unsigned len)
{
	return off < start + len && start < off + size;
}

void pci_dev_config_write(struct hv_pci_dev *d, unsigned off, unsigned size, uint32_t val)
{
	if (off >= PCI_CFG_SPACE_SIZE)
		return;
	if (off + size > PCI_CFG_SPACE_SIZE)
		size = PCI_CFG_SPACE_SIZE - off;
	for (unsigned i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(val >> (8 * i)), o = d->cfg[off + i];
		uint8_t wm = d->wmask[off + i], cm = d->w1cmask[off + i];

		d->cfg[off + i] = (uint8_t)(((o & ~wm) | (b & wm)) & ~(b & cm));
	}
	if (overlaps(off, size, PCI_COMMAND, 2)) {
		pci_intx_update(d);
		pci_bars_update(d);
	} else if (overlaps(off, size, PCI_BASE_ADDRESS_0, 4 * PCI_NUM_BARS)) {
		pci_bars_update(d);
	}
	if (d->msix.nvec && overlaps(off, size, d->msix.cap, PCI_CAP_MSIX_SIZEOF))
		pci_msix_control_written(d);
	if (d->cfg_written)
		d->cfg_written(d, off, size, val);
}
