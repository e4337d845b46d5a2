/* i8042 keyboard controller. The controller answers at once, so the input
 * buffer is never full; replies queue behind the output buffer. */
#include <hv/dev/i8042.h>
#include <kern/errno.h>
#include <kern/string.h>

#define ST_OBF      0x01
#define ST_SYS      0x04
#define ST_CMD      0x08
#define ST_UNLOCKED 0x10
#define ST_AUX      0x20
#define CFG_INT1    0x01
#define CFG_INT12   0x02
#define CFG_SYS     0x04
#define CFG_KBD_OFF 0x10
#define CFG_AUX_OFF 0x20
#define OUT_RESET   0x01 /* active low: 0 holds the CPU in reset */
#define OUT_A20     0x02
#define FROM_AUX    0x100
#define ACK         0xfa
#define RESEND      0xfe

static void update_irq(struct hv_i8042 *k)
{
	bool kbd = false, aux = false;

	if (k->count) {
		if (k->queue[k->head] & FROM_AUX)
			aux = k->config & CFG_INT12;
		else
			kbd = k->config & CFG_INT1;
	}
	if (kbd != k->irq1) {
		k->irq1 = kbd;
		hv_irq_set(&k->irq, 1, kbd);
	}
	if (aux != k->irq12) {
		k->irq12 = aux;
		hv_irq_set(&k->irq, 12, aux);
	}
}

static bool push(struct hv_i8042 *k, uint16_t v)
{
	if (k->count == HV_I8042_QUEUE)
		return false;
	k->queue[(k->head + k->count) % HV_I8042_QUEUE] = v;
	k->count++;
	update_irq(k);
	return true;
}

static uint8_t pop(struct hv_i8042 *k)
{
	uint8_t v;

	if (!k->count)
		return k->last_out; /* an empty buffer reads its last byte again */
	v = (uint8_t)k->queue[k->head];
	k->last_out = v;
	k->head = (k->head + 1) % HV_I8042_QUEUE;
	k->count--;
	update_irq(k);
	return v;
}

static void set_outport(struct hv_i8042 *k, uint8_t v)
{
	uint8_t old = k->outport;

	k->outport = v;
	if ((old ^ v) & OUT_A20 && k->be.a20)
		k->be.a20(k->be.ctx, v & OUT_A20);
	if (!(v & OUT_RESET) && k->be.reset) {
		k->outport |= OUT_RESET; /* the reset pulse is over when the CPU runs again */
		k->be.reset(k->be.ctx);
	}
}

static void keyboard_defaults(struct hv_i8042 *k)
{
	k->kbd_cmd = 0;
	k->kbd_scanning = true;
	k->scancode_set = 2;
}

void hv_i8042_init(struct hv_i8042 *k, const struct hv_irq *irq, const struct hv_i8042_backend *be)
{
	memset(k, 0, sizeof(*k));
	k->irq = *irq;
	if (be)
		k->be = *be;
	k->config = CFG_INT1 | CFG_SYS | 0x40; /* translation on, as the BIOS leaves it */
	k->outport = OUT_RESET | OUT_A20;
	keyboard_defaults(k);
}

static void keyboard_command(struct hv_i8042 *k, uint8_t v)
{
	uint8_t pending = k->kbd_cmd;

	k->kbd_cmd = 0;
	switch (pending) {
	case 0xed: /* LEDs */
	case 0xf3: /* typematic rate */ push(k, ACK); return;
	case 0xf0: /* scan code set: 0 asks which */
		push(k, ACK);
		if (v == 0)
			push(k, k->scancode_set);
		else if (v <= 3)
			k->scancode_set = v;
		return;
	}
	switch (v) {
	case 0xff: /* reset and self test */
		keyboard_defaults(k);
		push(k, ACK);
		push(k, 0xaa);
		break;
	case 0xf2: /* identify: MF2 keyboard */
		push(k, ACK);
		push(k, 0xab);
		push(k, 0x83);
		break;
	case 0xee: push(k, 0xee); break;
	case 0xed:
	case 0xf3:
	case 0xf0:
		k->kbd_cmd = v;
		push(k, ACK);
		break;
	case 0xf4:
		k->kbd_scanning = true;
		push(k, ACK);
		break;
	case 0xf5:
		keyboard_defaults(k);
		k->kbd_scanning = false;
		push(k, ACK);
		break;
	case 0xf6:
		keyboard_defaults(k);
		push(k, ACK);
		break;
	default: push(k, RESEND); break;
	}
}

static void aux_command(struct hv_i8042 *k, uint8_t v)
{
	uint8_t pending = k->aux_cmd;

	k->aux_cmd = 0;
	if (pending) { /* sample rate or resolution argument */
		push(k, FROM_AUX | ACK);
		return;
	}
	switch (v) {
	case 0xff:
		k->aux_reporting = false;
		push(k, FROM_AUX | ACK);
		push(k, FROM_AUX | 0xaa);
		push(k, FROM_AUX | 0x00);
		break;
	case 0xf2:
		push(k, FROM_AUX | ACK);
		push(k, FROM_AUX | 0x00);
		break;
	case 0xe9: /* status: reporting flag, resolution, sample rate */
		push(k, FROM_AUX | ACK);
		push(k, FROM_AUX | (k->aux_reporting ? 0x20 : 0));
		push(k, FROM_AUX | 0x02);
		push(k, FROM_AUX | 100);
		break;
	case 0xf3:
	case 0xe8:
		k->aux_cmd = v;
		push(k, FROM_AUX | ACK);
		break;
	case 0xf4:
		k->aux_reporting = true;
		push(k, FROM_AUX | ACK);
		break;
	case 0xf5:
	case 0xf6:
		k->aux_reporting = false;
		push(k, FROM_AUX | ACK);
		break;
	case 0xe6:
	case 0xe7:
	case 0xea:
	case 0xf0: push(k, FROM_AUX | ACK); break;
	default: push(k, FROM_AUX | RESEND); break;
	}
}

static void controller_command(struct hv_i8042 *k, uint8_t v)
{
	if (v == 0x20) {
		push(k, k->config);
		return;
	}
	if (v > 0x20 && v < 0x40) {
		push(k, k->ram[v & 0x1f]);
		return;
	}
	if ((v >= 0x60 && v < 0x80) || v == 0xd1 || v == 0xd2 || v == 0xd3 || v == 0xd4) {
		k->pending_cmd = v;
		return;
	}
	if (v >= 0xf0) {
		/* Pulse the output port bits whose command bit is 0 (0xfe: reset). */
		if (!(v & 1))
			set_outport(k, k->outport & (uint8_t)~OUT_RESET);
		return;
	}
	switch (v) {
	case 0xa7: k->config |= CFG_AUX_OFF; break;
	case 0xa8: k->config &= (uint8_t)~CFG_AUX_OFF; break;
	case 0xa9: /* AUX interface test: no error */
	case 0xab: /* keyboard interface test */ push(k, 0x00); break;
	case 0xaa: /* controller self test */
		k->config |= CFG_SYS;
		push(k, 0x55);
		break;
	case 0xad: k->config |= CFG_KBD_OFF; break;
	case 0xae: k->config &= (uint8_t)~CFG_KBD_OFF; break;
	case 0xc0: /* input port */ push(k, 0x80); break;
	case 0xd0: push(k, k->outport); break;
	case 0xdd: set_outport(k, k->outport & (uint8_t)~OUT_A20); break;
	case 0xdf: set_outport(k, k->outport | OUT_A20); break;
	case 0xe0: /* test inputs */ push(k, 0x00); break;
	default: break; /* unknown commands are ignored */
	}
	update_irq(k);
}

static void write_data(struct hv_i8042 *k, uint8_t v)
{
	uint8_t cmd = k->pending_cmd;

	k->pending_cmd = 0;
	if (cmd >= 0x60 && cmd < 0x80) {
		if (cmd == 0x60)
			k->config = v;
		else
			k->ram[cmd & 0x1f] = v;
		update_irq(k);
		return;
	}
	switch (cmd) {
	case 0xd1: set_outport(k, v); return;
	case 0xd2: push(k, v); return;
	case 0xd3: push(k, FROM_AUX | v); return;
	case 0xd4: aux_command(k, v); return;
	}
	/* Writing to the keyboard enables its interface. */
	k->config &= (uint8_t)~CFG_KBD_OFF;
	keyboard_command(k, v);
}

uint8_t hv_i8042_read(struct hv_i8042 *k, unsigned port)
{
	uint8_t st;

	if (port == 0x60)
		return pop(k);
	if (port != 0x64)
		return 0xff;
	st = ST_UNLOCKED | (k->config & CFG_SYS ? ST_SYS : 0) | (k->last_was_cmd ? ST_CMD : 0);
	if (k->count) {
		st |= ST_OBF;
		if (k->queue[k->head] & FROM_AUX)
			st |= ST_AUX;
	}
	return st;
}

void hv_i8042_write(struct hv_i8042 *k, unsigned port, uint8_t v)
{
	if (port == 0x60) {
		k->last_was_cmd = false;
		write_data(k, v);
	} else if (port == 0x64) {
		k->last_was_cmd = true;
		controller_command(k, v);
	}
}

size_t hv_i8042_kbd_input(struct hv_i8042 *k, const uint8_t *bytes, size_t n)
{
	size_t i;

	if ((k->config & CFG_KBD_OFF) || !k->kbd_scanning)
		return 0;
	for (i = 0; i < n; i++)
		if (!push(k, bytes[i]))
			break;
	return i;
}

static uint64_t data_read(void *dev, unsigned cpu, uint64_t offset, unsigned size)
{
	return size == 1 ? hv_i8042_read(dev, 0x60) : ~0ULL;
}

static void data_write(void *dev, unsigned cpu, uint64_t offset, unsigned size, uint64_t v)
{
	if (size == 1)
		hv_i8042_write(dev, 0x60, (uint8_t)v);
}

static uint64_t cmd_read(void *dev, unsigned cpu, uint64_t offset, unsigned size)
{
	return size == 1 ? hv_i8042_read(dev, 0x64) : ~0ULL;
}

static void cmd_write(void *dev, unsigned cpu, uint64_t offset, unsigned size, uint64_t v)
{
	if (size == 1)
		hv_i8042_write(dev, 0x64, (uint8_t)v);
}

static const struct hv_bus_ops data_ops = {data_read, data_write};
static const struct hv_bus_ops cmd_ops = {cmd_read, cmd_write};

int hv_i8042_attach(struct hv_i8042 *k, struct hv_bus *pio)
{
	int err = hv_bus_add(pio, 0x60, 1, &data_ops, k, "i8042-data");

	if (!err)
		err = hv_bus_add(pio, 0x64, 1, &cmd_ops, k, "i8042-cmd");
	return err;
}
