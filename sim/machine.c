#include "sim.h"
#include "sim_internal.h"

#include <kern/uart_regs.h>

#define COM1_IRQ 4

static struct irqchip chip;

void sim_init(const struct sim_config *cfg)
{
	irqchip_init(&chip, cfg->ncpus, cfg->irq_backend, cfg->irq_ctx);
	sim_console_init(cfg->console_in_fd, cfg->console_out_fd, COM1_IRQ);
}

struct irqchip *sim_irqchip(void)
{
	return &chip;
}

bool sim_input_possible(void)
{
	return sim_console_input_possible();
}

void sim_shutdown(void)
{
	sim_console_shutdown();
}
