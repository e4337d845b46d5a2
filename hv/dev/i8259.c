/* 8259A pair as on a PC. Priorities rotate: the highest-priority input is
 * priority_add, so priority p (0 highest) belongs to IRQ (p + priority_add)
 * & 7. Edge-triggered inputs latch IRR on a rising edge; level-triggered
 * ones (ELCR or ICW1 LTIM) follow the line. */
#include <hv/dev/i8259.h>
#include <kern/errno.h>
#include <kern/string.h>

#define NO_PRIORITY 8

static uint8_t level_mask(const struct hv_pic_chip *c)
{
	return c->ltim ? 0xff : c->elcr;
}

/* Highest priority among the bits of `mask`, NO_PRIORITY if none. */
static unsigned priority_of(const struct hv_pic_chip *c, uint8_t mask)
{
	for (unsigned p = 0; p < 8; p++)
		if (mask & (1u << ((p + c->priority_add) & 7)))
			return p;
	return NO_PRIORITY;
}

/* The IRQ this chip would signal now, or -1. */
static int chip_irq(const struct hv_pic_chip *c)
{
	unsigned p = priority_of(c, c->irr & ~c->imr);
	uint8_t in_service = c->isr;

	if (p == NO_PRIORITY)
		return -1;
	/* Special mask mode: a masked in-service IRQ does not block others. */
	if (c->special_mask)
		in_service &= ~c->imr;
	/* Special fully nested: the slave may interrupt its own service. */
	if (c->special_fully_nested && c->master)
		in_service &= ~(1u << 2);
	if (p < priority_of(c, in_service))
		return (int)((p + c->priority_add) & 7);
	return -1;
}

static void chip_set_irq(struct hv_pic_chip *c, unsigned irq, bool level);

static void update(struct hv_pic *p)
{
	struct hv_pic_chip *m = &p->chip[0], *s = &p->chip[1];
	bool out;
	int vector;

	/* The slave's INT is the master's IRQ2 input, edge-triggered: a
	 * request that goes away before INTA leaves the master's IRR2 set and
	 * INTA then answers with the slave's spurious IRQ15. */
	chip_set_irq(m, 2, chip_irq(s) >= 0);
	out = chip_irq(m) >= 0;
	vector = hv_pic_peek(p);
	/* Tell the CPU on a change of level, or when a higher-priority vector
	 * now waits behind a high INT. */
	if ((out != p->output || vector != p->last_vector) && p->set_output) {
		p->output = out;
		p->last_vector = vector;
		p->set_output(p->ctx, out);
	}
	p->output = out;
	p->last_vector = vector;
}

static void chip_set_irq(struct hv_pic_chip *c, unsigned irq, bool level)
{
	uint8_t bit = (uint8_t)(1u << irq);

	if (level_mask(c) & bit) {
		if (level)
			c->irr |= bit;
		else
			c->irr &= ~bit;
	} else if (level && !(c->last_level & bit)) {
		c->irr |= bit;
	}
	if (level)
		c->last_level |= bit;
	else
		c->last_level &= ~bit;
}

void hv_pic_set_irq(struct hv_pic *p, unsigned irq, bool level)
{
	if (irq >= 16 || irq == 2)
		return;
	chip_set_irq(&p->chip[irq >> 3], irq & 7, level);
	update(p);
}

static void chip_reset(struct hv_pic_chip *c)
{
	uint8_t elcr = c->elcr, mask = c->elcr_mask;
	struct hv_pic *p = c->pic;
	bool master = c->master;

	memset(c, 0, sizeof(*c));
	c->pic = p;
	c->master = master;
	c->elcr = elcr;
	c->elcr_mask = mask;
}

void hv_pic_init(struct hv_pic *p, void (*set_output)(void *ctx, bool level), void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->set_output = set_output;
	p->ctx = ctx;
	p->last_vector = -1;
	for (unsigned i = 0; i < 2; i++) {
		p->chip[i].pic = p;
		p->chip[i].master = i == 0;
	}
	/* IRQ0, 1, 2, 8 and 13 are always edge-triggered on a PC. */
	p->chip[0].elcr_mask = 0xf8;
	p->chip[1].elcr_mask = 0xde;
}

static void chip_ack(struct hv_pic_chip *c, unsigned irq)
{
	uint8_t bit = (uint8_t)(1u << irq);

	if (c->auto_eoi) {
		if (c->rotate_on_auto_eoi)
			c->priority_add = (irq + 1) & 7;
	} else {
		c->isr |= bit;
	}
	/* A level-triggered request stays while its line is high. */
	if (!(level_mask(c) & bit))
		c->irr &= ~bit;
}

int hv_pic_peek(const struct hv_pic *p)
{
	int irq = chip_irq(&p->chip[0]), irq2;

	if (irq < 0)
		return -1;
	if (irq == 2) {
		irq2 = chip_irq(&p->chip[1]);
		if (irq2 < 0)
			irq2 = 7;
		return p->chip[1].irq_base + irq2;
	}
	return p->chip[0].irq_base + irq;
}

uint8_t hv_pic_inta(struct hv_pic *p)
{
	struct hv_pic_chip *m = &p->chip[0], *s = &p->chip[1];
	int irq = chip_irq(m), irq2;
	uint8_t vector;

	if (irq < 0) {
		/* The request went away before INTA: spurious IRQ7, ISR unchanged. */
		vector = m->irq_base + 7;
	} else if (irq == 2) {
		irq2 = chip_irq(s);
		if (irq2 >= 0)
			chip_ack(s, (unsigned)irq2);
		else
			irq2 = 7; /* spurious IRQ15: the master still took IRQ2 */
		vector = (uint8_t)(s->irq_base + irq2);
		chip_ack(m, 2);
	} else {
		chip_ack(m, (unsigned)irq);
		vector = (uint8_t)(m->irq_base + irq);
	}
	update(p);
	return vector;
}

/* Poll command: the read acknowledges like INTA and returns 0x80 | irq. */
static uint8_t chip_poll(struct hv_pic_chip *c)
{
	int irq = chip_irq(c);

	c->poll = false;
	if (irq < 0)
		return 0;
	chip_ack(c, (unsigned)irq);
	if (c->master && irq == 2) {
		int irq2 = chip_irq(&c->pic->chip[1]);

		if (irq2 >= 0)
			chip_ack(&c->pic->chip[1], (unsigned)irq2);
	}
	return (uint8_t)(0x80 | irq);
}

static void write_ocw2(struct hv_pic_chip *c, uint8_t v)
{
	unsigned irq = v & 7, p;

	switch (v >> 5) {
	case 0: /* rotate in automatic EOI mode: clear */ c->rotate_on_auto_eoi = false; break;
	case 4: /* set */ c->rotate_on_auto_eoi = true; break;
	case 1: /* non-specific EOI */
	case 5: /* rotate on non-specific EOI */
		p = priority_of(c, c->isr);
		if (p != NO_PRIORITY) {
			irq = (p + c->priority_add) & 7;
			c->isr &= (uint8_t) ~(1u << irq);
			if (v >> 5 == 5)
				c->priority_add = (irq + 1) & 7;
		}
		break;
	case 3: /* specific EOI */ c->isr &= (uint8_t) ~(1u << irq); break;
	case 7: /* rotate on specific EOI */
		c->isr &= (uint8_t) ~(1u << irq);
		c->priority_add = (irq + 1) & 7;
		break;
	case 6: /* set priority: irq becomes the lowest */ c->priority_add = (irq + 1) & 7; break;
	default: /* 2: no operation */ break;
	}
}

static void chip_write(struct hv_pic_chip *c, unsigned a0, uint8_t v)
{
	if (a0 == 0) {
		if (v & 0x10) { /* ICW1 */
			uint8_t lines = c->last_level;

			chip_reset(c);
			c->init_state = 1;
			c->init4 = v & 1;
			c->single_mode = v & 2;
			c->ltim = v & 8;
			/* The edge detector restarts: a high edge-triggered line needs a
			 * new edge; level-triggered ones keep requesting. */
			c->last_level = lines & level_mask(c);
			c->irr = c->last_level;
		} else if (v & 0x08) { /* OCW3 */
			if (v & 0x04)
				c->poll = true;
			if (v & 0x02)
				c->read_isr = v & 1;
			if (v & 0x40)
				c->special_mask = (v >> 5) & 1;
		} else {
			write_ocw2(c, v);
		}
		return;
	}
	switch (c->init_state) {
	case 0: /* OCW1 */ c->imr = v; break;
	case 1: /* ICW2 */
		c->irq_base = v & 0xf8;
		c->init_state = c->single_mode ? (c->init4 ? 3 : 0) : 2;
		break;
	case 2: /* ICW3 */
		c->icw3 = v;
		c->init_state = c->init4 ? 3 : 0;
		break;
	default: /* ICW4 */
		c->auto_eoi = v & 2;
		c->special_fully_nested = v & 0x10;
		c->init_state = 0;
		break;
	}
}

uint8_t hv_pic_read(struct hv_pic *p, unsigned port)
{
	struct hv_pic_chip *c;
	uint8_t v;

	switch (port) {
	case 0x4d0:
	case 0x4d1: return p->chip[port & 1].elcr;
	case 0x20:
	case 0x21:
	case 0xa0:
	case 0xa1: break;
	default: return 0xff;
	}
	c = &p->chip[port >= 0xa0];
	if (c->poll)
		v = chip_poll(c);
	else if (port & 1)
		v = c->imr;
	else
		v = c->read_isr ? c->isr : c->irr;
	update(p);
	return v;
}

void hv_pic_write(struct hv_pic *p, unsigned port, uint8_t v)
{
	switch (port) {
	case 0x4d0:
	case 0x4d1: {
		struct hv_pic_chip *c = &p->chip[port & 1];

		c->elcr = v & c->elcr_mask;
		break;
	}
	case 0x20:
	case 0x21:
	case 0xa0:
	case 0xa1: chip_write(&p->chip[port >= 0xa0], port & 1, v); break;
	default: return;
	}
	update(p);
}

/* Bus glue: each range's device is the PIC; the ops tell which ports. */
static uint64_t bus_read(struct hv_pic *p, unsigned base, uint64_t offset, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size && i < 8; i++) {
		uint64_t b = offset + i < 2 ? hv_pic_read(p, base + (unsigned)offset + i) : 0xff;

		v |= b << (8 * i);
	}
	return v;
}

static void bus_write(struct hv_pic *p, unsigned base, uint64_t offset, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size && i < 8; i++)
		if (offset + i < 2)
			hv_pic_write(p, base + (unsigned)offset + i, (uint8_t)(v >> (8 * i)));
}

#define PIC_OPS(name, base)                                                                                            \
	static uint64_t name##_read(void *dev, unsigned cpu, uint64_t offset, unsigned size)                           \
	{                                                                                                              \
		(void)cpu;                                                                                             \
		return bus_read(dev, base, offset, size);                                                              \
	}                                                                                                              \
	static void name##_write(void *dev, unsigned cpu, uint64_t offset, unsigned size, uint64_t v)                  \
	{                                                                                                              \
		(void)cpu;                                                                                             \
		bus_write(dev, base, offset, size, v);                                                                 \
	}                                                                                                              \
	static const struct hv_bus_ops name##_ops = {name##_read, name##_write};

PIC_OPS(master, 0x20)
PIC_OPS(slave, 0xa0)
PIC_OPS(elcr, 0x4d0)

int hv_pic_attach(struct hv_pic *p, struct hv_bus *pio)
{
	int err = hv_bus_add(pio, 0x20, 2, &master_ops, p, "pic-master");

	if (!err)
		err = hv_bus_add(pio, 0xa0, 2, &slave_ops, p, "pic-slave");
	if (!err)
		err = hv_bus_add(pio, 0x4d0, 2, &elcr_ops, p, "elcr");
	return err;
}
