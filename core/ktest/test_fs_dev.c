/* File-system self tests: character devices, the random generator, poll. */
#include <kern/sync.h>

#include "test_fs.h"

void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3], uint8_t out[64]);

KTEST(fs_chacha20_rfc7539)
{
	/* RFC 7539 section 2.3.2 (also what `openssl enc -chacha20` gives). */
	static const uint8_t expect[64] = {0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3,
	                                   0x20, 0x71, 0xc4, 0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22,
	                                   0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e, 0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa,
	                                   0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2, 0xb5, 0x12, 0x9c, 0xd1,
	                                   0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e};
	uint32_t key[8], nonce[3] = {0x09000000, 0x4a000000, 0};
	uint8_t out[64];

	for (int i = 0; i < 8; i++)
		key[i] = (uint32_t)(4 * i) | (uint32_t)(4 * i + 1) << 8 | (uint32_t)(4 * i + 2) << 16 |
		         (uint32_t)(4 * i + 3) << 24;
	chacha20_block(key, 1, nonce, out);
	KT_ASSERT(memcmp(out, expect, 64) == 0);
}

static void memdev_body(struct ktest_ctx *kt, struct fs_fixture *fx)
{
	const struct vfs_ctx *c = &fx->ctx;
	static uint8_t buf[1000], buf2[1000];
	struct file *f;
	int zeros = 0;

	KT_ASSERT_EQ(chrdev_populate(fx->sb->root), 0);
	/* null */
	KT_ASSERT_EQ(vfs_openat(c, NULL, "null", O_RDWR, 0, &f), 0);
	KT_ASSERT_EQ(vfs_read(f, buf, sizeof(buf)), 0);
	KT_ASSERT_EQ(vfs_write(f, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	KT_ASSERT_EQ(vfs_lseek(f, 123, SEEK_SET), 0);
	KT_ASSERT_EQ(vfs_pwrite(f, buf, 10, 5), 10);
	KT_ASSERT_EQ(vfs_poll(f, NULL), POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
	file_put(f);
	/* zero */
	KT_ASSERT_EQ(vfs_openat(c, NULL, "zero", O_RDONLY, 0, &f), 0);
	memset(buf, 0xaa, sizeof(buf));
	KT_ASSERT_EQ(vfs_read(f, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		KT_ASSERT_EQ(buf[i], 0);
	file_put(f);
	/* full */
	KT_ASSERT_EQ(vfs_openat(c, NULL, "full", O_RDWR, 0, &f), 0);
	KT_ASSERT_EQ(vfs_write(f, buf, 1), -ENOSPC);
	KT_ASSERT_EQ(vfs_read(f, buf, 10), 10);
	file_put(f);
	/* urandom: two reads differ and look random (few zero bytes). */
	KT_ASSERT_EQ(vfs_openat(c, NULL, "urandom", O_RDWR, 0, &f), 0);
	KT_ASSERT_EQ(vfs_read(f, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	KT_ASSERT_EQ(vfs_write(f, "mix", 3), 3);
	KT_ASSERT_EQ(vfs_read(f, buf2, sizeof(buf2)), (ssize_t)sizeof(buf2));
	KT_ASSERT(memcmp(buf, buf2, sizeof(buf)) != 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		zeros += buf[i] == 0;
	KT_ASSERT(zeros < 20);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_SET), 0);
	file_put(f);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "random", O_RDONLY, 0, &f), 0);
	KT_ASSERT_EQ(vfs_read(f, buf, 33), 33);
	file_put(f);
	/* A node whose number nobody registered; a FIFO with no pipe code. */
	KT_ASSERT_EQ(vfs_mknodat(c, NULL, "nodev", S_IFCHR | 0666, kdev_make(250, 250)), 0);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "nodev", O_RDONLY, 0, &f), -ENXIO);
	const char *names[] = {"null", "zero", "full", "random", "urandom", "nodev"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		KT_ASSERT_EQ(vfs_unlinkat(c, NULL, names[i], 0), 0);
}

KTEST(fs_memory_devices)
{
	struct fs_fixture fx;
	KT_ASSERT(fx_init(&fx));
	memdev_body(kt, &fx);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}

/* A test device: a tty-like stream (no lseek) with a readiness flag and a
 * wait queue, registered and unregistered through the public registry. */
static struct waitqueue test_wq;
static volatile bool test_ready;
static int test_opens, test_releases;

static int testdev_open(struct inode *ip, struct file *f)
{
	test_opens++;
	f->private_data = &test_wq;
	return 0;
}

static void testdev_release(struct file *f)
{
	test_releases++;
}

static ssize_t testdev_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	if (!test_ready)
		return -EAGAIN;
	memset(buf, 'T', len);
	return (ssize_t)len;
}

static unsigned testdev_poll(struct file *f, struct poll_table *pt)
{
	poll_table_add(pt, f->private_data);
	return test_ready ? POLLIN | POLLRDNORM : 0;
}

static long testdev_ioctl(struct file *f, unsigned cmd, uintptr_t arg)
{
	return cmd == 42 ? (long)arg : -ENOTTY;
}

static const struct file_ops testdev_fops = {
    .open = testdev_open,
    .release = testdev_release,
    .read = testdev_read,
    .poll = testdev_poll,
    .ioctl = testdev_ioctl,
};

static void chrdev_body(struct ktest_ctx *kt, struct fs_fixture *fx)
{
	const struct vfs_ctx *c = &fx->ctx;
	struct poll_table pt = {0, {NULL}};
	struct file *f;
	char buf[4];

	waitqueue_init(&test_wq);
	test_ready = false;
	test_opens = test_releases = 0;
	KT_ASSERT_EQ(chrdev_register(1, 3, "dup", &testdev_fops), -EEXIST); /* /dev/null's number */
	KT_ASSERT_EQ(chrdev_register(240, 0, "a/b", &testdev_fops), -EINVAL);
	KT_ASSERT_EQ(chrdev_register(240, 0, "", &testdev_fops), -EINVAL);
	KT_ASSERT_EQ(chrdev_register(240, 0, "testdev", &testdev_fops), 0);
	KT_ASSERT_EQ(vfs_mknodat(c, NULL, "t", S_IFCHR | 0600, kdev_make(240, 0)), 0);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "t", O_RDONLY, 0, &f), 0);
	KT_ASSERT_EQ(test_opens, 1);
	KT_ASSERT_EQ(vfs_read(f, buf, 4), -EAGAIN);
	KT_ASSERT_EQ(vfs_poll(f, &pt), 0);
	KT_ASSERT_EQ(pt.count, 1);
	KT_ASSERT(pt.queues[0] == &test_wq);
	KT_ASSERT_EQ(vfs_poll(f, &pt), 0);
	KT_ASSERT_EQ(pt.count, 1); /* no duplicates */
	test_ready = true;
	KT_ASSERT_EQ(vfs_poll(f, NULL), POLLIN | POLLRDNORM);
	KT_ASSERT_EQ(vfs_read(f, buf, 4), 4);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_SET), -ESPIPE);
	KT_ASSERT_EQ(vfs_pread(f, buf, 4, 0), -ESPIPE);
	KT_ASSERT_EQ(vfs_write(f, buf, 4), -EBADF);
	KT_ASSERT_EQ(vfs_ioctl(f, 42, 7), 7);
	KT_ASSERT_EQ(vfs_ioctl(f, 43, 7), -ENOTTY);
	file_put(f);
	KT_ASSERT_EQ(test_releases, 1);
	KT_ASSERT_EQ(chrdev_unregister(240, 0), 0);
	KT_ASSERT_EQ(chrdev_unregister(240, 0), -ENODEV);
	KT_ASSERT_EQ(vfs_openat(c, NULL, "t", O_RDONLY, 0, &f), -ENXIO);
	KT_ASSERT_EQ(vfs_unlinkat(c, NULL, "t", 0), 0);
}

KTEST(fs_chrdev_registry)
{
	struct fs_fixture fx;
	KT_ASSERT(fx_init(&fx));
	chrdev_body(kt, &fx);
	KT_ASSERT_EQ(fx_fini(&fx), 0);
}
