/* The Linux x86 boot protocol, 64-bit entry (Documentation/arch/x86/boot.rst):
 * the protected-mode kernel goes to its preferred address, the zero page
 * carries the setup header, the command line, the initrd and the e820 map,
 * and the vCPU starts in long mode at the kernel's start + 0x200 with the
 * first 4 GiB identity mapped and rsi pointing at the zero page. */
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>

#include "loader_internal.h"

/* Setup header fields (offsets in the image and in the zero page). */
#define HDR_SETUP_SECTS     0x1f1
#define HDR_SYSSIZE         0x1f4
#define HDR_BOOT_FLAG       0x1fe
#define HDR_JUMP            0x200
#define HDR_MAGIC           0x202
#define HDR_VERSION         0x206
#define HDR_TYPE_OF_LOADER  0x210
#define HDR_LOADFLAGS       0x211
#define HDR_CODE32_START    0x214
#define HDR_RAMDISK_IMAGE   0x218
#define HDR_RAMDISK_SIZE    0x21c
#define HDR_HEAP_END_PTR    0x224
#define HDR_CMD_LINE_PTR    0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_KERNEL_ALIGN    0x230
#define HDR_RELOCATABLE     0x234
#define HDR_XLOADFLAGS      0x236
#define HDR_CMDLINE_SIZE    0x238
#define HDR_PREF_ADDRESS    0x258
#define HDR_INIT_SIZE       0x260
#define HDR_END_MIN         0x264 /* protocol 2.12 ends past init_size */
#define HDR_END_MAX         0x290 /* where the zero page's header area ends */

/* Zero page fields outside the setup header. */
#define ZP_EXT_RAMDISK_IMAGE 0x0c0
#define ZP_EXT_RAMDISK_SIZE  0x0c4
#define ZP_EXT_CMD_LINE_PTR  0x0c8
#define ZP_E820_ENTRIES      0x1e8
#define ZP_E820_TABLE        0x2d0
#define ZP_E820_MAX          128

#define LOADED_HIGH      0x01
#define CAN_USE_HEAP     0x80
#define LOADER_UNDEFINED 0xff /* type_of_loader: a boot loader without an assigned id */
#define HEAP_END         0xfe00
#define MIN_PROTOCOL     0x020c

#define PTE_P        0x1ull
#define PTE_W        0x2ull
#define PTE_PS       0x80ull
#define IDENTITY_GIB 4
#define COPY_PIECE   0x10000ull
#define SCRATCH      4096 /* a zero page or a page table, built in a kernel buffer */

int hv_linux_parse(const void *image, size_t size, struct hv_linux_header *h, char *err)
{
	const uint8_t *p = image;

	memset(h, 0, sizeof(*h));
	if (!image || size < HDR_END_MIN + 4)
		return loader_fail(err, -ENOEXEC, "truncated: %zu bytes cannot hold a bzImage setup header", size);
	if (get16(p + HDR_BOOT_FLAG) != 0xaa55)
		return loader_fail(err, -ENOEXEC, "not a bzImage: no boot flag 0xAA55 at offset 0x1fe");
	if (memcmp(p + HDR_MAGIC, "HdrS", 4) != 0)
		return loader_fail(err, -ENOEXEC, "not a Linux bzImage: no \"HdrS\" magic at offset 0x202");
	h->version = get16(p + HDR_VERSION);
	if (h->version < MIN_PROTOCOL)
		return loader_fail(err, -ENOEXEC,
		                   "boot protocol %u.%02u is older than 2.12, which the 64-bit entry needs",
		                   h->version >> 8, h->version & 0xff);
	h->header_end = HDR_JUMP + 2 + p[HDR_JUMP + 1];
	if (h->header_end < HDR_END_MIN || h->header_end > HDR_END_MAX)
		return loader_fail(err, -ENOEXEC, "setup header end %#zx is outside [%#x, %#x]", h->header_end,
		                   HDR_END_MIN, HDR_END_MAX);
	h->setup_sects = p[HDR_SETUP_SECTS] ? p[HDR_SETUP_SECTS] : 4;
	h->setup_bytes = ((size_t)h->setup_sects + 1) * 512;
	if (h->setup_bytes >= size)
		return loader_fail(err, -ENOEXEC, "truncated: %zu bytes, but the setup code alone takes %zu", size,
		                   h->setup_bytes);
	h->syssize = get32(p + HDR_SYSSIZE);
	if (!h->syssize)
		return loader_fail(err, -ENOEXEC, "syssize is 0: no protected-mode kernel");
	/* What follows syssize (a signed kernel's signature) is not loaded. */
	if ((uint64_t)h->syssize * 16 > size - h->setup_bytes)
		return loader_fail(
		    err, -ENOEXEC,
		    "truncated: syssize says %llu bytes of kernel after the setup code, the file has %zu",
		    (unsigned long long)h->syssize * 16, size - h->setup_bytes);
	h->kernel_bytes = (size_t)h->syssize * 16;
	h->loadflags = p[HDR_LOADFLAGS];
	if (!(h->loadflags & LOADED_HIGH))
		return loader_fail(err, -ENOEXEC, "a zImage (LOADED_HIGH clear): only bzImages are supported");
	h->xloadflags = get16(p + HDR_XLOADFLAGS);
	if (!(h->xloadflags & HV_LINUX_XLF_KERNEL_64))
		return loader_fail(err, -ENOEXEC, "no 64-bit entry point (XLF_KERNEL_64 clear in xloadflags)");
	h->code32_start = get32(p + HDR_CODE32_START);
	h->initrd_addr_max = get32(p + HDR_INITRD_ADDR_MAX);
	h->kernel_alignment = get32(p + HDR_KERNEL_ALIGN);
	h->relocatable = p[HDR_RELOCATABLE] != 0;
	h->cmdline_size = get32(p + HDR_CMDLINE_SIZE);
	h->pref_address = get64(p + HDR_PREF_ADDRESS);
	h->init_size = get32(p + HDR_INIT_SIZE);
	if (h->init_size < h->kernel_bytes)
		return loader_fail(err, -ENOEXEC, "init_size %u is smaller than the kernel itself (%zu bytes)",
		                   h->init_size, h->kernel_bytes);
	if (h->pref_address & 0xfff)
		return loader_fail(err, -ENOEXEC, "pref_address %#llx is not page aligned",
		                   (unsigned long long)h->pref_address);
	return 0;
}

/* Puts the initrd at the highest page-aligned place below initrd_addr_max
 * that lies in RAM and above the kernel. */
static int place_initrd(const struct gmem *m, const struct hv_linux_header *h, uint64_t kernel_end, size_t size,
                        uint64_t *where, char *err)
{
	uint64_t limit = (uint64_t)h->initrd_addr_max + 1;

	if (!size)
		return loader_fail(err, -EINVAL, "the initrd is empty");
	for (unsigned i = m->n; i-- > 0;) {
		const struct gmem_region *r = &m->region[i];
		uint64_t end = r->gpa + r->size, start;
		if (r->kind != GMEM_RAM || r->gpa >= limit)
			continue;
		if (end > limit)
			end = limit;
		if (size > end)
			continue;
		start = (end - size) & ~0xfffull;
		if (start >= r->gpa && start >= kernel_end) {
			*where = start;
			return 0;
		}
	}
	return loader_fail(err, -E2BIG,
	                   "the initrd (%zu bytes) does not fit in RAM between the kernel's end %#llx and "
	                   "initrd_addr_max %#x",
	                   size, (unsigned long long)kernel_end, h->initrd_addr_max);
}

static int build_page_tables(struct gmem *m, uint8_t *table)
{
	uint64_t pdpt = HV_BOOT_PML4_GPA + 0x1000, pd = pdpt + 0x1000;

	memset(table, 0, SCRATCH);
	put64(table, pdpt | PTE_P | PTE_W);
	if (gmem_write(m, HV_BOOT_PML4_GPA, table, SCRATCH))
		return -EFAULT;
	memset(table, 0, SCRATCH);
	for (unsigned g = 0; g < IDENTITY_GIB; g++)
		put64(table + 8 * g, (pd + 0x1000ull * g) | PTE_P | PTE_W);
	if (gmem_write(m, pdpt, table, SCRATCH))
		return -EFAULT;
	for (unsigned g = 0; g < IDENTITY_GIB; g++) {
		for (unsigned i = 0; i < 512; i++)
			put64(table + 8 * i, ((uint64_t)g << 30 | (uint64_t)i << 21) | PTE_P | PTE_W | PTE_PS);
		if (gmem_write(m, pd + 0x1000ull * g, table, SCRATCH))
			return -EFAULT;
	}
	return 0;
}

static int write_zero_page(struct gmem *m, uint8_t *zp, const uint8_t *image, const struct hv_linux_header *h,
                           uint64_t load, uint64_t initrd, size_t initrd_size)
{
	struct hv_e820_entry e820[ZP_E820_MAX];
	unsigned n = hv_loader_e820(m, e820, ZP_E820_MAX);

	memset(zp, 0, SCRATCH);
	memcpy(zp + HDR_SETUP_SECTS, image + HDR_SETUP_SECTS, h->header_end - HDR_SETUP_SECTS);
	zp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	zp[HDR_LOADFLAGS] = (uint8_t)(h->loadflags | LOADED_HIGH | CAN_USE_HEAP);
	put16(zp + HDR_HEAP_END_PTR, HEAP_END);
	put32(zp + HDR_CODE32_START, (uint32_t)load);
	put32(zp + HDR_CMD_LINE_PTR, (uint32_t)HV_BOOT_CMDLINE_GPA);
	put32(zp + ZP_EXT_CMD_LINE_PTR, 0);
	put32(zp + HDR_RAMDISK_IMAGE, (uint32_t)initrd);
	put32(zp + ZP_EXT_RAMDISK_IMAGE, (uint32_t)(initrd >> 32));
	put32(zp + HDR_RAMDISK_SIZE, (uint32_t)initrd_size);
	put32(zp + ZP_EXT_RAMDISK_SIZE, (uint32_t)((uint64_t)initrd_size >> 32));
	zp[ZP_E820_ENTRIES] = (uint8_t)n;
	for (unsigned i = 0; i < n; i++) {
		uint8_t *e = zp + ZP_E820_TABLE + 20 * i;
		put64(e, e820[i].addr);
		put64(e + 8, e820[i].size);
		put32(e + 16, e820[i].type);
	}
	return gmem_write(m, HV_BOOT_ZERO_PAGE, zp, SCRATCH);
}

static void long_mode_state(struct hv_boot_state *out, uint64_t entry)
{
	struct hv_segment code = {
	    .limit = 0xffffffff, .selector = 0x10, .type = 0xb, .present = 1, .s = 1, .l = 1, .g = 1};
	struct hv_segment data = {
	    .limit = 0xffffffff, .selector = 0x18, .type = 0x3, .present = 1, .s = 1, .db = 1, .g = 1};
	struct hv_sregs *s = &out->sregs;

	hv_regs_reset(&out->regs, s);
	memset(&out->regs, 0, sizeof(out->regs));
	out->regs.rip = entry;
	out->regs.rflags = 0x2;
	out->regs.gpr[6] = HV_BOOT_ZERO_PAGE; /* rsi */
	out->regs.gpr[4] = HV_BOOT_STACK_TOP; /* rsp */
	s->cs = code;
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->tr = (struct hv_segment){.limit = 0xffff, .type = 0xb, .present = 1};
	s->ldt = (struct hv_segment){.unusable = 1};
	s->gdt = (struct hv_dtable){HV_BOOT_GDT_GPA, LOADER_GDT_LIMIT};
	s->idt = (struct hv_dtable){0, 0};
	s->cr0 = 0x80000011; /* PG, ET, PE */
	s->cr3 = HV_BOOT_PML4_GPA;
	s->cr4 = 0x20;   /* PAE */
	s->efer = 0x500; /* LME, LMA */
}

/* Copies [off, off+len) of an image, in memory or behind a reader, to guest
 * RAM at gpa (checked to be RAM by the caller). A reader fills guest memory
 * directly, in pieces that never cross a 64 KiB boundary and so never a
 * gmem chunk. */
static int copy_image(struct gmem *m, uint64_t gpa, const void *data, const struct hv_loader_reader *r, uint64_t off,
                      uint64_t len)
{
	if (!r)
		return gmem_write(m, gpa, (const uint8_t *)data + off, len);
	while (len) {
		uint64_t n = COPY_PIECE - (gpa & (COPY_PIECE - 1));
		void *dst;
		int rc;
		if (n > len)
			n = len;
		dst = gmem_map_range(m, gpa, n, true);
		if (!dst)
			return -EFAULT;
		rc = r->read(r->ctx, off, dst, (size_t)n);
		if (rc)
			return rc;
		gpa += n, off += n, len -= n;
	}
	return 0;
}

int hv_load_linux(struct gmem *m, const struct hv_linux_params *p, struct hv_boot_state *out, char *err)
{
	return hv_load_linux_read(m, p, NULL, NULL, out, err);
}

int hv_load_linux_read(struct gmem *m, const struct hv_linux_params *p, const struct hv_loader_reader *kr,
                       const struct hv_loader_reader *ir, struct hv_boot_state *out, char *err)
{
	struct hv_linux_header h;
	uint8_t head[HDR_END_MAX]; /* the part of the image the header checks read */
	const uint8_t *image = p ? p->kernel : NULL;
	bool has_initrd;
	uint8_t *scratch;
	uint64_t load, need, ram_end, initrd = 0;
	int rc;

	if (!m || !p || !out)
		return loader_fail(err, -EINVAL, "missing arguments");
	if (kr) {
		size_t n = p->kernel_size < sizeof(head) ? p->kernel_size : sizeof(head);
		memset(head, 0, sizeof(head));
		rc = n ? kr->read(kr->ctx, 0, head, n) : 0;
		if (rc)
			return loader_fail(err, rc, "reading the kernel's setup header failed (%d)", rc);
		image = head;
	}
	rc = hv_linux_parse(image, p->kernel_size, &h, err);
	if (rc)
		return rc;
	if (!loader_ram_range(m, 0, HV_BOOT_MPTABLE_GPA))
		return loader_fail(err, -E2BIG, "the boot area [0, %#llx) is not all RAM",
		                   (unsigned long long)HV_BOOT_MPTABLE_GPA);
	load = h.pref_address ? h.pref_address : 0x100000;
	need = h.init_size > h.kernel_bytes ? h.init_size : h.kernel_bytes;
	ram_end = loader_ram_end(m, load);
	if (!loader_ram_range(m, load, need))
		return loader_fail(
		    err, -E2BIG, "the kernel needs [%#llx, %#llx) (init_size) but RAM there ends at %#llx",
		    (unsigned long long)load, (unsigned long long)(load + need), (unsigned long long)ram_end);
	has_initrd = ir ? p->initrd_size != 0 : p->initrd != NULL;
	if (has_initrd) {
		rc = place_initrd(m, &h, load + need, p->initrd_size, &initrd, err);
		if (rc)
			return rc;
	}
	rc = loader_write_cmdline(m, p->cmdline, (uint64_t)h.cmdline_size + 1, err);
	if (rc)
		return rc;
	rc = copy_image(m, load, p->kernel, kr, h.setup_bytes, h.kernel_bytes);
	if (rc && rc != -EFAULT)
		return loader_fail(err, rc, "reading the kernel failed (%d)", rc);
	if (!rc && has_initrd)
		rc = copy_image(m, initrd, p->initrd, ir, 0, p->initrd_size);
	if (rc && rc != -EFAULT)
		return loader_fail(err, rc, "reading the initrd failed (%d)", rc);
	scratch = rc ? NULL : kmalloc(SCRATCH);
	if (!rc && !scratch)
		return loader_fail(err, -ENOMEM, "out of memory");
	if (!rc)
		rc = write_zero_page(m, scratch, image, &h, load, initrd, has_initrd ? p->initrd_size : 0) ||
		     build_page_tables(m, scratch) || loader_write_gdt(m, true);
	kfree(scratch);
	if (rc)
		return loader_fail(err, -EFAULT, "writing guest memory failed");
	long_mode_state(out, load + 0x200);
	return 0;
}
