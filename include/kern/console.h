/* The kernel console: the COM1 UART through drivers/uart16550 on both
 * platforms, with interrupt-driven input. */
#ifndef KERN_CONSOLE_H
#define KERN_CONSOLE_H
#include <kern/types.h>

void console_init(void);
/* Switches input to interrupts; call once the scheduler runs. */
void console_enable_input(void);
void console_write(const char *s, size_t n);
/* Bytes exactly as given (no "\n" -> "\r\n"): the tty layer does its own
 * output processing. */
void console_write_raw(const char *s, size_t n);
/* While set, each received byte goes to fn (in interrupt context) instead
 * of console_getc()'s buffer; NULL gives input back. The console tty uses
 * it while the terminal is open. */
void console_set_input_hook(void (*fn)(char));
/* Blocks until a byte arrives. */
char console_getc(void);
/* Output path for panic: no locks, polled. */
void console_write_emergency(const char *s, size_t n);
#endif
