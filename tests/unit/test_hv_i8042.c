/* Check tests of the i8042 controller model. */
#include "hv_devfake.h"
#include "unit.h"
#include <hv/dev/i8042.h>

static struct fake_irq irqs;
static struct hv_i8042 kbc;
static unsigned resets;
static bool a20 = true;

static void on_reset(void *ctx)
{
	resets++;
}

static void on_a20(void *ctx, bool on)
{
	a20 = on;
}

static const struct hv_i8042_backend be = {on_reset, on_a20, NULL};

static void setup(void)
{
	fake_irq_init(&irqs, NULL);
	resets = 0;
	a20 = true;
	hv_i8042_init(&kbc, &irqs.irq, &be);
}

static uint8_t status(void)
{
	return hv_i8042_read(&kbc, 0x64);
}

static uint8_t data(void)
{
	ck_assert(status() & 1);
	return hv_i8042_read(&kbc, 0x60);
}

START_TEST(test_self_test_and_config)
{
	hv_i8042_write(&kbc, 0x64, 0xaa);
	ck_assert_uint_eq(data(), 0x55);
	ck_assert_uint_eq(status() & 1, 0);
	hv_i8042_write(&kbc, 0x64, 0x20);
	uint8_t cfg = data();
	ck_assert_uint_eq(cfg & 0x05, 0x05);
	hv_i8042_write(&kbc, 0x64, 0x60);
	hv_i8042_write(&kbc, 0x60, 0x00); /* no interrupts */
	ck_assert(status() & 0x08 ? false : true);
	hv_i8042_write(&kbc, 0x64, 0x20);
	ck_assert_uint_eq(hv_i8042_read(&kbc, 0x60), 0x00);
	hv_i8042_write(&kbc, 0x64, 0xab);
	ck_assert_uint_eq(data(), 0x00);
	hv_i8042_write(&kbc, 0x64, 0xa9);
	ck_assert_uint_eq(data(), 0x00);
	ck_assert_uint_eq(irqs.rises[1], 2); /* 0x55 and the config byte, before INT1 went off */
}
END_TEST

START_TEST(test_keyboard_reset_raises_irq1)
{
	hv_i8042_write(&kbc, 0x60, 0xff);
	ck_assert(irqs.level[1]);
	ck_assert_uint_eq(data(), 0xfa);
	ck_assert(irqs.level[1]);
	ck_assert_uint_eq(data(), 0xaa);
	ck_assert(!irqs.level[1]);
	ck_assert_uint_eq(irqs.rises[1], 1);
	hv_i8042_write(&kbc, 0x60, 0xf2);
	ck_assert_uint_eq(data(), 0xfa);
	ck_assert_uint_eq(data(), 0xab);
	ck_assert_uint_eq(data(), 0x83);
	hv_i8042_write(&kbc, 0x60, 0x42); /* unknown */
	ck_assert_uint_eq(data(), 0xfe);
}
END_TEST

START_TEST(test_cpu_reset_and_a20)
{
	hv_i8042_write(&kbc, 0x64, 0xfe);
	ck_assert_uint_eq(resets, 1);
	hv_i8042_write(&kbc, 0x64, 0xd1);
	hv_i8042_write(&kbc, 0x60, 0xdd); /* A20 off, reset line high */
	ck_assert(!a20);
	ck_assert_uint_eq(resets, 1);
	hv_i8042_write(&kbc, 0x64, 0xd0);
	ck_assert_uint_eq(data(), 0xdd);
	hv_i8042_write(&kbc, 0x64, 0xd1);
	hv_i8042_write(&kbc, 0x60, 0xde); /* bit 0 low: reset */
	ck_assert_uint_eq(resets, 2);
	ck_assert(a20);
	hv_i8042_write(&kbc, 0x64, 0xff); /* pulse nothing */
	ck_assert_uint_eq(resets, 2);
}
END_TEST

START_TEST(test_ports_and_input)
{
	static const uint8_t make_a[] = {0x1e, 0x9e};

	hv_i8042_write(&kbc, 0x64, 0xad); /* disable keyboard */
	ck_assert_uint_eq(hv_i8042_kbd_input(&kbc, make_a, 2), 0);
	hv_i8042_write(&kbc, 0x64, 0xae);
	ck_assert_uint_eq(hv_i8042_kbd_input(&kbc, make_a, 2), 2);
	ck_assert(irqs.level[1]);
	ck_assert_uint_eq(data(), 0x1e);
	ck_assert_uint_eq(data(), 0x9e);
	/* AUX: enable its interrupt, reset the mouse through 0xd4. */
	hv_i8042_write(&kbc, 0x64, 0x60);
	hv_i8042_write(&kbc, 0x60, 0x47);
	hv_i8042_write(&kbc, 0x64, 0xa8);
	hv_i8042_write(&kbc, 0x64, 0xd4);
	hv_i8042_write(&kbc, 0x60, 0xff);
	ck_assert(irqs.level[12]);
	ck_assert_uint_eq(status() & 0x21, 0x21);
	ck_assert_uint_eq(data(), 0xfa);
	ck_assert_uint_eq(data(), 0xaa);
	ck_assert_uint_eq(data(), 0x00);
	ck_assert(!irqs.level[12]);
	/* 0xd2 echoes through the keyboard side. */
	hv_i8042_write(&kbc, 0x64, 0xd2);
	hv_i8042_write(&kbc, 0x60, 0x99);
	ck_assert_uint_eq(status() & 0x21, 0x01);
	ck_assert_uint_eq(data(), 0x99);
}
END_TEST

START_TEST(test_random_access)
{
	uint64_t seed = 0x8042;

	for (int i = 0; i < 10000; i++) {
		uint64_t r = fake_rand(&seed);
		unsigned port = (r & 1) ? 0x64 : 0x60;
		uint8_t v = (uint8_t)(r >> 8);

		/* Never the reset commands too often: they are legal, just counted. */
		switch ((r >> 16) % 3) {
		case 0: hv_i8042_write(&kbc, port, v); break;
		case 1: (void)hv_i8042_read(&kbc, port); break;
		default: (void)hv_i8042_kbd_input(&kbc, (const uint8_t *)&r, (r >> 20) % 8); break;
		}
		ck_assert_uint_le(kbc.count, HV_I8042_QUEUE);
		ck_assert_uint_lt(kbc.head, HV_I8042_QUEUE);
		ck_assert_int_eq(irqs.level[1], kbc.irq1);
		ck_assert_int_eq(irqs.level[12], kbc.irq12);
		ck_assert(kbc.outport & 1); /* the reset line is only pulsed */
	}
}
END_TEST

UNIT_SUITE(hv_i8042_suite)
Suite *hv_i8042_suite(void)
{
	Suite *s = suite_create("hv_i8042");
	TCase *tc = tcase_create("i8042");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_self_test_and_config);
	tcase_add_test(tc, test_keyboard_reset_raises_irq1);
	tcase_add_test(tc, test_cpu_reset_and_a20);
	tcase_add_test(tc, test_ports_and_input);
	tcase_add_test(tc, test_random_access);
	suite_add_tcase(s, tc);
	return s;
}
