/* The guest console ring of a /dev/hv descriptor. */
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>

#include "console_ring.h"

int console_ring_init(struct console_ring *r)
{
	spin_init(&r->lock, "hv-console");
	r->head = r->len = 0;
	r->dropped = 0;
	r->buf = kmalloc(CONSOLE_RING_SIZE);
	return r->buf ? 0 : -ENOMEM;
}

void console_ring_free(struct console_ring *r)
{
	kfree(r->buf);
	r->buf = NULL;
}

void console_ring_put(struct console_ring *r, const void *src, size_t n)
{
	const uint8_t *p = src;

	spin_lock(&r->lock);
	if (n > CONSOLE_RING_SIZE) {
		/* Only the newest bytes can survive. */
		r->dropped += n - CONSOLE_RING_SIZE;
		p += n - CONSOLE_RING_SIZE;
		n = CONSOLE_RING_SIZE;
	}
	if (r->len + n > CONSOLE_RING_SIZE) {
		size_t drop = r->len + n - CONSOLE_RING_SIZE;
		r->head = (r->head + drop) % CONSOLE_RING_SIZE;
		r->len -= drop;
		r->dropped += drop;
	}
	size_t tail = (r->head + r->len) % CONSOLE_RING_SIZE;
	size_t first = MIN(n, CONSOLE_RING_SIZE - tail);
	memcpy(r->buf + tail, p, first);
	memcpy(r->buf, p + first, n - first);
	r->len += n;
	spin_unlock(&r->lock);
}

size_t console_ring_get(struct console_ring *r, void *dst, size_t n)
{
	uint8_t *p = dst;

	spin_lock(&r->lock);
	n = MIN(n, r->len);
	size_t first = MIN(n, CONSOLE_RING_SIZE - r->head);
	memcpy(p, r->buf + r->head, first);
	memcpy(p + first, r->buf, n - first);
	r->head = (r->head + n) % CONSOLE_RING_SIZE;
	r->len -= n;
	spin_unlock(&r->lock);
	return n;
}

size_t console_ring_len(struct console_ring *r)
{
	size_t n;

	spin_lock(&r->lock);
	n = r->len;
	spin_unlock(&r->lock);
	return n;
}

uint64_t console_ring_dropped(struct console_ring *r)
{
	uint64_t d;

	spin_lock(&r->lock);
	d = r->dropped;
	spin_unlock(&r->lock);
	return d;
}
