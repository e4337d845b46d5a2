/* MC146818 RTC and CMOS RAM at ports 0x70 (index, bit 7 disables NMI) and
 * 0x71 (data). The clock starts from the back end's wall-clock time and
 * then runs on hv_clock time; periodic, update-ended and alarm interrupts
 * go to GSI 8 (register C clears on read). The owner serialises calls. */
#ifndef HV_DEV_RTC_H
#define HV_DEV_RTC_H
#include <hv/bus.h>
#include <hv/dev/devsvc.h>

#define HV_RTC_GSI 8

struct hv_rtc_backend {
	uint64_t (*wallclock_ns)(void *ctx); /* Unix time in ns */
	void *ctx;
};

struct hv_rtc {
	uint8_t cmos[128];
	uint8_t index;
	bool nmi_disabled;
	/* RTC time (Unix ns) is base_unix + (now - base_mono) while running,
	 * frozen_unix while SET or the divider chain holds it. */
	uint64_t base_unix, frozen_unix;
	ktime_t base_mono;
	bool frozen;
	uint64_t flags_checked; /* RTC time up to which C's flags are current */
	bool irq_level;
	struct hv_timer timer;
	bool timer_armed;
	uint64_t irqs; /* statistics, for tests */
	const struct hv_clock *clk;
	struct hv_irq irq;
	struct hv_rtc_backend be;
};

void hv_rtc_init(struct hv_rtc *r, const struct hv_clock *clk, const struct hv_irq *irq,
                 const struct hv_rtc_backend *be);
void hv_rtc_destroy(struct hv_rtc *r);
/* `port` 0x70 or 0x71. */
uint8_t hv_rtc_read(struct hv_rtc *r, unsigned port);
void hv_rtc_write(struct hv_rtc *r, unsigned port, uint8_t v);
/* CMOS RAM for the VM (BIOS-style fields): bytes 0x0e-0x7f. */
void hv_rtc_cmos_set(struct hv_rtc *r, unsigned index, uint8_t v);
/* Memory size fields: 0x15-0x18, 0x30/0x31 (KiB), 0x34/0x35 (64 KiB
 * above 16 MiB), 0x5b-0x5d (64 KiB above 4 GiB). */
void hv_rtc_set_memory(struct hv_rtc *r, uint64_t below_4g, uint64_t above_4g);
/* The RTC's current time, Unix ns. */
uint64_t hv_rtc_time_ns(struct hv_rtc *r);
int hv_rtc_attach(struct hv_rtc *r, struct hv_bus *pio);
#endif
