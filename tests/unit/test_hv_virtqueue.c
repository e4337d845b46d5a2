/* Check tests of the split virtqueue rules one by one, on the virtqueue
 * API itself: each malformed ring or chain gets its own error, so a rule
 * that stopped being checked cannot hide behind another one. */
#include "hv_pci_fixture.h"
#include "unit.h"
#include <hv/dev/virtqueue.h>

#define QS   16
#define RING FIX_RING(0)

static struct virtq Q;
static struct virtq_chain C;

static void vq_setup(void)
{
	uint8_t zero[0x3000] = {0};

	fix_setup();
	g_wr(RING, zero, sizeof(zero));
	virtq_reset(&Q, QS);
	Q.desc = RING;
	Q.avail = RING + 0x1000;
	Q.used = RING + 0x2000;
	Q.indirect = true;
	ck_assert_int_eq(virtq_enable(&Q, &F.mem), 0);
}

static void desc(uint64_t table, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	struct virtq_desc d = {addr, len, flags, next};

	g_wr(table + 16ull * i, &d, sizeof(d));
}

static void avail(uint16_t idx, uint16_t head)
{
	g_wr16(RING + 0x1000 + 4, head);
	g_wr16(RING + 0x1000 + 2, idx);
}

#define N VIRTQ_DESC_F_NEXT
#define W VIRTQ_DESC_F_WRITE
#define I VIRTQ_DESC_F_INDIRECT

START_TEST(test_valid_chain_and_used)
{
	uint32_t e[2];

	desc(RING, 0, FIX_DATA, 16, N, 5);
	desc(RING, 5, FIX_DATA + 0x100, 100, W | N, 7);
	desc(RING, 7, FIX_DATA + 0x200, 1, W, 0);
	avail(1, 0);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), 1);
	ck_assert_uint_eq(C.nout, 1);
	ck_assert_uint_eq(C.nin, 2);
	ck_assert_uint_eq(C.out_len, 16);
	ck_assert_uint_eq(C.in_len, 101);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), 0);
	ck_assert_int_eq(virtq_chain_write(&F.mem, &C, 99, "ab", 2), 0);
	ck_assert_int_eq(virtq_chain_write(&F.mem, &C, 100, "ab", 2), -EFAULT);
	ck_assert_uint_eq(g_rd16(FIX_DATA + 0x100 + 99) & 0xff, 'a');
	ck_assert_int_eq(virtq_push(&Q, &F.mem, 0, 42), 0);
	ck_assert_uint_eq(g_rd16(RING + 0x2000 + 2), 1);
	g_rd(RING + 0x2000 + 4, e, 8);
	ck_assert_uint_eq(e[0], 0);
	ck_assert_uint_eq(e[1], 42);
	ck_assert(virtq_need_interrupt(&Q, &F.mem));
	/* A ring exactly full is fine. */
	for (uint16_t i = 0; i < QS; i++)
		g_wr16(RING + 0x1000 + 4 + 2 * i, 7);
	g_wr16(RING + 0x1000 + 2, 1 + QS);
	for (unsigned i = 0; i < QS; i++)
		ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), 1);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), 0);
}
END_TEST

START_TEST(test_enable_rules)
{
	struct {
		uint16_t size;
		uint64_t d, a, u;
	} bad[] = {
	    {0, RING, RING + 0x1000, RING + 0x2000},           {12, RING, RING + 0x1000, RING + 0x2000},
	    {32, RING, RING + 0x1000, RING + 0x2000},          {QS, RING + 8, RING + 0x1000, RING + 0x2000},
	    {QS, RING, RING + 0x1001, RING + 0x2000},          {QS, RING, RING + 0x1000, RING + 0x2002},
	    {QS, FIX_RAM - 128, RING + 0x1000, RING + 0x2000}, {QS, RING, FIX_RAM - 8, RING + 0x2000},
	    {QS, RING, RING + 0x1000, FIX_RAM - 16},           {QS, RING, RING + 0x1000, ~0ull - 63},
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		virtq_reset(&Q, QS);
		Q.size = bad[i].size;
		Q.desc = bad[i].d;
		Q.avail = bad[i].a;
		Q.used = bad[i].u;
		ck_assert_msg(virtq_enable(&Q, &F.mem) == -EINVAL, "case %u", i);
		ck_assert(!Q.enabled);
		ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), 0);
	}
}
END_TEST

START_TEST(test_chain_rules)
{
	uint64_t t = FIX_DATA + 0x4000;

	/* avail idx more than a ring ahead (head 0 is a fine chain). */
	desc(RING, 0, FIX_DATA, 16, 0, 0);
	avail(QS + 1, 0);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -EINVAL);
	/* Head out of range. */
	avail(1, QS);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -EINVAL);
	/* next out of range. */
	desc(RING, 0, FIX_DATA, 16, N, QS);
	avail(1, 0);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -EINVAL);
	/* A loop, caught by the chain length long before the segment cap. */
	desc(RING, 0, FIX_DATA, 16, N, 1);
	desc(RING, 1, FIX_DATA, 16, N, 0);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -ELOOP);
	/* Write-only before read-only. */
	desc(RING, 0, FIX_DATA, 16, W | N, 1);
	desc(RING, 1, FIX_DATA, 16, 0, 0);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -EINVAL);
	/* Address + length wraps; buffer outside RAM; write into MMIO. */
	desc(RING, 0, ~0ull - 0xff, 0x1000, 0, 0);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -EFAULT);
	desc(RING, 0, FIX_RAM - 8, 16, 0, 0);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -EFAULT);
	desc(RING, 0, FIX_ECAM, 16, W, 0);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -EFAULT);
	/* Indirect tables. */
	desc(t, 0, FIX_DATA, 16, N, 1);
	desc(t, 1, FIX_DATA + 0x100, 1, W, 0);
	desc(RING, 0, t, 32, I, 0);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), 1); /* fine */
	ck_assert_uint_eq(C.nout + C.nin, 2);
	avail(2, 0);
	desc(RING, 0, t, 24, I, 0); /* not a multiple of 16 */
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -EINVAL);
	desc(RING, 0, t, 0, I, 0); /* empty */
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -EINVAL);
	desc(RING, 0, t, 32, I | N, 1); /* indirect + NEXT */
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -EINVAL);
	desc(RING, 0, t, 16 * (VIRTQ_MAX_SEGS + 1), I, 0); /* too long */
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -EINVAL);
	desc(RING, 0, FIX_RAM - 16, 32, I, 0); /* table past RAM */
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -EFAULT);
	desc(t, 1, t, 32, I, 0); /* nested */
	desc(RING, 0, t, 32, I, 0);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -EINVAL);
	desc(t, 1, FIX_DATA, 16, N, 0); /* loop inside the table */
	desc(t, 0, FIX_DATA, 16, N, 1);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -ELOOP);
	desc(t, 1, FIX_DATA, 16, N, 2); /* next past the table */
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -EINVAL);
	desc(t, 1, FIX_DATA + 0x100, 1, W, 0);
	Q.indirect = false; /* not negotiated */
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), -EINVAL);
	/* Every failure left the ring where it was. */
	ck_assert_uint_eq(Q.last_avail, 1);
	ck_assert_uint_eq(g_rd16(RING + 0x2000 + 2), 0);
}
END_TEST

START_TEST(test_interrupt_suppression)
{
	desc(RING, 0, FIX_DATA, 16, 0, 0);
	avail(1, 0);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), 1);
	ck_assert_int_eq(virtq_push(&Q, &F.mem, 0, 0), 0);
	g_wr16(RING + 0x1000, VIRTQ_AVAIL_F_NO_INTERRUPT);
	ck_assert(!virtq_need_interrupt(&Q, &F.mem));
	g_wr16(RING + 0x1000, 0);
	ck_assert(virtq_need_interrupt(&Q, &F.mem));
	/* EVENT_IDX: used_event = 2 wants the interrupt when idx passes 2. */
	Q.event_idx = true;
	g_wr16(RING + 0x1000 + 4 + 2 * QS, 2);
	ck_assert(virtq_need_interrupt(&Q, &F.mem)); /* the first one always */
	virtq_push(&Q, &F.mem, 0, 0);                /* idx 2 */
	ck_assert(!virtq_need_interrupt(&Q, &F.mem));
	virtq_push(&Q, &F.mem, 0, 0); /* idx 3: crossed 2 */
	ck_assert(virtq_need_interrupt(&Q, &F.mem));
	virtq_push(&Q, &F.mem, 0, 0);
	ck_assert(!virtq_need_interrupt(&Q, &F.mem));
	/* avail_event follows what the device consumed. */
	avail(2, 0);
	ck_assert_int_eq(virtq_pop(&Q, &F.mem, &C), 1);
	ck_assert_uint_eq(g_rd16(RING + 0x2000 + 4 + 8 * QS), 2);
}
END_TEST

UNIT_SUITE(hv_virtqueue_suite)
Suite *hv_virtqueue_suite(void)
{
	Suite *s = suite_create("hv_virtqueue");
	TCase *tc = tcase_create("rules");

	tcase_add_checked_fixture(tc, vq_setup, fix_teardown);
	tcase_add_test(tc, test_valid_chain_and_used);
	tcase_add_test(tc, test_enable_rules);
	tcase_add_test(tc, test_chain_rules);
	tcase_add_test(tc, test_interrupt_suppression);
	suite_add_tcase(s, tc);
	return s;
}
