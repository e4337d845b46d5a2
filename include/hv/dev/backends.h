/* Host back ends of the device models: where a virtual disk's blocks, a
 * virtual NIC's frames and a virtual console's bytes come from and go to.
 * Input flows the other way through the device's own receive function,
 * called by the owner with the device mutex held. */
#ifndef HV_DEV_BACKENDS_H
#define HV_DEV_BACKENDS_H
#include <kern/types.h>

/* A block device of `size` bytes. read/write take byte offsets and lengths
 * that are multiples of 512 within the size; they return 0 or -EIO. */
struct hv_blk_backend {
	uint64_t size;
	bool read_only;
	int (*read)(void *ctx, uint64_t offset, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t offset, const void *buf, size_t len);
	int (*flush)(void *ctx);
	void *ctx;
};

/* Ethernet frames (no FCS). send returns 0 or a negative errno (the frame
 * is dropped then, as on a wire). */
struct hv_frame_backend {
	uint8_t mac[6];
	int (*send)(void *ctx, const void *frame, size_t len);
	void *ctx;
};

/* A byte stream (virtio-console port, multiplexed serial). */
struct hv_chr_backend {
	void (*write)(void *ctx, const void *buf, size_t len);
	void *ctx;
};
#endif
