/* The simulated PC the hosted kernel runs on: a port-I/O and MMIO bus, the
 * interrupt controller, and device models from hv/dev/ wired to host back
 * ends (stdio for the console UART). */
#ifndef SIM_SIM_H
#define SIM_SIM_H
#include <hv/dev/irqchip.h>
#include <stdbool.h>
#include <stdint.h>

struct sim_config {
	unsigned ncpus;
	const struct irqchip_backend *irq_backend; /* wakes the hosted CPUs */
	void *irq_ctx;
	int console_in_fd, console_out_fd;
};

void sim_init(const struct sim_config *cfg);
struct irqchip *sim_irqchip(void);

uint32_t sim_port_read(uint16_t port, unsigned size);
void sim_port_write(uint16_t port, unsigned size, uint32_t value);
uint64_t sim_mmio_read(uint64_t pa, unsigned size);
void sim_mmio_write(uint64_t pa, unsigned size, uint64_t value);

/* True while an external event (console input) may still arrive. */
bool sim_input_possible(void);
/* Restores the terminal (called at exit). */
void sim_shutdown(void);
#endif
