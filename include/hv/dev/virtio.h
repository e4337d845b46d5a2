/* A virtio 1.x device as its model sees it, independent of the device type:
 * feature bits, status, queues, device config bytes, interrupts. The PCI
 * transport (virtio_pci.h) exposes it to the guest; device models (blk, net,
 * console) fill in the ops and the config bytes. */
#ifndef HV_DEV_VIRTIO_H
#define HV_DEV_VIRTIO_H
#include <hv/dev/pci.h>
#include <hv/dev/virtqueue.h>
#include <hv/gmem.h>
#include <kern/abi/virtio.h>

#define VIRTIO_MAX_QUEUES 4
#define VIRTIO_CFG_MAX    64 /* device config bytes */

struct virtio_dev;

struct virtio_dev_ops {
	/* The driver notified queue `q` (enabled, device live). */
	void (*notify)(struct virtio_dev *v, unsigned q);
	/* A driver write to the device config (bytes already stored if the
	 * device made them writable through cfg_wmask). May be NULL. */
	void (*cfg_write)(struct virtio_dev *v, unsigned off, unsigned size, uint32_t val);
	/* The device was reset (by the driver writing 0 to status). */
	void (*reset)(struct virtio_dev *v);
};

struct virtio_dev {
	struct hv_pci_dev pci;
	struct gmem *mem;
	const struct virtio_dev_ops *ops;
	unsigned device_id;
	uint64_t host_features, guest_features;
	uint32_t dfselect, gfselect;
	uint16_t msix_config;
	uint8_t status, isr, generation;
	uint16_t queue_sel;
	unsigned nqueues;
	struct virtq vq[VIRTIO_MAX_QUEUES];
	uint8_t cfg[VIRTIO_CFG_MAX], cfg_wmask[VIRTIO_CFG_MAX];
	unsigned cfg_len;
	uint8_t pci_cfg_cap;       /* VIRTIO_PCI_CAP_PCI_CFG offset */
	struct virtq_chain *chain; /* scratch for the queue being processed */
	uint64_t violations;       /* times the driver broke the rules */
	void *priv;
};

/* Builds the PCI function (IDs, BARs, capabilities, MSI-X with one vector
 * per queue plus one for config). VIRTIO_F_VERSION_1 is always offered,
 * INDIRECT_DESC and EVENT_IDX too. */
int virtio_dev_init(struct virtio_dev *v, unsigned device_id, uint32_t class_code, unsigned nqueues, uint16_t qsize,
                    uint64_t features, unsigned cfg_len, const struct virtio_dev_ops *ops, struct gmem *m,
                    const char *name);
void virtio_dev_fini(struct virtio_dev *v);

bool virtio_has_feature(const struct virtio_dev *v, unsigned bit);
/* DRIVER_OK set and no reset pending: queues may be processed. */
bool virtio_live(const struct virtio_dev *v);
/* The driver broke the rules: DEVICE_NEEDS_RESET and a config interrupt;
 * nothing is processed until the driver resets the device. */
void virtio_needs_reset(struct virtio_dev *v);
/* Interrupts the driver for queue `q` if it wants one. */
void virtio_queue_interrupt(struct virtio_dev *v, unsigned q);
/* Device config changed: bumps config_generation and interrupts. */
void virtio_config_changed(struct virtio_dev *v);

/* Little-endian helpers for the device config bytes. */
static inline void virtio_cfg_set16(struct virtio_dev *v, unsigned off, uint16_t x)
{
	v->cfg[off] = (uint8_t)x;
	v->cfg[off + 1] = (uint8_t)(x >> 8);
}

static inline void virtio_cfg_set32(struct virtio_dev *v, unsigned off, uint32_t x)
{
	virtio_cfg_set16(v, off, (uint16_t)x);
	virtio_cfg_set16(v, off + 2, (uint16_t)(x >> 16));
}

static inline void virtio_cfg_set64(struct virtio_dev *v, unsigned off, uint64_t x)
{
	virtio_cfg_set32(v, off, (uint32_t)x);
	virtio_cfg_set32(v, off + 4, (uint32_t)(x >> 32));
}
#endif
