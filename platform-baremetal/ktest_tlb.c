/* Self test of the bare-metal TLB shootdown: a thread on another CPU (the
 * same one with a single CPU) keeps an address space loaded and reads
 * through a mapping that this thread then moves to another page and
 * invalidates; the reader must see the new page, which it would not if its
 * CPU kept the old translation (QEMU's TLB keeps it until flushed, like
 * hardware). Destroying the address space must take the reader's CPU off
 * its tables. The mapping is a supervisor one in the user half, so the
 * kernel may read it under SMAP. */
#include <arch/x86_64/paging.h>
#include <kern/atomic.h>
#include <kern/ktest.h>
#include <kern/mm.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <plat/cpu.h>
#include <plat/mem.h>
#include <plat/user.h>
#include "aspace.h"
#include "cpu_ops.h"
#include "paging.h"
#include "percpu.h"
#include "user_cpu.h"

#define TEST_VA 0x0000004000000000ULL /* 256 GiB: any user-half address does */
#define ROUNDS 20

struct tlb_test {
	struct ktest_ctx *kt;
	struct plat_aspace *as;
	paddr_t pml4;
	int round;        /* the reader's progress: 2r+1 once round r is loaded */
	int changed;      /* rounds the writer has remapped */
	int destroyed;
	int cpu;
};

static uint64_t pattern(int round)
{
	return 0x5a5a000000000000ULL | (uint64_t)round;
}

/* Waits for the other thread: spinning politely across CPUs, yielding on
 * the one CPU both share otherwise. */
static void wait_step(void)
{
	if (plat_cpu_count() > 1)
		plat_cpu_relax();
	else
		thread_yield();
}

/* Reads TEST_VA with the address space loaded on this CPU. */
static uint64_t read_through(struct tlb_test *t)
{
	irqflags_t f = plat_irq_save();
	uint64_t v;

	aspace_activate(this_cpu(), t->as); /* a no-op unless another one ran here */
	v = *(volatile uint64_t *)TEST_VA;
	plat_irq_restore(f);
	return v;
}

static void reader(void *arg)
{
	struct tlb_test *t = arg;

	KT_CHECK(t->kt, plat_cpu_id() == (unsigned)t->cpu);
	for (int r = 0; r < ROUNDS; r++) {
		KT_CHECK(t->kt, read_through(t) == pattern(r)); /* caches the translation */
		atomic_store_release(&t->round, 2 * r + 1);
		while (atomic_load_acquire(&t->changed) <= r)
			wait_step();
		KT_CHECK(t->kt, read_through(t) == pattern(r + 1));
		atomic_store_release(&t->round, 2 * r + 2);
	}
	while (!atomic_load_acquire(&t->destroyed))
		wait_step();
	{
		irqflags_t f = plat_irq_save();
		KT_CHECK(t->kt, this_cpu()->loaded_as != t->as);
		KT_CHECK(t->kt, (read_cr3() & PTE_ADDR_MASK) != t->pml4);
		plat_irq_restore(f);
	}
}

static paddr_t zeroed_page(void)
{
	paddr_t pa = page_alloc(0);

	if (pa)
		memset(plat_phys_to_virt(pa), 0, PAGE_SIZE);
	return pa;
}

KTEST(baremetal_tlb_shootdown)
{
	struct tlb_test t = {.kt = kt, .cpu = plat_cpu_count() > 1 ? 1 : 0};
	paddr_t tables[4], data[ROUNDS + 1];
	pte_t *pt;
	struct thread *th;
	paddr_t pml4;

	for (unsigned i = 0; i < ARRAY_SIZE(tables); i++)
		KT_ASSERT((tables[i] = zeroed_page()) != 0);
	for (int r = 0; r <= ROUNDS; r++) {
		KT_ASSERT((data[r] = zeroed_page()) != 0);
		*(uint64_t *)plat_phys_to_virt(data[r]) = pattern(r);
	}
	pml4 = t.pml4 = tables[0];
	((pte_t *)plat_phys_to_virt(pml4))[pt_index(TEST_VA, PML4_SHIFT)] = tables[1] | PTE_P | PTE_W;
	((pte_t *)plat_phys_to_virt(tables[1]))[pt_index(TEST_VA, PDPT_SHIFT)] = tables[2] | PTE_P | PTE_W;
	((pte_t *)plat_phys_to_virt(tables[2]))[pt_index(TEST_VA, PD_SHIFT)] = tables[3] | PTE_P | PTE_W;
	pt = (pte_t *)plat_phys_to_virt(tables[3]) + pt_index(TEST_VA, PT_SHIFT);
	*pt = data[0] | PTE_P | paging_nx_bit();
	KT_ASSERT((t.as = plat_aspace_create(pml4)) != NULL);

	/* The writer stays off the reader's CPU when there is another. */
	thread_set_affinity(0);
	th = thread_create(reader, &t, "tlb-reader", SCHED_PRIO_DEFAULT, t.cpu, false);
	KT_ASSERT(th != NULL);
	for (int r = 0; r < ROUNDS; r++) {
		while (atomic_load_acquire(&t.round) < 2 * r + 1)
			wait_step();
		*pt = data[r + 1] | PTE_P | paging_nx_bit();
		plat_aspace_invalidate(t.as, TEST_VA, PAGE_SIZE);
		atomic_store_release(&t.changed, r + 1);
	}
	while (atomic_load_acquire(&t.round) < 2 * ROUNDS)
		wait_step();
	plat_aspace_destroy(t.as);
	atomic_store_release(&t.destroyed, 1);
	thread_join(th);
	thread_set_affinity(CPU_ANY);

	for (unsigned i = 0; i < ARRAY_SIZE(tables); i++)
		page_free(tables[i], 0);
	for (int r = 0; r <= ROUNDS; r++)
		page_free(data[r], 0);
}
