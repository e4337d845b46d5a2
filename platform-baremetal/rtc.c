/* The CMOS real-time clock, read once at boot for the wall-clock time. */
#include <kern/log.h>
#include <plat/cpu.h>
#include <plat/io.h>
#include <plat/time.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_UPDATE_IN_PROGRESS 0x80
#define RTC_BINARY 0x04
#define RTC_24H 0x02
#define NMI_DISABLE 0x80
#define RTC_READ_TRIES 1000

static uint8_t cmos_read(uint8_t reg)
{
	plat_outb(CMOS_INDEX, NMI_DISABLE | reg);
	return plat_inb(CMOS_DATA);
}

static unsigned bcd(uint8_t v, bool binary)
{
	return binary ? v : (unsigned)((v >> 4) * 10 + (v & 0x0f));
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int64_t wallclock_at_boot;
static bool wallclock_read;

static int64_t rtc_read_ns(void)
{
	uint8_t s, mi, h, d, mo, y, b;
	bool binary, h24;

	/* Read twice until equal so an update in the middle cannot tear it. */
	for (int tries = 0; tries < RTC_READ_TRIES; tries++) {
		while (cmos_read(RTC_STATUS_A) & RTC_UPDATE_IN_PROGRESS)
			plat_cpu_relax();
		s = cmos_read(RTC_SECONDS), mi = cmos_read(RTC_MINUTES), h = cmos_read(RTC_HOURS);
		d = cmos_read(RTC_DAY), mo = cmos_read(RTC_MONTH), y = cmos_read(RTC_YEAR);
		if (s == cmos_read(RTC_SECONDS) && mi == cmos_read(RTC_MINUTES) && y == cmos_read(RTC_YEAR))
			break;
	}
	b = cmos_read(RTC_STATUS_B);
	binary = b & RTC_BINARY;
	h24 = b & RTC_24H;
	unsigned hour = bcd(h & 0x7f, binary);
	if (!h24 && (h & 0x80))
		hour = (hour % 12) + 12;
	else if (!h24 && hour == 12)
		hour = 0;
	unsigned mon = bcd(mo, binary), day = bcd(d, binary);
	if (mon < 1 || mon > 12 || day < 1 || day > 31) {
		pr_warn("rtc: the CMOS clock reads nonsense (month %u day %u); wall-clock time starts at 1970", mon,
			day);
		return 0;
	}
	int64_t days = days_from_civil(2000 + bcd(y, binary), mon, day);
	int64_t secs = days * 86400 + hour * 3600 + bcd(mi, binary) * 60 + bcd(s, binary);
	return secs * 1000000000LL;
}

int64_t plat_wallclock_at_boot_ns(void)
{
	if (!wallclock_read) {
		wallclock_at_boot = rtc_read_ns() - (int64_t)plat_time_ns();
		wallclock_read = true;
	}
	return wallclock_at_boot;
}
