/* 82093AA I/O APIC at 0xfec00000: 24 pins, IOREGSEL/IOWIN indirect
 * registers (ID, version, arbitration, redirection table), edge and level
 * triggering with remote IRR cleared by the LAPICs' EOI broadcast. */
#ifndef HV_DEV_IOAPIC_H
#define HV_DEV_IOAPIC_H
#include <hv/bus.h>
#include <hv/dev/lapic.h>

#define HV_IOAPIC_BASE 0xfec00000ULL
#define HV_IOAPIC_SIZE 0x1000
#define HV_IOAPIC_PINS 24

#define IOAPIC_REG_SELECT 0x00
#define IOAPIC_REG_WINDOW 0x10
#define IOAPIC_ID         0x00
#define IOAPIC_VERSION    0x01
#define IOAPIC_ARB        0x02
#define IOAPIC_REDTBL     0x10

#define IOAPIC_RTE_MASKED     (1ULL << 16)
#define IOAPIC_RTE_LEVEL      (1ULL << 15)
#define IOAPIC_RTE_REMOTE_IRR (1ULL << 14)
#define IOAPIC_RTE_POLARITY   (1ULL << 13)
#define IOAPIC_RTE_DELIVS     (1ULL << 12)
#define IOAPIC_RTE_LOGICAL    (1ULL << 11)

struct hv_ioapic {
	uint8_t id;
	uint8_t select;
	uint64_t rte[HV_IOAPIC_PINS];
	uint32_t irr;   /* requests waiting for delivery */
	uint32_t level; /* input levels */
	/* Delivers a message to the LAPICs (ExtINT: the PIC provides the vector). */
	void (*deliver)(void *ctx, const struct hv_apic_irq *irq);
	void *ctx;
};

void hv_ioapic_init(struct hv_ioapic *io, void (*deliver)(void *ctx, const struct hv_apic_irq *irq), void *ctx);
void hv_ioapic_set_irq(struct hv_ioapic *io, unsigned pin, bool level);
/* A LAPIC ended level-triggered `vector`. */
void hv_ioapic_eoi(struct hv_ioapic *io, uint8_t vector);
uint32_t hv_ioapic_read(struct hv_ioapic *io, uint64_t offset);
void hv_ioapic_write(struct hv_ioapic *io, uint64_t offset, uint32_t v);
int hv_ioapic_attach(struct hv_ioapic *io, struct hv_bus *mmio);
#endif
