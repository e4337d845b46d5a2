/* TLB shootdowns: the CPU that changed an address space's tables asks every
 * other CPU that has them loaded (aspace.h) to flush, with the VEC_TLB IPI,
 * and waits until all have done so. One request is in flight at a time; a
 * CPU waiting for its turn with interrupts off answers requests meanwhile,
 * so two CPUs shooting at each other cannot deadlock. The caller must not
 * hold a lock another CPU may spin on with interrupts disabled (the core
 * calls this under its vm mutex). */
#include <arch/x86_64/apic.h>
#include <arch/x86_64/paging.h>
#include <kern/atomic.h>
#include <plat/cpu.h>
#include <plat/mem.h>
#include "apic.h"
#include "aspace.h"
#include "cpu_ops.h"
#include "paging.h"
#include "percpu.h"
#include "user_cpu.h"

/* Beyond this many pages one full flush is cheaper than invlpg each. */
#define FLUSH_ALL_PAGES 32

struct tlb_request {
	struct plat_aspace *as;
	uintptr_t va;
	size_t len;
	bool leave; /* switch to the kernel's tables (the address space dies) */
};

static struct tlb_request request;
static int request_lock;
static unsigned pending; /* CPUs yet to acknowledge `request` */

static void apply(struct cpu_local *c, const struct tlb_request *r)
{
	if (c->loaded_as != r->as)
		return; /* it loaded other tables since, which flushed these */
	if (r->leave) {
		aspace_activate(c, NULL);
	} else if (r->len > FLUSH_ALL_PAGES * PAGE_SIZE) {
		plat_tlb_flush_all();
	} else {
		for (uintptr_t a = ALIGN_DOWN(r->va, PAGE_SIZE); a < r->va + r->len; a += PAGE_SIZE)
			plat_tlb_flush_page(a);
	}
}

void tlb_shootdown_interrupt(void)
{
	struct cpu_local *c = this_cpu();

	if (!atomic_exchange(&c->tlb_request, 0))
		return;
	apply(c, &request);
	atomic_fetch_sub(&pending, 1);
}

void tlb_shootdown(struct plat_aspace *as, uintptr_t va, size_t len, bool leave)
{
	irqflags_t flags = plat_irq_save();
	struct cpu_local *self = this_cpu();
	int expected = 0;
	uint64_t targets;

	while (!atomic_cas(&request_lock, &expected, 1)) {
		expected = 0;
		tlb_shootdown_interrupt();
		plat_cpu_relax();
	}
	/* The lock's locked cmpxchg orders the caller's table changes before
	 * reading who has the tables loaded (aspace_activate's other half). */
	targets = atomic_load_acquire(&as->cpus) & ~(1ULL << self->index);
	request = (struct tlb_request){as, va, len, leave};
	atomic_store_release(&pending, (unsigned)__builtin_popcountll(targets));
	for (unsigned cpu = 0; targets; cpu++, targets >>= 1) {
		if (!(targets & 1))
			continue;
		atomic_store_release(&cpu_locals[cpu].tlb_request, 1);
		lapic_send_ipi(cpu_locals[cpu].apic_id, VEC_TLB | LAPIC_ICR_FIXED | LAPIC_ICR_ASSERT);
	}
	apply(self, &request);
	while (atomic_load_acquire(&pending))
		plat_cpu_relax();
	atomic_store_release(&request_lock, 0);
	plat_irq_restore(flags);
}
