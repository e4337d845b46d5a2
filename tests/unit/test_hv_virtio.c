/* Check tests of the virtio devices driven as a guest driver would: the
 * init sequence, feature negotiation, virtio-blk I/O against a RAM disk,
 * virtio-net and virtio-console in both directions, interrupts (MSI-X and
 * INTx/ISR, suppression), indirect chains, the PCI cfg window and reset. */
#include "hv_virtio_fixture.h"
#include "unit.h"

static struct virtio_blk *blk;
static struct drv D;

static void blk_setup(void)
{
	fix_setup();
	memset(&B, 0, sizeof(B));
	for (unsigned i = 0; i < DISK_BYTES; i++)
		B.disk[i] = (uint8_t)(i * 7 + i / 512);
	ck_assert_int_eq(virtio_blk_create(&F.host, &F.mem, &disk_be, &blk), 0);
}

static void blk_teardown(void)
{
	virtio_blk_destroy(blk);
	fix_teardown();
}

START_TEST(test_blk_identity_and_config)
{
	unsigned s = virtio_blk_pci(blk)->slot;
	uint64_t f;

	ck_assert_uint_eq(cfg_rd(s, PCI_VENDOR_ID, 2), 0x1af4);
	ck_assert_uint_eq(cfg_rd(s, PCI_DEVICE_ID, 2), 0x1042);
	ck_assert_uint_eq(cfg_rd(s, PCI_REVISION_ID, 1), 1);
	ck_assert_uint_ge(cfg_rd(s, PCI_SUBSYSTEM_ID, 2), 0x40);
	drv_find(&D, s);
	f = drv_device_features(&D);
	ck_assert(f & VIRTIO_BIT(VIRTIO_F_VERSION_1));
	ck_assert(f & VIRTIO_BIT(VIRTIO_BLK_F_FLUSH));
	ck_assert(f & VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE));
	ck_assert(!(f & VIRTIO_BIT(VIRTIO_BLK_F_RO)));
	ck_assert_uint_eq(mmio_rd(D.device + VIRTIO_BLK_CFG_CAPACITY, 8), DISK_BYTES / 512);
	ck_assert_uint_eq(mmio_rd(D.device + VIRTIO_BLK_CFG_CAPACITY + 4, 4), 0);
	ck_assert_uint_eq(mmio_rd(D.device + VIRTIO_BLK_CFG_BLK_SIZE, 4), 512);
	ck_assert_uint_eq(mmio_rd(D.device + VIRTIO_BLK_CFG_SEG_MAX, 4), VIRTIO_BLK_QUEUE_SIZE - 2);
	ck_assert_uint_eq(mmio_rd(D.common + VIRTIO_PCI_COMMON_NUMQ, 2), 1);
	ck_assert_uint_eq(D.notify_mult, VIRTIO_PCI_NOTIFY_MULT);
}
END_TEST

START_TEST(test_feature_negotiation)
{
	drv_find(&D, virtio_blk_pci(blk)->slot);
	drv_set_status(&D, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	/* No VERSION_1: FEATURES_OK does not stick. */
	drv_write_features(&D, VIRTIO_BIT(VIRTIO_BLK_F_FLUSH));
	drv_set_status(&D, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	ck_assert(!(drv_status(&D) & VIRTIO_STATUS_FEATURES_OK));
	/* A feature the device never offered: refused too. */
	drv_write_features(&D, VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_RING_PACKED));
	drv_set_status(&D, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	ck_assert(!(drv_status(&D) & VIRTIO_STATUS_FEATURES_OK));
	/* DRIVER_OK without FEATURES_OK is refused. */
	drv_set_status(&D, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
	ck_assert(!(drv_status(&D) & VIRTIO_STATUS_DRIVER_OK));
	drv_write_features(&D, VIRTIO_BIT(VIRTIO_F_VERSION_1));
	drv_set_status(&D, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	ck_assert(drv_status(&D) & VIRTIO_STATUS_FEATURES_OK);
	/* Features are frozen after FEATURES_OK. */
	drv_write_features(&D, VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH));
	mmio_wr(D.common + VIRTIO_PCI_COMMON_GFSELECT, 4, 0);
	ck_assert_uint_eq(mmio_rd(D.common + VIRTIO_PCI_COMMON_GF, 4), 0);
	/* Clearing bits is not how a driver resets; only 0 is. */
	drv_set_status(&D, VIRTIO_STATUS_ACKNOWLEDGE);
	ck_assert(drv_status(&D) & VIRTIO_STATUS_FEATURES_OK);
	drv_set_status(&D, 0);
	ck_assert_uint_eq(drv_status(&D), 0);
	mmio_wr(D.common + VIRTIO_PCI_COMMON_GFSELECT, 4, 1);
	ck_assert_uint_eq(mmio_rd(D.common + VIRTIO_PCI_COMMON_GF, 4), 0);
}
END_TEST

START_TEST(test_blk_write_read_flush)
{
	uint8_t buf[4096], back[4096];
	uint32_t id, len;

	drv_init(&D, virtio_blk_pci(blk)->slot, FEAT_ALL, 1, true);
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i ^ 0x5a);
	g_wr(FIX_DATA + 0x1000, buf, sizeof(buf));
	blk_req(&D, VIRTIO_BLK_T_OUT, 3, 4096, true);
	ck_assert_uint_eq(used_idx(0), 1);
	used_elem(&D, 0, 0, &id, &len);
	ck_assert_uint_eq(id, 0);
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_OK);
	ck_assert_mem_eq(B.disk + 3 * 512, buf, sizeof(buf));
	/* MSI-X vector 1 (queue 0) fired. */
	ck_assert_uint_eq(F.nmsi, 1);
	ck_assert_uint_eq(F.msi_data[0], 0x41);

	memset(back, 0, sizeof(back));
	g_wr(FIX_DATA + 0x1000, back, sizeof(back));
	blk_req(&D, VIRTIO_BLK_T_IN, 3, 4096, false);
	ck_assert_uint_eq(used_idx(0), 2);
	used_elem(&D, 0, 1, &id, &len);
	ck_assert_uint_eq(len, 4097);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_OK);
	g_rd(FIX_DATA + 0x1000, back, sizeof(back));
	ck_assert_mem_eq(back, buf, sizeof(buf));
	/* The last sector reads; one past it is an I/O error. */
	blk_req(&D, VIRTIO_BLK_T_IN, DISK_BYTES / 512 - 1, 512, false);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_OK);
	g_rd(FIX_DATA + 0x1000, back, 512);
	ck_assert_mem_eq(back, B.disk + DISK_BYTES - 512, 512);
	blk_req(&D, VIRTIO_BLK_T_IN, DISK_BYTES / 512 - 1, 1024, false);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_IOERR);
	blk_req(&D, VIRTIO_BLK_T_OUT, ~0ull / 256, 512, false);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_IOERR);
	/* Not a whole number of sectors. */
	blk_req(&D, VIRTIO_BLK_T_IN, 0, 100, false);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_IOERR);
	/* Flush, GET_ID, an unknown type. */
	blk_req(&D, VIRTIO_BLK_T_FLUSH, 0, 0, false);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(B.flushes, 1);
	blk_req(&D, VIRTIO_BLK_T_GET_ID, 0, 20, false);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_OK);
	g_rd(FIX_DATA + 0x1000, back, 20);
	ck_assert_mem_eq(back, VIRTIO_BLK_SERIAL, sizeof(VIRTIO_BLK_SERIAL));
	blk_req(&D, 77, 0, 0, false);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_UNSUPP);
	blk_req(&D, VIRTIO_BLK_T_DISCARD, 0, 0, false);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_UNSUPP);
	ck_assert_uint_eq(used_idx(0), 10);
	ck_assert(!(drv_status(&D) & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
}
END_TEST

START_TEST(test_blk_read_only)
{
	struct virtio_blk *ro;
	struct drv d;

	ck_assert_int_eq(virtio_blk_create(&F.host, &F.mem, &disk_ro_be, &ro), 0);
	drv_find(&d, virtio_blk_pci(ro)->slot);
	ck_assert(drv_device_features(&d) & VIRTIO_BIT(VIRTIO_BLK_F_RO));
	ck_assert(!(drv_device_features(&d) & VIRTIO_BIT(VIRTIO_BLK_F_FLUSH)));
	drv_init(&d, virtio_blk_pci(ro)->slot, FEAT_ALL, 1, false);
	memcpy(B.disk, "original", 8);
	g_wr(FIX_DATA + 0x1000, "changed!", 8);
	blk_req(&d, VIRTIO_BLK_T_OUT, 0, 512, false);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_IOERR);
	ck_assert_mem_eq(B.disk, "original", 8);
	blk_req(&d, VIRTIO_BLK_T_FLUSH, 0, 0, false);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_UNSUPP);
	blk_req(&d, VIRTIO_BLK_T_IN, 0, 512, false);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_OK);
	virtio_blk_destroy(ro);
}
END_TEST

START_TEST(test_blk_intx_and_isr)
{
	unsigned s = virtio_blk_pci(blk)->slot, gsi = hv_pci_intx_gsi(s, 1);

	drv_init(&D, s, FEAT_ALL & ~VIRTIO_BIT(VIRTIO_F_EVENT_IDX), 1, false);
	blk_req(&D, VIRTIO_BLK_T_IN, 0, 512, false);
	ck_assert(F.gsi[gsi]);
	ck_assert_uint_eq(F.nmsi, 0);
	ck_assert_uint_eq(mmio_rd(D.isr, 1), VIRTIO_PCI_ISR_QUEUE);
	ck_assert(!F.gsi[gsi]);
	ck_assert_uint_eq(mmio_rd(D.isr, 1), 0);
	/* VIRTQ_AVAIL_F_NO_INTERRUPT suppresses the interrupt. */
	g_wr16(FIX_RING(0) + 0x1000, VIRTQ_AVAIL_F_NO_INTERRUPT);
	blk_req(&D, VIRTIO_BLK_T_IN, 0, 512, false);
	ck_assert_uint_eq(used_idx(0), 2);
	ck_assert(!F.gsi[gsi]);
	ck_assert_uint_eq(mmio_rd(D.isr, 1), 0);
}
END_TEST

START_TEST(test_blk_event_idx)
{
	uint64_t f = drv_init(&D, virtio_blk_pci(blk)->slot, FEAT_ALL, 1, true);
	uint64_t used_event = FIX_RING(0) + 0x1000 + 4 + 2ull * D.qsize[0];
	uint64_t avail_event = FIX_RING(0) + 0x2000 + 4 + 8ull * D.qsize[0];

	ck_assert(f & VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	/* used_event 0: interrupt after the first completion only. */
	g_wr16(used_event, 0);
	blk_req(&D, VIRTIO_BLK_T_IN, 0, 512, false);
	ck_assert_uint_eq(F.nmsi, 1);
	blk_req(&D, VIRTIO_BLK_T_IN, 0, 512, false);
	ck_assert_uint_eq(F.nmsi, 1);
	/* The device publishes where it wants the next kick. */
	ck_assert_uint_eq(g_rd16(avail_event), 2);
	/* Asking for an interrupt at entry 2 (the third completion). */
	g_wr16(used_event, 2);
	blk_req(&D, VIRTIO_BLK_T_IN, 0, 512, false);
	ck_assert_uint_eq(F.nmsi, 2);
}
END_TEST

START_TEST(test_blk_indirect)
{
	struct virtq_desc t[4] = {
	    {FIX_DATA, 16, VIRTQ_DESC_F_NEXT, 1},
	    {FIX_DATA + 0x1000, 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2},
	    {FIX_DATA + 0x1200, 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3},
	    {FIX_DATA + 0x100, 1, VIRTQ_DESC_F_WRITE, 0},
	};
	uint8_t hdr[16] = {VIRTIO_BLK_T_IN, 0, 0, 0, 0, 0, 0, 0, 2}, back[1024];
	struct seg s = {FIX_DATA + 0x3000, sizeof(t), false};
	uint16_t head;

	drv_init(&D, virtio_blk_pci(blk)->slot, FEAT_ALL, 1, true);
	g_wr(FIX_DATA, hdr, sizeof(hdr));
	g_wr(FIX_DATA + 0x3000, t, sizeof(t));
	head = drv_add(&D, 0, &s, 1);
	drv_desc(0, head, FIX_DATA + 0x3000, sizeof(t), VIRTQ_DESC_F_INDIRECT, 0);
	drv_kick(&D, 0);
	ck_assert_uint_eq(used_idx(0), 1);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_OK);
	g_rd(FIX_DATA + 0x1000, back, sizeof(back));
	ck_assert_mem_eq(back, B.disk + 1024, sizeof(back));
}
END_TEST

START_TEST(test_pci_cfg_window_and_reset)
{
	unsigned s = virtio_blk_pci(blk)->slot, c;
	uint64_t dummy;

	drv_init(&D, s, FEAT_ALL, 1, true);
	c = find_vcap(s, VIRTIO_PCI_CAP_PCI_CFG, &dummy);
	ck_assert_uint_ne(c, 0);
	/* num_queues through the window. */
	cfg_wr(s, c + VIRTIO_PCI_CAP_BAR, 1, VIRTIO_PCI_BAR);
	cfg_wr(s, c + VIRTIO_PCI_CAP_OFFSET, 4, VIRTIO_PCI_COMMON_NUMQ);
	cfg_wr(s, c + VIRTIO_PCI_CAP_LENGTH, 4, 2);
	ck_assert_uint_eq(cfg_rd(s, c + VIRTIO_PCI_CFG_CAP_DATA, 2), 1);
	/* Status through the window: a reset. */
	cfg_wr(s, c + VIRTIO_PCI_CAP_OFFSET, 4, VIRTIO_PCI_COMMON_STATUS);
	cfg_wr(s, c + VIRTIO_PCI_CAP_LENGTH, 4, 1);
	ck_assert_uint_eq(cfg_rd(s, c + VIRTIO_PCI_CFG_CAP_DATA, 1), 0xf);
	cfg_wr(s, c + VIRTIO_PCI_CFG_CAP_DATA, 1, 0);
	ck_assert_uint_eq(drv_status(&D), 0);
	/* Reset disabled the queue and restored its defaults. */
	mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_SELECT, 2, 0);
	ck_assert_uint_eq(mmio_rd(D.common + VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
	ck_assert_uint_eq(mmio_rd(D.common + VIRTIO_PCI_COMMON_Q_SIZE, 2), VIRTIO_BLK_QUEUE_SIZE);
	ck_assert_uint_eq(mmio_rd(D.common + VIRTIO_PCI_COMMON_Q_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	ck_assert_uint_eq(mmio_rd(D.common + VIRTIO_PCI_COMMON_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	/* A vector the table does not have reads back as NO_VECTOR. */
	mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_MSIX, 2, 9);
	ck_assert_uint_eq(mmio_rd(D.common + VIRTIO_PCI_COMMON_Q_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	/* An absent queue reads size 0. */
	mmio_wr(D.common + VIRTIO_PCI_COMMON_Q_SELECT, 2, 5);
	ck_assert_uint_eq(mmio_rd(D.common + VIRTIO_PCI_COMMON_Q_SIZE, 2), 0);
	/* A fresh init works again. */
	memset(D.avail_idx, 0, sizeof(D.avail_idx));
	drv_init(&D, s, FEAT_ALL, 1, true);
	blk_req(&D, VIRTIO_BLK_T_IN, 0, 512, false);
	ck_assert_uint_eq(blk_status(), VIRTIO_BLK_S_OK);
}
END_TEST

static struct virtio_net *net;
static struct virtio_console *con;

START_TEST(test_net_tx_rx)
{
	uint8_t frame[60], hdr[12] = {0}, got[80];
	uint32_t id, len;
	unsigned s;

	ck_assert_int_eq(virtio_net_create(&F.host, &F.mem, &net_be, &net), 0);
	s = virtio_net_pci(net)->slot;
	ck_assert_uint_eq(cfg_rd(s, PCI_DEVICE_ID, 2), 0x1041);
	drv_init(&D, s, FEAT_ALL, 2, true);
	for (unsigned i = 0; i < 6; i++)
		ck_assert_uint_eq(mmio_rd(D.device + i, 1), net_be.mac[i]);
	ck_assert_uint_eq(mmio_rd(D.device + VIRTIO_NET_CFG_STATUS, 2), VIRTIO_NET_S_LINK_UP);
	/* No receive buffer yet. */
	for (unsigned i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i + 1);
	ck_assert_int_eq(virtio_net_receive(net, frame, sizeof(frame)), -EAGAIN);
	/* Transmit: header and frame in separate buffers. */
	g_wr(FIX_DATA, hdr, sizeof(hdr));
	g_wr(FIX_DATA + 0x100, frame, sizeof(frame));
	struct seg tx[2] = {{FIX_DATA, 12, false}, {FIX_DATA + 0x100, sizeof(frame), false}};
	drv_add(&D, VIRTIO_NET_TXQ, tx, 2);
	drv_kick(&D, VIRTIO_NET_TXQ);
	ck_assert_uint_eq(B.frames, 1);
	ck_assert_uint_eq(B.frame_len, sizeof(frame));
	ck_assert_mem_eq(B.frame, frame, sizeof(frame));
	ck_assert_uint_eq(used_idx(VIRTIO_NET_TXQ), 1);
	ck_assert_uint_eq(F.nmsi, 1);
	ck_assert_uint_eq(F.msi_data[0], 0x42); /* queue 1 -> vector 2 */
	/* Receive into a posted buffer. */
	struct seg rx = {FIX_DATA + 0x1000, 1526, true};
	drv_add(&D, VIRTIO_NET_RXQ, &rx, 1);
	drv_kick(&D, VIRTIO_NET_RXQ);
	ck_assert_uint_eq(used_idx(VIRTIO_NET_RXQ), 0);
	ck_assert_int_eq(virtio_net_receive(net, frame, sizeof(frame)), 0);
	ck_assert_uint_eq(used_idx(VIRTIO_NET_RXQ), 1);
	used_elem(&D, VIRTIO_NET_RXQ, 0, &id, &len);
	ck_assert_uint_eq(len, 12 + sizeof(frame));
	g_rd(FIX_DATA + 0x1000, got, 12 + sizeof(frame));
	ck_assert_uint_eq(got[10], 1); /* num_buffers */
	ck_assert_mem_eq(got + 12, frame, sizeof(frame));
	ck_assert_uint_eq(F.msi_data[F.nmsi - 1], 0x41);
	ck_assert_int_eq(virtio_net_receive(net, frame, sizeof(frame)), -EAGAIN);
	/* A buffer too small for the frame comes back unused. */
	struct seg small = {FIX_DATA + 0x1000, 20, true};
	drv_add(&D, VIRTIO_NET_RXQ, &small, 1);
	ck_assert_int_eq(virtio_net_receive(net, frame, sizeof(frame)), -EMSGSIZE);
	used_elem(&D, VIRTIO_NET_RXQ, 1, &id, &len);
	ck_assert_uint_eq(len, 0);
	/* Link down: a config interrupt on vector 0. */
	unsigned before = F.nmsi;
	uint8_t gen = (uint8_t)mmio_rd(D.common + VIRTIO_PCI_COMMON_CFGGENERATION, 1);
	virtio_net_set_link(net, false);
	ck_assert_uint_eq(F.nmsi, before + 1);
	ck_assert_uint_eq(F.msi_data[before], 0x40);
	ck_assert_uint_eq(mmio_rd(D.device + VIRTIO_NET_CFG_STATUS, 2), 0);
	ck_assert_uint_ne(mmio_rd(D.common + VIRTIO_PCI_COMMON_CFGGENERATION, 1), gen);
	/* Runt frames are dropped, not sent. */
	struct seg runt[1] = {{FIX_DATA, 12 + 4, false}};
	drv_add(&D, VIRTIO_NET_TXQ, runt, 1);
	drv_kick(&D, VIRTIO_NET_TXQ);
	ck_assert_uint_eq(B.frames, 1);
	ck_assert_uint_eq(used_idx(VIRTIO_NET_TXQ), 2);
	ck_assert(!(drv_status(&D) & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
	virtio_net_destroy(net);
}
END_TEST

START_TEST(test_console_tx_rx)
{
	uint8_t got[16];
	uint32_t id, len;
	unsigned s;

	ck_assert_int_eq(virtio_console_create(&F.host, &F.mem, &chr_be, &con), 0);
	s = virtio_console_pci(con)->slot;
	ck_assert_uint_eq(cfg_rd(s, PCI_DEVICE_ID, 2), 0x1043);
	drv_init(&D, s, FEAT_ALL, 2, true);
	/* Emergency write. */
	mmio_wr(D.device + VIRTIO_CONSOLE_CFG_EMERG_WR, 4, '!');
	ck_assert_uint_eq(B.chr_len, 1);
	ck_assert_uint_eq(B.chr[0], '!');
	g_wr(FIX_DATA, "hello, ", 7);
	g_wr(FIX_DATA + 0x100, "world", 5);
	struct seg tx[2] = {{FIX_DATA, 7, false}, {FIX_DATA + 0x100, 5, false}};
	drv_add(&D, VIRTIO_CONSOLE_TXQ, tx, 2);
	drv_kick(&D, VIRTIO_CONSOLE_TXQ);
	ck_assert_uint_eq(B.chr_len, 13);
	ck_assert_mem_eq(B.chr + 1, "hello, world", 12);
	/* Input spreads over posted buffers; the rest waits. */
	ck_assert_uint_eq(virtio_console_receive(con, "abc", 3), 0);
	struct seg rx1 = {FIX_DATA + 0x1000, 4, true}, rx2 = {FIX_DATA + 0x2000, 4, true};
	drv_add(&D, VIRTIO_CONSOLE_RXQ, &rx1, 1);
	drv_add(&D, VIRTIO_CONSOLE_RXQ, &rx2, 1);
	ck_assert_uint_eq(virtio_console_receive(con, "0123456789", 10), 8);
	ck_assert_uint_eq(used_idx(VIRTIO_CONSOLE_RXQ), 2);
	used_elem(&D, VIRTIO_CONSOLE_RXQ, 1, &id, &len);
	ck_assert_uint_eq(len, 4);
	g_rd(FIX_DATA + 0x1000, got, 4);
	g_rd(FIX_DATA + 0x2000, got + 4, 4);
	ck_assert_mem_eq(got, "01234567", 8);
	virtio_console_destroy(con);
}
END_TEST

UNIT_SUITE(hv_virtio_suite)
Suite *hv_virtio_suite(void)
{
	Suite *s = suite_create("hv_virtio");
	TCase *tc = tcase_create("devices");

	tcase_add_checked_fixture(tc, blk_setup, blk_teardown);
	tcase_add_test(tc, test_blk_identity_and_config);
	tcase_add_test(tc, test_feature_negotiation);
	tcase_add_test(tc, test_blk_write_read_flush);
	tcase_add_test(tc, test_blk_read_only);
	tcase_add_test(tc, test_blk_intx_and_isr);
	tcase_add_test(tc, test_blk_event_idx);
	tcase_add_test(tc, test_blk_indirect);
	tcase_add_test(tc, test_pci_cfg_window_and_reset);
	tcase_add_test(tc, test_net_tx_rx);
	tcase_add_test(tc, test_console_tx_rx);
	suite_add_tcase(s, tc);
	return s;
}
