/* Check tests of the paravirtual interrupt controller the hosted machine
 * (sim/) gives the kernel: line routing and masking, edges, EOI re-pending,
 * IPIs and per-CPU timer deadlines, with a recording kick back end. */
#include "unit.h"
#include <hv/dev/irqchip.h>

static struct irqchip chip;
static unsigned kicks[4];

static void be_kick(void *ctx, unsigned cpu)
{
	ck_assert_uint_lt(cpu, 4);
	kicks[cpu]++;
}

static const struct irqchip_backend be = {be_kick};

static void setup(void)
{
	for (unsigned i = 0; i < 4; i++)
		kicks[i] = 0;
	irqchip_init(&chip, 4, &be, NULL);
}

START_TEST(test_masked_line_does_not_pend)
{
	irqchip_set_line(&chip, 4, true);
	ck_assert_uint_eq(irqchip_take_pending(&chip, 0, 0), 0);
	ck_assert_uint_eq(kicks[0], 0);
	/* Unmasking an asserted line delivers it to its CPU. */
	ck_assert(irqchip_route(&chip, 4, 2, true));
	ck_assert_uint_eq(kicks[2], 1);
	ck_assert_uint_eq(irqchip_take_pending(&chip, 2, 0), IRQCHIP_BIT_LINE(4));
	ck_assert_uint_eq(irqchip_take_pending(&chip, 2, 0), 0); /* taken once */
}
END_TEST

START_TEST(test_edges_and_eoi)
{
	ck_assert(irqchip_route(&chip, 3, 1, true));
	irqchip_set_line(&chip, 3, true);
	irqchip_set_line(&chip, 3, true); /* no new edge */
	ck_assert_uint_eq(kicks[1], 1);
	ck_assert_uint_eq(irqchip_take_pending(&chip, 1, 0), IRQCHIP_BIT_LINE(3));
	/* Still asserted at EOI: the level pends again (level-triggered). */
	irqchip_eoi(&chip, 3);
	ck_assert_uint_eq(irqchip_take_pending(&chip, 1, 0), IRQCHIP_BIT_LINE(3));
	irqchip_set_line(&chip, 3, false);
	irqchip_eoi(&chip, 3);
	ck_assert_uint_eq(irqchip_take_pending(&chip, 1, 0), 0);
	/* Masked at EOI: nothing pends either. */
	irqchip_set_line(&chip, 3, true);
	(void)irqchip_take_pending(&chip, 1, 0);
	ck_assert(irqchip_route(&chip, 3, 1, false));
	irqchip_eoi(&chip, 3);
	ck_assert_uint_eq(irqchip_take_pending(&chip, 1, 0), 0);
}
END_TEST

START_TEST(test_bad_arguments_are_refused)
{
	ck_assert(!irqchip_route(&chip, IRQCHIP_LINES, 0, true));
	ck_assert(!irqchip_route(&chip, 0, 4, true)); /* only 4 CPUs */
	irqchip_set_line(&chip, IRQCHIP_LINES + 7, true);
	irqchip_eoi(&chip, 1000);
	irqchip_send_ipi(&chip, 9);
	irqchip_set_deadline(&chip, 64, 5);
	ck_assert_uint_eq(irqchip_deadline(&chip, 64), 0);
	for (unsigned c = 0; c < 4; c++) {
		ck_assert_uint_eq(kicks[c], 0);
		ck_assert_uint_eq(irqchip_take_pending(&chip, c, 1000), 0);
	}
}
END_TEST

START_TEST(test_ipi_and_timer)
{
	irqchip_send_ipi(&chip, 3);
	ck_assert_uint_eq(kicks[3], 1);
	ck_assert(irqchip_has_pending(&chip, 3, 0));
	ck_assert_uint_eq(irqchip_take_pending(&chip, 3, 0), IRQCHIP_BIT_IPI);

	irqchip_set_deadline(&chip, 0, 1000);
	ck_assert_uint_eq(irqchip_deadline(&chip, 0), 1000);
	ck_assert(!irqchip_has_pending(&chip, 0, 999));
	ck_assert_uint_eq(irqchip_take_pending(&chip, 0, 999), 0);
	ck_assert(irqchip_has_pending(&chip, 0, 1000));
	ck_assert_uint_eq(irqchip_take_pending(&chip, 0, 1500), IRQCHIP_BIT_TIMER);
	/* A fired deadline is disarmed: it fires once. */
	ck_assert_uint_eq(irqchip_deadline(&chip, 0), 0);
	ck_assert_uint_eq(irqchip_take_pending(&chip, 0, 5000), 0);
}
END_TEST

START_TEST(test_ncpus_is_capped)
{
	irqchip_init(&chip, IRQCHIP_MAX_CPUS + 10, NULL, NULL);
	ck_assert_uint_eq(chip.ncpus, IRQCHIP_MAX_CPUS);
	/* No back end: raising still pends, without a kick. */
	irqchip_send_ipi(&chip, IRQCHIP_MAX_CPUS - 1);
	ck_assert_uint_eq(irqchip_take_pending(&chip, IRQCHIP_MAX_CPUS - 1, 0), IRQCHIP_BIT_IPI);
}
END_TEST

UNIT_SUITE(hv_irqchip_suite)
Suite *hv_irqchip_suite(void)
{
	Suite *s = suite_create("hv_irqchip");
	TCase *tc = tcase_create("irqchip");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_masked_line_does_not_pend);
	tcase_add_test(tc, test_edges_and_eoi);
	tcase_add_test(tc, test_bad_arguments_are_refused);
	tcase_add_test(tc, test_ipi_and_timer);
	tcase_add_test(tc, test_ncpus_is_capped);
	suite_add_tcase(s, tc);
	return s;
}
