/* Local APIC, I/O APIC, legacy PIC and the interrupt vector plan. */
#ifndef BAREMETAL_APIC_H
#define BAREMETAL_APIC_H
#include <kern/types.h>

/* Vector plan. The legacy PIC is remapped out of the exception range and
 * masked; its vectors only ever see spurious interrupts. */
#define VEC_PIC_BASE 0x20
#define VEC_IRQ_BASE 0x30 /* + irq number */
#define IRQ_LINES 64
#define VEC_TIMER 0xf0
#define VEC_IPI 0xf1
#define VEC_TLB 0xf2 /* TLB shootdown (tlb_shootdown.c) */
#define VEC_APIC_ERROR 0xfe
#define VEC_SPURIOUS 0xff

void pic_disable(void);

void lapic_init_global(paddr_t phys);
void lapic_init_cpu(void);
uint32_t lapic_read_id(void);
void lapic_eoi(void);
/* Sends an IPI (ICR low word `icr`) to `apic_id` and waits for delivery. */
void lapic_send_ipi(uint32_t apic_id, uint32_t icr);
void lapic_timer_calibrate(void);
void lapic_timer_interrupt(void);
void lapic_error_interrupt(void);

struct ioapic_desc {
	paddr_t phys;
	uint32_t gsi_base;
	uint32_t id;
};
void ioapic_init(void);
/* Programs the redirection entry for `gsi`. */
int ioapic_route(uint32_t gsi, uint8_t vector, uint32_t apic_id, bool level, bool active_low);
void ioapic_mask(uint32_t gsi);

void irq_dispatch(unsigned irq);
#endif
