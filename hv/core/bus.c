/* An address-space dispatcher for port I/O and MMIO (include/hv/bus.h). */
#include <hv/bus.h>
#include <kern/errno.h>
#include <kern/string.h>

void hv_bus_init(struct hv_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

static uint64_t range_last(const struct hv_bus_range *r)
{
	return r->base + r->len - 1;
}

int hv_bus_add(struct hv_bus *bus, uint64_t base, uint64_t len, const struct hv_bus_ops *ops, void *dev,
               const char *name)
{
	unsigned pos;

	if (len == 0 || base + (len - 1) < base || !ops || !ops->read || !ops->write)
		return -EINVAL;
	for (pos = 0; pos < bus->n && bus->range[pos].base < base; pos++)
		;
	if (pos > 0 && range_last(&bus->range[pos - 1]) >= base)
		return -EBUSY;
	if (pos < bus->n && bus->range[pos].base <= base + (len - 1))
		return -EBUSY;
	if (bus->n == HV_BUS_MAX_RANGES)
		return -ENOSPC;
	memmove(&bus->range[pos + 1], &bus->range[pos], (bus->n - pos) * sizeof(bus->range[0]));
	bus->range[pos] = (struct hv_bus_range){base, len, ops, dev, name ? name : "?"};
	bus->n++;
	return 0;
}

int hv_bus_remove(struct hv_bus *bus, uint64_t base, void *dev)
{
	for (unsigned i = 0; i < bus->n; i++) {
		if (bus->range[i].base != base || bus->range[i].dev != dev)
			continue;
		memmove(&bus->range[i], &bus->range[i + 1], (bus->n - i - 1) * sizeof(bus->range[0]));
		bus->n--;
		return 0;
	}
	return -ENOENT;
}

const struct hv_bus_range *hv_bus_find(const struct hv_bus *bus, uint64_t addr)
{
	unsigned lo = 0, hi = bus->n;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		const struct hv_bus_range *r = &bus->range[mid];

		if (addr < r->base)
			hi = mid;
		else if (addr > range_last(r))
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

/* The first claimed address above `addr`, or 0 when none (addr is the
 * last one before a gap that runs to the end of the space). */
static uint64_t next_claimed(const struct hv_bus *bus, uint64_t addr)
{
	for (unsigned i = 0; i < bus->n; i++)
		if (bus->range[i].base > addr)
			return bus->range[i].base;
	return 0;
}

/* Bytes of [addr, addr+size) that one target (a range or a gap) covers. */
static unsigned piece_len(const struct hv_bus *bus, const struct hv_bus_range *r, uint64_t addr, unsigned size)
{
	uint64_t end;

	if (r)
		end = range_last(r);
	else {
		end = next_claimed(bus, addr);
		if (end == 0)
			return size;
		end--;
	}
	if (end - addr >= size - 1)
		return size;
	return (unsigned)(end - addr + 1);
}

static unsigned pow2_at_most(unsigned n)
{
	return n >= 8 ? 8 : n >= 4 ? 4 : n >= 2 ? 2 : 1;
}

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static bool valid_size(unsigned size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

bool hv_bus_read(struct hv_bus *bus, unsigned cpu, uint64_t addr, unsigned size, uint64_t *value)
{
	const struct hv_bus_range *r = valid_size(size) ? hv_bus_find(bus, addr) : NULL;
	uint64_t result = 0;
	unsigned done = 0;
	bool claimed = false;

	if (!valid_size(size)) {
		bus->unclaimed++;
		*value = ~0ull;
		return false;
	}
	if (r && addr + size - 1 <= range_last(r) && addr + size - 1 >= addr) {
		*value = r->ops->read(r->dev, cpu, addr - r->base, size) & size_mask(size);
		return true;
	}
	/* Straddling access: each part goes to what lies there, in the
	 * largest natural sizes that fit. */
	while (done < size) {
		uint64_t a = addr + done;
		unsigned piece, n;
		uint64_t v;

		r = hv_bus_find(bus, a);
		piece = piece_len(bus, r, a, size - done);
		n = pow2_at_most(piece);
		if (r) {
			v = r->ops->read(r->dev, cpu, a - r->base, n) & size_mask(n);
			claimed = true;
		} else {
			v = size_mask(n);
			bus->unclaimed++;
		}
		result |= v << (done * 8);
		done += n;
	}
	*value = result;
	return claimed;
}

bool hv_bus_write(struct hv_bus *bus, unsigned cpu, uint64_t addr, unsigned size, uint64_t value)
{
	const struct hv_bus_range *r = valid_size(size) ? hv_bus_find(bus, addr) : NULL;
	unsigned done = 0;
	bool claimed = false;

	if (!valid_size(size)) {
		bus->unclaimed++;
		return false;
	}
	value &= size_mask(size);
	if (r && addr + size - 1 <= range_last(r) && addr + size - 1 >= addr) {
		r->ops->write(r->dev, cpu, addr - r->base, size, value);
		return true;
	}
	while (done < size) {
		uint64_t a = addr + done;
		unsigned piece, n;

		r = hv_bus_find(bus, a);
		piece = piece_len(bus, r, a, size - done);
		n = pow2_at_most(piece);
		if (r) {
			r->ops->write(r->dev, cpu, a - r->base, n, (value >> (done * 8)) & size_mask(n));
			claimed = true;
		} else {
			bus->unclaimed++;
		}
		done += n;
	}
	return claimed;
}
