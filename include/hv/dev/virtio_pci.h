/* Virtio over PCI, modern (virtio 1.x, non-transitional): device ID
 * 0x1040 + virtio ID, revision 1.
 *
 * BAR 0 (32-bit memory, 4 KiB): MSI-X table at 0, PBA at 0x800.
 * BAR 2 (64-bit memory, 16 KiB): the virtio structures, one page each:
 *   0x0000 common config, 0x1000 ISR, 0x2000 device config,
 *   0x3000 notify: queue n at 0x3000 + 4n (notify_off n, multiplier 4).
 * Capabilities: common, notify, ISR, device, PCI cfg window, MSI-X. */
#ifndef HV_DEV_VIRTIO_PCI_H
#define HV_DEV_VIRTIO_PCI_H
#include <hv/dev/virtio.h>

#define VIRTIO_PCI_MSIX_BAR      0
#define VIRTIO_PCI_MSIX_BAR_SIZE 0x1000
#define VIRTIO_PCI_MSIX_TABLE    0x000
#define VIRTIO_PCI_MSIX_PBA      0x800
#define VIRTIO_PCI_BAR           2
#define VIRTIO_PCI_BAR_SIZE      0x4000
#define VIRTIO_PCI_COMMON_OFF    0x0000
#define VIRTIO_PCI_ISR_OFF       0x1000
#define VIRTIO_PCI_DEVICE_OFF    0x2000
#define VIRTIO_PCI_NOTIFY_OFF    0x3000
#define VIRTIO_PCI_NOTIFY_MULT   4

/* Adds the device to the bus (slot and BARs assigned). */
int virtio_pci_add(struct hv_pci_host *h, struct virtio_dev *v);
void virtio_pci_remove(struct virtio_dev *v);
/* Set up the PCI side (called by virtio_dev_init). */
int virtio_pci_setup(struct virtio_dev *v, uint32_t class_code, const char *name);
#endif
