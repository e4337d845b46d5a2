/* The simulated virtualization backend (include/hv/backend.h): no guest
 * code runs; each run asks a script (a unit test, the VM-exit fuzzer) which
 * exit to report. It completes exits the way hardware backends do, so the
 * core's handlers are exercised exactly as with KVM: IN/MMIO-read/CPUID/
 * RDMSR results land in the registers and rip moves past the instruction. */
#include <hv/backend.h>
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>

#define RFLAGS_IF (1ull << 9)

struct sim_vm {
	struct hv_sim_script script;
	unsigned mappings;
};

struct sim_vcpu {
	struct sim_vm *vm;
	unsigned id;
	struct hv_regs regs;
	struct hv_sregs sregs;
	volatile int kicked;
	struct hv_cpuid_entry *cpuid;
	unsigned ncpuid;
	/* An event injected at an entry that a kick cancelled stays queued
	 * for the next one, as on hardware. */
	int pending_irq, pending_exc;
	bool pending_nmi;
	bool pending_exc_has_error;
	uint32_t pending_exc_error;
};

static struct hv_sim_script current_script;

void hv_backend_sim_set_script(const struct hv_sim_script *s)
{
	if (s)
		current_script = *s;
	else
		memset(&current_script, 0, sizeof(current_script));
}

static int sim_vm_create(void **vm_priv)
{
	struct sim_vm *vm = kzalloc(sizeof(*vm));

	if (!vm)
		return -ENOMEM;
	vm->script = current_script;
	*vm_priv = vm;
	return 0;
}

static void sim_vm_destroy(void *vm_priv)
{
	kfree(vm_priv);
}

static int sim_map(void *vm_priv, uint64_t gpa, paddr_t hpa, uint64_t size, bool writable)
{
	struct sim_vm *vm = vm_priv;

	(void)writable;
	if ((gpa | hpa | size) & 0xfff || size == 0)
		return -EINVAL;
	vm->mappings++;
	return 0;
}

static int sim_unmap(void *vm_priv, uint64_t gpa, uint64_t size)
{
	struct sim_vm *vm = vm_priv;

	if ((gpa | size) & 0xfff || vm->mappings == 0)
		return -EINVAL;
	vm->mappings--;
	return 0;
}

static int sim_vcpu_create(void *vm_priv, unsigned id, void **vcpu_priv)
{
	struct sim_vcpu *v = kzalloc(sizeof(*v));

	if (!v)
		return -ENOMEM;
	v->vm = vm_priv;
	v->id = id;
	v->pending_irq = v->pending_exc = -1;
	hv_regs_reset(&v->regs, &v->sregs);
	*vcpu_priv = v;
	return 0;
}

static void sim_vcpu_destroy(void *vcpu_priv)
{
	struct sim_vcpu *v = vcpu_priv;

	kfree(v->cpuid);
	kfree(v);
}

static int sim_get_regs(void *p, struct hv_regs *r)
{
	*r = ((struct sim_vcpu *)p)->regs;
	return 0;
}

static int sim_set_regs(void *p, const struct hv_regs *r)
{
	((struct sim_vcpu *)p)->regs = *r;
	return 0;
}

static int sim_get_sregs(void *p, struct hv_sregs *s)
{
	*s = ((struct sim_vcpu *)p)->sregs;
	return 0;
}

static int sim_set_sregs(void *p, const struct hv_sregs *s)
{
	((struct sim_vcpu *)p)->sregs = *s;
	return 0;
}

static int sim_set_cpuid(void *p, const struct hv_cpuid_entry *e, unsigned n)
{
	struct sim_vcpu *v = p;
	struct hv_cpuid_entry *copy = kmalloc((n ? n : 1) * sizeof(*e));

	if (!copy)
		return -ENOMEM;
	memcpy(copy, e, n * sizeof(*e));
	kfree(v->cpuid);
	v->cpuid = copy;
	v->ncpuid = n;
	return 0;
}

/* Writes an `size`-byte result into rax as a mov to al/ax/eax/rax would:
 * 8- and 16-bit results keep the upper bits, 32-bit ones zero-extend. */
static void set_rax_sized(struct hv_regs *r, unsigned size, uint64_t v)
{
	switch (size) {
	case 1: r->gpr[0] = (r->gpr[0] & ~0xffull) | (v & 0xff); break;
	case 2: r->gpr[0] = (r->gpr[0] & ~0xffffull) | (v & 0xffff); break;
	case 4: r->gpr[0] = (uint32_t)v; break;
	default: r->gpr[0] = v;
	}
}

static void complete(struct sim_vcpu *v, const struct hv_exit *e)
{
	struct hv_regs *r = &v->regs;

	switch (e->reason) {
	case HV_EXIT_IO:
		if (e->u.io.in)
			set_rax_sized(r, e->u.io.size, e->u.io.data);
		break;
	case HV_EXIT_MMIO:
		/* The script reports decoded accesses without a register
		 * operand: a read's result goes to rax. */
		if (!e->u.mmio.write)
			set_rax_sized(r, e->u.mmio.size, e->u.mmio.data);
		break;
	case HV_EXIT_CPUID:
		r->gpr[0] = e->u.cpuid.eax;
		r->gpr[3] = e->u.cpuid.ebx;
		r->gpr[1] = e->u.cpuid.ecx;
		r->gpr[2] = e->u.cpuid.edx;
		break;
	case HV_EXIT_MSR_READ:
		r->gpr[0] = (uint32_t)e->u.msr.value;
		r->gpr[2] = e->u.msr.value >> 32;
		break;
	case HV_EXIT_MSR_WRITE:
	case HV_EXIT_HLT:
	case HV_EXIT_HYPERCALL: break;
	default: return; /* nothing to finish, rip stays */
	}
	r->rip += e->insn_len;
}

static int sim_run(void *p, struct hv_run *run)
{
	struct sim_vcpu *v = p;
	int err;

	if (run->exception_vector < 0 && run->complete)
		complete(v, &run->exit);
	if (run->inject_vector >= 0)
		v->pending_irq = run->inject_vector;
	if (run->inject_nmi)
		v->pending_nmi = true; /* a second one merges, as a CPU latches one */
	if (run->exception_vector >= 0) {
		v->pending_exc = run->exception_vector;
		v->pending_exc_has_error = run->exception_has_error;
		v->pending_exc_error = run->exception_error;
	}
	memset(&run->exit, 0, sizeof(run->exit));
	if (atomic_exchange(&v->kicked, 0)) {
		run->exit.reason = HV_EXIT_CANCELLED;
		run->exit.rip = v->regs.rip;
	} else if (!v->vm->script.next) {
		run->exit.reason = HV_EXIT_SHUTDOWN;
		run->exit.rip = v->regs.rip;
	} else {
		/* The script sees the events delivered at this entry in `run`
		 * (inject_vector, inject_nmi, exception_*) and reports the exit. */
		run->inject_vector = v->pending_irq;
		run->inject_nmi = v->pending_nmi;
		v->pending_nmi = false;
		run->exception_vector = v->pending_exc;
		run->exception_has_error = v->pending_exc_has_error;
		run->exception_error = v->pending_exc_error;
		v->pending_irq = v->pending_exc = -1;
		run->exit.rip = v->regs.rip;
		err = v->vm->script.next(v->vm->script.ctx, v->id, &v->regs, &v->sregs, run);
		if (err)
			return err;
	}
	run->intr_ready = (v->regs.rflags & RFLAGS_IF) != 0;
	return 0;
}

static void sim_kick(void *p)
{
	struct sim_vcpu *v = p;

	atomic_store_release(&v->kicked, 1);
}

const struct hv_backend hv_backend_sim = {
    .name = "sim",
    .cpuid_in_table = false,
    .vm_create = sim_vm_create,
    .vm_destroy = sim_vm_destroy,
    .map = sim_map,
    .unmap = sim_unmap,
    .vcpu_create = sim_vcpu_create,
    .vcpu_destroy = sim_vcpu_destroy,
    .get_regs = sim_get_regs,
    .set_regs = sim_set_regs,
    .get_sregs = sim_get_sregs,
    .set_sregs = sim_set_sregs,
    .set_cpuid = sim_set_cpuid,
    .run = sim_run,
    .kick = sim_kick,
};
