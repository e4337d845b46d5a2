/* VM-exit decoding into the normalized record, completion of the exit hv/
 * handled, and the exits the backend finishes itself: control-register
 * accesses to the bits the host owns (CR0.NE, CR4.VMXE, CR8), VMX and
 * other hidden instructions (#UD), INVD. VMX gives the instruction length
 * of every instruction exit; ins/outs are done one element per exit. */
#include <hv/x86/insn.h>
#include <hv/x86/walk.h>
#include <kern/errno.h>
#include <kern/string.h>
#include <plat/mem.h>

#include "vmx_internal.h"

#define RFLAGS_DF    (1ull << 10)
#define CR0_PE       (1ull << 0)
#define CR0_ET       (1ull << 4)
#define CR0_TS       (1ull << 3)
#define CR0_PG       (1ull << 31)
#define CR4_PAE      (1ull << 5)
#define CR4_VMXE     (1ull << 13)
#define EFER_LME     (1ull << 8)
#define EFER_LMA     (1ull << 10)
#define X86_UD       6
#define X86_GP       13
#define MSR_IA32_TSC 0x10

void vmx_inject_exception(struct vmx_vcpu *v, unsigned vector, bool has_error, uint32_t error)
{
	v->entry_info = INTR_INFO_VALID | INTR_TYPE_HW_EXC | (vector & INTR_INFO_VECTOR_MASK);
	/* Real mode delivers no error codes (VM entry refuses one there). */
	if (has_error && (v->sregs.cr0 & CR0_PE))
		v->entry_info |= INTR_INFO_HAS_ERROR;
	v->entry_error = error;
	v->entry_len = 0;
}

static void skip(struct vmx_vcpu *v, unsigned len)
{
	v->rip += len;
	v->interruptibility &= ~(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOVSS);
	v->dirty = true;
}

/* ---- guest memory ---- */

static unsigned cpl(const struct vmx_vcpu *v)
{
	return (v->sregs.cr0 & CR0_PE) ? v->sregs.ss.dpl : 0;
}

/* 0, X86_PF_VECTOR (cr2 set, error code in *pf) or -EFAULT (not RAM). */
static int guest_access(struct vmx_vcpu *v, uint64_t linear, void *buf, unsigned len, bool write, uint32_t *pf)
{
	const struct hv_sregs *s = &v->sregs;
	struct nested_pt_guest_mode m = {s->cr0, s->cr3, s->cr4, s->efer, cpl(v) == 3};
	uint64_t cr2;
	int r = nested_pt_guest_copy(&v->vm->ept, &m, linear, buf, len, write, pf, &cr2);

	if (r == X86_PF_VECTOR)
		v->gprs.cr2 = v->sregs.cr2 = cr2;
	return r;
}

int vmx_guest_linear(struct vmx_vcpu *v, uint64_t linear, void *buf, unsigned len, bool write)
{
	uint32_t pf;

	return guest_access(v, linear, buf, len, write, &pf);
}

/* ---- string I/O ---- */

static bool long_mode_64(const struct hv_sregs *s)
{
	return (s->efer & EFER_LMA) && s->cs.l;
}

static uint64_t addr_mask(unsigned addr_size)
{
	return addr_size == 8 ? ~0ull : (1ull << (addr_size * 8)) - 1;
}

static uint64_t *gpr(struct vmx_vcpu *v, unsigned reg)
{
	return reg == X86_RSP ? &v->rsp : &v->gprs.gpr[reg & 15];
}

/* The element of an ins/outs the guest is at: 1 to report it, 0 when
 * there is nothing to do (rep with rcx 0) or an exception was raised,
 * -EFAULT when its memory is not RAM. The address size and segment come
 * from the VM-exit instruction information where the CPU gives it. */
static int string_start(struct vmx_vcpu *v, struct hv_exit *e, uint64_t qual, uint32_t insn_info)
{
	static const unsigned sizes[] = {2, 4, 8};
	const struct hv_sregs *s = &v->sregs;
	struct vmx_string_io *st = &v->str;
	const struct hv_segment *seg = &s->ds;
	uint64_t mask;
	uint32_t pf;
	int err;

	st->rep = qual & IO_QUAL_REP;
	if (v->vm->caps.inout_info && INSN_INFO_ADDR_SIZE(insn_info) < 3) {
		const struct hv_segment *segs[] = {&s->es, &s->cs, &s->ss, &s->ds, &s->fs, &s->gs};
		unsigned si = INSN_INFO_SEG(insn_info);

		st->addr_size = (uint8_t)sizes[INSN_INFO_ADDR_SIZE(insn_info)];
		if (si < 6)
			seg = segs[si];
	} else {
		st->addr_size = long_mode_64(s) ? 8 : ((s->cr0 & CR0_PE) && s->cs.db) ? 4 : 2;
	}
	mask = addr_mask(st->addr_size);
	if (st->rep && (v->gprs.gpr[X86_RCX] & mask) == 0) {
		skip(v, v->insn_len);
		return 0;
	}
	if (e->u.io.in)
		seg = &s->es; /* ins cannot override es */
	st->linear = (v->gprs.gpr[e->u.io.in ? X86_RDI : X86_RSI] & mask) +
	             (long_mode_64(s) && seg != &s->fs && seg != &s->gs ? 0 : seg->base);
	if (!long_mode_64(s))
		st->linear = (uint32_t)st->linear;
	st->active = true;
	if (e->u.io.in)
		return 1;
	err = guest_access(v, st->linear, &e->u.io.data, e->u.io.size, false, &pf);
	if (err == X86_PF_VECTOR) {
		st->active = false;
		vmx_inject_exception(v, X86_PF_VECTOR, true, pf);
		return 0;
	}
	return err ? err : 1;
}

static void string_complete(struct vmx_vcpu *v, const struct hv_exit *e)
{
	struct vmx_string_io *st = &v->str;
	uint64_t mask = addr_mask(st->addr_size), *idx;
	int64_t step = (v->rflags & RFLAGS_DF) ? -(int64_t)v->io_size : v->io_size;
	uint32_t pf;

	st->active = false;
	if (e->u.io.in) {
		uint32_t data = e->u.io.data;
		int err = guest_access(v, st->linear, &data, v->io_size, true, &pf);

		if (err == X86_PF_VECTOR) {
			vmx_inject_exception(v, X86_PF_VECTOR, true, pf);
			return;
		}
		/* Not RAM (an ins into an MMIO hole): the element is dropped. */
	}
	v->dirty = true;
	idx = gpr(v, e->u.io.in ? X86_RDI : X86_RSI);
	*idx = (*idx & ~mask) | ((*idx + (uint64_t)step) & mask);
	if (st->addr_size == 4)
		*idx = (uint32_t)*idx;
	if (st->rep) {
		uint64_t *rcx = gpr(v, X86_RCX);

		*rcx = (*rcx & ~mask) | ((*rcx - 1) & mask);
		if (st->addr_size == 4)
			*rcx = (uint32_t)*rcx;
		if (*rcx & mask)
			return; /* re-executed: interrupts may come in between */
	}
	skip(v, v->insn_len);
}

/* ---- control registers ---- */

static bool write_cr0(struct vmx_vcpu *v, uint64_t val)
{
	struct hv_sregs *s = &v->sregs;

	val |= CR0_ET;
	if ((val >> 32) || ((val & CR0_PG) && !(val & CR0_PE)) ||
	    ((val & CR0_PG) && !(s->cr0 & CR0_PG) && (s->efer & EFER_LME) && !(s->cr4 & CR4_PAE)))
		return false;
	s->cr0 = val;
	if ((val & CR0_PG) && (s->efer & EFER_LME))
		s->efer |= EFER_LMA;
	else if (!(val & CR0_PG))
		s->efer &= ~EFER_LMA;
	return true;
}

/* A mov to/from CR, CLTS or LMSW that touched a host-owned bit, or a CR8
 * access: done here on the copy of the guest state. False: #GP. */
static bool cr_access(struct vmx_vcpu *v, uint64_t qual)
{
	struct hv_sregs *s = &v->sregs;
	uint64_t *reg = gpr(v, CR_QUAL_GPR(qual));
	uint64_t val = long_mode_64(s) ? *reg : (uint32_t)*reg;
	unsigned cr = CR_QUAL_NUM(qual);

	switch (CR_QUAL_TYPE(qual)) {
	case 0: /* mov to cr */
		if (cr == 0 && !write_cr0(v, val))
			return false;
		if (cr == 4) {
			if ((val & ~v->vm->caps.cr4_fixed1) || (val & CR4_VMXE) ||
			    ((s->efer & EFER_LMA) && !(val & CR4_PAE)))
				return false;
			s->cr4 = val;
		}
		if (cr == 3)
			s->cr3 = val & ~(1ull << 63);
		if (cr == 8) {
			if (val > 15)
				return false;
			s->cr8 = val;
			return true;
		}
		vmx_load_pdptes(v);
		v->flush_vpid = true;
		return true;
	case 1: /* mov from cr */ *reg = cr == 3 ? s->cr3 : s->cr8; return true;
	case 2: s->cr0 &= ~CR0_TS; return true;
	default: /* lmsw: PE cannot be cleared by it */
		return write_cr0(v, (s->cr0 & ~0xeull) | (CR_QUAL_LMSW(qual) & 0xf));
	}
}

/* ---- decoding ---- */

void vmx_exit_info_read(struct vmx_vcpu *v)
{
	v->xi.reason = (uint32_t)vmx_read(VMCS_EXIT_REASON);
	v->xi.qual = vmx_read(VMCS_EXIT_QUALIFICATION);
	v->xi.insn_len = (uint32_t)vmx_read(VMCS_EXIT_INSN_LEN);
	v->xi.insn_info = (uint32_t)vmx_read(VMCS_EXIT_INSN_INFO);
	v->xi.intr_info = (uint32_t)vmx_read(VMCS_EXIT_INTR_INFO);
	v->xi.intr_error = (uint32_t)vmx_read(VMCS_EXIT_INTR_ERROR);
	v->xi.idt_info = (uint32_t)vmx_read(VMCS_IDT_VECTORING_INFO);
	v->xi.idt_error = (uint32_t)vmx_read(VMCS_IDT_VECTORING_ERROR);
	v->xi.gpa = vmx_read(VMCS_GUEST_PHYS_ADDR);
}

static enum vmx_exit_action decode_io(struct vmx_vcpu *v, struct hv_exit *e, uint64_t qual)
{
	int r;

	e->reason = HV_EXIT_IO;
	e->u.io.port = IO_QUAL_PORT(qual);
	e->u.io.size = (uint8_t)IO_QUAL_SIZE(qual);
	e->u.io.in = qual & IO_QUAL_IN;
	e->u.io.string = qual & IO_QUAL_STRING;
	e->u.io.rep = qual & IO_QUAL_REP;
	v->io_size = e->u.io.size;
	if (!e->u.io.string) {
		if (!e->u.io.in)
			e->u.io.data = (uint32_t)v->gprs.gpr[X86_RAX] & (uint32_t)((1ull << (8 * e->u.io.size)) - 1);
		return VMX_EXIT_REPORT;
	}
	r = string_start(v, e, qual, v->xi.insn_info);
	if (r < 0) {
		e->reason = HV_EXIT_NONE; /* ins/outs with memory outside RAM: hv/ stops the VM */
		return VMX_EXIT_REPORT;
	}
	return r ? VMX_EXIT_REPORT : VMX_EXIT_REENTER;
}

static bool vector_has_error(unsigned vec)
{
	return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21;
}

enum vmx_exit_action vmx_decode_exit(struct vmx_vcpu *v, struct hv_exit *e)
{
	uint32_t reason = v->xi.reason, idt = v->xi.idt_info;
	uint64_t qual = v->xi.qual;

	memset(e, 0, sizeof(*e));
	e->hw_code = reason;
	e->rip = v->rip;
	v->window = v->nmi_window = false; /* the request lasts one entry: hv/ asks again */
	if (reason & VMX_EXIT_REASON_FAILED) {
		e->reason = HV_EXIT_INVALID_STATE;
		return VMX_EXIT_REPORT;
	}
	v->insn_len = v->xi.insn_len;
	if (idt & INTR_INFO_VALID) {
		v->reinject_info = idt;
		v->reinject_error = v->xi.idt_error;
		v->reinject_len = v->insn_len;
	}
	switch (VMX_EXIT_REASON_BASIC(reason)) {
	case VMX_EXIT_IO: e->insn_len = v->insn_len; return decode_io(v, e, qual);
	case VMX_EXIT_CPUID:
		e->reason = HV_EXIT_CPUID;
		e->u.cpuid.leaf = (uint32_t)v->gprs.gpr[X86_RAX];
		e->u.cpuid.subleaf = (uint32_t)v->gprs.gpr[X86_RCX];
		break;
	case VMX_EXIT_RDMSR:
	case VMX_EXIT_WRMSR:
		e->reason = VMX_EXIT_REASON_BASIC(reason) == VMX_EXIT_WRMSR ? HV_EXIT_MSR_WRITE : HV_EXIT_MSR_READ;
		e->u.msr.index = (uint32_t)v->gprs.gpr[X86_RCX];
		if (e->reason == HV_EXIT_MSR_WRITE)
			e->u.msr.value = (uint32_t)v->gprs.gpr[X86_RAX] | (v->gprs.gpr[X86_RDX] << 32);
		break;
	case VMX_EXIT_RDTSC:
		/* RDTSC reads IA32_TSC: hv/'s clock, as RDMSR does. */
		e->reason = HV_EXIT_MSR_READ;
		e->u.msr.index = MSR_IA32_TSC;
		break;
	case VMX_EXIT_HLT: e->reason = HV_EXIT_HLT; break;
	case VMX_EXIT_VMCALL: e->reason = HV_EXIT_HYPERCALL; break;
	case VMX_EXIT_EPT_VIOLATION:
		e->reason = HV_EXIT_NPF;
		e->u.npf.gpa = v->xi.gpa;
		e->u.npf.read = qual & EPT_QUAL_READ;
		e->u.npf.write = qual & EPT_QUAL_WRITE;
		e->u.npf.exec = qual & EPT_QUAL_FETCH;
		return VMX_EXIT_REPORT; /* no instruction length: hv/ decodes */
	case VMX_EXIT_EPT_MISCONFIG: e->reason = HV_EXIT_INVALID_STATE; return VMX_EXIT_REPORT;
	case VMX_EXIT_TRIPLE_FAULT: e->reason = HV_EXIT_SHUTDOWN; return VMX_EXIT_REPORT;
	case VMX_EXIT_EXTERNAL_INTR: e->reason = HV_EXIT_EXTERNAL_INTR; return VMX_EXIT_REPORT;
	case VMX_EXIT_INTR_WINDOW: e->reason = HV_EXIT_INTR_WINDOW; return VMX_EXIT_REPORT;
	case VMX_EXIT_NMI_WINDOW:
		/* The guest's NMI handler returned: the held NMI goes in now. */
		v->internal_exits++;
		return VMX_EXIT_REENTER;
	case VMX_EXIT_EXCEPTION_NMI: {
		uint32_t info = v->xi.intr_info;
		unsigned vec = info & INTR_INFO_VECTOR_MASK;

		if ((info & INTR_INFO_TYPE_MASK) == INTR_TYPE_NMI) {
			e->reason = HV_EXIT_EXTERNAL_INTR; /* a host NMI (the host has no NMI users) */
			return VMX_EXIT_REPORT;
		}
		e->reason = HV_EXIT_EXCEPTION;
		e->u.exception.vector = (uint8_t)vec;
		e->u.exception.has_error = (info & INTR_INFO_HAS_ERROR) || vector_has_error(vec);
		e->u.exception.error = (info & INTR_INFO_HAS_ERROR) ? v->xi.intr_error : 0;
		e->u.exception.cr2 = vec == X86_PF_VECTOR ? qual : 0;
		return VMX_EXIT_REPORT;
	}
	case VMX_EXIT_CR_ACCESS:
		if (cr_access(v, qual))
			skip(v, v->insn_len);
		else
			vmx_inject_exception(v, X86_GP, true, 0);
		v->internal_exits++;
		return VMX_EXIT_REENTER;
	case VMX_EXIT_PREEMPT_TIMER:
		/* Back in the host for a moment: pending host interrupts are
		 * taken before the next entry (and a kick ends the run). */
		v->preempt_exits++;
		return VMX_EXIT_REENTER;
	case VMX_EXIT_INVD:
	case VMX_EXIT_WBINVD:
		/* Dropping caches the host relies on is not the guest's call. */
		skip(v, v->insn_len);
		v->internal_exits++;
		return VMX_EXIT_REENTER;
	case VMX_EXIT_GETSEC:
	case VMX_EXIT_VMCLEAR:
	case VMX_EXIT_VMLAUNCH:
	case VMX_EXIT_VMPTRLD:
	case VMX_EXIT_VMPTRST:
	case VMX_EXIT_VMREAD:
	case VMX_EXIT_VMRESUME:
	case VMX_EXIT_VMWRITE:
	case VMX_EXIT_VMXOFF:
	case VMX_EXIT_VMXON:
	case VMX_EXIT_INVEPT:
	case VMX_EXIT_INVVPID:
	case VMX_EXIT_VMFUNC:
	case VMX_EXIT_MWAIT:
	case VMX_EXIT_MONITOR:
	case VMX_EXIT_XSETBV:
		/* The guest sees no VMX, SMX, MONITOR or XSAVE in CPUID. */
		vmx_inject_exception(v, X86_UD, false, 0);
		v->internal_exits++;
		return VMX_EXIT_REENTER;
	default:
		e->reason = HV_EXIT_NONE; /* hv/ stops the VM naming hw_code */
		return VMX_EXIT_REPORT;
	}
	e->insn_len = v->insn_len;
	return VMX_EXIT_REPORT;
}

/* ---- completion ---- */

static void set_rax_sized(uint64_t *rax, unsigned size, uint64_t val)
{
	switch (size) {
	case 1: *rax = (*rax & ~0xffull) | (val & 0xff); break;
	case 2: *rax = (*rax & ~0xffffull) | (val & 0xffff); break;
	default: *rax = (uint32_t)val;
	}
}

void vmx_complete(struct vmx_vcpu *v, const struct hv_exit *e)
{
	uint64_t *g = v->gprs.gpr;

	switch (v->last) {
	case HV_EXIT_IO:
		if (v->str.active) {
			string_complete(v, e);
			return;
		}
		if (e->u.io.in)
			set_rax_sized(&g[X86_RAX], v->io_size, e->u.io.data);
		break;
	case HV_EXIT_CPUID:
		g[X86_RAX] = e->u.cpuid.eax;
		g[X86_RBX] = e->u.cpuid.ebx;
		g[X86_RCX] = e->u.cpuid.ecx;
		g[X86_RDX] = e->u.cpuid.edx;
		break;
	case HV_EXIT_MSR_READ:
		g[X86_RAX] = (uint32_t)e->u.msr.value;
		g[X86_RDX] = e->u.msr.value >> 32;
		break;
	case HV_EXIT_MSR_WRITE:
	case HV_EXIT_HLT:
	case HV_EXIT_HYPERCALL: break;
	default: return; /* NPF: hv/ emulated and moved rip itself */
	}
	skip(v, v->insn_len);
}
