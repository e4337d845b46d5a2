/* Check unit tests of the hypervisor's address-space dispatcher (hv_bus). */
#include <check.h>
#include <hv/bus.h>
#include <kern/errno.h>
#include <string.h>

#include "unit.h"

/* A fake device: 16 byte-registers; logs each access. */
struct fake_dev {
	uint8_t reg[16];
	unsigned nacc;
	struct {
		uint64_t off;
		unsigned size;
		bool write;
	} acc[16];
};

static uint64_t fake_read(void *d, unsigned cpu, uint64_t off, unsigned size)
{
	struct fake_dev *f = d;
	uint64_t v = 0;

	(void)cpu;
	if (f->nacc < 16)
		f->acc[f->nacc++] = (typeof(f->acc[0])){off, size, false};
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)f->reg[(off + i) % 16] << (8 * i);
	return v | 0xdead000000000000ull * (size < 8); /* junk above size must be masked */
}

static void fake_write(void *d, unsigned cpu, uint64_t off, unsigned size, uint64_t v)
{
	struct fake_dev *f = d;

	(void)cpu;
	if (f->nacc < 16)
		f->acc[f->nacc++] = (typeof(f->acc[0])){off, size, true};
	for (unsigned i = 0; i < size; i++)
		f->reg[(off + i) % 16] = (uint8_t)(v >> (8 * i));
}

static const struct hv_bus_ops fake_ops = {fake_read, fake_write};

START_TEST(test_add_rejects_overlap_and_bad_ranges)
{
	static struct hv_bus bus;
	struct fake_dev a, b;

	hv_bus_init(&bus);
	ck_assert_int_eq(hv_bus_add(&bus, 0x100, 0x10, &fake_ops, &a, "a"), 0);
	ck_assert_int_eq(hv_bus_add(&bus, 0x10f, 1, &fake_ops, &b, "b"), -EBUSY);
	ck_assert_int_eq(hv_bus_add(&bus, 0xf0, 0x11, &fake_ops, &b, "b"), -EBUSY);
	ck_assert_int_eq(hv_bus_add(&bus, 0x00, 0x1000, &fake_ops, &b, "b"), -EBUSY);
	ck_assert_int_eq(hv_bus_add(&bus, 0x200, 0, &fake_ops, &b, "b"), -EINVAL);
	ck_assert_int_eq(hv_bus_add(&bus, ~0ull - 3, 8, &fake_ops, &b, "b"), -EINVAL);
	ck_assert_int_eq(hv_bus_add(&bus, ~0ull - 7, 8, &fake_ops, &b, "top"), 0); /* ends exactly at 2^64 */
	ck_assert_int_eq(hv_bus_add(&bus, 0xf0, 0x10, &fake_ops, &b, "below"), 0);
	ck_assert_int_eq(hv_bus_add(&bus, 0x110, 0x10, &fake_ops, &b, "above"), 0);
	ck_assert_uint_eq(bus.n, 4);
	for (unsigned i = 1; i < bus.n; i++)
		ck_assert(bus.range[i - 1].base < bus.range[i].base);
	ck_assert_ptr_eq(hv_bus_find(&bus, 0x10f)->dev, &a);
	ck_assert_ptr_eq(hv_bus_find(&bus, 0x110)->dev, &b);
	ck_assert_ptr_null(hv_bus_find(&bus, 0x120));
	ck_assert_ptr_null(hv_bus_find(&bus, 0xef));
}
END_TEST

START_TEST(test_full_bus_and_remove)
{
	static struct hv_bus bus;
	struct fake_dev a, b;

	hv_bus_init(&bus);
	for (unsigned i = 0; i < HV_BUS_MAX_RANGES; i++)
		ck_assert_int_eq(hv_bus_add(&bus, (HV_BUS_MAX_RANGES - i) * 0x10ull, 4, &fake_ops, &a, "x"), 0);
	ck_assert_int_eq(hv_bus_add(&bus, 0x10000, 4, &fake_ops, &a, "x"), -ENOSPC);
	ck_assert_int_eq(hv_bus_remove(&bus, 0x20, &b), -ENOENT); /* not b's */
	ck_assert_int_eq(hv_bus_remove(&bus, 0x22, &a), -ENOENT); /* not a base */
	ck_assert_int_eq(hv_bus_remove(&bus, 0x20, &a), 0);
	ck_assert_ptr_null(hv_bus_find(&bus, 0x20));
	ck_assert_ptr_nonnull(hv_bus_find(&bus, 0x30));
	ck_assert_int_eq(hv_bus_add(&bus, 0x20, 4, &fake_ops, &b, "moved"), 0);
	ck_assert_ptr_eq(hv_bus_find(&bus, 0x23)->dev, &b);
}
END_TEST

START_TEST(test_dispatch_offsets_and_masks)
{
	static struct hv_bus bus;
	struct fake_dev a = {0};
	uint64_t v;

	hv_bus_init(&bus);
	ck_assert_int_eq(hv_bus_add(&bus, 0x3f8, 8, &fake_ops, &a, "uart"), 0);
	ck_assert(hv_bus_write(&bus, 0, 0x3f9, 2, 0xffffbeef));
	ck_assert_uint_eq(a.acc[0].off, 1);
	ck_assert_uint_eq(a.acc[0].size, 2);
	ck_assert_uint_eq(a.reg[1], 0xef);
	ck_assert_uint_eq(a.reg[2], 0xbe);
	ck_assert_uint_eq(a.reg[3], 0); /* bits above the size are not written */
	ck_assert(hv_bus_read(&bus, 0, 0x3f9, 2, &v));
	ck_assert_uint_eq(v, 0xbeef);
	ck_assert_uint_eq(bus.unclaimed, 0);
}
END_TEST

START_TEST(test_unclaimed_reads_all_ones)
{
	static struct hv_bus bus;
	uint64_t v = 0;

	hv_bus_init(&bus);
	ck_assert(!hv_bus_read(&bus, 0, 0x80, 1, &v));
	ck_assert_uint_eq(v, 0xff);
	ck_assert(!hv_bus_read(&bus, 0, 0x80, 4, &v));
	ck_assert_uint_eq(v, 0xffffffff);
	ck_assert(!hv_bus_read(&bus, 0, 0x80, 8, &v));
	ck_assert_uint_eq(v, ~0ull);
	ck_assert(!hv_bus_write(&bus, 0, 0x80, 1, 0));
	ck_assert_uint_eq(bus.unclaimed, 4);
	ck_assert(!hv_bus_read(&bus, 0, 0x80, 3, &v)); /* bad size */
}
END_TEST

START_TEST(test_straddling_access_is_split)
{
	static struct hv_bus bus;
	struct fake_dev a = {0}, b = {0};
	uint64_t v;

	hv_bus_init(&bus);
	ck_assert_int_eq(hv_bus_add(&bus, 0x1000, 6, &fake_ops, &a, "a"), 0);
	ck_assert_int_eq(hv_bus_add(&bus, 0x1006, 2, &fake_ops, &b, "b"), 0);
	/* 8 bytes at 0x1004: 2 to a (offset 4), 2 to b (offset 0), 4 unclaimed. */
	ck_assert(hv_bus_write(&bus, 0, 0x1004, 8, 0x8877665544332211ull));
	ck_assert_uint_eq(a.nacc, 1);
	ck_assert_uint_eq(a.acc[0].off, 4);
	ck_assert_uint_eq(a.acc[0].size, 2);
	ck_assert_uint_eq(a.reg[4], 0x11);
	ck_assert_uint_eq(a.reg[5], 0x22);
	ck_assert_uint_eq(b.nacc, 1);
	ck_assert_uint_eq(b.acc[0].off, 0);
	ck_assert_uint_eq(b.reg[0], 0x33);
	ck_assert_uint_eq(b.reg[1], 0x44);
	ck_assert_uint_eq(bus.unclaimed, 1);
	ck_assert(hv_bus_read(&bus, 0, 0x1004, 8, &v));
	ck_assert_uint_eq(v, 0xffffffff44332211ull);
	/* A read starting in a gap and ending in a range. */
	ck_assert(hv_bus_read(&bus, 0, 0xffe, 4, &v));
	ck_assert_uint_eq(v & 0xffff, 0xffff);
	ck_assert_uint_eq(a.acc[a.nacc - 1].off, 0);
	ck_assert_uint_eq(a.acc[a.nacc - 1].size, 2);
}
END_TEST

UNIT_SUITE(hv_bus_suite)
Suite *hv_bus_suite(void)
{
	Suite *s = suite_create("hv_bus");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_add_rejects_overlap_and_bad_ranges);
	tcase_add_test(tc, test_full_bus_and_remove);
	tcase_add_test(tc, test_dispatch_offsets_and_masks);
	tcase_add_test(tc, test_unclaimed_reads_all_ones);
	tcase_add_test(tc, test_straddling_access_is_split);
	suite_add_tcase(s, tc);
	return s;
}
