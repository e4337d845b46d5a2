/* MC146818 RTC. Register values are computed from the time when read; the
 * interrupt flags of register C are brought up to date from the RTC time
 * crossed since the last check (on reads of C and when the timer fires),
 * and the timer is armed only when an enabled interrupt is coming. */
#include <hv/dev/rtc.h>
#include <kern/errno.h>
#include <kern/string.h>

#define NS_PER_SEC       1000000000ULL
#define REG_A            0x0a
#define REG_B            0x0b
#define REG_C            0x0c
#define REG_D            0x0d
#define REG_CENTURY      0x32
#define A_UIP            0x80
#define A_DIVIDER_NORMAL 0x20
#define B_SET            0x80
#define B_PIE            0x40
#define B_AIE            0x20
#define B_UIE            0x10
#define B_DM_BINARY      0x04
#define B_24H            0x02
#define C_IRQF           0x80
#define C_PF             0x40
#define C_AF             0x20
#define C_UF             0x10
#define UIP_NS           244000ULL /* UIP rises this long before each update */
#define HZ_32K           32768ULL

struct tm_fields {
	unsigned sec, min, hour, wday, mday, mon, year; /* year: full, mon 1-12, wday 0 = Sunday */
};

static ktime_t now(const struct hv_rtc *r)
{
	return r->clk->now(r->clk->ctx);
}

uint64_t hv_rtc_time_ns(struct hv_rtc *r)
{
	return r->frozen ? r->frozen_unix : r->base_unix + (now(r) - r->base_mono);
}

/* Calendar arithmetic (proleptic Gregorian, days since 1970-01-01). */
static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
	unsigned era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (uint64_t)era * 146097 + doe - 719468;
}

static void civil_from_days(uint64_t z, struct tm_fields *t)
{
	uint64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	t->mday = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	t->mon = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	t->year = (unsigned)(yoe + era * 400) + (t->mon <= 2);
}

static void to_fields(uint64_t unix_ns, struct tm_fields *t)
{
	uint64_t s = unix_ns / NS_PER_SEC, days = s / 86400, rem = s % 86400;

	t->sec = (unsigned)(rem % 60);
	t->min = (unsigned)(rem / 60 % 60);
	t->hour = (unsigned)(rem / 3600);
	t->wday = (unsigned)((days + 4) % 7); /* 1970-01-01 was a Thursday */
	civil_from_days(days, t);
}

static bool binary(const struct hv_rtc *r)
{
	return r->cmos[REG_B] & B_DM_BINARY;
}

static uint8_t encode(const struct hv_rtc *r, unsigned v)
{
	v %= 100;
	return (uint8_t)(binary(r) ? v : ((v / 10) << 4) | (v % 10));
}

static unsigned decode(const struct hv_rtc *r, uint8_t v)
{
	return binary(r) ? v : (unsigned)(v >> 4) * 10 + (v & 0xf);
}

static uint8_t encode_hour(const struct hv_rtc *r, unsigned h)
{
	if (r->cmos[REG_B] & B_24H)
		return encode(r, h);
	return (uint8_t)(encode(r, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0));
}

static unsigned decode_hour(const struct hv_rtc *r, uint8_t v)
{
	if (r->cmos[REG_B] & B_24H)
		return decode(r, v);
	return decode(r, v & 0x7f) % 12 + ((v & 0x80) ? 12 : 0);
}

/* The time registers as the chip shows them for `unix_ns`. */
static void fill_registers(struct hv_rtc *r, uint64_t unix_ns)
{
	struct tm_fields t;

	to_fields(unix_ns, &t);
	r->cmos[0] = encode(r, t.sec);
	r->cmos[2] = encode(r, t.min);
	r->cmos[4] = encode_hour(r, t.hour);
	r->cmos[6] = encode(r, t.wday + 1);
	r->cmos[7] = encode(r, t.mday);
	r->cmos[8] = encode(r, t.mon);
	r->cmos[9] = encode(r, t.year % 100);
	r->cmos[REG_CENTURY] = encode(r, t.year / 100);
}

static unsigned clamp(unsigned v, unsigned lo, unsigned hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The time the registers say (out-of-range fields are clamped; before
 * 1970 reads as 1970). */
static uint64_t registers_time(const struct hv_rtc *r)
{
	unsigned year = decode(r, r->cmos[REG_CENTURY]) * 100 + decode(r, r->cmos[9]) % 100;
	unsigned mon = clamp(decode(r, r->cmos[8]), 1, 12);
	unsigned mday = clamp(decode(r, r->cmos[7]), 1, 31);
	unsigned hour = clamp(decode_hour(r, r->cmos[4]), 0, 23);
	unsigned min = clamp(decode(r, r->cmos[2]), 0, 59);
	unsigned sec = clamp(decode(r, r->cmos[0]), 0, 59);

	if (year < 1970)
		return 0;
	return ((days_from_civil(year, mon, mday) * 86400) + hour * 3600 + min * 60 + sec) * NS_PER_SEC;
}

static bool running(const struct hv_rtc *r)
{
	return !r->frozen;
}

/* Periodic rate in 32.768 kHz ticks (0: off). */
static uint64_t periodic_ticks(const struct hv_rtc *r)
{
	unsigned rs = r->cmos[REG_A] & 0xf;

	if (!rs)
		return 0;
	if (rs < 3)
		rs += 7; /* rates 1 and 2 repeat 8 and 9 */
	return 1ULL << (rs - 1);
}

static uint64_t ns_to_32k(uint64_t ns)
{
	return (ns / NS_PER_SEC) * HZ_32K + (ns % NS_PER_SEC) * HZ_32K / NS_PER_SEC;
}

static uint64_t ticks32k_to_ns(uint64_t t)
{
	return (t / HZ_32K) * NS_PER_SEC + ((t % HZ_32K) * NS_PER_SEC + HZ_32K - 1) / HZ_32K;
}

static bool alarm_matches(const struct hv_rtc *r, uint64_t unix_ns)
{
	struct tm_fields t;
	const uint8_t *c = r->cmos;

	to_fields(unix_ns, &t);
	/* 0xc0-0xff in an alarm byte matches anything. */
	return ((c[1] & 0xc0) == 0xc0 || c[1] == encode(r, t.sec)) &&
	       ((c[3] & 0xc0) == 0xc0 || c[3] == encode(r, t.min)) &&
	       ((c[5] & 0xc0) == 0xc0 || c[5] == encode_hour(r, t.hour));
}

static void update_irq(struct hv_rtc *r)
{
	uint8_t c = r->cmos[REG_C], b = r->cmos[REG_B];
	bool level = ((c & C_PF) && (b & B_PIE)) || ((c & C_AF) && (b & B_AIE)) || ((c & C_UF) && (b & B_UIE));

	/* IRQF follows the enables: clearing one lowers the line (as QEMU). */
	if (level)
		r->cmos[REG_C] |= C_IRQF;
	else
		r->cmos[REG_C] &= (uint8_t)~C_IRQF;
	if (level != r->irq_level) {
		r->irq_level = level;
		if (level)
			r->irqs++;
		hv_irq_set(&r->irq, HV_RTC_GSI, level);
	}
}

/* Sets C's flags for the update cycles and periodic edges crossed since
 * the last check. */
static void catch_up(struct hv_rtc *r)
{
	uint64_t t = hv_rtc_time_ns(r), last = r->flags_checked, p = periodic_ticks(r);

	if (t <= last)
		return;
	if (t / NS_PER_SEC > last / NS_PER_SEC) {
		r->cmos[REG_C] |= C_UF;
		if (alarm_matches(r, t / NS_PER_SEC * NS_PER_SEC))
			r->cmos[REG_C] |= C_AF;
	}
	if (p && ns_to_32k(t) / p > ns_to_32k(last) / p)
		r->cmos[REG_C] |= C_PF;
	r->flags_checked = t;
}

static void update_timer(struct hv_rtc *r)
{
	uint64_t t, next = 0, p = periodic_ticks(r);
	uint8_t b = r->cmos[REG_B];

	if (r->timer_armed)
		r->clk->cancel(r->clk->ctx, &r->timer);
	r->timer_armed = false;
	if (!running(r))
		return;
	t = hv_rtc_time_ns(r);
	if ((b & B_PIE) && p)
		next = ticks32k_to_ns((ns_to_32k(t) / p + 1) * p);
	if (b & (B_UIE | B_AIE)) {
		uint64_t u = (t / NS_PER_SEC + 1) * NS_PER_SEC;

		if (!next || u < next)
			next = u;
	}
	if (!next)
		return;
	r->timer_armed = true;
	r->clk->arm(r->clk->ctx, &r->timer, now(r) + (next - t));
}

static void timer_fired(struct hv_timer *tm)
{
	struct hv_rtc *r = tm->arg;

	r->timer_armed = false;
	catch_up(r);
	update_irq(r);
	update_timer(r);
}

/* Restarts the clock at `unix_ns` from now. */
static void set_time(struct hv_rtc *r, uint64_t unix_ns)
{
	r->base_unix = unix_ns;
	r->base_mono = now(r);
	r->frozen_unix = unix_ns;
	r->flags_checked = unix_ns;
}

static void freeze(struct hv_rtc *r)
{
	if (r->frozen)
		return;
	catch_up(r);
	r->frozen_unix = hv_rtc_time_ns(r);
	r->frozen = true;
}

static bool should_freeze(const struct hv_rtc *r)
{
	return (r->cmos[REG_B] & B_SET) || (r->cmos[REG_A] & 0x70) != A_DIVIDER_NORMAL;
}

void hv_rtc_init(struct hv_rtc *r, const struct hv_clock *clk, const struct hv_irq *irq,
                 const struct hv_rtc_backend *be)
{
	memset(r, 0, sizeof(*r));
	r->clk = clk;
	r->irq = *irq;
	if (be)
		r->be = *be;
	r->timer.fn = timer_fired;
	r->timer.arg = r;
	r->cmos[REG_A] = 0x26; /* 32.768 kHz, 1024 Hz periodic rate */
	r->cmos[REG_B] = B_24H;
	r->cmos[REG_D] = 0x80; /* valid RAM and time */
	set_time(r, r->be.wallclock_ns ? r->be.wallclock_ns(r->be.ctx) : 0);
}

void hv_rtc_destroy(struct hv_rtc *r)
{
	if (r->timer_armed)
		r->clk->cancel(r->clk->ctx, &r->timer);
	r->timer_armed = false;
}

static bool is_time_register(unsigned i)
{
	return i == 0 || i == 2 || i == 4 || i == 6 || i == 7 || i == 8 || i == 9 || i == REG_CENTURY;
}

static uint8_t read_data(struct hv_rtc *r)
{
	unsigned i = r->index;
	uint8_t v;

	if (is_time_register(i)) {
		if (!(r->cmos[REG_B] & B_SET))
			fill_registers(r, hv_rtc_time_ns(r));
		return r->cmos[i];
	}
	switch (i) {
	case REG_A:
		v = r->cmos[REG_A] & 0x7f;
		if (running(r) && hv_rtc_time_ns(r) % NS_PER_SEC >= NS_PER_SEC - UIP_NS)
			v |= A_UIP;
		return v;
	case REG_C:
		catch_up(r);
		v = r->cmos[REG_C];
		r->cmos[REG_C] = 0;
		update_irq(r);
		return v;
	}
	return r->cmos[i];
}

static void write_data(struct hv_rtc *r, uint8_t v)
{
	unsigned i = r->index;
	uint8_t old;

	if (is_time_register(i)) {
		if (!(r->cmos[REG_B] & B_SET)) {
			/* A running clock takes the new field at once. */
			uint64_t t = hv_rtc_time_ns(r);

			fill_registers(r, t);
			r->cmos[i] = v;
			set_time(r, registers_time(r) + t % NS_PER_SEC);
			if (r->frozen)
				r->frozen_unix = r->base_unix;
			update_timer(r);
		} else {
			r->cmos[i] = v;
		}
		return;
	}
	switch (i) {
	case REG_A:
		old = r->cmos[REG_A];
		r->cmos[REG_A] = v & 0x7f;
		if (should_freeze(r)) {
			freeze(r);
		} else if (r->frozen) {
			/* Out of divider reset: the first update comes 500 ms later. */
			uint64_t t = r->frozen_unix / NS_PER_SEC * NS_PER_SEC + NS_PER_SEC / 2;

			r->frozen = false;
			set_time(r, (old & 0x70) != A_DIVIDER_NORMAL ? t : r->frozen_unix);
		}
		update_timer(r);
		break;
	case REG_B:
		old = r->cmos[REG_B];
		if (v & B_SET)
			v &= (uint8_t)~B_UIE; /* SET clears UIE */
		if ((v & B_SET) && !(old & B_SET)) {
			fill_registers(r, hv_rtc_time_ns(r));
			r->cmos[REG_B] = v;
			freeze(r);
		} else if (!(v & B_SET) && (old & B_SET)) {
			r->cmos[REG_B] = v;
			if (!should_freeze(r)) {
				r->frozen = false;
				set_time(r, registers_time(r));
			}
		} else {
			r->cmos[REG_B] = v;
		}
		catch_up(r);
		update_irq(r);
		update_timer(r);
		break;
	case REG_C:
	case REG_D: break; /* read-only */
	default: r->cmos[i] = v; break;
	}
}

uint8_t hv_rtc_read(struct hv_rtc *r, unsigned port)
{
	if (port == 0x71)
		return read_data(r);
	return 0xff; /* the index register is write-only */
}

void hv_rtc_write(struct hv_rtc *r, unsigned port, uint8_t v)
{
	if (port == 0x70) {
		r->index = v & 0x7f;
		r->nmi_disabled = v & 0x80;
	} else if (port == 0x71) {
		write_data(r, v);
	}
}

void hv_rtc_cmos_set(struct hv_rtc *r, unsigned index, uint8_t v)
{
	if (index >= 0x0e && index < sizeof(r->cmos) && index != REG_CENTURY)
		r->cmos[index] = v;
}

void hv_rtc_set_memory(struct hv_rtc *r, uint64_t below_4g, uint64_t above_4g)
{
	uint64_t ext = below_4g > MiB(1) ? (below_4g - MiB(1)) / KiB(1) : 0;
	uint64_t high = below_4g > MiB(16) ? (below_4g - MiB(16)) / KiB(64) : 0;
	uint64_t over = above_4g / KiB(64);

	ext = MIN(ext, 0xffffULL);
	high = MIN(high, 0xffffULL);
	over = MIN(over, 0xffffffULL);
	r->cmos[0x15] = 640 & 0xff;
	r->cmos[0x16] = 640 >> 8;
	r->cmos[0x17] = r->cmos[0x30] = (uint8_t)ext;
	r->cmos[0x18] = r->cmos[0x31] = (uint8_t)(ext >> 8);
	r->cmos[0x34] = (uint8_t)high;
	r->cmos[0x35] = (uint8_t)(high >> 8);
	r->cmos[0x5b] = (uint8_t)over;
	r->cmos[0x5c] = (uint8_t)(over >> 8);
	r->cmos[0x5d] = (uint8_t)(over >> 16);
}

static uint64_t bus_read(void *dev, unsigned cpu, uint64_t offset, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size && i < 8; i++) {
		uint64_t b = offset + i < 2 ? hv_rtc_read(dev, 0x70 + (unsigned)(offset + i)) : 0xff;

		v |= b << (8 * i);
	}
	return v;
}

static void bus_write(void *dev, unsigned cpu, uint64_t offset, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size && i < 8; i++)
		if (offset + i < 2)
			hv_rtc_write(dev, 0x70 + (unsigned)(offset + i), (uint8_t)(v >> (8 * i)));
}

static const struct hv_bus_ops rtc_ops = {bus_read, bus_write};

int hv_rtc_attach(struct hv_rtc *r, struct hv_bus *pio)
{
	return hv_bus_add(pio, 0x70, 2, &rtc_ops, r, "rtc");
}
