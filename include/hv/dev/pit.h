/* Intel 8254 programmable interval timer at ports 0x40-0x43, and the
 * channel 2 gate/speaker/output bits of port 0x61 (Linux calibrates the
 * TSC with them). Counters are computed from hv_clock time at 1.193182
 * MHz; channel 0's output drives GSI 0 through an hv_timer armed only for
 * the next interrupt. The owner serialises every call. */
#ifndef HV_DEV_PIT_H
#define HV_DEV_PIT_H
#include <hv/bus.h>
#include <hv/dev/devsvc.h>

#define HV_PIT_HZ 1193182ULL

struct hv_pit_channel {
	uint32_t count; /* reload value, 1-65536 (10000 in BCD) */
	uint16_t latched;
	uint8_t latch_state; /* 0 none, 1 LSB, 2 MSB, 3 LSB then MSB, 4 MSB next */
	uint8_t status;
	bool status_latched;
	uint8_t rw; /* 1 LSB, 2 MSB, 3 LSB then MSB */
	uint8_t mode;
	bool bcd;
	bool read_msb, write_msb; /* next byte of a two-byte access */
	uint8_t write_lsb;
	bool loaded; /* a count was written since the control word */
	bool gate;
	ktime_t load_time; /* counting started (count loaded or gate edge) */
};

struct hv_pit {
	struct hv_pit_channel ch[3];
	bool speaker; /* port 0x61 bit 1 */
	const struct hv_clock *clk;
	struct hv_irq irq;
	struct hv_timer timer;
	bool timer_armed;
	ktime_t last_irq;
	uint64_t irqs; /* statistics, for tests */
};

void hv_pit_init(struct hv_pit *p, const struct hv_clock *clk, const struct hv_irq *irq);
void hv_pit_destroy(struct hv_pit *p);
/* `port` 0x40-0x43 or 0x61. */
uint8_t hv_pit_read(struct hv_pit *p, unsigned port);
void hv_pit_write(struct hv_pit *p, unsigned port, uint8_t v);
/* OUT of a channel now. */
bool hv_pit_out(struct hv_pit *p, unsigned channel);
int hv_pit_attach(struct hv_pit *p, struct hv_bus *pio);
#endif
