/* Building and walking x86-64 4-level page tables for user address spaces.
 * Shared by both platforms: the tables are the truth the hosted platform's
 * MMU emulation reads back, and what CR3 points at on bare metal. Only the
 * user half (PML4 slots 0-255) is managed here. */
#ifndef ARCH_X86_64_PGTABLE_H
#define ARCH_X86_64_PGTABLE_H
#include <arch/x86_64/paging.h>
#include <kern/types.h>

#define USER_VA_END 0x0000800000000000ULL /* canonical user half */

/* Allocates an empty top-level table; returns its physical address or 0. */
paddr_t pgtable_create(void);
/* Frees every table below the user half (not the pages they map) and the
 * top-level table itself. */
void pgtable_destroy(paddr_t pml4);
/* Returns the leaf entry for `va`, allocating intermediate tables when
 * `create`; NULL if absent (or out of memory when creating). */
pte_t *pgtable_walk(paddr_t pml4, uintptr_t va, bool create);
/* Calls fn for every present leaf in [start, end). */
void pgtable_for_each(paddr_t pml4, uintptr_t start, uintptr_t end, void (*fn)(uintptr_t va, pte_t *pte, void *arg),
		      void *arg);
#endif
