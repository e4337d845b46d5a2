/* virtio-net (virtio 1.x 5.1) over PCI on an hv_frame_backend: receiveq 0,
 * transmitq 1, no control queue, no offloads. Offers VIRTIO_NET_F_MAC (the
 * backend's address) and VIRTIO_NET_F_STATUS (link up). Every buffer
 * starts with the 12-byte virtio_net_hdr; a received frame must fit one
 * receive chain (mergeable receive buffers are not offered). */
#ifndef HV_DEV_VIRTIO_NET_H
#define HV_DEV_VIRTIO_NET_H
#include <hv/dev/backends.h>
#include <hv/dev/pci.h>
#include <hv/gmem.h>

#define VIRTIO_NET_QUEUE_SIZE 256
#define VIRTIO_NET_RXQ        0
#define VIRTIO_NET_TXQ        1
#define VIRTIO_NET_MAX_FRAME  65535 /* bytes after the header */

struct virtio_net;

int virtio_net_create(struct hv_pci_host *h, struct gmem *m, const struct hv_frame_backend *be,
                      struct virtio_net **out);
void virtio_net_destroy(struct virtio_net *n);
struct hv_pci_dev *virtio_net_pci(struct virtio_net *n);
/* Hands a frame from the wire to the guest. 0: delivered; -EAGAIN: the
 * driver is not running or has no receive buffer posted (the owner keeps
 * or drops the frame); -EMSGSIZE: the posted buffer is too small or the
 * frame too large (dropped). */
int virtio_net_receive(struct virtio_net *n, const void *frame, size_t len);
/* Link state as the status config field shows it (a config interrupt). */
void virtio_net_set_link(struct virtio_net *n, bool up);
#endif
