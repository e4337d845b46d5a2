/* Platform interface: port I/O and MMIO register access.
 * On bare metal these are the in/out instructions and volatile loads/stores;
 * on the hosted platform they are routed to the simulated machine in sim/. */
#ifndef PLAT_IO_H
#define PLAT_IO_H
#include <kern/types.h>

uint8_t plat_inb(uint16_t port);
uint16_t plat_inw(uint16_t port);
uint32_t plat_inl(uint16_t port);
void plat_outb(uint16_t port, uint8_t v);
void plat_outw(uint16_t port, uint16_t v);
void plat_outl(uint16_t port, uint32_t v);

/* Reads/writes `size` (1, 2, 4 or 8) bytes of a register mapped with
 * plat_mmio_map(). */
uint64_t plat_mmio_read(volatile void *addr, unsigned size);
void plat_mmio_write(volatile void *addr, unsigned size, uint64_t v);

#endif
