/* Port I/O goes to the simulated machine's bus. */
#include "hosted.h"

#include <plat/io.h>

#include "../sim/sim.h"

uint8_t plat_inb(uint16_t port)
{
	return (uint8_t)sim_port_read(port, 1);
}

uint16_t plat_inw(uint16_t port)
{
	return (uint16_t)sim_port_read(port, 2);
}

uint32_t plat_inl(uint16_t port)
{
	return sim_port_read(port, 4);
}

void plat_outb(uint16_t port, uint8_t v)
{
	sim_port_write(port, 1, v);
}

void plat_outw(uint16_t port, uint16_t v)
{
	sim_port_write(port, 2, v);
}

void plat_outl(uint16_t port, uint32_t v)
{
	sim_port_write(port, 4, v);
}
