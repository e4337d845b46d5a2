/* The PC board: which devices a standard VM gets and how they are wired
 * to the VM (buses, interrupt controller, clock, console). */
#include <kern/errno.h>

#include "vm_internal.h"

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
