/* The VM-exit fuzz harness (docs/fuzzing.md): a PC-board VM with virtio
 * blk/net/console on the simulated backend, created once before the
 * kernel's snapshot and driven one exit at a time (hv_vm_step) by the
 * operations an input decodes into. */
#ifndef FUZZ_VMEXIT_H
#define FUZZ_VMEXIT_H
#include <hv/dev/virtio.h>
#include <hv/step.h>

/* Guest physical layout (all in RAM at 0). */
#define VX_NCPUS     2
#define VX_RAM_SIZE  (4ull << 20)
#define VX_PML4      0x1000ull /* long-mode tables: PML4, PDPT, 4 PDs of 2 MiB pages */
#define VX_PDPT      0x2000ull
#define VX_PD        0x3000ull   /* identity map of 0..4 GiB */
#define VX_PAE_PDPT  0x7000ull   /* the same PDs for 32-bit PAE paging */
#define VX_CODE      0x8000ull   /* instruction bytes for MMIO emulation */
#define VX_RINGS     0x100000ull /* default virtqueue rings: 16 KiB per (device, queue) */
#define VX_DATA      0x200000ull /* buffers descriptors point at */
#define VX_DATA_SIZE 0x10000ull
#define VX_ROM       0xffff0000ull /* 64 KiB of ROM below 4 GiB */
#define VX_DISK_SIZE (64u << 10)
#define VX_NVIRTIO   3

/* Input bytes, consumed from the front; past the end everything reads 0. */
struct rd {
	const uint8_t *p, *end;
};
unsigned rd8(struct rd *r);
uint64_t rdn(struct rd *r, unsigned bytes);
bool rd_more(const struct rd *r);
/* A value of up to `size` bytes biased toward boundaries (0, 1, all
 * ones, sign bits, powers of two) or read raw. */
uint64_t rd_value(struct rd *r, unsigned size);

struct vx_board {
	struct hv_vm *vm;
	struct hv_pci_host *pci;
	struct virtio_dev *virtio[VX_NVIRTIO]; /* blk, net, console */
	struct virtio_net *net;
	struct virtio_console *con;
	uint8_t *disk; /* the RAM disk behind virtio-blk (kernel memory: reset with it) */
	uint64_t console_bytes, frames_sent, disk_ops;
};
extern struct vx_board vx;
extern bool vx_trace;

/* board.c: builds the VM (in the kernel's init thread, before the snapshot). */
void vx_board_setup(void);
/* Where BAR `bar` of virtio device `d` is mapped now (0: not mapped). */
uint64_t vx_virtio_bar(unsigned d, unsigned bar);

/* ops.c: runs one input against the VM. */
void vx_run(const uint8_t *data, size_t size);
extern const struct hv_sim_script vx_script;
/* CPU modes an input can put a vCPU in (the emulator's fetch and page
 * walk depend on them). */
enum vx_mode { VX_MODE_REAL, VX_MODE_FLAT32, VX_MODE_LONG64, VX_MODE_COMPAT, VX_MODE_PAE32, VX_MODE_COUNT };
void vx_mode_sregs(enum vx_mode mode, struct hv_sregs *s);
#endif
