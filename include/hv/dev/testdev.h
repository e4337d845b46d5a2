/* A test device for guests that check the hypervisor (tests/guests/), in the
 * spirit of QEMU's pc-testdev: it lets a guest see exactly which accesses
 * reached a device and with which size and value.
 *
 * Ports HV_TESTDEV_PORT + ...:
 *   0x0  latch (1/2/4 bytes): reads return the last value written
 *   0x4  byte sink (write 1: appended) / byte source (read 1: 0, 1, 2, ...)
 *   0x8  read: bytes in the sink; write: empties the sink, restarts the source
 *   0xc  read: sum over the sink of byte * (index + 1) (checks the order)
 * MMIO page at HV_TESTDEV_MMIO:
 *   0x000-0x0ff  scratch memory, any size 1/2/4/8 inside it
 *   0x100 offset, 0x108 size, 0x110 write?, 0x118 value of the last scratch
 *   access; 0x120 number of scratch accesses (reading these counts none) */
#ifndef HV_DEV_TESTDEV_H
#define HV_DEV_TESTDEV_H
#include <hv/bus.h>
#include <kern/types.h>

#define HV_TESTDEV_PORT      0xe0
#define HV_TESTDEV_PORTS     16
#define HV_TESTDEV_MMIO      0xfeb00000ull
#define HV_TESTDEV_MMIO_SIZE 0x1000
#define HV_TESTDEV_SCRATCH   0x100
#define HV_TESTDEV_SINK      64

struct hv_testdev {
	uint32_t latch;
	uint8_t sink[HV_TESTDEV_SINK];
	unsigned sink_len;
	uint8_t source_next;
	uint8_t scratch[HV_TESTDEV_SCRATCH];
	uint64_t last_offset, last_size, last_write, last_value, count;
};

void hv_testdev_init(struct hv_testdev *d);
/* Claims its ports and its MMIO page. */
int hv_testdev_attach(struct hv_testdev *d, struct hv_bus *pio, struct hv_bus *mmio);
#endif
