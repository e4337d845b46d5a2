/* virtio-console, one port: transmit chains go to the backend through a
 * bounce buffer; input fills posted receive chains. */
#include <hv/dev/virtio_console.h>
#include <hv/dev/virtio_pci.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>

#define CONSOLE_CFG_LEN 12 /* cols, rows, max_nr_ports, emerg_wr */
#define CONSOLE_BOUNCE  4096

struct virtio_console {
	struct virtio_dev v;
	const struct hv_chr_backend *be;
	uint8_t bounce[CONSOLE_BOUNCE];
};

static void tx(struct virtio_console *con)
{
	struct virtio_dev *v = &con->v;
	struct virtq *q = &v->vq[VIRTIO_CONSOLE_TXQ];
	struct virtq_chain *c = v->chain;
	bool pushed = false;
	int r;

	for (unsigned i = 0; i < q->size && virtio_live(v); i++) {
		r = virtq_pop(q, v->mem, c);
		if (r == 0)
			break;
		if (r < 0) {
			virtio_needs_reset(v);
			break;
		}
		for (uint64_t done = 0; done < c->out_len;) {
			uint64_t n = c->out_len - done < CONSOLE_BOUNCE ? c->out_len - done : CONSOLE_BOUNCE;

			if (virtq_chain_read(v->mem, c, done, con->bounce, n))
				break;
			con->be->write(con->be->ctx, con->bounce, n);
			done += n;
		}
		if (virtq_push(q, v->mem, c->head, 0)) {
			virtio_needs_reset(v);
			break;
		}
		pushed = true;
	}
	if (pushed)
		virtio_queue_interrupt(v, VIRTIO_CONSOLE_TXQ);
}

static void console_notify(struct virtio_dev *v, unsigned q)
{
	if (q == VIRTIO_CONSOLE_TXQ)
		tx(v->priv);
}

static void console_cfg_write(struct virtio_dev *v, unsigned off, unsigned size, uint32_t val)
{
	struct virtio_console *con = v->priv;
	uint8_t byte = (uint8_t)val;

	if (off == VIRTIO_CONSOLE_CFG_EMERG_WR && size == 4 && virtio_has_feature(v, VIRTIO_CONSOLE_F_EMERG_WRITE))
		con->be->write(con->be->ctx, &byte, 1);
}

static const struct virtio_dev_ops console_ops = {.notify = console_notify, .cfg_write = console_cfg_write};

size_t virtio_console_receive(struct virtio_console *con, const void *buf, size_t len)
{
	struct virtio_dev *v = &con->v;
	struct virtq *q = &v->vq[VIRTIO_CONSOLE_RXQ];
	struct virtq_chain *c = v->chain;
	const uint8_t *p = buf;
	size_t done = 0;
	int r;

	for (unsigned i = 0; i < q->size && done < len && virtio_live(v) && q->enabled; i++) {
		uint64_t n;

		r = virtq_pop(q, v->mem, c);
		if (r == 0)
			break;
		if (r < 0 || c->nout || !c->in_len) {
			virtio_needs_reset(v);
			break;
		}
		n = len - done < c->in_len ? len - done : c->in_len;
		if (virtq_chain_write(v->mem, c, 0, p + done, n) || virtq_push(q, v->mem, c->head, (uint32_t)n)) {
			virtio_needs_reset(v);
			break;
		}
		done += n;
	}
	if (done)
		virtio_queue_interrupt(v, VIRTIO_CONSOLE_RXQ);
	return done;
}

int virtio_console_create(struct hv_pci_host *h, struct gmem *m, const struct hv_chr_backend *be,
                          struct virtio_console **out)
{
	struct virtio_console *con;
	int err;

	if (!be || !be->write)
		return -EINVAL;
	con = kzalloc(sizeof(*con));
	if (!con)
		return -ENOMEM;
	err = virtio_dev_init(&con->v, VIRTIO_ID_CONSOLE, PCI_CLASS_COMM_OTHER, 2, VIRTIO_CONSOLE_QUEUE_SIZE,
	                      VIRTIO_BIT(VIRTIO_CONSOLE_F_EMERG_WRITE), CONSOLE_CFG_LEN, &console_ops, m,
	                      "virtio-console");
	if (err) {
		kfree(con);
		return err;
	}
	con->v.priv = con;
	con->be = be;
	virtio_cfg_set32(&con->v, VIRTIO_CONSOLE_CFG_MAX_PORTS, 1);
	err = virtio_pci_add(h, &con->v);
	if (err) {
		virtio_console_destroy(con);
		return err;
	}
	*out = con;
	return 0;
}

void virtio_console_destroy(struct virtio_console *con)
{
	if (!con)
		return;
	virtio_dev_fini(&con->v);
	kfree(con);
}

struct hv_pci_dev *virtio_console_pci(struct virtio_console *con)
{
	return &con->v.pci;
}
