/* The emergency console: COM1, polled. A bounded lock keeps lines from
 * different CPUs apart without ever deadlocking a panicking CPU. */
#include <drivers/uart16550.h>
#include <kern/atomic.h>
#include <plat/console.h>
#include <plat/cpu.h>
#include "percpu.h"

#define CONSOLE_LOCK_SPINS 2000000
#define CONSOLE_NO_OWNER (-1)

static int console_owner = CONSOLE_NO_OWNER;
static bool console_ready;

void console_early_init(void);
void console_early_init(void)
{
	uart16550_init_polled(UART_COM1_PORT);
	console_ready = true;
}

void plat_console_write(const char *s, size_t n)
{
	irqflags_t flags = plat_irq_save();
	int me = (int)plat_cpu_id();
	int expected = CONSOLE_NO_OWNER;
	bool locked = false;

	if (!console_ready)
		console_early_init();
	/* Re-entry from an exception on this CPU must not wait for itself;
	 * a CPU that died holding the lock is waited for only so long. */
	if (atomic_load_relaxed(&console_owner) != me) {
		for (int i = 0; i < CONSOLE_LOCK_SPINS; i++) {
			expected = CONSOLE_NO_OWNER;
			if (atomic_cas(&console_owner, &expected, me)) {
				locked = true;
				break;
			}
			plat_cpu_relax();
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart16550_putc_polled(UART_COM1_PORT, '\r');
		uart16550_putc_polled(UART_COM1_PORT, s[i]);
	}
	if (locked)
		atomic_store_release(&console_owner, CONSOLE_NO_OWNER);
	plat_irq_restore(flags);
}
