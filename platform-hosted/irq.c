/* Device interrupt registration: lines of sim/'s interrupt controller. */
#include "hosted.h"

#include <hv/dev/irqchip.h>
#include <plat/irq.h>

#include "../sim/sim.h"

struct irq_slot {
	plat_irq_handler_t fn;
	void *arg;
};

static struct irq_slot slots[IRQCHIP_LINES];

int plat_irq_register(unsigned irq, unsigned cpu, plat_irq_handler_t fn, void *arg)
{
	if (irq >= IRQCHIP_LINES || cpu >= plat_cpu_count() || !fn)
		return -22; /* EINVAL */
	if (slots[irq].fn)
		return -16; /* EBUSY */
	slots[irq].arg = arg;
	__atomic_store_n(&slots[irq].fn, fn, __ATOMIC_RELEASE);
	irqchip_route(sim_irqchip(), irq, cpu, true);
	return 0;
}

void plat_irq_unregister(unsigned irq)
{
	if (irq >= IRQCHIP_LINES)
		return;
	irqchip_route(sim_irqchip(), irq, 0, false);
	__atomic_store_n(&slots[irq].fn, NULL, __ATOMIC_RELEASE);
}

void hosted_irq_dispatch(unsigned line)
{
	plat_irq_handler_t fn = __atomic_load_n(&slots[line].fn, __ATOMIC_ACQUIRE);
	if (fn)
		fn(line, slots[line].arg);
}
