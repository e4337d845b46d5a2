/* An address-space dispatcher: port I/O or MMIO ranges claimed by device
 * models. One hv_bus for a VM's ports, one for its MMIO; sim/ can use the
 * same for the hosted machine. Not locked: the owner serialises (a VM holds
 * its device mutex around every dispatch, see hv/vm.h). */
#ifndef HV_BUS_H
#define HV_BUS_H
#include <kern/types.h>

#define HV_BUS_MAX_RANGES 64

/* Accesses are 1, 2, 4 or 8 bytes at `offset` from the range's base; values
 * are little-endian in the low bytes. `cpu` is the accessing vCPU (the LAPIC
 * is per CPU; others ignore it). */
struct hv_bus_ops {
	uint64_t (*read)(void *dev, unsigned cpu, uint64_t offset, unsigned size);
	void (*write)(void *dev, unsigned cpu, uint64_t offset, unsigned size, uint64_t value);
};

struct hv_bus_range {
	uint64_t base, len;
	const struct hv_bus_ops *ops;
	void *dev;
	const char *name;
};

struct hv_bus {
	struct hv_bus_range range[HV_BUS_MAX_RANGES]; /* sorted by base */
	unsigned n;
	uint64_t unclaimed; /* accesses nobody claimed (reads as all ones) */
};

void hv_bus_init(struct hv_bus *bus);
/* Claims [base, base+len). -EBUSY if it overlaps a claimed range, -ENOSPC
 * when full, -EINVAL for len 0 or wrap-around. */
int hv_bus_add(struct hv_bus *bus, uint64_t base, uint64_t len, const struct hv_bus_ops *ops, void *dev,
               const char *name);
/* Releases the range claimed at exactly `base` by `dev` (BAR moves). */
int hv_bus_remove(struct hv_bus *bus, uint64_t base, void *dev);
const struct hv_bus_range *hv_bus_find(const struct hv_bus *bus, uint64_t addr);
/* Returns true if a device took the access. An access that straddles the end
 * of a range is split: the part outside goes to whatever lies there. An
 * unclaimed read gives all ones. */
bool hv_bus_read(struct hv_bus *bus, unsigned cpu, uint64_t addr, unsigned size, uint64_t *value);
bool hv_bus_write(struct hv_bus *bus, unsigned cpu, uint64_t addr, unsigned size, uint64_t value);
#endif
