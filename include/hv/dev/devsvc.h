/* Services a VM gives its device models: time, timers and interrupt lines.
 * Device models are plain state machines: the owner serialises every call
 * into one device (a VM holds its device mutex around bus dispatch and timer
 * callbacks), so models take no locks. Unit tests pass fakes. */
#ifndef HV_DEV_DEVSVC_H
#define HV_DEV_DEVSVC_H
#include <kern/types.h>

struct hv_timer {
	void (*fn)(struct hv_timer *t); /* runs with the device mutex held */
	void *arg;
	void *priv; /* the clock's */
};

struct hv_clock {
	ktime_t (*now)(void *ctx); /* ns, monotonic */
	/* Arms (or re-arms) `t` for absolute time `deadline`; cancel disarms it
	 * (after return fn does not run). */
	void (*arm)(void *ctx, struct hv_timer *t, ktime_t deadline);
	void (*cancel)(void *ctx, struct hv_timer *t);
	void *ctx;
};

/* Interrupt lines as a device sees them: a GSI (ISA IRQ 0-15 go to both the
 * PIC and the IOAPIC, PCI INTx lines to the IOAPIC) or an MSI write. */
struct hv_irq {
	void (*set_gsi)(void *ctx, unsigned gsi, bool level);
	void (*msi)(void *ctx, uint64_t addr, uint32_t data);
	void *ctx;
};

static inline void hv_irq_set(const struct hv_irq *irq, unsigned gsi, bool level)
{
	irq->set_gsi(irq->ctx, gsi, level);
}

static inline void hv_irq_pulse(const struct hv_irq *irq, unsigned gsi)
{
	irq->set_gsi(irq->ctx, gsi, true);
	irq->set_gsi(irq->ctx, gsi, false);
}
#endif
