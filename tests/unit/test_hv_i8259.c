/* Check tests of the 8259A pair model, programmed as Linux does. */
#include "hv_devfake.h"
#include "unit.h"
#include <hv/dev/i8259.h>

static struct hv_pic pic;
static unsigned out_changes;

static void on_output(void *ctx, bool level)
{
	out_changes++;
}

/* Linux's init_8259A: vectors 0x30 and 0x38, cascade on IRQ2, 8086 mode. */
static void linux_init(bool auto_eoi)
{
	hv_pic_init(&pic, on_output, NULL);
	hv_pic_write(&pic, 0x21, 0xff);
	hv_pic_write(&pic, 0xa1, 0xff);
	hv_pic_write(&pic, 0x20, 0x11);
	hv_pic_write(&pic, 0x21, 0x30);
	hv_pic_write(&pic, 0x21, 0x04);
	hv_pic_write(&pic, 0x21, auto_eoi ? 0x03 : 0x01);
	hv_pic_write(&pic, 0xa0, 0x11);
	hv_pic_write(&pic, 0xa1, 0x38);
	hv_pic_write(&pic, 0xa1, 0x02);
	hv_pic_write(&pic, 0xa1, 0x01);
	hv_pic_write(&pic, 0x21, 0x00);
	hv_pic_write(&pic, 0xa1, 0x00);
}

static uint8_t read_isr(unsigned cmd_port)
{
	hv_pic_write(&pic, cmd_port, 0x0b);
	return hv_pic_read(&pic, cmd_port);
}

static uint8_t read_irr(unsigned cmd_port)
{
	hv_pic_write(&pic, cmd_port, 0x0a);
	return hv_pic_read(&pic, cmd_port);
}

START_TEST(test_priority_and_eoi)
{
	linux_init(false);
	ck_assert_int_eq(hv_pic_peek(&pic), -1);
	hv_pic_set_irq(&pic, 3, true);
	hv_pic_set_irq(&pic, 1, true);
	ck_assert(pic.output);
	ck_assert_int_eq(hv_pic_peek(&pic), 0x31);
	ck_assert_uint_eq(read_irr(0x20), 0x0a);
	ck_assert_uint_eq(hv_pic_inta(&pic), 0x31);
	ck_assert_uint_eq(read_isr(0x20), 0x02);
	/* IRQ3 waits behind IRQ1 in service. */
	ck_assert(!pic.output);
	hv_pic_write(&pic, 0x20, 0x20); /* non-specific EOI */
	ck_assert_uint_eq(read_isr(0x20), 0);
	ck_assert_int_eq(hv_pic_peek(&pic), 0x33);
	ck_assert_uint_eq(hv_pic_inta(&pic), 0x33);
	/* Edge-triggered: no new request until a new rising edge. */
	hv_pic_write(&pic, 0x20, 0x63); /* specific EOI IRQ3 */
	ck_assert_int_eq(hv_pic_peek(&pic), -1);
	hv_pic_set_irq(&pic, 3, false);
	hv_pic_set_irq(&pic, 3, true);
	ck_assert_int_eq(hv_pic_peek(&pic), 0x33);
	/* Masked in IMR: no INT. */
	hv_pic_write(&pic, 0x21, 0x08);
	ck_assert(!pic.output);
	ck_assert_uint_eq(hv_pic_read(&pic, 0x21), 0x08);
}
END_TEST

START_TEST(test_higher_priority_preempts)
{
	linux_init(false);
	hv_pic_set_irq(&pic, 4, true);
	ck_assert_uint_eq(hv_pic_inta(&pic), 0x34);
	hv_pic_set_irq(&pic, 0, true);
	ck_assert_int_eq(hv_pic_peek(&pic), 0x30);
	ck_assert_uint_eq(hv_pic_inta(&pic), 0x30);
	ck_assert_uint_eq(read_isr(0x20), 0x11);
	hv_pic_write(&pic, 0x20, 0x20); /* ends the highest in service: IRQ0 */
	ck_assert_uint_eq(read_isr(0x20), 0x10);
}
END_TEST

START_TEST(test_cascade)
{
	linux_init(false);
	hv_pic_set_irq(&pic, 10, true);
	ck_assert(pic.output);
	ck_assert_int_eq(hv_pic_peek(&pic), 0x3a);
	ck_assert_uint_eq(hv_pic_inta(&pic), 0x3a);
	ck_assert_uint_eq(read_isr(0xa0), 0x04);
	ck_assert_uint_eq(read_isr(0x20), 0x04);
	/* A slave IRQ below the one in service waits; a master IRQ1 does not. */
	hv_pic_set_irq(&pic, 12, true);
	ck_assert(!pic.output);
	hv_pic_set_irq(&pic, 1, true);
	ck_assert_int_eq(hv_pic_peek(&pic), 0x31);
	hv_pic_set_irq(&pic, 1, false);
	ck_assert_uint_eq(hv_pic_inta(&pic), 0x31);
	hv_pic_write(&pic, 0x20, 0x20);
	hv_pic_write(&pic, 0xa0, 0x20);
	hv_pic_write(&pic, 0x20, 0x20);
	ck_assert_int_eq(hv_pic_peek(&pic), 0x3c);
}
END_TEST

START_TEST(test_spurious_irq7_and_irq15)
{
	linux_init(false);
	hv_pic_write(&pic, 0x4d0, 0x20); /* IRQ5 level-triggered */
	ck_assert_uint_eq(hv_pic_read(&pic, 0x4d0), 0x20);
	hv_pic_set_irq(&pic, 5, true);
	ck_assert(pic.output);
	hv_pic_set_irq(&pic, 5, false);
	ck_assert_uint_eq(hv_pic_inta(&pic), 0x37);
	ck_assert_uint_eq(read_isr(0x20), 0); /* spurious: nothing in service */

	hv_pic_write(&pic, 0x4d1, 0x08); /* IRQ11 level-triggered */
	hv_pic_set_irq(&pic, 11, true);
	ck_assert_int_eq(hv_pic_peek(&pic), 0x3b);
	hv_pic_set_irq(&pic, 11, false);
	/* The master latched the cascade's edge: INTA gives spurious IRQ15 and
	 * the master's IRQ2 is in service (Linux EOIs the master for it). */
	ck_assert(pic.output);
	ck_assert_uint_eq(hv_pic_inta(&pic), 0x3f);
	ck_assert_uint_eq(read_isr(0xa0), 0);
	ck_assert_uint_eq(read_isr(0x20), 0x04);
}
END_TEST

START_TEST(test_level_triggered_stays_requested)
{
	linux_init(false);
	hv_pic_write(&pic, 0x4d1, 0x08);
	hv_pic_set_irq(&pic, 11, true);
	ck_assert_uint_eq(hv_pic_inta(&pic), 0x3b);
	hv_pic_write(&pic, 0xa0, 0x20);
	hv_pic_write(&pic, 0x20, 0x20);
	/* Line still high: requests again. */
	ck_assert_int_eq(hv_pic_peek(&pic), 0x3b);
	/* ELCR cannot make IRQ0/1/2/8/13 level-triggered. */
	hv_pic_write(&pic, 0x4d0, 0xff);
	hv_pic_write(&pic, 0x4d1, 0xff);
	ck_assert_uint_eq(hv_pic_read(&pic, 0x4d0), 0xf8);
	ck_assert_uint_eq(hv_pic_read(&pic, 0x4d1), 0xde);
}
END_TEST

START_TEST(test_auto_eoi)
{
	linux_init(true);
	hv_pic_set_irq(&pic, 6, true);
	ck_assert_uint_eq(hv_pic_inta(&pic), 0x36);
	ck_assert_uint_eq(read_isr(0x20), 0);
	hv_pic_set_irq(&pic, 7, true);
	ck_assert_int_eq(hv_pic_peek(&pic), 0x37);
}
END_TEST

START_TEST(test_rotation)
{
	linux_init(false);
	hv_pic_set_irq(&pic, 0, true);
	ck_assert_uint_eq(hv_pic_inta(&pic), 0x30);
	hv_pic_write(&pic, 0x20, 0xa0); /* rotate on non-specific EOI: IRQ0 now lowest */
	hv_pic_set_irq(&pic, 0, false);
	hv_pic_set_irq(&pic, 0, true);
	hv_pic_set_irq(&pic, 4, true);
	ck_assert_int_eq(hv_pic_peek(&pic), 0x34);
	/* Set priority: IRQ5 lowest, so IRQ6 is highest. */
	hv_pic_write(&pic, 0x20, 0xc5);
	hv_pic_set_irq(&pic, 6, true);
	ck_assert_int_eq(hv_pic_peek(&pic), 0x36);
	ck_assert_uint_eq(hv_pic_inta(&pic), 0x36);
	hv_pic_write(&pic, 0x20, 0xe6); /* rotate on specific EOI 6 */
	ck_assert_uint_eq(read_isr(0x20), 0);
	ck_assert_int_eq(hv_pic_peek(&pic), 0x30); /* 7 is highest now, then 0 */
}
END_TEST

START_TEST(test_poll_mode)
{
	linux_init(false);
	hv_pic_write(&pic, 0x20, 0x0c); /* poll */
	ck_assert_uint_eq(hv_pic_read(&pic, 0x20), 0);
	hv_pic_set_irq(&pic, 5, true);
	hv_pic_write(&pic, 0x20, 0x0c);
	ck_assert_uint_eq(hv_pic_read(&pic, 0x20), 0x85);
	ck_assert_uint_eq(read_isr(0x20), 0x20);
	/* After the poll read, reads return registers again. */
	ck_assert_uint_eq(hv_pic_read(&pic, 0x21), 0);
}
END_TEST

START_TEST(test_special_mask_mode)
{
	linux_init(false);
	hv_pic_set_irq(&pic, 2 + 1, true);
	ck_assert_uint_eq(hv_pic_inta(&pic), 0x33);
	hv_pic_set_irq(&pic, 5, true);
	ck_assert(!pic.output);
	hv_pic_write(&pic, 0x21, 0x08); /* mask IRQ3 */
	hv_pic_write(&pic, 0x20, 0x68); /* set special mask */
	ck_assert_int_eq(hv_pic_peek(&pic), 0x35);
	hv_pic_write(&pic, 0x20, 0x48); /* reset special mask */
	ck_assert(!pic.output);
}
END_TEST

START_TEST(test_random_access)
{
	static const unsigned ports[] = {0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x22, 0x4d2};
	uint64_t seed = 0x8259;

	linux_init(false);
	for (int i = 0; i < 10000; i++) {
		uint64_t r = fake_rand(&seed);
		unsigned port = ports[r % ARRAY_SIZE(ports)];
		uint8_t v = (uint8_t)(r >> 8);
		int peek;

		switch ((r >> 16) % 5) {
		case 0: hv_pic_write(&pic, port, v); break;
		case 1: (void)hv_pic_read(&pic, port); break;
		case 2: hv_pic_set_irq(&pic, (unsigned)(r >> 24) % 20, (r >> 32) & 1); break;
		case 3:
			peek = hv_pic_peek(&pic);
			if (peek >= 0) {
				uint8_t got = hv_pic_inta(&pic);

				ck_assert_uint_eq(got, (uint8_t)peek);
			}
			break;
		default: (void)hv_pic_inta(&pic); break;
		}
		for (unsigned c = 0; c < 2; c++) {
			ck_assert_uint_lt(pic.chip[c].priority_add, 8);
			ck_assert_uint_le(pic.chip[c].init_state, 3);
			ck_assert_uint_eq(pic.chip[c].elcr & ~pic.chip[c].elcr_mask, 0);
			ck_assert_uint_eq(pic.chip[c].irq_base & 7, 0);
		}
		peek = hv_pic_peek(&pic);
		ck_assert(peek >= -1 && peek < 256);
		ck_assert_int_eq(peek >= 0, pic.output);
	}
}
END_TEST

UNIT_SUITE(hv_i8259_suite)
Suite *hv_i8259_suite(void)
{
	Suite *s = suite_create("hv_i8259");
	TCase *tc = tcase_create("pic");

	tcase_add_test(tc, test_priority_and_eoi);
	tcase_add_test(tc, test_higher_priority_preempts);
	tcase_add_test(tc, test_cascade);
	tcase_add_test(tc, test_spurious_irq7_and_irq15);
	tcase_add_test(tc, test_level_triggered_stays_requested);
	tcase_add_test(tc, test_auto_eoi);
	tcase_add_test(tc, test_rotation);
	tcase_add_test(tc, test_poll_mode);
	tcase_add_test(tc, test_special_mask_mode);
	tcase_add_test(tc, test_random_access);
	suite_add_tcase(s, tc);
	return s;
}
