/* Binary buddy allocator over one physical range. Free blocks link through
 * their own first bytes; a state byte per page records where free blocks
 * start and their order, which is all merging needs. */
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/string.h>

static inline size_t pa_to_idx(const struct buddy *b, paddr_t pa)
{
	return (size_t)((pa - b->base) >> PAGE_SHIFT);
}

static inline struct list_node *idx_to_node(const struct buddy *b, size_t idx)
{
	return (struct list_node *)(b->virt + (idx << PAGE_SHIFT));
}

static inline size_t node_to_idx(const struct buddy *b, const struct list_node *n)
{
	return (size_t)(((const uint8_t *)n - b->virt) >> PAGE_SHIFT);
}

void buddy_init(struct buddy *b, paddr_t base, void *virt, size_t npages, uint8_t *state)
{
	spin_init(&b->lock, "buddy");
	b->base = base;
	b->virt = virt;
	b->npages = npages;
	b->state = state;
	memset(state, BUDDY_STATE_USED, npages);
	for (unsigned o = 0; o < BUDDY_MAX_ORDER; o++) {
		list_init(&b->free[o]);
		b->nfree[o] = 0;
	}
	b->free_pages = 0;
	b->total_pages = 0;
}

static void insert_free(struct buddy *b, size_t idx, unsigned order)
{
	b->state[idx] = (uint8_t)order;
	list_push_front(&b->free[order], idx_to_node(b, idx));
	b->nfree[order]++;
}

static void remove_free(struct buddy *b, size_t idx, unsigned order)
{
	list_remove(idx_to_node(b, idx));
	b->state[idx] = BUDDY_STATE_USED;
	b->nfree[order]--;
}

/* Frees block idx of `order`, merging with free buddies. Lock held. */
static void free_block_locked(struct buddy *b, size_t idx, unsigned order)
{
	while (order + 1 < BUDDY_MAX_ORDER) {
		size_t buddy = idx ^ ((size_t)1 << order);
		if (buddy + ((size_t)1 << order) > b->npages || b->state[buddy] != order)
			break;
		remove_free(b, buddy, order);
		idx &= ~((size_t)1 << order);
		order++;
	}
	insert_free(b, idx, order);
}

void buddy_add_range(struct buddy *b, paddr_t pa, size_t npages)
{
	size_t idx, end;

	KASSERT(pa >= b->base && (pa & (PAGE_SIZE - 1)) == 0);
	idx = pa_to_idx(b, pa);
	end = idx + npages;
	KASSERT(end <= b->npages);
	spin_lock(&b->lock);
	while (idx < end) {
		unsigned order = 0;
		while (order + 1 < BUDDY_MAX_ORDER && (idx & (((size_t)2 << order) - 1)) == 0 &&
		       idx + ((size_t)2 << order) <= end)
			order++;
		free_block_locked(b, idx, order);
		b->free_pages += (size_t)1 << order;
		b->total_pages += (size_t)1 << order;
		idx += (size_t)1 << order;
	}
	spin_unlock(&b->lock);
}

paddr_t buddy_alloc(struct buddy *b, unsigned order)
{
	unsigned o;
	size_t idx;

	if (order >= BUDDY_MAX_ORDER)
		return 0;
	spin_lock(&b->lock);
	for (o = order; o < BUDDY_MAX_ORDER; o++)
		if (!list_empty(&b->free[o]))
			break;
	if (o == BUDDY_MAX_ORDER) {
		spin_unlock(&b->lock);
		return 0;
	}
	idx = node_to_idx(b, b->free[o].next);
	remove_free(b, idx, o);
	while (o > order) {
		o--;
		insert_free(b, idx + ((size_t)1 << o), o);
	}
	b->free_pages -= (size_t)1 << order;
	spin_unlock(&b->lock);
	return b->base + ((paddr_t)idx << PAGE_SHIFT);
}

/* A free block of order k starting at h covers idx iff h is idx rounded
 * down to 2^o for some o <= k. */
static bool covered_by_free_block(const struct buddy *b, size_t idx)
{
	for (unsigned o = 0; o < BUDDY_MAX_ORDER; o++) {
		size_t h = idx & ~(((size_t)1 << o) - 1);
		if (b->state[h] != BUDDY_STATE_USED && b->state[h] >= o)
			return true;
	}
	return false;
}

void buddy_free(struct buddy *b, paddr_t pa, unsigned order)
{
	size_t idx = pa_to_idx(b, pa);

	if (order >= BUDDY_MAX_ORDER || pa < b->base || idx + ((size_t)1 << order) > b->npages ||
	    (idx & (((size_t)1 << order) - 1)) != 0)
		panic("buddy_free: bad block %#lx order %u", (unsigned long)pa, order);
	spin_lock(&b->lock);
	if (covered_by_free_block(b, idx))
		panic("buddy_free: double free of page %#lx", (unsigned long)pa);
	for (size_t i = idx; i < idx + ((size_t)1 << order); i++)
		if (b->state[i] != BUDDY_STATE_USED)
			panic("buddy_free: double free of page %#lx", (unsigned long)(b->base + (i << PAGE_SHIFT)));
	free_block_locked(b, idx, order);
	b->free_pages += (size_t)1 << order;
	spin_unlock(&b->lock);
}

bool buddy_check(struct buddy *b)
{
	size_t counted = 0, heads = 0;
	bool ok = true;

	spin_lock(&b->lock);
	for (unsigned o = 0; o < BUDDY_MAX_ORDER; o++) {
		size_t n = 0;
		list_for_each(it, &b->free[o]) {
			size_t idx = node_to_idx(b, it);
			if (idx >= b->npages || b->state[idx] != o || (idx & (((size_t)1 << o) - 1))) {
				pr_err("buddy: bad free block %zu on order-%u list", idx, o);
				ok = false;
				break;
			}
			n++;
			counted += (size_t)1 << o;
		}
		if (n != b->nfree[o]) {
			pr_err("buddy: order %u list has %zu blocks, count says %zu", o, n, b->nfree[o]);
			ok = false;
		}
	}
	for (size_t i = 0; i < b->npages; i++)
		if (b->state[i] != BUDDY_STATE_USED)
			heads++;
	if (counted != b->free_pages) {
		pr_err("buddy: free lists hold %zu pages, count says %zu", counted, b->free_pages);
		ok = false;
	}
	size_t listed = 0;
	for (unsigned o = 0; o < BUDDY_MAX_ORDER; o++)
		listed += b->nfree[o];
	if (heads != listed) {
		pr_err("buddy: %zu free heads in state map, %zu on lists", heads, listed);
		ok = false;
	}
	spin_unlock(&b->lock);
	return ok;
}
