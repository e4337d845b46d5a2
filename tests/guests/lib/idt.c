/* The 32-bit IDT of the test guests (guest.h): every vector to guest_isr. */
#include "guest.h"

static guest_handler handlers[256];

extern const uint32_t isr_table[256];
static uint64_t idt[256];

void idt_init(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint32_t base;
	} desc = {sizeof(idt) - 1, (uint32_t)(uintptr_t)idt};

	for (unsigned v = 0; v < 256; v++) {
		uint32_t a = isr_table[v];
		/* 32-bit interrupt gate, present, DPL 0, code selector 0x08 */
		idt[v] =
		    (uint64_t)(a & 0xffff) | (uint64_t)0x08 << 16 | (uint64_t)0x8e00 << 32 | (uint64_t)(a >> 16) << 48;
	}
	__asm__ volatile("lidt %0" : : "m"(desc));
}

void set_handler(unsigned vector, guest_handler h)
{
	handlers[vector & 255] = h;
}

void guest_isr(struct guest_frame *f);
void guest_isr(struct guest_frame *f)
{
	if (handlers[f->vector & 255]) {
		handlers[f->vector & 255](f);
		return;
	}
	puts("  vector ");
	put_dec(f->vector);
	puts(" at eip ");
	put_hex(f->eip);
	puts("\n");
	report("no_unexpected_interrupt", false);
	guest_exit(summary());
}
