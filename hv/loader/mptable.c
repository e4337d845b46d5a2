/* The Intel MP table (MultiProcessor Specification 1.4, chapter 4). */
#include <hv/dev/pci.h>
#include <hv/mptable.h>
#include <kern/abi/pci_ids.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>

#include "loader_internal.h"

#define FLOAT_SIZE    16
#define HEADER_SIZE   44
#define CPU_SIZE      20
#define ENTRY_SIZE    8
#define ISA_IRQS      16
#define LAPIC_ADDR    0xfee00000u
#define LAPIC_VER     0x14
#define IOAPIC_VER    0x11
#define CPU_SIGNATURE 0x600 /* family 6, as the CPUID policy says */
#define CPU_FEATURES  0x201 /* FPU, APIC */

enum { ENT_CPU, ENT_BUS, ENT_IOAPIC, ENT_IOINT, ENT_LINT };
enum { INT_INT = 0, INT_NMI = 1, INT_EXTINT = 3 };
enum { BUS_PCI = 0, BUS_ISA = 1 };
#define PCI_LEVEL_LOW 0x0f /* polarity active low (3), trigger level (3 << 2) */

unsigned hv_mptable_pci_irqs(const struct hv_pci_host *h, struct hv_mptable_pci_irq *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned slot = 0; slot < HV_PCI_SLOTS && n < max; slot++) {
		const struct hv_pci_dev *d = h->slot[slot];
		uint8_t pin = d ? d->cfg[PCI_INTERRUPT_PIN] : PCI_INTERRUPT_PIN_NONE;
		if (pin < PCI_INTERRUPT_PIN_INTA || pin > PCI_INTERRUPT_PIN_INTA + 3)
			continue;
		out[n++] = (struct hv_mptable_pci_irq){0, (uint8_t)slot, (uint8_t)(pin - PCI_INTERRUPT_PIN_INTA),
		                                       (uint8_t)hv_pci_intx_gsi(slot, pin)};
	}
	return n;
}

static unsigned entry_count(const struct hv_mptable_config *c)
{
	return c->ncpus + 2 /* buses */ + 1 /* ioapic */ + 1 /* ExtINT */ + (ISA_IRQS - 1) + c->npci + 2 /* LINTs */;
}

size_t hv_mptable_size(const struct hv_mptable_config *c)
{
	return FLOAT_SIZE + HEADER_SIZE + (size_t)c->ncpus * CPU_SIZE +
	       (size_t)(entry_count(c) - c->ncpus) * ENTRY_SIZE;
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;
	while (n--)
		sum = (uint8_t)(sum + *p++);
	return (uint8_t)-sum;
}

static uint8_t *io_int(uint8_t *e, uint8_t type, uint16_t flags, uint8_t bus, uint8_t irq, uint8_t apic, uint8_t pin)
{
	e[0] = ENT_IOINT, e[1] = type;
	put16(e + 2, flags);
	e[4] = bus, e[5] = irq, e[6] = apic, e[7] = pin;
	return e + ENTRY_SIZE;
}

int hv_mptable_write(struct gmem *m, uint64_t gpa, const struct hv_mptable_config *c)
{
	uint8_t *buf; /* a kernel buffer: two VMs may build their tables at once */
	size_t size;
	int rc;
	uint8_t *t, *e, ioapic_id;
	uint32_t table = (uint32_t)gpa + FLOAT_SIZE;

	if (!c || !c->ncpus || c->ncpus > 8 || c->npci > HV_MPTABLE_MAX_PCI || (c->npci && !c->pci) || gpa & 15 ||
	    gpa + FLOAT_SIZE > 0x100000000ull || c->ioapic_addr >= 0x100000000ull || c->ioapic_pins < ISA_IRQS ||
	    c->ioapic_pins > 240)
		return -EINVAL;
	for (unsigned i = 0; i < c->npci; i++)
		if (c->pci[i].pin > 3 || c->pci[i].slot > 31 || c->pci[i].gsi >= c->ioapic_pins)
			return -EINVAL;
	size = hv_mptable_size(c);
	buf = kzalloc(size);
	if (!buf)
		return -ENOMEM;
	ioapic_id = (uint8_t)c->ncpus; /* the first id after the CPUs' */

	/* The floating pointer. */
	memcpy(buf, "_MP_", 4);
	put32(buf + 4, table);
	buf[8] = 1; /* length in 16-byte units */
	buf[9] = 4; /* spec 1.4 */
	/* feature bytes 0: a configuration table is present, virtual wire mode */
	buf[10] = checksum(buf, FLOAT_SIZE);

	/* The configuration table header. */
	t = buf + FLOAT_SIZE;
	memcpy(t, "PCMP", 4);
	put16(t + 4, (uint16_t)(size - FLOAT_SIZE));
	t[6] = 4;
	memcpy(t + 8, "MACROHRD", 8);
	memcpy(t + 16, "HV PC       ", 12);
	put16(t + 34, (uint16_t)entry_count(c));
	put32(t + 36, LAPIC_ADDR);

	e = t + HEADER_SIZE;
	for (unsigned i = 0; i < c->ncpus; i++, e += CPU_SIZE) {
		e[0] = ENT_CPU, e[1] = (uint8_t)i, e[2] = LAPIC_VER;
		e[3] = 1 | (i == 0 ? 2 : 0); /* enabled, bootstrap */
		put32(e + 4, CPU_SIGNATURE);
		put32(e + 8, CPU_FEATURES);
	}
	e[0] = ENT_BUS, e[1] = BUS_PCI, memcpy(e + 2, "PCI   ", 6), e += ENTRY_SIZE;
	e[0] = ENT_BUS, e[1] = BUS_ISA, memcpy(e + 2, "ISA   ", 6), e += ENTRY_SIZE;
	e[0] = ENT_IOAPIC, e[1] = ioapic_id, e[2] = IOAPIC_VER, e[3] = 1;
	put32(e + 4, (uint32_t)c->ioapic_addr);
	e += ENTRY_SIZE;
	e = io_int(e, INT_EXTINT, 0, BUS_ISA, 0, ioapic_id, 0);
	for (uint8_t irq = 0; irq < ISA_IRQS; irq++) {
		if (irq == 2)
			continue; /* the cascade: its pin belongs to IRQ 0 */
		e = io_int(e, INT_INT, 0, BUS_ISA, irq, ioapic_id, irq == 0 ? 2 : irq);
	}
	for (unsigned i = 0; i < c->npci; i++) {
		const struct hv_mptable_pci_irq *p = &c->pci[i];
		e = io_int(e, INT_INT, PCI_LEVEL_LOW, p->bus, (uint8_t)(p->slot << 2 | p->pin), ioapic_id, p->gsi);
	}
	e[0] = ENT_LINT, e[1] = INT_EXTINT, e[6] = 0xff, e[7] = 0, e += ENTRY_SIZE;
	e[0] = ENT_LINT, e[1] = INT_NMI, e[6] = 0xff, e[7] = 1, e += ENTRY_SIZE;
	t[7] = checksum(t, size - FLOAT_SIZE);
	rc = !loader_ram_range(m, gpa, size) || gmem_write(m, gpa, buf, size) ? -EFAULT : 0;
	kfree(buf);
	return rc;
}
