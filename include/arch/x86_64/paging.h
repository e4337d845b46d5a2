/* x86-64 4-level page-table formats, shared by both platforms (the kernel
 * builds address spaces with them; the hosted platform reads them back). */
#ifndef ARCH_X86_64_PAGING_H
#define ARCH_X86_64_PAGING_H

#ifdef __ASSEMBLER__
#define PTE_BIT(n) (1 << (n))
#else
#define PTE_BIT(n) (1ULL << (n))
#endif

#define PTE_P PTE_BIT(0)    /* present */
#define PTE_W PTE_BIT(1)    /* writable */
#define PTE_U PTE_BIT(2)    /* user accessible */
#define PTE_PWT PTE_BIT(3)  /* write-through */
#define PTE_PCD PTE_BIT(4)  /* cache disable */
#define PTE_A PTE_BIT(5)    /* accessed */
#define PTE_D PTE_BIT(6)    /* dirty (leaf only) */
#define PTE_PS PTE_BIT(7)   /* large page (PDPTE: 1 GiB, PDE: 2 MiB) */
#define PTE_G PTE_BIT(8)    /* global (leaf only) */

#define PT_ENTRIES 512
#define PT_LEVEL_SHIFT 9
#define PML4_SHIFT 39
#define PDPT_SHIFT 30
#define PD_SHIFT 21
#define PT_SHIFT 12
#define LARGE_PAGE_SIZE (1 << PD_SHIFT) /* 2 MiB */

#ifndef __ASSEMBLER__
#include <kern/types.h>

#define PTE_NX (1ULL << 63) /* no-execute (needs EFER.NXE) */
/* Physical address bits of an entry (bits 12..51). */
#define PTE_ADDR_MASK 0x000ffffffffff000ULL
/* Physical address bits of a 2 MiB leaf (bit 12 is PAT there). */
#define PTE_LARGE_ADDR_MASK 0x000fffffffe00000ULL

typedef uint64_t pte_t;

static inline unsigned pt_index(uintptr_t va, unsigned shift)
{
	return (unsigned)(va >> shift) & (PT_ENTRIES - 1);
}

static inline paddr_t pte_addr(pte_t e)
{
	return e & PTE_ADDR_MASK;
}
#endif

#endif
