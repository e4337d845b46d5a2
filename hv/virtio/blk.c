/* virtio-blk: requests are a 16-byte header (type, reserved, sector), the
 * data, and one status byte at the very end of the device-writable part.
 * Data moves through a bounce buffer so the backend never sees a guest
 * address. */
#include <hv/dev/virtio_blk.h>
#include <hv/dev/virtio_pci.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>

#define BLK_BOUNCE  (64u << 10)
#define BLK_CFG_LEN 24 /* through blk_size */

struct virtio_blk {
	struct virtio_dev v;
	const struct hv_blk_backend *be;
	uint8_t *bounce;
};

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Byte offset and length of a data transfer, or false if it does not fit
 * the disk (overflow included). */
static bool disk_range(const struct virtio_blk *b, uint64_t sector, uint64_t len, uint64_t *off)
{
	if (len % VIRTIO_BLK_SECTOR_SIZE || sector > b->be->size / VIRTIO_BLK_SECTOR_SIZE)
		return false;
	*off = sector * VIRTIO_BLK_SECTOR_SIZE;
	return len <= b->be->size - *off;
}

static uint8_t do_read(struct virtio_blk *b, const struct virtq_chain *c, uint64_t sector, uint64_t len,
                       uint32_t *written)
{
	uint64_t off, done = 0;

	if (!disk_range(b, sector, len, &off))
		return VIRTIO_BLK_S_IOERR;
	while (done < len) {
		size_t n = len - done > BLK_BOUNCE ? BLK_BOUNCE : (size_t)(len - done);

		if (b->be->read(b->be->ctx, off + done, b->bounce, n))
			return VIRTIO_BLK_S_IOERR;
		if (virtq_chain_write(b->v.mem, c, done, b->bounce, n))
			return VIRTIO_BLK_S_IOERR;
		done += n;
		*written = (uint32_t)done;
	}
	return VIRTIO_BLK_S_OK;
}

static uint8_t do_write(struct virtio_blk *b, const struct virtq_chain *c, uint64_t sector, uint64_t len)
{
	uint64_t off, done = 0;

	if (b->be->read_only)
		return VIRTIO_BLK_S_IOERR;
	if (!disk_range(b, sector, len, &off))
		return VIRTIO_BLK_S_IOERR;
	while (done < len) {
		size_t n = len - done > BLK_BOUNCE ? BLK_BOUNCE : (size_t)(len - done);

		if (virtq_chain_read(b->v.mem, c, VIRTIO_BLK_REQ_HDR_SIZE + done, b->bounce, n))
			return VIRTIO_BLK_S_IOERR;
		if (b->be->write(b->be->ctx, off + done, b->bounce, n))
			return VIRTIO_BLK_S_IOERR;
		done += n;
	}
	return VIRTIO_BLK_S_OK;
}

static uint8_t do_get_id(struct virtio_blk *b, const struct virtq_chain *c, uint64_t len, uint32_t *written)
{
	char id[VIRTIO_BLK_ID_BYTES] = {0};
	uint64_t n = len < sizeof(id) ? len : sizeof(id);

	/* Not NUL-terminated when it fills all 20 bytes, as the spec says. */
	kstrlcpy(id, VIRTIO_BLK_SERIAL, sizeof(id));
	if (virtq_chain_write(b->v.mem, c, 0, id, n))
		return VIRTIO_BLK_S_IOERR;
	*written = (uint32_t)n;
	return VIRTIO_BLK_S_OK;
}

/* One request; false if the chain cannot be a request at all. */
static bool handle(struct virtio_blk *b, const struct virtq_chain *c, uint32_t *used_len)
{
	uint8_t hdr[VIRTIO_BLK_REQ_HDR_SIZE], status;
	uint64_t sector, data_in, data_out;
	uint32_t written = 0;

	if (c->out_len < sizeof(hdr) || c->in_len < 1 || virtq_chain_read(b->v.mem, c, 0, hdr, sizeof(hdr)))
		return false;
	sector = le32(hdr + 8) | (uint64_t)le32(hdr + 12) << 32;
	data_in = c->in_len - 1;
	data_out = c->out_len - sizeof(hdr);
	switch (le32(hdr)) {
	case VIRTIO_BLK_T_IN: status = do_read(b, c, sector, data_in, &written); break;
	case VIRTIO_BLK_T_OUT: status = do_write(b, c, sector, data_out); break;
	case VIRTIO_BLK_T_FLUSH:
		if (!virtio_has_feature(&b->v, VIRTIO_BLK_F_FLUSH))
			status = VIRTIO_BLK_S_UNSUPP;
		else
			status = b->be->flush(b->be->ctx) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_GET_ID: status = do_get_id(b, c, data_in, &written); break;
	default: status = VIRTIO_BLK_S_UNSUPP; break;
	}
	if (virtq_chain_write(b->v.mem, c, c->in_len - 1, &status, 1))
		return false;
	*used_len = written + 1;
	return true;
}

static void blk_notify(struct virtio_dev *v, unsigned qi)
{
	struct virtio_blk *b = v->priv;
	struct virtq *q = &v->vq[qi];
	bool pushed = false;
	int r;

	/* At most one ring's worth per kick: a driver refilling as fast as we
	 * drain cannot keep the host here. */
	for (unsigned n = 0; n < q->size && virtio_live(v); n++) {
		uint32_t used_len;

		r = virtq_pop(q, v->mem, v->chain);
		if (r == 0)
			break;
		if (r < 0 || !handle(b, v->chain, &used_len) || virtq_push(q, v->mem, v->chain->head, used_len)) {
			virtio_needs_reset(v);
			break;
		}
		pushed = true;
	}
	if (pushed)
		virtio_queue_interrupt(v, qi);
}

static const struct virtio_dev_ops blk_ops = {.notify = blk_notify};

int virtio_blk_create(struct hv_pci_host *h, struct gmem *m, const struct hv_blk_backend *be, struct virtio_blk **out)
{
	uint64_t features =
	    VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE);
	struct virtio_blk *b;
	int err;

	if (!be || !be->read || (!be->read_only && !be->write))
		return -EINVAL;
	if (be->flush)
		features |= VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
	if (be->read_only)
		features |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
	b = kzalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->bounce = kmalloc(BLK_BOUNCE);
	err = b->bounce ? 0 : -ENOMEM;
	if (!err)
		err = virtio_dev_init(&b->v, VIRTIO_ID_BLOCK, PCI_CLASS_STORAGE_OTHER, 1, VIRTIO_BLK_QUEUE_SIZE,
		                      features, BLK_CFG_LEN, &blk_ops, m, "virtio-blk");
	if (err) {
		kfree(b->bounce);
		kfree(b);
		return err;
	}
	b->v.priv = b;
	b->be = be;
	virtio_cfg_set64(&b->v, VIRTIO_BLK_CFG_CAPACITY, be->size / VIRTIO_BLK_SECTOR_SIZE);
	virtio_cfg_set32(&b->v, VIRTIO_BLK_CFG_SIZE_MAX, VIRTIO_BLK_SIZE_MAX);
	virtio_cfg_set32(&b->v, VIRTIO_BLK_CFG_SEG_MAX, VIRTIO_BLK_QUEUE_SIZE - 2);
	virtio_cfg_set32(&b->v, VIRTIO_BLK_CFG_BLK_SIZE, VIRTIO_BLK_SECTOR_SIZE);
	err = virtio_pci_add(h, &b->v);
	if (err) {
		virtio_blk_destroy(b);
		return err;
	}
	*out = b;
	return 0;
}

void virtio_blk_destroy(struct virtio_blk *b)
{
	if (!b)
		return;
	virtio_dev_fini(&b->v);
	kfree(b->bounce);
	kfree(b);
}

struct hv_pci_dev *virtio_blk_pci(struct virtio_blk *b)
{
	return &b->v.pci;
}
