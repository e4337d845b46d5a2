/* A guest's view of the PCI host and virtio devices for the Check suites:
 * real hv_bus and gmem, a fake hv_irq that records what it is told, and a
 * small virtio driver that pokes config space, BARs and guest memory as a
 * guest would. */
#ifndef TESTS_UNIT_HV_PCI_FIXTURE_H
#define TESTS_UNIT_HV_PCI_FIXTURE_H
#include <check.h>
#include <hv/bus.h>
#include <hv/dev/pci.h>
#include <hv/dev/virtio_pci.h>
#include <hv/gmem.h>
#include <kern/abi/virtio.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <string.h>

#include "../../platform-hosted/hosted.h"

#define FIX_RAM     (8ull << 20)
#define FIX_ECAM    HV_PCI_ECAM_DEFAULT
#define FIX_MAX_MSI 256
#define FIX_RING(q) (0x100000ull + 0x10000ull * (q))
#define FIX_DATA    0x400000ull

struct fix {
	struct hv_bus pio, mmio;
	struct gmem mem;
	struct hv_pci_host host;
	struct hv_irq irq;
	bool gsi[64];
	unsigned gsi_edges[64];
	unsigned nmsi;
	uint64_t msi_addr[FIX_MAX_MSI];
	uint32_t msi_data[FIX_MAX_MSI];
	unsigned resets;
};

static struct fix F;

static void fix_set_gsi(void *ctx, unsigned gsi, bool level)
{
	struct fix *f = ctx;

	ck_assert_uint_lt(gsi, 64);
	if (level && !f->gsi[gsi])
		f->gsi_edges[gsi]++;
	f->gsi[gsi] = level;
}

static void fix_msi(void *ctx, uint64_t addr, uint32_t data)
{
	struct fix *f = ctx;

	if (f->nmsi < FIX_MAX_MSI) {
		f->msi_addr[f->nmsi] = addr;
		f->msi_data[f->nmsi] = data;
	}
	f->nmsi++;
}

static void fix_reset(void *ctx)
{
	((struct fix *)ctx)->resets++;
}

static void fix_setup(void)
{
	hosted_mem_init(128ULL << 20);
	page_alloc_init();
	heap_init();
	memset(&F, 0, sizeof(F));
	hv_bus_init(&F.pio);
	hv_bus_init(&F.mmio);
	gmem_init(&F.mem, 0);
	ck_assert_int_eq(gmem_add(&F.mem, 0, FIX_RAM, GMEM_RAM, "ram"), 0);
	F.irq.set_gsi = fix_set_gsi;
	F.irq.msi = fix_msi;
	F.irq.ctx = &F;
	ck_assert_int_eq(hv_pci_host_init(&F.host, &F.pio, &F.mmio, &F.irq, FIX_ECAM), 0);
	F.host.reset = fix_reset;
	F.host.reset_ctx = &F;
}

static void fix_teardown(void)
{
	hv_pci_host_destroy(&F.host);
	gmem_destroy(&F.mem);
}

/* Port I/O and MMIO as the CPU does them. */
static inline uint64_t pio_in(unsigned port, unsigned size)
{
	uint64_t v = 0;

	hv_bus_read(&F.pio, 0, port, size, &v);
	return v;
}

static inline void pio_out(unsigned port, unsigned size, uint64_t v)
{
	hv_bus_write(&F.pio, 0, port, size, v);
}

static inline uint64_t mmio_rd(uint64_t addr, unsigned size)
{
	uint64_t v = 0;

	hv_bus_read(&F.mmio, 0, addr, size, &v);
	return v;
}

static inline void mmio_wr(uint64_t addr, unsigned size, uint64_t v)
{
	hv_bus_write(&F.mmio, 0, addr, size, v);
}

/* Configuration mechanism #1. */
static inline uint32_t cfg_rd(unsigned dev, unsigned off, unsigned size)
{
	pio_out(0xcf8, 4, 0x80000000u | dev << 11 | (off & 0xfc));
	return (uint32_t)pio_in(0xcfc + (off & 3), size);
}

static inline void cfg_wr(unsigned dev, unsigned off, unsigned size, uint32_t v)
{
	pio_out(0xcf8, 4, 0x80000000u | dev << 11 | (off & 0xfc));
	pio_out(0xcfc + (off & 3), size, v);
}

/* Guest memory. */
static inline void g_wr(uint64_t gpa, const void *p, uint64_t n)
{
	ck_assert_int_eq(gmem_write(&F.mem, gpa, p, n), 0);
}

static inline void g_rd(uint64_t gpa, void *p, uint64_t n)
{
	ck_assert_int_eq(gmem_read(&F.mem, gpa, p, n), 0);
}

static inline void g_wr16(uint64_t gpa, uint16_t v)
{
	g_wr(gpa, &v, 2);
}

static inline uint16_t g_rd16(uint64_t gpa)
{
	uint16_t v;

	g_rd(gpa, &v, 2);
	return v;
}

static inline uint32_t g_rd32(uint64_t gpa)
{
	uint32_t v;

	g_rd(gpa, &v, 4);
	return v;
}

/* A virtio driver. */
struct drv {
	unsigned slot;
	uint64_t common, notify, isr, device;
	uint32_t notify_mult;
	unsigned nq;
	uint16_t qsize[VIRTIO_MAX_QUEUES];
	uint16_t avail_idx[VIRTIO_MAX_QUEUES], used_seen[VIRTIO_MAX_QUEUES];
	uint16_t next_desc[VIRTIO_MAX_QUEUES];
	uint16_t notify_off[VIRTIO_MAX_QUEUES];
};

static inline uint64_t bar_addr(unsigned slot, unsigned bar)
{
	uint32_t lo = cfg_rd(slot, PCI_BASE_ADDRESS_0 + 4 * bar, 4);
	uint64_t a = lo & ~0xfull;

	if ((lo & 6) == PCI_BASE_ADDRESS_MEM_TYPE_64)
		a |= (uint64_t)cfg_rd(slot, PCI_BASE_ADDRESS_0 + 4 * bar + 4, 4) << 32;
	return a;
}

/* Walks the capability list for virtio structure `type`; returns the cap
 * offset and fills the BAR address of the structure. */
static inline unsigned find_vcap(unsigned slot, uint8_t type, uint64_t *addr)
{
	unsigned guard = 0;

	for (unsigned c = cfg_rd(slot, PCI_CAPABILITY_LIST, 1); c; c = cfg_rd(slot, c + 1, 1)) {
		ck_assert_uint_lt(++guard, 48);
		if (cfg_rd(slot, c, 1) == PCI_CAP_ID_VNDR && cfg_rd(slot, c + VIRTIO_PCI_CAP_CFG_TYPE, 1) == type) {
			unsigned bar = cfg_rd(slot, c + VIRTIO_PCI_CAP_BAR, 1);

			*addr = bar_addr(slot, bar) + cfg_rd(slot, c + VIRTIO_PCI_CAP_OFFSET, 4);
			return c;
		}
	}
	return 0;
}

static inline unsigned find_cap(unsigned slot, uint8_t id)
{
	for (unsigned c = cfg_rd(slot, PCI_CAPABILITY_LIST, 1), n = 0; c && n < 48; c = cfg_rd(slot, c + 1, 1), n++)
		if (cfg_rd(slot, c, 1) == id)
			return c;
	return 0;
}

static inline uint8_t drv_status(struct drv *d)
{
	return (uint8_t)mmio_rd(d->common + VIRTIO_PCI_COMMON_STATUS, 1);
}

static inline void drv_set_status(struct drv *d, uint8_t s)
{
	mmio_wr(d->common + VIRTIO_PCI_COMMON_STATUS, 1, s);
}

static inline uint64_t drv_device_features(struct drv *d)
{
	mmio_wr(d->common + VIRTIO_PCI_COMMON_DFSELECT, 4, 0);
	uint64_t f = mmio_rd(d->common + VIRTIO_PCI_COMMON_DF, 4);
	mmio_wr(d->common + VIRTIO_PCI_COMMON_DFSELECT, 4, 1);
	return f | mmio_rd(d->common + VIRTIO_PCI_COMMON_DF, 4) << 32;
}

static inline void drv_write_features(struct drv *d, uint64_t f)
{
	mmio_wr(d->common + VIRTIO_PCI_COMMON_GFSELECT, 4, 0);
	mmio_wr(d->common + VIRTIO_PCI_COMMON_GF, 4, (uint32_t)f);
	mmio_wr(d->common + VIRTIO_PCI_COMMON_GFSELECT, 4, 1);
	mmio_wr(d->common + VIRTIO_PCI_COMMON_GF, 4, f >> 32);
}

static inline void drv_find(struct drv *d, unsigned slot)
{
	unsigned c;

	memset(d, 0, sizeof(*d));
	d->slot = slot;
	ck_assert(find_vcap(slot, VIRTIO_PCI_CAP_COMMON_CFG, &d->common));
	c = find_vcap(slot, VIRTIO_PCI_CAP_NOTIFY_CFG, &d->notify);
	ck_assert(c);
	d->notify_mult = cfg_rd(slot, c + VIRTIO_PCI_NOTIFY_CAP_MULT, 4);
	ck_assert(find_vcap(slot, VIRTIO_PCI_CAP_ISR_CFG, &d->isr));
	find_vcap(slot, VIRTIO_PCI_CAP_DEVICE_CFG, &d->device);
}

/* Sets up queue q with `size` entries at FIX_RING(q). */
static inline void drv_setup_queue(struct drv *d, unsigned q, uint16_t size, uint16_t vector)
{
	uint64_t base = FIX_RING(q);
	uint8_t zero[0x3000] = {0};

	g_wr(base, zero, sizeof(zero));
	mmio_wr(d->common + VIRTIO_PCI_COMMON_Q_SELECT, 2, q);
	if (size)
		mmio_wr(d->common + VIRTIO_PCI_COMMON_Q_SIZE, 2, size);
	d->qsize[q] = (uint16_t)mmio_rd(d->common + VIRTIO_PCI_COMMON_Q_SIZE, 2);
	mmio_wr(d->common + VIRTIO_PCI_COMMON_Q_MSIX, 2, vector);
	mmio_wr(d->common + VIRTIO_PCI_COMMON_Q_DESCLO, 4, (uint32_t)base);
	mmio_wr(d->common + VIRTIO_PCI_COMMON_Q_DESCHI, 4, 0);
	mmio_wr(d->common + VIRTIO_PCI_COMMON_Q_AVAILLO, 4, (uint32_t)(base + 0x1000));
	mmio_wr(d->common + VIRTIO_PCI_COMMON_Q_AVAILHI, 4, 0);
	mmio_wr(d->common + VIRTIO_PCI_COMMON_Q_USEDLO, 4, (uint32_t)(base + 0x2000));
	mmio_wr(d->common + VIRTIO_PCI_COMMON_Q_USEDHI, 4, 0);
	d->notify_off[q] = (uint16_t)mmio_rd(d->common + VIRTIO_PCI_COMMON_Q_NOFF, 2);
	mmio_wr(d->common + VIRTIO_PCI_COMMON_Q_ENABLE, 2, 1);
}

/* The full init sequence of 3.1.1; returns the negotiated features. With
 * msix, MSI-X is enabled and queue q uses vector q+1, config vector 0. */
static inline uint64_t drv_init(struct drv *d, unsigned slot, uint64_t want, unsigned nq, bool msix)
{
	uint64_t f;

	drv_find(d, slot);
	d->nq = nq;
	drv_set_status(d, 0);
	ck_assert_uint_eq(drv_status(d), 0);
	drv_set_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	drv_set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	f = drv_device_features(d) & want;
	drv_write_features(d, f);
	drv_set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	ck_assert(drv_status(d) & VIRTIO_STATUS_FEATURES_OK);
	if (msix) {
		unsigned c = find_cap(slot, PCI_CAP_ID_MSIX);
		uint64_t table = bar_addr(slot, cfg_rd(slot, c + PCI_MSIX_TABLE, 4) & 7) +
		                 (cfg_rd(slot, c + PCI_MSIX_TABLE, 4) & ~7u);

		for (unsigned v = 0; v <= nq; v++) {
			mmio_wr(table + 16 * v, 4, 0xfee00000u);
			mmio_wr(table + 16 * v + 4, 4, 0);
			mmio_wr(table + 16 * v + 8, 4, 0x40 + v);
			mmio_wr(table + 16 * v + 12, 4, 0);
		}
		cfg_wr(slot, c + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
		mmio_wr(d->common + VIRTIO_PCI_COMMON_MSIX, 2, 0);
		ck_assert_uint_eq(mmio_rd(d->common + VIRTIO_PCI_COMMON_MSIX, 2), 0);
	}
	for (unsigned q = 0; q < nq; q++)
		drv_setup_queue(d, q, 0, msix ? q + 1 : VIRTIO_MSI_NO_VECTOR);
	drv_set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
	                      VIRTIO_STATUS_DRIVER_OK);
	ck_assert(drv_status(d) & VIRTIO_STATUS_DRIVER_OK);
	return f;
}

static inline void drv_desc(unsigned q, uint16_t idx, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	struct virtq_desc dsc = {.addr = addr, .len = len, .flags = flags, .next = next};

	g_wr(FIX_RING(q) + 16ull * idx, &dsc, sizeof(dsc));
}

struct seg {
	uint64_t addr;
	uint32_t len;
	bool write;
};

/* Puts a chain of n buffers in free descriptors and makes it available
 * (without notifying). Returns the head. */
static inline uint16_t drv_add(struct drv *d, unsigned q, const struct seg *s, unsigned n)
{
	uint16_t head = d->next_desc[q] % d->qsize[q];

	for (unsigned i = 0; i < n; i++) {
		uint16_t idx = (uint16_t)((head + i) % d->qsize[q]);

		drv_desc(q, idx, s[i].addr, s[i].len,
		         (uint16_t)((s[i].write ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0)),
		         (uint16_t)((idx + 1) % d->qsize[q]));
	}
	d->next_desc[q] = (uint16_t)(d->next_desc[q] + n);
	g_wr16(FIX_RING(q) + 0x1000 + 4 + 2ull * (d->avail_idx[q] % d->qsize[q]), head);
	d->avail_idx[q]++;
	g_wr16(FIX_RING(q) + 0x1000 + 2, d->avail_idx[q]);
	return head;
}

static inline void drv_kick(struct drv *d, unsigned q)
{
	mmio_wr(d->notify + (uint64_t)d->notify_off[q] * d->notify_mult, 2, q);
}

static inline uint16_t used_idx(unsigned q)
{
	return g_rd16(FIX_RING(q) + 0x2000 + 2);
}

/* The used element `n` of queue q: id and len. */
static inline void used_elem(struct drv *d, unsigned q, uint16_t n, uint32_t *id, uint32_t *len)
{
	uint64_t e = FIX_RING(q) + 0x2000 + 4 + 8ull * (n % d->qsize[q]);

	*id = g_rd32(e);
	*len = g_rd32(e + 4);
}
#endif
