/* Reads the PVH start info (QEMU -kernel, Xen, Firecracker...). */
#include <kern/string.h>
#include <plat/mem.h>
#include "acpi.h"
#include "boot.h"
#include "layout.h"
#include "memmap.h"

#define E820_RAM 1

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr; /* version >= 1 */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

bool pvh_parse(paddr_t pa)
{
	const struct hvm_start_info *si = plat_phys_to_virt(pa);

	if (si->magic != BOOT_KIND_PVH) {
		bm_log("pvh: bad start info magic %#x", si->magic);
		return false;
	}
	boot_info.loader = "pvh";
	memmap_reserve(pa, sizeof(*si), PLAT_MEM_RESERVED);
	if (si->cmdline_paddr) {
		const char *cmd = plat_phys_to_virt(si->cmdline_paddr);

		kstrlcpy(boot_info.cmdline, cmd, sizeof(boot_info.cmdline));
		memmap_reserve(si->cmdline_paddr, strlen(cmd) + 1, PLAT_MEM_RESERVED);
	}
	if (si->rsdp_paddr) {
		const struct acpi_rsdp *r = plat_phys_to_virt(si->rsdp_paddr);
		size_t len = r->revision >= 2 ? sizeof(*r) : 20;

		memcpy(boot_info.rsdp, r, len);
		boot_info.rsdp_len = len;
	}
	if (si->nr_modules && si->modlist_paddr) {
		const struct hvm_modlist_entry *m = plat_phys_to_virt(si->modlist_paddr);

		memmap_reserve(si->modlist_paddr, si->nr_modules * sizeof(*m), PLAT_MEM_RESERVED);
		for (uint32_t i = 0; i < si->nr_modules; i++)
			memmap_reserve(m[i].paddr, m[i].size, PLAT_MEM_MODULE);
	}
	if (si->version < 1 || !si->memmap_paddr || !si->memmap_entries) {
		bm_log("pvh: start info version %u has no memory map", si->version);
		return false;
	}
	const struct hvm_memmap_entry *e = plat_phys_to_virt(si->memmap_paddr);

	memmap_reserve(si->memmap_paddr, si->memmap_entries * sizeof(*e), PLAT_MEM_RESERVED);
	for (uint32_t i = 0; i < si->memmap_entries; i++)
		memmap_add_firmware(e[i].addr, e[i].size, e[i].type == E820_RAM);
	return true;
}
