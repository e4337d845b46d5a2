/* Check unit tests of the guest loaders (hv/loader/): the Linux boot
 * protocol (synthetic bzImages, malformed ones, and the host's Debian kernel
 * as an external oracle when /boot has one), multiboot v1 (ELF32, ELF64,
 * a.out kludge, modules, broken files), the MP table and the ACPI tables. They run in a
 * booted hosted kernel: guest memory comes from its page allocator. */
#include <dirent.h>
#include <hv/acpi.h>
#include <hv/dev/pci.h>
#include <hv/loader.h>
#include <hv/mptable.h>
#include <kern/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "unit.h"

#undef MiB
#define MiB          (1ull << 20)
#define KERNEL_BYTES 8192
#define SETUP_SECTS  1

static void boot_with_mem(int (*body)(void), const char *mem)
{
	static char cmdline[256];
	char *argv[] = {"unit", "--cpus", "1", "--mem", (char *)mem, "--time=virtual", "init=platform", "quiet", NULL};

	ck_assert(hosted_parse_args(8, argv, cmdline, sizeof(cmdline)));
	hosted_cfg.console_in_fd = -1;
	hosted_set_init_task(body);
	hosted_boot();
}

static void w16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void w32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void w64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint32_t r32(const struct gmem *m, uint64_t gpa)
{
	uint32_t v = 0;
	ck_assert_int_eq(gmem_read(m, gpa, &v, 4), 0);
	return v;
}

static uint64_t r64(const struct gmem *m, uint64_t gpa)
{
	uint64_t v = 0;
	ck_assert_int_eq(gmem_read(m, gpa, &v, 8), 0);
	return v;
}

/* A minimal well-formed bzImage: one setup sector after the boot sector,
 * then KERNEL_BYTES of a byte pattern. */
static uint8_t *make_bzimage(size_t *size)
{
	size_t n = (SETUP_SECTS + 1) * 512 + KERNEL_BYTES;
	uint8_t *p = calloc(1, n);

	p[0x1f1] = SETUP_SECTS;
	w32(p + 0x1f4, KERNEL_BYTES / 16);
	w16(p + 0x1fe, 0xaa55);
	p[0x200] = 0xeb;
	p[0x201] = 0x66; /* header ends at 0x268 */
	memcpy(p + 0x202, "HdrS", 4);
	w16(p + 0x206, 0x020f);
	p[0x211] = 0x01;            /* LOADED_HIGH */
	w32(p + 0x214, 0x100000);   /* code32_start */
	w32(p + 0x22c, 0x7fffffff); /* initrd_addr_max */
	w32(p + 0x230, 0x200000);   /* kernel_alignment */
	p[0x234] = 1;               /* relocatable */
	w16(p + 0x236, 0x3);        /* XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G */
	w32(p + 0x238, 2047);       /* cmdline_size */
	w64(p + 0x258, 0x1000000);  /* pref_address */
	w32(p + 0x260, 0x40000);    /* init_size */
	for (size_t i = 0; i < KERNEL_BYTES; i++)
		p[(SETUP_SECTS + 1) * 512 + i] = (uint8_t)(i * 7 + 3);
	*size = n;
	return p;
}

static void expect_parse_error(const uint8_t *img, size_t size, const char *needle)
{
	struct hv_linux_header h;
	char err[HV_LOADER_ERR_MAX] = "";

	ck_assert_int_eq(hv_linux_parse(img, size, &h, err), -ENOEXEC);
	ck_assert_msg(strstr(err, needle), "error \"%s\" does not mention \"%s\"", err, needle);
}

START_TEST(test_linux_rejects_malformed)
{
	size_t size;
	uint8_t *img = make_bzimage(&size), *bad = malloc(size);
	struct hv_linux_header h;
	char err[HV_LOADER_ERR_MAX];

	ck_assert_int_eq(hv_linux_parse(img, size, &h, err), 0);
	ck_assert_uint_eq(h.kernel_bytes, KERNEL_BYTES);
	ck_assert_uint_eq(h.header_end, 0x268);
	expect_parse_error(img, 0x200, "truncated");
	expect_parse_error(img, 1024 + 100, "truncated"); /* syssize runs past the end */
	expect_parse_error(img, 1024, "truncated");       /* nothing after the setup code */
#define MUTATE(stmt, needle)                                                                                           \
	do {                                                                                                           \
		memcpy(bad, img, size);                                                                                \
		stmt;                                                                                                  \
		expect_parse_error(bad, size, needle);                                                                 \
	} while (0)
	MUTATE(bad[0x1fe] = 0, "0xAA55");
	MUTATE(memcpy(bad + 0x202, "HdrZ", 4), "HdrS");
	MUTATE(w16(bad + 0x206, 0x0209), "2.09 is older than 2.12");
	MUTATE(w16(bad + 0x236, 0), "XLF_KERNEL_64");
	MUTATE(bad[0x211] = 0, "zImage");
	MUTATE(bad[0x1f1] = 200, "setup code alone");
	MUTATE(w32(bad + 0x1f4, 0), "syssize is 0");
	MUTATE(bad[0x201] = 0xf0, "setup header end");
	MUTATE(w64(bad + 0x258, 0x1000800), "not page aligned");
	MUTATE(w32(bad + 0x260, 16), "init_size");
	free(bad);
	free(img);
}
END_TEST

static int body_linux_load(void)
{
	static struct gmem m;
	static char big_cmdline[4096];
	size_t size, initrd_size = 3 * 4096 + 5;
	uint8_t *img = make_bzimage(&size), *initrd = malloc(initrd_size), *back = malloc(KERNEL_BYTES);
	struct hv_linux_params p = {img, size, initrd, initrd_size, "console=ttyS0 quiet"};
	struct hv_boot_state st;
	struct hv_e820_entry e820[8];
	char err[HV_LOADER_ERR_MAX] = "", line[64];
	uint64_t initrd_at;
	unsigned n;

	for (size_t i = 0; i < initrd_size; i++)
		initrd[i] = (uint8_t)(i ^ 0x5a);
	gmem_init(&m, 0);
	ck_assert_int_eq(gmem_add(&m, 0, 32 * MiB, GMEM_RAM, "ram"), 0);
	ck_assert_int_eq(gmem_add(&m, 0xfec00000, 0x1000, GMEM_MMIO, "ioapic"), 0);
	ck_assert_msg(hv_load_linux(&m, &p, &st, err) == 0, "%s", err);

	/* The kernel at pref_address, byte for byte. */
	ck_assert_int_eq(gmem_read(&m, 0x1000000, back, KERNEL_BYTES), 0);
	ck_assert_mem_eq(back, img + 1024, KERNEL_BYTES);
	/* The zero page. */
	ck_assert_uint_eq(r32(&m, 0x7000 + 0x202), 0x53726448);       /* "HdrS" copied */
	ck_assert_uint_eq(r32(&m, 0x7000 + 0x210) & 0xff, 0xff);      /* type_of_loader */
	ck_assert_uint_eq(r32(&m, 0x7000 + 0x210) >> 8 & 0x81, 0x81); /* loadflags: LOADED_HIGH | CAN_USE_HEAP */
	ck_assert_uint_eq(r32(&m, 0x7000 + 0x228), 0x20000);
	ck_assert_int_eq(gmem_read(&m, 0x20000, line, 20), 0);
	ck_assert_str_eq(line, "console=ttyS0 quiet");
	initrd_at = r32(&m, 0x7000 + 0x218);
	ck_assert_uint_eq(r32(&m, 0x7000 + 0x21c), initrd_size);
	ck_assert_uint_eq(initrd_at & 0xfff, 0);
	ck_assert_uint_ge(initrd_at, 0x1000000 + 0x40000); /* above the kernel's init_size */
	ck_assert_uint_le(initrd_at + initrd_size, 32 * MiB);
	ck_assert_uint_gt(initrd_at + initrd_size + 4096, 32 * MiB); /* as high as it goes */
	free(back);
	back = malloc(initrd_size);
	ck_assert_int_eq(gmem_read(&m, initrd_at, back, initrd_size), 0);
	ck_assert_mem_eq(back, initrd, initrd_size);
	/* e820: low RAM, the MP table/legacy area reserved, RAM, the IOAPIC hole. */
	n = r32(&m, 0x7000 + 0x1e8) & 0xff;
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(hv_loader_e820(&m, e820, 8), 4);
	for (unsigned i = 0; i < n; i++) {
		ck_assert_uint_eq(r64(&m, 0x7000 + 0x2d0 + 20 * i), e820[i].addr);
		ck_assert_uint_eq(r64(&m, 0x7000 + 0x2d0 + 20 * i + 8), e820[i].size);
		ck_assert_uint_eq(r32(&m, 0x7000 + 0x2d0 + 20 * i + 16), e820[i].type);
	}
	ck_assert(e820[0].addr == 0 && e820[0].size == 0x9fc00 && e820[0].type == HV_E820_RAM);
	ck_assert(e820[1].addr == 0x9fc00 && e820[1].size == 0x100000 - 0x9fc00 && e820[1].type == HV_E820_RESERVED);
	ck_assert(e820[2].addr == 0x100000 && e820[2].size == 31 * MiB && e820[2].type == HV_E820_RAM);
	ck_assert(e820[3].addr == 0xfec00000 && e820[3].type == HV_E820_RESERVED);
	/* Page tables: 4 GiB identity mapped with 2 MiB pages. */
	ck_assert_uint_eq(r64(&m, 0x9000) & ~0xfffull, 0xa000);
	for (unsigned g = 0; g < 4; g++) {
		uint64_t pd = r64(&m, 0xa000 + 8 * g) & ~0xfffull;
		ck_assert_uint_eq(r64(&m, pd) & ~0xfffull, (uint64_t)g << 30);
		ck_assert_uint_eq(r64(&m, pd + 8 * 511), ((uint64_t)g << 30 | 511ull << 21) | 0x83);
	}
	ck_assert_uint_eq(r64(&m, 0xa000 + 8 * 4), 0);
	/* GDT: 64-bit code at 0x10. */
	ck_assert_uint_eq(r64(&m, 0x500 + 0x10), 0x00af9b000000ffffull);
	/* The entry state. */
	ck_assert_uint_eq(st.regs.rip, 0x1000200);
	ck_assert_uint_eq(st.regs.gpr[6], 0x7000);
	ck_assert_uint_eq(st.sregs.cr3, 0x9000);
	ck_assert_uint_eq(st.sregs.efer & 0x500, 0x500);
	ck_assert_uint_eq(st.sregs.cr0 & 0x80000001, 0x80000001);
	ck_assert_uint_eq(st.sregs.cr4 & 0x20, 0x20);
	ck_assert(st.sregs.cs.l && !st.sregs.cs.db && st.sregs.cs.selector == 0x10);
	ck_assert_uint_eq(st.sregs.gdt.base, 0x500);

	/* Errors: an initrd that cannot fit, a command line past cmdline_size. */
	p.initrd_size = 31 * MiB;
	ck_assert_int_eq(hv_load_linux(&m, &p, &st, err), -E2BIG);
	ck_assert_msg(strstr(err, "initrd"), "%s", err);
	p.initrd_size = initrd_size;
	memset(big_cmdline, 'x', sizeof(big_cmdline) - 1);
	p.cmdline = big_cmdline;
	ck_assert_int_eq(hv_load_linux(&m, &p, &st, err), -E2BIG);
	ck_assert_msg(strstr(err, "command line"), "%s", err);
	gmem_destroy(&m);

	/* The kernel's init_size runs past the end of RAM. */
	gmem_init(&m, 0);
	ck_assert_int_eq(gmem_add(&m, 0, 16 * MiB + 0x20000, GMEM_RAM, "ram"), 0);
	p.cmdline = NULL;
	ck_assert_int_eq(hv_load_linux(&m, &p, &st, err), -E2BIG);
	ck_assert_msg(strstr(err, "RAM there ends at 0x1020000"), "%s", err);
	gmem_destroy(&m);
	free(back);
	free(initrd);
	free(img);
	return 0;
}

START_TEST(test_linux_load)
{
	boot_with_mem(body_linux_load, "256M");
}
END_TEST

/* Images behind readers (files too big for one kernel buffer) load exactly
 * as from memory; a reader's error comes back. */
struct mem_reader {
	const uint8_t *data;
	size_t size;
	unsigned calls;
	uint64_t fail_at; /* a read touching this offset fails; ~0: never */
};

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct mem_reader *r = ctx;

	r->calls++;
	ck_assert_uint_le(off + len, r->size);
	ck_assert_uint_le(len, 0x10000);
	if (r->fail_at >= off && r->fail_at < off + len)
		return -EIO;
	memcpy(buf, r->data + off, len);
	return 0;
}

static int body_linux_load_reader(void)
{
	static struct gmem a, b;
	static uint8_t pa[0x10000], pb[0x10000];
	size_t size, initrd_size = 200 * 1024 + 7; /* pieces cross 64 KiB boundaries */
	uint8_t *img = make_bzimage(&size), *initrd = malloc(initrd_size);
	struct mem_reader kr = {img, size, 0, ~0ull}, ir = {initrd, initrd_size, 0, ~0ull};
	const struct hv_loader_reader kread = {mem_read, &kr}, iread = {mem_read, &ir};
	struct hv_linux_params p = {img, size, initrd, initrd_size, "console=ttyS0"};
	struct hv_linux_params q = {NULL, size, NULL, initrd_size, "console=ttyS0"};
	struct hv_boot_state sa, sb;
	char err[HV_LOADER_ERR_MAX] = "";

	for (size_t i = 0; i < initrd_size; i++)
		initrd[i] = (uint8_t)(i * 13 + 1);
	gmem_init(&a, 0);
	gmem_init(&b, 0);
	ck_assert_int_eq(gmem_add(&a, 0, 32 * MiB, GMEM_RAM, "ram"), 0);
	ck_assert_int_eq(gmem_add(&b, 0, 32 * MiB, GMEM_RAM, "ram"), 0);
	ck_assert_msg(hv_load_linux(&a, &p, &sa, err) == 0, "%s", err);
	ck_assert_msg(hv_load_linux_read(&b, &q, &kread, &iread, &sb, err) == 0, "%s", err);
	ck_assert_uint_ge(kr.calls, 2); /* the header, then the kernel */
	ck_assert_uint_ge(ir.calls, 4);
	for (uint64_t gpa = 0; gpa < 32 * MiB; gpa += sizeof(pa)) {
		ck_assert_int_eq(gmem_read(&a, gpa, pa, sizeof(pa)), 0);
		ck_assert_int_eq(gmem_read(&b, gpa, pb, sizeof(pb)), 0);
		ck_assert_msg(memcmp(pa, pb, sizeof(pa)) == 0, "guest memory differs at %#llx",
		              (unsigned long long)gpa);
	}
	ck_assert_mem_eq(&sa.regs, &sb.regs, sizeof(sa.regs));
	ck_assert_mem_eq(&sa.sregs, &sb.sregs, sizeof(sa.sregs));
	/* No initrd: initrd_size 0 with a reader. */
	q.initrd_size = 0;
	ck_assert_msg(hv_load_linux_read(&b, &q, &kread, &iread, &sb, err) == 0, "%s", err);
	ck_assert_uint_eq(r32(&b, 0x7000 + 0x21c), 0);
	q.initrd_size = initrd_size;
	/* Failing reads: the header, the kernel, the initrd. */
	kr.fail_at = 0x1f1;
	ck_assert_int_eq(hv_load_linux_read(&b, &q, &kread, &iread, &sb, err), -EIO);
	ck_assert_msg(strstr(err, "setup header"), "%s", err);
	kr.fail_at = size - 1;
	ck_assert_int_eq(hv_load_linux_read(&b, &q, &kread, &iread, &sb, err), -EIO);
	ck_assert_msg(strstr(err, "reading the kernel"), "%s", err);
	kr.fail_at = ~0ull;
	ir.fail_at = 0x10000;
	ck_assert_int_eq(hv_load_linux_read(&b, &q, &kread, &iread, &sb, err), -EIO);
	ck_assert_msg(strstr(err, "reading the initrd"), "%s", err);
	/* A short image behind a reader is refused like one in memory. */
	q.kernel_size = 0x200;
	kr.fail_at = ~0ull;
	ck_assert_int_eq(hv_load_linux_read(&b, &q, &kread, &iread, &sb, err), -ENOEXEC);
	gmem_destroy(&a);
	gmem_destroy(&b);
	free(initrd);
	free(img);
	return 0;
}

START_TEST(test_linux_load_reader)
{
	boot_with_mem(body_linux_load_reader, "256M");
}
END_TEST

/* --- the host's Debian kernel ---------------------------------------- */

static uint8_t *host_kernel;
static size_t host_kernel_size;
static char host_kernel_path[300];

static bool read_host_kernel(void)
{
	DIR *d = opendir("/boot");
	struct dirent *de;
	FILE *f;

	if (!d)
		return false;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, "vmlinuz-", 8) == 0)
			break;
	if (de)
		snprintf(host_kernel_path, sizeof(host_kernel_path), "/boot/%s", de->d_name);
	closedir(d);
	if (!de || !(f = fopen(host_kernel_path, "rb")))
		return false;
	fseek(f, 0, SEEK_END);
	host_kernel_size = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	host_kernel = malloc(host_kernel_size);
	if (fread(host_kernel, 1, host_kernel_size, f) != host_kernel_size)
		host_kernel_size = 0;
	fclose(f);
	return host_kernel_size > 0;
}

static int body_host_kernel(void)
{
	static struct gmem m;
	struct hv_linux_header h;
	struct hv_linux_params p = {host_kernel, host_kernel_size, NULL, 0, "console=ttyS0"};
	struct hv_boot_state st;
	char err[HV_LOADER_ERR_MAX] = "";
	uint8_t *back;

	ck_assert_msg(hv_linux_parse(host_kernel, host_kernel_size, &h, err) == 0, "%s: %s", host_kernel_path, err);
	/* What every x86-64 distribution kernel of the last decade says. */
	ck_assert_uint_ge(h.version, 0x020c);
	ck_assert(h.relocatable);
	ck_assert_uint_eq(h.pref_address, 0x1000000);
	ck_assert_uint_eq(h.kernel_alignment, 0x200000);
	ck_assert_uint_eq(h.code32_start, 0x100000);
	ck_assert_uint_ge(h.init_size, h.kernel_bytes);
	/* syssize covers the protected-mode part; a signed kernel has its
	 * signature after it. */
	ck_assert_uint_eq(h.kernel_bytes, (uint64_t)h.syssize * 16);
	ck_assert_uint_le(h.setup_bytes + h.kernel_bytes, host_kernel_size);
	gmem_init(&m, 0);
	ck_assert_int_eq(gmem_add(&m, 0, 160 * MiB, GMEM_RAM, "ram"), 0);
	ck_assert_msg(hv_load_linux(&m, &p, &st, err) == 0, "%s", err);
	back = malloc(h.kernel_bytes);
	ck_assert_int_eq(gmem_read(&m, 0x1000000, back, h.kernel_bytes), 0);
	ck_assert_mem_eq(back, host_kernel + h.setup_bytes, h.kernel_bytes);
	free(back);
	gmem_destroy(&m);
	return 0;
}

START_TEST(test_linux_host_kernel)
{
	if (!read_host_kernel()) {
		fprintf(stderr,
		        "test_linux_host_kernel: no /boot/vmlinuz-* (tools/deps.sh --bench installs one): skipped\n");
		return;
	}
	boot_with_mem(body_host_kernel, "512M");
}
END_TEST

/* --- multiboot ----------------------------------------------------------- */

#define MB_CODE_OFF 0x80
#define MB_LOAD     0x200000u

/* An ELF32 (or ELF64) file with one PT_LOAD of 0x40 bytes + 0x1000 of bss
 * at 2 MiB, the multiboot header at the start of its data. */
static uint8_t *make_elf(bool is64, uint32_t mb_flags, size_t *size)
{
	size_t n = 0x200;
	uint8_t *f = calloc(1, n), *ph;

	memcpy(f, "\177ELF", 4);
	f[4] = is64 ? 2 : 1;
	f[5] = 1, f[6] = 1;
	w16(f + 16, 2);
	w16(f + 18, is64 ? 62 : 3);
	if (is64) {
		w64(f + 24, MB_LOAD + 0x10);
		w64(f + 32, 64);
		w16(f + 54, 56), w16(f + 56, 1);
		ph = f + 64;
		w32(ph, 1), w64(ph + 8, MB_CODE_OFF), w64(ph + 16, MB_LOAD), w64(ph + 24, MB_LOAD);
		w64(ph + 32, 0x40), w64(ph + 40, 0x1040);
	} else {
		w32(f + 24, MB_LOAD + 0x10);
		w32(f + 28, 52);
		w16(f + 42, 32), w16(f + 44, 1);
		ph = f + 52;
		w32(ph, 1), w32(ph + 4, MB_CODE_OFF), w32(ph + 8, MB_LOAD), w32(ph + 12, MB_LOAD);
		w32(ph + 16, 0x40), w32(ph + 20, 0x1040);
	}
	w32(f + MB_CODE_OFF, HV_MULTIBOOT_HEADER_MAGIC);
	w32(f + MB_CODE_OFF + 4, mb_flags);
	w32(f + MB_CODE_OFF + 8, -(HV_MULTIBOOT_HEADER_MAGIC + mb_flags));
	for (unsigned i = 12; i < 0x40; i++)
		f[MB_CODE_OFF + i] = (uint8_t)(0x90 + i);
	*size = n;
	return f;
}

static void expect_mb_error(struct gmem *m, const uint8_t *f, size_t size, int code, const char *needle)
{
	struct hv_multiboot_params p = {f, size, NULL, NULL, 0};
	struct hv_boot_state st;
	char err[HV_LOADER_ERR_MAX] = "";

	ck_assert_int_eq(hv_load_multiboot(m, &p, &st, err), code);
	ck_assert_msg(strstr(err, needle), "error \"%s\" does not mention \"%s\"", err, needle);
}

static int body_multiboot(void)
{
	static struct gmem m;
	size_t size;
	uint8_t *f = make_elf(false, 3, &size), *bad = malloc(size), buf[0x40];
	static const char mod0[] = "first module", mod1[] = "second, longer module data";
	struct hv_multiboot_module mods[2] = {{mod0, sizeof(mod0), "mod0 arg"}, {mod1, sizeof(mod1), NULL}};
	struct hv_multiboot_params p = {f, size, "kernel args", mods, 2};
	struct hv_boot_state st;
	char err[HV_LOADER_ERR_MAX] = "", text[32];
	uint32_t mbi, mods_addr, mmap_addr, mmap_len;

	gmem_init(&m, 0);
	ck_assert_int_eq(gmem_add(&m, 0, 8 * MiB, GMEM_RAM, "ram"), 0);
	ck_assert_msg(hv_load_multiboot(&m, &p, &st, err) == 0, "%s", err);
	ck_assert_uint_eq(st.regs.gpr[0], 0x2badb002);
	mbi = (uint32_t)st.regs.gpr[3];
	ck_assert_uint_eq(st.regs.rip, MB_LOAD + 0x10);
	ck_assert(st.sregs.cs.db && !st.sregs.cs.l && (st.sregs.cr0 & 0x80000001) == 1);
	ck_assert_int_eq(gmem_read(&m, MB_LOAD, buf, 0x40), 0);
	ck_assert_mem_eq(buf, f + MB_CODE_OFF, 0x40);
	ck_assert_uint_eq(r64(&m, MB_LOAD + 0x40), 0);  /* bss zeroed */
	ck_assert_uint_eq(r32(&m, mbi) & 0x24d, 0x24d); /* mem, cmdline, mods, mmap, loader name */
	ck_assert_uint_eq(r32(&m, mbi + 4), 640);
	ck_assert_uint_eq(r32(&m, mbi + 8), 7 * 1024);
	ck_assert_int_eq(gmem_read(&m, r32(&m, mbi + 16), text, 12), 0);
	ck_assert_str_eq(text, "kernel args");
	ck_assert_uint_eq(r32(&m, mbi + 20), 2);
	mods_addr = r32(&m, mbi + 24);
	for (unsigned i = 0; i < 2; i++) {
		uint32_t start = r32(&m, mods_addr + 16 * i), end = r32(&m, mods_addr + 16 * i + 4);
		char data[64];
		ck_assert_uint_eq(start & 0xfff, 0);
		ck_assert_uint_ge(start, MB_LOAD + 0x1040);
		ck_assert_uint_eq(end - start, mods[i].size);
		ck_assert_int_eq(gmem_read(&m, start, data, mods[i].size), 0);
		ck_assert_mem_eq(data, mods[i].data, mods[i].size);
		ck_assert_int_eq(gmem_read(&m, r32(&m, mods_addr + 16 * i + 8), text, 9), 0);
		ck_assert_str_eq(text, i == 0 ? "mod0 arg" : "");
	}
	mmap_len = r32(&m, mbi + 44);
	mmap_addr = r32(&m, mbi + 48);
	ck_assert_uint_eq(mmap_len, 3 * 24);
	ck_assert_uint_eq(r32(&m, mmap_addr), 20);
	ck_assert_uint_eq(r64(&m, mmap_addr + 4), 0);
	ck_assert_uint_eq(r64(&m, mmap_addr + 12), 0x9fc00);
	ck_assert_uint_eq(r32(&m, mmap_addr + 20), 1);
	ck_assert_uint_eq(r64(&m, mmap_addr + 48 + 4), 0x100000);
	ck_assert_uint_eq(r64(&m, mmap_addr + 48 + 12), 7 * MiB);
	ck_assert_int_eq(gmem_read(&m, r32(&m, mbi + 64), text, 10), 0);
	ck_assert_str_eq(text, "MACROHARD");
	free(f);

	/* ELF64 and the a.out kludge. */
	f = make_elf(true, 3, &size);
	p = (struct hv_multiboot_params){f, size, NULL, NULL, 0};
	ck_assert_msg(hv_load_multiboot(&m, &p, &st, err) == 0, "%s", err);
	ck_assert_uint_eq(st.regs.rip, MB_LOAD + 0x10);
	w64(f + 24, 0x100000000ull);
	expect_mb_error(&m, f, size, -ENOEXEC, "above 4 GiB");
	free(f);
	f = make_elf(false, 0x10003, &size);
	w32(f + MB_CODE_OFF + 12, 0x300000); /* header_addr */
	w32(f + MB_CODE_OFF + 16, 0x300000); /* load_addr: the file from the header on */
	w32(f + MB_CODE_OFF + 20, 0x300040); /* load_end_addr */
	w32(f + MB_CODE_OFF + 24, 0x302000); /* bss_end_addr */
	w32(f + MB_CODE_OFF + 28, 0x300020); /* entry_addr */
	p = (struct hv_multiboot_params){f, size, NULL, NULL, 0};
	ck_assert_msg(hv_load_multiboot(&m, &p, &st, err) == 0, "%s", err);
	ck_assert_uint_eq(st.regs.rip, 0x300020);
	ck_assert_uint_eq(r32(&m, 0x300000), HV_MULTIBOOT_HEADER_MAGIC);
	ck_assert_uint_eq(r32(&m, 0x301ffc), 0);
	w32(f + MB_CODE_OFF + 16, 0x200000); /* load_addr before the file's start */
	expect_mb_error(&m, f, size, -ENOEXEC, "a.out kludge");
	free(f);

	/* Broken files. */
	f = make_elf(false, 3, &size);
#define MB_MUTATE(stmt, code, needle)                                                                                  \
	do {                                                                                                           \
		memcpy(bad, f, size);                                                                                  \
		stmt;                                                                                                  \
		expect_mb_error(&m, bad, size, code, needle);                                                          \
	} while (0)
	MB_MUTATE(w32(bad + MB_CODE_OFF, 0), -ENOEXEC, "no multiboot header");
	MB_MUTATE(w32(bad + MB_CODE_OFF + 8, 0), -ENOEXEC, "no multiboot header"); /* checksum */
	MB_MUTATE((w32(bad + MB_CODE_OFF + 4, 7), w32(bad + MB_CODE_OFF + 8, -(HV_MULTIBOOT_HEADER_MAGIC + 7))),
	          -ENOEXEC, "video mode");
	MB_MUTATE(memcpy(bad, "\177ELG", 4), -ENOEXEC, "not an ELF");
	MB_MUTATE(w16(bad + 18, 40), -ENOEXEC, "not x86");
	MB_MUTATE(w32(bad + 52 + 16, 0x10000), -ENOEXEC, "outside the"); /* filesz past the file */
	MB_MUTATE(w32(bad + 28, 0x1000), -ENOEXEC, "program headers");
	MB_MUTATE((w32(bad + 52 + 8, 0x1000), w32(bad + 52 + 12, 0x1000)), -ENOEXEC, "below 1 MiB");
	MB_MUTATE((w32(bad + 52 + 8, 0x7ff000), w32(bad + 52 + 12, 0x7ff000)), -E2BIG, "not in guest RAM");
	MB_MUTATE(w32(bad + 52, 6), -ENOEXEC, "no loadable segment");
	expect_mb_error(&m, f, 100, -ENOEXEC, "no multiboot header");        /* truncated before the header */
	expect_mb_error(&m, f, MB_CODE_OFF + 0x20, -ENOEXEC, "outside the"); /* truncated segment */
	free(f);
	free(bad);
	gmem_destroy(&m);
	return 0;
}

START_TEST(test_multiboot)
{
	boot_with_mem(body_multiboot, "128M");
}
END_TEST

/* --- MP table ------------------------------------------------------------ */

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static int body_mptable(void)
{
	static struct gmem m;
	static const struct hv_mptable_pci_irq pci[] = {{0, 3, 0, 16}, {0, 4, 1, 17}};
	struct hv_mptable_config c = {2, 0xfec00000, 24, pci, 2};
	uint8_t t[1024], *e;
	unsigned count, isa_seen = 0, pci_seen = 0, cpus = 0, extint = 0;
	uint32_t table;
	size_t size = hv_mptable_size(&c);

	gmem_init(&m, 0);
	ck_assert_int_eq(gmem_add(&m, 0, 2 * MiB, GMEM_RAM, "ram"), 0);
	ck_assert_int_eq(hv_mptable_write(&m, HV_BOOT_MPTABLE_GPA, &c), 0);
	ck_assert_int_eq(gmem_read(&m, HV_BOOT_MPTABLE_GPA, t, size), 0);
	ck_assert_mem_eq(t, "_MP_", 4);
	ck_assert_uint_eq(sum(t, 16), 0);
	memcpy(&table, t + 4, 4);
	ck_assert_uint_eq(table, HV_BOOT_MPTABLE_GPA + 16);
	e = t + 16;
	ck_assert_mem_eq(e, "PCMP", 4);
	ck_assert_uint_eq(e[4] | e[5] << 8, size - 16);
	ck_assert_uint_eq(sum(e, size - 16), 0);
	count = e[34] | e[35] << 8;
	e += 44;
	for (unsigned i = 0; i < count; i++) {
		switch (e[0]) {
		case 0:
			ck_assert_uint_eq(e[1], cpus);
			ck_assert_uint_eq(e[3], cpus == 0 ? 3 : 1);
			cpus++;
			e += 20;
			continue;
		case 2:
			ck_assert_uint_eq(e[1], 2); /* IOAPIC id after the CPUs */
			ck_assert_uint_eq(e[4] | e[5] << 8 | e[6] << 16 | (uint32_t)e[7] << 24, 0xfec00000);
			break;
		case 3:
			if (e[1] == 3) {
				ck_assert_uint_eq(e[7], 0);
				extint++;
			} else if (e[4] == 1) { /* ISA */
				ck_assert_uint_ne(e[5], 2);
				ck_assert_uint_eq(e[7], e[5] == 0 ? 2 : e[5]);
				isa_seen++;
			} else {
				ck_assert_uint_eq(e[2], 0x0f);
				ck_assert_uint_eq(e[5], pci[pci_seen].slot << 2 | pci[pci_seen].pin);
				ck_assert_uint_eq(e[7], pci[pci_seen].gsi);
				pci_seen++;
			}
			break;
		}
		e += 8;
	}
	ck_assert_uint_eq(e - t, size);
	ck_assert_uint_eq(cpus, 2);
	ck_assert_uint_eq(isa_seen, 15);
	ck_assert_uint_eq(pci_seen, 2);
	ck_assert_uint_eq(extint, 1);
	c.ncpus = 0;
	ck_assert_int_eq(hv_mptable_write(&m, HV_BOOT_MPTABLE_GPA, &c), -EINVAL);
	c.ncpus = 1;
	c.npci = 1;
	c.pci = (const struct hv_mptable_pci_irq[]){{0, 3, 0, 24}};
	ck_assert_int_eq(hv_mptable_write(&m, HV_BOOT_MPTABLE_GPA, &c), -EINVAL);
	c.npci = 0;
	ck_assert_int_eq(hv_mptable_write(&m, 2 * MiB - 16, &c), -EFAULT);
	gmem_destroy(&m);
	return 0;
}

START_TEST(test_mptable_pci_irqs)
{
	static struct hv_pci_host h;
	static struct hv_pci_dev a, b, c;
	struct hv_mptable_pci_irq out[4];

	a.cfg[0x3d] = 1; /* INTA# */
	b.cfg[0x3d] = 3; /* INTC# */
	c.cfg[0x3d] = 0; /* no INTx */
	h.slot[1] = &a, h.slot[4] = &b, h.slot[6] = &c;
	ck_assert_uint_eq(hv_mptable_pci_irqs(&h, out, 4), 2);
	ck_assert(out[0].slot == 1 && out[0].pin == 0 && out[0].gsi == hv_pci_intx_gsi(1, 1));
	ck_assert(out[1].slot == 4 && out[1].pin == 2 && out[1].gsi == hv_pci_intx_gsi(4, 3));
	ck_assert_uint_ge(out[0].gsi, 16);
	ck_assert_uint_eq(hv_mptable_pci_irqs(&h, out, 1), 1);
}
END_TEST

START_TEST(test_mptable)
{
	boot_with_mem(body_mptable, "64M");
}
END_TEST

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* A system description table at `gpa` inside the block `b` (based at
 * `base`): its signature, length in bounds and checksum. */
static const uint8_t *acpi_table(const uint8_t *b, size_t size, uint64_t base, uint64_t gpa, const char *sig)
{
	const uint8_t *t;

	ck_assert_uint_ge(gpa, base);
	ck_assert_uint_le(gpa - base + 36, size);
	t = b + (gpa - base);
	ck_assert_mem_eq(t, sig, 4);
	ck_assert_uint_le(gpa - base + le32(t + 4), size);
	ck_assert_uint_eq(sum(t, le32(t + 4)), 0);
	return t;
}

static int body_acpi(void)
{
	static struct gmem m;
	static const uint8_t s5[] = {0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00};
	static const uint8_t pnp0a03[] = {0x0c, 0x41, 0xd0, 0x0a, 0x03};
	const uint64_t base = HV_ACPI_TABLES_GPA;
	struct hv_acpi_config c = {3, 0xfec00000};
	static uint8_t b[4096];
	const uint8_t *xsdt, *fadt, *madt, *dsdt, *facs, *e;
	size_t size = hv_acpi_size(&c);
	unsigned cpus = 0, ioapics = 0, isos = 0, nmis = 0;
	bool found_pci0 = false;

	ck_assert_uint_le(size, sizeof(b));
	gmem_init(&m, 0);
	ck_assert_int_eq(gmem_add(&m, 0, 2 * MiB, GMEM_RAM, "ram"), 0);
	ck_assert_int_eq(hv_acpi_write(&m, base, &c), 0);
	ck_assert_int_eq(gmem_read(&m, base, b, size), 0);

	/* RSDP, revision 2: both checksums, the XSDT. */
	ck_assert_mem_eq(b, "RSD PTR ", 8);
	ck_assert_uint_eq(b[15], 2);
	ck_assert_uint_eq(sum(b, 20), 0);
	ck_assert_uint_eq(le32(b + 20), 36);
	ck_assert_uint_eq(sum(b, 36), 0);
	xsdt = acpi_table(b, size, base, le64(b + 24), "XSDT");
	ck_assert_uint_eq(le32(xsdt + 4), 36 + 2 * 8);
	fadt = acpi_table(b, size, base, le64(xsdt + 36), "FACP");
	madt = acpi_table(b, size, base, le64(xsdt + 44), "APIC");

	/* FADT revision 6: DSDT and FACS (both pointer widths), the SCI, the
	 * PM1a blocks, no SMI, not hardware-reduced. */
	ck_assert_uint_eq(le32(fadt + 4), 276);
	ck_assert_uint_eq(fadt[8], 6);
	ck_assert_uint_eq(le64(fadt + 140), le32(fadt + 40));
	ck_assert_uint_eq(le32(fadt + 36), 0); /* the FACS only through X_FIRMWARE_CTRL */
	dsdt = acpi_table(b, size, base, le64(fadt + 140), "DSDT");
	ck_assert_uint_eq(le64(fadt + 132) % 64, 0);
	ck_assert_uint_ge(le64(fadt + 132), base);
	ck_assert_uint_le(le64(fadt + 132) - base + 64, size);
	facs = b + (le64(fadt + 132) - base);
	ck_assert_mem_eq(facs, "FACS", 4);
	ck_assert_uint_eq(le32(facs + 4), 64);
	ck_assert_uint_eq(fadt[46] | fadt[47] << 8, 9);
	ck_assert_uint_eq(le32(fadt + 48), 0);
	ck_assert_uint_eq(le32(fadt + 56), 0x600);
	ck_assert_uint_eq(le32(fadt + 64), 0x604);
	ck_assert_uint_eq(fadt[88], 4);
	ck_assert_uint_eq(fadt[89], 2);
	ck_assert_uint_eq(le32(fadt + 112) & (1u << 20), 0);
	ck_assert_uint_eq(fadt[109] & 0x10, 0); /* MSI allowed */
	ck_assert_uint_eq(fadt[148], 1);        /* X_PM1a_EVT: system I/O, 32 bits */
	ck_assert_uint_eq(fadt[149], 32);
	ck_assert_uint_eq(le64(fadt + 152), 0x600);
	ck_assert_uint_eq(fadt[172], 1); /* X_PM1a_CNT: system I/O, 16 bits */
	ck_assert_uint_eq(fadt[173], 16);
	ck_assert_uint_eq(le64(fadt + 176), 0x604);

	/* DSDT: \_S5 = {5, 5, 0, 0} first, then the PNP0A03 host bridge. */
	ck_assert_mem_eq(dsdt + 36, s5, sizeof(s5));
	ck_assert_mem_eq(hv_acpi_s5_aml, s5, sizeof(s5));
	for (size_t i = 36; i + 4 <= le32(dsdt + 4); i++)
		if (!memcmp(dsdt + i, "PCI0", 4))
			found_pci0 = !memcmp(dsdt + i + 4 + 5, pnp0a03, sizeof(pnp0a03));
	ck_assert(found_pci0);

	/* MADT: one enabled LAPIC per CPU, the IOAPIC, IRQ0 -> GSI 2, the SCI
	 * level/active high, the LINT1 NMI; entries fill the table exactly. */
	ck_assert_uint_eq(le32(madt + 36), 0xfee00000);
	ck_assert_uint_eq(le32(madt + 40) & 1, 1);
	for (e = madt + 44; e < madt + le32(madt + 4); e += e[1]) {
		ck_assert_uint_ge(e[1], 2);
		switch (e[0]) {
		case 0:
			ck_assert_uint_eq(e[1], 8);
			ck_assert_uint_eq(e[2], cpus);
			ck_assert_uint_eq(e[3], cpus);
			ck_assert_uint_eq(le32(e + 4), 1);
			cpus++;
			break;
		case 1:
			ck_assert_uint_eq(e[1], 12);
			ck_assert_uint_eq(e[2], 3);
			ck_assert_uint_eq(le32(e + 4), 0xfec00000);
			ck_assert_uint_eq(le32(e + 8), 0);
			ioapics++;
			break;
		case 2:
			ck_assert_uint_eq(e[1], 10);
			ck_assert_uint_eq(e[2], 0);
			if (e[3] == 0) {
				ck_assert_uint_eq(le32(e + 4), 2);
				ck_assert_uint_eq(e[8] | e[9] << 8, 0);
			} else {
				ck_assert_uint_eq(e[3], 9);
				ck_assert_uint_eq(le32(e + 4), 9);
				ck_assert_uint_eq(e[8] | e[9] << 8, 0x0d);
			}
			isos++;
			break;
		case 4:
			ck_assert_uint_eq(e[1], 6);
			ck_assert_uint_eq(e[5], 1);
			nmis++;
			break;
		default: ck_abort_msg("unexpected MADT entry type %u", e[0]);
		}
	}
	ck_assert_ptr_eq(e, madt + le32(madt + 4));
	ck_assert_uint_eq(cpus, 3);
	ck_assert_uint_eq(ioapics, 1);
	ck_assert_uint_eq(isos, 2);
	ck_assert_uint_eq(nmis, 1);

	c.ncpus = 0;
	ck_assert_int_eq(hv_acpi_write(&m, base, &c), -EINVAL);
	c.ncpus = HV_ACPI_MAX_CPUS + 1;
	ck_assert_int_eq(hv_acpi_write(&m, base, &c), -EINVAL);
	c.ncpus = 1;
	ck_assert_int_eq(hv_acpi_write(&m, base + 8, &c), -EINVAL);
	ck_assert_int_eq(hv_acpi_write(&m, 2 * MiB - 256, &c), -EFAULT);
	gmem_destroy(&m);
	return 0;
}

START_TEST(test_acpi)
{
	boot_with_mem(body_acpi, "64M");
}
END_TEST

UNIT_SUITE(hv_loader_suite)
Suite *hv_loader_suite(void)
{
	Suite *s = suite_create("hv_loader");
	TCase *tc = tcase_create("loaders");

	tcase_add_test(tc, test_linux_rejects_malformed);
	tcase_add_exit_test(tc, test_linux_load, 0);
	tcase_add_exit_test(tc, test_linux_load_reader, 0);
	tcase_add_exit_test(tc, test_linux_host_kernel, 0);
	tcase_add_exit_test(tc, test_multiboot, 0);
	tcase_add_exit_test(tc, test_mptable, 0);
	tcase_add_test(tc, test_mptable_pci_irqs);
	tcase_add_exit_test(tc, test_acpi, 0);
	suite_add_tcase(s, tc);
	return s;
}
