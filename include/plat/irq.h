/* Platform interface: device interrupts.
 * IRQ numbers are ISA/GSI numbers (0-23 on a PC: 4 is COM1). The platform
 * routes them (IOAPIC on bare metal, sim/'s interrupt controller hosted). */
#ifndef PLAT_IRQ_H
#define PLAT_IRQ_H
#include <kern/types.h>

typedef void (*plat_irq_handler_t)(unsigned irq, void *arg);

/* Installs `fn` for `irq`, routes it to `cpu` and unmasks it. Handlers run
 * with interrupts disabled. Returns 0 or -EBUSY/-EINVAL. */
int plat_irq_register(unsigned irq, unsigned cpu, plat_irq_handler_t fn, void *arg);
void plat_irq_unregister(unsigned irq);

#endif
