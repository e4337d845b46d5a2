/* External interrupts: the PIT's IRQ 0 through the IOAPIC (pin 2, as the MP
 * table says) to the LAPIC, then through the 8259 PIC in virtual wire mode
 * (LINT0 as ExtINT). */
#include "guest.h"

#define IOAPIC     0xfec00000u
#define VEC_IOAPIC 0x30
#define VEC_PIC    0x20
#define PIT_HZ     1193182
#define MASKED     (1u << 16)

static volatile unsigned ioapic_ticks, pic_ticks;

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

static void on_ioapic(struct guest_frame *f)
{
	(void)f;
	ioapic_ticks++;
	lapic_eoi();
}

static void on_pic(struct guest_frame *f)
{
	(void)f;
	pic_ticks++;
	outb(0x20, 0x20); /* non-specific EOI to the master */
}

static void on_spurious(struct guest_frame *f)
{
	(void)f;
}

static void pit_periodic(unsigned hz)
{
	unsigned div = PIT_HZ / hz;

	outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2 */
	outb(0x40, (uint8_t)div);
	outb(0x40, (uint8_t)(div >> 8));
}

static void wait_for(volatile unsigned *counter, unsigned n)
{
	while (*counter < n)
		__asm__ volatile("sti; hlt; cli");
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	uint32_t ver;

	(void)magic, (void)mbi;
	idt_init();
	set_handler(VEC_IOAPIC, on_ioapic);
	set_handler(VEC_PIC, on_pic);
	set_handler(0x27, on_spurious); /* the PIC's spurious IRQ 7 */
	set_handler(0xff, on_spurious);
	lapic_enable();
	/* Mask the PIC while the IOAPIC has the line. */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);

	ver = ioapic_read(1);
	report("ioapic_version", (ver & 0xff) >= 0x11);
	report("ioapic_24_pins", (ver >> 16 & 0xff) >= 23);
	ioapic_write(0x10 + 2 * 2 + 1, 0);      /* destination: APIC 0 */
	ioapic_write(0x10 + 2 * 2, VEC_IOAPIC); /* pin 2: fixed, edge, active high, unmasked */
	report_eq("ioapic_redirection_readback", ioapic_read(0x10 + 2 * 2) & 0x1ffff, VEC_IOAPIC);
	pit_periodic(1000);
	wait_for(&ioapic_ticks, 5);
	report("ioapic_pit_irq0_on_pin2", ioapic_ticks >= 5);
	ioapic_write(0x10 + 2 * 2, VEC_IOAPIC | MASKED);

	/* The 8259 pair: vectors 0x20/0x28, cascade on IRQ 2. */
	outb(0x20, 0x11), outb(0xa0, 0x11);
	outb(0x21, VEC_PIC), outb(0xa1, VEC_PIC + 8);
	outb(0x21, 4), outb(0xa1, 2);
	outb(0x21, 1), outb(0xa1, 1);
	outb(0x21, 0xfe); /* IRQ 0 only */
	outb(0xa1, 0xff);
	report_eq("pic_mask_readback", inb(0x21), 0xfe);
	lapic_write(0x350, 0x700); /* LINT0: ExtINT, unmasked */
	wait_for(&pic_ticks, 5);
	report("pic_pit_irq0_extint", pic_ticks >= 5);
	outb(0x21, 0xff);
	lapic_write(0x350, MASKED);
	return summary();
}
