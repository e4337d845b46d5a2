/* init=platform: bare metal embeds no program of its own to run (the
 * hosted platform uses this for unit tests and fuzzers), so it says so and
 * the core reports it. */
#include <plat/boot.h>

int plat_init_task(void)
{
	return -1;
}
