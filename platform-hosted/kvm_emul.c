/* Instructions the KVM backend runs itself when KVM's emulator gives up.
 *
 * Paravirtual KVM (PVM, module kvm_pvm) runs guest supervisor code without
 * VMX/SVM and hands privileged instructions of guests that are not PVM-aware
 * to KVM's instruction emulator, which executes iret only in real mode. Every
 * interrupt handler ends in iret, so the backend finishes a same-privilege
 * iret itself: pop the frame through the guest's page tables, load CS (and
 * SS in 64-bit mode) from the GDT, restore the flags and end NMI blocking
 * (KVM never saw the iret). Anything else
 * (a privilege change, a task return, a 16-bit frame) stays a failure. */
#include <errno.h>
#include <linux/kvm.h>
#include <plat/mem.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvm.h"

#define CR0_PG    (1ull << 31)
#define CR4_PSE   (1ull << 4)
#define CR4_PAE   (1ull << 5)
#define EFER_LMA  (1ull << 10)
#define PTE_P     1ull
#define PTE_PS    (1ull << 7)
#define ADDR_MASK 0x000ffffffffff000ull
#define EFLAGS_NT (1u << 14)
#define EFLAGS_VM (1u << 17)
/* What iret may change at CPL 0: CF PF AF ZF SF TF IF DF OF IOPL NT RF AC ID */
#define EFLAGS_IRET 0x254fd5ull

/* Host pointer to guest-physical [pa, pa+len) inside one slot, or NULL. */
static void *phys_ptr(struct kvm_vm *vm, uint64_t pa, size_t len)
{
	void *p = NULL;

	pthread_mutex_lock(&vm->lock);
	for (unsigned i = 0; i < KVM_MAX_SLOTS; i++) {
		const struct kvm_slot *s = &vm->slot[i];
		if (s->used && pa >= s->gpa && pa - s->gpa + len <= s->size) {
			p = plat_phys_to_virt(s->hpa + (pa - s->gpa));
			break;
		}
	}
	pthread_mutex_unlock(&vm->lock);
	return p;
}

static bool read_pte(struct kvm_vm *vm, uint64_t pa, unsigned size, uint64_t *e)
{
	void *p = phys_ptr(vm, pa, size);

	if (!p)
		return false;
	*e = 0;
	memcpy(e, p, size);
	return (*e & PTE_P) != 0;
}

/* Guest-linear to guest-physical through the paging mode in force. */
static bool translate(struct kvm_vm *vm, const struct kvm_sregs *s, uint64_t la, uint64_t *pa)
{
	uint64_t e;

	if (!(s->cr0 & CR0_PG)) {
		*pa = la & 0xffffffffull;
		return true;
	}
	if (s->efer & EFER_LMA) {
		static const unsigned shift[] = {39, 30, 21, 12};
		uint64_t table = s->cr3 & ADDR_MASK;
		for (unsigned l = 0; l < 4; l++) {
			if (!read_pte(vm, table + ((la >> shift[l]) & 511) * 8, 8, &e))
				return false;
			if ((l == 1 || l == 2) && (e & PTE_PS)) {
				uint64_t size = 1ull << shift[l];
				*pa = (e & ADDR_MASK & ~(size - 1)) | (la & (size - 1));
				return true;
			}
			table = e & ADDR_MASK;
		}
		*pa = table | (la & 0xfff);
		return true;
	}
	la &= 0xffffffffull;
	if (s->cr4 & CR4_PAE) {
		if (!read_pte(vm, (s->cr3 & 0xffffffe0ull) + (la >> 30) * 8, 8, &e) ||
		    !read_pte(vm, (e & ADDR_MASK) + ((la >> 21) & 511) * 8, 8, &e))
			return false;
		if (e & PTE_PS) {
			*pa = (e & ADDR_MASK & ~0x1fffffull) | (la & 0x1fffff);
			return true;
		}
		if (!read_pte(vm, (e & ADDR_MASK) + ((la >> 12) & 511) * 8, 8, &e))
			return false;
		*pa = (e & ADDR_MASK) | (la & 0xfff);
		return true;
	}
	if (!read_pte(vm, (s->cr3 & 0xfffff000ull) + (la >> 22) * 4, 4, &e))
		return false;
	if ((e & PTE_PS) && (s->cr4 & CR4_PSE)) {
		*pa = (e & 0xffc00000ull) | (la & 0x3fffff);
		return true;
	}
	if (!read_pte(vm, (e & 0xfffff000ull) + ((la >> 12) & 1023) * 4, 4, &e))
		return false;
	*pa = (e & 0xfffff000ull) | (la & 0xfff);
	return true;
}

static bool read_linear(struct kvm_vm *vm, const struct kvm_sregs *s, uint64_t la, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		size_t n = 4096 - (la & 0xfff);
		uint64_t pa;
		void *p;
		if (n > len)
			n = len;
		if (!translate(vm, s, la, &pa) || !(p = phys_ptr(vm, pa, n)))
			return false;
		memcpy(out, p, n);
		out += n, la += n, len -= n;
	}
	return true;
}

/* Loads segment `sel` from the GDT into `seg` (code or data, present). */
static bool load_segment(struct kvm_vm *vm, const struct kvm_sregs *s, uint16_t sel, struct kvm_segment *seg, bool code)
{
	uint64_t d;
	uint32_t limit;

	if (sel & 4 || (sel | 7) > s->gdt.limit || !read_linear(vm, s, s->gdt.base + (sel & ~7u), &d, 8))
		return false;
	if (!(d >> 47 & 1) || !(d >> 44 & 1) || (bool)(d >> 43 & 1) != code)
		return false; /* not present, a system descriptor, or the wrong kind */
	limit = (uint32_t)((d & 0xffff) | (d >> 32 & 0xf0000));
	memset(seg, 0, sizeof(*seg));
	seg->base = (d >> 16 & 0xffffff) | (d >> 32 & 0xff000000);
	seg->g = d >> 55 & 1;
	seg->limit = seg->g ? limit << 12 | 0xfff : limit;
	seg->selector = sel;
	seg->type = d >> 40 & 0xf;
	seg->s = 1;
	seg->dpl = d >> 45 & 3;
	seg->present = 1;
	seg->avl = d >> 52 & 1;
	seg->l = d >> 53 & 1;
	seg->db = d >> 54 & 1;
	return true;
}

/* An iret ends the NMI handler: KVM, which never saw this one, would
 * otherwise hold every later NMI. */
static int unmask_nmi(struct kvm_vcpu *v)
{
	struct kvm_vcpu_events ev;

	if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, &ev) < 0)
		return -errno;
	if (!ev.nmi.masked)
		return 0;
	ev.nmi.masked = 0;
	ev.flags = 0; /* leave the other state as it is */
	return ioctl(v->fd, KVM_SET_VCPU_EVENTS, &ev) < 0 ? -errno : 0;
}

static int emulate_iret(struct kvm_vcpu *v, const uint8_t *insn, unsigned len)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	unsigned i = 0, op, cpl;
	bool rex_w = false, opsize16 = false, long_mode;
	uint64_t frame[5] = {0}, sp;
	uint8_t raw[40];
	struct kvm_segment cs, ss;

	for (; i < len && (insn[i] == 0x66 || (insn[i] & 0xf0) == 0x40); i++) {
		if (insn[i] == 0x66)
			opsize16 = true;
		else
			rex_w = insn[i] & 8;
	}
	if (i >= len || insn[i] != 0xcf)
		return -EOPNOTSUPP;
	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 || ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	long_mode = s.cs.l;
	if (!(s.cr0 & 1) || (r.rflags & (EFLAGS_VM | EFLAGS_NT)) || opsize16 || (rex_w && !long_mode))
		return -EOPNOTSUPP; /* real/v86 mode, task return, 16-bit frame */
	cpl = s.cs.dpl;
	op = rex_w ? 8 : 4;
	sp = s.ss.base + (long_mode || s.ss.db ? r.rsp : (r.rsp & 0xffff));
	if (!long_mode && !s.ss.db)
		return -EOPNOTSUPP;
	if (!read_linear(v->vm, &s, long_mode ? r.rsp : sp, raw, (long_mode ? 5 : 3) * op))
		return -EFAULT;
	for (unsigned k = 0; k < (long_mode ? 5u : 3u); k++)
		memcpy(&frame[k], raw + k * op, op);
	if ((frame[1] & 3) != cpl || !load_segment(v->vm, &s, (uint16_t)frame[1], &cs, true) ||
	    (cs.dpl != cpl && !(cs.type & 4)))
		return -EOPNOTSUPP; /* a return to another privilege level */
	if (long_mode) {
		uint16_t sel = (uint16_t)frame[4];
		if (sel & ~3u) {
			if (!load_segment(v->vm, &s, sel, &ss, false))
				return -EOPNOTSUPP;
		} else {
			ss = s.ss; /* a null SS at CPL 0 in 64-bit mode */
			ss.selector = sel;
		}
		r.rsp = frame[3];
		s.ss = ss;
	} else {
		r.rsp += 3 * op;
	}
	r.rip = frame[0];
	r.rflags = (r.rflags & ~EFLAGS_IRET) | (frame[2] & EFLAGS_IRET) | 2;
	s.cs = cs;
	if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0 || ioctl(v->fd, KVM_SET_REGS, &r) < 0)
		return -errno;
	return unmask_nmi(v);
}

int kvm_emulate_failed_insn(struct kvm_vcpu *v)
{
	struct kvm_run *run = v->run;

	if (run->exit_reason != KVM_EXIT_INTERNAL_ERROR ||
	    run->emulation_failure.suberror != KVM_INTERNAL_ERROR_EMULATION ||
	    !(run->emulation_failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES))
		return -EOPNOTSUPP;
	return emulate_iret(v, run->emulation_failure.insn_bytes,
	                    run->emulation_failure.insn_size < 15 ? run->emulation_failure.insn_size : 15);
}
