/* Guest loaders: put a kernel (and its initrd or modules, command line and
 * boot information) into guest memory and say in which state the boot vCPU
 * starts. They work on struct gmem only and trust nothing in the image:
 * every malformed image gets -ENOEXEC (bad format), -E2BIG (does not fit)
 * or -EINVAL (bad arguments) and a sentence in `err`.
 *
 * Guest memory layout both loaders use (all below 1 MiB, which must be RAM):
 *   0x00500  GDT                       0x07000  Linux zero page (boot_params)
 *   0x08000  multiboot info + mmap     0x08ff0  initial stack top (Linux)
 *   0x09000  page tables (Linux: PML4, PDPT, four PDs = 4 GiB identity)
 *   0x20000  command line (up to 64 KiB)
 *   0x9fc00  MP table (include/hv/mptable.h), reserved in the memory map
 *   0xe0000  ACPI tables for Linux guests (include/hv/acpi.h), reserved too */
#ifndef HV_LOADER_H
#define HV_LOADER_H
#include <hv/gmem.h>
#include <hv/regs.h>
#include <kern/types.h>

#define HV_LOADER_ERR_MAX 128

#define HV_BOOT_GDT_GPA     0x500ull
#define HV_BOOT_ZERO_PAGE   0x7000ull
#define HV_BOOT_MBI_GPA     0x8000ull
#define HV_BOOT_STACK_TOP   0x8ff0ull
#define HV_BOOT_PML4_GPA    0x9000ull
#define HV_BOOT_CMDLINE_GPA 0x20000ull
#define HV_BOOT_CMDLINE_MAX 0x10000ull
#define HV_BOOT_MPTABLE_GPA 0x9fc00ull
#define HV_BOOT_LOW_RAM_END 0xa0000ull /* conventional memory ends (VGA, BIOS above) */

struct hv_boot_state {
	struct hv_regs regs;
	struct hv_sregs sregs;
};

/* --- the Linux x86 boot protocol (Documentation/arch/x86/boot.rst) ---- */

#define HV_LINUX_XLF_KERNEL_64 (1u << 0)

/* What the setup header of a bzImage says. */
struct hv_linux_header {
	uint16_t version; /* 0x020c = 2.12 */
	uint8_t setup_sects;
	uint8_t loadflags;
	uint16_t xloadflags;
	bool relocatable;
	uint32_t syssize; /* 16-byte units */
	uint32_t code32_start;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint32_t cmdline_size;
	uint64_t pref_address;
	uint32_t init_size;
	size_t setup_bytes;  /* (setup_sects + 1) * 512: where the kernel starts */
	size_t kernel_bytes; /* syssize * 16: the protected-mode kernel */
	size_t header_end;   /* the setup header spans [0x1f1, header_end) */
};

/* Checks a bzImage: boot flag, "HdrS", protocol >= 2.12, 64-bit entry,
 * setup_sects and syssize inside the file. */
int hv_linux_parse(const void *image, size_t size, struct hv_linux_header *h, char *err);

/* An image the loader reads piece by piece instead of from memory (a file
 * too big for one kernel buffer): read exactly len bytes at off, 0 or
 * -errno. */
struct hv_loader_reader {
	int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	void *ctx;
};

struct hv_linux_params {
	const void *kernel;
	size_t kernel_size;
	const void *initrd; /* may be NULL */
	size_t initrd_size;
	const char *cmdline; /* may be NULL */
};

/* Loads the kernel at its preferred address, the initrd as high as
 * initrd_addr_max and the RAM allow, fills the zero page (e820 from the
 * gmem map) and builds the 64-bit entry state: identity-mapped page
 * tables for the first 4 GiB, a flat GDT, rsi = zero page. */
int hv_load_linux(struct gmem *m, const struct hv_linux_params *p, struct hv_boot_state *out, char *err);
/* The same with the kernel (p->kernel_size bytes) and, if `initrd` is not
 * NULL, the initrd (p->initrd_size bytes; 0: none) read through readers
 * instead of p->kernel and p->initrd. */
int hv_load_linux_read(struct gmem *m, const struct hv_linux_params *p, const struct hv_loader_reader *kernel,
                       const struct hv_loader_reader *initrd, struct hv_boot_state *out, char *err);

/* --- multiboot v1 ------------------------------------------------------ */

#define HV_MULTIBOOT_HEADER_MAGIC 0x1badb002u
#define HV_MULTIBOOT_BOOT_MAGIC   0x2badb002u
#define HV_MULTIBOOT_SEARCH       8192u
#define HV_MULTIBOOT_MAX_MODULES  16

struct hv_multiboot_module {
	const void *data;
	size_t size;
	const char *cmdline; /* may be NULL */
};

struct hv_multiboot_params {
	const void *kernel; /* ELF32 or ELF64 with a multiboot header, or a.out kludge */
	size_t kernel_size;
	const char *cmdline;
	const struct hv_multiboot_module *modules;
	unsigned nmodules;
};

/* Loads the kernel's segments (physical addresses), the modules page
 * aligned after the kernel, and the multiboot information; the state is
 * flat 32-bit protected mode with eax = 0x2BADB002 and ebx = the info. */
int hv_load_multiboot(struct gmem *m, const struct hv_multiboot_params *p, struct hv_boot_state *out, char *err);

/* --- shared ------------------------------------------------------------ */

/* The guest's memory map as firmware would report it: RAM usable (minus
 * [0x9fc00, 1 MiB) where the MP table and the legacy holes live), ROM and
 * MMIO reserved. Sorted, at most `max` entries; returns the count. */
enum hv_e820_type { HV_E820_RAM = 1, HV_E820_RESERVED = 2 };
struct hv_e820_entry {
	uint64_t addr, size;
	uint32_t type;
};
unsigned hv_loader_e820(const struct gmem *m, struct hv_e820_entry *out, unsigned max);
#endif
