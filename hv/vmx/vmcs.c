/* VMCS setup (controls, bitmaps, EPT pointer, MSR lists, host state) and
 * the conversion between the VMCS guest-state area and hv/'s register
 * records. Only the functions named vmx_read/vmx_write touch the VMCS, with
 * it current on this CPU (interrupts off). */
#include <kern/errno.h>
#include <kern/log.h>
#include <kern/mm.h>
#include <kern/string.h>
#include <plat/mem.h>
#include <plat/virt.h>

#include "vmx_internal.h"

#define IO_BITMAPS_ORDER  1 /* A and B, 4 KiB each */
#define PAT_DEFAULT       0x0007040600070406ull
#define DR7_DEFAULT       0x400ull
#define CR0_PE            (1ull << 0)
#define CR0_PG            (1ull << 31)
#define CR4_PAE           (1ull << 5)
#define EFER_LMA          (1ull << 10)
#define RFLAGS_FIXED      2ull
#define SEG_TYPE_TSS_BUSY 11
#define SEG_TYPE_LDT      2

/* The syscall MSRs the guest uses directly: the VM-entry MSR-load list
 * gives it its values, the VM-exit lists store them and restore the host's. */
static const uint32_t switched_msrs[VMX_NMSRS] = {
    0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, 0xc0000102, /* STAR, LSTAR, CSTAR, SFMASK, KERNEL_GS_BASE */
};
/* MSRs the guest reads and writes without exits: those in the VMCS
 * guest area (SYSENTER, FS/GS base) and the switched ones. */
static const uint32_t passthrough_msrs[] = {
    0x174, 0x175, 0x176, 0xc0000100, 0xc0000101, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, 0xc0000102,
};

uint64_t vmx_read(uint32_t field)
{
	uint64_t v = 0;

	if (plat_vmx_vmread(field, &v))
		pr_warn("vmx: vmread %#x failed\n", field);
	return v;
}

void vmx_write(uint32_t field, uint64_t value)
{
	if (plat_vmx_vmwrite(field, value))
		pr_warn("vmx: vmwrite %#x failed\n", field);
}

int vmx_maps_init(struct vmx_vm *vm)
{
	uint8_t *msr;

	vm->io_bitmaps = page_alloc(IO_BITMAPS_ORDER);
	vm->msr_bitmap = page_alloc(0);
	if (!vm->io_bitmaps || !vm->msr_bitmap) {
		vmx_maps_destroy(vm);
		return -ENOMEM;
	}
	/* Every port and every other MSR goes to hv/'s models and policy;
	 * MSRs outside the two bitmap ranges always exit. */
	memset(plat_phys_to_virt(vm->io_bitmaps), 0xff, 2 * VMX_PAGE);
	msr = plat_phys_to_virt(vm->msr_bitmap);
	memset(msr, 0xff, VMX_PAGE);
	for (unsigned i = 0; i < ARRAY_SIZE(passthrough_msrs); i++) {
		uint32_t m = passthrough_msrs[i];
		unsigned base = m >= 0xc0000000u ? 1024 : 0, bit = m & 0x1fff;

		msr[base + bit / 8] &= (uint8_t) ~(1u << (bit % 8));        /* read */
		msr[2048 + base + bit / 8] &= (uint8_t) ~(1u << (bit % 8)); /* write */
	}
	return 0;
}

void vmx_maps_destroy(struct vmx_vm *vm)
{
	if (vm->io_bitmaps)
		page_free(vm->io_bitmaps, IO_BITMAPS_ORDER);
	if (vm->msr_bitmap)
		page_free(vm->msr_bitmap, 0);
	vm->io_bitmaps = vm->msr_bitmap = 0;
}

/* ---- segments ---- */

uint32_t vmx_seg_ar(const struct hv_segment *s)
{
	if (s->unusable || !s->present)
		return VMX_AR_UNUSABLE;
	return (s->type & 0xfu) | (s->s ? VMX_AR_S : 0) | (s->dpl & 3u) << 5 | VMX_AR_P | (s->avl ? VMX_AR_AVL : 0) |
	       (s->l ? VMX_AR_L : 0) | (s->db ? VMX_AR_DB : 0) | (s->g ? VMX_AR_G : 0);
}

void vmx_seg_from_ar(struct hv_segment *out, uint32_t ar)
{
	out->type = ar & 0xf;
	out->s = (ar & VMX_AR_S) != 0;
	out->dpl = (ar >> 5) & 3;
	out->present = (ar & VMX_AR_P) && !(ar & VMX_AR_UNUSABLE);
	out->avl = (ar & VMX_AR_AVL) != 0;
	out->l = (ar & VMX_AR_L) != 0;
	out->db = (ar & VMX_AR_DB) != 0;
	out->g = (ar & VMX_AR_G) != 0;
	out->unusable = (ar & VMX_AR_UNUSABLE) != 0;
}

/* The access rights VM entry accepts for what hv/ asked (SDM 26.3.1.2):
 * usable code and data segments are accessed, G matches the limit, TR is
 * a busy TSS and never unusable, a usable LDTR is an LDT. */
static uint32_t entry_ar(const struct hv_segment *in, enum vmcs_seg seg)
{
	struct hv_segment s = *in;

	if (seg == VMCS_SEG_TR) {
		s.unusable = 0;
		s.present = 1;
		s.s = 0;
		if (s.type != 3 && s.type != SEG_TYPE_TSS_BUSY)
			s.type = SEG_TYPE_TSS_BUSY;
	} else if (seg == VMCS_SEG_LDTR) {
		if (s.type != SEG_TYPE_LDT || s.s)
			s.unusable = 1;
	} else if (s.s) {
		s.type |= 1;
	}
	s.g = s.limit > 0xfffff;
	return vmx_seg_ar(&s);
}

static struct hv_segment *seg_of(struct hv_sregs *s, enum vmcs_seg i)
{
	struct hv_segment *order[] = {&s->es, &s->cs, &s->ss, &s->ds, &s->fs, &s->gs, &s->ldt, &s->tr};

	return order[i];
}

/* ---- control registers ---- */

static uint64_t cr0_fixed0(const struct vmx_vm *vm)
{
	/* Unrestricted guest frees PE and PG. */
	return vm->caps.cr0_fixed0 & ~(CR0_PE | CR0_PG);
}

uint64_t vmx_cr0_real(const struct vmx_vm *vm, uint64_t cr0)
{
	return (cr0 | cr0_fixed0(vm)) & vm->caps.cr0_fixed1;
}

uint64_t vmx_cr4_real(const struct vmx_vm *vm, uint64_t cr4)
{
	return (cr4 | vm->caps.cr4_fixed0) & vm->caps.cr4_fixed1;
}

/* Bits the host owns: writes that change them exit (CR access). */
static uint64_t cr0_mask(const struct vmx_vm *vm)
{
	return (cr0_fixed0(vm) | ~vm->caps.cr0_fixed1) & 0xffffffffull;
}

static uint64_t cr4_mask(const struct vmx_vm *vm)
{
	return vm->caps.cr4_fixed0 | ~vm->caps.cr4_fixed1;
}

static bool pae_paging(const struct hv_sregs *s)
{
	return (s->cr0 & CR0_PG) && (s->cr4 & CR4_PAE) && !(s->efer & EFER_LMA);
}

void vmx_load_pdptes(struct vmx_vcpu *v)
{
	uint64_t base = v->sregs.cr3 & 0xffffffe0ull;

	memset(v->pdpte, 0, sizeof(v->pdpte));
	if (!pae_paging(&v->sregs))
		return;
	for (unsigned i = 0; i < 4; i++) {
		paddr_t hpa = vmx_ept_translate(v->vm, base + 8 * i, false);

		if (hpa)
			memcpy(&v->pdpte[i], plat_phys_to_virt(hpa), 8);
	}
}

/* ---- state ---- */

void vmx_vcpu_reset(struct vmx_vcpu *v)
{
	struct hv_regs r;
	struct hv_sregs s;

	hv_regs_reset(&r, &s);
	memcpy(v->gprs.gpr, r.gpr, sizeof(r.gpr));
	v->rip = r.rip;
	v->rsp = r.gpr[4];
	v->rflags = r.rflags;
	vmx_set_sregs(v, &s);
}

void vmx_set_sregs(struct vmx_vcpu *v, const struct hv_sregs *s)
{
	v->sregs = *s;
	v->gprs.cr2 = s->cr2;
	vmx_load_pdptes(v);
	v->dirty = true;
	v->flush_vpid = true; /* new paging state */
}

void vmx_vmcs_setup(struct vmx_vcpu *v)
{
	const struct vmx_vm *vm = v->vm;
	paddr_t msrs = v->msr_page;

	vmx_write(VMCS_LINK_POINTER, ~0ull);
	if (vm->ctls.proc2 & PROC2_VPID)
		vmx_write(VMCS_VPID, v->vpid);
	vmx_write(VMCS_PIN_CTLS, vm->ctls.pin);
	vmx_write(VMCS_PROC_CTLS, vm->ctls.proc);
	vmx_write(VMCS_PROC_CTLS2, vm->ctls.proc2);
	vmx_write(VMCS_EXIT_CTLS, vm->ctls.exit);
	vmx_write(VMCS_ENTRY_CTLS, vm->ctls.entry);
	vmx_write(VMCS_EXCEPTION_BITMAP, 0);
	vmx_write(VMCS_PF_ERROR_MASK, 0);
	vmx_write(VMCS_PF_ERROR_MATCH, 0);
	vmx_write(VMCS_CR3_TARGET_COUNT, 0);
	vmx_write(VMCS_IO_BITMAP_A, vm->io_bitmaps);
	vmx_write(VMCS_IO_BITMAP_B, vm->io_bitmaps + VMX_PAGE);
	vmx_write(VMCS_MSR_BITMAP, vm->msr_bitmap);
	vmx_write(VMCS_EPT_POINTER, vm->eptp);
	vmx_write(VMCS_TSC_OFFSET, 0);
	vmx_write(VMCS_ENTRY_MSR_LOAD_ADDR, msrs);
	vmx_write(VMCS_EXIT_MSR_STORE_ADDR, msrs);
	vmx_write(VMCS_EXIT_MSR_LOAD_ADDR, msrs + VMX_PAGE / 2);
	vmx_write(VMCS_ENTRY_MSR_LOAD_COUNT, VMX_NMSRS);
	vmx_write(VMCS_EXIT_MSR_STORE_COUNT, VMX_NMSRS);
	vmx_write(VMCS_EXIT_MSR_LOAD_COUNT, VMX_NMSRS);
	vmx_write(VMCS_CR0_MASK, cr0_mask(vm));
	vmx_write(VMCS_CR4_MASK, cr4_mask(vm));
	vmx_write(VMCS_GUEST_DEBUGCTL, 0);
	vmx_write(VMCS_GUEST_DR7, DR7_DEFAULT);
	vmx_write(VMCS_GUEST_PENDING_DBG, 0);
	vmx_write(VMCS_GUEST_SYSENTER_CS, 0);
	vmx_write(VMCS_GUEST_SYSENTER_ESP, 0);
	vmx_write(VMCS_GUEST_SYSENTER_EIP, 0);
	if (vm->ctls.entry & ENTRY_LOAD_PAT)
		vmx_write(VMCS_GUEST_PAT, PAT_DEFAULT);
	v->dirty = true;
	v->initialized = true;
}

void vmx_msr_lists_init(struct vmx_vcpu *v)
{
	for (unsigned i = 0; i < VMX_NMSRS; i++) {
		v->guest_msrs[i] = (struct vmx_msr_entry){switched_msrs[i], 0, 0};
		v->host_msrs[i] = (struct vmx_msr_entry){switched_msrs[i], 0, 0};
	}
}

void vmx_host_update(struct vmx_vcpu *v)
{
	struct hv_vmx_host h;

	memset(&h, 0, sizeof(h));
	plat_vmx_host_state(&h);
	v->host_msrs[0].value = h.star;
	v->host_msrs[1].value = h.lstar;
	v->host_msrs[2].value = h.cstar;
	v->host_msrs[3].value = h.sfmask;
	v->host_msrs[4].value = h.kernel_gs_base;
	if (v->host_valid && !memcmp(&h, &v->host, sizeof(h)))
		return;
	vmx_write(VMCS_HOST_CR0, h.cr0);
	vmx_write(VMCS_HOST_CR3, h.cr3);
	vmx_write(VMCS_HOST_CR4, h.cr4);
	vmx_write(VMCS_HOST_CS_SEL, h.cs);
	vmx_write(VMCS_HOST_SS_SEL, h.ss);
	vmx_write(VMCS_HOST_DS_SEL, h.ds);
	vmx_write(VMCS_HOST_ES_SEL, h.es);
	vmx_write(VMCS_HOST_FS_SEL, h.fs);
	vmx_write(VMCS_HOST_GS_SEL, h.gs);
	vmx_write(VMCS_HOST_TR_SEL, h.tr);
	vmx_write(VMCS_HOST_FS_BASE, h.fs_base);
	vmx_write(VMCS_HOST_GS_BASE, h.gs_base);
	vmx_write(VMCS_HOST_TR_BASE, h.tr_base);
	vmx_write(VMCS_HOST_GDTR_BASE, h.gdtr_base);
	vmx_write(VMCS_HOST_IDTR_BASE, h.idtr_base);
	vmx_write(VMCS_HOST_SYSENTER_CS, h.sysenter_cs);
	vmx_write(VMCS_HOST_SYSENTER_ESP, h.sysenter_esp);
	vmx_write(VMCS_HOST_SYSENTER_EIP, h.sysenter_eip);
	if (v->vm->ctls.exit & EXIT_LOAD_EFER)
		vmx_write(VMCS_HOST_EFER, h.efer);
	if (v->vm->ctls.exit & EXIT_LOAD_PAT)
		vmx_write(VMCS_HOST_PAT, h.pat);
	v->host = h;
	v->host_valid = true;
}

void vmx_guest_write(struct vmx_vcpu *v)
{
	const struct vmx_vm *vm = v->vm;
	struct hv_sregs *s = &v->sregs;
	uint32_t entry = vm->ctls.entry;

	for (unsigned i = VMCS_SEG_ES; i <= VMCS_SEG_TR; i++) {
		const struct hv_segment *seg = seg_of(s, i);

		vmx_write(VMCS_GUEST_ES_SEL + 2 * i, seg->selector);
		vmx_write(VMCS_GUEST_ES_BASE + 2 * i, seg->base);
		vmx_write(VMCS_GUEST_ES_LIMIT + 2 * i, seg->limit);
		vmx_write(VMCS_GUEST_ES_AR + 2 * i, entry_ar(seg, i));
	}
	vmx_write(VMCS_GUEST_GDTR_BASE, s->gdt.base);
	vmx_write(VMCS_GUEST_GDTR_LIMIT, s->gdt.limit);
	vmx_write(VMCS_GUEST_IDTR_BASE, s->idt.base);
	vmx_write(VMCS_GUEST_IDTR_LIMIT, s->idt.limit);
	vmx_write(VMCS_GUEST_CR0, vmx_cr0_real(vm, s->cr0));
	vmx_write(VMCS_CR0_SHADOW, s->cr0);
	vmx_write(VMCS_GUEST_CR3, s->cr3);
	vmx_write(VMCS_GUEST_CR4, vmx_cr4_real(vm, s->cr4));
	vmx_write(VMCS_CR4_SHADOW, s->cr4);
	vmx_write(VMCS_GUEST_EFER, s->efer);
	if (s->efer & EFER_LMA)
		entry |= ENTRY_IA32E;
	vmx_write(VMCS_ENTRY_CTLS, entry);
	if (pae_paging(s))
		for (unsigned i = 0; i < 4; i++)
			vmx_write(VMCS_GUEST_PDPTE0 + 2 * i, v->pdpte[i]);
	vmx_write(VMCS_GUEST_RSP, v->rsp);
	vmx_write(VMCS_GUEST_RIP, v->rip);
	vmx_write(VMCS_GUEST_RFLAGS, v->rflags | RFLAGS_FIXED);
	vmx_write(VMCS_GUEST_INTERRUPTIBILITY, v->interruptibility);
	vmx_write(VMCS_GUEST_ACTIVITY, 0);
	v->dirty = false;
}

void vmx_guest_read(struct vmx_vcpu *v)
{
	const struct vmx_vm *vm = v->vm;
	struct hv_sregs *s = &v->sregs;

	v->rip = vmx_read(VMCS_GUEST_RIP);
	v->rsp = vmx_read(VMCS_GUEST_RSP);
	v->rflags = vmx_read(VMCS_GUEST_RFLAGS);
	v->interruptibility = (uint32_t)vmx_read(VMCS_GUEST_INTERRUPTIBILITY);
	for (unsigned i = VMCS_SEG_ES; i <= VMCS_SEG_TR; i++) {
		struct hv_segment *seg = seg_of(s, i);

		seg->selector = (uint16_t)vmx_read(VMCS_GUEST_ES_SEL + 2 * i);
		seg->base = vmx_read(VMCS_GUEST_ES_BASE + 2 * i);
		seg->limit = (uint32_t)vmx_read(VMCS_GUEST_ES_LIMIT + 2 * i);
		vmx_seg_from_ar(seg, (uint32_t)vmx_read(VMCS_GUEST_ES_AR + 2 * i));
	}
	s->gdt.base = vmx_read(VMCS_GUEST_GDTR_BASE);
	s->gdt.limit = (uint16_t)vmx_read(VMCS_GUEST_GDTR_LIMIT);
	s->idt.base = vmx_read(VMCS_GUEST_IDTR_BASE);
	s->idt.limit = (uint16_t)vmx_read(VMCS_GUEST_IDTR_LIMIT);
	/* Host-owned bits read as the guest last wrote them (the shadow). */
	s->cr0 = (vmx_read(VMCS_GUEST_CR0) & ~cr0_mask(vm)) | (s->cr0 & cr0_mask(vm));
	s->cr4 = (vmx_read(VMCS_GUEST_CR4) & ~cr4_mask(vm)) | (s->cr4 & cr4_mask(vm));
	s->cr3 = vmx_read(VMCS_GUEST_CR3);
	s->efer = vmx_read(VMCS_GUEST_EFER);
	s->cr2 = v->gprs.cr2;
	if (pae_paging(s))
		for (unsigned i = 0; i < 4; i++)
			v->pdpte[i] = vmx_read(VMCS_GUEST_PDPTE0 + 2 * i);
}
