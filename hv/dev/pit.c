/* 8254 PIT. A channel's state is its reload value and the time counting
 * started; count and OUT are derived from the ticks d elapsed since then.
 * Modes 1 and 5 count from the load as if triggered (the gate of channels
 * 0 and 1 is tied high); channel 2's gate edges restart modes 1, 2, 3, 5.
 * A low gate does not pause modes 0 and 4. */
#include <hv/dev/pit.h>
#include <kern/errno.h>
#include <kern/string.h>

#define NS_PER_SEC 1000000000ULL
/* Channel 0 interrupts no closer than this: a tiny count cannot make the
 * host spin. */
#define MIN_IRQ_GAP_NS 20000ULL
#define REFRESH_NS     15085ULL /* port 0x61 bit 4 toggles at this period */

static ktime_t now(const struct hv_pit *p)
{
	return p->clk->now(p->clk->ctx);
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	return (ns / NS_PER_SEC) * HV_PIT_HZ + (ns % NS_PER_SEC) * HV_PIT_HZ / NS_PER_SEC;
}

/* Rounded up: at that time at least `ticks` have elapsed. */
static uint64_t ticks_to_ns(uint64_t ticks)
{
	return (ticks / HV_PIT_HZ) * NS_PER_SEC + ((ticks % HV_PIT_HZ) * NS_PER_SEC + HV_PIT_HZ - 1) / HV_PIT_HZ;
}

static bool running(const struct hv_pit_channel *c)
{
	/* Modes 2 and 3 stop while the gate is low. */
	return c->loaded && (c->gate || (c->mode != 2 && c->mode != 3));
}

static uint64_t elapsed(const struct hv_pit *p, const struct hv_pit_channel *c)
{
	ktime_t t = now(p);

	return t > c->load_time ? ns_to_ticks(t - c->load_time) : 0;
}

static uint32_t get_count(const struct hv_pit *p, const struct hv_pit_channel *c)
{
	uint64_t d;

	if (!running(c))
		return c->count & 0xffff;
	d = elapsed(p, c);
	switch (c->mode) {
	case 2: return c->count - (uint32_t)(d % c->count);
	case 3: /* counts down by two, twice per period */ return c->count - (uint32_t)((2 * d) % c->count);
	default: return (uint32_t)((c->count - d) & 0xffff);
	}
}

static bool get_out(const struct hv_pit *p, const struct hv_pit_channel *c)
{
	uint64_t d;

	if (!c->loaded)
		return c->mode != 0;
	if (!running(c))
		return true;
	d = elapsed(p, c);
	switch (c->mode) {
	case 0: /* goes high at terminal count */ return d >= c->count;
	case 1: /* low while the one-shot runs */ return d >= c->count;
	case 2: /* low for the one tick before reload */ return d % c->count != c->count - 1;
	case 3: /* square wave: high for the first half */ return d % c->count < (c->count + 1) / 2;
	default: /* 4, 5: a one-tick low strobe at terminal count */ return d != c->count;
	}
}

bool hv_pit_out(struct hv_pit *p, unsigned channel)
{
	return channel < 3 && get_out(p, &p->ch[channel]);
}

/* When channel 0 next raises its output (0: never). */
static ktime_t next_irq(const struct hv_pit *p)
{
	const struct hv_pit_channel *c = &p->ch[0];
	uint64_t d, target;

	if (!running(c))
		return 0;
	d = elapsed(p, c);
	switch (c->mode) {
	case 2:
	case 3: target = (d / c->count + 1) * c->count; break;
	default:
		/* One-shot modes: one interrupt at terminal count. */
		if (d >= c->count)
			return 0;
		target = c->count;
		break;
	}
	return c->load_time + ticks_to_ns(target);
}

static void update_timer(struct hv_pit *p)
{
	ktime_t t;

	if (p->timer_armed)
		p->clk->cancel(p->clk->ctx, &p->timer);
	p->timer_armed = false;
	t = next_irq(p);
	if (!t)
		return;
	if (p->irqs && t < p->last_irq + MIN_IRQ_GAP_NS)
		t = p->last_irq + MIN_IRQ_GAP_NS;
	p->timer_armed = true;
	p->clk->arm(p->clk->ctx, &p->timer, t);
}

static void timer_fired(struct hv_timer *t)
{
	struct hv_pit *p = t->arg;

	p->timer_armed = false;
	p->irqs++;
	p->last_irq = now(p);
	hv_irq_pulse(&p->irq, 0);
	update_timer(p);
}

void hv_pit_init(struct hv_pit *p, const struct hv_clock *clk, const struct hv_irq *irq)
{
	memset(p, 0, sizeof(*p));
	p->clk = clk;
	p->irq = *irq;
	p->timer.fn = timer_fired;
	p->timer.arg = p;
	for (unsigned i = 0; i < 3; i++) {
		p->ch[i].count = 0x10000;
		p->ch[i].rw = 3;
		p->ch[i].gate = i != 2; /* channel 2's gate is port 0x61 bit 0 */
	}
}

void hv_pit_destroy(struct hv_pit *p)
{
	if (p->timer_armed)
		p->clk->cancel(p->clk->ctx, &p->timer);
	p->timer_armed = false;
}

static unsigned from_bcd16(unsigned v)
{
	return ((v >> 12) & 0xf) * 1000 + ((v >> 8) & 0xf) * 100 + ((v >> 4) & 0xf) * 10 + (v & 0xf);
}

static unsigned to_bcd16(unsigned v)
{
	v %= 10000;
	return ((v / 1000) << 12) | (((v / 100) % 10) << 8) | (((v / 10) % 10) << 4) | (v % 10);
}

static void load_count(struct hv_pit *p, unsigned idx, unsigned v)
{
	struct hv_pit_channel *c = &p->ch[idx];

	if (c->bcd)
		v = from_bcd16(v); /* invalid digits give a value up to 16665; clamp below */
	if (v == 0)
		v = c->bcd ? 10000 : 0x10000;
	if (c->bcd && v > 10000)
		v = 10000;
	/* Mode 2 and 3 cannot divide by 1. */
	if (v == 1 && (c->mode == 2 || c->mode == 3))
		v = 2;
	c->count = v;
	c->load_time = now(p);
	c->loaded = true;
	if (idx == 0)
		update_timer(p);
}

static void latch_count(struct hv_pit *p, struct hv_pit_channel *c)
{
	unsigned v;

	if (c->latch_state)
		return; /* a latched count holds until read */
	v = get_count(p, c);
	c->latched = (uint16_t)(c->bcd ? to_bcd16(v) : v);
	c->latch_state = c->rw;
}

static void latch_status(struct hv_pit *p, struct hv_pit_channel *c)
{
	if (c->status_latched)
		return;
	c->status = (uint8_t)((get_out(p, c) << 7) | (!c->loaded << 6) | (c->rw << 4) | (c->mode << 1) | c->bcd);
	c->status_latched = true;
}

static void write_control(struct hv_pit *p, uint8_t v)
{
	unsigned sel = v >> 6, rw = (v >> 4) & 3;
	struct hv_pit_channel *c;

	if (sel == 3) { /* read-back */
		if (v & 1)
			return; /* reserved bit */
		for (unsigned i = 0; i < 3; i++) {
			if (!(v & (2u << i)))
				continue;
			if (!(v & 0x20))
				latch_count(p, &p->ch[i]);
			if (!(v & 0x10))
				latch_status(p, &p->ch[i]);
		}
		return;
	}
	c = &p->ch[sel];
	if (rw == 0) {
		latch_count(p, c);
		return;
	}
	c->rw = (uint8_t)rw;
	c->mode = (v >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4; /* 6 and 7 are 2 and 3 */
	c->bcd = v & 1;
	c->read_msb = c->write_msb = false;
	c->latch_state = 0;
	c->status_latched = false;
	c->loaded = false; /* the counter waits for its count */
	if (sel == 0)
		update_timer(p);
}

static void write_counter(struct hv_pit *p, unsigned idx, uint8_t v)
{
	struct hv_pit_channel *c = &p->ch[idx];

	switch (c->rw) {
	case 1: load_count(p, idx, v); break;
	case 2: load_count(p, idx, (unsigned)v << 8); break;
	default:
		if (!c->write_msb) {
			c->write_lsb = v;
			c->write_msb = true;
			/* Mode 0 stops counting at the first byte of a new count. */
			if (c->mode == 0) {
				c->loaded = false;
				if (idx == 0)
					update_timer(p);
			}
		} else {
			c->write_msb = false;
			load_count(p, idx, c->write_lsb | ((unsigned)v << 8));
		}
		break;
	}
}

static uint8_t read_counter(struct hv_pit *p, unsigned idx)
{
	struct hv_pit_channel *c = &p->ch[idx];
	unsigned v;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	switch (c->latch_state) {
	case 1: c->latch_state = 0; return (uint8_t)c->latched;
	case 2: c->latch_state = 0; return (uint8_t)(c->latched >> 8);
	case 3: c->latch_state = 4; return (uint8_t)c->latched;
	case 4: c->latch_state = 0; return (uint8_t)(c->latched >> 8);
	}
	v = get_count(p, c);
	if (c->bcd)
		v = to_bcd16(v);
	switch (c->rw) {
	case 1: return (uint8_t)v;
	case 2: return (uint8_t)(v >> 8);
	default: c->read_msb = !c->read_msb; return (uint8_t)(c->read_msb ? v : v >> 8);
	}
}

static void set_gate2(struct hv_pit *p, bool gate)
{
	struct hv_pit_channel *c = &p->ch[2];

	/* A rising edge (re)starts modes 1, 2, 3 and 5. */
	if (gate && !c->gate && c->mode != 0 && c->mode != 4)
		c->load_time = now(p);
	c->gate = gate;
}

uint8_t hv_pit_read(struct hv_pit *p, unsigned port)
{
	switch (port) {
	case 0x40:
	case 0x41:
	case 0x42: return read_counter(p, port - 0x40);
	case 0x61:
		return (uint8_t)(p->ch[2].gate | (p->speaker << 1) | (((now(p) / REFRESH_NS) & 1) << 4) |
		                 (get_out(p, &p->ch[2]) << 5));
	}
	return 0xff; /* the control word is write-only */
}

void hv_pit_write(struct hv_pit *p, unsigned port, uint8_t v)
{
	switch (port) {
	case 0x40:
	case 0x41:
	case 0x42: write_counter(p, port - 0x40, v); break;
	case 0x43: write_control(p, v); break;
	case 0x61:
		set_gate2(p, v & 1);
		p->speaker = v & 2;
		break;
	}
}

static uint64_t bus_read(struct hv_pit *p, unsigned base, unsigned n, uint64_t offset, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size && i < 8; i++) {
		uint64_t b = offset + i < n ? hv_pit_read(p, base + (unsigned)offset + i) : 0xff;

		v |= b << (8 * i);
	}
	return v;
}

static void bus_write(struct hv_pit *p, unsigned base, unsigned n, uint64_t offset, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size && i < 8; i++)
		if (offset + i < n)
			hv_pit_write(p, base + (unsigned)offset + i, (uint8_t)(v >> (8 * i)));
}

static uint64_t pit_bus_read(void *dev, unsigned cpu, uint64_t offset, unsigned size)
{
	return bus_read(dev, 0x40, 4, offset, size);
}

static void pit_bus_write(void *dev, unsigned cpu, uint64_t offset, unsigned size, uint64_t v)
{
	bus_write(dev, 0x40, 4, offset, size, v);
}

static uint64_t port61_read(void *dev, unsigned cpu, uint64_t offset, unsigned size)
{
	return bus_read(dev, 0x61, 1, offset, size);
}

static void port61_write(void *dev, unsigned cpu, uint64_t offset, unsigned size, uint64_t v)
{
	bus_write(dev, 0x61, 1, offset, size, v);
}

static const struct hv_bus_ops pit_ops = {pit_bus_read, pit_bus_write};
static const struct hv_bus_ops port61_ops = {port61_read, port61_write};

int hv_pit_attach(struct hv_pit *p, struct hv_bus *pio)
{
	int err = hv_bus_add(pio, 0x40, 4, &pit_ops, p, "pit");

	if (!err)
		err = hv_bus_add(pio, 0x61, 1, &port61_ops, p, "port61");
	return err;
}
