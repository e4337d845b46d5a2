/* The Intel MultiProcessor table (MP spec 1.4): how a guest without ACPI
 * finds its CPUs, the IOAPIC and the routing of ISA and PCI interrupts.
 * Linux scans the last KiB of base memory (0x9fc00) for the floating
 * pointer, where the loaders (include/hv/loader.h) leave room for it. */
#ifndef HV_MPTABLE_H
#define HV_MPTABLE_H
#include <hv/gmem.h>
#include <kern/types.h>

#define HV_MPTABLE_MAX_PCI 64

/* A PCI device's INTx pin and the IOAPIC input (GSI) it is wired to. */
struct hv_mptable_pci_irq {
	uint8_t bus, slot;
	uint8_t pin; /* 0 = INTA# .. 3 = INTD# */
	uint8_t gsi;
};

struct hv_mptable_config {
	unsigned ncpus;       /* LAPIC ids 0..ncpus-1, CPU 0 the bootstrap processor */
	uint64_t ioapic_addr; /* 0xfec00000 on a PC */
	unsigned ioapic_pins; /* 24 */
	const struct hv_mptable_pci_irq *pci;
	unsigned npci;
};

struct hv_pci_host;
/* The INTx routing of every device on `h`'s bus 0 that uses a pin (its
 * interrupt pin register), as the host's swizzle wires it
 * (hv_pci_intx_gsi). Returns the number of entries written (at most max). */
unsigned hv_mptable_pci_irqs(const struct hv_pci_host *h, struct hv_mptable_pci_irq *out, unsigned max);

/* Bytes the floating pointer plus the configuration table take. */
size_t hv_mptable_size(const struct hv_mptable_config *c);
/* Writes the floating pointer at `gpa` (16-byte aligned) and the table right
 * after it. ISA IRQ 0 goes to pin 2 (the timer override every PC has), the
 * other ISA IRQs to their own pins, pin 0 is the 8259's ExtINT; PCI INTx
 * lines are level triggered, active low. -EINVAL for bad configurations,
 * -EFAULT if the range is not guest RAM. */
int hv_mptable_write(struct gmem *m, uint64_t gpa, const struct hv_mptable_config *c);
#endif
