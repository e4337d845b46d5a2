/* Platform interface: boot-time services the core asks of the platform. */
#ifndef PLAT_BOOT_H
#define PLAT_BOOT_H

/* Runs the platform's own first task in the init thread when the command
 * line says init=platform (hosted: a program that embeds the kernel, such
 * as a unit test or fuzzer, runs its code here as a kernel thread). Returns
 * the status to power off with; a platform with nothing to run returns a
 * negative value. */
int plat_init_task(void);
#endif
