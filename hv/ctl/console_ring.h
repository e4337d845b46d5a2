/* The byte ring between a guest's COM1 and the reader of its /dev/hv
 * descriptor. The guest never waits for the reader: when the ring is full
 * the oldest bytes make room and are counted as dropped. */
#ifndef HV_CTL_CONSOLE_RING_H
#define HV_CTL_CONSOLE_RING_H
#include <kern/spinlock.h>
#include <kern/types.h>

#define CONSOLE_RING_SIZE (64u << 10)

struct console_ring {
	spinlock_t lock;
	uint8_t *buf; /* CONSOLE_RING_SIZE bytes */
	size_t head, len;
	uint64_t dropped;
};

int console_ring_init(struct console_ring *r);
void console_ring_free(struct console_ring *r);
void console_ring_put(struct console_ring *r, const void *src, size_t n);
/* Moves up to n bytes out; returns how many. */
size_t console_ring_get(struct console_ring *r, void *dst, size_t n);
size_t console_ring_len(struct console_ring *r);
uint64_t console_ring_dropped(struct console_ring *r);
#endif
