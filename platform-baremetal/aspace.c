/* Address spaces on bare metal: the core builds the user half of each
 * top-level table; the kernel half is a copy of the kernel's own (all its
 * PML4 slots exist from boot, so copies never go stale). A CPU keeps the
 * tables of the last address space it entered in CR3 after returning to
 * the kernel (the kernel half is the same everywhere), and `cpus` says
 * which CPUs have them loaded: only those can cache their translations,
 * since loading CR3 (without PCIDs) flushes the others. */
#include <arch/x86_64/paging.h>
#include <kern/atomic.h>
#include <kern/mm.h>
#include <kern/string.h>
#include <plat/mem.h>
#include <plat/user.h>
#include "aspace.h"
#include "cpu_ops.h"
#include "paging.h"
#include "percpu.h"
#include "user_cpu.h"

uint64_t plat_pte_nx_bit(void)
{
	return paging_nx_bit();
}

struct plat_aspace *plat_aspace_create(paddr_t pml4)
{
	struct plat_aspace *as = kmalloc(sizeof(*as));
	pte_t *kernel = plat_phys_to_virt(paging_kernel_root());
	pte_t *user = plat_phys_to_virt(pml4);

	if (!as)
		return NULL;
	as->pml4 = pml4;
	as->cpus = 0;
	memcpy(&user[PT_ENTRIES / 2], &kernel[PT_ENTRIES / 2], (PT_ENTRIES / 2) * sizeof(pte_t));
	return as;
}

void plat_aspace_destroy(struct plat_aspace *as)
{
	if (!as)
		return;
	/* The core frees the tables next: no CPU may still walk them. */
	tlb_shootdown(as, 0, 0, true);
	kfree(as);
}

void plat_aspace_invalidate(struct plat_aspace *as, uintptr_t va, size_t len)
{
	if (len)
		tlb_shootdown(as, va, len, false);
}

void aspace_activate(struct cpu_local *c, struct plat_aspace *as)
{
	struct plat_aspace *old = c->loaded_as;
	uint64_t bit = 1ULL << c->index;

	if (old == as)
		return;
	/* Joining before the CR3 load (both full barriers) means a shootdown
	 * that misses this CPU changed the tables before it loaded them. */
	if (as)
		atomic_fetch_or(&as->cpus, bit);
	write_cr3(as ? as->pml4 : paging_kernel_root());
	if (old)
		atomic_fetch_and(&old->cpus, ~bit);
	c->loaded_as = as;
}
