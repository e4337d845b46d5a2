/* The console terminal: the kernel console (COM1) under the line
 * discipline. While the terminal is open, every byte the UART receives is
 * queued by the interrupt handler and fed to the line discipline by a
 * kernel thread (which may echo, and send signals, as the interrupt handler
 * may not); while it is closed, input goes back to the console's own
 * buffer (the monitor). */
#include <kern/abi/fcntl.h>
#include <kern/console.h>
#include <kern/log.h>
#include <kern/sched.h>

#include "tty_internal.h"

#define RX_RING 1024 /* bytes queued between the interrupt and the thread */
#define RX_BATCH 64

static struct tty con_tty;
static spinlock_t init_lock = SPINLOCK_INIT("console-tty-init");
static bool con_ready;

static spinlock_t rx_lock = SPINLOCK_INIT("console-tty-rx");
static char rx_ring[RX_RING];
static unsigned rx_head, rx_tail; /* under rx_lock */
static bool worker_running, worker_stop;
static struct waitqueue rx_wq;

static void console_tty_write(struct tty *tty, const char *buf, size_t len)
{
	console_write_raw(buf, len);
}

/* Interrupt context: queue the byte for the thread. */
static void console_tty_rx(char c)
{
	spin_lock(&rx_lock);
	if ((rx_head + 1) % RX_RING != rx_tail) {
		rx_ring[rx_head] = c;
		rx_head = (rx_head + 1) % RX_RING;
	}
	spin_unlock(&rx_lock);
	waitqueue_wake_all(&rx_wq);
}

static bool rx_work(void *unused)
{
	return rx_head != rx_tail || worker_stop;
}

static void rx_thread(void *unused)
{
	for (;;) {
		char buf[RX_BATCH];
		size_t n = 0;
		bool stop;

		waitqueue_wait(&rx_wq, rx_work, NULL);
		spin_lock(&rx_lock);
		while (n < RX_BATCH && rx_tail != rx_head) {
			buf[n++] = rx_ring[rx_tail];
			rx_tail = (rx_tail + 1) % RX_RING;
		}
		stop = worker_stop && n == 0;
		if (stop)
			worker_running = false;
		spin_unlock(&rx_lock);
		if (stop)
			return;
		tty_receive(&con_tty, buf, n);
	}
}

/* First open: start the input thread (unless the last one has not left
 * yet, which then stays) and take the console's input. */
static void console_tty_activate(struct tty *tty)
{
	bool start;

	spin_lock(&rx_lock);
	worker_stop = false;
	start = !worker_running;
	worker_running = true;
	spin_unlock(&rx_lock);
	if (start && !thread_create(rx_thread, NULL, "tty-console", SCHED_PRIO_DEFAULT + 1, CPU_ANY, true)) {
		pr_err("tty: no memory for the console input thread; console input stays with the monitor");
		spin_lock(&rx_lock);
		worker_running = false;
		spin_unlock(&rx_lock);
		return;
	}
	console_set_input_hook(console_tty_rx);
}

static void console_tty_deactivate(struct tty *tty)
{
	console_set_input_hook(NULL);
	spin_lock(&rx_lock);
	worker_stop = true;
	spin_unlock(&rx_lock);
	waitqueue_wake_all(&rx_wq);
}

static const struct tty_driver_ops console_tty_ops = {
	.write = console_tty_write,
	.activate = console_tty_activate,
	.deactivate = console_tty_deactivate,
};

struct tty *console_tty(void)
{
	bool first;

	spin_lock(&init_lock);
	first = !con_ready;
	con_ready = true;
	if (first) {
		waitqueue_init(&rx_wq);
		tty_init(&con_tty, "console", &console_tty_ops, NULL);
	}
	spin_unlock(&init_lock);
	return &con_tty;
}

struct file *console_file_open(void)
{
	tty_devices_init();
	return tty_open_file(console_tty(), O_RDWR, true);
}
