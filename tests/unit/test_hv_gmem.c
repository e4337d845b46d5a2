/* Check unit tests of guest physical memory (gmem), in a booted hosted
 * kernel (regions take pages from the kernel's page allocator). */
#include <hv/gmem.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <string.h>

#include "boot.h"
#include "unit.h"

#undef MiB
#define MiB (1ull << 20)

static int body_add_errors_and_limit(void)
{
	static struct gmem m;
	struct page_stats before, after;

	page_stats(&before);
	gmem_init(&m, 8 * MiB);
	ck_assert_int_eq(gmem_add(&m, 0x1000, 0, GMEM_RAM, "zero"), -EINVAL);
	ck_assert_int_eq(gmem_add(&m, 0x1001, 0x1000, GMEM_RAM, "unaligned"), -EINVAL);
	ck_assert_int_eq(gmem_add(&m, 0x1000, 0x1800, GMEM_RAM, "odd size"), -EINVAL);
	ck_assert_int_eq(gmem_add(&m, ~0ull - 0xfff, 0x2000, GMEM_MMIO, "wraps"), -EINVAL);
	ck_assert_int_eq(gmem_add(&m, 0, 4 * MiB, GMEM_RAM, "low"), 0);
	ck_assert_int_eq(gmem_add(&m, 4 * MiB - 0x1000, 0x2000, GMEM_RAM, "overlap"), -EBUSY);
	ck_assert_int_eq(gmem_add(&m, 4 * MiB, 4 * MiB + 0x1000, GMEM_RAM, "past limit"), -ENOMEM);
	ck_assert_int_eq(gmem_add(&m, 4 * MiB, 3 * MiB, GMEM_ROM, "rom"), 0);
	ck_assert_int_eq(gmem_add(&m, 7 * MiB, 2 * MiB, GMEM_RAM, "past limit"), -ENOMEM);
	ck_assert_int_eq(gmem_add(&m, 0xfee00000, 0x1000, GMEM_MMIO, "lapic"), 0); /* holes cost nothing */
	ck_assert_uint_eq(m.ram_bytes, 7 * MiB);
	for (unsigned i = 3; i < GMEM_MAX_REGIONS; i++)
		ck_assert_int_eq(gmem_add(&m, 0x100000000ull + i * 0x1000ull, 0x1000, GMEM_MMIO, "hole"), 0);
	ck_assert_int_eq(gmem_add(&m, 0x200000000ull, 0x1000, GMEM_MMIO, "full"), -ENOSPC);
	for (unsigned i = 1; i < m.n; i++)
		ck_assert(m.region[i - 1].gpa < m.region[i].gpa);
	ck_assert_int_eq(gmem_remove(&m, 4 * MiB), 0);
	ck_assert_int_eq(gmem_remove(&m, 4 * MiB), -ENOENT);
	ck_assert_uint_eq(m.ram_bytes, 4 * MiB);
	gmem_destroy(&m);
	page_stats(&after);
	ck_assert_uint_eq(after.free_pages, before.free_pages); /* every page came back */
	return 0;
}

START_TEST(test_add_errors_and_limit)
{
	boot_kernel_and_run(body_add_errors_and_limit, 1);
}
END_TEST

static int body_copies_cross_chunks_and_regions(void)
{
	static struct gmem m;
	static uint8_t buf[3 * 4096], back[3 * 4096];
	uint64_t edge = GMEM_CHUNK - 4096 - 100; /* spans chunk 0 -> 1 */

	gmem_init(&m, 0);
	ck_assert_int_eq(gmem_add(&m, 0, 3 * MiB, GMEM_RAM, "ram"), 0); /* 2 chunks, the last 1 MiB */
	ck_assert_int_eq(gmem_add(&m, 3 * MiB, 1 * MiB, GMEM_RAM, "ram2"), 0);
	ck_assert_int_eq(gmem_add(&m, 4 * MiB, 1 * MiB, GMEM_ROM, "rom"), 0);
	ck_assert_int_eq(gmem_add(&m, 5 * MiB, 1 * MiB, GMEM_MMIO, "mmio"), 0);
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	ck_assert_int_eq(gmem_write(&m, edge, buf, sizeof(buf)), 0);
	ck_assert_int_eq(gmem_read(&m, edge, back, sizeof(back)), 0);
	ck_assert_mem_eq(buf, back, sizeof(buf));
	/* The chunk boundary is real: the two sides live in different host blocks. */
	ck_assert_uint_ne(gmem_gpa_to_hpa(&m, GMEM_CHUNK), gmem_gpa_to_hpa(&m, GMEM_CHUNK - 4096) + 4096);
	ck_assert_ptr_null(gmem_map_range(&m, GMEM_CHUNK - 8, 16, false));
	ck_assert_ptr_nonnull(gmem_map_range(&m, GMEM_CHUNK - 16, 16, false));
	ck_assert_int_eq(*(uint8_t *)gmem_map_range(&m, edge, 1, false), buf[0]);
	/* Across two adjacent RAM regions. */
	ck_assert_int_eq(gmem_write(&m, 3 * MiB - 4096, buf, 8192), 0);
	ck_assert_int_eq(gmem_read(&m, 3 * MiB - 4096, back, 8192), 0);
	ck_assert_mem_eq(buf, back, 8192);
	/* ROM: readable, only the loader writes it. */
	ck_assert_int_eq(gmem_write(&m, 4 * MiB, buf, 16), -EFAULT);
	ck_assert_int_eq(gmem_write(&m, 4 * MiB - 8, buf, 16), -EFAULT); /* partly RAM: nothing written */
	memset(back, 0, 16);
	ck_assert_int_eq(gmem_read(&m, 4 * MiB - 8, back, 8), 0);
	ck_assert_mem_eq(back, (uint8_t[8]){0}, 8);
	ck_assert_int_eq(gmem_write_rom(&m, 4 * MiB, buf, 16), 0);
	ck_assert_int_eq(gmem_read(&m, 4 * MiB, back, 16), 0);
	ck_assert_mem_eq(buf, back, 16);
	ck_assert_ptr_nonnull(gmem_map_range(&m, 4 * MiB, 16, false));
	ck_assert_ptr_null(gmem_map_range(&m, 4 * MiB, 16, true));
	/* MMIO and beyond: faults. */
	ck_assert_int_eq(gmem_read(&m, 5 * MiB, back, 1), -EFAULT);
	ck_assert_int_eq(gmem_read(&m, 5 * MiB - 1, back, 2), -EFAULT);
	ck_assert_int_eq(gmem_read(&m, 64 * MiB, back, 1), -EFAULT);
	ck_assert_int_eq(gmem_read(&m, ~0ull, back, 2), -EFAULT);
	ck_assert_uint_eq(gmem_gpa_to_hpa(&m, 5 * MiB), 0);
	ck_assert_ptr_null(gmem_map_range(&m, 5 * MiB, 1, false));
	gmem_destroy(&m);
	return 0;
}

START_TEST(test_copies_cross_chunks_and_regions)
{
	boot_kernel_and_run(body_copies_cross_chunks_and_regions, 1);
}
END_TEST

static int body_dirty_tracking(void)
{
	static struct gmem m;
	uint64_t bits[8];
	unsigned rom_idx = 1;

	gmem_init(&m, 0);
	ck_assert_int_eq(gmem_add(&m, 0, 1 * MiB, GMEM_RAM, "ram"), 0); /* 256 pages: 4 words */
	ck_assert_int_eq(gmem_add(&m, 1 * MiB, 64 * 1024, GMEM_ROM, "rom"), 0);
	ck_assert_int_eq(gmem_dirty_take(&m, 0, bits, 8), 0);
	ck_assert_int_eq(gmem_write(&m, 4096 - 1, "ab", 2), 0); /* pages 0 and 1 */
	ck_assert_ptr_nonnull(gmem_map_range(&m, 65 * 4096, 10, true));
	ck_assert_ptr_nonnull(gmem_map_range(&m, 66 * 4096, 10, false)); /* read mapping: clean */
	gmem_dirty_mark(&m, 255 * 4096, 4096);
	gmem_dirty_mark(&m, 300 * 4096, 4096);                      /* ROM: no bitmap, ignored */
	ck_assert_int_eq(gmem_dirty_take(&m, 0, bits, 3), -EINVAL); /* too small */
	ck_assert_int_eq(gmem_dirty_take(&m, 0, bits, 4), 4);
	ck_assert_uint_eq(bits[0], 3);
	ck_assert_uint_eq(bits[1], 2);
	ck_assert_uint_eq(bits[2], 0);
	ck_assert_uint_eq(bits[3], 1ull << 63);
	ck_assert_int_eq(gmem_dirty_take(&m, 0, bits, 4), 0); /* taking cleared it */
	ck_assert_int_eq(gmem_dirty_take(&m, rom_idx, bits, 4), -EINVAL);
	ck_assert_int_eq(gmem_dirty_take(&m, 7, bits, 4), -EINVAL);
	gmem_destroy(&m);
	return 0;
}

START_TEST(test_dirty_tracking)
{
	boot_kernel_and_run(body_dirty_tracking, 1);
}
END_TEST

UNIT_SUITE(hv_gmem_suite)
Suite *hv_gmem_suite(void)
{
	Suite *s = suite_create("hv_gmem");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_exit_test(tc, test_add_errors_and_limit, 0);
	tcase_add_exit_test(tc, test_copies_cross_chunks_and_regions, 0);
	tcase_add_exit_test(tc, test_dirty_tracking, 0);
	suite_add_tcase(s, tc);
	return s;
}
