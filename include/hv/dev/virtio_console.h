/* virtio-console (virtio 1.x 5.3) over PCI on an hv_chr_backend: one port,
 * receiveq 0 and transmitq 1, no multiport. Offers
 * VIRTIO_CONSOLE_F_EMERG_WRITE (a byte written to emerg_wr goes straight
 * to the backend, usable before the queues are up). */
#ifndef HV_DEV_VIRTIO_CONSOLE_H
#define HV_DEV_VIRTIO_CONSOLE_H
#include <hv/dev/backends.h>
#include <hv/dev/pci.h>
#include <hv/gmem.h>

#define VIRTIO_CONSOLE_QUEUE_SIZE 64
#define VIRTIO_CONSOLE_RXQ        0
#define VIRTIO_CONSOLE_TXQ        1

struct virtio_console;

int virtio_console_create(struct hv_pci_host *h, struct gmem *m, const struct hv_chr_backend *be,
                          struct virtio_console **out);
void virtio_console_destroy(struct virtio_console *c);
struct hv_pci_dev *virtio_console_pci(struct virtio_console *c);
/* Hands input bytes to the guest; returns how many were taken (0 when the
 * driver has no receive buffer posted: the owner offers the rest later). */
size_t virtio_console_receive(struct virtio_console *c, const void *buf, size_t len);
#endif
