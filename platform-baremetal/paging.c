/* The kernel's page tables: a direct map of every firmware-described 2 MiB
 * chunk of physical memory, the kernel image with W^X per section, and a
 * window for uncached device mappings. The top-level slots for all three
 * exist before any other CPU or address space, so every copy of the kernel
 * half stays in sync without shootdowns of PML4 entries. */
#include <arch/x86_64/cpuid.h>
#include <arch/x86_64/cr.h>
#include <arch/x86_64/msr.h>
#include <arch/x86_64/paging.h>
#include <kern/atomic.h>
#include <kern/string.h>
#include <plat/cpu.h>
#include <plat/mem.h>
#include "boot.h"
#include "cpu_ops.h"
#include "layout.h"
#include "memmap.h"
#include "paging.h"

/* Page tables for plat_mmio_map's 4 KiB mappings (2 MiB each); larger
 * mappings use 2 MiB pages and need none. */
#define MMIO_PT_POOL 16
#define TABLE_FLAGS (PTE_P | PTE_W)

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[];

static pte_t kernel_pml4[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static pte_t mmio_pdpt[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static pte_t mmio_pd[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static pte_t mmio_pt_pool[MMIO_PT_POOL][PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static unsigned mmio_pt_used;
static uintptr_t mmio_next = MMIO_WINDOW_BASE;
static int mmio_lock;
static uint64_t nx_bit;

void *plat_phys_to_virt(paddr_t pa)
{
	return (void *)(DIRECT_MAP_BASE + pa);
}

paddr_t plat_virt_to_phys(const void *va)
{
	uintptr_t v = (uintptr_t)va;

	/* Static kernel data (.data/.bss) lives in the image mapping. */
	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA;
	return v - DIRECT_MAP_BASE;
}

uint64_t plat_dma_address(paddr_t pa)
{
	return pa; /* no IOMMU: bus addresses are physical addresses */
}

void plat_tlb_flush_page(uintptr_t va)
{
	__asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

void plat_tlb_flush_all(void)
{
	write_cr3(read_cr3());
}

uint64_t paging_nx_bit(void)
{
	return nx_bit;
}

paddr_t paging_kernel_root(void)
{
	return plat_virt_to_phys(kernel_pml4);
}

/* The next-level table under `entry`, allocated at boot if absent. */
static pte_t *next_table(pte_t *entry)
{
	if (!(*entry & PTE_P))
		*entry = early_alloc_pages(1) | TABLE_FLAGS;
	return plat_phys_to_virt(pte_addr(*entry));
}

static void map_large(uintptr_t va, paddr_t pa, uint64_t flags)
{
	pte_t *pdpt = next_table(&kernel_pml4[pt_index(va, PML4_SHIFT)]);
	pte_t *pd = next_table(&pdpt[pt_index(va, PDPT_SHIFT)]);

	pd[pt_index(va, PD_SHIFT)] = pa | flags | PTE_PS;
}

static void map_small(uintptr_t va, paddr_t pa, uint64_t flags)
{
	pte_t *pdpt = next_table(&kernel_pml4[pt_index(va, PML4_SHIFT)]);
	pte_t *pd = next_table(&pdpt[pt_index(va, PDPT_SHIFT)]);
	pte_t *pt = next_table(&pd[pt_index(va, PD_SHIFT)]);

	pt[pt_index(va, PT_SHIFT)] = pa | flags;
}

struct direct_map_pass {
	bool usable_pass;
	uint64_t mapped; /* bytes */
};

/* Chunks holding any RAM are write-back; chunks with only firmware-reserved
 * ranges (ACPI NVS, ROMs, ECAM) are uncached, matching what MTRRs say. */
static void direct_map_region(paddr_t base, uint64_t size, bool usable, void *arg)
{
	struct direct_map_pass *pass = arg;
	uint64_t flags = PTE_P | PTE_W | nx_bit | (usable ? 0 : PTE_PCD | PTE_PWT);

	if (usable != pass->usable_pass)
		return;
	for (paddr_t pa = ALIGN_DOWN(base, LARGE_PAGE_SIZE); pa < base + size; pa += LARGE_PAGE_SIZE) {
		uintptr_t va = DIRECT_MAP_BASE + pa;
		pte_t *pdpt = next_table(&kernel_pml4[pt_index(va, PML4_SHIFT)]);
		pte_t *pd = next_table(&pdpt[pt_index(va, PDPT_SHIFT)]);

		if (pa >= DIRECT_MAP_LIMIT)
			break;
		if (pd[pt_index(va, PD_SHIFT)] & PTE_P)
			continue; /* RAM claimed the chunk first */
		map_large(va, pa, flags);
		pass->mapped += LARGE_PAGE_SIZE;
	}
}

static void map_kernel_range(const char *start, const char *end, uint64_t flags)
{
	for (uintptr_t va = (uintptr_t)start; va < (uintptr_t)end; va += PAGE_SIZE)
		map_small(va, plat_virt_to_phys((void *)va), flags);
}

void paging_load(void)
{
	uint64_t efer = rdmsr(MSR_EFER);

	if (nx_bit)
		wrmsr(MSR_EFER, efer | EFER_NXE);
	/* Honour read-only pages in ring 0; make sure caches are on. */
	write_cr0((read_cr0() | CR0_WP | CR0_NE) & ~(uint64_t)(CR0_CD | CR0_NW));
	write_cr3(paging_kernel_root());
}

void paging_init(void)
{
	paddr_t end = memmap_phys_end();
	struct direct_map_pass pass = {true, 0};

	if (cpuid_has_ext_leaf(CPUID_LEAF_EXT_FEATURES) &&
	    (cpuid(CPUID_LEAF_EXT_FEATURES, 0).edx & CPUID_EXT_EDX_NX))
		nx_bit = PTE_NX;
	if (end > DIRECT_MAP_LIMIT) {
		bm_log("paging: ignoring physical memory above %lu GiB", (unsigned long)(DIRECT_MAP_LIMIT >> 30));
		end = DIRECT_MAP_LIMIT;
	}
	memmap_for_each_firmware(direct_map_region, &pass);
	pass.usable_pass = false;
	memmap_for_each_firmware(direct_map_region, &pass);

	map_kernel_range(__text_start, __text_end, PTE_P);
	map_kernel_range(__rodata_start, __rodata_end, PTE_P | nx_bit);
	map_kernel_range(__data_start, __kernel_end, PTE_P | PTE_W | nx_bit);

	mmio_pdpt[0] = plat_virt_to_phys(mmio_pd) | TABLE_FLAGS;
	kernel_pml4[pt_index(MMIO_WINDOW_BASE, PML4_SHIFT)] = plat_virt_to_phys(mmio_pdpt) | TABLE_FLAGS;

	paging_load();
	bm_log("paging: direct map of %lu MiB up to 0x%lx, NX %s", (unsigned long)(pass.mapped >> 20),
	       (unsigned long)end, nx_bit ? "on" : "off");
}

/* Walks the kernel tables; returns the leaf entry for `va` or 0. */
static pte_t lookup(uintptr_t va)
{
	pte_t e = kernel_pml4[pt_index(va, PML4_SHIFT)];
	const unsigned shifts[] = {PDPT_SHIFT, PD_SHIFT, PT_SHIFT};

	for (unsigned i = 0; i < ARRAY_SIZE(shifts); i++) {
		if (!(e & PTE_P))
			return 0;
		if (i > 0 && (e & PTE_PS))
			return e;
		e = ((const pte_t *)plat_phys_to_virt(pte_addr(e)))[pt_index(va, shifts[i])];
	}
	return (e & PTE_P) ? e : 0;
}

bool paging_direct_mapped(paddr_t pa, uint64_t len)
{
	if (pa + len < pa || pa + len > DIRECT_MAP_LIMIT)
		return false;
	for (paddr_t p = ALIGN_DOWN(pa, PAGE_SIZE); p < pa + len; p += PAGE_SIZE)
		if (!lookup(DIRECT_MAP_BASE + p))
			return false;
	return true;
}

static void mmio_lock_acquire(void)
{
	int expected = 0;

	while (!atomic_cas(&mmio_lock, &expected, 1)) {
		expected = 0;
		plat_cpu_relax();
	}
}

void *plat_mmio_map(paddr_t pa, size_t size)
{
	const uint64_t flags = PTE_P | PTE_W | PTE_PCD | PTE_PWT | nx_bit;
	bool large = size >= LARGE_PAGE_SIZE;
	uint64_t granule = large ? LARGE_PAGE_SIZE : PAGE_SIZE;
	paddr_t first = ALIGN_DOWN(pa, granule), last = ALIGN_UP(pa + size, granule);
	irqflags_t irq;
	void *result = NULL;

	if (size == 0 || pa + size < pa)
		return NULL;
	irq = plat_irq_save();
	mmio_lock_acquire();
	uintptr_t va = ALIGN_UP(mmio_next, granule);
	if (va + (last - first) > MMIO_WINDOW_BASE + MMIO_WINDOW_SIZE)
		goto out;
	if (!large) {
		/* Make sure every page table this range needs exists. */
		for (uintptr_t v = va; v < va + (last - first); v += PAGE_SIZE) {
			pte_t *pde = &mmio_pd[pt_index(v, PD_SHIFT)];

			if (*pde & PTE_P)
				continue;
			if (mmio_pt_used == MMIO_PT_POOL)
				goto out;
			*pde = plat_virt_to_phys(mmio_pt_pool[mmio_pt_used++]) | TABLE_FLAGS;
		}
	}
	for (paddr_t p = first; p < last; p += granule, va += granule) {
		pte_t *pde = &mmio_pd[pt_index(va, PD_SHIFT)];

		if (large) {
			*pde = p | flags | PTE_PS;
		} else {
			pte_t *pt = plat_phys_to_virt(pte_addr(*pde));
			pt[pt_index(va, PT_SHIFT)] = p | flags;
		}
	}
	result = (void *)(va - (last - first) + (pa - first));
	mmio_next = va;
out:
	atomic_store_release(&mmio_lock, 0);
	plat_irq_restore(irq);
	return result;
}
