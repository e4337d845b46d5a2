/* Split virtqueues (virtio 1.x, 2.7) as a device sees them. Everything in
 * the rings is guest-controlled: every index, length and address is checked
 * and all guest memory goes through gmem_read/gmem_write. A violation makes
 * the call return a negative errno; the transport then puts the device into
 * DEVICE_NEEDS_RESET. Nothing here loops more than the queue size. */
#ifndef HV_DEV_VIRTQUEUE_H
#define HV_DEV_VIRTQUEUE_H
#include <hv/gmem.h>
#include <kern/abi/virtio.h>
#include <kern/types.h>

#define VIRTQ_MAX_SIZE 256 /* largest queue a device offers */
#define VIRTQ_MAX_SEGS 256 /* descriptors in one chain, indirect ones included */

struct virtq {
	uint16_t size, max_size;
	bool enabled;
	bool indirect, event_idx; /* negotiated features */
	uint16_t msix_vector;
	uint64_t desc, avail, used; /* guest-physical ring addresses */
	uint16_t last_avail;        /* next avail entry to take */
	uint16_t used_idx;          /* our copy of used->idx */
	uint16_t signalled_used;    /* used_idx at the last interrupt */
	bool signalled_valid;
};

struct virtq_seg {
	uint64_t addr;
	uint32_t len;
};

/* One descriptor chain: seg[0, nout) the device reads, seg[nout, nout+nin)
 * it writes (write-only descriptors never precede read-only ones). */
struct virtq_chain {
	uint16_t head;
	unsigned nout, nin;
	uint64_t out_len, in_len;
	struct virtq_seg seg[VIRTQ_MAX_SEGS];
};

/* Back to the reset state: disabled, size = max_size, no vector. */
void virtq_reset(struct virtq *q, uint16_t max_size);
/* The driver wrote queue_enable = 1: checks the size (power of two, at
 * most max_size) and that the three rings are aligned and lie in guest RAM.
 * -EINVAL otherwise (the queue stays disabled). */
int virtq_enable(struct virtq *q, struct gmem *m);
/* Takes the next available chain: 1 with *c filled, 0 if none, or a
 * negative errno for a malformed ring or chain. */
int virtq_pop(struct virtq *q, struct gmem *m, struct virtq_chain *c);
/* Returns chain `head` with `written` bytes put into its buffers. */
int virtq_push(struct virtq *q, struct gmem *m, uint16_t head, uint32_t written);
/* Whether the driver wants an interrupt for what was pushed since the
 * last one (VIRTQ_AVAIL_F_NO_INTERRUPT, or used_event with EVENT_IDX). */
bool virtq_need_interrupt(struct virtq *q, struct gmem *m);
/* Copies to/from a chain's device-readable or device-writable bytes, from
 * byte `off` of that part. -EFAULT if the part is too short. */
int virtq_chain_read(struct gmem *m, const struct virtq_chain *c, uint64_t off, void *buf, uint64_t len);
int virtq_chain_write(struct gmem *m, const struct virtq_chain *c, uint64_t off, const void *buf, uint64_t len);
#endif
