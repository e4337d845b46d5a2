/* NMIs: a self-NMI through the LAPIC ICR (delivery mode NMI) reaches
 * vector 2 with IF clear; a second one sent inside the handler waits for
 * the handler's IRET; an IOAPIC redirection entry in NMI mode (the PIT's
 * IRQ 0 on pin 2, one shot) ends a HLT with IF clear. */
#include "guest.h"

#define ICR_LO     0x300
#define ICR_HI     0x310
#define DM_NMI     (4u << 8)
#define ASSERT     (1u << 14)
#define IOAPIC     0xfec00000u
#define PIT_PIN    2
#define MASKED     (1u << 16)
#define RFLAGS_IF  (1u << 9)
#define WAIT_LOOPS 2000000u

static volatile unsigned nmis, depth, max_depth, last_vector, last_eflags;
static volatile bool resend_inside;
static volatile unsigned seen_at_handler_end;

static void self_nmi(void)
{
	lapic_write(ICR_HI, 0); /* APIC 0: this CPU */
	lapic_write(ICR_LO, DM_NMI | ASSERT);
}

static void on_nmi(struct guest_frame *f)
{
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	nmis++;
	last_vector = f->vector;
	last_eflags = f->eflags;
	if (resend_inside) {
		resend_inside = false;
		self_nmi();
		/* Time for it to arrive if nothing held it back. */
		for (volatile unsigned i = 0; i < 200000; i++)
			;
		seen_at_handler_end = nmis;
	}
	depth--;
}

static void wait_nmis(unsigned n)
{
	for (unsigned i = 0; i < WAIT_LOOPS && nmis < n; i++)
		__asm__ volatile("" ::: "memory");
}

static uint32_t ioapic_read(uint32_t reg)
{
	mmio_write32(IOAPIC, reg);
	return mmio_read32(IOAPIC + 0x10);
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(IOAPIC, reg);
	mmio_write32(IOAPIC + 0x10, v);
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	(void)magic, (void)mbi;
	__asm__ volatile("cli");
	idt_init();
	set_handler(2, on_nmi);
	lapic_enable();
	outb(0x21, 0xff); /* the PIC stays out of it */
	outb(0xa1, 0xff);

	self_nmi();
	wait_nmis(1);
	report_eq("icr_nmi_delivered", nmis, 1);
	report_eq("nmi_vector_2", last_vector, 2);
	report("nmi_taken_with_if_clear", !(last_eflags & RFLAGS_IF));

	nmis = max_depth = 0;
	resend_inside = true;
	self_nmi();
	wait_nmis(2);
	report("second_nmi_held_in_handler", seen_at_handler_end == 1 && max_depth == 1);
	report_eq("held_nmi_after_iret", nmis, 2);

	/* PIT channel 0 in mode 0: OUT goes low now and rises once at the
	 * terminal count (10 ms), one edge on IOAPIC pin 2, sent as an NMI. */
	nmis = 0;
	outb(0x43, 0x30);
	ioapic_write(0x10 + 2 * PIT_PIN + 1, 0);  /* destination: APIC 0 */
	ioapic_write(0x10 + 2 * PIT_PIN, DM_NMI); /* NMI, edge, active high, unmasked */
	report_eq("ioapic_nmi_redirection_readback", ioapic_read(0x10 + 2 * PIT_PIN) & 0x1ffff, DM_NMI);
	outb(0x40, (uint8_t)11932);
	outb(0x40, (uint8_t)(11932 >> 8));
	while (!nmis)
		__asm__ volatile("hlt"); /* IF clear: only the NMI ends it */
	report_eq("ioapic_nmi_wakes_hlt", nmis, 1);
	ioapic_write(0x10 + 2 * PIT_PIN, MASKED);
	return summary();
}
