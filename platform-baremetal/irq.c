/* plat_irq_register: device IRQs through the I/O APIC. IRQ n (an ISA IRQ
 * below 16, otherwise a GSI) always arrives on vector VEC_IRQ_BASE + n;
 * the MADT's overrides decide which GSI pin and polarity that is. */
#include <kern/atomic.h>
#include <plat/cpu.h>
#include <plat/irq.h>
#include "acpi.h"
#include "apic.h"
#include "plat_errno.h"

struct irq_slot {
	plat_irq_handler_t fn;
	void *arg;
	uint32_t gsi;
};

static struct irq_slot irq_slots[IRQ_LINES];
static int irq_lock;

static irqflags_t lock(void)
{
	irqflags_t f = plat_irq_save();
	int expected = 0;

	while (!atomic_cas(&irq_lock, &expected, 1)) {
		expected = 0;
		plat_cpu_relax();
	}
	return f;
}

static void unlock(irqflags_t f)
{
	atomic_store_release(&irq_lock, 0);
	plat_irq_restore(f);
}

int plat_irq_register(unsigned irq, unsigned cpu, plat_irq_handler_t fn, void *arg)
{
	/* PCI-style GSIs (16+) are level-triggered, active low. */
	struct isa_irq_route route = irq < ISA_IRQS ? topology.isa[irq] : (struct isa_irq_route){irq, true, true};
	irqflags_t f;
	int err = 0;

	if (irq >= IRQ_LINES || !fn || cpu >= plat_cpu_count())
		return -PLAT_EINVAL;
	f = lock();
	if (irq_slots[irq].fn) {
		err = -PLAT_EBUSY;
		goto out;
	}
	irq_slots[irq] = (struct irq_slot){fn, arg, route.gsi};
	if (ioapic_route(route.gsi, (uint8_t)(VEC_IRQ_BASE + irq), topology.apic_id[cpu], route.level,
			 route.active_low)) {
		irq_slots[irq].fn = NULL;
		err = -PLAT_EINVAL;
	}
out:
	unlock(f);
	return err;
}

void plat_irq_unregister(unsigned irq)
{
	irqflags_t f;

	if (irq >= IRQ_LINES)
		return;
	f = lock();
	if (irq_slots[irq].fn)
		ioapic_mask(irq_slots[irq].gsi);
	irq_slots[irq].fn = NULL;
	unlock(f);
}

void irq_dispatch(unsigned irq)
{
	struct irq_slot s = irq_slots[irq];

	if (s.fn)
		s.fn(irq, s.arg);
}
