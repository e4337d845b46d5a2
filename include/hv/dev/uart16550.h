/* 16550A UART device model. Freestanding: used by sim/ to give the hosted
 * kernel its console and by the hypervisor for guests' serial ports. The
 * owner serialises calls (one lock per device). */
#ifndef HV_DEV_UART16550_H
#define HV_DEV_UART16550_H
#include <kern/types.h>

#define UART16550_FIFO 16

struct uart16550_backend {
	/* A byte left the transmitter. */
	void (*tx)(void *ctx, uint8_t byte);
	/* The interrupt line changed level. */
	void (*set_irq)(void *ctx, bool level);
	/* The guest/kernel enabled or disabled receive interrupts (lets the
	 * back end start or pause reading its input). */
	void (*rx_interest)(void *ctx, bool interested);
};

struct uart16550 {
	const struct uart16550_backend *be;
	void *ctx;
	uint8_t ier, iir_thri_pending, lcr, mcr, lsr, msr, scr, dll, dlm, fcr;
	uint8_t rx[UART16550_FIFO];
	unsigned rx_head, rx_count;
	bool irq_level;
};

void uart16550_model_init(struct uart16550 *u, const struct uart16550_backend *be, void *ctx);
/* Register access at offset 0..7 from the base port. */
uint8_t uart16550_model_read(struct uart16550 *u, unsigned offset);
void uart16550_model_write(struct uart16550 *u, unsigned offset, uint8_t v);
/* Offers a received byte; returns false if the FIFO is full (the back end
 * keeps it and offers it again after the next read). */
bool uart16550_model_receive(struct uart16550 *u, uint8_t byte);
bool uart16550_model_rx_full(const struct uart16550 *u);
#endif
