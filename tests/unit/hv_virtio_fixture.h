/* Fake backends for the virtio Check suites: a RAM disk, a frame sink and
 * a byte sink that record what the device did. */
#ifndef TESTS_UNIT_HV_VIRTIO_FIXTURE_H
#define TESTS_UNIT_HV_VIRTIO_FIXTURE_H
#include "hv_pci_fixture.h"
#include <hv/dev/backends.h>
#include <hv/dev/virtio_blk.h>
#include <hv/dev/virtio_console.h>
#include <hv/dev/virtio_net.h>

#define DISK_BYTES (1u << 20)

struct fakes {
	uint8_t disk[DISK_BYTES];
	unsigned flushes, disk_ops;
	uint8_t frame[2048];
	size_t frame_len;
	unsigned frames;
	uint8_t chr[8192];
	size_t chr_len;
};

static struct fakes B;

static int disk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	(void)ctx;
	ck_assert_uint_le(off + len, DISK_BYTES);
	ck_assert_uint_eq(off % 512, 0);
	ck_assert_uint_eq(len % 512, 0);
	memcpy(buf, B.disk + off, len);
	B.disk_ops++;
	return 0;
}

static int disk_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	(void)ctx;
	ck_assert_uint_le(off + len, DISK_BYTES);
	ck_assert_uint_eq(off % 512, 0);
	ck_assert_uint_eq(len % 512, 0);
	memcpy(B.disk + off, buf, len);
	B.disk_ops++;
	return 0;
}

static int disk_flush(void *ctx)
{
	(void)ctx;
	B.flushes++;
	return 0;
}

static int frame_send(void *ctx, const void *frame, size_t len)
{
	(void)ctx;
	ck_assert_uint_le(len, 65535);
	if (len <= sizeof(B.frame))
		memcpy(B.frame, frame, len);
	B.frame_len = len;
	B.frames++;
	return 0;
}

static void chr_write(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < len && B.chr_len < sizeof(B.chr); i++)
		B.chr[B.chr_len++] = ((const uint8_t *)buf)[i];
}

static const struct hv_blk_backend disk_be = {
    .size = DISK_BYTES, .read = disk_read, .write = disk_write, .flush = disk_flush};
static const struct hv_blk_backend disk_ro_be = {.size = DISK_BYTES, .read_only = true, .read = disk_read};
static const struct hv_frame_backend net_be = {.mac = {0x52, 0x54, 0, 0x12, 0x34, 0x56}, .send = frame_send};
static const struct hv_chr_backend chr_be = {.write = chr_write};

#define FEAT_ALL (~0ull)

/* A block request: header at FIX_DATA, data at FIX_DATA+0x1000 (n bytes, in
 * two halves when split), status at FIX_DATA+0x100. */
static inline void blk_req(struct drv *d, uint32_t type, uint64_t sector, uint32_t n, bool split)
{
	uint8_t hdr[16] = {0};
	struct seg s[4];
	unsigned k = 0;
	bool in = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;

	memcpy(hdr, &type, 4);
	memcpy(hdr + 8, &sector, 8);
	g_wr(FIX_DATA, hdr, sizeof(hdr));
	g_wr16(FIX_DATA + 0x100, 0xeeee);
	s[k++] = (struct seg){FIX_DATA, 16, false};
	if (n && split) {
		s[k++] = (struct seg){FIX_DATA + 0x1000, n / 2, in};
		s[k++] = (struct seg){FIX_DATA + 0x1000 + n / 2, n - n / 2, in};
	} else if (n) {
		s[k++] = (struct seg){FIX_DATA + 0x1000, n, in};
	}
	s[k++] = (struct seg){FIX_DATA + 0x100, 1, true};
	drv_add(d, 0, s, k);
	drv_kick(d, 0);
}

static inline uint8_t blk_status(void)
{
	uint8_t st;

	g_rd(FIX_DATA + 0x100, &st, 1);
	return st;
}
#endif
