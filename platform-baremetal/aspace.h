/* The platform side of an address space (aspace.c, tlb_shootdown.c). */
#ifndef BAREMETAL_ASPACE_H
#define BAREMETAL_ASPACE_H
#include <kern/types.h>
#include <plat/cpu.h>

_Static_assert(PLAT_MAX_CPUS <= 64, "one bit per CPU in plat_aspace.cpus");

struct plat_aspace {
	paddr_t pml4;
	uint64_t cpus; /* bit n: CPU n has pml4 in CR3 */
};
#endif
