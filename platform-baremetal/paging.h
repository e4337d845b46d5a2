/* The kernel's page tables. */
#ifndef BAREMETAL_PAGING_H
#define BAREMETAL_PAGING_H
#include <kern/types.h>

/* Builds the final kernel page tables (direct map, kernel image with W^X,
 * MMIO window) and switches to them. */
void paging_init(void);
/* Physical address of the kernel's top-level table. */
paddr_t paging_kernel_root(void);
/* Applies the kernel's CR0/CR4/EFER settings and page tables on this CPU. */
void paging_load(void);
/* True if [pa, pa+len) is covered by the direct map. */
bool paging_direct_mapped(paddr_t pa, uint64_t len);
/* The page-table entry bit that forbids execution, or 0 without NX. */
uint64_t paging_nx_bit(void);
#endif
