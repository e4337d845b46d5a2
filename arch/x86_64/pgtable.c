#include <arch/x86_64/pgtable.h>
#include <kern/mm.h>
#include <kern/string.h>

/* Intermediate entries are maximally permissive; leaves decide. */
#define PT_TABLE_FLAGS (PTE_P | PTE_W | PTE_U)

static pte_t *table_virt(paddr_t pa)
{
	return plat_phys_to_virt(pa);
}

paddr_t pgtable_create(void)
{
	paddr_t pa = page_alloc(0);

	if (pa)
		memset(table_virt(pa), 0, PAGE_SIZE);
	return pa;
}

static void free_level(paddr_t table, int level)
{
	pte_t *t = table_virt(table);
	unsigned n = level == 4 ? PT_ENTRIES / 2 : PT_ENTRIES;

	if (level > 1) {
		for (unsigned i = 0; i < n; i++)
			if (t[i] & PTE_P)
				free_level(pte_addr(t[i]), level - 1);
	}
	page_free(table, 0);
}

void pgtable_destroy(paddr_t pml4)
{
	free_level(pml4, 4);
}

pte_t *pgtable_walk(paddr_t pml4, uintptr_t va, bool create)
{
	static const unsigned shifts[] = {PML4_SHIFT, PDPT_SHIFT, PD_SHIFT};
	paddr_t table = pml4;

	if (va >= USER_VA_END)
		return NULL;
	for (unsigned l = 0; l < 3; l++) {
		pte_t *e = &table_virt(table)[pt_index(va, shifts[l])];
		if (!(*e & PTE_P)) {
			paddr_t next;
			if (!create || !(next = pgtable_create()))
				return NULL;
			*e = next | PT_TABLE_FLAGS;
		}
		table = pte_addr(*e);
	}
	return &table_virt(table)[pt_index(va, PT_SHIFT)];
}

static void walk_range(paddr_t table, int level, uintptr_t base, uintptr_t start, uintptr_t end,
		       void (*fn)(uintptr_t, pte_t *, void *), void *arg)
{
	unsigned shift = PT_SHIFT + PT_LEVEL_SHIFT * (unsigned)(level - 1);
	uintptr_t span = (uintptr_t)1 << shift;
	pte_t *t = table_virt(table);

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uintptr_t lo = base + i * span, hi = lo + span;
		if (hi <= start || lo >= end || !(t[i] & PTE_P))
			continue;
		if (level == 1)
			fn(lo, &t[i], arg);
		else
			walk_range(pte_addr(t[i]), level - 1, lo, start, end, fn, arg);
	}
}

void pgtable_for_each(paddr_t pml4, uintptr_t start, uintptr_t end, void (*fn)(uintptr_t va, pte_t *pte, void *arg),
		      void *arg)
{
	if (end > USER_VA_END)
		end = USER_VA_END;
	walk_range(pml4, 4, 0, start, end, fn, arg);
}
