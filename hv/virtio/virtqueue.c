/* Split virtqueue processing with every guest-controlled value checked. */
#include <hv/dev/virtqueue.h>
#include <kern/errno.h>
#include <kern/string.h>

static uint64_t avail_bytes(uint16_t size)
{
	return 6 + 2ull * size; /* flags, idx, ring[size], used_event */
}

static uint64_t used_bytes(uint16_t size)
{
	return 6 + 8ull * size; /* flags, idx, ring[size], avail_event */
}

void virtq_reset(struct virtq *q, uint16_t max_size)
{
	memset(q, 0, sizeof(*q));
	q->max_size = max_size;
	q->size = max_size;
	q->msix_vector = VIRTIO_MSI_NO_VECTOR;
}

/* Every byte of [gpa, gpa+len) is RAM (ROM too for a read). */
static bool in_ram(const struct gmem *m, uint64_t gpa, uint64_t len, bool write)
{
	if (len && gpa + (len - 1) < gpa)
		return false;
	while (len) {
		const struct gmem_region *r = gmem_find(m, gpa);
		uint64_t n;

		if (!r || r->kind == GMEM_MMIO || (write && r->kind != GMEM_RAM))
			return false;
		n = r->size - (gpa - r->gpa);
		if (n > len)
			n = len;
		gpa += n;
		len -= n;
	}
	return true;
}

int virtq_enable(struct virtq *q, struct gmem *m)
{
	uint16_t n = q->size;

	if (!n || (n & (n - 1)) || n > q->max_size)
		return -EINVAL;
	if (q->desc % VIRTQ_DESC_ALIGN || q->avail % VIRTQ_AVAIL_ALIGN || q->used % VIRTQ_USED_ALIGN)
		return -EINVAL;
	if (!in_ram(m, q->desc, (uint64_t)VIRTQ_DESC_SIZE * n, false) || !in_ram(m, q->avail, avail_bytes(n), false) ||
	    !in_ram(m, q->used, used_bytes(n), true))
		return -EINVAL;
	q->last_avail = 0;
	q->used_idx = 0;
	q->signalled_valid = false;
	q->enabled = true;
	return 0;
}

static int read16(const struct gmem *m, uint64_t gpa, uint16_t *v)
{
	uint8_t b[2];

	if (gmem_read(m, gpa, b, 2))
		return -EFAULT;
	*v = (uint16_t)(b[0] | b[1] << 8);
	return 0;
}

static int write16(struct gmem *m, uint64_t gpa, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	return gmem_write(m, gpa, b, 2);
}

static int write32(struct gmem *m, uint64_t gpa, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

	return gmem_write(m, gpa, b, 4);
}

static int read_desc(const struct gmem *m, uint64_t table, uint32_t idx, struct virtq_desc *d)
{
	uint8_t b[VIRTQ_DESC_SIZE];

	if (gmem_read(m, table + (uint64_t)idx * VIRTQ_DESC_SIZE, b, sizeof(b)))
		return -EFAULT;
	d->addr = 0;
	for (int i = 7; i >= 0; i--)
		d->addr = d->addr << 8 | b[i];
	d->len = b[8] | (uint32_t)b[9] << 8 | (uint32_t)b[10] << 16 | (uint32_t)b[11] << 24;
	d->flags = (uint16_t)(b[12] | b[13] << 8);
	d->next = (uint16_t)(b[14] | b[15] << 8);
	return 0;
}

/* Tells the driver (EVENT_IDX) to kick once it passes last_avail. */
static int publish_avail_event(struct virtq *q, struct gmem *m)
{
	if (!q->event_idx)
		return 0;
	return write16(m, q->used + 4 + 8ull * q->size, q->last_avail);
}

static int add_seg(const struct gmem *m, struct virtq_chain *c, const struct virtq_desc *d)
{
	bool write = d->flags & VIRTQ_DESC_F_WRITE;

	if (c->nout + c->nin == VIRTQ_MAX_SEGS)
		return -E2BIG;
	if (!write && c->nin)
		return -EINVAL; /* read-only after write-only */
	if (!in_ram(m, d->addr, d->len, write))
		return -EFAULT;
	c->seg[c->nout + c->nin].addr = d->addr;
	c->seg[c->nout + c->nin].len = d->len;
	if (write) {
		c->nin++;
		c->in_len += d->len;
	} else {
		c->nout++;
		c->out_len += d->len;
	}
	return 0;
}

/* Walks the chain at `head`: through the descriptor table, or through one
 * indirect table it points to. A table is walked at most once over. */
static int walk_chain(struct virtq *q, const struct gmem *m, uint16_t head, struct virtq_chain *c)
{
	uint64_t table = q->desc;
	uint32_t tsize = q->size, idx = head, steps = 0;
	bool indirect = false;
	struct virtq_desc d;
	int err;

	c->head = head;
	c->nout = c->nin = 0;
	c->out_len = c->in_len = 0;
	for (;;) {
		if (idx >= tsize)
			return -EINVAL;
		if (++steps > tsize)
			return -ELOOP;
		err = read_desc(m, table, idx, &d);
		if (err)
			return err;
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (!q->indirect || indirect || (d.flags & VIRTQ_DESC_F_NEXT))
				return -EINVAL;
			if (!d.len || d.len % VIRTQ_DESC_SIZE || d.len / VIRTQ_DESC_SIZE > VIRTQ_MAX_SEGS)
				return -EINVAL;
			if (!in_ram(m, d.addr, d.len, false))
				return -EFAULT;
			table = d.addr;
			tsize = d.len / VIRTQ_DESC_SIZE;
			idx = 0;
			steps = 0;
			indirect = true;
			continue;
		}
		err = add_seg(m, c, &d);
		if (err)
			return err;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		idx = d.next;
	}
}

int virtq_pop(struct virtq *q, struct gmem *m, struct virtq_chain *c)
{
	uint16_t avail_idx, head;
	int err;

	if (!q->enabled)
		return 0;
	if (read16(m, q->avail + 2, &avail_idx))
		return -EFAULT;
	if ((uint16_t)(avail_idx - q->last_avail) > q->size)
		return -EINVAL; /* the driver claims more than the ring holds */
	if (avail_idx == q->last_avail)
		return publish_avail_event(q, m) ? -EFAULT : 0;
	if (read16(m, q->avail + 4 + 2ull * (q->last_avail % q->size), &head))
		return -EFAULT;
	if (head >= q->size)
		return -EINVAL;
	err = walk_chain(q, m, head, c);
	if (err)
		return err;
	q->last_avail++;
	if (publish_avail_event(q, m))
		return -EFAULT;
	return 1;
}

int virtq_push(struct virtq *q, struct gmem *m, uint16_t head, uint32_t written)
{
	uint64_t elem = q->used + 4 + 8ull * (q->used_idx % q->size);

	if (!q->enabled)
		return -EINVAL;
	if (write32(m, elem, head) || write32(m, elem + 4, written))
		return -EFAULT;
	q->used_idx++;
	return write16(m, q->used + 2, q->used_idx);
}

bool virtq_need_interrupt(struct virtq *q, struct gmem *m)
{
	uint16_t v, old = q->signalled_used;
	bool valid = q->signalled_valid;

	if (!q->enabled)
		return false;
	if (q->event_idx) {
		q->signalled_used = q->used_idx;
		q->signalled_valid = true;
		if (read16(m, q->avail + 4 + 2ull * q->size, &v))
			return true;
		/* vring_need_event: used_event lies in (old, new]. */
		return !valid || (uint16_t)(q->used_idx - v - 1) < (uint16_t)(q->used_idx - old);
	}
	if (read16(m, q->avail, &v))
		return true;
	return !(v & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

/* Copies across the segments [first, first+n) starting at byte `off`. */
static int chain_copy(struct gmem *m, const struct virtq_chain *c, unsigned first, unsigned n, uint64_t off, void *buf,
                      uint64_t len, bool to_guest)
{
	uint8_t *p = buf;

	for (unsigned i = first; i < first + n && len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		uint64_t k;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		k = s->len - off;
		if (k > len)
			k = len;
		if (to_guest ? gmem_write(m, s->addr + off, p, k) : gmem_read(m, s->addr + off, p, k))
			return -EFAULT;
		p += k;
		len -= k;
		off = 0;
	}
	return len ? -EFAULT : 0;
}

int virtq_chain_read(struct gmem *m, const struct virtq_chain *c, uint64_t off, void *buf, uint64_t len)
{
	return chain_copy(m, c, 0, c->nout, off, buf, len, false);
}

int virtq_chain_write(struct gmem *m, const struct virtq_chain *c, uint64_t off, const void *buf, uint64_t len)
{
	return chain_copy(m, c, c->nout, c->nin, off, (void *)buf, len, true);
}
