/* VMCB setup (intercepts, I/O and MSR permission maps, nested paging) and
 * the conversion between the VMCB and hv/'s register records. */
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/string.h>
#include <plat/mem.h>

#include "svm_internal.h"

#define IOPM_ORDER  2 /* 16 KiB block for the 12 KiB map */
#define MSRPM_ORDER 1
#define PAT_DEFAULT 0x0007040600070406ull
#define DR6_DEFAULT 0xffff0ff0ull
#define DR7_DEFAULT 0x400ull
#define CR0_PE      (1ull << 0)
#define RFLAGS_VM   (1ull << 17)

/* MSRs whose guest values live in the VMCB and are switched by
 * VMLOAD/VMSAVE: the guest reads and writes them without exits. */
static const uint32_t passthrough_msrs[] = {
    0x174,      0x175,      0x176,      /* SYSENTER_CS/ESP/EIP */
    0xc0000081, 0xc0000082, 0xc0000083, /* STAR, LSTAR, CSTAR */
    0xc0000084,                         /* SFMASK */
    0xc0000100, 0xc0000101, 0xc0000102, /* FS_BASE, GS_BASE, KERNEL_GS_BASE */
};

/* The bit pair of `msr` in the MSRPM: its read bit index, or -1 for MSRs
 * outside the three ranges (they always exit). */
static long msrpm_bit(uint32_t msr)
{
	if (msr <= 0x1fff)
		return (long)msr * 2;
	if (msr >= 0xc0000000u && msr <= 0xc0001fffu)
		return 0x800 * 8 + (long)(msr - 0xc0000000u) * 2;
	if (msr >= 0xc0010000u && msr <= 0xc0011fffu)
		return 0x1000 * 8 + (long)(msr - 0xc0010000u) * 2;
	return -1;
}

int svm_maps_init(struct svm_vm *vm)
{
	uint8_t *msrpm;

	vm->iopm = page_alloc(IOPM_ORDER);
	vm->msrpm = page_alloc(MSRPM_ORDER);
	if (!vm->iopm || !vm->msrpm) {
		svm_maps_destroy(vm);
		return -ENOMEM;
	}
	/* Every port and every other MSR goes to hv/'s models and policy. */
	memset(plat_phys_to_virt(vm->iopm), 0xff, VMCB_IOPM_SIZE);
	msrpm = plat_phys_to_virt(vm->msrpm);
	memset(msrpm, 0xff, VMCB_MSRPM_SIZE);
	for (unsigned i = 0; i < ARRAY_SIZE(passthrough_msrs); i++) {
		long bit = msrpm_bit(passthrough_msrs[i]);

		msrpm[bit / 8] &= (uint8_t) ~(3u << (bit % 8));
	}
	return 0;
}

void svm_maps_destroy(struct svm_vm *vm)
{
	if (vm->iopm)
		page_free(vm->iopm, IOPM_ORDER);
	if (vm->msrpm)
		page_free(vm->msrpm, MSRPM_ORDER);
	vm->iopm = vm->msrpm = 0;
}

void svm_vmcb_init(struct svm_vcpu *v)
{
	struct vmcb *vmcb = v->vmcb;
	struct hv_regs r;
	struct hv_sregs s;

	memset(vmcb, 0, sizeof(*vmcb));
	vmcb->ctl.intercept_misc1 = VMCB_I1_INTR | VMCB_I1_NMI | VMCB_I1_SMI | VMCB_I1_CPUID | VMCB_I1_INVD |
	                            VMCB_I1_HLT | VMCB_I1_INVLPGA | VMCB_I1_IOIO_PROT | VMCB_I1_MSR_PROT |
	                            VMCB_I1_SHUTDOWN;
	vmcb->ctl.intercept_misc2 = VMCB_I2_VMRUN | VMCB_I2_VMMCALL | VMCB_I2_VMLOAD | VMCB_I2_VMSAVE | VMCB_I2_STGI |
	                            VMCB_I2_CLGI | VMCB_I2_SKINIT | VMCB_I2_RDTSCP | VMCB_I2_MONITOR | VMCB_I2_MWAIT |
	                            VMCB_I2_MWAIT_C | VMCB_I2_XSETBV | VMCB_I2_RDPRU;
	vmcb->ctl.iopm_base_pa = v->vm->iopm;
	vmcb->ctl.msrpm_base_pa = v->vm->msrpm;
	vmcb->ctl.asid = v->asid;
	vmcb->ctl.int_ctl = VMCB_INT_V_INTR_MASKING;
	vmcb->ctl.np_enable = 1;
	vmcb->ctl.n_cr3 = v->vm->npt.root;
	vmcb->save.g_pat = PAT_DEFAULT;
	vmcb->save.dr6 = DR6_DEFAULT;
	vmcb->save.dr7 = DR7_DEFAULT;
	hv_regs_reset(&r, &s);
	svm_set_regs(v, &r);
	svm_set_sregs(v, &s);
}

/* ---- segments ---- */

uint16_t svm_seg_attrib(const struct hv_segment *s)
{
	if (s->unusable || !s->present)
		return 0;
	return (uint16_t)((s->type & 0xf) | (s->s ? VMCB_ATTR_S : 0) | (s->dpl & 3) << 5 | VMCB_ATTR_P |
	                  (s->avl ? VMCB_ATTR_AVL : 0) | (s->l ? VMCB_ATTR_L : 0) | (s->db ? VMCB_ATTR_DB : 0) |
	                  (s->g ? VMCB_ATTR_G : 0));
}

void svm_seg_to_vmcb(struct vmcb_seg *out, const struct hv_segment *s)
{
	out->selector = s->selector;
	out->attrib = svm_seg_attrib(s);
	out->limit = s->limit;
	out->base = s->base;
}

void svm_seg_from_vmcb(struct hv_segment *out, const struct vmcb_seg *s)
{
	uint16_t a = s->attrib;

	memset(out, 0, sizeof(*out));
	out->selector = s->selector;
	out->limit = s->limit;
	out->base = s->base;
	out->type = a & 0xf;
	out->s = (a & VMCB_ATTR_S) != 0;
	out->dpl = (a >> 5) & 3;
	out->present = (a & VMCB_ATTR_P) != 0;
	out->avl = (a & VMCB_ATTR_AVL) != 0;
	out->l = (a & VMCB_ATTR_L) != 0;
	out->db = (a & VMCB_ATTR_DB) != 0;
	out->g = (a & VMCB_ATTR_G) != 0;
	out->unusable = !out->present;
}

/* ---- registers ---- */

void svm_get_regs(const struct svm_vcpu *v, struct hv_regs *r)
{
	const struct hv_svm_gprs *g = &v->gprs;
	const struct vmcb_save *s = &v->vmcb->save;

	r->gpr[0] = s->rax;
	r->gpr[1] = g->rcx;
	r->gpr[2] = g->rdx;
	r->gpr[3] = g->rbx;
	r->gpr[4] = s->rsp;
	r->gpr[5] = g->rbp;
	r->gpr[6] = g->rsi;
	r->gpr[7] = g->rdi;
	memcpy(&r->gpr[8], &g->r8, 8 * sizeof(uint64_t));
	r->rip = s->rip;
	r->rflags = s->rflags;
}

void svm_set_regs(struct svm_vcpu *v, const struct hv_regs *r)
{
	struct hv_svm_gprs *g = &v->gprs;
	struct vmcb_save *s = &v->vmcb->save;

	s->rax = r->gpr[0];
	g->rcx = r->gpr[1];
	g->rdx = r->gpr[2];
	g->rbx = r->gpr[3];
	s->rsp = r->gpr[4];
	g->rbp = r->gpr[5];
	g->rsi = r->gpr[6];
	g->rdi = r->gpr[7];
	memcpy(&g->r8, &r->gpr[8], 8 * sizeof(uint64_t));
	s->rip = r->rip;
	s->rflags = r->rflags | 2; /* bit 1 is always set */
}

void svm_get_sregs(const struct svm_vcpu *v, struct hv_sregs *out)
{
	const struct vmcb *vmcb = v->vmcb;
	const struct vmcb_save *s = &vmcb->save;

	svm_seg_from_vmcb(&out->cs, &s->cs);
	svm_seg_from_vmcb(&out->ds, &s->ds);
	svm_seg_from_vmcb(&out->es, &s->es);
	svm_seg_from_vmcb(&out->fs, &s->fs);
	svm_seg_from_vmcb(&out->gs, &s->gs);
	svm_seg_from_vmcb(&out->ss, &s->ss);
	svm_seg_from_vmcb(&out->tr, &s->tr);
	svm_seg_from_vmcb(&out->ldt, &s->ldtr);
	out->gdt.base = s->gdtr.base;
	out->gdt.limit = (uint16_t)s->gdtr.limit;
	out->idt.base = s->idtr.base;
	out->idt.limit = (uint16_t)s->idtr.limit;
	out->cr0 = s->cr0;
	out->cr2 = s->cr2;
	out->cr3 = s->cr3;
	out->cr4 = s->cr4;
	out->cr8 = vmcb->ctl.int_ctl & VMCB_INT_V_TPR_MASK;
	out->efer = s->efer & ~SVM_EFER_SVME;
	out->apic_base = v->apic_base;
}

void svm_set_sregs(struct svm_vcpu *v, const struct hv_sregs *in)
{
	struct vmcb *vmcb = v->vmcb;
	struct vmcb_save *s = &vmcb->save;

	svm_seg_to_vmcb(&s->cs, &in->cs);
	svm_seg_to_vmcb(&s->ds, &in->ds);
	svm_seg_to_vmcb(&s->es, &in->es);
	svm_seg_to_vmcb(&s->fs, &in->fs);
	svm_seg_to_vmcb(&s->gs, &in->gs);
	svm_seg_to_vmcb(&s->ss, &in->ss);
	svm_seg_to_vmcb(&s->tr, &in->tr);
	svm_seg_to_vmcb(&s->ldtr, &in->ldt);
	s->gdtr.base = in->gdt.base;
	s->gdtr.limit = in->gdt.limit;
	s->idtr.base = in->idt.base;
	s->idtr.limit = in->idt.limit;
	s->cr0 = in->cr0;
	s->cr2 = in->cr2;
	s->cr3 = in->cr3;
	s->cr4 = in->cr4;
	vmcb->ctl.int_ctl = (vmcb->ctl.int_ctl & ~VMCB_INT_V_TPR_MASK) | (in->cr8 & VMCB_INT_V_TPR_MASK);
	/* VMRUN refuses a guest without SVME; the guest never sees it. */
	s->efer = in->efer | SVM_EFER_SVME;
	/* The CPL is SS.DPL in protected mode, 0 in real mode, 3 in vm86. */
	if (!(in->cr0 & CR0_PE))
		s->cpl = 0;
	else if (s->rflags & RFLAGS_VM)
		s->cpl = 3;
	else
		s->cpl = in->ss.dpl;
	v->apic_base = in->apic_base;
	v->last_cpu = -1; /* new paging state: flush the guest's TLB entries */
}
