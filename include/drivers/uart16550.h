/* Driver for the 16550 UART (COM ports). Runs against QEMU's device on bare
 * metal and against hv/dev/uart16550 (through sim/) on the hosted platform. */
#ifndef DRIVERS_UART16550_H
#define DRIVERS_UART16550_H
#include <kern/types.h>

#define UART_COM1_PORT 0x3f8
#define UART_COM1_IRQ 4

/* Programs 115200 8N1 with FIFOs, interrupts off. Safe to call early. */
void uart16550_init_polled(uint16_t port);
/* Polled output of one byte (waits for the transmitter through the
 * platform, so it cannot hang virtual time). */
void uart16550_putc_polled(uint16_t port, char c);
/* Non-blocking read: returns a byte or -1 when none is waiting. */
int uart16550_getc_polled(uint16_t port);
/* Enables the receive interrupt; `on_rx` runs in interrupt context for
 * each received byte. */
int uart16550_enable_rx_irq(uint16_t port, unsigned irq, void (*on_rx)(char c));
#endif
