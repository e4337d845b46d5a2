/* Check unit tests of the ACPI PM1 model (hv/dev/acpi_pm.c): SCI_EN from
 * reset, S5 power-off, other sleep types waking, write-1-to-clear status,
 * enable read-back, byte accesses and accesses past the block. */
#include <hv/acpi.h>
#include <hv/dev/acpi_pm.h>

#include "unit.h"

#define STS 0
#define EN  2
#define CNT HV_ACPI_PM1_CNT_OFF

static unsigned poweroffs;

static void fake_poweroff(void *ctx)
{
	(void)ctx;
	poweroffs++;
}

static void setup(struct hv_acpi_pm *pm)
{
	const struct hv_acpi_pm_backend be = {fake_poweroff, NULL};

	poweroffs = 0;
	hv_acpi_pm_init(pm, &be);
}

START_TEST(test_acpi_pm_s5)
{
	struct hv_acpi_pm pm;

	setup(&pm);
	ck_assert_uint_eq(hv_acpi_pm_read(&pm, CNT, 2), HV_ACPI_PM1_SCI_EN);
	/* Linux writes SLP_TYP first, then SLP_TYP | SLP_EN. */
	hv_acpi_pm_write(&pm, CNT, 2, HV_ACPI_PM1_SCI_EN | 5 << HV_ACPI_PM1_SLP_TYP_SHIFT);
	ck_assert_uint_eq(poweroffs, 0);
	ck_assert_uint_eq(hv_acpi_pm_read(&pm, CNT, 2), HV_ACPI_PM1_SCI_EN | 5 << HV_ACPI_PM1_SLP_TYP_SHIFT);
	hv_acpi_pm_write(&pm, CNT, 2, HV_ACPI_PM1_SCI_EN | 5 << HV_ACPI_PM1_SLP_TYP_SHIFT | HV_ACPI_PM1_SLP_EN);
	ck_assert_uint_eq(poweroffs, 1);
	/* SLP_EN is write-only. */
	ck_assert_uint_eq(hv_acpi_pm_read(&pm, CNT, 2) & HV_ACPI_PM1_SLP_EN, 0);
	/* The high byte alone carries SLP_TYP and SLP_EN. */
	hv_acpi_pm_write(&pm, CNT + 1, 1, (5 << HV_ACPI_PM1_SLP_TYP_SHIFT | HV_ACPI_PM1_SLP_EN) >> 8);
	ck_assert_uint_eq(poweroffs, 2);
}
END_TEST

START_TEST(test_acpi_pm_other_sleep_wakes)
{
	struct hv_acpi_pm pm;

	setup(&pm);
	/* Clearing SCI_EN does not stick: there is no legacy mode. */
	hv_acpi_pm_write(&pm, CNT, 2, 3 << HV_ACPI_PM1_SLP_TYP_SHIFT | HV_ACPI_PM1_SLP_EN);
	ck_assert_uint_eq(poweroffs, 0);
	ck_assert_uint_eq(hv_acpi_pm_read(&pm, CNT, 2) & HV_ACPI_PM1_SCI_EN, HV_ACPI_PM1_SCI_EN);
	ck_assert_uint_eq(hv_acpi_pm_read(&pm, STS, 2), HV_ACPI_PM1_WAK_STS);
	/* Write 1 to clear; 0 bits leave status alone. */
	hv_acpi_pm_write(&pm, STS, 2, 0x0001);
	ck_assert_uint_eq(hv_acpi_pm_read(&pm, STS, 2), HV_ACPI_PM1_WAK_STS);
	hv_acpi_pm_write(&pm, STS, 2, HV_ACPI_PM1_WAK_STS);
	ck_assert_uint_eq(hv_acpi_pm_read(&pm, STS, 2), 0);
}
END_TEST

START_TEST(test_acpi_pm_enable_and_bounds)
{
	struct hv_acpi_pm pm;
	struct hv_acpi_pm nobody;

	setup(&pm);
	hv_acpi_pm_write(&pm, EN, 2, 0x0121);
	ck_assert_uint_eq(hv_acpi_pm_read(&pm, EN, 2), 0x0121);
	ck_assert_uint_eq(hv_acpi_pm_read(&pm, EN + 1, 1), 0x01);
	hv_acpi_pm_write(&pm, EN, 1, 0x00);
	ck_assert_uint_eq(hv_acpi_pm_read(&pm, EN, 2), 0x0100);
	/* A dword read at 0 sees status and enable together. */
	ck_assert_uint_eq(hv_acpi_pm_read(&pm, STS, 4), 0x01000000);
	/* Past the block: reads 0xff, writes ignored. */
	ck_assert_uint_eq(hv_acpi_pm_read(&pm, CNT, 4), 0xffff0000 | HV_ACPI_PM1_SCI_EN);
	hv_acpi_pm_write(&pm, CNT + 1, 8, ~0ull);
	ck_assert_uint_eq(poweroffs, 0); /* SLP_TYP 7, not S5 */
	ck_assert_uint_eq(hv_acpi_pm_read(&pm, 200, 2), 0xffff);
	hv_acpi_pm_write(&pm, 200, 2, 0);
	/* No backend: S5 does nothing rather than crash. */
	hv_acpi_pm_init(&nobody, NULL);
	hv_acpi_pm_write(&nobody, CNT, 2, 5 << HV_ACPI_PM1_SLP_TYP_SHIFT | HV_ACPI_PM1_SLP_EN);
	ck_assert_uint_eq(poweroffs, 0);
}
END_TEST

UNIT_SUITE(hv_acpi_pm_suite)
Suite *hv_acpi_pm_suite(void)
{
	Suite *s = suite_create("hv_acpi_pm");
	TCase *tc = tcase_create("pm1");

	tcase_add_test(tc, test_acpi_pm_s5);
	tcase_add_test(tc, test_acpi_pm_other_sleep_wakes);
	tcase_add_test(tc, test_acpi_pm_enable_and_bounds);
	suite_add_tcase(s, tc);
	return s;
}
