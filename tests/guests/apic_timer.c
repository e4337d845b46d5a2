/* The local APIC timer: one-shot, periodic and masked, delivered through
 * the IDT; the current count runs down. */
#include "guest.h"

#define VEC       0x40
#define LVT_TIMER 0x320
#define INITIAL   0x380
#define CURRENT   0x390
#define DIVIDE    0x3e0
#define MASKED    (1u << 16)
#define PERIODIC  (1u << 17)
#define IRR_WORD(v) (0x200 + ((v) / 32) * 0x10)
#define IRR_BIT(v)  (1u << ((v) % 32))

static volatile unsigned ticks;

static void on_timer(struct guest_frame *f)
{
	(void)f;
	ticks++;
	lapic_eoi();
}

static void on_spurious(struct guest_frame *f)
{
	(void)f;
}

static void wait_ticks(unsigned n)
{
	while (ticks < n)
		__asm__ volatile("sti; hlt; cli");
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	uint32_t c1, c2;

	(void)magic, (void)mbi;
	idt_init();
	set_handler(VEC, on_timer);
	set_handler(0xff, on_spurious);
	lapic_enable();
	report_eq("lapic_id", lapic_read(0x20) >> 24, 0);
	report("lapic_version", (lapic_read(0x30) & 0xff) >= 0x10);
	lapic_write(DIVIDE, 0xb); /* divide by 1 */

	lapic_write(LVT_TIMER, VEC | MASKED);
	lapic_write(INITIAL, 0x7fffffff);
	c1 = lapic_read(CURRENT);
	for (volatile int i = 0; i < 100000; i++)
		;
	c2 = lapic_read(CURRENT);
	report("current_count_runs_down", c2 < c1 && c1 <= 0x7fffffff);
	lapic_write(INITIAL, 0);
	report_eq("initial_zero_stops", lapic_read(CURRENT), 0);

	lapic_write(LVT_TIMER, VEC);
	lapic_write(INITIAL, 100000);
	wait_ticks(1);
	report_eq("one_shot_fired", ticks, 1);
	report_eq("one_shot_current_zero", lapic_read(CURRENT), 0);

	lapic_write(LVT_TIMER, VEC | PERIODIC);
	lapic_write(INITIAL, 200000);
	wait_ticks(4);
	report("periodic_fired", ticks >= 4);
	report("periodic_reloads", lapic_read(CURRENT) <= 200000);
	lapic_write(LVT_TIMER, VEC | MASKED);
	lapic_write(INITIAL, 0);
	/* A tick the LAPIC accepted before the mask is still requested: it is
	 * due at the next sti, as on hardware. Take it before counting. */
	while (lapic_read(IRR_WORD(VEC)) & IRR_BIT(VEC))
		__asm__ volatile("sti; nop; nop; nop; cli");

	lapic_write(LVT_TIMER, VEC | MASKED);
	lapic_write(INITIAL, 1000);
	c1 = ticks;
	while (lapic_read(CURRENT))
		;
	__asm__ volatile("sti; nop; nop; nop; cli");
	report_eq("masked_no_interrupt", ticks, c1);
	return summary();
}
