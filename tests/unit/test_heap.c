/* Check unit tests of the kernel heap over the hosted machine's RAM. */
#include <check.h>
#include "unit.h"
#include <kern/mm.h>
#include <stdlib.h>
#include <string.h>

#include "../../platform-hosted/hosted.h"

static void setup(void)
{
	hosted_mem_init(64ULL << 20);
	page_alloc_init();
	heap_init();
}

START_TEST(test_alloc_free_balances)
{
	struct heap_stats h0, h1;
	struct page_stats p0, p1;
	void *ptrs[1000];

	heap_stats(&h0);
	page_stats(&p0);
	for (int i = 0; i < 1000; i++) {
		ptrs[i] = kmalloc((size_t)(i * 37 % 3000) + 1);
		ck_assert_ptr_nonnull(ptrs[i]);
	}
	for (int i = 999; i >= 0; i--)
		kfree(ptrs[i]);
	heap_stats(&h1);
	page_stats(&p1);
	ck_assert_uint_eq(h1.live_objects, h0.live_objects);
	ck_assert_uint_eq(h1.slab_pages, h0.slab_pages);
	ck_assert_uint_eq(p1.free_pages, p0.free_pages);
	ck_assert(page_alloc_check());
}
END_TEST

START_TEST(test_objects_do_not_overlap)
{
	enum { N = 300 };
	uint8_t *p[N];
	size_t sz[N];

	for (int i = 0; i < N; i++) {
		sz[i] = (size_t)(i % 40) * 29 + 1;
		p[i] = kmalloc(sz[i]);
		memset(p[i], i, sz[i]);
	}
	for (int i = 0; i < N; i++)
		for (size_t k = 0; k < sz[i]; k++)
			ck_assert_uint_eq(p[i][k], (uint8_t)i);
	for (int i = 0; i < N; i++)
		kfree(p[i]);
}
END_TEST

START_TEST(test_zero_size_and_huge)
{
	void *z = kmalloc(0);
	ck_assert_ptr_nonnull(z);
	kfree(z);
	ck_assert_ptr_null(kmalloc((size_t)1 << 40));
	kfree(NULL);
}
END_TEST

START_TEST(test_write_after_free_detected)
{
	/* Debug builds poison freed objects and check at the next allocation. */
	uint8_t *keep = kmalloc(64); /* an empty slab would go back to the page allocator */
	uint8_t *a = kmalloc(64);
	(void)keep;
	kfree(a);
	a[20] = 1;
	for (int i = 0; i < 100; i++)
		(void)kmalloc(64); /* the slab hands `a` out again among these */
}
END_TEST

START_TEST(test_double_free_detected)
{
	void *a = kmalloc(100);
	void *keep = kmalloc(100); /* keeps the slab alive */
	(void)keep;
	kfree(a);
	kfree(a);
}
END_TEST

START_TEST(test_foreign_pointer_detected)
{
	static char not_heap[8192] __attribute__((aligned(4096)));
	kfree(not_heap + 16);
}
END_TEST

UNIT_SUITE(heap_suite)
Suite *heap_suite(void)
{
	Suite *s = suite_create("heap");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_alloc_free_balances);
	tcase_add_test(tc, test_objects_do_not_overlap);
	tcase_add_test(tc, test_zero_size_and_huge);
	tcase_add_exit_test(tc, test_write_after_free_detected, 99);
	tcase_add_exit_test(tc, test_double_free_detected, 99);
	tcase_add_exit_test(tc, test_foreign_pointer_detected, 99);
	suite_add_tcase(s, tc);
	return s;
}
