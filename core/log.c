/* Kernel log: each message gets a timestamp and lands in a ring buffer;
 * messages at or above the console level are also printed. */
#include <kern/console.h>
#include <kern/log.h>
#include <kern/printf.h>
#include <kern/spinlock.h>
#include <plat/time.h>

#define LOG_RING_SIZE 65536
#define LOG_LINE_MAX 512

static char ring[LOG_RING_SIZE];
static size_t ring_head; /* total bytes ever written */
static spinlock_t ring_lock = SPINLOCK_INIT("log");
static enum log_level console_level = LOG_INFO;

static const char *const level_prefix[] = {"ERROR: ", "WARNING: ", "", ""};

void log_set_console_level(enum log_level lvl)
{
	console_level = lvl;
}

void kvlog(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	ktime_t now = plat_time_ns();
	int n;

	n = ksnprintf(line, sizeof(line), "[%5lu.%06lu] %s", (unsigned long)(now / 1000000000),
		      (unsigned long)(now % 1000000000 / 1000), level_prefix[lvl]);
	n += kvsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	line[n] = '\0';

	spin_lock(&ring_lock);
	for (int i = 0; i < n; i++)
		ring[(ring_head + (size_t)i) % LOG_RING_SIZE] = line[i];
	ring_head += (size_t)n;
	spin_unlock(&ring_lock);
	if (lvl <= console_level)
		console_write(line, (size_t)n);
}

void klog(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvlog(lvl, fmt, ap);
	va_end(ap);
}

void kprintf(const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	console_write(line, MIN((size_t)n, sizeof(line) - 1));
}

size_t log_read(char *buf, size_t size)
{
	size_t start, len, n = 0;

	spin_lock(&ring_lock);
	len = MIN(ring_head, (size_t)LOG_RING_SIZE);
	start = ring_head - len;
	for (size_t i = 0; i < len && n + 1 < size; i++)
		buf[n++] = ring[(start + i) % LOG_RING_SIZE];
	spin_unlock(&ring_lock);
	if (size)
		buf[n] = '\0';
	return n;
}
