/* The PC's pair of 8259A programmable interrupt controllers: master at
 * ports 0x20/0x21, slave at 0xa0/0xa1 cascaded on the master's IRQ2, and
 * the edge/level control registers (ELCR) at 0x4d0/0x4d1. The owner
 * serialises every call. */
#ifndef HV_DEV_I8259_H
#define HV_DEV_I8259_H
#include <hv/bus.h>
#include <kern/types.h>

struct hv_pic;

struct hv_pic_chip {
	struct hv_pic *pic;
	bool master;
	uint8_t irr, isr, imr;
	uint8_t elcr, elcr_mask; /* ELCR bit set: level-triggered input */
	uint8_t last_level;      /* input levels, to see edges */
	uint8_t priority_add;    /* lowest-priority IRQ is priority_add - 1 (rotation) */
	uint8_t irq_base;        /* ICW2 */
	uint8_t icw3;
	uint8_t init_state; /* 0 ready, 1-3: expecting ICW2-ICW4 */
	bool init4, single_mode, ltim;
	bool read_isr, poll, special_mask;
	bool auto_eoi, rotate_on_auto_eoi, special_fully_nested;
};

struct hv_pic {
	struct hv_pic_chip chip[2]; /* master, slave */
	bool output;                /* the master's INT pin */
	int last_vector;
	/* INT changed level (a CPU may have something to take). */
	void (*set_output)(void *ctx, bool level);
	void *ctx;
};

void hv_pic_init(struct hv_pic *p, void (*set_output)(void *ctx, bool level), void *ctx);
/* Input line `irq` (0-15; 2 is the cascade and ignored) to `level`. */
void hv_pic_set_irq(struct hv_pic *p, unsigned irq, bool level);
/* The vector INTA would give now, without acknowledging; -1 if INT is low. */
int hv_pic_peek(const struct hv_pic *p);
/* INTA: acknowledges and returns the vector (IRQ7/IRQ15 spurious vectors
 * when the request went away). */
uint8_t hv_pic_inta(struct hv_pic *p);
/* Byte access: `port` is 0x20, 0x21, 0xa0, 0xa1, 0x4d0 or 0x4d1. */
uint8_t hv_pic_read(struct hv_pic *p, unsigned port);
void hv_pic_write(struct hv_pic *p, unsigned port, uint8_t v);
/* Claims the six ports. */
int hv_pic_attach(struct hv_pic *p, struct hv_bus *pio);
#endif
