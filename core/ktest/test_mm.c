/* Self tests of the page allocator and the heap. */
#include <kern/ktest.h>
#include <kern/mm.h>
#include <kern/random.h>
#include <kern/string.h>

#define PRIVATE_PAGES 256

/* A private buddy over pages borrowed from the kernel's, so the test can
 * exhaust it without starving the kernel. */
KTEST(mm_buddy_private)
{
	static struct buddy b;
	static uint8_t state[PRIVATE_PAGES];
	paddr_t base = page_alloc(8); /* 256 pages, naturally aligned */
	paddr_t got[PRIVATE_PAGES + 1]; /* the last slot takes the failing 0 */
	unsigned n = 0;

	KT_ASSERT(base != 0);
	buddy_init(&b, base, plat_phys_to_virt(base), PRIVATE_PAGES, state);
	buddy_add_range(&b, base, PRIVATE_PAGES);
	KT_ASSERT_EQ(b.free_pages, PRIVATE_PAGES);
	KT_ASSERT_EQ(b.nfree[8], 1);
	while ((got[n] = buddy_alloc(&b, 0)) != 0)
		n++;
	KT_ASSERT_EQ(n, PRIVATE_PAGES);
	KT_ASSERT_EQ(b.free_pages, 0);
	KT_ASSERT(buddy_alloc(&b, 0) == 0);
	/* Free in an interleaved order; everything must merge back into one. */
	for (unsigned i = 0; i < n; i += 2)
		buddy_free(&b, got[i], 0);
	KT_ASSERT(buddy_check(&b));
	for (unsigned i = 1; i < n; i += 2)
		buddy_free(&b, got[i], 0);
	KT_ASSERT(buddy_check(&b));
	KT_ASSERT_EQ(b.nfree[8], 1);
	KT_ASSERT_EQ(b.free_pages, PRIVATE_PAGES);
	/* Orders split and align naturally. */
	paddr_t p3 = buddy_alloc(&b, 3), p0 = buddy_alloc(&b, 0), p5 = buddy_alloc(&b, 5);
	KT_ASSERT(p3 && p0 && p5);
	KT_ASSERT(((p3 - base) & ((8 << PAGE_SHIFT) - 1)) == 0);
	KT_ASSERT(((p5 - base) & ((32 << PAGE_SHIFT) - 1)) == 0);
	KT_ASSERT(buddy_alloc(&b, BUDDY_MAX_ORDER) == 0);
	buddy_free(&b, p3, 3);
	buddy_free(&b, p0, 0);
	buddy_free(&b, p5, 5);
	KT_ASSERT(buddy_check(&b));
	KT_ASSERT_EQ(b.nfree[8], 1);
	page_free(base, 8);
}

KTEST(mm_page_alloc_random)
{
	struct prng r;
	paddr_t pages[128];
	unsigned orders[128];
	struct page_stats before, after;

	prng_seed(&r, kernel_seed());
	page_stats(&before);
	for (unsigned i = 0; i < 128; i++) {
		orders[i] = (unsigned)prng_below(&r, 5);
		pages[i] = page_alloc(orders[i]);
		KT_ASSERT(pages[i] != 0);
		KT_ASSERT((pages[i] & ((PAGE_SIZE << orders[i]) - 1)) == 0);
		/* Write the whole block: overlapping blocks would corrupt others. */
		memset(plat_phys_to_virt(pages[i]), (int)i, PAGE_SIZE << orders[i]);
	}
	for (unsigned i = 0; i < 128; i++) {
		uint8_t *p = plat_phys_to_virt(pages[i]);
		for (size_t k = 0; k < (PAGE_SIZE << orders[i]); k += 509)
			KT_ASSERT_EQ(p[k], (uint8_t)i);
	}
	for (unsigned i = 0; i < 128; i++)
		page_free(pages[i], orders[i]);
	page_stats(&after);
	KT_ASSERT_EQ(after.free_pages, before.free_pages);
	KT_ASSERT(page_alloc_check());
}

KTEST(mm_heap_sizes)
{
	static const size_t sizes[] = {1, 8, 16, 17, 48, 100, 256, 511, 512, 1000, 1024, 1025, 4000, 5000, 70000};
	void *p[ARRAY_SIZE(sizes)];
	struct heap_stats before, mid, after;

	heap_stats(&before);
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i]);
		KT_ASSERT(p[i] != NULL);
		KT_ASSERT(((uintptr_t)p[i] & 7) == 0);
		memset(p[i], 0xc0 + (int)i, sizes[i]);
	}
	heap_stats(&mid);
	KT_ASSERT_EQ(mid.live_objects, before.live_objects + ARRAY_SIZE(sizes));
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint8_t *b = p[i];
		KT_ASSERT(b[0] == (uint8_t)(0xc0 + i) && b[sizes[i] - 1] == (uint8_t)(0xc0 + i));
	}
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++)
		kfree(p[i]);
	heap_stats(&after);
	KT_ASSERT_EQ(after.live_objects, before.live_objects);
	KT_ASSERT_EQ(after.live_bytes, before.live_bytes);
	KT_ASSERT(kmalloc((size_t)PAGE_SIZE << BUDDY_MAX_ORDER) == NULL);
	void *z = kzalloc(300);
	KT_ASSERT(z != NULL);
	for (int i = 0; i < 300; i++)
		KT_ASSERT(((uint8_t *)z)[i] == 0);
	kfree(z);
}

KTEST(mm_heap_churn)
{
	struct prng r;
	void *slots[512] = {0};
	size_t sizes[512];
	struct heap_stats before, after;

	prng_seed(&r, kernel_seed() + 1);
	heap_stats(&before);
	for (int round = 0; round < 20000; round++) {
		unsigned i = (unsigned)prng_below(&r, 512);
		if (slots[i]) {
			uint8_t *b = slots[i];
			KT_ASSERT(b[0] == (uint8_t)i && b[sizes[i] - 1] == (uint8_t)i);
			kfree(slots[i]);
			slots[i] = NULL;
		} else {
			sizes[i] = 1 + (size_t)prng_below(&r, prng_below(&r, 8) == 0 ? 6000 : 600);
			slots[i] = kmalloc(sizes[i]);
			KT_ASSERT(slots[i] != NULL);
			memset(slots[i], (int)i, sizes[i]);
		}
	}
	for (unsigned i = 0; i < 512; i++)
		kfree(slots[i]);
	heap_stats(&after);
	KT_ASSERT_EQ(after.live_objects, before.live_objects);
	KT_ASSERT_EQ(after.slab_pages, before.slab_pages);
	KT_ASSERT_EQ(after.large_pages, before.large_pages);
}
