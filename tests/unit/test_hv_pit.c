/* Check tests of the 8254 PIT model on a fake clock. */
#include "hv_devfake.h"
#include "unit.h"
#include <hv/dev/pit.h>

static struct fake_clock clk;
static struct fake_irq irqs;
static struct hv_pit pit;

static void setup(void)
{
	fake_clock_init(&clk);
	fake_irq_init(&irqs, &clk);
	hv_pit_init(&pit, &clk.clk, &irqs.irq);
}

static void teardown(void)
{
	hv_pit_destroy(&pit);
}

/* ns for n PIT ticks, rounded up. */
static ktime_t ticks_ns(uint64_t n)
{
	return (n * 1000000000ULL + HV_PIT_HZ - 1) / HV_PIT_HZ;
}

START_TEST(test_mode2_periodic_like_linux)
{
	hv_pit_write(&pit, 0x43, 0x34); /* channel 0, LSB+MSB, mode 2 */
	hv_pit_write(&pit, 0x40, 1193 & 0xff);
	hv_pit_write(&pit, 0x40, 1193 >> 8);
	fake_clock_run_to(&clk, ticks_ns(1193) - 1);
	ck_assert_uint_eq(irqs.rises[0], 0);
	fake_clock_run_to(&clk, ticks_ns(1193));
	ck_assert_uint_eq(irqs.rises[0], 1);
	fake_clock_run_to(&clk, ticks_ns(1193 * 10));
	ck_assert_uint_eq(irqs.rises[0], 10);
	ck_assert_uint_eq(irqs.last_rise[0], ticks_ns(1193 * 10));
	/* Latch command, then read LSB and MSB of the latched count. */
	fake_clock_run_to(&clk, ticks_ns(1193 * 10 + 100));
	hv_pit_write(&pit, 0x43, 0x00);
	fake_clock_advance(&clk, 50000);
	unsigned lo = hv_pit_read(&pit, 0x40), hi = hv_pit_read(&pit, 0x40);
	ck_assert_uint_eq(lo | hi << 8, 1193 - 100);
}
END_TEST

START_TEST(test_mode0_oneshot)
{
	ktime_t dl;

	hv_pit_write(&pit, 0x43, 0x30);
	hv_pit_write(&pit, 0x40, 0xe8);
	ck_assert(!fake_clock_armed(&clk, &pit.timer, NULL)); /* half a count: stopped */
	ck_assert(!hv_pit_out(&pit, 0));
	hv_pit_write(&pit, 0x40, 0x03); /* 1000 */
	ck_assert(fake_clock_armed(&clk, &pit.timer, &dl));
	ck_assert_uint_eq(dl, ticks_ns(1000));
	fake_clock_advance(&clk, 1000000000);
	ck_assert_uint_eq(irqs.rises[0], 1);
	ck_assert(hv_pit_out(&pit, 0));
	ck_assert(!fake_clock_armed(&clk, &pit.timer, NULL));
	/* Read-back: status of channel 0 shows OUT high, mode 0, LSB+MSB. */
	hv_pit_write(&pit, 0x43, 0xe2);
	ck_assert_uint_eq(hv_pit_read(&pit, 0x40), 0x80 | 0x30);
}
END_TEST

START_TEST(test_readback_count_and_status)
{
	hv_pit_write(&pit, 0x43, 0xb6); /* channel 2, mode 3 */
	hv_pit_write(&pit, 0x42, 0x00);
	hv_pit_write(&pit, 0x42, 0x10); /* 4096 */
	hv_pit_write(&pit, 0x61, 0x01); /* gate on: counting restarts */
	fake_clock_run_to(&clk, ticks_ns(100));
	/* Read-back count and status of channel 2: status first. */
	hv_pit_write(&pit, 0x43, 0xc8);
	uint8_t st = hv_pit_read(&pit, 0x42);
	ck_assert_uint_eq(st & 0x3f, 0x36);
	ck_assert(st & 0x80); /* first half of the square wave */
	unsigned lo = hv_pit_read(&pit, 0x42), hi = hv_pit_read(&pit, 0x42);
	ck_assert_uint_eq(lo | hi << 8, 4096 - 200); /* mode 3 counts by two */
	/* Channel 2 never arms the timer. */
	ck_assert(!fake_clock_armed(&clk, &pit.timer, NULL));
}
END_TEST

START_TEST(test_tsc_calibration_via_port61)
{
	/* Linux pit_calibrate_tsc: gate high, speaker off, mode 0, 50 ms. */
	unsigned latch = 1193182 / 20;

	hv_pit_write(&pit, 0x61, (hv_pit_read(&pit, 0x61) & ~0x02) | 0x01);
	hv_pit_write(&pit, 0x43, 0xb0);
	hv_pit_write(&pit, 0x42, latch & 0xff);
	hv_pit_write(&pit, 0x42, latch >> 8);
	ck_assert_uint_eq(hv_pit_read(&pit, 0x61) & 0x23, 0x01);
	fake_clock_run_to(&clk, ticks_ns(latch) - 1);
	ck_assert_uint_eq(hv_pit_read(&pit, 0x61) & 0x20, 0);
	fake_clock_run_to(&clk, ticks_ns(latch));
	ck_assert_uint_eq(hv_pit_read(&pit, 0x61) & 0x20, 0x20);
	ck_assert_uint_eq(irqs.rises[0], 0);
	/* The refresh bit toggles. */
	uint8_t a = hv_pit_read(&pit, 0x61) & 0x10;
	fake_clock_advance(&clk, 15085);
	ck_assert_uint_ne(hv_pit_read(&pit, 0x61) & 0x10, a);
}
END_TEST

START_TEST(test_mode3_lsb_only_and_bcd)
{
	hv_pit_write(&pit, 0x43, 0x17); /* channel 0, LSB only, mode 3, BCD */
	hv_pit_write(&pit, 0x40, 0x50); /* 50 */
	fake_clock_run_to(&clk, ticks_ns(10));
	ck_assert_uint_eq(hv_pit_read(&pit, 0x40), 0x30); /* 50 - 2*10 = 30, in BCD */
	fake_clock_run_to(&clk, ticks_ns(500));
	ck_assert_uint_eq(irqs.rises[0], 10);
}
END_TEST

START_TEST(test_random_access)
{
	uint64_t seed = 0x8254;

	for (int i = 0; i < 10000; i++) {
		uint64_t r = fake_rand(&seed);
		unsigned port = (r & 1) ? 0x40 + (unsigned)((r >> 1) % 4) : ((r >> 1) & 1 ? 0x61 : 0x44);
		uint8_t v = (uint8_t)(r >> 8);

		if ((r >> 16) & 1)
			hv_pit_write(&pit, port, v);
		else
			(void)hv_pit_read(&pit, port);
		if (((r >> 17) & 7) == 0)
			fake_clock_advance(&clk, (r >> 20) % 2000000);
		for (unsigned c = 0; c < 3; c++) {
			ck_assert_uint_le(pit.ch[c].mode, 5);
			ck_assert(pit.ch[c].count >= 1 && pit.ch[c].count <= 0x10000);
			ck_assert(pit.ch[c].rw >= 1 && pit.ch[c].rw <= 3);
		}
		ck_assert_uint_le(irqs.rises[0], clk.now / 20000 + 1);
	}
}
END_TEST

UNIT_SUITE(hv_pit_suite)
Suite *hv_pit_suite(void)
{
	Suite *s = suite_create("hv_pit");
	TCase *tc = tcase_create("pit");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mode2_periodic_like_linux);
	tcase_add_test(tc, test_mode0_oneshot);
	tcase_add_test(tc, test_readback_count_and_status);
	tcase_add_test(tc, test_tsc_calibration_via_port61);
	tcase_add_test(tc, test_mode3_lsb_only_and_bcd);
	tcase_add_test(tc, test_random_access);
	suite_add_tcase(s, tc);
	return s;
}
