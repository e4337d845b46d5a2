/* Platform interface: the emergency console. Works before any driver is up
 * and from panic; polled and unbuffered. Normal console I/O goes through
 * drivers/ (the 16550 driver) on both platforms. */
#ifndef PLAT_CONSOLE_H
#define PLAT_CONSOLE_H
#include <kern/types.h>

void plat_console_write(const char *s, size_t n);

#endif
