/* The guest test device (include/hv/dev/testdev.h). */
#include <hv/dev/testdev.h>
#include <kern/string.h>

#define REG_LAST_OFFSET 0x100
#define REG_LAST_SIZE   0x108
#define REG_LAST_WRITE  0x110
#define REG_LAST_VALUE  0x118
#define REG_COUNT       0x120

void hv_testdev_init(struct hv_testdev *d)
{
	memset(d, 0, sizeof(*d));
}

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static uint64_t pio_read(void *dev, unsigned cpu, uint64_t off, unsigned size)
{
	struct hv_testdev *d = dev;
	uint64_t sum = 0;

	(void)cpu;
	switch (off) {
	case 0x0: return d->latch & size_mask(size);
	case 0x4: return d->source_next++;
	case 0x8: return d->sink_len;
	case 0xc:
		for (unsigned i = 0; i < d->sink_len; i++)
			sum += (uint64_t)d->sink[i] * (i + 1);
		return sum & size_mask(size);
	default: return size_mask(size);
	}
}

static void pio_write(void *dev, unsigned cpu, uint64_t off, unsigned size, uint64_t v)
{
	struct hv_testdev *d = dev;

	(void)cpu;
	switch (off) {
	case 0x0: d->latch = (uint32_t)(v & size_mask(size)); break;
	case 0x4:
		if (d->sink_len < HV_TESTDEV_SINK)
			d->sink[d->sink_len++] = (uint8_t)v;
		break;
	case 0x8:
		d->sink_len = 0;
		d->source_next = 0;
		break;
	default: break;
	}
}

static bool in_scratch(uint64_t off, unsigned size)
{
	return size <= 8 && off < HV_TESTDEV_SCRATCH && off + size <= HV_TESTDEV_SCRATCH;
}

static void record(struct hv_testdev *d, uint64_t off, unsigned size, bool write, uint64_t v)
{
	d->last_offset = off;
	d->last_size = size;
	d->last_write = write;
	d->last_value = v;
	d->count++;
}

static uint64_t mmio_read(void *dev, unsigned cpu, uint64_t off, unsigned size)
{
	struct hv_testdev *d = dev;
	uint64_t v = 0;

	(void)cpu;
	if (in_scratch(off, size)) {
		memcpy(&v, d->scratch + off, size);
		record(d, off, size, false, v);
		return v;
	}
	switch (off) {
	case REG_LAST_OFFSET: return d->last_offset & size_mask(size);
	case REG_LAST_SIZE: return d->last_size & size_mask(size);
	case REG_LAST_WRITE: return d->last_write & size_mask(size);
	case REG_LAST_VALUE: return d->last_value & size_mask(size);
	case REG_COUNT: return d->count & size_mask(size);
	default: return size_mask(size);
	}
}

static void mmio_write(void *dev, unsigned cpu, uint64_t off, unsigned size, uint64_t v)
{
	struct hv_testdev *d = dev;

	(void)cpu;
	if (!in_scratch(off, size))
		return; /* registers are read-only */
	v &= size_mask(size);
	memcpy(d->scratch + off, &v, size);
	record(d, off, size, true, v);
}

static const struct hv_bus_ops testdev_pio_ops = {pio_read, pio_write};
static const struct hv_bus_ops testdev_mmio_ops = {mmio_read, mmio_write};

int hv_testdev_attach(struct hv_testdev *d, struct hv_bus *pio, struct hv_bus *mmio)
{
	int err = hv_bus_add(pio, HV_TESTDEV_PORT, HV_TESTDEV_PORTS, &testdev_pio_ops, d, "testdev");

	if (!err)
		err = hv_bus_add(mmio, HV_TESTDEV_MMIO, HV_TESTDEV_MMIO_SIZE, &testdev_mmio_ops, d, "testdev");
	return err;
}
