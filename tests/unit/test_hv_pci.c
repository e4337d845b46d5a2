/* Check tests of the PCI host bridge: config mechanism #1 and ECAM,
 * enumeration, BAR sizing, placement and moves, command register decode,
 * MSI-X (delivery, vector and function masks, PBA) and INTx routing. */
#include "hv_pci_fixture.h"
#include "unit.h"

/* A test device: I/O BAR 0, 32-bit BAR 1, 64-bit prefetchable BAR 2/3,
 * MSI-X in BAR 1 at 0x800 (PBA at 0xc00). */
struct tdev {
	struct hv_pci_dev pci;
	uint64_t last_off, last_val;
	unsigned reads, writes;
};

static uint64_t tdev_read(void *opaque, unsigned cpu, uint64_t off, unsigned size)
{
	struct tdev *t = opaque;

	(void)cpu;
	(void)size;
	t->reads++;
	t->last_off = off;
	return 0x1234 + off;
}

static void tdev_write(void *opaque, unsigned cpu, uint64_t off, unsigned size, uint64_t val)
{
	struct tdev *t = opaque;

	(void)cpu;
	(void)size;
	t->writes++;
	t->last_off = off;
	t->last_val = val;
}

static const struct hv_bus_ops tdev_ops = {.read = tdev_read, .write = tdev_write};

static struct tdev T;

static unsigned add_tdev(void)
{
	int slot;

	hv_pci_dev_init(&T.pci, 0x1234, 0x5678, PCI_CLASS_OTHERS, 3, 0x1234, 1, PCI_INTERRUPT_PIN_INTA, "tdev");
	ck_assert_int_eq(hv_pci_dev_set_bar(&T.pci, 0, HV_PCI_BAR_IO, false, 32, &tdev_ops, &T), 0);
	ck_assert_int_eq(hv_pci_dev_set_bar(&T.pci, 1, HV_PCI_BAR_MEM32, false, 0x1000, &tdev_ops, &T), 0);
	ck_assert_int_eq(hv_pci_dev_set_bar(&T.pci, 2, HV_PCI_BAR_MEM64, true, 0x100000, &tdev_ops, &T), 0);
	ck_assert_int_eq(hv_pci_msix_init(&T.pci, 4, 1, 0x800, 0xc00), 0);
	slot = hv_pci_add(&F.host, &T.pci);
	ck_assert_int_gt(slot, 0);
	return (unsigned)slot;
}

START_TEST(test_conf1_enumeration)
{
	/* The host bridge at 00.0. */
	ck_assert_uint_eq(cfg_rd(0, PCI_VENDOR_ID, 4), PCI_DEVICE_ID_REDHAT_HOST << 16 | PCI_VENDOR_ID_REDHAT);
	ck_assert_uint_eq(cfg_rd(0, PCI_CLASS_DEVICE, 2), PCI_CLASS_BRIDGE_HOST >> 8);
	ck_assert_uint_eq(cfg_rd(0, PCI_HEADER_TYPE, 1), 0);
	/* Absent devices, functions and buses read as all ones. */
	for (unsigned dev = 1; dev < 32; dev++)
		ck_assert_uint_eq(cfg_rd(dev, 0, 4), 0xffffffffu);
	pio_out(0xcf8, 4, 0x80000100u); /* 00.1 */
	ck_assert_uint_eq(pio_in(0xcfc, 4), 0xffffffffu);
	pio_out(0xcf8, 4, 0x80010000u); /* bus 1 */
	ck_assert_uint_eq(pio_in(0xcfc, 4), 0xffffffffu);
	/* Without the enable bit nothing is selected. */
	pio_out(0xcf8, 4, 0x00000000u);
	ck_assert_uint_eq(pio_in(0xcfc, 4), 0xffffffffu);
	ck_assert_uint_eq(pio_in(0xcf8, 4), 0);
	/* CONFIG_ADDRESS keeps enable/bus/dev/fn/register, not reserved bits. */
	pio_out(0xcf8, 4, 0xffffffffu);
	ck_assert_uint_eq(pio_in(0xcf8, 4), 0x80fffffcu);
	/* Any size at any offset of the data window. */
	pio_out(0xcf8, 4, 0x80000000u);
	ck_assert_uint_eq(pio_in(0xcfc, 1), PCI_VENDOR_ID_REDHAT & 0xff);
	ck_assert_uint_eq(pio_in(0xcfd, 1), PCI_VENDOR_ID_REDHAT >> 8);
	ck_assert_uint_eq(pio_in(0xcfe, 2), PCI_DEVICE_ID_REDHAT_HOST);
	ck_assert_uint_eq(pio_in(0xcfd, 2), (PCI_DEVICE_ID_REDHAT_HOST & 0xff) << 8 | PCI_VENDOR_ID_REDHAT >> 8);
	/* A device shows up in the first free slot. */
	unsigned slot = add_tdev();
	ck_assert_uint_eq(slot, 1);
	ck_assert_uint_eq(cfg_rd(slot, 0, 4), 0x56781234u);
	ck_assert_uint_eq(cfg_rd(slot, PCI_REVISION_ID, 4), (uint32_t)PCI_CLASS_OTHERS << 8 | 3);
	/* Read-only registers ignore writes. */
	cfg_wr(slot, PCI_VENDOR_ID, 4, 0);
	ck_assert_uint_eq(cfg_rd(slot, 0, 4), 0x56781234u);
}
END_TEST

START_TEST(test_ecam)
{
	unsigned slot = add_tdev();

	ck_assert_uint_eq(mmio_rd(FIX_ECAM + PCI_ECAM_OFFSET(0, 0, 0, 0), 4),
	                  PCI_DEVICE_ID_REDHAT_HOST << 16 | PCI_VENDOR_ID_REDHAT);
	ck_assert_uint_eq(mmio_rd(FIX_ECAM + PCI_ECAM_OFFSET(0, slot, 0, 2), 2), 0x5678);
	ck_assert_uint_eq(mmio_rd(FIX_ECAM + PCI_ECAM_OFFSET(0, slot, 0, 0), 8),
	                  (uint64_t)cfg_rd(slot, 4, 4) << 32 | 0x56781234u);
	ck_assert_uint_eq(mmio_rd(FIX_ECAM + PCI_ECAM_OFFSET(0, slot, 3, 0), 4), 0xffffffffu);
	ck_assert_uint_eq(mmio_rd(FIX_ECAM + PCI_ECAM_OFFSET(0, 9, 0, 0), 2), 0xffff);
	/* Extended config space of a present function: no capabilities. */
	ck_assert_uint_eq(mmio_rd(FIX_ECAM + PCI_ECAM_OFFSET(0, slot, 0, 0x100), 4), 0);
	/* Writes through ECAM reach the same registers. */
	mmio_wr(FIX_ECAM + PCI_ECAM_OFFSET(0, slot, 0, PCI_INTERRUPT_LINE), 1, 0x5a);
	ck_assert_uint_eq(cfg_rd(slot, PCI_INTERRUPT_LINE, 1), 0x5a);
	/* ECAM must be aligned and outside the BAR window. */
	struct hv_pci_host h2;
	ck_assert_int_eq(hv_pci_host_init(&h2, &F.pio, &F.mmio, &F.irq, 0xb0001000ull), -EINVAL);
	ck_assert_int_eq(hv_pci_host_init(&h2, &F.pio, &F.mmio, &F.irq, 0xc0000000ull), -EINVAL);
}
END_TEST

START_TEST(test_bar_sizing_and_placement)
{
	unsigned slot = add_tdev();
	uint32_t io = cfg_rd(slot, PCI_BASE_ADDRESS_0, 4), m32 = cfg_rd(slot, PCI_BASE_ADDRESS_0 + 4, 4);
	uint64_t m64 = bar_addr(slot, 2);

	/* Placed in the windows, naturally aligned, decode enabled. */
	ck_assert_uint_eq(io & 3, PCI_BASE_ADDRESS_SPACE_IO);
	ck_assert_uint_ge(io & ~3u, HV_PCI_IO_BASE);
	ck_assert_uint_eq((io & ~3u) % 32, 0);
	ck_assert_uint_ge(m32 & ~0xfu, HV_PCI_MMIO_BASE);
	ck_assert_uint_eq((m32 & ~0xfu) % 0x1000, 0);
	ck_assert_uint_eq(cfg_rd(slot, PCI_BASE_ADDRESS_0 + 8, 4) & 0xf,
	                  PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH);
	ck_assert_uint_eq(m64 % 0x100000, 0);
	ck_assert_uint_lt(m64 + 0x100000, HV_PCI_MMIO_END + 1);
	ck_assert_uint_eq(cfg_rd(slot, PCI_COMMAND, 2) & 3, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	ck_assert_uint_eq(cfg_rd(slot, PCI_INTERRUPT_LINE, 1), hv_pci_intx_gsi(slot, 1));

	/* Sizing: write all ones, read back the mask, restore. */
	cfg_wr(slot, PCI_COMMAND, 2, 0);
	cfg_wr(slot, PCI_BASE_ADDRESS_0, 4, 0xffffffffu);
	ck_assert_uint_eq(cfg_rd(slot, PCI_BASE_ADDRESS_0, 4), 0x0000ffe1u);
	cfg_wr(slot, PCI_BASE_ADDRESS_0 + 4, 4, 0xffffffffu);
	ck_assert_uint_eq(cfg_rd(slot, PCI_BASE_ADDRESS_0 + 4, 4), 0xfffff000u);
	cfg_wr(slot, PCI_BASE_ADDRESS_0 + 8, 4, 0xffffffffu);
	cfg_wr(slot, PCI_BASE_ADDRESS_0 + 12, 4, 0xffffffffu);
	ck_assert_uint_eq(cfg_rd(slot, PCI_BASE_ADDRESS_0 + 8, 4), 0xfff0000cu);
	ck_assert_uint_eq(cfg_rd(slot, PCI_BASE_ADDRESS_0 + 12, 4), 0xffffffffu);
	/* Unused BARs and the ROM BAR size to zero. */
	cfg_wr(slot, PCI_BASE_ADDRESS_0 + 16, 4, 0xffffffffu);
	ck_assert_uint_eq(cfg_rd(slot, PCI_BASE_ADDRESS_0 + 16, 4), 0);
	cfg_wr(slot, PCI_ROM_ADDRESS, 4, 0xffffffffu);
	ck_assert_uint_eq(cfg_rd(slot, PCI_ROM_ADDRESS, 4), 0);
	cfg_wr(slot, PCI_BASE_ADDRESS_0, 4, io);
	cfg_wr(slot, PCI_BASE_ADDRESS_0 + 4, 4, m32);
	cfg_wr(slot, PCI_BASE_ADDRESS_0 + 8, 4, (uint32_t)m64);
	cfg_wr(slot, PCI_BASE_ADDRESS_0 + 12, 4, (uint32_t)(m64 >> 32));
	cfg_wr(slot, PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);

	/* The BARs decode to the device at their offsets. */
	ck_assert_uint_eq(pio_in((io & ~3u) + 4, 4), 0x1234 + 4);
	ck_assert_uint_eq(T.last_off, 4);
	ck_assert_uint_eq(mmio_rd((m32 & ~0xfu) + 0x10, 4), 0x1234 + 0x10);
	mmio_wr(m64 + 0x8000, 8, 0xabcdef);
	ck_assert_uint_eq(T.last_off, 0x8000);
	ck_assert_uint_eq(T.last_val, 0xabcdef);

	/* Two devices never overlap. */
	struct hv_pci_dev d2;
	hv_pci_dev_init(&d2, 1, 2, PCI_CLASS_OTHERS, 0, 1, 2, 0, "d2");
	ck_assert_int_eq(hv_pci_dev_set_bar(&d2, 0, HV_PCI_BAR_MEM32, false, 0x1000, &tdev_ops, &T), 0);
	ck_assert_int_eq(hv_pci_add(&F.host, &d2), 2);
	uint64_t a2 = bar_addr(2, 0);
	ck_assert(a2 >= m64 + 0x100000 || a2 + 0x1000 <= (m32 & ~0xfu) || a2 >= (m32 & ~0xfu) + 0x1000);
	ck_assert(a2 + 0x1000 <= m64 || a2 >= m64 + 0x100000);
	hv_pci_remove(&F.host, &d2);
	ck_assert_uint_eq(cfg_rd(2, 0, 4), 0xffffffffu);
	ck_assert(!hv_bus_find(&F.mmio, a2));
}
END_TEST

START_TEST(test_bar_move_and_decode_enable)
{
	unsigned slot = add_tdev();
	uint64_t old = bar_addr(slot, 1), new = 0xd0000000ull;
	uint32_t io = cfg_rd(slot, PCI_BASE_ADDRESS_0, 4) & ~3u;

	ck_assert(hv_bus_find(&F.mmio, old));
	cfg_wr(slot, PCI_BASE_ADDRESS_0 + 4, 4, (uint32_t) new);
	ck_assert(!hv_bus_find(&F.mmio, old));
	ck_assert_uint_eq(mmio_rd(old + 0x10, 4), 0xffffffffu);
	ck_assert_uint_eq(mmio_rd(new + 0x10, 4), 0x1234 + 0x10);
	/* Moving the 64-bit BAR above 4 GiB, one half at a time. */
	cfg_wr(slot, PCI_BASE_ADDRESS_0 + 12, 4, 0x1);
	ck_assert_uint_eq(bar_addr(slot, 2) >> 32, 1);
	ck_assert_uint_eq(mmio_rd(bar_addr(slot, 2) + 8, 4), 0x1234 + 8);
	/* Memory decode off: both memory BARs vanish, I/O stays. */
	cfg_wr(slot, PCI_COMMAND, 2, PCI_COMMAND_IO);
	ck_assert(!hv_bus_find(&F.mmio, new));
	ck_assert(!hv_bus_find(&F.mmio, bar_addr(slot, 2)));
	ck_assert(hv_bus_find(&F.pio, io));
	cfg_wr(slot, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	ck_assert(hv_bus_find(&F.mmio, new));
	ck_assert(!hv_bus_find(&F.pio, io));
	/* A BAR moved onto the ECAM window does not decode (a conflict). */
	cfg_wr(slot, PCI_BASE_ADDRESS_0 + 4, 4, (uint32_t)FIX_ECAM);
	ck_assert_ptr_eq(hv_bus_find(&F.mmio, FIX_ECAM)->dev, &F.host);
	ck_assert_uint_eq(mmio_rd(FIX_ECAM, 4), PCI_DEVICE_ID_REDHAT_HOST << 16 | PCI_VENDOR_ID_REDHAT);
	/* ... and decodes again once moved somewhere free. */
	cfg_wr(slot, PCI_BASE_ADDRESS_0 + 4, 4, 0xd0100000u);
	ck_assert_uint_eq(mmio_rd(0xd0100000ull, 4), 0x1234);
	/* An I/O BAR past 0xffff is not decoded. */
	cfg_wr(slot, PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	cfg_wr(slot, PCI_BASE_ADDRESS_0, 4, 0xffe0);
	ck_assert(hv_bus_find(&F.pio, 0xffe0));
	hv_pci_host_destroy(&F.host);
	ck_assert(!hv_bus_find(&F.pio, 0xffe0));
	ck_assert(!hv_bus_find(&F.pio, 0xcf8));
	ck_assert(!hv_bus_find(&F.mmio, FIX_ECAM));
	ck_assert(!hv_bus_find(&F.mmio, 0xd0100000ull));
	ck_assert_int_eq(hv_pci_host_init(&F.host, &F.pio, &F.mmio, &F.irq, FIX_ECAM), 0);
}
END_TEST

START_TEST(test_status_rw1c_and_reset_port)
{
	unsigned slot = add_tdev();

	T.pci.cfg[PCI_STATUS + 1] |= PCI_STATUS_REC_MASTER_ABORT >> 8 | PCI_STATUS_DETECTED_PARITY >> 8;
	cfg_wr(slot, PCI_STATUS, 2, PCI_STATUS_REC_MASTER_ABORT);
	ck_assert_uint_eq(cfg_rd(slot, PCI_STATUS, 2) & 0xff00, PCI_STATUS_DETECTED_PARITY);
	ck_assert(cfg_rd(slot, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	cfg_wr(slot, PCI_STATUS, 2, 0xffff);
	ck_assert_uint_eq(cfg_rd(slot, PCI_STATUS, 2) & 0xff00, 0);
	ck_assert(cfg_rd(slot, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	/* Port 0xcf9: SYS_RST then RST_CPU resets; byte access only. */
	pio_out(0xcf9, 1, PCI_RESET_CONTROL_SYS_RST);
	ck_assert_uint_eq(F.resets, 0);
	ck_assert_uint_eq(pio_in(0xcf9, 1), PCI_RESET_CONTROL_SYS_RST);
	pio_out(0xcf9, 1, PCI_RESET_CONTROL_SYS_RST | PCI_RESET_CONTROL_RST_CPU);
	ck_assert_uint_eq(F.resets, 1);
	pio_out(0xcf8, 2, 0xffff);
	ck_assert_uint_eq(F.resets, 1);
}
END_TEST

static uint64_t msix_table(unsigned slot)
{
	unsigned c = find_cap(slot, PCI_CAP_ID_MSIX);
	uint32_t t = cfg_rd(slot, c + PCI_MSIX_TABLE, 4);

	return bar_addr(slot, t & 7) + (t & ~7u);
}

static uint64_t msix_pba(unsigned slot)
{
	unsigned c = find_cap(slot, PCI_CAP_ID_MSIX);
	uint32_t t = cfg_rd(slot, c + PCI_MSIX_PBA, 4);

	return bar_addr(slot, t & 7) + (t & ~7u);
}

START_TEST(test_msix)
{
	unsigned slot = add_tdev(), c = find_cap(slot, PCI_CAP_ID_MSIX);
	uint64_t table = msix_table(slot), pba = msix_pba(slot);

	ck_assert_uint_ne(c, 0);
	ck_assert_uint_eq(cfg_rd(slot, c + PCI_MSIX_FLAGS, 2), 3); /* 4 vectors */
	/* Vectors start masked; the table reads back what was written. */
	ck_assert_uint_eq(mmio_rd(table + 12, 4), PCI_MSIX_ENTRY_CTRL_MASKBIT);
	for (unsigned v = 0; v < 4; v++) {
		mmio_wr(table + 16 * v, 8, 0xfee01000ull + v);
		mmio_wr(table + 16 * v + 8, 4, 0x30 + v);
	}
	ck_assert_uint_eq(mmio_rd(table + 16, 8), 0xfee01001ull);
	ck_assert_uint_eq(mmio_rd(table + 24, 4), 0x31);
	/* MSI-X off: the device falls back to INTx. */
	ck_assert(!hv_pci_msix_notify(&T.pci, 1));
	ck_assert_uint_eq(F.nmsi, 0);
	cfg_wr(slot, c + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	ck_assert(hv_pci_msix_enabled(&T.pci));
	/* Masked vector: pending bit, no message. */
	ck_assert(hv_pci_msix_notify(&T.pci, 1));
	ck_assert_uint_eq(F.nmsi, 0);
	ck_assert_uint_eq(mmio_rd(pba, 8), 2);
	/* Unmasking sends it and clears the pending bit. */
	mmio_wr(table + 16 + 12, 4, 0);
	ck_assert_uint_eq(F.nmsi, 1);
	ck_assert_uint_eq(F.msi_addr[0], 0xfee01001ull);
	ck_assert_uint_eq(F.msi_data[0], 0x31);
	ck_assert_uint_eq(mmio_rd(pba, 8), 0);
	ck_assert(hv_pci_msix_notify(&T.pci, 1));
	ck_assert_uint_eq(F.nmsi, 2);
	/* Function mask holds every vector back. */
	cfg_wr(slot, c + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	hv_pci_msix_notify(&T.pci, 1);
	ck_assert_uint_eq(F.nmsi, 2);
	ck_assert_uint_eq(mmio_rd(pba, 4), 2);
	cfg_wr(slot, c + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	ck_assert_uint_eq(F.nmsi, 3);
	ck_assert_uint_eq(mmio_rd(pba, 4), 0);
	/* The PBA is read-only; reserved vector-control bits read zero; an
	 * out-of-range vector sends nothing. */
	mmio_wr(pba, 8, ~0ull);
	ck_assert_uint_eq(mmio_rd(pba, 8), 0);
	mmio_wr(table + 16 * 2 + 12, 4, 0xfffffffe);
	ck_assert_uint_eq(mmio_rd(table + 16 * 2 + 12, 4), 0);
	hv_pci_msix_notify(&T.pci, 17);
	ck_assert_uint_eq(F.nmsi, 3);
	/* The rest of the BAR still reaches the device. */
	ck_assert_uint_eq(mmio_rd(bar_addr(slot, 1) + 0x10, 4), 0x1234 + 0x10);
	/* Table size is read-only. */
	cfg_wr(slot, c + PCI_MSIX_FLAGS, 2, 0x07ff | PCI_MSIX_FLAGS_ENABLE);
	ck_assert_uint_eq(cfg_rd(slot, c + PCI_MSIX_FLAGS, 2), 3 | PCI_MSIX_FLAGS_ENABLE);
}
END_TEST

START_TEST(test_intx)
{
	unsigned slot = add_tdev(), gsi = hv_pci_intx_gsi(slot, 1), c;

	ck_assert_uint_eq(gsi, 16 + slot % 4);
	ck_assert_uint_eq(hv_pci_intx_gsi(3, 2), 16);
	ck_assert_uint_eq(cfg_rd(slot, PCI_INTERRUPT_PIN, 1), 1);
	hv_pci_set_intx(&T.pci, true);
	ck_assert(F.gsi[gsi]);
	ck_assert(cfg_rd(slot, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	/* Interrupt disable drops the line but not the status bit. */
	cfg_wr(slot, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO | PCI_COMMAND_INTX_DISABLE);
	ck_assert(!F.gsi[gsi]);
	ck_assert(cfg_rd(slot, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	cfg_wr(slot, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	ck_assert(F.gsi[gsi]);
	ck_assert_uint_eq(F.gsi_edges[gsi], 2);
	/* MSI-X on: INTx is not used. */
	c = find_cap(slot, PCI_CAP_ID_MSIX);
	cfg_wr(slot, c + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	ck_assert(!F.gsi[gsi]);
	cfg_wr(slot, c + PCI_MSIX_FLAGS, 2, 0);
	ck_assert(F.gsi[gsi]);
	hv_pci_set_intx(&T.pci, false);
	ck_assert(!F.gsi[gsi]);
	ck_assert(!(cfg_rd(slot, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT));
	/* Removing an asserting device drops its line. */
	hv_pci_set_intx(&T.pci, true);
	hv_pci_remove(&F.host, &T.pci);
	ck_assert(!F.gsi[gsi]);
}
END_TEST

START_TEST(test_slots_fill_up)
{
	static struct hv_pci_dev d[32];
	int slot;

	for (unsigned i = 0; i < 31; i++) {
		hv_pci_dev_init(&d[i], 1, 2, PCI_CLASS_OTHERS, 0, 1, 2, 0, "d");
		ck_assert_int_eq(hv_pci_add(&F.host, &d[i]), (int)i + 1);
	}
	hv_pci_dev_init(&d[31], 1, 2, PCI_CLASS_OTHERS, 0, 1, 2, 0, "d");
	ck_assert_int_eq(hv_pci_add(&F.host, &d[31]), -ENOSPC);
	hv_pci_remove(&F.host, &d[7]);
	slot = hv_pci_add(&F.host, &d[31]);
	ck_assert_int_eq(slot, 8);
	/* Bad BAR declarations. */
	struct hv_pci_dev x;
	hv_pci_dev_init(&x, 1, 2, PCI_CLASS_OTHERS, 0, 1, 2, 0, "x");
	ck_assert_int_eq(hv_pci_dev_set_bar(&x, 0, HV_PCI_BAR_MEM32, false, 0x1800, NULL, NULL), -EINVAL);
	ck_assert_int_eq(hv_pci_dev_set_bar(&x, 5, HV_PCI_BAR_MEM64, false, 0x1000, NULL, NULL), -EINVAL);
	ck_assert_int_eq(hv_pci_dev_set_bar(&x, 6, HV_PCI_BAR_MEM32, false, 0x1000, NULL, NULL), -EINVAL);
	ck_assert_int_eq(hv_pci_dev_set_bar(&x, 0, HV_PCI_BAR_IO, false, 2, NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(test_window_exhaustion)
{
	static struct hv_pci_dev d[8];
	unsigned added = 0;
	int r = 0;

	/* 256 MiB BARs: the 1004 MiB window holds three. */
	for (unsigned i = 0; i < 8 && r >= 0; i++) {
		hv_pci_dev_init(&d[i], 1, 2, PCI_CLASS_OTHERS, 0, 1, 2, 0, "big");
		ck_assert_int_eq(hv_pci_dev_set_bar(&d[i], 0, HV_PCI_BAR_MEM32, false, 256u << 20, NULL, NULL), 0);
		r = hv_pci_add(&F.host, &d[i]);
		if (r > 0)
			added++;
	}
	ck_assert_int_eq(r, -ENOSPC);
	ck_assert_uint_eq(added, 3);
}
END_TEST

UNIT_SUITE(hv_pci_suite)
Suite *hv_pci_suite(void)
{
	Suite *s = suite_create("hv_pci");
	TCase *tc = tcase_create("host");

	tcase_add_checked_fixture(tc, fix_setup, fix_teardown);
	tcase_add_test(tc, test_conf1_enumeration);
	tcase_add_test(tc, test_ecam);
	tcase_add_test(tc, test_bar_sizing_and_placement);
	tcase_add_test(tc, test_bar_move_and_decode_enable);
	tcase_add_test(tc, test_status_rw1c_and_reset_port);
	tcase_add_test(tc, test_msix);
	tcase_add_test(tc, test_intx);
	tcase_add_test(tc, test_slots_fill_up);
	tcase_add_test(tc, test_window_exhaustion);
	suite_add_tcase(s, tc);
	return s;
}
