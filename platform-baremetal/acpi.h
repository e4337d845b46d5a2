/* ACPI table discovery and the parts of the MADT/FADT the platform uses. */
#ifndef BAREMETAL_ACPI_H
#define BAREMETAL_ACPI_H
#include <kern/types.h>
#include <plat/cpu.h>
#include "apic.h"

struct __attribute__((packed)) acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
};

struct __attribute__((packed)) acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision; /* 0: ACPI 1.0 (RSDT only); 2+: XSDT fields valid */
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum;
	uint8_t reserved[3];
};

/* Finds the RSDP and the root table. Returns false (after saying why) if
 * ACPI is missing or damaged. */
bool acpi_init(const uint8_t *rsdp_copy, size_t len);
/* A checksummed table with this signature, or NULL. */
const struct acpi_header *acpi_find_table(const char sig[4]);
/* Maps a physical range of firmware data for reading, or NULL. */
const void *acpi_map(paddr_t pa, uint64_t len);

#define MAX_IOAPICS 8
#define ISA_IRQS 16

struct isa_irq_route {
	uint32_t gsi;
	bool level;
	bool active_low;
};

/* What the platform knows about the interrupt and CPU topology. */
struct topology {
	unsigned cpu_count;
	uint32_t apic_id[PLAT_MAX_CPUS]; /* index 0 is the boot CPU */
	paddr_t lapic_phys;
	unsigned ioapic_count;
	struct ioapic_desc ioapic[MAX_IOAPICS];
	struct isa_irq_route isa[ISA_IRQS];
};

extern struct topology topology;

/* Fills `topology` from the MADT; on missing/bad data falls back to one CPU
 * and the architectural default APIC addresses. */
void madt_parse(bool acpi_ok);
#endif
