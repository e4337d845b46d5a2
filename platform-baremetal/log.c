/* Platform messages during boot and from fault handlers. Formats into a
 * stack buffer and writes the emergency console directly, so it works
 * before the core's log exists and while it is broken. */
#include <kern/printf.h>
#include <kern/stdarg.h>
#include <kern/string.h>
#include <plat/console.h>
#include "boot.h"
#include "cpu_ops.h"

static void bm_vlog(const char *fmt, va_list ap)
{
	char buf[256];
	int n;

	memcpy(buf, "[plat] ", 7);
	n = kvsnprintf(buf + 7, sizeof(buf) - 8, fmt, ap);
	if (n < 0)
		n = 0;
	n = MIN(n + 7, (int)sizeof(buf) - 2);
	buf[n++] = '\n';
	plat_console_write(buf, (size_t)n);
}

void bm_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bm_vlog(fmt, ap);
	va_end(ap);
}

NORETURN void bm_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bm_vlog(fmt, ap);
	va_end(ap);
	bm_log("boot stopped");
	halt_forever();
	__builtin_unreachable();
}

const char *boot_cmdline_option(const char *name, char *buf, size_t size)
{
	const char *p = boot_info.cmdline;
	size_t len = strlen(name);

	while (*p) {
		const char *word = p;
		size_t wlen = 0;

		while (word[wlen] && word[wlen] != ' ')
			wlen++;
		p = word + wlen;
		while (*p == ' ')
			p++;
		if (wlen < len || strncmp(word, name, len) != 0)
			continue;
		if (wlen == len) {
			kstrlcpy(buf, "", size);
			return buf;
		}
		if (word[len] == '=') {
			size_t vlen = MIN(wlen - len - 1, size - 1);

			memcpy(buf, word + len + 1, vlen);
			buf[vlen] = '\0';
			return buf;
		}
	}
	return NULL;
}
