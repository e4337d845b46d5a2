#include <drivers/uart16550.h>
#include <kern/console.h>
#include <kern/spinlock.h>
#include <kern/sync.h>
#include <kern/tty.h>
#include <plat/console.h>

#define RX_RING 256

static spinlock_t out_lock = SPINLOCK_INIT("console-out");
static bool uart_ready;

static struct waitqueue rx_wq;
static char rx_ring[RX_RING];
static volatile unsigned rx_head, rx_tail; /* head: next write; tail: next read */
static void (*volatile input_hook)(char); /* takes input instead of the ring */

void console_init(void)
{
	uart16550_init_polled(UART_COM1_PORT);
	waitqueue_init(&rx_wq);
	uart_ready = true;
}

static void write_locked(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart16550_putc_polled(UART_COM1_PORT, '\r');
		uart16550_putc_polled(UART_COM1_PORT, s[i]);
	}
}

void console_write(const char *s, size_t n)
{
	if (!uart_ready) {
		plat_console_write(s, n);
		return;
	}
	spin_lock(&out_lock);
	write_locked(s, n);
	spin_unlock(&out_lock);
}

void console_write_raw(const char *s, size_t n)
{
	if (!uart_ready) {
		plat_console_write(s, n);
		return;
	}
	spin_lock(&out_lock);
	for (size_t i = 0; i < n; i++)
		uart16550_putc_polled(UART_COM1_PORT, s[i]);
	spin_unlock(&out_lock);
}

void console_write_emergency(const char *s, size_t n)
{
	plat_console_write(s, n);
}

void console_set_input_hook(void (*fn)(char))
{
	input_hook = fn;
}

static void console_rx(char c)
{
	void (*hook)(char) = input_hook;
	unsigned next = (rx_head + 1) % RX_RING;

	if (hook) {
		hook(c);
		return;
	}
	if (next == rx_tail)
		return; /* full: drop, as a UART with a full FIFO would */
	rx_ring[rx_head] = c;
	rx_head = next;
	waitqueue_wake_all(&rx_wq);
}

void console_enable_input(void)
{
	uart16550_enable_rx_irq(UART_COM1_PORT, UART_COM1_IRQ, console_rx);
	/* Registered here, at boot, so that /dev/console and /dev/tty exist
	 * before the root file system is populated. */
	tty_devices_init();
}

static bool rx_available(void *unused)
{
	return rx_head != rx_tail;
}

char console_getc(void)
{
	char c;

	waitqueue_wait(&rx_wq, rx_available, NULL);
	spin_lock(&rx_wq.lock);
	c = rx_ring[rx_tail];
	rx_tail = (rx_tail + 1) % RX_RING;
	spin_unlock(&rx_wq.lock);
	return c;
}
