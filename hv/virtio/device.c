/* The transport-independent part of a virtio 1.x device: feature
 * negotiation, the device status state machine, reset and interrupts. */
#include "virtio_internal.h"
#include <hv/dev/virtio_pci.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>

/* Features every device here offers on top of its own. */
#define VIRTIO_COMMON_FEATURES                                                                                         \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX))

static void reset_state(struct virtio_dev *v)
{
	v->guest_features = 0;
	v->dfselect = v->gfselect = 0;
	v->msix_config = VIRTIO_MSI_NO_VECTOR;
	v->status = 0;
	v->isr = 0;
	v->queue_sel = 0;
	for (unsigned i = 0; i < v->nqueues; i++)
		virtq_reset(&v->vq[i], v->vq[i].max_size);
	hv_pci_set_intx(&v->pci, false);
}

int virtio_dev_init(struct virtio_dev *v, unsigned device_id, uint32_t class_code, unsigned nqueues, uint16_t qsize,
                    uint64_t features, unsigned cfg_len, const struct virtio_dev_ops *ops, struct gmem *m,
                    const char *name)
{
	int err;

	if (!nqueues || nqueues > VIRTIO_MAX_QUEUES || !qsize || qsize > VIRTQ_MAX_SIZE || (qsize & (qsize - 1)) ||
	    cfg_len > VIRTIO_CFG_MAX)
		return -EINVAL;
	memset(v, 0, sizeof(*v));
	v->chain = kmalloc(sizeof(*v->chain));
	if (!v->chain)
		return -ENOMEM;
	v->mem = m;
	v->ops = ops;
	v->device_id = device_id;
	v->host_features = features | VIRTIO_COMMON_FEATURES;
	v->nqueues = nqueues;
	v->cfg_len = cfg_len;
	for (unsigned i = 0; i < nqueues; i++)
		virtq_reset(&v->vq[i], qsize);
	err = virtio_pci_setup(v, class_code, name);
	if (err) {
		kfree(v->chain);
		v->chain = NULL;
		return err;
	}
	reset_state(v);
	return 0;
}

void virtio_dev_fini(struct virtio_dev *v)
{
	virtio_pci_remove(v);
	kfree(v->chain);
	v->chain = NULL;
}

bool virtio_has_feature(const struct virtio_dev *v, unsigned bit)
{
	return bit < 64 && (v->guest_features & VIRTIO_BIT(bit));
}

bool virtio_live(const struct virtio_dev *v)
{
	return (v->status & VIRTIO_STATUS_DRIVER_OK) && !(v->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

static void raise(struct virtio_dev *v, uint16_t vector, uint8_t isr_bit)
{
	if (hv_pci_msix_enabled(&v->pci)) {
		if (vector != VIRTIO_MSI_NO_VECTOR)
			hv_pci_msix_notify(&v->pci, vector);
		return;
	}
	v->isr |= isr_bit;
	hv_pci_set_intx(&v->pci, true);
}

void virtio_queue_interrupt(struct virtio_dev *v, unsigned q)
{
	if (q < v->nqueues && virtq_need_interrupt(&v->vq[q], v->mem))
		raise(v, v->vq[q].msix_vector, VIRTIO_PCI_ISR_QUEUE);
}

void virtio_config_changed(struct virtio_dev *v)
{
	v->generation++;
	if (v->status & VIRTIO_STATUS_DRIVER_OK)
		raise(v, v->msix_config, VIRTIO_PCI_ISR_CONFIG);
}

void virtio_needs_reset(struct virtio_dev *v)
{
	v->violations++;
	if (v->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		return;
	v->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	/* The driver learns about it through a config change interrupt. */
	v->generation++;
	raise(v, v->msix_config, VIRTIO_PCI_ISR_CONFIG);
}

/* FEATURES_OK is accepted only for a subset of what was offered that
 * includes VERSION_1 (no legacy interface here). */
static bool features_acceptable(const struct virtio_dev *v)
{
	return !(v->guest_features & ~v->host_features) && (v->guest_features & VIRTIO_BIT(VIRTIO_F_VERSION_1));
}

void virtio_status_write(struct virtio_dev *v, uint8_t val)
{
	uint8_t old = v->status, set;

	if (val == 0) {
		reset_state(v);
		if (v->ops->reset)
			v->ops->reset(v);
		return;
	}
	/* Only a reset clears bits; the device owns DEVICE_NEEDS_RESET. */
	val = (uint8_t)((val & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET) | (old & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
	if (old & ~val)
		return;
	set = val & ~old;
	if (set & VIRTIO_STATUS_FEATURES_OK) {
		if (!features_acceptable(v)) {
			val &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
		} else {
			for (unsigned i = 0; i < v->nqueues; i++) {
				v->vq[i].indirect = virtio_has_feature(v, VIRTIO_F_INDIRECT_DESC);
				v->vq[i].event_idx = virtio_has_feature(v, VIRTIO_F_EVENT_IDX);
			}
		}
	}
	/* DRIVER_OK needs negotiated features. */
	if ((set & VIRTIO_STATUS_DRIVER_OK) && !(val & VIRTIO_STATUS_FEATURES_OK))
		val &= (uint8_t)~VIRTIO_STATUS_DRIVER_OK;
	v->status = val;
	/* Buffers made available before DRIVER_OK are looked at now. */
	if ((val & ~old & VIRTIO_STATUS_DRIVER_OK) && v->ops->notify)
		for (unsigned i = 0; i < v->nqueues && virtio_live(v); i++)
			if (v->vq[i].enabled)
				v->ops->notify(v, i);
}
