/* Reads the multiboot2 boot information (GRUB, BIOS or UEFI). */
#include <kern/string.h>
#include <plat/mem.h>
#include "boot.h"
#include "memmap.h"

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_MEMORY_AVAILABLE 1

struct mb2_info {
	uint32_t total_size;
	uint32_t reserved;
};

struct mb2_tag {
	uint32_t type;
	uint32_t size;
};

struct mb2_module {
	struct mb2_tag tag;
	uint32_t mod_start, mod_end;
	char cmdline[];
};

struct mb2_meminfo {
	struct mb2_tag tag;
	uint32_t mem_lower, mem_upper; /* KiB below 1 MiB / above 1 MiB */
};

struct mb2_mmap {
	struct mb2_tag tag;
	uint32_t entry_size, entry_version;
};

struct mb2_mmap_entry {
	uint64_t base, length;
	uint32_t type, reserved;
};

static void take_rsdp(const struct mb2_tag *tag)
{
	size_t len = tag->size - sizeof(*tag);

	/* Prefer the ACPI 2.0 copy (it has the XSDT) over 1.0. */
	if (boot_info.rsdp_len && tag->type == MB2_TAG_ACPI_OLD)
		return;
	len = MIN(len, sizeof(boot_info.rsdp));
	memcpy(boot_info.rsdp, tag + 1, len);
	boot_info.rsdp_len = len;
}

bool multiboot2_parse(paddr_t info)
{
	const struct mb2_info *mbi = plat_phys_to_virt(info);
	const uint8_t *p, *end;
	const struct mb2_meminfo *meminfo = NULL;
	bool have_mmap = false;

	if (info & 7 || mbi->total_size < sizeof(*mbi) + sizeof(struct mb2_tag)) {
		bm_log("multiboot2: bad boot information at %#lx", (unsigned long)info);
		return false;
	}
	boot_info.loader = "multiboot2";
	memmap_reserve(info, mbi->total_size, PLAT_MEM_RESERVED);
	p = (const uint8_t *)(mbi + 1);
	end = (const uint8_t *)mbi + mbi->total_size;
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *tag = (const struct mb2_tag *)p;

		if (tag->type == MB2_TAG_END || tag->size < sizeof(*tag) || p + tag->size > end)
			break;
		switch (tag->type) {
		case MB2_TAG_CMDLINE:
			kstrlcpy(boot_info.cmdline, (const char *)(tag + 1),
				 MIN(sizeof(boot_info.cmdline), tag->size - sizeof(*tag) + 1));
			break;
		case MB2_TAG_MODULE: {
			const struct mb2_module *m = (const struct mb2_module *)tag;

			if (m->mod_end > m->mod_start)
				memmap_reserve(m->mod_start, m->mod_end - m->mod_start, PLAT_MEM_MODULE);
			break;
		}
		case MB2_TAG_BASIC_MEMINFO:
			meminfo = (const struct mb2_meminfo *)tag;
			break;
		case MB2_TAG_MMAP: {
			const struct mb2_mmap *mm = (const struct mb2_mmap *)tag;
			const uint8_t *e = (const uint8_t *)(mm + 1);

			if (mm->entry_size < sizeof(struct mb2_mmap_entry))
				break;
			for (; e + mm->entry_size <= p + tag->size; e += mm->entry_size) {
				const struct mb2_mmap_entry *me = (const struct mb2_mmap_entry *)e;

				memmap_add_firmware(me->base, me->length, me->type == MB2_MEMORY_AVAILABLE);
			}
			have_mmap = true;
			break;
		}
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			take_rsdp(tag);
			break;
		default:
			break;
		}
		p += ALIGN_UP(tag->size, 8);
	}
	if (!have_mmap && meminfo) {
		bm_log("multiboot2: no memory map, using the basic memory sizes");
		memmap_add_firmware(0, (uint64_t)meminfo->mem_lower << 10, true);
		memmap_add_firmware(MiB(1), (uint64_t)meminfo->mem_upper << 10, true);
		have_mmap = true;
	}
	if (!have_mmap)
		bm_log("multiboot2: the loader gave no memory information");
	return have_mmap;
}
