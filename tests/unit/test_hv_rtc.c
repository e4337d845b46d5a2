/* Check tests of the MC146818 RTC/CMOS model on a fake clock. */
#include "hv_devfake.h"
#include "unit.h"
#include <hv/dev/rtc.h>

#define NS 1000000000ULL
/* 2024-02-29 23:59:58 UTC, a Thursday. */
#define START_UNIX 1709251198ULL

static struct fake_clock clk;
static struct fake_irq irqs;
static struct hv_rtc rtc;

static uint64_t fixed_wallclock(void *ctx)
{
	return START_UNIX * NS;
}

static const struct hv_rtc_backend be = {fixed_wallclock, NULL};

static void setup(void)
{
	fake_clock_init(&clk);
	fake_irq_init(&irqs, &clk);
	hv_rtc_init(&rtc, &clk.clk, &irqs.irq, &be);
}

static void teardown(void)
{
	hv_rtc_destroy(&rtc);
}

static uint8_t cmos(unsigned i)
{
	hv_rtc_write(&rtc, 0x70, (uint8_t)i);
	return hv_rtc_read(&rtc, 0x71);
}

static void cmos_set(unsigned i, uint8_t v)
{
	hv_rtc_write(&rtc, 0x70, (uint8_t)i);
	hv_rtc_write(&rtc, 0x71, v);
}

START_TEST(test_bcd_time_and_rollover)
{
	ck_assert_uint_eq(cmos(0), 0x58);
	ck_assert_uint_eq(cmos(2), 0x59);
	ck_assert_uint_eq(cmos(4), 0x23);
	ck_assert_uint_eq(cmos(6), 5); /* Thursday: Sunday is 1 */
	ck_assert_uint_eq(cmos(7), 0x29);
	ck_assert_uint_eq(cmos(8), 0x02);
	ck_assert_uint_eq(cmos(9), 0x24);
	ck_assert_uint_eq(cmos(0x32), 0x20);
	ck_assert_uint_eq(cmos(0xd), 0x80);
	fake_clock_advance(&clk, 2 * NS);
	ck_assert_uint_eq(cmos(0), 0x00);
	ck_assert_uint_eq(cmos(4), 0x00);
	ck_assert_uint_eq(cmos(7), 0x01);
	ck_assert_uint_eq(cmos(8), 0x03);
}
END_TEST

START_TEST(test_binary_and_12h)
{
	cmos_set(0xb, 0x04); /* binary, 12-hour */
	ck_assert_uint_eq(cmos(0), 58);
	ck_assert_uint_eq(cmos(4), 0x80 | 11);
	cmos_set(0xb, 0x00); /* BCD, 12-hour */
	ck_assert_uint_eq(cmos(4), 0x91);
}
END_TEST

START_TEST(test_set_time)
{
	cmos_set(0xb, 0x82); /* SET, 24h BCD */
	cmos_set(0, 0x30);
	cmos_set(2, 0x15);
	cmos_set(4, 0x08);
	cmos_set(7, 0x04);
	cmos_set(8, 0x07);
	cmos_set(9, 0x99);
	cmos_set(0x32, 0x19);
	fake_clock_advance(&clk, 5 * NS); /* frozen while SET */
	ck_assert_uint_eq(cmos(0), 0x30);
	cmos_set(0xb, 0x02);
	fake_clock_advance(&clk, 3 * NS);
	ck_assert_uint_eq(cmos(0), 0x33);
	ck_assert_uint_eq(cmos(9), 0x99);
	ck_assert_uint_eq(cmos(0x32), 0x19);
	ck_assert_uint_eq(hv_rtc_time_ns(&rtc) / NS, 931076133ULL); /* 1999-07-04 08:15:33 */
}
END_TEST

START_TEST(test_update_interrupt_and_uip)
{
	/* 2 s to the next update; UIP 244 us before it. */
	fake_clock_advance(&clk, NS - 245000);
	ck_assert_uint_eq(cmos(0xa) & 0x80, 0);
	fake_clock_advance(&clk, 2000);
	ck_assert_uint_eq(cmos(0xa) & 0x80, 0x80);
	cmos_set(0xb, 0x12); /* UIE */
	ck_assert(fake_clock_armed(&clk, &rtc.timer, NULL));
	fake_clock_advance(&clk, 300000);
	ck_assert_uint_eq(irqs.rises[8], 1);
	ck_assert(irqs.level[8]);
	ck_assert_uint_eq(cmos(0xc) & 0x90, 0x90); /* PF may be set too: it runs without PIE */
	ck_assert(!irqs.level[8]);
	ck_assert_uint_eq(cmos(0xc), 0);
	fake_clock_advance(&clk, NS);
	ck_assert_uint_eq(irqs.rises[8], 2);
	/* Nothing enabled: no timer. */
	cmos_set(0xb, 0x02);
	ck_assert(!fake_clock_armed(&clk, &rtc.timer, NULL));
	fake_clock_advance(&clk, 3 * NS);
	ck_assert_uint_eq(irqs.rises[8], 2);
	ck_assert_uint_eq(cmos(0xc) & 0x90, 0x10); /* UF set, no IRQF */
}
END_TEST

START_TEST(test_periodic_interrupt)
{
	unsigned n = 0;

	cmos_set(0xa, 0x26); /* 1024 Hz */
	cmos_set(0xb, 0x42); /* PIE */
	for (int i = 0; i < 100; i++) {
		fake_clock_advance(&clk, 976563);
		if (irqs.level[8]) {
			ck_assert_uint_eq(cmos(0xc) & 0xc0, 0xc0);
			n++;
		}
	}
	ck_assert_uint_ge(n, 99);
	ck_assert_uint_le(n, 100);
	/* 2 Hz. */
	cmos_set(0xa, 0x2f);
	unsigned before = irqs.rises[8];
	for (int i = 0; i < 8; i++) {
		fake_clock_advance(&clk, NS / 4);
		(void)cmos(0xc);
	}
	ck_assert_uint_eq(irqs.rises[8] - before, 4);
}
END_TEST

START_TEST(test_alarm)
{
	cmos_set(1, 0x01); /* alarm 00:00:01 */
	cmos_set(3, 0x00);
	cmos_set(5, 0x00);
	cmos_set(0xb, 0x22); /* AIE */
	fake_clock_advance(&clk, 2 * NS);
	ck_assert_uint_eq(irqs.rises[8], 0);
	fake_clock_advance(&clk, NS);
	ck_assert_uint_eq(irqs.rises[8], 1);
	ck_assert_uint_eq(cmos(0xc) & 0xa0, 0xa0);
	/* Don't-care bytes: every second. */
	cmos_set(1, 0xff);
	cmos_set(3, 0xff);
	cmos_set(5, 0xff);
	fake_clock_advance(&clk, NS);
	ck_assert_uint_eq(irqs.rises[8], 2);
}
END_TEST

START_TEST(test_cmos_ram_and_nmi)
{
	hv_rtc_set_memory(&rtc, MiB(512), GiB(2));
	ck_assert_uint_eq(cmos(0x34) | cmos(0x35) << 8, (MiB(512) - MiB(16)) / KiB(64));
	ck_assert_uint_eq(cmos(0x30) | cmos(0x31) << 8, 0xffff);
	ck_assert_uint_eq(cmos(0x5b) | cmos(0x5c) << 8 | (unsigned)cmos(0x5d) << 16, GiB(2) / KiB(64));
	hv_rtc_write(&rtc, 0x70, 0x80 | 0x40);
	ck_assert(rtc.nmi_disabled);
	hv_rtc_write(&rtc, 0x71, 0x5a);
	ck_assert_uint_eq(cmos(0x40), 0x5a);
	ck_assert(!rtc.nmi_disabled);
	cmos_set(0xd, 0);
	ck_assert_uint_eq(cmos(0xd), 0x80);
}
END_TEST

START_TEST(test_random_access)
{
	uint64_t seed = 0x146818;

	for (int i = 0; i < 10000; i++) {
		uint64_t r = fake_rand(&seed);
		unsigned port = 0x70 + (unsigned)(r & 1);

		if ((r >> 1) & 1)
			hv_rtc_write(&rtc, port, (uint8_t)(r >> 8));
		else
			(void)hv_rtc_read(&rtc, port);
		if (((r >> 16) & 15) == 0)
			fake_clock_advance(&clk, (r >> 20) % (3 * NS));
		ck_assert_uint_lt(rtc.index, 128);
		ck_assert_uint_eq(rtc.cmos[0xd], 0x80);
		ck_assert_uint_eq(rtc.cmos[0xa] & 0x80, 0);
	}
}
END_TEST

UNIT_SUITE(hv_rtc_suite)
Suite *hv_rtc_suite(void)
{
	Suite *s = suite_create("hv_rtc");
	TCase *tc = tcase_create("rtc");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bcd_time_and_rollover);
	tcase_add_test(tc, test_binary_and_12h);
	tcase_add_test(tc, test_set_time);
	tcase_add_test(tc, test_update_interrupt_and_uip);
	tcase_add_test(tc, test_periodic_interrupt);
	tcase_add_test(tc, test_alarm);
	tcase_add_test(tc, test_cmos_ram_and_nmi);
	tcase_add_test(tc, test_random_access);
	suite_add_tcase(s, tc);
	return s;
}
