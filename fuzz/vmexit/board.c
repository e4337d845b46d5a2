/* The VM every input starts from: 2 vCPUs on the simulated backend, 4 MiB
 * of RAM with long-mode page tables, 64 KiB of ROM, the PC board and
 * virtio blk/net/console on RAM-backed fake back ends that check the
 * contract the device models promise them (include/hv/dev/backends.h).
 * Built once in the kernel's init thread; the kernel snapshot taken right
 * after puts it back after every input. */
#include <hv/dev/virtio_pci.h>
#include <kern/mm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/kfuzz.h"
#include "vmexit.h"

struct vx_board vx;
bool vx_trace;

/* A device model broke its back end's contract: a bug in the model. */
static void contract(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "vmexit: back-end contract broken: %s\n", what);
		abort();
	}
}

static int disk_rw(uint64_t off, size_t len)
{
	contract(off % 512 == 0 && len % 512 == 0, "disk access not in whole sectors");
	contract(off <= VX_DISK_SIZE && len <= VX_DISK_SIZE - off, "disk access past the end");
	vx.disk_ops++;
	return 0;
}

static int disk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	(void)ctx;
	disk_rw(off, len);
	memcpy(buf, vx.disk + off, len);
	return 0;
}

static int disk_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	(void)ctx;
	disk_rw(off, len);
	memcpy(vx.disk + off, buf, len);
	return 0;
}

static int disk_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

static int net_send(void *ctx, const void *frame, size_t len)
{
	static uint8_t wire[65536];

	(void)ctx;
	contract(len > 0 && len <= sizeof(wire), "frame length");
	memcpy(wire, frame, len); /* the whole frame must be readable */
	vx.frames_sent++;
	if (vx_trace)
		fprintf(stderr, "    [net: frame of %zu bytes sent]\n", len);
	return 0;
}

static void chr_write(void *ctx, const void *buf, size_t len)
{
	vx.console_bytes += len;
	if (vx_trace)
		fprintf(stderr, "    [%s: %zu bytes \"%.*s\"]\n", (const char *)ctx, len, (int)(len > 64 ? 64 : len),
		        (const char *)buf);
}

static struct hv_blk_backend blk_be = {VX_DISK_SIZE, false, disk_read, disk_write, disk_flush, NULL};
static struct hv_frame_backend net_be = {{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, net_send, NULL};
static const struct hv_chr_backend com1_be = {chr_write, "com1"};
static const struct hv_chr_backend vcon_be = {chr_write, "virtio-console"};

static void check(int err, const char *what)
{
	if (err) {
		fprintf(stderr, "vmexit: setup: %s failed (%d)\n", what, err);
		abort();
	}
}

/* Identity map of 0..4 GiB with 2 MiB pages, for long mode and PAE: every MMIO hole is reachable
 * from long mode. The fuzzer may overwrite the tables (guest memory). */
static void page_tables(struct gmem *m)
{
	uint64_t e;

	e = VX_PDPT | 0x7; /* present, writable, user */
	check(gmem_write(m, VX_PML4, &e, 8), "PML4");
	for (uint64_t i = 0; i < 4; i++) {
		e = (VX_PD + i * 0x1000) | 0x7;
		check(gmem_write(m, VX_PDPT + i * 8, &e, 8), "PDPT");
		e = (VX_PD + i * 0x1000) | 0x1; /* PAE: only P in a PDPTE */
		check(gmem_write(m, VX_PAE_PDPT + i * 8, &e, 8), "PAE PDPT");
		for (uint64_t j = 0; j < 512; j++) {
			e = ((i << 30) + (j << 21)) | 0x87; /* 2 MiB page */
			check(gmem_write(m, VX_PD + i * 0x1000 + j * 8, &e, 8), "PD");
		}
	}
}

/* The guest's RAM is put back from its dirty log, not by the snapshot's
 * page tracking: every write to it goes through gmem (the harness's ops,
 * the emulator, device DMA), which marks the page, and the reset then
 * scans half as much RAM. The log itself is kernel memory the reset puts
 * back clean. KFUZZ_VERIFY=1 (run by `make test-fuzz`) compares all of
 * RAM with the snapshot after each reset, so a write the log missed fails
 * there. */
static uint64_t *ram_dirty; /* outside the kernel: the pointers stay */
static uint64_t ram_hpa[VX_RAM_SIZE / GMEM_CHUNK];

static void restore_guest_ram(void)
{
	for (unsigned w = 0; w < VX_RAM_SIZE / GMEM_PAGE / 64; w++) {
		for (uint64_t bits = ram_dirty[w]; bits; bits &= bits - 1) {
			uint64_t gpa = ((uint64_t)w * 64 + (unsigned)__builtin_ctzll(bits)) * GMEM_PAGE;
			kfuzz_snapshot_restore_ram(ram_hpa[gpa / GMEM_CHUNK] + gpa % GMEM_CHUNK, GMEM_PAGE);
		}
	}
}

static void track_guest_ram(void)
{
	struct gmem *m = hv_vm_gmem(vx.vm);
	const struct gmem_region *r = gmem_find(m, 0);
	uint64_t bits[VX_RAM_SIZE / GMEM_PAGE / 64];

	check(!r || r->gpa != 0 || r->size != VX_RAM_SIZE || !r->dirty || m->region != r, "finding guest RAM");
	check(gmem_dirty_take(m, 0, bits, sizeof(bits) / sizeof(bits[0])) < 0, "clearing the dirty log");
	for (unsigned i = 0; i < VX_RAM_SIZE / GMEM_CHUNK; i++) {
		ram_hpa[i] = r->chunk[i];
		kfuzz_snapshot_exclude_ram(r->chunk[i], GMEM_CHUNK);
	}
	ram_dirty = r->dirty;
	kfuzz_set_restore_hook(restore_guest_ram);
}

/* The host bridge is the device behind ports 0xcf8-0xcff. */
static struct hv_pci_host *find_pci_host(struct hv_vm *vm)
{
	const struct hv_bus_range *r = hv_bus_find(hv_vm_pio_bus(vm), 0xcf8);

	return r ? r->dev : NULL;
}

uint64_t vx_virtio_bar(unsigned d, unsigned bar)
{
	struct virtio_dev *v = vx.virtio[d % VX_NVIRTIO];

	return v && v->pci.bar[bar].mapped ? v->pci.bar[bar].mapped_at : 0;
}

void vx_board_setup(void)
{
	struct hv_vm_config cfg = {"fuzz", VX_NCPUS, VX_RAM_SIZE + (1 << 20), &hv_backend_sim};
	struct hv_regs r;
	struct hv_sregs s;
	int err = 0;

	hv_backend_sim_set_script(&vx_script);
	vx.vm = hv_vm_create(&cfg, &err);
	check(err, "hv_vm_create");
	check(hv_vm_add_memory(vx.vm, 0, VX_RAM_SIZE, GMEM_RAM, "ram"), "RAM");
	check(hv_vm_add_memory(vx.vm, VX_ROM, 0x10000, GMEM_ROM, "rom"), "ROM");
	page_tables(hv_vm_gmem(vx.vm));
	vx.disk = kzalloc(VX_DISK_SIZE);
	check(!vx.disk, "disk");
	for (unsigned i = 0; i < VX_DISK_SIZE; i += 512)
		memcpy(vx.disk + i, "MACROHARD fuzz disk sector", 26);
	check(hv_vm_add_pc_devices(vx.vm, &com1_be), "PC devices");
	check(hv_vm_add_virtio_blk(vx.vm, &blk_be), "virtio-blk");
	check(hv_vm_add_virtio_net(vx.vm, &net_be), "virtio-net");
	check(hv_vm_add_virtio_console(vx.vm, &vcon_be), "virtio-console");
	vx.pci = find_pci_host(vx.vm);
	check(!vx.pci, "finding the PCI host");
	for (unsigned slot = 1; slot < HV_PCI_SLOTS; slot++) {
		struct hv_pci_dev *d = vx.pci->slot[slot];
		struct virtio_dev *v = d ? d->priv : NULL;

		if (!v)
			continue;
		switch (v->device_id) {
		case VIRTIO_ID_BLOCK: vx.virtio[0] = v; break;
		case VIRTIO_ID_NET:
			vx.virtio[1] = v;
			vx.net = v->priv;
			break;
		case VIRTIO_ID_CONSOLE:
			vx.virtio[2] = v;
			vx.con = v->priv;
			break;
		}
	}
	check(!vx.virtio[0] || !vx.virtio[1] || !vx.virtio[2], "finding the virtio devices");
	/* vCPU 0 starts in long mode at the code area (inputs may change it). */
	hv_regs_reset(&r, &s);
	vx_mode_sregs(VX_MODE_LONG64, &s);
	r.rip = VX_CODE;
	check(hv_vm_set_boot_state(vx.vm, 0, &r, &s), "boot state");
	check(hv_vm_start_stepped(vx.vm), "hv_vm_start_stepped");
	track_guest_ram();
}
