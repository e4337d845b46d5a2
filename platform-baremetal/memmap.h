/* The physical memory map: firmware regions plus the platform's own
 * reservations (kernel image, boot data, early page tables, low 1 MiB). */
#ifndef BAREMETAL_MEMMAP_H
#define BAREMETAL_MEMMAP_H
#include <kern/types.h>
#include <plat/mem.h>

void memmap_add_firmware(paddr_t base, uint64_t size, bool usable);
void memmap_reserve(paddr_t base, uint64_t size, enum plat_mem_type type);
/* End of the highest firmware region of any type. */
paddr_t memmap_phys_end(void);
/* Calls fn for each firmware region. */
void memmap_for_each_firmware(void (*fn)(paddr_t base, uint64_t size, bool usable, void *arg), void *arg);

/* Boot-time page allocator: zeroed, contiguous pages of usable RAM below
 * 4 GiB, recorded as reserved. Only valid before kernel_main (after that the
 * core owns all usable memory). */
paddr_t early_alloc_pages(unsigned count);
void early_alloc_seal(void);

/* A free page of conventional memory below 1 MiB for the AP trampoline,
 * or 0 if the firmware left none. */
paddr_t memmap_find_low_page(void);
#endif
