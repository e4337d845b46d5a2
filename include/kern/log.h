/* The kernel log: levelled messages stamped with plat_time_ns(), kept in a
 * ring buffer (read by the monitor's `log`) and echoed to the console. */
#ifndef KERN_LOG_H
#define KERN_LOG_H
#include <kern/stdarg.h>
#include <kern/types.h>

enum log_level { LOG_ERR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

void klog(enum log_level lvl, const char *fmt, ...) PRINTF_LIKE(2, 3);
void kvlog(enum log_level lvl, const char *fmt, va_list ap);
/* Raw console output without prefix or ring buffer (for machine-readable
 * lines such as ktest results and the monitor's replies). */
void kprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
void log_set_console_level(enum log_level lvl);
/* Copies the ring buffer's text (oldest first) into `buf`; returns bytes. */
size_t log_read(char *buf, size_t size);

#define pr_err(...) klog(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) klog(LOG_WARN, __VA_ARGS__)
#define pr_info(...) klog(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) klog(LOG_DEBUG, __VA_ARGS__)

NORETURN void panic(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Prints a symbolized backtrace starting at frame pointer `fp`. */
void backtrace_print(uintptr_t pc, uintptr_t fp);

#define KASSERT(c)                                                                     \
	do {                                                                           \
		if (unlikely(!(c)))                                                    \
			panic("assertion failed: %s at %s:%d", #c, __FILE__, __LINE__); \
	} while (0)
#endif
