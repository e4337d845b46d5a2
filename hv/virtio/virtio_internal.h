/* Shared between the virtio device core and its PCI transport. */
#ifndef HV_VIRTIO_INTERNAL_H
#define HV_VIRTIO_INTERNAL_H
#include <hv/dev/virtio.h>

/* The driver wrote the device status register. */
void virtio_status_write(struct virtio_dev *v, uint8_t val);
#endif
