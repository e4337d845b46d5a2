/* The PC board: which devices a standard VM gets and how they are wired
 * to the VM (buses, interrupt controller, clock, console). */
#include <kern/errno.h>
#include <kern/mm.h>

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

int hv_vm_add_pc_devices(struct hv_vm *vm, const struct hv_chr_backend *console)
{
	(void)vm;
	(void)console;
	return -ENOSYS;
}

void hv_vm_console_input(struct hv_vm *vm, const void *buf, size_t len)
{
	(void)vm;
	(void)buf;
	(void)len;
}

int hv_vm_add_virtio_blk(struct hv_vm *vm, const struct hv_blk_backend *be)
{
	(void)vm;
	(void)be;
	return -ENOSYS;
}

int hv_vm_add_virtio_net(struct hv_vm *vm, const struct hv_frame_backend *be)
{
	(void)vm;
	(void)be;
	return -ENOSYS;
}

int hv_vm_add_virtio_console(struct hv_vm *vm, const struct hv_chr_backend *be)
{
	(void)vm;
	(void)be;
	return -ENOSYS;
}
