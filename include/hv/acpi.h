/* The ACPI tables a guest gets (ACPI 6.x, chapter 5): RSDP (revision 2) ->
 * XSDT -> FADT (revision 6, not hardware-reduced) + FACS + DSDT, and the
 * MADT. They tell Linux its CPUs (the cloud kernel has no MP table parser)
 * and how to power off: the DSDT has \_S5 and a PCI host bridge, the FADT
 * points at the PM1 registers hv/dev/acpi_pm.c models. All tables live in
 * one block in the BIOS area, where Linux scans for the RSDP. */
#ifndef HV_ACPI_H
#define HV_ACPI_H
#include <hv/gmem.h>
#include <kern/types.h>

#define HV_ACPI_TABLES_GPA 0xe0000ull /* 16-byte aligned, below 1 MiB: the RSDP scan area */
#define HV_ACPI_MAX_CPUS   64

/* The PM1a blocks: event (status at +0, enable at +2) then control at +4. */
#define HV_ACPI_PM1_PORT    0x600
#define HV_ACPI_PM1_EVT_LEN 4
#define HV_ACPI_PM1_CNT_OFF 4
#define HV_ACPI_PM1_CNT_LEN 2
#define HV_ACPI_PM1_PORTS   (HV_ACPI_PM1_CNT_OFF + HV_ACPI_PM1_CNT_LEN)
#define HV_ACPI_SCI_IRQ     9

/* PM1 register bits (ACPI 6.x, 4.8.3). */
#define HV_ACPI_PM1_WAK_STS       0x8000
#define HV_ACPI_PM1_SCI_EN        0x0001
#define HV_ACPI_PM1_SLP_TYP_SHIFT 10
#define HV_ACPI_PM1_SLP_TYP_MASK  (7u << HV_ACPI_PM1_SLP_TYP_SHIFT)
#define HV_ACPI_PM1_SLP_EN        0x2000
#define HV_ACPI_S5_SLP_TYP        5 /* the value \_S5 gives for PM1a and PM1b */

/* Where each table sits in the block (offsets from its start). */
#define HV_ACPI_RSDP_OFF 0x000 /* 36 bytes */
#define HV_ACPI_XSDT_OFF 0x040 /* 36 + 8 per entry: FADT, MADT */
#define HV_ACPI_FADT_OFF 0x080 /* 276 bytes */
#define HV_ACPI_FACS_OFF 0x1c0 /* 64 bytes, 64-byte aligned */
#define HV_ACPI_DSDT_OFF 0x200
#define HV_ACPI_MADT_OFF 0x400

#define HV_ACPI_HEADER_LEN 36
#define HV_ACPI_FADT_LEN   276
#define HV_ACPI_FACS_LEN   64
#define HV_ACPI_RSDP_LEN   36

struct hv_acpi_config {
	unsigned ncpus;       /* LAPIC ids 0..ncpus-1; the IOAPIC's id is ncpus, as in the MP table */
	uint64_t ioapic_addr; /* 0xfec00000, GSI base 0 */
};

/* The AML of `Name (_S5, Package () {5, 5, 0, 0})`, which the DSDT starts with. */
extern const uint8_t hv_acpi_s5_aml[14];

/* Bytes the whole block takes. */
size_t hv_acpi_size(const struct hv_acpi_config *c);
/* Builds every table and writes the block at `gpa` (16-byte aligned,
 * below 4 GiB; HV_ACPI_TABLES_GPA for Linux to find it). -EINVAL for bad
 * configurations, -EFAULT if the block is not all guest RAM. */
int hv_acpi_write(struct gmem *m, uint64_t gpa, const struct hv_acpi_config *c);
#endif
