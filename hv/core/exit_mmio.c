/* Nested page faults: an access to an MMIO hole (or a write to ROM) is
 * emulated. The instruction is fetched through the guest's page tables,
 * decoded and executed by hv/x86 against guest RAM and the MMIO bus, and so
 * is a data access to an address nothing backs; an instruction fetch from
 * there stops the VM. */
#include <hv/x86/emulate.h>
#include <hv/x86/walk.h>
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/string.h>

#include "vm_internal.h"

#define CR0_PE      (1ull << 0)
#define EFER_LMA    (1ull << 10)
#define X86_UD      6
#define MAX_REP     256   /* iterations per exit: a long rep movs resumes */
#define ERR_NOT_MEM 0x100 /* an emulator callback error: not RAM, not MMIO */

struct emu_ctx {
	struct hv_vcpu *v;
	const struct hv_sregs *s;
	struct x86_paging paging;
	bool user;
	uint64_t fault_linear;
	uint32_t pf_error;
	uint64_t bad_gpa;
};

static int read_phys(void *ctx, uint64_t gpa, void *buf, unsigned size)
{
	struct hv_vm *vm = ctx;

	return gmem_read(&vm->gmem, gpa, buf, size);
}

static void paging_init(struct x86_paging *p, struct hv_vm *vm, const struct hv_sregs *s)
{
	p->cr0 = s->cr0;
	p->cr3 = s->cr3;
	p->cr4 = s->cr4;
	p->efer = s->efer;
	p->read_phys = read_phys;
	p->ctx = vm;
}

static enum x86_cpu_mode cpu_mode(const struct hv_sregs *s)
{
	if (!(s->cr0 & CR0_PE))
		return X86_MODE_16;
	if ((s->efer & EFER_LMA) && s->cs.l)
		return X86_MODE_64;
	return s->cs.db ? X86_MODE_32 : X86_MODE_16;
}

int hv_guest_read_linear(struct hv_vcpu *v, const struct hv_sregs *s, uint64_t linear, void *buf, uint64_t len)
{
	struct x86_paging p;
	char *out = buf;

	paging_init(&p, v->vm, s);
	while (len) {
		uint64_t gpa, n = MIN(len, GMEM_PAGE - linear % GMEM_PAGE);
		uint32_t pf;

		if (x86_walk(&p, linear, s->cs.dpl == 3 ? X86_ACC_USER : 0, &gpa, &pf))
			return X86_PF_VECTOR;
		if (gmem_read(&v->vm->gmem, gpa, out, n))
			return -EFAULT;
		linear += n;
		out += n;
		len -= n;
	}
	return 0;
}

/* One piece of an access that does not cross a page: RAM, ROM (writes are
 * dropped, as ROM ignores them) or the MMIO bus. */
static int access_gpa(struct emu_ctx *c, uint64_t gpa, unsigned size, bool write, uint64_t *value)
{
	struct hv_vm *vm = c->v->vm;
	const struct gmem_region *r = gmem_find(&vm->gmem, gpa);

	if (r && r->kind != GMEM_MMIO) {
		int err;

		if (!write) {
			*value = 0;
			err = gmem_read(&vm->gmem, gpa, value, size);
		} else {
			err = r->kind == GMEM_ROM ? 0 : gmem_write(&vm->gmem, gpa, value, size);
		}
		if (err)
			c->bad_gpa = gpa;
		return err ? ERR_NOT_MEM : 0;
	}
	/* Neither RAM nor a device: the bus answers as a PC's does (reads all
	 * ones, writes vanish), like KVM's unmapped MMIO. */
	if (write)
		hv_bus_write(&vm->mmio, c->v->id, gpa, size, *value);
	else
		hv_bus_read(&vm->mmio, c->v->id, gpa, size, value);
	return 0;
}

static int translate(struct emu_ctx *c, uint64_t linear, unsigned acc, uint64_t *gpa)
{
	if (c->user)
		acc |= X86_ACC_USER;
	if (x86_walk(&c->paging, linear, acc, gpa, &c->pf_error)) {
		c->fault_linear = linear;
		return X86_PF_VECTOR;
	}
	return 0;
}

/* An access of `size` bytes at a linear address, split where it crosses a
 * page (each half may land somewhere else). Byte pieces keep device
 * accesses within a page natural-sized. */
static int access_linear(struct emu_ctx *c, uint64_t linear, unsigned size, bool write, uint64_t *value)
{
	uint64_t first = GMEM_PAGE - linear % GMEM_PAGE;
	uint64_t gpa, part;
	int err;

	if (first >= size) {
		err = translate(c, linear, write ? X86_ACC_WRITE : 0, &gpa);
		return err ? err : access_gpa(c, gpa, size, write, value);
	}
	if (!write)
		*value = 0;
	for (unsigned i = 0; i < size; i++) {
		err = translate(c, linear + i, write ? X86_ACC_WRITE : 0, &gpa);
		if (err)
			return err;
		part = write ? (*value >> (i * 8)) & 0xff : 0;
		err = access_gpa(c, gpa, 1, write, &part);
		if (err)
			return err;
		if (!write)
			*value |= (part & 0xff) << (i * 8);
	}
	return 0;
}

static int emu_read(void *ctx, uint64_t linear, unsigned size, uint64_t *value)
{
	return access_linear(ctx, linear, size, false, value);
}

static int emu_write(void *ctx, uint64_t linear, unsigned size, uint64_t value)
{
	return access_linear(ctx, linear, size, true, &value);
}

/* Fetches up to 15 bytes at cs:rip; returns how many could be read. */
static size_t fetch(struct emu_ctx *c, uint64_t linear, uint8_t *buf)
{
	size_t got = 0;

	while (got < X86_MAX_INSN_LEN) {
		uint64_t gpa, n = MIN(X86_MAX_INSN_LEN - got, GMEM_PAGE - (linear + got) % GMEM_PAGE);

		if (translate(c, linear + got, X86_ACC_FETCH, &gpa))
			break;
		if (gmem_read(&c->v->vm->gmem, gpa, buf + got, n))
			break;
		got += n;
	}
	return got;
}

static bool emulated_hole(struct hv_vm *vm, const struct hv_exit *e)
{
	const struct gmem_region *r = gmem_find(&vm->gmem, e->u.npf.gpa);

	if (!r) /* data accesses reach the bus; nothing there can be fetched */
		return !e->u.npf.exec;
	return r->kind == GMEM_MMIO || (r->kind == GMEM_ROM && e->u.npf.write);
}

static void inject_page_fault(struct hv_vcpu *v, struct hv_sregs *s, struct emu_ctx *c)
{
	s->cr2 = c->fault_linear;
	v->vm->be->set_sregs(v->priv, s);
	hv_vcpu_inject_exception(v, X86_PF_VECTOR, true, c->pf_error);
}

void hv_exit_npf(struct hv_vcpu *v)
{
	struct hv_vm *vm = v->vm;
	struct hv_exit *e = &v->run.exit;
	struct emu_ctx c = {.v = v};
	struct x86_mem_ops ops = {emu_read, emu_write, &c};
	struct x86_regs xr;
	struct x86_instr insn;
	struct hv_regs r;
	struct hv_sregs s;
	enum x86_decode_status st;
	uint8_t bytes[X86_MAX_INSN_LEN];
	uint64_t rip_linear;
	size_t got;
	int err;

	if (!emulated_hole(vm, e)) {
		hv_vm_stop_from_vcpu(v, HV_STOP_ERROR, -EFAULT, "vcpu %u: %s of unbacked gpa %#llx at rip %#llx", v->id,
		                     e->u.npf.exec    ? "fetch"
		                     : e->u.npf.write ? "write"
		                                      : "read",
		                     (unsigned long long)e->u.npf.gpa, (unsigned long long)e->rip);
		return;
	}
	if (vm->be->get_regs(v->priv, &r) || vm->be->get_sregs(v->priv, &s)) {
		hv_vm_stop_from_vcpu(v, HV_STOP_ERROR, -EIO, "vcpu %u: cannot read registers", v->id);
		return;
	}
	c.s = &s;
	c.user = s.cs.dpl == 3;
	paging_init(&c.paging, vm, &s);
	xr.mode = cpu_mode(&s);
	/* cs.base is ignored in 64-bit mode. */
	rip_linear = xr.mode == X86_MODE_64 ? r.rip : s.cs.base + (uint32_t)r.rip;
	got = fetch(&c, rip_linear, bytes);
	if (got == 0) {
		inject_page_fault(v, &s, &c);
		return;
	}
	st = x86_decode(bytes, got, xr.mode, &insn);
	if (st == X86_DECODE_INVALID) {
		hv_vcpu_inject_exception(v, X86_UD, false, 0);
		return;
	}
	if (st != X86_DECODE_OK) {
		hv_vm_stop_from_vcpu(v, HV_STOP_ERROR, -ENOSYS,
		                     "vcpu %u: cannot emulate MMIO at %#llx: %s instruction %02x %02x %02x at %#llx",
		                     v->id, (unsigned long long)e->u.npf.gpa, x86_decode_status_name(st), bytes[0],
		                     got > 1 ? bytes[1] : 0, got > 2 ? bytes[2] : 0, (unsigned long long)r.rip);
		return;
	}
	memcpy(xr.gpr, r.gpr, sizeof(xr.gpr));
	xr.rip = r.rip;
	xr.rflags = r.rflags;
	xr.seg_base[X86_SEG_ES] = s.es.base;
	xr.seg_base[X86_SEG_CS] = s.cs.base;
	xr.seg_base[X86_SEG_SS] = s.ss.base;
	xr.seg_base[X86_SEG_DS] = s.ds.base;
	xr.seg_base[X86_SEG_FS] = s.fs.base;
	xr.seg_base[X86_SEG_GS] = s.gs.base;

	mutex_lock(&vm->dev_lock);
	err = x86_emulate(&insn, &xr, &ops, MAX_REP);
	mutex_unlock(&vm->dev_lock);

	/* A rep string instruction interrupted by a fault keeps the
	 * iterations it committed, so registers are written back always. */
	memcpy(r.gpr, xr.gpr, sizeof(r.gpr));
	r.rip = xr.rip;
	r.rflags = xr.rflags;
	if (err == 0 || x86_instr_is_rep(&insn))
		vm->be->set_regs(v->priv, &r);
	switch (err) {
	case 0: break;
	case X86_PF_VECTOR: inject_page_fault(v, &s, &c); break;
	case X86_EMU_GP:
	case X86_EMU_SS: hv_vcpu_inject_exception(v, (unsigned)err, true, 0); break;
	case X86_EMU_UD: hv_vcpu_inject_exception(v, X86_UD, false, 0); break;
	default:
		hv_vm_stop_from_vcpu(
		    v, HV_STOP_ERROR, -EFAULT, "vcpu %u: %s at rip %#llx touched gpa %#llx: not memory", v->id,
		    x86_insn_class_name(insn.cls), (unsigned long long)r.rip, (unsigned long long)c.bad_gpa);
	}
}
