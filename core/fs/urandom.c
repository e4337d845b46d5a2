/* /dev/urandom and /dev/random: a ChaCha20 generator with fast key erasure
 * (every request first replaces the global key, so earlier output cannot be
 * recomputed from a later state).
 *
 * NOT YET A REAL ENTROPY SOURCE: the key is seeded at boot from
 * plat_time_ns() and the kernel's seed= option, which an observer can guess
 * (and which --time=virtual makes fully deterministic). Writes to the device
 * mix data into the key. A hardware source (RDRAND/RDSEED, virtio-rng,
 * interrupt timing) is still to come. */
#include <kern/random.h>
#include <kern/string.h>
#include <plat/time.h>

#include "fs_internal.h"

static spinlock_t rng_lock = SPINLOCK_INIT("urandom");
static uint32_t rng_key[8];
static uint64_t rng_counter;

static uint32_t rotl(uint32_t v, int n)
{
	return (v << n) | (v >> (32 - n));
}

#define QR(a, b, c, d)                                                                                                 \
	do {                                                                                                           \
		a += b;                                                                                                \
		d = rotl(d ^ a, 16);                                                                                   \
		c += d;                                                                                                \
		b = rotl(b ^ c, 12);                                                                                   \
		a += b;                                                                                                \
		d = rotl(d ^ a, 8);                                                                                    \
		c += d;                                                                                                \
		b = rotl(b ^ c, 7);                                                                                    \
	} while (0)

void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3], uint8_t out[64])
{
	uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, key[0],  key[1],   key[2],   key[3],
	                   key[4],     key[5],     key[6],     key[7],     counter, nonce[0], nonce[1], nonce[2]};
	uint32_t x[16];

	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t v = x[i] + in[i];
		out[4 * i] = (uint8_t)v;
		out[4 * i + 1] = (uint8_t)(v >> 8);
		out[4 * i + 2] = (uint8_t)(v >> 16);
		out[4 * i + 3] = (uint8_t)(v >> 24);
	}
}

/* One block from the global key: the first half becomes the new global
 * key, the second half is handed out (rng_lock held). */
static void rekey_locked(uint32_t out_key[8])
{
	uint32_t nonce[3] = {(uint32_t)(rng_counter >> 32), 0, 0};
	uint8_t block[64];

	chacha20_block(rng_key, (uint32_t)rng_counter, nonce, block);
	rng_counter++;
	memcpy(rng_key, block, 32);
	if (out_key)
		memcpy(out_key, block + 32, 32);
	memset(block, 0, sizeof(block));
}

void krandom_init(void)
{
	struct prng mix;

	prng_seed(&mix, kernel_seed() ^ (plat_time_ns() * 0x9e3779b97f4a7c15ULL));
	spin_lock(&rng_lock);
	for (int i = 0; i < 8; i += 2) {
		uint64_t v = prng_next(&mix);
		rng_key[i] ^= (uint32_t)v;
		rng_key[i + 1] ^= (uint32_t)(v >> 32);
	}
	rekey_locked(NULL);
	spin_unlock(&rng_lock);
}

void krandom_bytes(void *buf, size_t len)
{
	uint32_t key[8], nonce[3] = {0, 0, 0};
	uint8_t block[64];
	uint32_t counter = 0;

	spin_lock(&rng_lock);
	rekey_locked(key);
	spin_unlock(&rng_lock);
	/* The request's own key: generated without holding the lock. */
	for (size_t done = 0; done < len; counter++) {
		size_t n = MIN(len - done, sizeof(block));
		if (counter == 0xffffffffU) {
			nonce[0]++;
			counter = 0;
		}
		chacha20_block(key, counter, nonce, block);
		memcpy((uint8_t *)buf + done, block, n);
		done += n;
	}
	memset(block, 0, sizeof(block));
	memset(key, 0, sizeof(key));
}

static void krandom_mix(const void *data, size_t len)
{
	const uint8_t *p = data;

	spin_lock(&rng_lock);
	while (len) {
		size_t n = MIN(len, sizeof(rng_key));
		for (size_t i = 0; i < n; i++)
			((uint8_t *)rng_key)[i] ^= p[i];
		rekey_locked(NULL);
		p += n;
		len -= n;
	}
	spin_unlock(&rng_lock);
}

static ssize_t urandom_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
	krandom_bytes(buf, len);
	return (ssize_t)len;
}

static ssize_t urandom_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
	krandom_mix(buf, len);
	return (ssize_t)len;
}

const struct file_ops urandom_fops = {
    .read = urandom_read,
    .write = urandom_write,
    .llseek = vfs_noop_llseek,
};
