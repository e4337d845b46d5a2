/* Sparse page arrays for tmpfs files: holes cost nothing and read as zeros. */
#include <kern/mm.h>
#include <kern/string.h>

#include "page_store.h"

#define FANOUT_SHIFT 9
#define FANOUT       (1U << FANOUT_SHIFT)

static void *zeroed_page(void)
{
	void *p = page_alloc_virt(0);

	if (p)
		memset(p, 0, PAGE_SIZE);
	return p;
}

static uint64_t capacity(unsigned height)
{
	return height ? 1ULL << (FANOUT_SHIFT * height) : 0;
}

static unsigned slot(uint64_t index, unsigned level)
{
	return (unsigned)(index >> (FANOUT_SHIFT * level)) & (FANOUT - 1);
}

void *page_store_lookup(struct page_store *ps, uint64_t index)
{
	void **node = ps->root;

	if (index >= capacity(ps->height))
		return NULL;
	for (unsigned level = ps->height - 1; node; level--) {
		void *next = node[slot(index, level)];
		if (level == 0)
			return next;
		node = next;
	}
	return NULL;
}

void *page_store_get(struct page_store *ps, uint64_t index)
{
	void **node;

	while (index >= capacity(ps->height)) {
		void **top;
		if (ps->height == PAGE_STORE_MAX_HEIGHT)
			return NULL;
		top = zeroed_page();
		if (!top)
			return NULL;
		top[0] = ps->root;
		ps->root = top;
		ps->height++;
	}
	node = ps->root;
	for (unsigned level = ps->height - 1;; level--) {
		void **slotp = &node[slot(index, level)];
		if (!*slotp) {
			*slotp = zeroed_page();
			if (!*slotp)
				return NULL;
			if (level == 0)
				ps->npages++;
		}
		if (level == 0)
			return *slotp;
		node = *slotp;
	}
}

/* Frees the pages at or after `from` (relative to this node's first index),
 * and the node itself when that empties it. Returns true if freed. */
static bool truncate_node(struct page_store *ps, void **node, unsigned level, uint64_t from)
{
	uint64_t span = 1ULL << (FANOUT_SHIFT * level); /* pages per slot */
	bool empty = true;

	for (unsigned i = 0; i < FANOUT; i++) {
		uint64_t first = (uint64_t)i * span;
		if (!node[i])
			continue;
		if (first + span <= from) {
			empty = false;
			continue;
		}
		if (level == 0) {
			page_free_virt(node[i], 0);
			ps->npages--;
			node[i] = NULL;
		} else if (truncate_node(ps, node[i], level - 1, from > first ? from - first : 0)) {
			node[i] = NULL;
		} else {
			empty = false;
		}
	}
	if (empty)
		page_free_virt(node, 0);
	return empty;
}

void page_store_truncate(struct page_store *ps, uint64_t index)
{
	if (!ps->root || index >= capacity(ps->height))
		return;
	if (truncate_node(ps, ps->root, ps->height - 1, index)) {
		ps->root = NULL;
		ps->height = 0;
	}
}
