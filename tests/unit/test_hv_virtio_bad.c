/* Check tests of a malicious virtio driver: each rule the virtqueue code
 * enforces gets a driver that breaks it. Expected: DEVICE_NEEDS_RESET with
 * a config interrupt, nothing processed or written outside the buffers,
 * and a working device again after a reset. Then 10,000 rounds of random
 * config, BAR, MSI-X and ring writes with notifications must not crash. */
#include "hv_virtio_fixture.h"
#include "unit.h"

#define GUARD     (FIX_DATA + 0x8000)
#define GUARD_LEN 0x8000

static struct virtio_blk *blk;
static struct drv D;
static unsigned slot;

static void bad_setup(void)
{
	uint8_t g[GUARD_LEN];

	fix_setup();
	memset(&B, 0, sizeof(B));
	ck_assert_int_eq(virtio_blk_create(&F.host, &F.mem, &disk_be, &blk), 0);
	slot = virtio_blk_pci(blk)->slot;
	memset(g, 0xa5, sizeof(g));
	g_wr(GUARD, g, sizeof(g));
}

static void bad_teardown(void)
{
	virtio_blk_destroy(blk);
	fix_teardown();
}

/* Everything up to the queues: features, MSI-X with config vector 0. */
static void init_until_queues(uint64_t features)
{
	unsigned c = find_cap(slot, PCI_CAP_ID_MSIX);
	uint64_t table = bar_addr(slot, VIRTIO_PCI_MSIX_BAR);

	drv_find(&D, slot);
	D.nq = 1;
	drv_set_status(&D, 0);
	drv_set_status(&D, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	drv_write_features(&D, drv_device_features(&D) & features);
	drv_set_status(&D, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	for (unsigned v = 0; v < 2; v++) {
		mmio_wr(table + 16 * v, 8, 0xfee00000u);
		mmio_wr(table + 16 * v + 8, 4, 0x40 + v);
		mmio_wr(table + 16 * v + 12, 4, 0);
	}
	cfg_wr(slot, c + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	mmio_wr(D.common + VIRTIO_PCI_COMMON_MSIX, 2, 0);
}

static void set_queue(uint16_t size, uint64_t desc, uint64_t avail, uint64_t used)
{
	mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_SELECT, 2, 0);
	mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_SIZE, 2, size);
	mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_MSIX, 2, 1);
	mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_DESCLO, 4, (uint32_t)desc);
	mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_DESCHI, 4, (uint32_t)(desc >> 32));
	mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_AVAILLO, 4, (uint32_t)avail);
	mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_AVAILHI, 4, (uint32_t)(avail >> 32));
	mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_USEDLO, 4, (uint32_t)used);
	mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_USEDHI, 4, (uint32_t)(used >> 32));
	mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_ENABLE, 2, 1);
}

static void ring_case(uint16_t size, uint64_t desc, uint64_t avail, uint64_t used)
{
	init_until_queues(FEAT_ALL);
	set_queue(size, desc, avail, used);
}

static void live(uint64_t features)
{
	memset(&D, 0, sizeof(D));
	drv_init(&D, slot, features, 1, true);
	memset(&B, 0, sizeof(B));
	F.nmsi = 0;
}

static uint8_t hdr_in[16] = {VIRTIO_BLK_T_IN};

/* Makes `n` descriptors (already written) at head 0 available and kicks. */
static void kick_head(uint16_t head)
{
	g_wr16(FIX_RING(0) + 0x1000 + 4, head);
	g_wr16(FIX_RING(0) + 0x1000 + 2, 1);
	drv_kick(&D, 0);
}

static void indirect_case(uint32_t len, uint16_t flags, uint16_t inner_flags, uint64_t features)
{
	live(features);
	g_wr(FIX_DATA, hdr_in, 16);
	drv_desc(0, 0, FIX_DATA + 0x3000, len, flags, 1);
	/* The table: header, then a (possibly bad) entry, then status. */
	struct virtq_desc t[3] = {{FIX_DATA, 16, VIRTQ_DESC_F_NEXT, 1},
	                          {FIX_DATA + 0x1000, 512, inner_flags, 2},
	                          {FIX_DATA + 0x100, 1, VIRTQ_DESC_F_WRITE, 0}};
	g_wr(FIX_DATA + 0x3000, t, sizeof(t));
	kick_head(0);
}

static void chain2(uint64_t a0, uint32_t l0, uint16_t f0, uint16_t n0, uint64_t a1, uint32_t l1, uint16_t f1)
{
	live(FEAT_ALL);
	g_wr(FIX_DATA, hdr_in, 16);
	drv_desc(0, 0, a0, l0, f0, n0);
	drv_desc(0, 1, a1, l1, f1, 0);
	kick_head(0);
}

#define W VIRTQ_DESC_F_WRITE
#define N VIRTQ_DESC_F_NEXT
#define I VIRTQ_DESC_F_INDIRECT

static void run_case(int i)
{
	switch (i) {
	case 0: ring_case(100, FIX_RING(0), FIX_RING(0) + 0x1000, FIX_RING(0) + 0x2000); break; /* not 2^n */
	case 1: ring_case(512, FIX_RING(0), FIX_RING(0) + 0x1000, FIX_RING(0) + 0x2000); break; /* > max */
	case 2: ring_case(0, FIX_RING(0), FIX_RING(0) + 0x1000, FIX_RING(0) + 0x2000); break;
	case 3: ring_case(256, 0x10000000, FIX_RING(0) + 0x1000, FIX_RING(0) + 0x2000); break;      /* outside RAM */
	case 4: ring_case(256, FIX_RING(0) + 8, FIX_RING(0) + 0x1000, FIX_RING(0) + 0x2000); break; /* misaligned */
	case 5: ring_case(256, FIX_RING(0), FIX_RING(0) + 0x1000, FIX_RAM - 16); break; /* used past RAM end */
	case 6: ring_case(256, FIX_RING(0), FIX_RING(0) + 0x1000, FIX_ECAM); break;     /* used in MMIO */
	case 7: /* avail idx runs more than a ring ahead */
		live(FEAT_ALL);
		g_wr16(FIX_RING(0) + 0x1000 + 2, 257);
		drv_kick(&D, 0);
		break;
	case 8: /* head index out of range */
		live(FEAT_ALL);
		kick_head(256);
		break;
	case 9: chain2(FIX_DATA, 16, N, 300, FIX_DATA + 0x100, 1, W); break;    /* next out of range */
	case 10: chain2(FIX_DATA, 16, N, 1, FIX_DATA + 0x100, 1, W | N); break; /* 1 -> 0 -> 1 loop */
	case 11: chain2(FIX_DATA + 0x100, 1, W | N, 1, FIX_DATA, 16, 0); break; /* write before read */
	case 12: chain2(FIX_DATA, 16, N, 1, ~0ull - 0xfff, 0x2000, W); break;   /* address + length wraps */
	case 13: chain2(FIX_DATA, 16, N, 1, FIX_RAM - 0x100, 0x200, W); break;  /* buffer past RAM end */
	case 14: chain2(FIX_DATA, 16, N, 1, FIX_ECAM, 0x10, W); break;          /* buffer in MMIO */
	case 15: indirect_case(40, I, W | N, FEAT_ALL); break;                  /* length not 16n */
	case 16: indirect_case(48, I, I | N, FEAT_ALL); break;                  /* nested indirect */
	case 17: indirect_case(48, I | N, W | N, FEAT_ALL); break;              /* indirect + NEXT */
	case 18: indirect_case(48, I, W | N, FEAT_ALL & ~VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)); break;
	case 19: indirect_case(0, I, W | N, FEAT_ALL); break;              /* empty table */
	case 20: indirect_case(16 * 4096, I, W | N, FEAT_ALL); break;      /* table too long */
	case 21: chain2(FIX_DATA, 16, 0, 0, 0, 0, 0); break;               /* no status byte */
	case 22: chain2(FIX_DATA, 8, N, 1, FIX_DATA + 0x100, 1, W); break; /* short header */
	case 23: chain2(FIX_DATA, 16, N, 1, 0x10000000, 1, W); break;      /* status outside RAM */
	case 24: { /* a full-ring chain that loops through every descriptor */
		live(FEAT_ALL);
		for (uint16_t k = 0; k < 256; k++)
			drv_desc(0, k, FIX_DATA, 16, N, (uint16_t)((k + 1) % 256));
		kick_head(0);
		break;
	}
	default: ck_abort();
	}
}

#define NCASES 25

START_TEST(test_malicious_driver)
{
	uint8_t g[GUARD_LEN], want[GUARD_LEN];
	uint16_t used_before;

	run_case(_i);
	ck_assert_msg(drv_status(&D) & VIRTIO_STATUS_DEVICE_NEEDS_RESET, "case %d: no DEVICE_NEEDS_RESET", _i);
	/* The config vector told the driver. */
	ck_assert_uint_ge(F.nmsi, 1);
	ck_assert_uint_eq(F.msi_data[F.nmsi - 1], 0x40);
	/* Nothing went to the disk or outside the buffers. */
	ck_assert_uint_eq(B.disk_ops, 0);
	memset(want, 0xa5, sizeof(want));
	g_rd(GUARD, g, sizeof(g));
	ck_assert_mem_eq(g, want, sizeof(g));
	/* A broken device ignores further kicks... */
	used_before = used_idx(0);
	drv_kick(&D, 0);
	ck_assert_uint_eq(used_idx(0), used_before);
	/* ... until a reset brings it back. */
	memset(&D, 0, sizeof(D));
	drv_init(&D, slot, FEAT_ALL, 1, true);
	ck_assert(!(drv_status(&D) & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
	blk_req(&D, VIRTIO_BLK_T_IN, 0, 512, false);
	ck_assert_uint_eq(used_idx(0), 1);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_OK);
}
END_TEST

/* Random device pokes from a fixed seed. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct victim {
	struct hv_pci_dev *pci;
	uint32_t bars[6];
	unsigned nq;
};

/* Puts back decode and BARs, then runs the init sequence without asserts
 * (a random write may have left the device in any state). */
static void rand_reinit(const struct victim *v)
{
	unsigned s = v->pci->slot;

	for (unsigned b = 0; b < 6; b++)
		cfg_wr(s, PCI_BASE_ADDRESS_0 + 4 * b, 4, v->bars[b]);
	cfg_wr(s, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	memset(&D, 0, sizeof(D));
	drv_find(&D, s);
	drv_set_status(&D, 0);
	drv_set_status(&D, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	drv_write_features(&D, drv_device_features(&D) & rnd());
	drv_write_features(&D, (drv_device_features(&D) & rnd()) | VIRTIO_BIT(VIRTIO_F_VERSION_1));
	drv_set_status(&D, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	for (unsigned q = 0; q < v->nq; q++) {
		mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_SELECT, 2, q);
		mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_SIZE, 2, 1u << (rnd() % 9));
		mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_MSIX, 2, rnd() % 4);
		mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_DESCLO, 4, (uint32_t)FIX_RING(q));
		mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_AVAILLO, 4, (uint32_t)FIX_RING(q) + 0x1000);
		mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_USEDLO, 4, (uint32_t)FIX_RING(q) + 0x2000);
		mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_ENABLE, 2, 1);
	}
	drv_set_status(&D, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
	                       VIRTIO_STATUS_DRIVER_OK);
}

/* A descriptor that mostly points into RAM, sometimes anywhere. */
static void rand_desc(unsigned q)
{
	struct virtq_desc d;
	uint64_t r = rnd();

	d.addr = (r & 3) ? FIX_DATA + rnd() % 0x8000 : rnd();
	d.len = (r & 4) ? (uint32_t)(rnd() % 0x2000) : (uint32_t)rnd();
	d.flags = (uint16_t)(rnd() % 8);
	d.next = (uint16_t)((r & 8) ? rnd() % 16 : rnd());
	g_wr(FIX_RING(q) + 16 * (rnd() % 16), &d, sizeof(d));
}

START_TEST(test_random_pokes)
{
	struct virtio_net *net;
	struct virtio_console *con;
	struct victim v[3];
	uint8_t junk[64];

	ck_assert_int_eq(virtio_net_create(&F.host, &F.mem, &net_be, &net), 0);
	ck_assert_int_eq(virtio_console_create(&F.host, &F.mem, &chr_be, &con), 0);
	v[0].pci = virtio_blk_pci(blk);
	v[0].nq = 1;
	v[1].pci = virtio_net_pci(net);
	v[1].nq = 2;
	v[2].pci = virtio_console_pci(con);
	v[2].nq = 2;
	for (unsigned k = 0; k < 3; k++)
		for (unsigned b = 0; b < 6; b++)
			v[k].bars[b] = cfg_rd(v[k].pci->slot, PCI_BASE_ADDRESS_0 + 4 * b, 4);
	for (unsigned it = 0; it < 10000; it++) {
		const struct victim *x = &v[rnd() % 3];
		unsigned s = x->pci->slot, op = rnd() % 100, q = rnd() % 2;
		uint64_t bar = bar_addr(s, VIRTIO_PCI_BAR);
		unsigned size = 1u << (rnd() % 3);

		if (op < 8) {
			unsigned off = rnd() % 256;

			cfg_wr(s, off & ~(size - 1), size, (uint32_t)rnd());
		} else if (op < 10) {
			mmio_wr(FIX_ECAM + PCI_ECAM_OFFSET(0, rnd() % 32, rnd() % 8, rnd() % 4096), size, rnd());
		} else if (op < 30) {
			uint64_t off = (rnd() & 1) ? rnd() % VIRTIO_PCI_COMMON_SIZEOF : rnd() % VIRTIO_PCI_BAR_SIZE;

			if (rnd() & 1)
				mmio_wr(bar + (off & ~(uint64_t)(size - 1)), size, rnd());
			else
				mmio_rd(bar + off, size);
		} else if (op < 35) {
			mmio_wr(bar_addr(s, VIRTIO_PCI_MSIX_BAR) + rnd() % 0x1000, 4, rnd());
		} else if (op < 55) {
			rand_desc(q);
		} else if (op < 65) {
			uint64_t off = 0x1000 + ((rnd() & 1) ? 0x1000 : 0) + rnd() % 0x800;

			for (unsigned i = 0; i < sizeof(junk); i++)
				junk[i] = (uint8_t)rnd();
			g_wr(FIX_RING(q) + off, junk, 1 + rnd() % 8);
		} else if (op < 70) {
			g_wr16(FIX_RING(q) + 0x1000 + 2, (uint16_t)rnd());
		} else if (op < 85) {
			mmio_wr(bar + VIRTIO_PCI_NOTIFY_OFF + 4 * (rnd() % 4), 2, rnd());
		} else if (op < 90) {
			for (unsigned i = 0; i < sizeof(junk); i++)
				junk[i] = (uint8_t)rnd();
			virtio_net_receive(net, junk, 14 + rnd() % 50);
			virtio_console_receive(con, junk, rnd() % sizeof(junk));
		} else if (op < 92) {
			mmio_rd(bar + VIRTIO_PCI_ISR_OFF, 1);
		} else {
			rand_reinit(x);
		}
	}
	/* The devices still answer a proper driver. */
	rand_reinit(&v[0]);
	memset(&D, 0, sizeof(D));
	drv_init(&D, slot, FEAT_ALL, 1, true);
	blk_req(&D, VIRTIO_BLK_T_IN, 0, 512, false);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_OK);
	virtio_net_destroy(net);
	virtio_console_destroy(con);
}
END_TEST

UNIT_SUITE(hv_virtio_bad_suite)
Suite *hv_virtio_bad_suite(void)
{
	Suite *s = suite_create("hv_virtio_bad");
	TCase *tc = tcase_create("malicious");

	tcase_add_checked_fixture(tc, bad_setup, bad_teardown);
	tcase_add_loop_test(tc, test_malicious_driver, 0, NCASES);
	tcase_add_test(tc, test_random_pokes);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
