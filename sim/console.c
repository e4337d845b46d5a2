/* COM1: the 16550 model (hv/dev) with stdin/stdout as its cable. A reader
 * thread feeds input while the kernel has receive interrupts on; a terminal
 * is put in raw mode so the kernel does its own line editing. */
#include "sim.h"
#include "sim_internal.h"

#include <hv/dev/uart16550.h>
#include <kern/uart_regs.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#define COM1_BASE 0x3f8

static struct uart16550 uart;
static pthread_mutex_t uart_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rx_space = PTHREAD_COND_INITIALIZER;
static int in_fd = -1, out_fd = 1;
static unsigned irq_line;
static pthread_t reader;
static bool reader_started;
static atomic_bool input_open = true;
static bool tty_raw;
static struct termios saved_tio;

static void tx_byte(void *ctx, uint8_t b)
{
	ssize_t r;
	if (out_fd < 0) /* no output (the fuzzers) */
		return;
	do
		r = write(out_fd, &b, 1);
	while (r < 0 && errno == EINTR);
}

static void set_irq(void *ctx, bool level)
{
	irqchip_set_line(sim_irqchip(), irq_line, level);
}

/* ^A x quits the hosted machine, ^A ^A sends a literal ^A (as QEMU's
 * -nographic does), because ^C belongs to the kernel's terminal. */
#define ESCAPE_KEY 0x01

static void deliver_byte(uint8_t b)
{
	while (!uart16550_model_receive(&uart, b))
		pthread_cond_wait(&rx_space, &uart_lock);
}

static void *reader_main(void *arg)
{
	uint8_t buf[64];
	bool escape = false;

	for (;;) {
		ssize_t n = read(in_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		pthread_mutex_lock(&uart_lock);
		for (ssize_t i = 0; i < n; i++) {
			if (tty_raw && escape) {
				escape = false;
				if (buf[i] == 'x' || buf[i] == 'X') {
					pthread_mutex_unlock(&uart_lock);
					sim_console_shutdown();
					fprintf(stderr, "\nhosted: quit (^A x)\n");
					_exit(0);
				}
				if (buf[i] != ESCAPE_KEY)
					deliver_byte(ESCAPE_KEY);
				deliver_byte(buf[i]);
			} else if (tty_raw && buf[i] == ESCAPE_KEY) {
				escape = true;
			} else {
				deliver_byte(buf[i]);
			}
		}
		pthread_mutex_unlock(&uart_lock);
	}
	atomic_store(&input_open, false);
	/* Wake any CPU waiting for input so it can notice there will be none. */
	irqchip_send_ipi(sim_irqchip(), 0);
	return NULL;
}

static void rx_interest(void *ctx, bool interested)
{
	if (!interested || reader_started || in_fd < 0)
		return;
	reader_started = true;
	if (pthread_create(&reader, NULL, reader_main, NULL) != 0) {
		reader_started = false;
		atomic_store(&input_open, false);
		return;
	}
	pthread_detach(reader);
}

static const struct uart16550_backend stdio_backend = {
	.tx = tx_byte,
	.set_irq = set_irq,
	.rx_interest = rx_interest,
};

static uint8_t com1_read(void *dev, uint16_t off)
{
	uint8_t v;
	pthread_mutex_lock(&uart_lock);
	v = uart16550_model_read(&uart, off);
	if (off == UART_RBR)
		pthread_cond_signal(&rx_space);
	pthread_mutex_unlock(&uart_lock);
	return v;
}

static void com1_write(void *dev, uint16_t off, uint8_t v)
{
	pthread_mutex_lock(&uart_lock);
	uart16550_model_write(&uart, off, v);
	pthread_mutex_unlock(&uart_lock);
}

static const struct sim_port_ops com1_ops = {com1_read, com1_write};

void sim_console_init(int in, int out, unsigned line)
{
	in_fd = in;
	out_fd = out;
	irq_line = line;
	if (in_fd < 0)
		atomic_store(&input_open, false);
	uart16550_model_init(&uart, &stdio_backend, NULL);
	sim_bus_add_ports(COM1_BASE, 8, &com1_ops, NULL);
	if (in_fd >= 0 && isatty(in_fd) && tcgetattr(in_fd, &saved_tio) == 0) {
		struct termios raw = saved_tio;
		/* The kernel's own tty does echo, editing and ^C/^Z/^\\: the host
		 * terminal passes every byte through (quit with ^A x). */
		raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO | ISIG | IEXTEN);
		raw.c_iflag &= (tcflag_t) ~(ICRNL | IXON);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (tcsetattr(in_fd, TCSANOW, &raw) == 0) {
			tty_raw = true;
			atexit(sim_console_shutdown);
		}
	}
}

bool sim_console_input_possible(void)
{
	return atomic_load(&input_open);
}

void sim_console_shutdown(void)
{
	if (tty_raw) {
		tcsetattr(in_fd, TCSANOW, &saved_tio);
		tty_raw = false;
	}
}
