#include <hv/dev/irqchip.h>
#include <kern/atomic.h>
#include <kern/string.h>

void irqchip_init(struct irqchip *c, unsigned ncpus, const struct irqchip_backend *be, void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->be = be;
	c->ctx = ctx;
	c->ncpus = ncpus > IRQCHIP_MAX_CPUS ? IRQCHIP_MAX_CPUS : ncpus;
}

static void raise(struct irqchip *c, unsigned cpu, uint64_t bits)
{
	atomic_fetch_or(&c->pending[cpu], bits);
	if (c->be && c->be->kick)
		c->be->kick(c->ctx, cpu);
}

bool irqchip_route(struct irqchip *c, unsigned line, unsigned cpu, bool enable)
{
	if (line >= IRQCHIP_LINES || cpu >= c->ncpus)
		return false;
	c->route[line] = (uint8_t)cpu;
	if (enable)
		atomic_fetch_or(&c->enabled, 1u << line);
	else
		atomic_fetch_and(&c->enabled, ~(1u << line));
	if (enable && (atomic_load_acquire(&c->asserted) & (1u << line)))
		raise(c, cpu, IRQCHIP_BIT_LINE(line));
	return true;
}

void irqchip_set_line(struct irqchip *c, unsigned line, bool level)
{
	uint32_t bit, old;

	if (line >= IRQCHIP_LINES)
		return;
	bit = 1u << line;
	if (level)
		old = atomic_fetch_or(&c->asserted, bit);
	else
		old = atomic_fetch_and(&c->asserted, ~bit);
	/* A rising edge on an unmasked line pends it on its CPU. */
	if (level && !(old & bit) && (atomic_load_acquire(&c->enabled) & bit))
		raise(c, c->route[line], IRQCHIP_BIT_LINE(line));
}

void irqchip_eoi(struct irqchip *c, unsigned line)
{
	uint32_t bit;

	if (line >= IRQCHIP_LINES)
		return;
	bit = 1u << line;
	if ((atomic_load_acquire(&c->asserted) & bit) && (atomic_load_acquire(&c->enabled) & bit))
		raise(c, c->route[line], IRQCHIP_BIT_LINE(line));
}

void irqchip_send_ipi(struct irqchip *c, unsigned cpu)
{
	if (cpu < c->ncpus)
		raise(c, cpu, IRQCHIP_BIT_IPI);
}

void irqchip_set_deadline(struct irqchip *c, unsigned cpu, ktime_t deadline)
{
	if (cpu >= c->ncpus)
		return;
	/* No kick: only a running CPU arms its own timer, and it looks at the
	 * deadline again before it waits. */
	atomic_store_release(&c->deadline[cpu], deadline);
}

ktime_t irqchip_deadline(const struct irqchip *c, unsigned cpu)
{
	return cpu < c->ncpus ? atomic_load_acquire(&c->deadline[cpu]) : 0;
}

uint64_t irqchip_take_pending(struct irqchip *c, unsigned cpu, ktime_t now)
{
	uint64_t bits = 0;
	ktime_t d = atomic_load_acquire(&c->deadline[cpu]);

	if (d && now >= d && atomic_cas(&c->deadline[cpu], &d, 0))
		bits |= IRQCHIP_BIT_TIMER;
	if (atomic_load_relaxed(&c->pending[cpu]))
		bits |= atomic_exchange(&c->pending[cpu], 0);
	return bits;
}

bool irqchip_has_pending(const struct irqchip *c, unsigned cpu, ktime_t now)
{
	ktime_t d = atomic_load_acquire(&c->deadline[cpu]);
	return atomic_load_relaxed(&c->pending[cpu]) != 0 || (d && now >= d);
}
