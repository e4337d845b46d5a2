/* What the loader told us (multiboot2 or PVH), in one loader-neutral form. */
#ifndef BAREMETAL_BOOT_H
#define BAREMETAL_BOOT_H
#include <kern/types.h>

#define BOOT_CMDLINE_MAX 1024
#define BOOT_RSDP_MAX 64

struct boot_info {
	const char *loader;
	char cmdline[BOOT_CMDLINE_MAX];
	/* A copy of the ACPI RSDP (multiboot2 passes a copy, PVH an address). */
	uint8_t rsdp[BOOT_RSDP_MAX];
	size_t rsdp_len;
};

extern struct boot_info boot_info;

/* Each fills boot_info and feeds the memory map (memmap.h). Return false if
 * the loader's data is unusable. */
bool multiboot2_parse(paddr_t info);
bool pvh_parse(paddr_t start_info);

/* Bare-metal log line: "[plat] ..." on the emergency console. */
void bm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Stops the boot with a message (before the core is running). */
NORETURN void bm_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Looks for "name" or "name=value" in the command line; returns the value
 * ("" for a bare flag) or NULL. */
const char *boot_cmdline_option(const char *name, char *buf, size_t size);
#endif
