/* The kernel's page allocator: one buddy over every usable page the
 * platform reports. Its state map is carved from usable RAM itself. */
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/string.h>

#define MAX_REGIONS 64

static struct buddy kernel_buddy;
static bool page_alloc_ready;
static uint32_t *page_refs; /* share count of user-mapped pages (copy-on-write) */

void page_alloc_init(void)
{
	struct plat_mem_region regions[MAX_REGIONS];
	unsigned n = plat_memmap(regions, MAX_REGIONS);
	paddr_t top = 0, state_pa = 0;
	size_t npages, state_bytes;

	for (unsigned i = 0; i < n; i++)
		if (regions[i].type == PLAT_MEM_USABLE)
			top = MAX(top, regions[i].base + regions[i].size);
	if (top == 0)
		panic("page_alloc: the platform reported no usable memory");
	npages = (size_t)(top >> PAGE_SHIFT);
	/* One state byte and one share count per page. */
	state_bytes = ALIGN_UP(npages * (1 + sizeof(uint32_t)), PAGE_SIZE);

	/* The state map lives at the start of the first usable region that can
	 * hold it with room to spare. */
	for (unsigned i = 0; i < n; i++) {
		struct plat_mem_region *r = &regions[i];
		paddr_t start = ALIGN_UP(r->base, PAGE_SIZE);
		if (r->type == PLAT_MEM_USABLE && start + state_bytes * 2 <= r->base + r->size) {
			state_pa = start;
			break;
		}
	}
	if (!state_pa)
		panic("page_alloc: no region can hold the %zu-byte page map", state_bytes);

	buddy_init(&kernel_buddy, 0, plat_phys_to_virt(0), npages, plat_phys_to_virt(state_pa));
	page_refs = (uint32_t *)((uint8_t *)plat_phys_to_virt(state_pa) + ALIGN_UP(npages, 8));
	memset(page_refs, 0, npages * sizeof(uint32_t));
	for (unsigned i = 0; i < n; i++) {
		struct plat_mem_region *r = &regions[i];
		paddr_t start = ALIGN_UP(r->base, PAGE_SIZE);
		paddr_t end = ALIGN_DOWN(r->base + r->size, PAGE_SIZE);
		if (r->type != PLAT_MEM_USABLE)
			continue;
		if (start == state_pa)
			start += state_bytes;
		if (end > start)
			buddy_add_range(&kernel_buddy, start, (size_t)((end - start) >> PAGE_SHIFT));
	}
	page_alloc_ready = true;
	pr_info("mm: %zu MiB usable in %u regions, page map %zu KiB", kernel_buddy.total_pages >> 8, n,
		state_bytes >> 10);
}

void page_alloc_release_range(paddr_t pa, uint64_t len)
{
	paddr_t start = ALIGN_UP(pa, PAGE_SIZE), end = ALIGN_DOWN(pa + len, PAGE_SIZE);

	if (end > start && (end >> PAGE_SHIFT) <= kernel_buddy.npages)
		buddy_add_range(&kernel_buddy, start, (size_t)((end - start) >> PAGE_SHIFT));
}

paddr_t page_alloc(unsigned order)
{
	KASSERT(page_alloc_ready);
	return buddy_alloc(&kernel_buddy, order);
}

void page_free(paddr_t pa, unsigned order)
{
	buddy_free(&kernel_buddy, pa, order);
}

void *page_alloc_virt(unsigned order)
{
	paddr_t pa = page_alloc(order);
	return pa ? plat_phys_to_virt(pa) : NULL;
}

void page_free_virt(void *va, unsigned order)
{
	page_free(plat_virt_to_phys(va), order);
}

void page_stats(struct page_stats *st)
{
	spin_lock(&kernel_buddy.lock);
	st->total_pages = kernel_buddy.total_pages;
	st->free_pages = kernel_buddy.free_pages;
	spin_unlock(&kernel_buddy.lock);
}

paddr_t page_alloc_shared(void)
{
	paddr_t pa = page_alloc(0);

	if (pa)
		__atomic_store_n(&page_refs[pa >> PAGE_SHIFT], 1, __ATOMIC_RELAXED);
	return pa;
}

void page_ref_get(paddr_t pa)
{
	uint32_t old = __atomic_fetch_add(&page_refs[pa >> PAGE_SHIFT], 1, __ATOMIC_RELAXED);
	KASSERT(old > 0);
}

void page_ref_put(paddr_t pa)
{
	uint32_t old = __atomic_fetch_sub(&page_refs[pa >> PAGE_SHIFT], 1, __ATOMIC_ACQ_REL);
	KASSERT(old > 0);
	if (old == 1)
		page_free(pa, 0);
}

uint32_t page_ref_count(paddr_t pa)
{
	return __atomic_load_n(&page_refs[pa >> PAGE_SHIFT], __ATOMIC_ACQUIRE);
}

bool page_alloc_check(void)
{
	return buddy_check(&kernel_buddy);
}
