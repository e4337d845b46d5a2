/* Port-I/O and MMIO dispatch for the simulated machine. Unclaimed ports
 * read as all ones and ignore writes, as on a PC's ISA bus. */
#include "sim.h"
#include "sim_internal.h"

#include <stdio.h>

#define MAX_PORT_RANGES 16

struct port_range {
	uint16_t base, len;
	const struct sim_port_ops *ops;
	void *dev;
};

static struct port_range ranges[MAX_PORT_RANGES];
static unsigned nranges;
static bool warned_mmio;

void sim_bus_add_ports(uint16_t base, uint16_t len, const struct sim_port_ops *ops, void *dev)
{
	if (nranges == MAX_PORT_RANGES) {
		fprintf(stderr, "sim: too many port ranges\n");
		return;
	}
	ranges[nranges++] = (struct port_range){base, len, ops, dev};
}

static struct port_range *find(uint16_t port)
{
	for (unsigned i = 0; i < nranges; i++)
		if (port >= ranges[i].base && port < ranges[i].base + ranges[i].len)
			return &ranges[i];
	return NULL;
}

uint32_t sim_port_read(uint16_t port, unsigned size)
{
	struct port_range *r = find(port);
	uint32_t v = 0;

	if (!r)
		return size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffffu;
	/* Byte-wide devices see wider accesses as consecutive bytes. */
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)r->ops->read(r->dev, (uint16_t)(port + i - r->base)) << (8 * i);
	return v;
}

void sim_port_write(uint16_t port, unsigned size, uint32_t value)
{
	struct port_range *r = find(port);

	if (!r)
		return;
	for (unsigned i = 0; i < size; i++)
		r->ops->write(r->dev, (uint16_t)(port + i - r->base), (uint8_t)(value >> (8 * i)));
}

uint64_t sim_mmio_read(uint64_t pa, unsigned size)
{
	if (!warned_mmio) {
		warned_mmio = true;
		fprintf(stderr, "sim: MMIO read at %#llx hits no device\n", (unsigned long long)pa);
	}
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

void sim_mmio_write(uint64_t pa, unsigned size, uint64_t value)
{
	if (!warned_mmio) {
		warned_mmio = true;
		fprintf(stderr, "sim: MMIO write at %#llx hits no device\n", (unsigned long long)pa);
	}
}
