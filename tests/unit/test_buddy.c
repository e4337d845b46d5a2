/* Check unit tests of the buddy allocator, run directly on host memory. */
#include <check.h>
#include "unit.h"
#include <kern/mm.h>
#include <stdlib.h>
#include <string.h>

#define NPAGES 1024

static struct buddy b;
static uint8_t state[NPAGES];
static uint8_t *mem;
#define BASE 0x100000UL /* any page-aligned "physical" base */

static void setup(void)
{
	mem = aligned_alloc(PAGE_SIZE << (BUDDY_MAX_ORDER - 1), NPAGES * PAGE_SIZE);
	ck_assert_ptr_nonnull(mem);
	buddy_init(&b, BASE, mem, NPAGES, state);
}

static void teardown(void)
{
	free(mem);
}

START_TEST(test_empty_allocator_fails)
{
	ck_assert_uint_eq(buddy_alloc(&b, 0), 0);
	ck_assert(buddy_check(&b));
}
END_TEST

START_TEST(test_add_range_coalesces_to_max_order)
{
	buddy_add_range(&b, BASE, NPAGES);
	ck_assert_uint_eq(b.free_pages, NPAGES);
	ck_assert_uint_eq(b.nfree[BUDDY_MAX_ORDER - 1], 1);
	ck_assert(buddy_check(&b));
}
END_TEST

START_TEST(test_unaligned_range_splits)
{
	/* Pages 3..100: blocks must respect natural alignment. */
	buddy_add_range(&b, BASE + 3 * PAGE_SIZE, 97);
	ck_assert_uint_eq(b.free_pages, 97);
	ck_assert(buddy_check(&b));
	paddr_t p = buddy_alloc(&b, 5);
	ck_assert_uint_ne(p, 0);
	ck_assert_uint_eq((p - BASE) % (32 * PAGE_SIZE), 0);
	ck_assert(p >= BASE + 3 * PAGE_SIZE && p + 32 * PAGE_SIZE <= BASE + 100 * PAGE_SIZE);
	buddy_free(&b, p, 5);
	ck_assert_uint_eq(b.free_pages, 97);
	ck_assert(buddy_check(&b));
}
END_TEST

START_TEST(test_exhaust_and_refill_every_order)
{
	buddy_add_range(&b, BASE, NPAGES);
	for (unsigned order = 0; order < BUDDY_MAX_ORDER; order++) {
		paddr_t got[NPAGES + 1];
		unsigned n = 0;
		while ((got[n] = buddy_alloc(&b, order)) != 0) {
			/* No two blocks overlap: write a tag into each page. */
			memset(mem + (got[n] - BASE), (int)n, PAGE_SIZE << order);
			n++;
		}
		ck_assert_uint_eq(n, NPAGES >> order);
		for (unsigned i = 0; i < n; i++)
			ck_assert_uint_eq(mem[got[i] - BASE + (PAGE_SIZE << order) - 1], (uint8_t)i);
		for (unsigned i = 0; i < n; i++)
			buddy_free(&b, got[(i * 7) % n], order); /* 7 is coprime with powers of two */
		ck_assert_uint_eq(b.nfree[BUDDY_MAX_ORDER - 1], 1);
		ck_assert(buddy_check(&b));
	}
}
END_TEST

START_TEST(test_too_large_order_fails)
{
	buddy_add_range(&b, BASE, NPAGES);
	ck_assert_uint_eq(buddy_alloc(&b, BUDDY_MAX_ORDER), 0);
	ck_assert_uint_eq(buddy_alloc(&b, 200), 0);
}
END_TEST

/* Misuse must stop the kernel (panic powers off with status 99). */
START_TEST(test_double_free_panics)
{
	buddy_add_range(&b, BASE, NPAGES);
	paddr_t p = buddy_alloc(&b, 0);
	buddy_free(&b, p, 0);
	buddy_free(&b, p, 0);
}
END_TEST

START_TEST(test_free_inside_free_block_panics)
{
	buddy_add_range(&b, BASE, NPAGES);
	buddy_free(&b, BASE + 5 * PAGE_SIZE, 0); /* never allocated: inside a free block */
}
END_TEST

START_TEST(test_misaligned_free_panics)
{
	buddy_add_range(&b, BASE, NPAGES);
	paddr_t p = buddy_alloc(&b, 2);
	buddy_free(&b, p + PAGE_SIZE, 2);
}
END_TEST

UNIT_SUITE(buddy_suite)
Suite *buddy_suite(void)
{
	Suite *s = suite_create("buddy");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_empty_allocator_fails);
	tcase_add_test(tc, test_add_range_coalesces_to_max_order);
	tcase_add_test(tc, test_unaligned_range_splits);
	tcase_add_test(tc, test_exhaust_and_refill_every_order);
	tcase_add_test(tc, test_too_large_order_fails);
	tcase_add_exit_test(tc, test_double_free_panics, 99);
	tcase_add_exit_test(tc, test_free_inside_free_block_panics, 99);
	tcase_add_exit_test(tc, test_misaligned_free_panics, 99);
	suite_add_tcase(s, tc);
	return s;
}
