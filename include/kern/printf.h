#ifndef KERN_PRINTF_H
#define KERN_PRINTF_H
#include <kern/stdarg.h>
#include <kern/types.h>

/* Supports %d %i %u %x %X %p %s %c %% with flags '-', '0', width, precision
 * (for %s) and length modifiers l, ll, z. Always NUL-terminates when size>0
 * and returns the length the full output would have had. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);
#endif
