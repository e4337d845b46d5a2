/* Hypercalls (include/hv/hypercall.h). */
#include <hv/hypercall.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/printf.h>

#include "vm_internal.h"

#define R_RAX 0
#define R_RDX 2
#define R_RSI 6
#define R_RDI 7
#define R_R10 10

static int64_t console_write(struct hv_vcpu *v, uint64_t addr, uint64_t len)
{
	struct hv_vm *vm = v->vm;
	struct hv_sregs s;
	uint8_t *buf;
	int64_t ret;

	if (len > HV_HC_CONSOLE_MAX)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (vm->be->get_sregs(v->priv, &s))
		return -EIO;
	buf = kmalloc(len);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&vm->dev_lock);
	if (hv_guest_read_linear(v, &s, addr, buf, len)) {
		ret = -EFAULT;
	} else {
		if (vm->console && vm->console->write)
			vm->console->write(vm->console->ctx, buf, len);
		ret = (int64_t)len;
	}
	mutex_unlock(&vm->dev_lock);
	kfree(buf);
	return ret;
}

void hv_hypercall(struct hv_vcpu *v)
{
	struct hv_vm *vm = v->vm;
	struct hv_regs r;
	int64_t ret;

	if (vm->be->get_regs(v->priv, &r)) {
		hv_vm_stop_from_vcpu(v, HV_STOP_ERROR, -EIO, "vcpu %u: cannot read registers", v->id);
		return;
	}
	switch (r.gpr[R_RAX]) {
	case HV_HC_VERSION: ret = HV_HYPERCALL_VERSION; break;
	case HV_HC_CONSOLE_WRITE: ret = console_write(v, r.gpr[R_RDI], r.gpr[R_RSI]); break;
	case HV_HC_EXIT:
		hv_vm_stop_from_vcpu(v, HV_STOP_POWEROFF, (int64_t)r.gpr[R_RDI],
		                     "vcpu %u: guest exited with status %lld", v->id, (long long)r.gpr[R_RDI]);
		return;
	case HV_HC_NOP: ret = 0; break;
	default: ret = -ENOSYS;
	}
	r.gpr[R_RAX] = (uint64_t)ret;
	if (vm->be->set_regs(v->priv, &r)) {
		hv_vm_stop_from_vcpu(v, HV_STOP_ERROR, -EIO, "vcpu %u: cannot write registers", v->id);
		return;
	}
	v->run.complete = true;
}
