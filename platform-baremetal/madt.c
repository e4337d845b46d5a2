/* The MADT: which CPUs exist (enabled local APICs), where the I/O APICs are,
 * and how ISA IRQs map onto GSIs. Without a usable MADT the machine is run
 * as one CPU with the architectural default APIC addresses. */
#include <arch/x86_64/cpuid.h>
#include <arch/x86_64/msr.h>
#include <kern/string.h>
#include "acpi.h"
#include "boot.h"
#include "cpu_ops.h"

#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_ISO 2
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC 9
#define MADT_LAPIC_ENABLED 1
#define MADT_LAPIC_ONLINE_CAPABLE 2
#define MPS_POLARITY_MASK 3
#define MPS_POLARITY_LOW 3
#define MPS_TRIGGER_MASK (3 << 2)
#define MPS_TRIGGER_LEVEL (3 << 2)
#define XAPIC_MAX_ID 0xff
/* Defined by the I/O APIC hardware (and the MP spec) as the default. */
#define IOAPIC_DEFAULT_PHYS 0xfec00000

struct topology topology;

struct __attribute__((packed)) madt {
	struct acpi_header h;
	uint32_t lapic_address;
	uint32_t flags;
};

struct __attribute__((packed)) madt_entry {
	uint8_t type, length;
	union {
		struct __attribute__((packed)) {
			uint8_t acpi_id, apic_id;
			uint32_t flags;
		} lapic;
		struct __attribute__((packed)) {
			uint8_t id, reserved;
			uint32_t address, gsi_base;
		} ioapic;
		struct __attribute__((packed)) {
			uint8_t bus, source;
			uint32_t gsi;
			uint16_t flags;
		} iso;
		struct __attribute__((packed)) {
			uint16_t reserved;
			uint64_t address;
		} lapic_override;
		struct __attribute__((packed)) {
			uint16_t reserved;
			uint32_t apic_id, flags, acpi_uid;
		} x2apic;
	};
};

static uint32_t boot_cpu_apic_id(void)
{
	return cpuid(CPUID_LEAF_FEATURES, 0).ebx >> 24;
}

static void add_cpu(uint32_t apic_id, uint32_t flags, uint32_t boot_id)
{
	if (!(flags & MADT_LAPIC_ENABLED))
		return; /* online-capable CPUs need hotplug, which we lack */
	if (apic_id == boot_id)
		return; /* already slot 0 */
	if (apic_id > XAPIC_MAX_ID) {
		bm_log("madt: skipping cpu with x2APIC id %u (xAPIC mode only)", apic_id);
		return;
	}
	for (unsigned i = 0; i < topology.cpu_count; i++)
		if (topology.apic_id[i] == apic_id)
			return;
	if (topology.cpu_count == PLAT_MAX_CPUS) {
		bm_log("madt: more than %u cpus, ignoring apic id %u", PLAT_MAX_CPUS, apic_id);
		return;
	}
	topology.apic_id[topology.cpu_count++] = apic_id;
}

static void set_defaults(uint32_t boot_id)
{
	memset(&topology, 0, sizeof(topology));
	topology.cpu_count = 1;
	topology.apic_id[0] = boot_id;
	topology.lapic_phys = rdmsr(MSR_IA32_APIC_BASE) & ~0xfffULL & 0x000ffffffffff000ULL;
	for (unsigned irq = 0; irq < ISA_IRQS; irq++)
		topology.isa[irq] = (struct isa_irq_route){irq, false, false};
}

static void use_fallback(void)
{
	topology.ioapic_count = 1;
	topology.ioapic[0] = (struct ioapic_desc){IOAPIC_DEFAULT_PHYS, 0, 0};
	bm_log("madt: falling back to 1 cpu, I/O APIC at 0x%x", IOAPIC_DEFAULT_PHYS);
}

static void parse_entry(const struct madt_entry *e, uint32_t boot_id, bool *boot_seen)
{
	switch (e->type) {
	case MADT_LAPIC:
		if (e->length < 8)
			break;
		if (e->lapic.apic_id == boot_id)
			*boot_seen = true;
		add_cpu(e->lapic.apic_id, e->lapic.flags, boot_id);
		break;
	case MADT_X2APIC:
		if (e->length < 16)
			break;
		if (e->x2apic.apic_id == boot_id)
			*boot_seen = true;
		add_cpu(e->x2apic.apic_id, e->x2apic.flags, boot_id);
		break;
	case MADT_IOAPIC:
		if (e->length < 12)
			break;
		if (topology.ioapic_count == MAX_IOAPICS) {
			bm_log("madt: too many I/O APICs");
			break;
		}
		topology.ioapic[topology.ioapic_count++] =
			(struct ioapic_desc){e->ioapic.address, e->ioapic.gsi_base, e->ioapic.id};
		break;
	case MADT_ISO:
		if (e->length < 10 || e->iso.bus != 0 || e->iso.source >= ISA_IRQS)
			break;
		/* "Conforming" (0) means the ISA default: edge, active high. */
		topology.isa[e->iso.source] = (struct isa_irq_route){
			.gsi = e->iso.gsi,
			.level = (e->iso.flags & MPS_TRIGGER_MASK) == MPS_TRIGGER_LEVEL,
			.active_low = (e->iso.flags & MPS_POLARITY_MASK) == MPS_POLARITY_LOW,
		};
		break;
	case MADT_LAPIC_OVERRIDE:
		if (e->length >= 12)
			topology.lapic_phys = e->lapic_override.address;
		break;
	default:
		break;
	}
}

void madt_parse(bool acpi_ok)
{
	uint32_t boot_id = boot_cpu_apic_id();
	const struct madt *m = acpi_ok ? (const struct madt *)acpi_find_table("APIC") : NULL;
	bool boot_seen = false;
	const uint8_t *p, *end;

	set_defaults(boot_id);
	if (!m || m->h.length < sizeof(*m)) {
		bm_log("madt: no valid MADT (APIC table)");
		use_fallback();
		return;
	}
	if (m->lapic_address)
		topology.lapic_phys = m->lapic_address;
	end = (const uint8_t *)m + m->h.length;
	for (p = (const uint8_t *)(m + 1); p + 2 <= end; p += ((const struct madt_entry *)p)->length) {
		const struct madt_entry *e = (const struct madt_entry *)p;

		if (e->length < 2 || p + e->length > end) {
			bm_log("madt: malformed entry at offset %lu", (unsigned long)(p - (const uint8_t *)m));
			break;
		}
		parse_entry(e, boot_id, &boot_seen);
	}
	if (!boot_seen || topology.ioapic_count == 0) {
		bm_log("madt: %s", !boot_seen ? "the boot cpu is not listed" : "no I/O APIC listed");
		set_defaults(boot_id);
		use_fallback();
		return;
	}
	bm_log("madt: %u cpu(s), %u I/O APIC(s), local APIC at 0x%lx", topology.cpu_count, topology.ioapic_count,
	       (unsigned long)topology.lapic_phys);
}
