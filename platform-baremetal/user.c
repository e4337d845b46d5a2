/* Address spaces on bare metal: the core builds the user half of each
 * top-level table; the kernel half is shared with the kernel's own tables.
 * Entering ring 3 (plat_user_enter) is not implemented yet on bare metal:
 * user space runs on the hosted platform first. */
#include <arch/x86_64/paging.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/string.h>
#include <plat/mem.h>
#include <plat/user.h>

#include "paging.h"

struct plat_aspace {
	paddr_t pml4;
};

bool plat_user_available(void)
{
	return false;
}

uintptr_t plat_user_va_limit(void)
{
	return 0x00007ffffffff000ULL; /* the canonical user half, minus a guard page */
}

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
	/* The kernel half's PML4 slots all exist from boot, so copies never go stale. */
	memcpy(&user[PT_ENTRIES / 2], &kernel[PT_ENTRIES / 2], (PT_ENTRIES / 2) * sizeof(pte_t));
	return as;
}

void plat_aspace_destroy(struct plat_aspace *as)
{
	if (as)
		memset(&((pte_t *)plat_phys_to_virt(as->pml4))[PT_ENTRIES / 2], 0, (PT_ENTRIES / 2) * sizeof(pte_t));
	kfree(as);
}

void plat_aspace_invalidate(struct plat_aspace *as, uintptr_t va, size_t len)
{
	uint64_t cr3;

	/* No CPU has loaded a user address space yet (see plat_user_enter), so
	 * only this CPU's TLB could hold its translations. */
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	if ((cr3 & PTE_ADDR_MASK) != as->pml4)
		return;
	if (len > 64 * PAGE_SIZE) {
		plat_tlb_flush_all();
		return;
	}
	for (uintptr_t a = va & ~(PAGE_SIZE - 1); a < va + len; a += PAGE_SIZE)
		plat_tlb_flush_page(a);
}

void plat_user_fpu_sync(struct plat_aspace *as, struct user_regs *regs)
{
}

void plat_user_fpu_forget(struct plat_aspace *as, struct user_regs *regs)
{
}

void plat_user_enter(struct plat_aspace *as, struct user_regs *regs, struct user_trap *trap)
{
	panic("plat_user_enter: ring 3 is not implemented on bare metal yet");
}
