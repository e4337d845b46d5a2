/* /dev/hv (hv/ctl/): the console ring, file-backed disks, and the device
 * from user space (tests/user/hvctl.c, vmctl) against the simulated
 * backend. */
#include "../../hv/ctl/console_ring.h"
#include "../../hv/ctl/file_io.h"
#include "test_fs.h"

KTEST(hv_ctl_console_ring)
{
	static struct console_ring r;
	static uint8_t in[CONSOLE_RING_SIZE + 100], out[CONSOLE_RING_SIZE + 100];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + i / 251);
	KT_ASSERT_EQ(console_ring_init(&r), 0);
	KT_ASSERT_EQ(console_ring_get(&r, out, 10), 0);
	/* Wrap around the end in small pieces. */
	for (unsigned round = 0; round < 3; round++) {
		console_ring_put(&r, in, 40000);
		KT_ASSERT_EQ(console_ring_len(&r), 40000);
		KT_ASSERT_EQ(console_ring_get(&r, out, 30000), 30000);
		KT_ASSERT_EQ(console_ring_get(&r, out + 30000, 20000), 10000);
		KT_ASSERT(memcmp(in, out, 40000) == 0);
	}
	KT_ASSERT_EQ(console_ring_dropped(&r), 0);
	/* Overflow keeps the newest bytes. */
	console_ring_put(&r, in, 1000);
	console_ring_put(&r, in + 100, CONSOLE_RING_SIZE);
	KT_ASSERT_EQ(console_ring_dropped(&r), 1000);
	KT_ASSERT_EQ(console_ring_get(&r, out, sizeof(out)), CONSOLE_RING_SIZE);
	KT_ASSERT(memcmp(in + 100, out, CONSOLE_RING_SIZE) == 0);
	/* One write larger than the ring. */
	console_ring_put(&r, in, sizeof(in));
	KT_ASSERT_EQ(console_ring_dropped(&r), 1100);
	KT_ASSERT_EQ(console_ring_get(&r, out, sizeof(out)), CONSOLE_RING_SIZE);
	KT_ASSERT(memcmp(in + 100, out, CONSOLE_RING_SIZE) == 0);
	console_ring_free(&r);
}

static void file_disk_body(struct ktest_ctx *kt, struct fs_fixture *fx)
{
	static uint8_t data[4096 + 600], buf[4096];
	struct hv_file_disk d, ro;
	struct file *f;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i ^ (i >> 8));
	KT_ASSERT_EQ(put_file(&fx->ctx, "disk", data, sizeof(data), 0600), 0);
	KT_ASSERT_EQ(put_file(&fx->ctx, "tiny", data, 511, 0600), 0);
	KT_ASSERT_EQ(vfs_mkdirat(&fx->ctx, NULL, "dir", 0755), 0);

	/* Not a disk: smaller than a sector, a directory. */
	KT_ASSERT_EQ(vfs_openat(&fx->ctx, NULL, "tiny", O_RDONLY, 0, &f), 0);
	KT_ASSERT_EQ(hv_file_disk_init(&d, f, true), -EINVAL);
	file_put(f);
	KT_ASSERT_EQ(vfs_openat(&fx->ctx, NULL, "dir", O_RDONLY, 0, &f), 0);
	KT_ASSERT_EQ(hv_file_disk_init(&d, f, true), -EINVAL);
	file_put(f);

	KT_ASSERT_EQ(vfs_openat(&fx->ctx, NULL, "disk", O_RDWR, 0, &f), 0);
	KT_ASSERT_EQ(hv_file_disk_init(&d, f, false), 0);
	KT_ASSERT_EQ(d.be.size, 4608); /* rounded down to sectors */
	KT_ASSERT_EQ(d.be.read(d.be.ctx, 512, buf, 1024), 0);
	KT_ASSERT(memcmp(buf, data + 512, 1024) == 0);
	/* Past the end, or wrapping: refused without touching the file. */
	KT_ASSERT_EQ(d.be.read(d.be.ctx, 4608, buf, 512), -EIO);
	KT_ASSERT_EQ(d.be.read(d.be.ctx, ~0ull - 511, buf, 1024), -EIO);
	KT_ASSERT_EQ(d.be.write(d.be.ctx, 4608, buf, 512), -EIO);
	memset(buf, 0x5a, 512);
	KT_ASSERT_EQ(d.be.write(d.be.ctx, 1024, buf, 512), 0);
	KT_ASSERT_EQ(d.be.flush(d.be.ctx), 0);

	KT_ASSERT_EQ(vfs_openat(&fx->ctx, NULL, "disk", O_RDONLY, 0, &f), 0);
	KT_ASSERT_EQ(hv_file_disk_init(&ro, f, true), 0);
	KT_ASSERT(ro.be.read_only);
	KT_ASSERT_EQ(ro.be.write(ro.be.ctx, 0, buf, 512), -EIO);
	memset(buf, 0, sizeof(buf));
	KT_ASSERT_EQ(ro.be.read(ro.be.ctx, 1024, buf, 512), 0); /* sees the other disk's write */
	for (int i = 0; i < 512; i++)
		KT_ASSERT_EQ(buf[i], 0x5a);
	hv_file_disk_release(&ro);
	hv_file_disk_release(&d);
}

KTEST(hv_ctl_file_disk)
{
	struct fs_fixture fx;

	KT_ASSERT(fx_init(&fx));
	file_disk_body(kt, &fx);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}
