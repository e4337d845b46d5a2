/* The boot CPU's path from boot.S to kernel_main(): learn the machine from
 * the loader, take over paging, set up this CPU, find the others and the
 * interrupt controllers through ACPI, calibrate time, then hand over. */
#include <arch/x86_64/msr.h>
#include <kern/string.h>
#include <plat/cpu.h>
#include <plat/console.h>
#include <plat/entry.h>
#include <plat/mem.h>
#include "acpi.h"
#include "apic.h"
#include "boot.h"
#include "cpu_ops.h"
#include "layout.h"
#include "memmap.h"
#include "paging.h"
#include "percpu.h"
#include "timekeeping.h"

NORETURN void boot_main(uint32_t kind, uint32_t info);
void console_early_init(void);
void smp_prepare(void);

extern char __kernel_phys_start[], __kernel_end[], boot_stack_bottom[];

struct boot_info boot_info;

static void reserve_platform_memory(void)
{
	paddr_t image_end = plat_virt_to_phys(__kernel_end);

	/* Real-mode IVT, BIOS data, EBDA, VGA and ROMs; also where the AP
	 * trampoline goes. */
	memmap_reserve(0, MiB(1), PLAT_MEM_RESERVED);
	memmap_reserve((paddr_t)(uintptr_t)__kernel_phys_start, image_end - (paddr_t)(uintptr_t)__kernel_phys_start,
		       PLAT_MEM_RESERVED);
}

static void log_memmap(void)
{
	static struct plat_mem_region regions[64];
	unsigned n = plat_memmap(regions, ARRAY_SIZE(regions));
	uint64_t usable = 0;

	static const char *const type_names[] = {
		[PLAT_MEM_USABLE] = "usable",
		[PLAT_MEM_RESERVED] = "reserved",
		[PLAT_MEM_MODULE] = "module",
	};

	for (unsigned i = 0; i < n; i++) {
		if (regions[i].type == PLAT_MEM_USABLE)
			usable += regions[i].size;
		bm_log("  0x%012lx-0x%012lx %s", (unsigned long)regions[i].base,
		       (unsigned long)(regions[i].base + regions[i].size - 1), type_names[regions[i].type]);
	}
	bm_log("memory: %u regions, %lu MiB usable", n, (unsigned long)(usable >> 20));
}

NORETURN void boot_main(uint32_t kind, uint32_t info)
{
	struct cpu_local *bsp = &cpu_locals[0];
	char opt[16];
	bool acpi_ok = false;

	/* plat_cpu_id() works from the first line on. */
	bsp->self = bsp;
	bsp->index = 0;
	bsp->boot_stack_base = boot_stack_bottom;
	bsp->boot_stack_size = BOOT_STACK_SIZE;
	wrmsr(MSR_GS_BASE, (uintptr_t)bsp);
	console_early_init();
	plat_console_write("\n", 1);

	if (kind == BOOT_KIND_MULTIBOOT2) {
		if (!multiboot2_parse(info))
			bm_fatal("boot: unusable multiboot2 information");
	} else if (kind == BOOT_KIND_PVH) {
		if (!pvh_parse(info))
			bm_fatal("boot: unusable PVH start info");
	} else {
		bm_fatal("boot: unknown loader (magic 0x%x); boot with multiboot2 or PVH", kind);
	}
	bm_log("MACROHARD bare metal, loaded by %s; command line: %s", boot_info.loader, boot_info.cmdline);
	reserve_platform_memory();

	paging_init();
	idt_init();
	percpu_prepare(0, 0);
	percpu_load(0);

	if (boot_cmdline_option("acpi", opt, sizeof(opt)) && strcmp(opt, "off") == 0)
		bm_log("acpi: disabled on the command line");
	else
		acpi_ok = acpi_init(boot_info.rsdp, boot_info.rsdp_len);
	madt_parse(acpi_ok);

	pic_disable();
	lapic_init_global(topology.lapic_phys);
	lapic_init_cpu();
	bsp->apic_id = lapic_read_id();
	topology.apic_id[0] = bsp->apic_id;
	ioapic_init();

	tsc_calibrate();
	lapic_timer_calibrate();
	smp_prepare();

	log_memmap();
	early_alloc_seal();
	kernel_main(boot_info.cmdline);
}
