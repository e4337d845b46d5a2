/* Check unit tests of the guest page-table walker (x86_walk) on a fake
 * physical memory: 32-bit with 4 MiB PSE-36 pages, PAE, long mode 1 GiB
 * pages, and the U/S, R/W (CR0.WP) and NX checks. */
#include <check.h>
#include <hv/x86/walk.h>
#include <string.h>

#include "unit.h"

static uint8_t phys[1 << 20];

static int rd(void *ctx, uint64_t gpa, void *buf, unsigned size)
{
	(void)ctx;
	if (gpa + size > sizeof(phys))
		return -1;
	memcpy(buf, phys + gpa, size);
	return 0;
}

static void put32(uint64_t a, uint32_t v)
{
	memcpy(phys + a, &v, 4);
}

static void put64(uint64_t a, uint64_t v)
{
	memcpy(phys + a, &v, 8);
}

START_TEST(test_32bit_paging)
{
	struct x86_paging p = {.cr0 = 0x80000001, .cr3 = 0x1000, .cr4 = 0x10, .read_phys = rd};
	uint64_t gpa;
	uint32_t err;

	memset(phys, 0, sizeof(phys));
	put32(0x1000 + 1 * 4, 0x2000 | 7);                       /* 4-8 MiB: page table, user rw */
	put32(0x2000 + 3 * 4, 0x55000 | 5);                      /* 0x403000: user read-only */
	put32(0x1000 + 2 * 4, 0x00c00000 | (0x3u << 13) | 0x83); /* 8 MiB: 4 MiB page, PSE-36 bits */
	ck_assert_int_eq(x86_walk(&p, 0x403abc, 0, &gpa, &err), 0);
	ck_assert_uint_eq(gpa, 0x55abc);
	ck_assert_int_eq(x86_walk(&p, 0x8abcde, 0, &gpa, &err), 0);
	ck_assert_uint_eq(gpa, 0x300c00000ull | 0xabcde);
	/* Supervisor write to a read-only page: allowed without WP, not with. */
	ck_assert_int_eq(x86_walk(&p, 0x403000, X86_ACC_WRITE, &gpa, &err), 0);
	p.cr0 |= 1u << 16;
	ck_assert_int_eq(x86_walk(&p, 0x403000, X86_ACC_WRITE, &gpa, &err), X86_PF_VECTOR);
	ck_assert_uint_eq(err, X86_PF_P | X86_PF_W);
	ck_assert_int_eq(x86_walk(&p, 0x8abcde, X86_ACC_USER, &gpa, &err), X86_PF_VECTOR); /* supervisor page */
	ck_assert_uint_eq(err, X86_PF_P | X86_PF_U);
	ck_assert_int_eq(x86_walk(&p, 0x404000, 0, &gpa, &err), X86_PF_VECTOR); /* not present */
	ck_assert_uint_eq(err, 0);
	p.cr0 &= ~0x80000000ull; /* paging off */
	ck_assert_int_eq(x86_walk(&p, 0x123456789ull, 0, &gpa, &err), 0);
	ck_assert_uint_eq(gpa, 0x23456789);
}
END_TEST

START_TEST(test_pae_and_long_mode)
{
	struct x86_paging p = {.cr0 = 0x80010001, .cr3 = 0x1020, .cr4 = 0x20, .efer = 0x800, .read_phys = rd};
	uint64_t gpa;
	uint32_t err;

	memset(phys, 0, sizeof(phys));
	put64(0x1020 + 1 * 8, 0x3000 | 1);                 /* PDPTE 1: 1-2 GiB */
	put64(0x3000 + 2 * 8, 0x4000 | 3);                 /* PD[2] */
	put64(0x4000 + 5 * 8, 0x77000 | 3 | (1ull << 63)); /* NX page */
	put64(0x3000 + 3 * 8, 0x1800000000ull | 0x83);     /* 2 MiB page above 4 GiB */
	ck_assert_int_eq(x86_walk(&p, 0x40405123, 0, &gpa, &err), 0);
	ck_assert_uint_eq(gpa, 0x77123);
	ck_assert_int_eq(x86_walk(&p, 0x40405123, X86_ACC_FETCH, &gpa, &err), X86_PF_VECTOR);
	ck_assert_uint_eq(err, X86_PF_P | X86_PF_I);
	ck_assert_int_eq(x86_walk(&p, 0x40654321, 0, &gpa, &err), 0);
	ck_assert_uint_eq(gpa, 0x1800054321ull);

	/* Long mode: PML4 at 0x8000, a 1 GiB page at linear 0xffff800040000000. */
	p.cr3 = 0x8000;
	p.efer = 0x500 | 0x800;
	memset(phys, 0, sizeof(phys));
	put64(0x8000 + 256 * 8, 0x9000 | 3);
	put64(0x9000 + 1 * 8, 0x80000000ull | 0x83);
	ck_assert_int_eq(x86_walk(&p, 0xffff800040123456ull, X86_ACC_WRITE, &gpa, &err), 0);
	ck_assert_uint_eq(gpa, 0x80123456ull);
	ck_assert_int_eq(x86_walk(&p, 0xffff800080000000ull, 0, &gpa, &err), X86_PF_VECTOR);
	/* A table outside memory faults rather than reading garbage. */
	put64(0x9000 + 2 * 8, 0x7fff0000000ull | 3);
	ck_assert_int_eq(x86_walk(&p, 0xffff800080000000ull, 0, &gpa, &err), X86_PF_VECTOR);
}
END_TEST

UNIT_SUITE(hv_walk_suite)
Suite *hv_walk_suite(void)
{
	Suite *s = suite_create("hv_walk");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_32bit_paging);
	tcase_add_test(tc, test_pae_and_long_mode);
	suite_add_tcase(s, tc);
	return s;
}
