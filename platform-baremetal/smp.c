/* Secondary CPU start-up: INIT-SIPI-SIPI with the real-mode trampoline, and
 * inter-processor interrupts. */
#include <arch/x86_64/apic.h>
#include <arch/x86_64/cr.h>
#include <arch/x86_64/paging.h>
#include <kern/atomic.h>
#include <kern/string.h>
#include <plat/cpu.h>
#include <plat/entry.h>
#include <plat/mem.h>
#include <plat/time.h>
#include "acpi.h"
#include "apic.h"
#include "boot.h"
#include "cpu_ops.h"
#include "memmap.h"
#include "paging.h"
#include "percpu.h"
#include "plat_errno.h"
#include "timekeeping.h"

#define INIT_DELAY_NS 10000000ULL  /* 10 ms after INIT */
#define SIPI_DELAY_NS 200000ULL    /* 200 us between startup IPIs */
#define AP_ALIVE_TIMEOUT_NS 1000000000ULL
#define SIPI_MAX_PAGE 0x100 /* the SIPI vector is a page number below 1 MiB */

extern char trampoline_start[], trampoline_end[];
extern char tramp_gdtr[], tramp_far64[], tramp_cr3[], tramp_efer[], tramp_stack[], tramp_entry[];
extern char tramp_cpu[], tramp_gdt[], tramp_long[];

/* Temporary tables for the AP's switch: identity-map the low 2 MiB (where
 * the trampoline runs) plus the kernel half. Inside the image, hence below
 * 4 GiB as a 32-bit CR3 load needs. */
static pte_t tramp_pml4[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static pte_t tramp_pdpt[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static pte_t tramp_pd[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static paddr_t tramp_page;
static int start_lock;

unsigned plat_cpu_count(void)
{
	return topology.cpu_count;
}

void plat_ipi_send(unsigned cpu)
{
	if (cpu < topology.cpu_count)
		lapic_send_ipi(topology.apic_id[cpu], VEC_IPI | LAPIC_ICR_FIXED | LAPIC_ICR_ASSERT);
}

void smp_prepare(void);
void smp_prepare(void)
{
	const pte_t *kernel_pml4 = plat_phys_to_virt(paging_kernel_root());

	if (topology.cpu_count < 2)
		return;
	tramp_page = memmap_find_low_page();
	if (!tramp_page || (tramp_page >> PAGE_SHIFT) >= SIPI_MAX_PAGE ||
	    (size_t)(trampoline_end - trampoline_start) > PAGE_SIZE) {
		bm_log("smp: no free page below 1 MiB for the AP trampoline; using 1 cpu");
		topology.cpu_count = 1;
		return;
	}
	for (unsigned cpu = 1; cpu < topology.cpu_count; cpu++)
		percpu_prepare(cpu, topology.apic_id[cpu]);
	tramp_pml4[0] = plat_virt_to_phys(tramp_pdpt) | PTE_P | PTE_W;
	tramp_pdpt[0] = plat_virt_to_phys(tramp_pd) | PTE_P | PTE_W;
	tramp_pd[0] = 0 | PTE_P | PTE_W | PTE_PS;
	for (unsigned i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		tramp_pml4[i] = kernel_pml4[i];
	bm_log("smp: AP trampoline at 0x%lx", (unsigned long)tramp_page);
}

static NORETURN void ap_entry(unsigned cpu)
{
	struct cpu_local *c = &cpu_locals[cpu];

	paging_load();
	percpu_load(cpu);
	if (atomic_load_acquire(&c->abandoned))
		halt_forever(); /* too late: the core has given up on us */
	lapic_init_cpu();
	atomic_store_release(&c->alive, 1);
	kernel_secondary_main(cpu);
}

static void patch32(char *field, uint64_t v)
{
	uint32_t v32 = (uint32_t)v;

	memcpy((char *)plat_phys_to_virt(tramp_page) + (field - trampoline_start), &v32, 4);
}

static void patch64(char *field, uint64_t v)
{
	memcpy((char *)plat_phys_to_virt(tramp_page) + (field - trampoline_start), &v, 8);
}

static bool wait_alive(struct cpu_local *c, uint64_t ns)
{
	ktime_t end = plat_time_ns() + ns;

	while (!atomic_load_acquire(&c->alive)) {
		if (plat_time_ns() >= end)
			return false;
		plat_cpu_relax();
	}
	return true;
}

int plat_cpu_start(unsigned cpu, void *stack_top, size_t stack_size)
{
	struct cpu_local *c;
	uint32_t apic_id;
	int expected = 0, err = 0;

	if (cpu == 0 || cpu >= topology.cpu_count || !stack_top || !tramp_page)
		return -PLAT_EINVAL;
	c = &cpu_locals[cpu];
	if (c->alive)
		return -PLAT_EBUSY;
	while (!atomic_cas(&start_lock, &expected, 1)) { /* one trampoline */
		expected = 0;
		plat_cpu_relax();
	}
	apic_id = topology.apic_id[cpu];
	c->boot_stack_base = (char *)stack_top - stack_size;
	c->boot_stack_size = stack_size;
	c->abandoned = 0;

	memcpy(plat_phys_to_virt(tramp_page), trampoline_start, (size_t)(trampoline_end - trampoline_start));
	patch32(tramp_gdtr + 2, tramp_page + (uint64_t)(tramp_gdt - trampoline_start));
	patch32(tramp_far64, tramp_page + (uint64_t)(tramp_long - trampoline_start));
	patch32(tramp_cr3, plat_virt_to_phys(tramp_pml4));
	patch32(tramp_efer, EFER_LME | (paging_nx_bit() ? EFER_NXE : 0));
	patch64(tramp_stack, (uintptr_t)stack_top);
	patch64(tramp_entry, (uintptr_t)ap_entry);
	patch32(tramp_cpu, cpu);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	lapic_send_ipi(apic_id, LAPIC_ICR_INIT | LAPIC_ICR_ASSERT | LAPIC_ICR_LEVEL);
	delay_ns(INIT_DELAY_NS);
	for (int attempt = 0; attempt < 2 && !c->alive; attempt++) {
		lapic_send_ipi(apic_id, LAPIC_ICR_STARTUP | (uint32_t)(tramp_page >> PAGE_SHIFT));
		wait_alive(c, SIPI_DELAY_NS);
	}
	if (!wait_alive(c, AP_ALIVE_TIMEOUT_NS)) {
		atomic_store_release(&c->abandoned, 1);
		bm_log("smp: cpu %u (apic id %u) did not answer the startup IPIs", cpu, apic_id);
		err = -PLAT_ETIMEDOUT;
	}
	atomic_store_release(&start_lock, 0);
	return err;
}
