/* Virtio PCI transport (virtio 1.x 4.1, modern only): the capabilities, the
 * common config registers, ISR, device config, notifications and the PCI
 * configuration access window. */
#include "virtio_internal.h"
#include <hv/dev/virtio_pci.h>
#include <kern/errno.h>
#include <kern/string.h>

static struct virtq *selected(struct virtio_dev *v)
{
	return v->queue_sel < v->nqueues ? &v->vq[v->queue_sel] : NULL;
}

static uint64_t common_field(struct virtio_dev *v, unsigned off, unsigned *width)
{
	struct virtq *q = selected(v);

	*width = 4;
	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT: return v->dfselect;
	case VIRTIO_PCI_COMMON_DF: return v->dfselect < 2 ? (uint32_t)(v->host_features >> (32 * v->dfselect)) : 0;
	case VIRTIO_PCI_COMMON_GFSELECT: return v->gfselect;
	case VIRTIO_PCI_COMMON_GF: return v->gfselect < 2 ? (uint32_t)(v->guest_features >> (32 * v->gfselect)) : 0;
	case VIRTIO_PCI_COMMON_Q_DESCLO: return q ? (uint32_t)q->desc : 0;
	case VIRTIO_PCI_COMMON_Q_DESCHI: return q ? (uint32_t)(q->desc >> 32) : 0;
	case VIRTIO_PCI_COMMON_Q_AVAILLO: return q ? (uint32_t)q->avail : 0;
	case VIRTIO_PCI_COMMON_Q_AVAILHI: return q ? (uint32_t)(q->avail >> 32) : 0;
	case VIRTIO_PCI_COMMON_Q_USEDLO: return q ? (uint32_t)q->used : 0;
	case VIRTIO_PCI_COMMON_Q_USEDHI: return q ? (uint32_t)(q->used >> 32) : 0;
	}
	*width = 2;
	switch (off) {
	case VIRTIO_PCI_COMMON_MSIX: return v->msix_config;
	case VIRTIO_PCI_COMMON_NUMQ: return v->nqueues;
	case VIRTIO_PCI_COMMON_Q_SELECT: return v->queue_sel;
	case VIRTIO_PCI_COMMON_Q_SIZE: return q ? q->size : 0;
	case VIRTIO_PCI_COMMON_Q_MSIX: return q ? q->msix_vector : VIRTIO_MSI_NO_VECTOR;
	case VIRTIO_PCI_COMMON_Q_ENABLE: return q ? q->enabled : 0;
	case VIRTIO_PCI_COMMON_Q_NOFF: return q ? v->queue_sel : 0;
	}
	*width = 1;
	switch (off) {
	case VIRTIO_PCI_COMMON_STATUS: return v->status;
	case VIRTIO_PCI_COMMON_CFGGENERATION: return v->generation;
	}
	*width = 0;
	return 0;
}

/* Field starts, for locating the field a byte belongs to. */
static const uint8_t common_starts[] = {
    VIRTIO_PCI_COMMON_DFSELECT,  VIRTIO_PCI_COMMON_DF,
    VIRTIO_PCI_COMMON_GFSELECT,  VIRTIO_PCI_COMMON_GF,
    VIRTIO_PCI_COMMON_MSIX,      VIRTIO_PCI_COMMON_NUMQ,
    VIRTIO_PCI_COMMON_STATUS,    VIRTIO_PCI_COMMON_CFGGENERATION,
    VIRTIO_PCI_COMMON_Q_SELECT,  VIRTIO_PCI_COMMON_Q_SIZE,
    VIRTIO_PCI_COMMON_Q_MSIX,    VIRTIO_PCI_COMMON_Q_ENABLE,
    VIRTIO_PCI_COMMON_Q_NOFF,    VIRTIO_PCI_COMMON_Q_DESCLO,
    VIRTIO_PCI_COMMON_Q_DESCHI,  VIRTIO_PCI_COMMON_Q_AVAILLO,
    VIRTIO_PCI_COMMON_Q_AVAILHI, VIRTIO_PCI_COMMON_Q_USEDLO,
    VIRTIO_PCI_COMMON_Q_USEDHI,
};

/* Reads are byte-exact whatever the access width (a driver may read a
 * 64-bit field in halves or a 16-bit one bytewise). */
static uint64_t common_read(struct virtio_dev *v, unsigned off, unsigned size)
{
	uint64_t val = 0;

	for (unsigned i = 0; i < size; i++) {
		unsigned pos = off + i, start = 0, width;
		uint64_t field;

		for (unsigned k = 0; k < sizeof(common_starts); k++)
			if (common_starts[k] <= pos)
				start = common_starts[k];
		field = common_field(v, start, &width);
		if (pos - start < width)
			val |= ((field >> (8 * (pos - start))) & 0xff) << (8 * i);
	}
	return val;
}

static uint16_t valid_vector(const struct virtio_dev *v, uint64_t val)
{
	return val < v->pci.msix.nvec ? (uint16_t)val : VIRTIO_MSI_NO_VECTOR;
}

static void set_half(uint64_t *field, bool high, uint32_t val)
{
	if (high)
		*field = (*field & 0xffffffffull) | (uint64_t)val << 32;
	else
		*field = (*field & ~0xffffffffull) | val;
}

static void queue_enable(struct virtio_dev *v, struct virtq *q)
{
	if (q->enabled)
		return;
	if (virtq_enable(q, v->mem))
		virtio_needs_reset(v);
}

/* Writes must hit a whole field (64-bit ones as 32-bit halves); other
 * widths are dropped. */
static void common_write(struct virtio_dev *v, unsigned off, unsigned size, uint64_t val)
{
	struct virtq *q = selected(v);
	unsigned width;

	common_field(v, off, &width);
	if (!width || size != width)
		return;
	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT: v->dfselect = (uint32_t)val; break;
	case VIRTIO_PCI_COMMON_GFSELECT: v->gfselect = (uint32_t)val; break;
	case VIRTIO_PCI_COMMON_GF:
		if (v->gfselect < 2 && !(v->status & VIRTIO_STATUS_FEATURES_OK))
			set_half(&v->guest_features, v->gfselect, (uint32_t)val);
		break;
	case VIRTIO_PCI_COMMON_MSIX: v->msix_config = valid_vector(v, val); break;
	case VIRTIO_PCI_COMMON_STATUS: virtio_status_write(v, (uint8_t)val); break;
	case VIRTIO_PCI_COMMON_Q_SELECT: v->queue_sel = (uint16_t)val; break;
	default:
		/* Queue registers: frozen once the queue is enabled. */
		if (!q || q->enabled)
			break;
		switch (off) {
		case VIRTIO_PCI_COMMON_Q_SIZE: q->size = (uint16_t)val; break;
		case VIRTIO_PCI_COMMON_Q_MSIX: q->msix_vector = valid_vector(v, val); break;
		case VIRTIO_PCI_COMMON_Q_ENABLE:
			if (val == 1)
				queue_enable(v, q);
			break;
		case VIRTIO_PCI_COMMON_Q_DESCLO:
		case VIRTIO_PCI_COMMON_Q_DESCHI: set_half(&q->desc, off & 4, (uint32_t)val); break;
		case VIRTIO_PCI_COMMON_Q_AVAILLO:
		case VIRTIO_PCI_COMMON_Q_AVAILHI: set_half(&q->avail, off & 4, (uint32_t)val); break;
		case VIRTIO_PCI_COMMON_Q_USEDLO:
		case VIRTIO_PCI_COMMON_Q_USEDHI: set_half(&q->used, off & 4, (uint32_t)val); break;
		}
	}
}

static uint8_t isr_read(struct virtio_dev *v)
{
	uint8_t isr = v->isr;

	/* Reading acknowledges: the INTx line drops. */
	v->isr = 0;
	hv_pci_set_intx(&v->pci, false);
	return isr;
}

static uint64_t device_cfg_read(struct virtio_dev *v, unsigned off, unsigned size)
{
	uint64_t val = 0;

	for (unsigned i = 0; i < size; i++)
		if (off + i < v->cfg_len)
			val |= (uint64_t)v->cfg[off + i] << (8 * i);
	return val;
}

static void device_cfg_write(struct virtio_dev *v, unsigned off, unsigned size, uint64_t val)
{
	if (off >= v->cfg_len || size > v->cfg_len - off)
		return;
	for (unsigned i = 0; i < size; i++) {
		uint8_t m = v->cfg_wmask[off + i];

		v->cfg[off + i] = (uint8_t)((v->cfg[off + i] & ~m) | ((val >> (8 * i)) & m));
	}
	if (v->ops->cfg_write)
		v->ops->cfg_write(v, off, size, (uint32_t)val);
}

static void notify(struct virtio_dev *v, unsigned off)
{
	unsigned q = off / VIRTIO_PCI_NOTIFY_MULT;

	if (q < v->nqueues && v->vq[q].enabled && virtio_live(v) && v->ops->notify)
		v->ops->notify(v, q);
}

static uint64_t bar_read(void *opaque, unsigned cpu, uint64_t off, unsigned size)
{
	struct virtio_dev *v = opaque;

	(void)cpu;
	if (size > 8)
		return 0;
	if (off < VIRTIO_PCI_COMMON_SIZEOF)
		return common_read(v, (unsigned)off, size);
	if (off == VIRTIO_PCI_ISR_OFF)
		return isr_read(v);
	if (off >= VIRTIO_PCI_DEVICE_OFF && off < VIRTIO_PCI_DEVICE_OFF + VIRTIO_CFG_MAX)
		return device_cfg_read(v, (unsigned)(off - VIRTIO_PCI_DEVICE_OFF), size);
	return 0;
}

static void bar_write(void *opaque, unsigned cpu, uint64_t off, unsigned size, uint64_t val)
{
	struct virtio_dev *v = opaque;

	(void)cpu;
	if (off < VIRTIO_PCI_COMMON_SIZEOF)
		common_write(v, (unsigned)off, size, val);
	else if (off >= VIRTIO_PCI_DEVICE_OFF && off < VIRTIO_PCI_DEVICE_OFF + VIRTIO_CFG_MAX)
		device_cfg_write(v, (unsigned)(off - VIRTIO_PCI_DEVICE_OFF), size, val);
	else if (off >= VIRTIO_PCI_NOTIFY_OFF && off < VIRTIO_PCI_NOTIFY_OFF + VIRTIO_PCI_NOTIFY_MULT * v->nqueues)
		notify(v, (unsigned)(off - VIRTIO_PCI_NOTIFY_OFF));
}

static const struct hv_bus_ops virtio_bar_ops = {.read = bar_read, .write = bar_write};

/* The VIRTIO_PCI_CAP_PCI_CFG window: pci_cfg_data reaches the BAR at the
 * capability's bar/offset/length. Only our virtio BAR and aligned 1, 2 or
 * 4 byte accesses go through; anything else reads as zero. */
static bool window_target(struct virtio_dev *v, uint32_t *off, unsigned *len)
{
	unsigned cap = v->pci_cfg_cap;

	*off = hv_pci_cfg_get32(&v->pci, cap + VIRTIO_PCI_CAP_OFFSET);
	*len = hv_pci_cfg_get32(&v->pci, cap + VIRTIO_PCI_CAP_LENGTH);
	return v->pci.cfg[cap + VIRTIO_PCI_CAP_BAR] == VIRTIO_PCI_BAR && (*len == 1 || *len == 2 || *len == 4) &&
	       *off % *len == 0 && *off < VIRTIO_PCI_BAR_SIZE;
}

static bool pci_cfg_read(struct hv_pci_dev *d, unsigned off, unsigned size, uint32_t *val)
{
	struct virtio_dev *v = d->priv;
	unsigned data = v->pci_cfg_cap + VIRTIO_PCI_CFG_CAP_DATA, len;
	uint32_t boff;

	if (off < data || off + size > data + 4)
		return false;
	*val = 0;
	if (window_target(v, &boff, &len))
		*val = (uint32_t)(bar_read(v, 0, boff, len) >> (8 * (off - data)));
	if (size < 4)
		*val &= (1u << (8 * size)) - 1;
	return true;
}

static void pci_cfg_written(struct hv_pci_dev *d, unsigned off, unsigned size, uint32_t val)
{
	struct virtio_dev *v = d->priv;
	unsigned data = v->pci_cfg_cap + VIRTIO_PCI_CFG_CAP_DATA, len;
	uint32_t boff;

	(void)val;
	if (off != data || !window_target(v, &boff, &len) || size < len)
		return;
	bar_write(v, 0, boff, len, hv_pci_cfg_get32(d, data) & (len == 4 ? ~0u : (1u << (8 * len)) - 1));
}

static int add_virtio_cap(struct virtio_dev *v, uint8_t type, unsigned len, uint32_t off, uint32_t length)
{
	int cap = hv_pci_dev_add_cap(&v->pci, PCI_CAP_ID_VNDR, len);

	if (cap < 0)
		return cap;
	v->pci.cfg[cap + VIRTIO_PCI_CAP_LEN] = (uint8_t)len;
	v->pci.cfg[cap + VIRTIO_PCI_CAP_CFG_TYPE] = type;
	v->pci.cfg[cap + VIRTIO_PCI_CAP_BAR] = VIRTIO_PCI_BAR;
	hv_pci_cfg_set32(&v->pci, (unsigned)cap + VIRTIO_PCI_CAP_OFFSET, off);
	hv_pci_cfg_set32(&v->pci, (unsigned)cap + VIRTIO_PCI_CAP_LENGTH, length);
	return cap;
}

int virtio_pci_setup(struct virtio_dev *v, uint32_t class_code, const char *name)
{
	struct hv_pci_dev *d = &v->pci;
	uint16_t id = (uint16_t)VIRTIO_PCI_MODERN_DEVICE_ID(v->device_id);
	int cap, err;

	hv_pci_dev_init(d, VIRTIO_PCI_VENDOR_ID, id, class_code, VIRTIO_PCI_MODERN_REVISION, VIRTIO_PCI_VENDOR_ID, id,
	                PCI_INTERRUPT_PIN_INTA, name);
	d->priv = v;
	err = hv_pci_dev_set_bar(d, VIRTIO_PCI_MSIX_BAR, HV_PCI_BAR_MEM32, false, VIRTIO_PCI_MSIX_BAR_SIZE, NULL, v);
	if (!err)
		err = hv_pci_dev_set_bar(d, VIRTIO_PCI_BAR, HV_PCI_BAR_MEM64, false, VIRTIO_PCI_BAR_SIZE,
		                         &virtio_bar_ops, v);
	if (err)
		return err;
	cap = add_virtio_cap(v, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_CAP_SIZEOF, VIRTIO_PCI_COMMON_OFF,
	                     VIRTIO_PCI_COMMON_SIZEOF);
	if (cap >= 0) {
		cap = add_virtio_cap(v, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY_CAP_SIZEOF, VIRTIO_PCI_NOTIFY_OFF,
		                     VIRTIO_PCI_NOTIFY_MULT * v->nqueues);
		if (cap >= 0)
			hv_pci_cfg_set32(d, (unsigned)cap + VIRTIO_PCI_NOTIFY_CAP_MULT, VIRTIO_PCI_NOTIFY_MULT);
	}
	if (cap >= 0)
		cap = add_virtio_cap(v, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_CAP_SIZEOF, VIRTIO_PCI_ISR_OFF, 1);
	if (cap >= 0 && v->cfg_len)
		cap = add_virtio_cap(v, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_CAP_SIZEOF, VIRTIO_PCI_DEVICE_OFF,
		                     v->cfg_len);
	if (cap >= 0) {
		cap = add_virtio_cap(v, VIRTIO_PCI_CAP_PCI_CFG, VIRTIO_PCI_CFG_CAP_SIZEOF, 0, 0);
		if (cap >= 0) {
			/* The driver picks bar, offset, length and moves data. */
			v->pci_cfg_cap = (uint8_t)cap;
			d->wmask[cap + VIRTIO_PCI_CAP_BAR] = 0xff;
			memset(&d->wmask[cap + VIRTIO_PCI_CAP_OFFSET], 0xff, 8);
			memset(&d->wmask[cap + VIRTIO_PCI_CFG_CAP_DATA], 0xff, 4);
			d->cfg_read = pci_cfg_read;
			d->cfg_written = pci_cfg_written;
		}
	}
	if (cap < 0)
		return cap;
	return hv_pci_msix_init(d, v->nqueues + 1, VIRTIO_PCI_MSIX_BAR, VIRTIO_PCI_MSIX_TABLE, VIRTIO_PCI_MSIX_PBA);
}

int virtio_pci_add(struct hv_pci_host *h, struct virtio_dev *v)
{
	int slot = hv_pci_add(h, &v->pci);

	return slot < 0 ? slot : 0;
}

void virtio_pci_remove(struct virtio_dev *v)
{
	if (v->pci.host)
		hv_pci_remove(v->pci.host, &v->pci);
}
