/* Platform interface: physical memory, the direct map, TLB, MMIO and DMA. */
#ifndef PLAT_MEM_H
#define PLAT_MEM_H
#include <kern/types.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096UL

enum plat_mem_type {
	PLAT_MEM_USABLE = 1, /* free RAM the page allocator may own */
	PLAT_MEM_RESERVED,   /* firmware, kernel image, holes */
	PLAT_MEM_MODULE,     /* boot modules (initramfs), kept until released */
};

struct plat_mem_region {
	paddr_t base;
	uint64_t size;
	enum plat_mem_type type;
};

/* Copies up to `max` regions of the physical memory map into `out`, sorted by
 * base and not overlapping, with the kernel image and boot data already
 * marked reserved. Returns the number of regions. */
unsigned plat_memmap(struct plat_mem_region *out, unsigned max);

/* The kernel's direct map: every usable physical page has a kernel virtual
 * address. Both calls are pure arithmetic and valid at any time. */
void *plat_phys_to_virt(paddr_t pa);
paddr_t plat_virt_to_phys(const void *va);

/* The no-execute bit for page-table entries, or 0 when the CPU has none
 * (then nothing can be made non-executable). */
uint64_t plat_pte_nx_bit(void);

/* TLB maintenance for the current CPU's active page tables. */
void plat_tlb_flush_page(uintptr_t va);
void plat_tlb_flush_all(void);

/* Maps `size` bytes of device memory at `pa` uncached into kernel virtual
 * space. Returns NULL if it cannot. */
void *plat_mmio_map(paddr_t pa, size_t size);

/* Physical pages device DMA can reach coherently are ordinary RAM on x86;
 * this converts the page allocator's pages into a bus address. */
uint64_t plat_dma_address(paddr_t pa);

#endif
