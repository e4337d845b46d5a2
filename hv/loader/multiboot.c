/* Multiboot v1: finds the header in the first 8 KiB, loads the ELF32/ELF64
 * segments (or the a.out kludge's range) at their physical addresses, the
 * modules page aligned after the kernel, and the multiboot information
 * with the memory map; the vCPU starts in flat 32-bit protected mode. */
#include <kern/errno.h>
#include <kern/string.h>

#include "loader_internal.h"

#define MB_PAGE_ALIGN  (1u << 0)
#define MB_MEMORY_INFO (1u << 1)
#define MB_VIDEO_MODE  (1u << 2)
#define MB_AOUT_KLUDGE (1u << 16)
#define MB_SUPPORTED   (MB_PAGE_ALIGN | MB_MEMORY_INFO)

/* multiboot_info flags and offsets */
#define MBI_MEM      (1u << 0)
#define MBI_CMDLINE  (1u << 2)
#define MBI_MODS     (1u << 3)
#define MBI_MMAP     (1u << 6)
#define MBI_LOADER   (1u << 9)
#define MBI_SIZE     0x58
#define MBI_MMAP_GPA (HV_BOOT_MBI_GPA + 0x100)
#define MBI_MMAP_MAX 32
#define MBI_MODS_GPA (MBI_MMAP_GPA + MBI_MMAP_MAX * 24)
#define MBI_STR_GPA  (MBI_MODS_GPA + HV_MULTIBOOT_MAX_MODULES * 16)
#define MBI_STR_END  (HV_BOOT_MBI_GPA + 0x1000)
#define LOW_AREA_END 0x100000ull /* the loader's own data lives below */
#define FOUR_GIB     0x100000000ull

#define EM_386    3
#define EM_X86_64 62
#define PT_LOAD   1

static const char loader_name[] = "MACROHARD";

struct segment {
	uint64_t paddr, filesz, memsz, offset;
};

static int check_segment(const struct gmem *m, const struct segment *s, size_t file_size, char *err)
{
	if (s->filesz > s->memsz || s->offset > file_size || s->filesz > file_size - s->offset)
		return loader_fail(err, -ENOEXEC,
		                   "segment at %#llx: file range [%#llx, +%#llx) is outside the %zu-byte file",
		                   (unsigned long long)s->paddr, (unsigned long long)s->offset,
		                   (unsigned long long)s->filesz, file_size);
	if (s->paddr + s->memsz < s->paddr || s->paddr + s->memsz > FOUR_GIB)
		return loader_fail(err, -ENOEXEC, "segment at %#llx of %#llx bytes does not end below 4 GiB",
		                   (unsigned long long)s->paddr, (unsigned long long)s->memsz);
	if (s->memsz && s->paddr < LOW_AREA_END)
		return loader_fail(err, -ENOEXEC, "segment at %#llx overlaps the boot area below 1 MiB",
		                   (unsigned long long)s->paddr);
	if (!loader_ram_range(m, s->paddr, s->memsz))
		return loader_fail(err, -E2BIG, "segment [%#llx, %#llx) is not in guest RAM",
		                   (unsigned long long)s->paddr, (unsigned long long)(s->paddr + s->memsz));
	return 0;
}

static int load_segment(struct gmem *m, const uint8_t *file, const struct segment *s)
{
	static const uint8_t zeros[4096];

	if (s->filesz && gmem_write(m, s->paddr, file + s->offset, s->filesz))
		return -EFAULT;
	for (uint64_t off = s->filesz; off < s->memsz;) {
		uint64_t n = s->memsz - off < sizeof(zeros) ? s->memsz - off : sizeof(zeros);
		if (gmem_write(m, s->paddr + off, zeros, n))
			return -EFAULT;
		off += n;
	}
	return 0;
}

/* Reads program header `i` of an ELF32 or ELF64 file. */
static void read_phdr(const uint8_t *ph, bool is64, uint32_t *type, struct segment *s)
{
	*type = get32(ph);
	if (is64) {
		s->offset = get64(ph + 8), s->paddr = get64(ph + 24);
		s->filesz = get64(ph + 32), s->memsz = get64(ph + 40);
	} else {
		s->offset = get32(ph + 4), s->paddr = get32(ph + 12);
		s->filesz = get32(ph + 16), s->memsz = get32(ph + 20);
	}
}

static int load_elf(struct gmem *m, const uint8_t *f, size_t size, uint64_t *entry, uint64_t *end, char *err)
{
	bool is64;
	uint64_t phoff;
	unsigned phnum, phentsize, loaded = 0;
	int rc;

	if (size < 52 || memcmp(f, "\177ELF", 4) != 0)
		return loader_fail(err, -ENOEXEC, "not an ELF file and no a.out kludge in the multiboot header");
	if (f[4] != 1 && f[4] != 2)
		return loader_fail(err, -ENOEXEC, "ELF class %u is neither ELF32 nor ELF64", f[4]);
	is64 = f[4] == 2;
	if (f[5] != 1)
		return loader_fail(err, -ENOEXEC, "ELF file is not little-endian");
	if (is64 && size < 64)
		return loader_fail(err, -ENOEXEC, "truncated ELF64 header (%zu bytes)", size);
	if (get16(f + 18) != (is64 ? EM_X86_64 : EM_386))
		return loader_fail(err, -ENOEXEC, "ELF machine %u is not x86", get16(f + 18));
	*entry = is64 ? get64(f + 24) : get32(f + 24);
	phoff = is64 ? get64(f + 32) : get32(f + 28);
	phentsize = get16(f + (is64 ? 54 : 42));
	phnum = get16(f + (is64 ? 56 : 44));
	if (phentsize < (is64 ? 56u : 32u) || !phnum || phoff > size || (uint64_t)phnum * phentsize > size - phoff)
		return loader_fail(err, -ENOEXEC,
		                   "program headers (%u of %u bytes at %#llx) lie outside the %zu-byte file", phnum,
		                   phentsize, (unsigned long long)phoff, size);
	*end = 0;
	for (unsigned pass = 0; pass < 2; pass++) { /* check everything before writing anything */
		for (unsigned i = 0; i < phnum; i++) {
			struct segment s;
			uint32_t type;
			read_phdr(f + phoff + (uint64_t)i * phentsize, is64, &type, &s);
			if (type != PT_LOAD)
				continue;
			if (pass == 0) {
				rc = check_segment(m, &s, size, err);
				if (rc)
					return rc;
				if (s.paddr + s.memsz > *end)
					*end = s.paddr + s.memsz;
				loaded++;
			} else if (load_segment(m, f, &s)) {
				return loader_fail(err, -EFAULT, "writing guest memory failed");
			}
		}
		if (!loaded)
			return loader_fail(err, -ENOEXEC, "the ELF file has no loadable segment");
	}
	if (*entry >= FOUR_GIB)
		return loader_fail(err, -ENOEXEC, "entry point %#llx is above 4 GiB: multiboot enters in 32-bit mode",
		                   (unsigned long long)*entry);
	return 0;
}

static int load_aout(struct gmem *m, const uint8_t *f, size_t size, size_t hdr_off, uint64_t *entry, uint64_t *end,
                     char *err)
{
	const uint8_t *h = f + hdr_off;
	uint32_t header_addr = get32(h + 12), load_addr = get32(h + 16), load_end = get32(h + 20);
	uint32_t bss_end = get32(h + 24);
	struct segment s;
	int rc;

	if (header_addr < load_addr || header_addr - load_addr > hdr_off)
		return loader_fail(err, -ENOEXEC,
		                   "a.out kludge: header_addr %#x and load_addr %#x disagree with the "
		                   "header's file offset %#zx",
		                   header_addr, load_addr, hdr_off);
	s.offset = hdr_off - (header_addr - load_addr);
	s.paddr = load_addr;
	s.filesz = load_end ? (uint64_t)load_end - load_addr : size - s.offset;
	if (load_end && load_end < load_addr)
		return loader_fail(err, -ENOEXEC, "a.out kludge: load_end_addr %#x is below load_addr %#x", load_end,
		                   load_addr);
	s.memsz = bss_end ? (uint64_t)bss_end - load_addr : s.filesz;
	if (bss_end && bss_end < load_addr + s.filesz)
		return loader_fail(err, -ENOEXEC, "a.out kludge: bss_end_addr %#x is below the loaded data's end",
		                   bss_end);
	rc = check_segment(m, &s, size, err);
	if (rc)
		return rc;
	if (load_segment(m, f, &s))
		return loader_fail(err, -EFAULT, "writing guest memory failed");
	*entry = get32(h + 28);
	*end = s.paddr + s.memsz;
	return 0;
}

/* Appends a NUL-terminated string in the string area; returns its address. */
static int put_string(struct gmem *m, uint64_t *cursor, const char *s, uint32_t *addr, char *err)
{
	size_t len = strlen(s) + 1;

	if (*cursor + len > MBI_STR_END)
		return loader_fail(err, -E2BIG, "module command lines do not fit in the multiboot information area");
	if (gmem_write(m, *cursor, s, len))
		return loader_fail(err, -EFAULT, "writing guest memory failed");
	*addr = (uint32_t)*cursor;
	*cursor += len;
	return 0;
}

static int write_info(struct gmem *m, const struct hv_multiboot_params *p, uint64_t kernel_end, char *err)
{
	uint8_t mbi[MBI_SIZE], mmap[MBI_MMAP_MAX * 24], mod[16];
	struct hv_e820_entry e820[MBI_MMAP_MAX];
	unsigned n = hv_loader_e820(m, e820, MBI_MMAP_MAX);
	uint64_t cursor = MBI_STR_GPA, next = (kernel_end + 0xfff) & ~0xfffull;
	uint64_t low_end = loader_ram_end(m, 0), high_end = loader_ram_end(m, LOW_AREA_END);
	uint32_t name;
	int rc;

	memset(mbi, 0, sizeof(mbi));
	for (unsigned i = 0; i < p->nmodules; i++) {
		const struct hv_multiboot_module *md = &p->modules[i];
		uint32_t cmd;
		if (!md->data && md->size)
			return loader_fail(err, -EINVAL, "module %u has no data", i);
		if (next + md->size < next || next + md->size > FOUR_GIB || !loader_ram_range(m, next, md->size))
			return loader_fail(err, -E2BIG, "module %u (%zu bytes) does not fit in RAM at %#llx", i,
			                   md->size, (unsigned long long)next);
		if (md->size && gmem_write(m, next, md->data, md->size))
			return loader_fail(err, -EFAULT, "writing guest memory failed");
		rc = put_string(m, &cursor, md->cmdline ? md->cmdline : "", &cmd, err);
		if (rc)
			return rc;
		put32(mod, (uint32_t)next);
		put32(mod + 4, (uint32_t)(next + md->size));
		put32(mod + 8, cmd);
		put32(mod + 12, 0);
		if (gmem_write(m, MBI_MODS_GPA + 16ull * i, mod, sizeof(mod)))
			return loader_fail(err, -EFAULT, "writing guest memory failed");
		next = (next + md->size + 0xfff) & ~0xfffull;
	}
	rc = put_string(m, &cursor, loader_name, &name, err);
	if (rc)
		return rc;
	for (unsigned i = 0; i < n; i++) {
		uint8_t *e = mmap + 24 * i;
		put32(e, 20); /* size of the rest of the entry */
		put64(e + 4, e820[i].addr);
		put64(e + 12, e820[i].size);
		put32(e + 20, e820[i].type);
	}
	if (gmem_write(m, MBI_MMAP_GPA, mmap, 24ull * n))
		return loader_fail(err, -EFAULT, "writing guest memory failed");
	put32(mbi, MBI_MEM | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER);
	put32(mbi + 4, (uint32_t)((low_end < HV_BOOT_LOW_RAM_END ? low_end : HV_BOOT_LOW_RAM_END) / 1024));
	put32(mbi + 8, (uint32_t)(high_end > LOW_AREA_END ? (high_end - LOW_AREA_END) / 1024 : 0));
	put32(mbi + 16, (uint32_t)HV_BOOT_CMDLINE_GPA);
	put32(mbi + 20, p->nmodules);
	put32(mbi + 24, (uint32_t)MBI_MODS_GPA);
	put32(mbi + 44, 24 * n);
	put32(mbi + 48, (uint32_t)MBI_MMAP_GPA);
	put32(mbi + 64, name);
	return gmem_write(m, HV_BOOT_MBI_GPA, mbi, sizeof(mbi))
	           ? loader_fail(err, -EFAULT, "writing guest memory failed")
	           : 0;
}

int hv_load_multiboot(struct gmem *m, const struct hv_multiboot_params *p, struct hv_boot_state *out, char *err)
{
	const uint8_t *f;
	size_t search, off;
	uint32_t flags;
	uint64_t entry = 0, end = 0;
	int rc;

	if (!m || !p || !out || !p->kernel)
		return loader_fail(err, -EINVAL, "missing arguments");
	if (p->nmodules > HV_MULTIBOOT_MAX_MODULES || (p->nmodules && !p->modules))
		return loader_fail(err, -EINVAL, "%u modules: at most %u", p->nmodules, HV_MULTIBOOT_MAX_MODULES);
	f = p->kernel;
	search = p->kernel_size < HV_MULTIBOOT_SEARCH ? p->kernel_size : HV_MULTIBOOT_SEARCH;
	for (off = 0; off + 12 <= search; off += 4)
		if (get32(f + off) == HV_MULTIBOOT_HEADER_MAGIC &&
		    get32(f + off) + get32(f + off + 4) + get32(f + off + 8) == 0)
			break;
	if (off + 12 > search)
		return loader_fail(err, -ENOEXEC,
		                   "no multiboot header (magic 0x1BADB002 with a valid checksum) in the "
		                   "first %u bytes",
		                   HV_MULTIBOOT_SEARCH);
	flags = get32(f + off + 4);
	if (flags & 0xffff & ~MB_SUPPORTED)
		return loader_fail(err, -ENOEXEC, "the kernel requires multiboot features %#x this loader lacks%s",
		                   flags & 0xffff & ~MB_SUPPORTED, flags & MB_VIDEO_MODE ? " (a video mode)" : "");
	if (!loader_ram_range(m, 0, HV_BOOT_MPTABLE_GPA))
		return loader_fail(err, -E2BIG, "the boot area [0, %#llx) is not all RAM",
		                   (unsigned long long)HV_BOOT_MPTABLE_GPA);
	if (flags & MB_AOUT_KLUDGE) {
		if (off + 32 > p->kernel_size)
			return loader_fail(err, -ENOEXEC, "truncated: the a.out kludge fields run past the file");
		rc = load_aout(m, f, p->kernel_size, off, &entry, &end, err);
	} else {
		rc = load_elf(m, f, p->kernel_size, &entry, &end, err);
	}
	if (rc)
		return rc;
	rc = loader_write_cmdline(m, p->cmdline, HV_BOOT_CMDLINE_MAX, err);
	if (!rc)
		rc = write_info(m, p, end, err);
	if (!rc && loader_write_gdt(m, false))
		rc = loader_fail(err, -EFAULT, "writing guest memory failed");
	if (rc)
		return rc;
	hv_regs_reset(&out->regs, &out->sregs);
	hv_sregs_flat32(&out->sregs);
	memset(&out->regs, 0, sizeof(out->regs));
	out->sregs.gdt = (struct hv_dtable){HV_BOOT_GDT_GPA, LOADER_GDT_LIMIT};
	out->sregs.idt = (struct hv_dtable){0, 0};
	out->regs.gpr[0] = HV_MULTIBOOT_BOOT_MAGIC; /* eax */
	out->regs.gpr[3] = HV_BOOT_MBI_GPA;         /* ebx */
	out->regs.rip = entry;
	out->regs.rflags = 0x2;
	return 0;
}
