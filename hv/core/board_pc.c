/* The PC board: which devices a standard VM gets and how they are wired
 * to the VM (buses, interrupt controller, clock, console). */
#include <hv/dev/acpi_pm.h>
#include <hv/dev/i8042.h>
#include <hv/dev/intc.h>
#include <hv/dev/pci.h>
#include <hv/dev/pit.h>
#include <hv/dev/rtc.h>
#include <hv/dev/uart16550.h>
#include <hv/dev/virtio_blk.h>
#include <hv/dev/virtio_console.h>
#include <hv/dev/virtio_net.h>
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <plat/time.h>

#include "vm_internal.h"

struct debug_exit {
	struct hv_vm *vm;
};

static uint64_t debug_exit_read(void *dev, unsigned cpu, uint64_t off, unsigned size)
{
	(void)dev;
	(void)cpu;
	(void)off;
	(void)size;
	return ~0ull;
}

static void debug_exit_write(void *dev, unsigned cpu, uint64_t off, unsigned size, uint64_t v)
{
	struct debug_exit *d = dev;

	(void)cpu;
	(void)off;
	(void)size;
	hv_vm_guest_stop(d->vm, HV_STOP_POWEROFF, (int64_t)v, "guest powered off through the debug exit port");
}

static const struct hv_bus_ops debug_exit_ops = {debug_exit_read, debug_exit_write};

int hv_vm_add_debug_exit(struct hv_vm *vm, uint16_t port)
{
	struct debug_exit *d;
	int err;

	if (vm->state != HV_VM_CREATED)
		return -EBUSY;
	d = kzalloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->vm = vm;
	err = hv_vm_add_cleanup(vm, kfree, d);
	if (err) {
		kfree(d);
		return err;
	}
	return hv_bus_add(&vm->pio, port, 1, &debug_exit_ops, d, "debug-exit");
}

int hv_vm_set_console(struct hv_vm *vm, const struct hv_chr_backend *console)
{
	if (vm->state != HV_VM_CREATED)
		return -EBUSY;
	vm->console = console;
	return 0;
}

#define COM1_PORT    0x3f8
#define COM1_GSI     4
#define DEBUG_EXIT   0xf4
#define CONSOLE_RING 4096

struct pc_board {
	struct hv_vm *vm;
	struct hv_intc intc;
	struct hv_irq irq;
	struct hv_pit pit;
	struct hv_rtc rtc;
	struct hv_i8042 kbd;
	struct hv_acpi_pm pm;
	struct uart16550 com1;
	struct hv_pci_host pci;
	const struct hv_chr_backend *console;
	/* Host input COM1's FIFO could not take yet. */
	uint8_t ring[CONSOLE_RING];
	unsigned ring_head, ring_count;
};

/* ---- wiring to the VM ---- */

static void intc_kick(void *ctx, unsigned cpu)
{
	hv_vm_kick_vcpu(((struct pc_board *)ctx)->vm, cpu);
}

static void intc_startup(void *ctx, unsigned cpu, bool init, uint8_t vector)
{
	hv_vm_vcpu_startup(((struct pc_board *)ctx)->vm, cpu, init, vector);
}

static int src_pending(void *ctx, unsigned cpu)
{
	int v = hv_intc_pending(&((struct pc_board *)ctx)->intc, cpu);

	return v == HV_INTC_NMI ? 256 : v;
}

static void src_ack(void *ctx, unsigned cpu, int vector)
{
	hv_intc_ack(&((struct pc_board *)ctx)->intc, cpu, vector == 256 ? HV_INTC_NMI : vector);
}

static int src_msr_read(void *ctx, unsigned cpu, uint32_t index, uint64_t *value)
{
	return hv_intc_msr_read(&((struct pc_board *)ctx)->intc, cpu, index, value);
}

static int src_msr_write(void *ctx, unsigned cpu, uint32_t index, uint64_t value)
{
	return hv_intc_msr_write(&((struct pc_board *)ctx)->intc, cpu, index, value);
}

static void guest_reset(void *ctx)
{
	hv_vm_guest_stop(((struct pc_board *)ctx)->vm, HV_STOP_RESET, 0, "guest reset the machine");
}

static void guest_poweroff(void *ctx)
{
	hv_vm_guest_stop(((struct pc_board *)ctx)->vm, HV_STOP_POWEROFF, 0, "guest powered off through ACPI (S5)");
}

static uint64_t rtc_wallclock(void *ctx)
{
	(void)ctx;
	return (uint64_t)plat_wallclock_at_boot_ns() + plat_time_ns();
}

/* ---- COM1 ---- */

static void com1_feed(struct pc_board *b)
{
	while (b->ring_count && uart16550_model_receive(&b->com1, b->ring[b->ring_head])) {
		b->ring_head = (b->ring_head + 1) % CONSOLE_RING;
		b->ring_count--;
	}
}

static void com1_tx(void *ctx, uint8_t byte)
{
	struct pc_board *b = ctx;

	if (b->console && b->console->write)
		b->console->write(b->console->ctx, &byte, 1);
}

static void com1_set_irq(void *ctx, bool level)
{
	struct pc_board *b = ctx;

	hv_irq_set(&b->irq, COM1_GSI, level);
}

static void com1_rx_interest(void *ctx, bool interested)
{
	if (interested)
		com1_feed(ctx);
}

static const struct uart16550_backend com1_be = {com1_tx, com1_set_irq, com1_rx_interest};

static uint64_t com1_read(void *dev, unsigned cpu, uint64_t off, unsigned size)
{
	struct pc_board *b = dev;
	uint64_t v;

	(void)cpu;
	(void)size;
	v = uart16550_model_read(&b->com1, (unsigned)off);
	com1_feed(b); /* a read may have made room */
	return v;
}

static void com1_write(void *dev, unsigned cpu, uint64_t off, unsigned size, uint64_t v)
{
	struct pc_board *b = dev;

	(void)cpu;
	(void)size;
	uart16550_model_write(&b->com1, (unsigned)off, (uint8_t)v);
}

static const struct hv_bus_ops com1_ops = {com1_read, com1_write};

void hv_vm_console_input(struct hv_vm *vm, const void *buf, size_t len)
{
	struct pc_board *b = vm->board;
	const uint8_t *p = buf;

	if (!b)
		return;
	mutex_lock(&vm->dev_lock);
	for (size_t i = 0; i < len && b->ring_count < CONSOLE_RING; i++) {
		b->ring[(b->ring_head + b->ring_count) % CONSOLE_RING] = p[i];
		b->ring_count++;
	}
	com1_feed(b);
	mutex_unlock(&vm->dev_lock);
}

/* ---- the board ---- */

static void board_destroy(void *arg)
{
	struct pc_board *b = arg;

	hv_pci_host_destroy(&b->pci);
	hv_rtc_destroy(&b->rtc);
	hv_pit_destroy(&b->pit);
	hv_intc_destroy(&b->intc);
	b->vm->board = NULL;
	kfree(b);
}

static void ram_split(const struct gmem *m, uint64_t *below_4g, uint64_t *above_4g)
{
	*below_4g = *above_4g = 0;
	for (unsigned i = 0; i < m->n; i++) {
		const struct gmem_region *r = &m->region[i];

		if (r->kind != GMEM_RAM)
			continue;
		if (r->gpa < (1ull << 32))
			*below_4g += MIN(r->size, (1ull << 32) - r->gpa);
		if (r->gpa + r->size > (1ull << 32))
			*above_4g += r->gpa + r->size - MAX(r->gpa, 1ull << 32);
	}
}

static int board_attach(struct hv_vm *vm, struct pc_board *b)
{
	const struct hv_intc_backend intc_be = {intc_kick, intc_startup, b};
	const struct hv_rtc_backend rtc_be = {rtc_wallclock, b};
	const struct hv_i8042_backend kbd_be = {guest_reset, NULL, b};
	const struct hv_acpi_pm_backend pm_be = {guest_poweroff, b};
	const struct hv_vm_intr_source src = {src_pending, src_ack, src_msr_read, src_msr_write, b};
	uint64_t below, above;
	int err;

	err = hv_intc_init(&b->intc, vm->ncpus, &vm->clock, &intc_be);
	if (!err)
		hv_intc_set_tsc_base(&b->intc, vm->tsc_khz, vm->tsc_zero, vm->tsc_base); /* what RDTSC reads */
	if (!err)
		err = hv_intc_attach(&b->intc, &vm->pio, &vm->mmio);
	if (err)
		return err;
	b->irq = hv_intc_irq(&b->intc);
	hv_pit_init(&b->pit, &vm->clock, &b->irq);
	ram_split(&vm->gmem, &below, &above);
	hv_rtc_init(&b->rtc, &vm->clock, &b->irq, &rtc_be);
	hv_rtc_set_memory(&b->rtc, below, above);
	hv_i8042_init(&b->kbd, &b->irq, &kbd_be);
	uart16550_model_init(&b->com1, &com1_be, b);
	hv_acpi_pm_init(&b->pm, &pm_be);
	err = hv_pit_attach(&b->pit, &vm->pio);
	if (!err)
		err = hv_rtc_attach(&b->rtc, &vm->pio);
	if (!err)
		err = hv_i8042_attach(&b->kbd, &vm->pio);
	if (!err)
		err = hv_bus_add(&vm->pio, COM1_PORT, 8, &com1_ops, b, "com1");
	if (!err)
		err = hv_acpi_pm_attach(&b->pm, &vm->pio);
	if (!err)
		err = hv_pci_host_init(&b->pci, &vm->pio, &vm->mmio, &b->irq, HV_PCI_ECAM_DEFAULT);
	if (err)
		return err;
	b->pci.reset = guest_reset;
	b->pci.reset_ctx = b;
	err = hv_vm_add_debug_exit(vm, DEBUG_EXIT);
	if (err)
		return err;
	vm->intr = src;
	vm->has_intr = true;
	return 0;
}

int hv_vm_add_pc_devices(struct hv_vm *vm, const struct hv_chr_backend *console)
{
	struct pc_board *b;
	int err;

	mutex_lock(&vm->ctl);
	err = vm->state != HV_VM_CREATED ? -EBUSY : vm->board ? -EEXIST : 0;
	if (err)
		goto out;
	err = -ENOMEM;
	b = kzalloc(sizeof(*b));
	if (!b)
		goto out;
	b->vm = vm;
	b->console = console;
	vm->board = b;
	vm->console = console;
	/* The cleanup owns b from here, whatever happens below. */
	err = hv_vm_add_cleanup(vm, board_destroy, b);
	if (err) {
		vm->board = NULL;
		kfree(b);
		goto out;
	}
	err = board_attach(vm, b);
	if (!err)
		err = hv_vm_set_cpuid_features(vm, HV_CPUID_F_TSC_DEADLINE);
out:
	mutex_unlock(&vm->ctl);
	return err;
}

static struct hv_pci_host *board_pci(struct hv_vm *vm)
{
	struct pc_board *b = vm->board;

	return b ? &b->pci : NULL;
}

struct hv_pci_host *hv_vm_pci_host(struct hv_vm *vm)
{
	return board_pci(vm);
}

static void blk_destroy(void *d)
{
	virtio_blk_destroy(d);
}

static void net_destroy(void *d)
{
	virtio_net_destroy(d);
}

static void console_destroy(void *d)
{
	virtio_console_destroy(d);
}

/* The virtio devices sit on the PC board's PCI bus. */
static int add_virtio(struct hv_vm *vm, int (*create)(struct hv_vm *, struct hv_pci_host *, const void *, void **),
                      void (*destroy)(void *), const void *be)
{
	void *dev = NULL;
	int err;

	mutex_lock(&vm->ctl);
	if (vm->state != HV_VM_CREATED)
		err = -EBUSY;
	else if (!board_pci(vm) || !be)
		err = -EINVAL; /* hv_vm_add_pc_devices first */
	else
		err = create(vm, board_pci(vm), be, &dev);
	if (!err) {
		err = hv_vm_add_cleanup(vm, destroy, dev);
		if (err)
			destroy(dev);
	}
	mutex_unlock(&vm->ctl);
	return err;
}

static int create_blk(struct hv_vm *vm, struct hv_pci_host *h, const void *be, void **out)
{
	return virtio_blk_create(h, &vm->gmem, be, (struct virtio_blk **)out);
}

static int create_net(struct hv_vm *vm, struct hv_pci_host *h, const void *be, void **out)
{
	return virtio_net_create(h, &vm->gmem, be, (struct virtio_net **)out);
}

static int create_console(struct hv_vm *vm, struct hv_pci_host *h, const void *be, void **out)
{
	return virtio_console_create(h, &vm->gmem, be, (struct virtio_console **)out);
}

int hv_vm_add_virtio_blk(struct hv_vm *vm, const struct hv_blk_backend *be)
{
	return add_virtio(vm, create_blk, blk_destroy, be);
}

int hv_vm_add_virtio_net(struct hv_vm *vm, const struct hv_frame_backend *be)
{
	return add_virtio(vm, create_net, net_destroy, be);
}

int hv_vm_add_virtio_console(struct hv_vm *vm, const struct hv_chr_backend *be)
{
	return add_virtio(vm, create_console, console_destroy, be);
}
