/* The legacy 8259 PICs: remapped above the exception vectors (so a stray
 * interrupt cannot look like a CPU fault) and fully masked; the I/O APIC
 * delivers device interrupts instead. */
#include <plat/io.h>
#include "apic.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086 0x01
#define PIC_CASCADE_IRQ 2

void pic_disable(void)
{
	plat_outb(PIC1_CMD, ICW1_INIT_ICW4);
	plat_outb(PIC2_CMD, ICW1_INIT_ICW4);
	plat_outb(PIC1_DATA, VEC_PIC_BASE);
	plat_outb(PIC2_DATA, VEC_PIC_BASE + 8);
	plat_outb(PIC1_DATA, 1 << PIC_CASCADE_IRQ);
	plat_outb(PIC2_DATA, PIC_CASCADE_IRQ);
	plat_outb(PIC1_DATA, ICW4_8086);
	plat_outb(PIC2_DATA, ICW4_8086);
	plat_outb(PIC1_DATA, 0xff);
	plat_outb(PIC2_DATA, 0xff);
}
