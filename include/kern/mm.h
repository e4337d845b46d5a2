/* Physical page allocator (buddy) and kernel heap. */
#ifndef KERN_MM_H
#define KERN_MM_H
#include <kern/list.h>
#include <kern/spinlock.h>
#include <kern/types.h>
#include <plat/mem.h>

#define BUDDY_MAX_ORDER 11 /* blocks of 1 .. 2^10 pages (4 MiB) */
#define BUDDY_STATE_USED 0xff

/* One buddy allocator over a contiguous physical range. The per-page state
 * byte is BUDDY_STATE_USED, or the order of the free block starting there. */
struct buddy {
	spinlock_t lock;
	paddr_t base;          /* physical address of page 0 */
	uint8_t *virt;         /* kernel address of page 0 */
	size_t npages;
	uint8_t *state;        /* npages bytes */
	struct list_node free[BUDDY_MAX_ORDER]; /* links live in the free pages */
	size_t nfree[BUDDY_MAX_ORDER];
	size_t free_pages;
	size_t total_pages;    /* pages ever handed to buddy_add_range */
};

void buddy_init(struct buddy *b, paddr_t base, void *virt, size_t npages, uint8_t *state);
/* Gives [pa, pa + npages pages) to the allocator. */
void buddy_add_range(struct buddy *b, paddr_t pa, size_t npages);
/* Returns the physical address of 2^order contiguous, naturally aligned
 * pages, or 0 when none is free. */
paddr_t buddy_alloc(struct buddy *b, unsigned order);
void buddy_free(struct buddy *b, paddr_t pa, unsigned order);
/* Walks every free list and the state map; returns false (and logs why) if
 * any invariant is broken. */
bool buddy_check(struct buddy *b);

/* The kernel's page allocator (one buddy over all usable RAM). */
void page_alloc_init(void);
paddr_t page_alloc(unsigned order);
/* Hands [pa, pa+len) (rounded inward to pages) to the allocator: boot
 * modules once the kernel is done with them. */
void page_alloc_release_range(paddr_t pa, uint64_t len);
void page_free(paddr_t pa, unsigned order);
void *page_alloc_virt(unsigned order); /* direct-map address or NULL */
void page_free_virt(void *va, unsigned order);
/* Single pages with a share count, for pages mapped into user address
 * spaces (copy-on-write sharing): allocated with count 1, freed when the
 * last reference is put. */
paddr_t page_alloc_shared(void);
void page_ref_get(paddr_t pa);
void page_ref_put(paddr_t pa);
uint32_t page_ref_count(paddr_t pa);

struct page_stats {
	size_t total_pages, free_pages;
};
void page_stats(struct page_stats *st);
bool page_alloc_check(void);

/* The kernel heap: size classes from 16 bytes to 2 KiB in page slabs;
 * larger requests take whole pages. A slab
 * goes back to the page allocator as soon as it is empty. Debug builds poison freed memory and
 * catch writes after free at the next allocation of that slot. */
void heap_init(void);
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
struct heap_stats {
	size_t live_objects; /* allocations not yet freed */
	size_t live_bytes;   /* their requested sizes' class sizes */
	size_t slab_pages;   /* pages held by slabs */
	size_t large_pages;  /* pages held by large allocations */
	size_t poison_errors;
};
void heap_stats(struct heap_stats *st);
#endif
