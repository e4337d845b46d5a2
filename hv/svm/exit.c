/* #VMEXIT decoding into the normalized record and completion of the exit
 * hv/ handled. Nothing here needs NRIPS or decode assists: the lengths of
 * the intercepted instructions are fixed (CPUID 2, HLT 1, VMMCALL 3,
 * RDMSR/WRMSR 2, INVD 2) and IOIO exits carry the next rip in EXITINFO2. */
#include <hv/x86/insn.h>
#include <hv/x86/walk.h>
#include <kern/errno.h>
#include <kern/string.h>
#include <plat/mem.h>

#include "svm_internal.h"

#define RFLAGS_DF   (1ull << 10)
#define CR0_PE      (1ull << 0)
#define EFER_LMA    (1ull << 10)
#define X86_UD      6
#define LEN_CPUID   2
#define LEN_HLT     1
#define LEN_VMMCALL 3
#define LEN_MSR     2
#define LEN_INVD    2

void svm_inject_exception(struct svm_vcpu *v, unsigned vector, bool has_error, uint32_t error)
{
	uint64_t ev = VMCB_EVT_VALID | VMCB_EVT_TYPE_EXC | (vector & VMCB_EVT_VECTOR_MASK);

	if (has_error)
		ev |= VMCB_EVT_EV | (uint64_t)error << VMCB_EVT_ERROR_SHIFT;
	v->vmcb->ctl.event_inj = ev;
}

/* ---- guest memory ---- */

/* Copies `len` bytes at a guest linear address through the guest's paging
 * (user access at CPL 3) and the nested tables. 0, X86_PF_VECTOR with cr2
 * set in the VMCB and the error code in *pf, or -EFAULT (not RAM). */
static int guest_access(struct svm_vcpu *v, uint64_t linear, void *buf, unsigned len, bool write, uint32_t *pf)
{
	const struct vmcb_save *s = &v->vmcb->save;
	struct nested_pt_guest_mode m = {s->cr0, s->cr3, s->cr4, s->efer, s->cpl == 3};
	uint64_t cr2;
	int r = nested_pt_guest_copy(&v->vm->npt, &m, linear, buf, len, write, pf, &cr2);

	if (r == X86_PF_VECTOR)
		v->vmcb->save.cr2 = cr2;
	return r;
}

int svm_guest_linear(struct svm_vcpu *v, uint64_t linear, void *buf, unsigned len, bool write)
{
	uint32_t pf;

	return guest_access(v, linear, buf, len, write, &pf);
}

/* ---- string I/O ---- */

static bool long_mode_64(const struct vmcb_save *s)
{
	return (s->efer & EFER_LMA) && (s->cs.attrib & VMCB_ATTR_L);
}

static enum x86_cpu_mode cpu_mode(const struct vmcb_save *s)
{
	if (!(s->cr0 & CR0_PE))
		return X86_MODE_16;
	if (long_mode_64(s))
		return X86_MODE_64;
	return (s->cs.attrib & VMCB_ATTR_DB) ? X86_MODE_32 : X86_MODE_16;
}

/* The memory operand of an ins/outs from its prefixes: the segment (ds
 * unless overridden, for outs; es/cs/ss/ds overrides mean nothing in 64-bit
 * mode) and the address size (the mode's, flipped by 0x67). EXITINFO1 has
 * address-size bits too, but emulators disagree on them (QEMU's TCG), and
 * only the prefixes are needed, so they are scanned here rather than by
 * the MMIO decoder. */
static void string_operand(struct svm_vcpu *v, unsigned *seg, uint8_t *addr_size)
{
	const struct vmcb_save *s = &v->vmcb->save;
	enum x86_cpu_mode mode = cpu_mode(s);
	uint64_t rip = mode == X86_MODE_64 ? s->rip : s->cs.base + (uint32_t)s->rip;
	bool addr_prefix = false;
	uint8_t b;

	*seg = X86_SEG_DS;
	for (unsigned i = 0; i < X86_MAX_INSN_LEN; i++) {
		if (svm_guest_linear(v, rip + i, &b, 1, false))
			break;
		if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e) {
			if (mode != X86_MODE_64)
				*seg = (b >> 3) & 3;
		} else if (b == 0x64 || b == 0x65) {
			*seg = b == 0x64 ? X86_SEG_FS : X86_SEG_GS;
		} else if (b == 0x67) {
			addr_prefix = true;
		} else if (b != 0x66 && b != 0xf0 && b != 0xf2 && b != 0xf3 &&
		           !(mode == X86_MODE_64 && (b & 0xf0) == 0x40)) {
			break;
		}
	}
	switch (mode) {
	case X86_MODE_64: *addr_size = addr_prefix ? 4 : 8; break;
	case X86_MODE_32: *addr_size = addr_prefix ? 2 : 4; break;
	default: *addr_size = addr_prefix ? 4 : 2;
	}
}

static const struct vmcb_seg *vmcb_segment(const struct vmcb_save *s, unsigned seg)
{
	switch (seg) {
	case X86_SEG_ES: return &s->es;
	case X86_SEG_CS: return &s->cs;
	case X86_SEG_SS: return &s->ss;
	case X86_SEG_FS: return &s->fs;
	case X86_SEG_GS: return &s->gs;
	default: return &s->ds;
	}
}

static uint64_t addr_mask(unsigned addr_size)
{
	return addr_size == 8 ? ~0ull : (1ull << (addr_size * 8)) - 1;
}

static uint64_t *gpr_ref(struct svm_vcpu *v, unsigned reg)
{
	switch (reg) {
	case X86_RCX: return &v->gprs.rcx;
	case X86_RSI: return &v->gprs.rsi;
	default: return &v->gprs.rdi;
	}
}

/* Sets up the element of an ins/outs the guest is at; false when there is
 * nothing to do (rep with rcx 0) or an exception was raised instead. */
static int string_start(struct svm_vcpu *v, struct hv_exit *e, uint64_t info1)
{
	struct vmcb_save *s = &v->vmcb->save;
	struct svm_string_io *st = &v->str;
	unsigned seg, reg;
	uint64_t mask;
	uint32_t pf;
	int err;

	st->rep = info1 & VMCB_IO_REP;
	string_operand(v, &seg, &st->addr_size);
	mask = addr_mask(st->addr_size);
	if (st->rep && (v->gprs.rcx & mask) == 0) {
		s->rip = v->next_rip;
		return 0;
	}
	if (e->u.io.in)
		seg = X86_SEG_ES; /* ins cannot override es */
	reg = e->u.io.in ? X86_RDI : X86_RSI;
	st->linear = (*gpr_ref(v, reg) & mask) + vmcb_segment(s, seg)->base;
	if (!long_mode_64(s))
		st->linear = (uint32_t)st->linear;
	st->active = true;
	if (e->u.io.in)
		return 1;
	err = guest_access(v, st->linear, &e->u.io.data, e->u.io.size, false, &pf);
	if (err == X86_PF_VECTOR) {
		st->active = false;
		svm_inject_exception(v, X86_PF_VECTOR, true, pf);
		return 0;
	}
	return err ? err : 1;
}

/* After hv/ handled one element: store an ins element, step the index
 * and count registers, and leave rip on the instruction while a rep has
 * elements left (the guest re-executes it; interrupts may come between). */
static void string_complete(struct svm_vcpu *v, const struct hv_exit *e)
{
	struct svm_string_io *st = &v->str;
	uint64_t mask = addr_mask(st->addr_size), *idx;
	int64_t step = (v->vmcb->save.rflags & RFLAGS_DF) ? -(int64_t)v->io_size : v->io_size;
	uint32_t pf;

	st->active = false;
	if (e->u.io.in) {
		uint32_t data = e->u.io.data;
		int err = guest_access(v, st->linear, &data, v->io_size, true, &pf);

		if (err == X86_PF_VECTOR) {
			svm_inject_exception(v, X86_PF_VECTOR, true, pf);
			return;
		}
		/* Not RAM (an ins into an MMIO hole): the element is dropped. */
	}
	idx = gpr_ref(v, e->u.io.in ? X86_RDI : X86_RSI);
	*idx = (*idx & ~mask) | ((*idx + (uint64_t)step) & mask);
	if (st->addr_size == 4)
		*idx = (uint32_t)*idx;
	if (st->rep) {
		uint64_t *rcx = gpr_ref(v, X86_RCX);

		*rcx = (*rcx & ~mask) | ((*rcx - 1) & mask);
		if (st->addr_size == 4)
			*rcx = (uint32_t)*rcx;
		if (*rcx & mask)
			return;
	}
	v->vmcb->save.rip = v->next_rip;
}

/* ---- decoding ---- */

static enum svm_exit_action decode_io(struct svm_vcpu *v, struct hv_exit *e, uint64_t info1, uint64_t info2)
{
	int r;

	e->reason = HV_EXIT_IO;
	e->u.io.port = (uint16_t)(info1 >> VMCB_IO_PORT_SHIFT);
	e->u.io.size = info1 & VMCB_IO_SZ32 ? 4 : info1 & VMCB_IO_SZ16 ? 2 : 1;
	e->u.io.in = info1 & VMCB_IO_IN;
	e->u.io.string = info1 & VMCB_IO_STR;
	e->u.io.rep = info1 & VMCB_IO_REP;
	e->insn_len = (unsigned)(info2 - e->rip);
	v->io_size = e->u.io.size;
	v->next_rip = info2;
	if (!e->u.io.string) {
		if (!e->u.io.in)
			e->u.io.data = (uint32_t)v->vmcb->save.rax & (uint32_t)((1ull << (8 * e->u.io.size)) - 1);
		return SVM_EXIT_REPORT;
	}
	r = string_start(v, e, info1);
	if (r < 0) {
		/* ins/outs with memory outside RAM: hv/ stops the VM. */
		e->reason = HV_EXIT_NONE;
		return SVM_EXIT_REPORT;
	}
	return r ? SVM_EXIT_REPORT : SVM_EXIT_REENTER;
}

enum svm_exit_action svm_decode_exit(struct svm_vcpu *v, struct hv_exit *e)
{
	struct vmcb *vmcb = v->vmcb;
	uint64_t code = vmcb->ctl.exit_code, info1 = vmcb->ctl.exit_info1, info2 = vmcb->ctl.exit_info2;

	memset(e, 0, sizeof(*e));
	e->hw_code = code;
	e->rip = vmcb->save.rip;
	/* The window request lasts one entry: hv/ asks again if needed. */
	vmcb->ctl.int_ctl &= ~(VMCB_INT_V_IRQ | VMCB_INT_V_IGN_TPR | (0xfull << VMCB_INT_V_PRIO_SHIFT));
	vmcb->ctl.intercept_misc1 &= ~VMCB_I1_VINTR;
	if (vmcb->ctl.exit_int_info & VMCB_EVT_VALID)
		v->reinject = vmcb->ctl.exit_int_info;
	/* The IRET that ended the NMI handler has run once rip moved on. */
	if (v->iret_seen && vmcb->save.rip != v->iret_rip)
		v->nmi_blocked = v->iret_seen = false;

	switch (code) {
	case VMEXIT_IOIO: return decode_io(v, e, info1, info2);
	case VMEXIT_CPUID:
		e->reason = HV_EXIT_CPUID;
		e->insn_len = LEN_CPUID;
		e->u.cpuid.leaf = (uint32_t)vmcb->save.rax;
		e->u.cpuid.subleaf = (uint32_t)v->gprs.rcx;
		break;
	case VMEXIT_MSR:
		e->reason = info1 & 1 ? HV_EXIT_MSR_WRITE : HV_EXIT_MSR_READ;
		e->insn_len = LEN_MSR;
		e->u.msr.index = (uint32_t)v->gprs.rcx;
		if (info1 & 1)
			e->u.msr.value = (uint32_t)vmcb->save.rax | (v->gprs.rdx << 32);
		break;
	case VMEXIT_HLT:
		e->reason = HV_EXIT_HLT;
		e->insn_len = LEN_HLT;
		break;
	case VMEXIT_VMMCALL:
		e->reason = HV_EXIT_HYPERCALL;
		e->insn_len = LEN_VMMCALL;
		break;
	case VMEXIT_NPF:
		e->reason = HV_EXIT_NPF;
		e->u.npf.gpa = info2;
		e->u.npf.write = info1 & VMCB_NPF_WRITE;
		e->u.npf.exec = info1 & VMCB_NPF_FETCH;
		e->u.npf.read = !e->u.npf.write && !e->u.npf.exec;
		break;
	case VMEXIT_SHUTDOWN: e->reason = HV_EXIT_SHUTDOWN; break;
	case VMEXIT_INTR:
	case VMEXIT_NMI:
	case VMEXIT_SMI: e->reason = HV_EXIT_EXTERNAL_INTR; break;
	case VMEXIT_VINTR: e->reason = HV_EXIT_INTR_WINDOW; break;
	case VMEXIT_INVALID: e->reason = HV_EXIT_INVALID_STATE; break;
	case VMEXIT_IRET:
		/* Intercepted only while an NMI we injected blocks others. */
		v->iret_seen = true;
		v->iret_rip = vmcb->save.rip;
		v->internal_exits++;
		return SVM_EXIT_REENTER;
	case VMEXIT_INVD:
		/* Dropping caches the host relies on is not the guest's call. */
		vmcb->save.rip += LEN_INVD;
		v->internal_exits++;
		return SVM_EXIT_REENTER;
	case VMEXIT_VMRUN:
	case VMEXIT_VMLOAD:
	case VMEXIT_VMSAVE:
	case VMEXIT_STGI:
	case VMEXIT_CLGI:
	case VMEXIT_SKINIT:
	case VMEXIT_INVLPGA:
	case VMEXIT_RDTSCP:
	case VMEXIT_MONITOR:
	case VMEXIT_MWAIT:
	case VMEXIT_MWAIT_COND:
	case VMEXIT_XSETBV:
	case VMEXIT_RDPRU:
		/* The guest sees no SVM, MONITOR, RDTSCP or XSAVE in CPUID. */
		svm_inject_exception(v, X86_UD, false, 0);
		v->internal_exits++;
		return SVM_EXIT_REENTER;
	default:
		if (code >= VMEXIT_EXCP_BASE && code < VMEXIT_EXCP_BASE + 32) {
			unsigned vec = (unsigned)(code - VMEXIT_EXCP_BASE);

			e->reason = HV_EXIT_EXCEPTION;
			e->u.exception.vector = (uint8_t)vec;
			e->u.exception.has_error = vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21;
			e->u.exception.error = e->u.exception.has_error ? (uint32_t)info1 : 0;
			e->u.exception.cr2 = vec == X86_PF_VECTOR ? info2 : 0;
		} else {
			e->reason = HV_EXIT_NONE; /* hv/ stops the VM naming hw_code */
		}
	}
	return SVM_EXIT_REPORT;
}

/* ---- completion ---- */

static void set_rax_sized(struct vmcb_save *s, unsigned size, uint64_t val)
{
	switch (size) {
	case 1: s->rax = (s->rax & ~0xffull) | (val & 0xff); break;
	case 2: s->rax = (s->rax & ~0xffffull) | (val & 0xffff); break;
	default: s->rax = (uint32_t)val;
	}
}

void svm_complete(struct svm_vcpu *v, const struct hv_exit *e)
{
	struct vmcb_save *s = &v->vmcb->save;

	switch (v->last) {
	case HV_EXIT_IO:
		if (v->str.active) {
			string_complete(v, e);
			return;
		}
		if (e->u.io.in)
			set_rax_sized(s, v->io_size, e->u.io.data);
		s->rip = v->next_rip;
		return;
	case HV_EXIT_CPUID:
		s->rax = e->u.cpuid.eax;
		v->gprs.rbx = e->u.cpuid.ebx;
		v->gprs.rcx = e->u.cpuid.ecx;
		v->gprs.rdx = e->u.cpuid.edx;
		s->rip += LEN_CPUID;
		return;
	case HV_EXIT_MSR_READ:
		s->rax = (uint32_t)e->u.msr.value;
		v->gprs.rdx = e->u.msr.value >> 32;
		s->rip += LEN_MSR;
		return;
	case HV_EXIT_MSR_WRITE: s->rip += LEN_MSR; return;
	case HV_EXIT_HLT: s->rip += LEN_HLT; return;
	case HV_EXIT_HYPERCALL: s->rip += LEN_VMMCALL; return;
	default: return; /* NPF: hv/ emulated and moved rip itself */
	}
}
