#include "hosted.h"

#include <plat/console.h>
#include <unistd.h>

void plat_console_write(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(hosted_cfg.console_out_fd, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}
