/* virtio-blk (virtio 1.x 5.2) over PCI on an hv_blk_backend: one request
 * queue; IN, OUT, FLUSH (with a backend flush), GET_ID; read-only backends
 * offer VIRTIO_BLK_F_RO and fail writes with IOERR; requests past the end
 * get IOERR, unknown types UNSUPP. Requests run synchronously when the
 * driver notifies (the caller holds the VM's device mutex). */
#ifndef HV_DEV_VIRTIO_BLK_H
#define HV_DEV_VIRTIO_BLK_H
#include <hv/dev/backends.h>
#include <hv/dev/pci.h>
#include <hv/gmem.h>

#define VIRTIO_BLK_QUEUE_SIZE 256
#define VIRTIO_BLK_SIZE_MAX   (1u << 20) /* bytes in one segment */
#define VIRTIO_BLK_SERIAL     "macrohard-vblk"

struct virtio_blk;

/* Creates the device and adds it to `h` (slot and BARs assigned). The
 * backend must outlive the device. */
int virtio_blk_create(struct hv_pci_host *h, struct gmem *m, const struct hv_blk_backend *be, struct virtio_blk **out);
void virtio_blk_destroy(struct virtio_blk *b);
struct hv_pci_dev *virtio_blk_pci(struct virtio_blk *b);
#endif
