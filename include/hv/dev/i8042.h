/* i8042 PS/2 controller at ports 0x60 (data) and 0x64 (status/command):
 * configuration byte, self and interface tests, the output port (A20 and
 * the reset line), a keyboard that answers its commands, and an AUX port
 * with a minimal mouse. IRQ1/IRQ12 follow the output buffer when enabled.
 * The owner serialises calls. */
#ifndef HV_DEV_I8042_H
#define HV_DEV_I8042_H
#include <hv/bus.h>
#include <hv/dev/devsvc.h>

#define HV_I8042_QUEUE 32

struct hv_i8042_backend {
	void (*reset)(void *ctx);        /* the guest pulsed the CPU reset line */
	void (*a20)(void *ctx, bool on); /* optional */
	void *ctx;
};

struct hv_i8042 {
	uint8_t config, outport, ram[32];
	uint8_t pending_cmd; /* controller command waiting for its data byte */
	uint8_t kbd_cmd;     /* keyboard command waiting for its argument */
	uint8_t aux_cmd;     /* mouse command waiting for its argument */
	bool last_was_cmd;   /* status bit 3 */
	bool kbd_scanning, aux_reporting;
	uint8_t scancode_set;
	/* Output buffer and the bytes queued behind it; bit 8 marks AUX. */
	uint16_t queue[HV_I8042_QUEUE];
	unsigned head, count;
	uint8_t last_out;
	bool irq1, irq12;
	struct hv_irq irq;
	struct hv_i8042_backend be;
};

void hv_i8042_init(struct hv_i8042 *k, const struct hv_irq *irq, const struct hv_i8042_backend *be);
uint8_t hv_i8042_read(struct hv_i8042 *k, unsigned port);
void hv_i8042_write(struct hv_i8042 *k, unsigned port, uint8_t v);
/* Queues bytes from the keyboard as the guest will read them (no
 * translation); returns how many fit. Dropped while the port is disabled. */
size_t hv_i8042_kbd_input(struct hv_i8042 *k, const uint8_t *bytes, size_t n);
int hv_i8042_attach(struct hv_i8042 *k, struct hv_bus *pio);
#endif
