/* Platform interface: power. */
#ifndef PLAT_POWER_H
#define PLAT_POWER_H
#include <kern/types.h>

/* Powers the machine off. `status` is reported where the platform can
 * (hosted: process exit status; bare metal under QEMU: isa-debug-exit,
 * giving QEMU exit status (status << 1) | 1). Never returns. */
NORETURN void plat_poweroff(int status);
NORETURN void plat_reboot(void);

#endif
