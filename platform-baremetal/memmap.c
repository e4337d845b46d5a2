/* The physical memory map. Firmware regions come in unsorted and possibly
 * overlapping; the platform's reservations are laid over them. plat_memmap()
 * flattens both into sorted, non-overlapping, page-aligned regions where the
 * strongest claim wins (module > reserved > usable). */
#include <kern/string.h>
#include <plat/mem.h>
#include "boot.h"
#include "memmap.h"

#define MAX_FIRMWARE_REGIONS 256
#define MAX_RESERVATIONS 64
#define MAX_POINTS (2 * (MAX_FIRMWARE_REGIONS + MAX_RESERVATIONS))
#define EARLY_ALLOC_LIMIT GiB(4) /* covered by the boot page tables */
#define LOW_MEMORY_END MiB(1)

struct range {
	paddr_t base, end;
	enum plat_mem_type type;
};

static struct range firmware[MAX_FIRMWARE_REGIONS];
static unsigned firmware_count;
static struct range reservations[MAX_RESERVATIONS];
static unsigned reservation_count;
static bool early_alloc_sealed;
static struct range *early_range; /* the reservation early allocations grow */

/* Scratch for flattening (static: too big for the boot stack). */
static paddr_t points[MAX_POINTS];
static struct plat_mem_region flat[MAX_POINTS];

void memmap_add_firmware(paddr_t base, uint64_t size, bool usable)
{
	struct range r;

	if (size == 0 || base + size < base)
		return;
	if (firmware_count == MAX_FIRMWARE_REGIONS) {
		bm_log("memmap: more than %d firmware regions, ignoring the rest", MAX_FIRMWARE_REGIONS);
		return;
	}
	/* Usable RAM shrinks to whole pages; anything else grows to them. */
	if (usable)
		r = (struct range){ALIGN_UP(base, PAGE_SIZE), ALIGN_DOWN(base + size, PAGE_SIZE), PLAT_MEM_USABLE};
	else
		r = (struct range){ALIGN_DOWN(base, PAGE_SIZE), ALIGN_UP(base + size, PAGE_SIZE), PLAT_MEM_RESERVED};
	if (r.end > r.base)
		firmware[firmware_count++] = r;
}

/* Boot modules' exact extents: the map works in whole pages, but a module's
 * user (the initramfs unpacker) must not read the loader's leftovers in its
 * last page. */
#define MAX_MODULES 8
static struct range module_exact[MAX_MODULES];
static unsigned module_count;

void memmap_reserve(paddr_t base, uint64_t size, enum plat_mem_type type)
{
	if (type == PLAT_MEM_MODULE && size && module_count < MAX_MODULES)
		module_exact[module_count++] = (struct range){base, base + size, type};
	paddr_t b = ALIGN_DOWN(base, PAGE_SIZE), e = ALIGN_UP(base + size, PAGE_SIZE);

	if (size == 0)
		return;
	if (reservation_count == MAX_RESERVATIONS)
		bm_fatal("memmap: too many reservations");
	reservations[reservation_count++] = (struct range){b, e, type};
}

paddr_t memmap_phys_end(void)
{
	paddr_t end = 0;

	for (unsigned i = 0; i < firmware_count; i++)
		end = MAX(end, firmware[i].end);
	return end;
}

void memmap_for_each_firmware(void (*fn)(paddr_t base, uint64_t size, bool usable, void *arg), void *arg)
{
	for (unsigned i = 0; i < firmware_count; i++)
		fn(firmware[i].base, firmware[i].end - firmware[i].base, firmware[i].type == PLAT_MEM_USABLE, arg);
}

static unsigned add_points(unsigned n, const struct range *r, unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		points[n++] = r[i].base;
		points[n++] = r[i].end;
	}
	return n;
}

static enum plat_mem_type claim(const struct range *r, unsigned count, paddr_t a, paddr_t b, enum plat_mem_type t)
{
	for (unsigned i = 0; i < count; i++)
		if (r[i].base <= a && r[i].end >= b && r[i].type > t)
			t = r[i].type;
	return t;
}

/* Flattens firmware + reservations into `flat`; returns the count. */
static unsigned flatten(void)
{
	unsigned n = 0, out = 0;

	n = add_points(n, firmware, firmware_count);
	n = add_points(n, reservations, reservation_count);
	for (unsigned i = 1; i < n; i++) { /* insertion sort: n is small */
		paddr_t p = points[i];
		unsigned j = i;

		for (; j > 0 && points[j - 1] > p; j--)
			points[j] = points[j - 1];
		points[j] = p;
	}
	for (unsigned i = 0; i + 1 < n; i++) {
		paddr_t a = points[i], b = points[i + 1];
		enum plat_mem_type t;

		if (a == b)
			continue;
		t = claim(firmware, firmware_count, a, b, 0);
		t = claim(reservations, reservation_count, a, b, t);
		if (t == 0)
			continue; /* a hole nobody described */
		if (out && flat[out - 1].type == t && flat[out - 1].base + flat[out - 1].size == a)
			flat[out - 1].size += b - a;
		else
			flat[out++] = (struct plat_mem_region){a, b - a, t};
	}
	return out;
}

unsigned plat_memmap(struct plat_mem_region *regions, unsigned max)
{
	unsigned n = flatten();

	n = MIN(n, max);
	memcpy(regions, flat, n * sizeof(*regions));
	/* A module region covers its module's pages: report the module itself. */
	for (unsigned i = 0; i < n; i++) {
		if (regions[i].type != PLAT_MEM_MODULE)
			continue;
		for (unsigned m = 0; m < module_count; m++) {
			if (module_exact[m].base >= regions[i].base &&
			    module_exact[m].end <= regions[i].base + regions[i].size) {
				regions[i].base = module_exact[m].base;
				regions[i].size = module_exact[m].end - module_exact[m].base;
				break;
			}
		}
	}
	return n;
}

paddr_t early_alloc_pages(unsigned count)
{
	uint64_t size = (uint64_t)count * PAGE_SIZE;
	unsigned n;

	if (early_alloc_sealed)
		bm_fatal("early_alloc_pages after the core took over memory");
	n = flatten();
	for (unsigned i = 0; i < n; i++) {
		paddr_t base = MAX(flat[i].base, LOW_MEMORY_END);
		paddr_t end = MIN(flat[i].base + flat[i].size, EARLY_ALLOC_LIMIT);

		if (flat[i].type != PLAT_MEM_USABLE || end <= base || end - base < size)
			continue;
		/* Consecutive allocations grow one reservation, not many. */
		if (early_range && early_range->end == base)
			early_range->end = base + size;
		else {
			memmap_reserve(base, size, PLAT_MEM_RESERVED);
			early_range = &reservations[reservation_count - 1];
		}
		memset(plat_phys_to_virt(base), 0, size);
		return base;
	}
	bm_fatal("out of memory for boot-time page tables (%u pages)", count);
}

void early_alloc_seal(void)
{
	early_alloc_sealed = true;
}

paddr_t memmap_find_low_page(void)
{
	/* The highest free conventional page: firmware-usable, below 1 MiB,
	 * not page 0 (real-mode IVT), and not holding boot data. */
	for (paddr_t pa = LOW_MEMORY_END - PAGE_SIZE; pa >= PAGE_SIZE; pa -= PAGE_SIZE) {
		if (claim(firmware, firmware_count, pa, pa + PAGE_SIZE, 0) != PLAT_MEM_USABLE)
			continue;
		bool taken = false;
		for (unsigned i = 0; i < reservation_count; i++) {
			const struct range *r = &reservations[i];

			/* The blanket low-memory reservation is ours to use. */
			if (r->base == 0 && r->end == LOW_MEMORY_END)
				continue;
			if (r->base < pa + PAGE_SIZE && r->end > pa)
				taken = true;
		}
		if (!taken)
			return pa;
	}
	return 0;
}
