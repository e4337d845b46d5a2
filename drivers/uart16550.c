#include <drivers/uart16550.h>
#include <kern/uart_regs.h>
#include <plat/cpu.h>
#include <plat/io.h>
#include <plat/irq.h>

/* Transmit waits are bounded so a missing UART cannot hang the kernel. */
#define UART_TX_SPIN_LIMIT 100000

struct uart_rx_binding {
	uint16_t port;
	void (*on_rx)(char c);
};

static struct uart_rx_binding rx_binding;

void uart16550_init_polled(uint16_t port)
{
	uint16_t divisor = UART_CLOCK_HZ / 16 / 115200;

	plat_outb(port + UART_IER, 0);
	plat_outb(port + UART_LCR, UART_LCR_DLAB);
	plat_outb(port + UART_DLL, divisor & 0xff);
	plat_outb(port + UART_DLM, divisor >> 8);
	plat_outb(port + UART_LCR, UART_LCR_8N1);
	plat_outb(port + UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX);
	plat_outb(port + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
}

void uart16550_putc_polled(uint16_t port, char c)
{
	for (int i = 0; i < UART_TX_SPIN_LIMIT; i++) {
		if (plat_inb(port + UART_LSR) & UART_LSR_THRE)
			break;
		plat_cpu_relax();
	}
	plat_outb(port + UART_THR, (uint8_t)c);
}

int uart16550_getc_polled(uint16_t port)
{
	if (!(plat_inb(port + UART_LSR) & UART_LSR_DR))
		return -1;
	return plat_inb(port + UART_RBR);
}

static void uart16550_irq(unsigned irq, void *arg)
{
	struct uart_rx_binding *b = arg;
	int c;

	(void)plat_inb(b->port + UART_IIR);
	while ((c = uart16550_getc_polled(b->port)) >= 0)
		b->on_rx((char)c);
}

int uart16550_enable_rx_irq(uint16_t port, unsigned irq, void (*on_rx)(char c))
{
	int err;

	rx_binding.port = port;
	rx_binding.on_rx = on_rx;
	err = plat_irq_register(irq, 0, uart16550_irq, &rx_binding);
	if (err)
		return err;
	plat_outb(port + UART_IER, UART_IER_RDI);
	return 0;
}
