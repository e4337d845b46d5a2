/* Extended page tables in Intel's format (hv/core/nested_pt.c builds them):
 * write-back leaves, 2 MiB pages when the CPU has them; read-only chunks
 * (ROM) lack W. Unmapped addresses exit with an EPT violation. An entry is
 * present when any of R, W, X is set. */
#include <plat/virt.h>

#include "vmx_internal.h"

static const struct nested_pt_format ept_format = {
    .present = EPT_R | EPT_W | EPT_X,
    .table = EPT_R | EPT_W | EPT_X,
    .leaf = EPT_R | EPT_X | EPT_MT_WB,
    .write = EPT_W,
    .large = EPT_LARGE,
};

int vmx_ept_init(struct vmx_vm *vm)
{
	int err = nested_pt_init(&vm->ept, &ept_format, vm->caps.ept_2m, "vmx-ept");

	vm->eptp = vm->ept.root | EPTP_WALK4 | EPTP_WB;
	return err;
}

void vmx_ept_destroy(struct vmx_vm *vm)
{
	nested_pt_destroy(&vm->ept);
}

int vmx_ept_map(struct vmx_vm *vm, uint64_t gpa, paddr_t hpa, uint64_t size, bool writable)
{
	return nested_pt_map(&vm->ept, gpa, hpa, size, writable);
}

int vmx_ept_unmap(struct vmx_vm *vm, uint64_t gpa, uint64_t size)
{
	return nested_pt_unmap(&vm->ept, gpa, size);
}

paddr_t vmx_ept_translate(struct vmx_vm *vm, uint64_t gpa, bool write)
{
	return nested_pt_translate(&vm->ept, gpa, write);
}

void vmx_flush(struct vmx_vcpu *v, bool ept, bool vpid)
{
	const struct vmx_vm *vm = v->vm;

	if (ept)
		plat_vmx_invept(vm->caps.ept_vpid & EPT_CAP_INVEPT_CTX ? INVEPT_SINGLE : INVEPT_ALL, vm->eptp);
	if (vpid && v->vpid)
		plat_vmx_invvpid(vm->caps.ept_vpid & VPID_CAP_CTX ? INVVPID_SINGLE : INVVPID_ALL, v->vpid);
}
