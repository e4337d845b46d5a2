/* A virtio-blk driver in miniature (virtio 1.x over PCI): finds the device
 * by scanning bus 0, walks its vendor capabilities to the common, notify
 * and device configuration, negotiates VIRTIO_F_VERSION_1, sets up queue 0
 * and polls its used ring. It reads the sector the host prepared, writes
 * sector 1 (the host checks it afterwards) and reads it back. */
#include "guest.h"

#define PCI_ADDR          0xcf8
#define PCI_DATA          0xcfc
#define VIRTIO_VENDOR     0x1af4
#define VIRTIO_BLK_DEVICE 0x1042
#define CAP_VENDOR        0x09
#define CFG_COMMON        1
#define CFG_NOTIFY        2
#define CFG_DEVICE        4
#define QSIZE             8
#define SECTOR            512

/* common configuration offsets */
#define DEV_FEATURE_SEL 0x00
#define DEV_FEATURE     0x04
#define DRV_FEATURE_SEL 0x08
#define DRV_FEATURE     0x0c
#define STATUS          0x14
#define Q_SELECT        0x16
#define Q_SIZE          0x18
#define Q_ENABLE        0x1c
#define Q_NOTIFY_OFF    0x1e
#define Q_DESC          0x20
#define Q_DRIVER        0x28
#define Q_DEVICE        0x30

#define S_ACK         1
#define S_DRIVER      2
#define S_DRIVER_OK   4
#define S_FEATURES_OK 8

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
struct avail {
	uint16_t flags, idx, ring[QSIZE], used_event;
};
struct used_elem {
	uint32_t id, len;
};
struct used {
	uint16_t flags, idx;
	struct used_elem ring[QSIZE];
	uint16_t avail_event;
};
struct blk_req {
	uint32_t type, reserved;
	uint64_t sector;
};

static struct desc ring_desc[QSIZE] __attribute__((aligned(16)));
static struct avail ring_avail __attribute__((aligned(2)));
static struct used ring_used __attribute__((aligned(4)));
static struct blk_req req;
static uint8_t data[SECTOR], status;
static uintptr_t common, notify, device;
static uint16_t used_seen;

static uint32_t pci_read32(unsigned dev, unsigned off)
{
	outl(PCI_ADDR, 0x80000000u | dev << 11 | (off & 0xfc));
	return inl(PCI_DATA);
}

static uint8_t pci_read8(unsigned dev, unsigned off)
{
	return (uint8_t)(pci_read32(dev, off) >> (8 * (off & 3)));
}

static uintptr_t bar_address(unsigned dev, unsigned bar)
{
	uint32_t lo = pci_read32(dev, 0x10 + 4 * bar);

	if (lo & 1)
		return 0; /* an I/O BAR */
	if ((lo & 6) == 4 && pci_read32(dev, 0x14 + 4 * bar))
		return 0; /* above 4 GiB: out of reach without paging */
	return lo & ~0xfu;
}

static volatile uint8_t *r8(uintptr_t a)
{
	return (volatile uint8_t *)a;
}
static volatile uint16_t *r16(uintptr_t a)
{
	return (volatile uint16_t *)a;
}
static volatile uint32_t *r32(uintptr_t a)
{
	return (volatile uint32_t *)a;
}

static int find_device(void)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		uint32_t id = pci_read32(dev, 0);
		if ((id & 0xffff) == VIRTIO_VENDOR && id >> 16 == VIRTIO_BLK_DEVICE)
			return (int)dev;
	}
	return -1;
}

static bool map_caps(unsigned dev, uint32_t *notify_mult)
{
	unsigned cap;

	if (!(pci_read32(dev, 4) >> 16 & 0x10))
		return false; /* no capability list */
	for (cap = pci_read8(dev, 0x34) & 0xfc; cap; cap = pci_read8(dev, cap + 1) & 0xfc) {
		uint8_t type;
		uintptr_t at;
		if (pci_read8(dev, cap) != CAP_VENDOR)
			continue;
		type = pci_read8(dev, cap + 3);
		at = bar_address(dev, pci_read8(dev, cap + 4));
		if (!at)
			continue;
		at += pci_read32(dev, cap + 8);
		if (type == CFG_COMMON)
			common = at;
		else if (type == CFG_DEVICE)
			device = at;
		else if (type == CFG_NOTIFY) {
			notify = at;
			*notify_mult = pci_read32(dev, cap + 16);
		}
	}
	return common && notify && device;
}

/* Submits one request of three descriptors and polls for its completion. */
static bool blk_io(uint32_t type, uint64_t sector, uintptr_t notify_addr)
{
	uint16_t head = 0;

	req.type = type;
	req.reserved = 0;
	req.sector = sector;
	status = 0xff;
	ring_desc[0] = (struct desc){(uintptr_t)&req, sizeof(req), 1, 1};
	ring_desc[1] = (struct desc){(uintptr_t)data, SECTOR, (uint16_t)(1 | (type == 0 ? 2 : 0)), 2};
	ring_desc[2] = (struct desc){(uintptr_t)&status, 1, 2, 0};
	ring_avail.ring[ring_avail.idx % QSIZE] = head;
	__asm__ volatile("" ::: "memory");
	ring_avail.idx++;
	__asm__ volatile("" ::: "memory");
	*r16(notify_addr) = 0;
	for (unsigned spin = 0; spin < 100000000; spin++) {
		if (*(volatile uint16_t *)&ring_used.idx != used_seen)
			break;
		__asm__ volatile("pause");
	}
	if (*(volatile uint16_t *)&ring_used.idx == used_seen)
		return false;
	used_seen++;
	return status == 0;
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	int dev = find_device();
	uint32_t mult = 0, features;
	uintptr_t notify_addr;
	bool ok;

	(void)magic, (void)mbi;
	if (!report("pci_find_virtio_blk", dev >= 0))
		return summary();
	if (!report("virtio_caps", map_caps((unsigned)dev, &mult)))
		return summary();
	*r8(common + STATUS) = 0;
	*r8(common + STATUS) = S_ACK | S_DRIVER;
	*r32(common + DEV_FEATURE_SEL) = 1;
	features = *r32(common + DEV_FEATURE);
	report("feature_version_1", features & 1);
	*r32(common + DRV_FEATURE_SEL) = 0;
	*r32(common + DRV_FEATURE) = 0;
	*r32(common + DRV_FEATURE_SEL) = 1;
	*r32(common + DRV_FEATURE) = 1; /* VIRTIO_F_VERSION_1 */
	*r8(common + STATUS) = S_ACK | S_DRIVER | S_FEATURES_OK;
	report("features_ok", *r8(common + STATUS) & S_FEATURES_OK);
	*r16(common + Q_SELECT) = 0;
	report("queue_size", *r16(common + Q_SIZE) >= QSIZE);
	*r16(common + Q_SIZE) = QSIZE;
	*r32(common + Q_DESC) = (uintptr_t)ring_desc;
	*r32(common + Q_DESC + 4) = 0;
	*r32(common + Q_DRIVER) = (uintptr_t)&ring_avail;
	*r32(common + Q_DRIVER + 4) = 0;
	*r32(common + Q_DEVICE) = (uintptr_t)&ring_used;
	*r32(common + Q_DEVICE + 4) = 0;
	notify_addr = notify + *r16(common + Q_NOTIFY_OFF) * mult;
	*r16(common + Q_ENABLE) = 1;
	*r8(common + STATUS) = S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK;
	report_eq("capacity_sectors", *r32(device), 128); /* the host's 64 KiB disk */

	report("read_sector_0", blk_io(0, 0, notify_addr));
	report("sector_0_content", __builtin_memcmp(data, "MACROHARD virtio-blk test disk", 30) == 0);
	for (unsigned i = 0; i < SECTOR; i++)
		data[i] = (uint8_t)(i * 13 + 1);
	report("write_sector_1", blk_io(1, 1, notify_addr));
	__builtin_memset(data, 0, SECTOR);
	report("read_sector_1", blk_io(0, 1, notify_addr));
	ok = true;
	for (unsigned i = 0; i < SECTOR; i++)
		ok &= data[i] == (uint8_t)(i * 13 + 1);
	report("sector_1_round_trip", ok);
	report("read_past_end_fails", !blk_io(0, 128, notify_addr) && status != 0xff);
	return summary();
}
