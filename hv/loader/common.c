/* Shared pieces of the guest loaders: errors, the memory map, the boot GDT
 * and the command line. */
#include <kern/errno.h>
#include <kern/printf.h>
#include <kern/string.h>

#include "loader_internal.h"

#define LEGACY_HOLE_END 0x100000ull

int loader_fail(char *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		kvsnprintf(err, HV_LOADER_ERR_MAX, fmt, ap);
		va_end(ap);
	}
	return code;
}

bool loader_ram_range(const struct gmem *m, uint64_t gpa, uint64_t len)
{
	uint64_t end = gpa + len;

	if (end < gpa)
		return false;
	while (gpa < end) {
		const struct gmem_region *r = gmem_find(m, gpa);
		if (!r || r->kind != GMEM_RAM)
			return false;
		gpa = r->gpa + r->size;
	}
	return true;
}

uint64_t loader_ram_end(const struct gmem *m, uint64_t gpa)
{
	const struct gmem_region *r = gmem_find(m, gpa);
	uint64_t end = 0;

	while (r && r->kind == GMEM_RAM) {
		end = r->gpa + r->size;
		r = gmem_find(m, end);
	}
	return end;
}

static unsigned e820_add(struct hv_e820_entry *out, unsigned n, unsigned max, uint64_t addr, uint64_t size,
                         uint32_t type)
{
	if (!size)
		return n;
	/* Merge with a neighbour of the same type. */
	if (n && out[n - 1].type == type && out[n - 1].addr + out[n - 1].size == addr) {
		out[n - 1].size += size;
		return n;
	}
	if (n < max)
		out[n++] = (struct hv_e820_entry){addr, size, type};
	return n;
}

unsigned hv_loader_e820(const struct gmem *m, struct hv_e820_entry *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < m->n; i++) {
		const struct gmem_region *r = &m->region[i];
		uint64_t lo = r->gpa, hi = r->gpa + r->size;

		if (r->kind != GMEM_RAM) {
			n = e820_add(out, n, max, lo, r->size, HV_E820_RESERVED);
			continue;
		}
		/* The MP table, EBDA, VGA and BIOS area stay out of the usable RAM. */
		if (lo < HV_BOOT_MPTABLE_GPA)
			n = e820_add(out, n, max, lo, (hi < HV_BOOT_MPTABLE_GPA ? hi : HV_BOOT_MPTABLE_GPA) - lo,
			             HV_E820_RAM);
		if (lo < LEGACY_HOLE_END && hi > HV_BOOT_MPTABLE_GPA) {
			uint64_t a = lo > HV_BOOT_MPTABLE_GPA ? lo : HV_BOOT_MPTABLE_GPA;
			uint64_t b = hi < LEGACY_HOLE_END ? hi : LEGACY_HOLE_END;
			n = e820_add(out, n, max, a, b - a, HV_E820_RESERVED);
		}
		if (hi > LEGACY_HOLE_END) {
			uint64_t a = lo > LEGACY_HOLE_END ? lo : LEGACY_HOLE_END;
			n = e820_add(out, n, max, a, hi - a, HV_E820_RAM);
		}
	}
	return n;
}

int loader_write_gdt(struct gmem *m, bool long_mode)
{
	uint64_t gdt[] = {
	    0, 0, long_mode ? 0x00af9b000000ffffull : 0x00cf9b000000ffffull, /* 0x10: code, 4 GiB */
	    0x00cf93000000ffffull,                                           /* 0x18: data, 4 GiB */
	};
	uint8_t buf[sizeof(gdt)];

	for (unsigned i = 0; i < sizeof(gdt) / 8; i++)
		put64(buf + 8 * i, gdt[i]);
	return gmem_write(m, HV_BOOT_GDT_GPA, buf, sizeof(buf));
}

int loader_write_cmdline(struct gmem *m, const char *cmdline, uint64_t max, char *err)
{
	size_t len = cmdline ? strlen(cmdline) : 0;

	if (max > HV_BOOT_CMDLINE_MAX)
		max = HV_BOOT_CMDLINE_MAX;
	if (len + 1 > max)
		return loader_fail(err, -E2BIG, "command line of %zu bytes is longer than the kernel's limit of %llu",
		                   len, (unsigned long long)(max - 1));
	if (!loader_ram_range(m, HV_BOOT_CMDLINE_GPA, len + 1))
		return loader_fail(err, -E2BIG, "no RAM for the command line at %#llx",
		                   (unsigned long long)HV_BOOT_CMDLINE_GPA);
	if (len && gmem_write(m, HV_BOOT_CMDLINE_GPA, cmdline, len))
		return loader_fail(err, -EFAULT, "cannot write the command line");
	return gmem_write(m, HV_BOOT_CMDLINE_GPA + len, "", 1)
	           ? loader_fail(err, -EFAULT, "cannot write the command line")
	           : 0;
}
