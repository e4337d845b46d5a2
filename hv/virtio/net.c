/* virtio-net: transmit chains are header + frame, sent to the backend from
 * a bounce buffer; received frames go into one posted receive chain each,
 * behind a zeroed header. */
#include <hv/dev/virtio_net.h>
#include <hv/dev/virtio_pci.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>

#define NET_CFG_LEN   8  /* mac, status */
#define NET_MIN_FRAME 14 /* an Ethernet header */

struct virtio_net {
	struct virtio_dev v;
	const struct hv_frame_backend *be;
	uint8_t *bounce; /* one frame */
	uint64_t tx_dropped, rx_dropped;
};

static void tx(struct virtio_net *n)
{
	struct virtio_dev *v = &n->v;
	struct virtq *q = &v->vq[VIRTIO_NET_TXQ];
	bool pushed = false;
	int r;

	for (unsigned i = 0; i < q->size && virtio_live(v); i++) {
		struct virtq_chain *c = v->chain;
		uint64_t len;

		r = virtq_pop(q, v->mem, c);
		if (r == 0)
			break;
		if (r < 0 || c->out_len < VIRTIO_NET_HDR_SIZE) {
			virtio_needs_reset(v);
			break;
		}
		len = c->out_len - VIRTIO_NET_HDR_SIZE;
		/* A frame no wire carries is dropped, as a NIC would. */
		if (len < NET_MIN_FRAME || len > VIRTIO_NET_MAX_FRAME ||
		    virtq_chain_read(v->mem, c, VIRTIO_NET_HDR_SIZE, n->bounce, len) ||
		    n->be->send(n->be->ctx, n->bounce, len))
			n->tx_dropped++;
		if (virtq_push(q, v->mem, c->head, 0)) {
			virtio_needs_reset(v);
			break;
		}
		pushed = true;
	}
	if (pushed)
		virtio_queue_interrupt(v, VIRTIO_NET_TXQ);
}

static void net_notify(struct virtio_dev *v, unsigned q)
{
	/* Receive buffers are used when frames arrive. */
	if (q == VIRTIO_NET_TXQ)
		tx(v->priv);
}

static const struct virtio_dev_ops net_ops = {.notify = net_notify};

int virtio_net_receive(struct virtio_net *n, const void *frame, size_t len)
{
	struct virtio_dev *v = &n->v;
	struct virtq *q = &v->vq[VIRTIO_NET_RXQ];
	uint8_t hdr[VIRTIO_NET_HDR_SIZE] = {0};
	struct virtq_chain *c = v->chain;
	int r;

	if (len > VIRTIO_NET_MAX_FRAME) {
		n->rx_dropped++;
		return -EMSGSIZE;
	}
	if (!virtio_live(v) || !q->enabled)
		return -EAGAIN;
	r = virtq_pop(q, v->mem, c);
	if (r == 0)
		return -EAGAIN;
	if (r < 0 || c->nout || !c->nin) {
		virtio_needs_reset(v);
		return -EAGAIN;
	}
	if (c->in_len < VIRTIO_NET_HDR_SIZE + len) {
		/* Too small for this frame: hand the buffer back unused. */
		n->rx_dropped++;
		if (virtq_push(q, v->mem, c->head, 0))
			virtio_needs_reset(v);
		virtio_queue_interrupt(v, VIRTIO_NET_RXQ);
		return -EMSGSIZE;
	}
	hdr[10] = 1; /* num_buffers */
	if (virtq_chain_write(v->mem, c, 0, hdr, sizeof(hdr)) ||
	    virtq_chain_write(v->mem, c, sizeof(hdr), frame, len) ||
	    virtq_push(q, v->mem, c->head, (uint32_t)(sizeof(hdr) + len))) {
		virtio_needs_reset(v);
		return -EAGAIN;
	}
	virtio_queue_interrupt(v, VIRTIO_NET_RXQ);
	return 0;
}

void virtio_net_set_link(struct virtio_net *n, bool up)
{
	virtio_cfg_set16(&n->v, VIRTIO_NET_CFG_STATUS, up ? VIRTIO_NET_S_LINK_UP : 0);
	virtio_config_changed(&n->v);
}

int virtio_net_create(struct hv_pci_host *h, struct gmem *m, const struct hv_frame_backend *be, struct virtio_net **out)
{
	uint64_t features = VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS);
	struct virtio_net *n;
	int err;

	if (!be || !be->send)
		return -EINVAL;
	n = kzalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->bounce = kmalloc(VIRTIO_NET_MAX_FRAME);
	err = n->bounce ? 0 : -ENOMEM;
	if (!err)
		err = virtio_dev_init(&n->v, VIRTIO_ID_NET, PCI_CLASS_NETWORK_ETHERNET, 2, VIRTIO_NET_QUEUE_SIZE,
		                      features, NET_CFG_LEN, &net_ops, m, "virtio-net");
	if (err) {
		kfree(n->bounce);
		kfree(n);
		return err;
	}
	n->v.priv = n;
	n->be = be;
	memcpy(&n->v.cfg[VIRTIO_NET_CFG_MAC], be->mac, 6);
	virtio_cfg_set16(&n->v, VIRTIO_NET_CFG_STATUS, VIRTIO_NET_S_LINK_UP);
	err = virtio_pci_add(h, &n->v);
	if (err) {
		virtio_net_destroy(n);
		return err;
	}
	*out = n;
	return 0;
}

void virtio_net_destroy(struct virtio_net *n)
{
	if (!n)
		return;
	virtio_dev_fini(&n->v);
	kfree(n->bounce);
	kfree(n);
}

struct hv_pci_dev *virtio_net_pci(struct virtio_net *n)
{
	return &n->v.pci;
}
