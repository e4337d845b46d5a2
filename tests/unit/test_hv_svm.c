/* Check unit tests of the SVM backend (hv/svm) on the hosted platform's
 * simulated SVM (platform-hosted/svm_sim.h). The simulated VMRUN runs a tiny
 * interpreter over real guest bytes: it executes a few plain instructions
 * (nop, mov eax,[moffs32], jmp) and turns the intercepted ones into the
 * exit codes and EXITINFO fields an AMD CPU without NRIPS produces, so
 * every completion the backend makes is checked by the next instruction
 * the interpreter fetches. Also: VMCB setup, intercepts, the permission
 * maps, segment attributes, nested page tables for a gmem map, event
 * injection, interrupt windows, kicks, and a whole VM through hv/'s core. */
#include <hv/svm/svm.h>
#include <hv/vm.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <plat/mem.h>
#include <string.h>

#include "../../hv/core/vm_internal.h"
#include "../../hv/svm/svm_internal.h"
#include "../../platform-hosted/svm_sim.h"
#include "boot.h"
#include "unit.h"

#define RAM_ORDER 4 /* 64 KiB of guest RAM at gpa 0 */
#define RAM_SIZE  (4096u << RAM_ORDER)
#define CODE      0x1000u
#define MMIO_GPA  0xd0000000u
#define NPT_P     1ull
#define NPT_W     2ull
#define NPT_U     4ull
#define NPT_PS    0x80ull

/* ---- the simulated CPU ---- */

struct entry_log {
	uint64_t event_inj, int_ctl, tlb_control;
	uint32_t misc1;
};

static struct {
	uint8_t *ram; /* guest RAM, gpa 0 */
	uint64_t force_code, force_info1, force_info2, force_int_info;
	bool forced;
	unsigned entries;
	struct entry_log log[64];
} cpu;

static void exit_with(struct vmcb *vmcb, uint64_t code, uint64_t info1, uint64_t info2)
{
	vmcb->ctl.exit_code = code;
	vmcb->ctl.exit_info1 = info1;
	vmcb->ctl.exit_info2 = info2;
}

static void ioio(struct vmcb *vmcb, uint16_t port, uint64_t flags, unsigned len)
{
	/* A16 on purpose: QEMU's TCG reports address-size bits the backend
	 * must not rely on. */
	exit_with(vmcb, VMEXIT_IOIO, (uint64_t)port << VMCB_IO_PORT_SHIFT | flags | VMCB_IO_A16, vmcb->save.rip + len);
}

static void sim_vmrun(void *ctx, struct vmcb *vmcb, struct hv_svm_gprs *g, uint8_t *fpu)
{
	struct vmcb_save *s = &vmcb->save;

	(void)ctx, (void)fpu;
	if (cpu.entries < 64)
		cpu.log[cpu.entries] = (struct entry_log){vmcb->ctl.event_inj, vmcb->ctl.int_ctl, vmcb->ctl.tlb_control,
		                                          vmcb->ctl.intercept_misc1};
	cpu.entries++;
	/* The guest's #UD handler (for the vmrun the backend refused) skips
	 * the instruction. */
	if ((vmcb->ctl.event_inj & (VMCB_EVT_VALID | VMCB_EVT_TYPE_MASK | 0xff)) ==
	    (VMCB_EVT_VALID | VMCB_EVT_TYPE_EXC | 6))
		s->rip += 3;
	vmcb->ctl.exit_int_info = cpu.force_int_info;
	cpu.force_int_info = 0;
	if (cpu.forced) {
		cpu.forced = false;
		exit_with(vmcb, cpu.force_code, cpu.force_info1, cpu.force_info2);
		return;
	}
	for (unsigned steps = 0; steps < 100; steps++) {
		const uint8_t *b = cpu.ram + s->rip;
		uint16_t dx = (uint16_t)g->rdx;

		if (s->rip >= RAM_SIZE - 16)
			break;
		switch (b[0]) {
		case 0x90: s->rip += 1; continue;
		case 0xeb: /* jmp $: spins until a host interrupt */ exit_with(vmcb, VMEXIT_INTR, 0, 0); return;
		case 0xcf: /* iret: returns to the next byte */
			if (vmcb->ctl.intercept_misc1 & VMCB_I1_IRET) {
				exit_with(vmcb, VMEXIT_IRET, 0, 0);
				return;
			}
			s->rip += 1;
			continue;
		case 0xa1: {
			uint32_t addr;
			memcpy(&addr, b + 1, 4);
			if (addr + 4 <= RAM_SIZE) {
				uint32_t v;
				memcpy(&v, cpu.ram + addr, 4);
				s->rax = v;
				s->rip += 5;
				continue;
			}
			exit_with(vmcb, VMEXIT_NPF, VMCB_NPF_USER | VMCB_NPF_FINAL, addr);
			return;
		}
		case 0xe6: ioio(vmcb, b[1], VMCB_IO_SZ8, 2); return;
		case 0xe4: ioio(vmcb, b[1], VMCB_IO_SZ8 | VMCB_IO_IN, 2); return;
		case 0xed: ioio(vmcb, dx, VMCB_IO_SZ32 | VMCB_IO_IN, 1); return;
		case 0x66: ioio(vmcb, dx, VMCB_IO_SZ16 | VMCB_IO_IN, 2); return; /* 66 ed */
		case 0xf3:
			ioio(vmcb, dx, VMCB_IO_SZ8 | VMCB_IO_STR | VMCB_IO_REP | (b[1] == 0x6c ? VMCB_IO_IN : 0), 2);
			return;
		case 0xf4: exit_with(vmcb, VMEXIT_HLT, 0, 0); return;
		case 0x0f:
			if (b[1] == 0xa2)
				exit_with(vmcb, VMEXIT_CPUID, 0, 0);
			else if (b[1] == 0x32 || b[1] == 0x30)
				exit_with(vmcb, VMEXIT_MSR, b[1] == 0x30, 0);
			else if (b[1] == 0x08)
				exit_with(vmcb, VMEXIT_INVD, 0, 0);
			else if (b[1] == 0x01 && b[2] == 0xd9)
				exit_with(vmcb, VMEXIT_VMMCALL, 0, 0);
			else if (b[1] == 0x01 && b[2] == 0xd8)
				exit_with(vmcb, VMEXIT_VMRUN, 0, 0);
			else
				break;
			return;
		}
		break;
	}
	exit_with(vmcb, VMEXIT_SHUTDOWN, 0, 0); /* unknown byte: the test fails on it */
}

static void sim_on(uint32_t edx_features, uint32_t nasid)
{
	struct hosted_svm_sim sim = {.ext1_ecx = 1u << 2, .leaf_svm = {1, nasid, 0, edx_features}, .vmrun = sim_vmrun};

	hosted_svm_sim_set(&sim);
	memset(&cpu, 0, sizeof(cpu));
}

/* ---- helpers ---- */

static void *vm_priv, *vcpu_priv;
static paddr_t ram_pa;
static struct hv_run hr;

static struct svm_vcpu *V(void)
{
	return vcpu_priv;
}

static struct hv_segment flat(uint16_t sel, uint8_t type)
{
	return (struct hv_segment){
	    .limit = 0xffffffff, .selector = sel, .type = type, .present = 1, .db = 1, .s = 1, .g = 1};
}

/* A VM with RAM at 0 and one vCPU in flat 32-bit mode at CODE running
 * `code`. */
static void setup_vcpu(const void *code, size_t len)
{
	struct hv_regs r;
	struct hv_sregs s;

	sim_on(1u << 0 | 1u << 6, 16); /* NP, FlushByAsid */
	ck_assert_int_eq(hv_backend_svm.vm_create(&vm_priv), 0);
	ram_pa = page_alloc(RAM_ORDER);
	ck_assert(ram_pa != 0);
	cpu.ram = plat_phys_to_virt(ram_pa);
	memset(cpu.ram, 0, RAM_SIZE);
	memcpy(cpu.ram + CODE, code, len);
	ck_assert_int_eq(hv_backend_svm.map(vm_priv, 0, ram_pa, RAM_SIZE, true), 0);
	ck_assert_int_eq(hv_backend_svm.vcpu_create(vm_priv, 0, &vcpu_priv), 0);
	ck_assert_int_eq(hv_backend_svm.get_sregs(vcpu_priv, &s), 0);
	s.cs = flat(0x10, 0xb);
	s.ds = s.es = s.ss = s.fs = s.gs = flat(0x18, 0x3);
	s.cr0 = 0x11;
	memset(&r, 0, sizeof(r));
	r.rip = CODE;
	r.rflags = 2;
	ck_assert_int_eq(hv_backend_svm.set_sregs(vcpu_priv, &s), 0);
	ck_assert_int_eq(hv_backend_svm.set_regs(vcpu_priv, &r), 0);
	memset(&hr, 0, sizeof(hr));
	hr.inject_vector = hr.exception_vector = -1;
}

static void teardown_vcpu(void)
{
	struct hosted_svm_sim_stats st;

	hosted_svm_sim_stats(&st);
	ck_assert_uint_eq(st.irqs_on, 0); /* VMRUN always with interrupts off */
	hv_backend_svm.vcpu_destroy(vcpu_priv);
	hv_backend_svm.vm_destroy(vm_priv);
	page_free(ram_pa, RAM_ORDER);
	hosted_svm_sim_set(NULL);
}

/* One run; checks the exit and arranges completion for the next one. */
static void run_expect(enum hv_exit_reason want)
{
	ck_assert_int_eq(hv_backend_svm.run(vcpu_priv, &hr), 0);
	ck_assert_msg(hr.exit.reason == want, "exit %s (hw %#llx) at rip %#llx, want %s",
	              hv_exit_reason_name(hr.exit.reason), (unsigned long long)hr.exit.hw_code,
	              (unsigned long long)hr.exit.rip, hv_exit_reason_name(want));
	hr.complete = true;
	hr.inject_vector = hr.exception_vector = -1;
	hr.request_intr_window = false;
}

static uint64_t rip(void)
{
	return V()->vmcb->save.rip;
}

/* ---- capabilities ---- */

static int body_caps(void)
{
	struct hv_svm_caps c;
	const uint32_t leaf[4] = {1, 32768, 0, 0xff};
	const char *why = NULL;

	hv_svm_parse_caps(0, leaf, &c);
	ck_assert(!c.svm && !c.npt && c.nasid == 0);
	hv_svm_parse_caps(1u << 2, leaf, &c);
	ck_assert(c.svm && c.npt && c.nrips && c.vmcb_clean && c.flush_by_asid && c.decode_assists);
	ck_assert_uint_eq(c.nasid, 32768);
	ck_assert_uint_eq(c.revision, 1);

	hosted_svm_sim_set(NULL);
	ck_assert(!hv_svm_probe(&c, &why));
	ck_assert_str_eq(why, "the CPU has no SVM (AMD-V)");
	ck_assert_int_eq(hv_backend_svm.vm_create(&vm_priv), -ENODEV);
	sim_on(0, 16); /* SVM without nested paging */
	ck_assert(!hv_svm_probe(&c, &why));
	ck_assert_str_eq(why, "the CPU has SVM without nested paging");
	sim_on(1, 1); /* no guest ASIDs */
	ck_assert(!hv_svm_probe(&c, &why));
	sim_on(1, 16);
	ck_assert(hv_svm_probe(&c, &why));
	ck_assert(c.npt && !c.nrips);
	hosted_svm_sim_set(NULL);
	return 0;
}

START_TEST(test_caps)
{
	boot_kernel_and_run(body_caps, 1);
}
END_TEST

/* ---- VMCB setup ---- */

static bool iopm_bit(const uint8_t *iopm, unsigned port)
{
	return iopm[port / 8] >> (port % 8) & 1;
}

static unsigned msrpm_bits(const uint8_t *msrpm, uint32_t msr)
{
	unsigned base = msr >= 0xc0010000u ? 0x1000 : msr >= 0xc0000000u ? 0x800 : 0;
	unsigned bit = (msr & 0x1fff) * 2;

	return msrpm[base + bit / 8] >> (bit % 8) & 3;
}

static int body_vmcb_setup(void)
{
	static const uint8_t hlt[] = {0xf4};
	struct svm_vcpu *v, *v2;
	struct hv_sregs s;
	const uint8_t *iopm, *msrpm;
	void *second;

	setup_vcpu(hlt, sizeof(hlt));
	v = V();
	ck_assert(v->vmcb_pa % 4096 == 0);
	ck_assert(v->vmcb->ctl.intercept_misc2 & VMCB_I2_VMRUN);
	ck_assert(v->vmcb->ctl.intercept_misc2 & VMCB_I2_VMMCALL);
	ck_assert(v->vmcb->ctl.intercept_misc2 & VMCB_I2_VMLOAD);
	ck_assert(v->vmcb->ctl.intercept_misc2 & VMCB_I2_XSETBV);
	for (uint32_t bit = 0; bit < 32; bit++) {
		uint32_t want = VMCB_I1_INTR | VMCB_I1_NMI | VMCB_I1_SMI | VMCB_I1_CPUID | VMCB_I1_INVD | VMCB_I1_HLT |
		                VMCB_I1_INVLPGA | VMCB_I1_IOIO_PROT | VMCB_I1_MSR_PROT | VMCB_I1_SHUTDOWN;
		ck_assert_uint_eq(v->vmcb->ctl.intercept_misc1 >> bit & 1, want >> bit & 1);
	}
	ck_assert_uint_eq(v->vmcb->ctl.intercept_cr, 0); /* nested paging: the guest owns its CRs */
	ck_assert_uint_eq(v->vmcb->ctl.intercept_exception, 0);
	ck_assert_uint_eq(v->vmcb->ctl.np_enable, 1);
	ck_assert_uint_eq(v->vmcb->ctl.n_cr3, v->vm->npt.root);
	ck_assert(v->vmcb->ctl.int_ctl & VMCB_INT_V_INTR_MASKING);
	ck_assert_uint_eq(v->vmcb->save.g_pat, 0x0007040600070406ull);
	ck_assert(v->vmcb->save.efer & SVM_EFER_SVME);
	ck_assert_int_eq(hv_backend_svm.get_sregs(vcpu_priv, &s), 0);
	ck_assert_uint_eq(s.efer & SVM_EFER_SVME, 0); /* the guest never sees SVME */

	iopm = plat_phys_to_virt(v->vmcb->ctl.iopm_base_pa);
	msrpm = plat_phys_to_virt(v->vmcb->ctl.msrpm_base_pa);
	ck_assert(v->vmcb->ctl.iopm_base_pa % 4096 == 0 && v->vmcb->ctl.msrpm_base_pa % 4096 == 0);
	for (unsigned port = 0; port < 0x10000; port += 0x111)
		ck_assert(iopm_bit(iopm, port));
	ck_assert(iopm_bit(iopm, 0x3f8) && iopm_bit(iopm, 0xffff) && iopm_bit(iopm, 0x10002));
	ck_assert_uint_eq(msrpm_bits(msrpm, 0x1b), 3);        /* APIC_BASE: the LAPIC model's */
	ck_assert_uint_eq(msrpm_bits(msrpm, 0x277), 3);       /* PAT */
	ck_assert_uint_eq(msrpm_bits(msrpm, 0x10), 3);        /* TSC */
	ck_assert_uint_eq(msrpm_bits(msrpm, 0xc0000080u), 3); /* EFER */
	ck_assert_uint_eq(msrpm_bits(msrpm, 0xc0010114u), 3); /* VM_CR */
	ck_assert_uint_eq(msrpm_bits(msrpm, 0xc0010117u), 3); /* VM_HSAVE_PA */
	ck_assert_uint_eq(msrpm_bits(msrpm, 0x174), 0);       /* SYSENTER_CS: in the VMCB */
	ck_assert_uint_eq(msrpm_bits(msrpm, 0xc0000082u), 0); /* LSTAR */
	ck_assert_uint_eq(msrpm_bits(msrpm, 0xc0000100u), 0); /* FS_BASE */
	ck_assert_uint_eq(msrpm_bits(msrpm, 0xc0000102u), 0); /* KERNEL_GS_BASE */
	ck_assert_uint_eq(msrpm_bits(msrpm, 0xc0000103u), 3); /* TSC_AUX */

	ck_assert_int_eq(hv_backend_svm.vcpu_create(vm_priv, 1, &second), 0);
	v2 = second;
	ck_assert(v->asid != 0 && v2->asid != 0 && v->asid != v2->asid);
	ck_assert_uint_eq(v2->vmcb->ctl.asid, v2->asid);
	/* The reset state: real mode at f000:fff0. */
	ck_assert_uint_eq(v2->vmcb->save.cs.selector, 0xf000);
	ck_assert_uint_eq(v2->vmcb->save.cs.base, 0xffff0000);
	ck_assert_uint_eq(v2->vmcb->save.cs.attrib, 0x9b);
	ck_assert_uint_eq(v2->vmcb->save.rip, 0xfff0);
	ck_assert_uint_eq(v2->vmcb->save.cpl, 0);
	ck_assert_uint_eq(v2->gprs.rdx, 0x600);
	hv_backend_svm.vcpu_destroy(second);
	teardown_vcpu();
	return 0;
}

START_TEST(test_vmcb_setup)
{
	boot_kernel_and_run(body_vmcb_setup, 1);
}
END_TEST

/* ---- segments and registers ---- */

static int body_state(void)
{
	static const uint8_t hlt[] = {0xf4};
	struct hv_segment code64 = {
	    .base = 0, .limit = 0xffffffff, .selector = 8, .type = 0xb, .present = 1, .s = 1, .l = 1, .g = 1};
	struct hv_segment data = flat(0x18, 0x3), user = flat(0x23, 0x3), back;
	struct hv_regs r, r2;
	struct hv_sregs s, s2;

	ck_assert_uint_eq(svm_seg_attrib(&code64), 0xa9b);
	ck_assert_uint_eq(svm_seg_attrib(&data), 0xc93);
	user.dpl = 3;
	ck_assert_uint_eq(svm_seg_attrib(&user), 0xcf3);
	data.unusable = 1;
	ck_assert_uint_eq(svm_seg_attrib(&data), 0);
	{
		struct vmcb_seg vs;
		svm_seg_to_vmcb(&vs, &code64);
		svm_seg_from_vmcb(&back, &vs);
		ck_assert(back.l && back.g && back.s && back.present && !back.db && back.type == 0xb && !back.unusable);
		svm_seg_to_vmcb(&vs, &data);
		svm_seg_from_vmcb(&back, &vs);
		ck_assert(back.unusable && !back.present);
	}

	setup_vcpu(hlt, sizeof(hlt));
	for (unsigned i = 0; i < 16; i++)
		r.gpr[i] = 0x1111111111111111ull * (i + 1);
	r.rip = 0x1234;
	r.rflags = 0x202;
	ck_assert_int_eq(hv_backend_svm.set_regs(vcpu_priv, &r), 0);
	ck_assert_uint_eq(V()->vmcb->save.rax, r.gpr[0]);
	ck_assert_uint_eq(V()->vmcb->save.rsp, r.gpr[4]);
	ck_assert_uint_eq(V()->gprs.rbx, r.gpr[3]);
	ck_assert_uint_eq(V()->gprs.r15, r.gpr[15]);
	ck_assert_int_eq(hv_backend_svm.get_regs(vcpu_priv, &r2), 0);
	ck_assert_mem_eq(&r, &r2, sizeof(r));

	ck_assert_int_eq(hv_backend_svm.get_sregs(vcpu_priv, &s), 0);
	s.ss.dpl = 3;
	s.cs.dpl = 3;
	s.cr3 = 0x5000;
	s.cr4 = 0x20;
	s.cr8 = 5;
	s.efer = 0x500;
	s.apic_base = 0xfee00900;
	s.gdt = (struct hv_dtable){0x7000, 0x27};
	ck_assert_int_eq(hv_backend_svm.set_sregs(vcpu_priv, &s), 0);
	ck_assert_uint_eq(V()->vmcb->save.cpl, 3);
	ck_assert_uint_eq(V()->vmcb->save.efer, 0x500 | SVM_EFER_SVME);
	ck_assert_uint_eq(V()->vmcb->ctl.int_ctl & VMCB_INT_V_TPR_MASK, 5);
	ck_assert_int_eq(V()->last_cpu, -1); /* new paging state: flush at the next entry */
	ck_assert_int_eq(hv_backend_svm.get_sregs(vcpu_priv, &s2), 0);
	ck_assert_mem_eq(&s.cs, &s2.cs, sizeof(s.cs));
	ck_assert_mem_eq(&s.ss, &s2.ss, sizeof(s.ss));
	ck_assert(s2.cr3 == 0x5000 && s2.cr4 == 0x20 && s2.cr8 == 5 && s2.efer == 0x500);
	ck_assert(s2.apic_base == 0xfee00900 && s2.gdt.base == 0x7000 && s2.gdt.limit == 0x27);
	teardown_vcpu();
	return 0;
}

START_TEST(test_state)
{
	boot_kernel_and_run(body_state, 1);
}
END_TEST

/* ---- nested page tables ---- */

static uint64_t npt_entry(struct svm_vm *vm, uint64_t gpa, unsigned level)
{
	uint64_t *t = plat_phys_to_virt(vm->npt.root), e = 0;

	for (unsigned l = 3;; l--) {
		e = t[(gpa >> (12 + 9 * l)) & 511];
		if (l == level || !(e & NPT_P) || (e & NPT_PS))
			return e;
		t = plat_phys_to_virt(e & 0x000ffffffffff000ull);
	}
}

static int body_npt(void)
{
	struct svm_vm *vm;
	uint64_t gen;

	sim_on(1, 16);
	ck_assert_int_eq(hv_backend_svm.vm_create(&vm_priv), 0);
	vm = vm_priv;
	/* 4 MiB, both sides 2 MiB aligned: two large pages. */
	ck_assert_int_eq(svm_npt_map(vm, 0x40000000, 0x80000000, 4 << 20, true), 0);
	ck_assert_uint_eq(npt_entry(vm, 0x40000000, 1), 0x80000000 | NPT_P | NPT_W | NPT_U | NPT_PS);
	ck_assert_uint_eq(npt_entry(vm, 0x40200000, 1), 0x80200000 | NPT_P | NPT_W | NPT_U | NPT_PS);
	ck_assert(npt_entry(vm, 0x40000000, 3) & NPT_U); /* upper levels are user too */
	ck_assert_uint_eq(svm_npt_translate(vm, 0x40123456, true), 0x80123456);
	/* Host side only 4 KiB aligned: small pages. */
	ck_assert_int_eq(svm_npt_map(vm, 0x10000000, 0x1234000, 3 * 4096, true), 0);
	ck_assert_uint_eq(npt_entry(vm, 0x10001000, 0), 0x1235000 | NPT_P | NPT_W | NPT_U);
	ck_assert_uint_eq(npt_entry(vm, 0x10003000, 0), 0);
	/* 2 MiB + 4 KiB at an aligned address: one large page and one small. */
	ck_assert_int_eq(svm_npt_map(vm, 0x60000000, 0x90000000, (2 << 20) + 4096, true), 0);
	ck_assert(npt_entry(vm, 0x60000000, 1) & NPT_PS);
	ck_assert_uint_eq(npt_entry(vm, 0x60200000, 0), 0x90200000 | NPT_P | NPT_W | NPT_U);
	/* ROM: no write permission, so writes fault. */
	ck_assert_int_eq(svm_npt_map(vm, 0xfff00000, 0x2000000, 0x100000, false), 0);
	ck_assert_uint_eq(npt_entry(vm, 0xfff00000, 0), 0x2000000 | NPT_P | NPT_U);
	ck_assert_uint_eq(svm_npt_translate(vm, 0xfff00010, false), 0x2000010);
	ck_assert_uint_eq(svm_npt_translate(vm, 0xfff00010, true), 0);
	/* Bad requests change nothing. */
	ck_assert_int_eq(svm_npt_map(vm, 0x10000000, 0x5000000, 4096, true), -EBUSY);
	ck_assert_int_eq(svm_npt_map(vm, 0x40100000, 0x5000000, 4096, true), -ENOMEM); /* under a large page */
	ck_assert_int_eq(svm_npt_map(vm, 0x10000800, 0x5000000, 4096, true), -EINVAL);
	ck_assert_int_eq(svm_npt_map(vm, 0x7000000, 0x5000800, 4096, true), -EINVAL);
	ck_assert_int_eq(svm_npt_map(vm, 0x7000000, 0x5000000, 0, true), -EINVAL);
	ck_assert_int_eq(svm_npt_map(vm, 1ull << 48, 0x5000000, 4096, true), -EINVAL);
	ck_assert_int_eq(svm_npt_map(vm, 0xfffffffffffff000ull, 0x5000000, 0x2000, true), -EINVAL);
	/* A failed map in the middle takes back what it mapped. */
	ck_assert_int_eq(svm_npt_map(vm, 0x0fffe000, 0x6000000, 0x3000, true), -EBUSY);
	ck_assert_uint_eq(svm_npt_translate(vm, 0x0fffe000, false), 0);
	ck_assert_uint_eq(svm_npt_translate(vm, 0x0ffff000, false), 0);
	/* Unmapping removes the translation and asks for a TLB flush. */
	gen = vm->npt.gen;
	ck_assert_int_eq(svm_npt_unmap(vm, 0x40000000, 4 << 20), 0);
	ck_assert_uint_eq(svm_npt_translate(vm, 0x40123456, false), 0);
	ck_assert_uint_gt(vm->npt.gen, gen);
	ck_assert_int_eq(svm_npt_unmap(vm, 0x60100000, 4096), -EINVAL); /* half a large page */
	ck_assert_uint_eq(svm_npt_translate(vm, 0x10002fff, false), 0x1236fff);
	hv_backend_svm.vm_destroy(vm_priv);
	hosted_svm_sim_set(NULL);
	return 0;
}

START_TEST(test_npt)
{
	boot_kernel_and_run(body_npt, 1);
}
END_TEST

/* A VM's gmem map through hv/'s core: every RAM page translates to the
 * page gmem gave it; MMIO holes and the gaps stay unmapped. */
static int body_npt_from_gmem(void)
{
	struct hv_vm_config cfg = {"npt", 1, 64ull << 20, &hv_backend_svm};
	struct hv_vm *vm;
	struct svm_vm *svm;
	struct gmem *m;
	int err = 1;

	sim_on(1, 16);
	vm = hv_vm_create(&cfg, &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(hv_vm_add_memory(vm, 0, 6ull << 20, GMEM_RAM, "low"), 0);
	ck_assert_int_eq(hv_vm_add_memory(vm, 0x800000, 0x10000, GMEM_MMIO, "hole"), 0);
	ck_assert_int_eq(hv_vm_add_memory(vm, 0xfffe0000, 0x20000, GMEM_ROM, "bios"), 0);
	ck_assert_int_eq(hv_vm_add_memory(vm, 0x100000000ull, 2ull << 20, GMEM_RAM, "high"), 0);
	m = hv_vm_gmem(vm);
	svm = vm->priv;
	for (unsigned i = 0; i < m->n; i++) {
		const struct gmem_region *r = &m->region[i];

		for (uint64_t off = 0; off < r->size; off += 4096) {
			uint64_t gpa = r->gpa + off;
			paddr_t want = r->kind == GMEM_MMIO ? 0 : gmem_gpa_to_hpa(m, gpa);

			ck_assert_uint_eq(svm_npt_translate(svm, gpa + 0x123, false), want ? want + 0x123 : 0);
			ck_assert_uint_eq(svm_npt_translate(svm, gpa, true), r->kind == GMEM_RAM ? want : 0);
		}
	}
	ck_assert_uint_eq(svm_npt_translate(svm, 6ull << 20, false), 0); /* past the low RAM */
	ck_assert_uint_eq(svm_npt_translate(svm, 0x810000, false), 0);
	ck_assert_uint_eq(svm_npt_translate(svm, 0x100200000ull, false), 0);
	/* gmem chunks are 2 MiB blocks: large pages. */
	ck_assert(npt_entry(svm, 0, 1) & NPT_PS);
	ck_assert(npt_entry(svm, 0x100000000ull, 1) & NPT_PS);
	ck_assert(!(npt_entry(svm, 0xfffe0000, 0) & NPT_W));
	hv_vm_destroy(vm);
	hosted_svm_sim_set(NULL);
	return 0;
}

START_TEST(test_npt_from_gmem)
{
	boot_kernel_and_run(body_npt_from_gmem, 1);
}
END_TEST

/* ---- exits and completion ---- */

/*  1000: e6 80          out %al,$0x80
 *  1002: e4 81          in $0x81,%al
 *  1004: 66 ed          in (%dx),%ax
 *  1006: ed             in (%dx),%eax
 *  1007: 0f a2          cpuid
 *  1009: 0f 32          rdmsr
 *  100b: 0f 30          wrmsr
 *  100d: f4             hlt
 *  100e: 0f 01 d9       vmmcall
 *  1011: a1 00 00 00 d0 mov 0xd0000000,%eax   (NPF)
 *  1016: 0f 01 d8       vmrun                 (#UD from the backend)
 *  1019: 0f 08          invd                  (skipped by the backend)
 *  101b: f3 6e          rep outsb
 *  101d: f4             hlt
 *  101e: f3 6c          rep insb
 *  1020: 90             nop
 *  1021: eb fe          jmp . */
static const uint8_t exits_code[] = {0xe6, 0x80, 0xe4, 0x81, 0x66, 0xed, 0xed, 0x0f, 0xa2, 0x0f, 0x32, 0x0f,
                                     0x30, 0xf4, 0x0f, 0x01, 0xd9, 0xa1, 0x00, 0x00, 0x00, 0xd0, 0x0f, 0x01,
                                     0xd8, 0x0f, 0x08, 0xf3, 0x6e, 0xf4, 0xf3, 0x6c, 0x90, 0xeb, 0xfe};

static int body_exits(void)
{
	struct svm_vcpu *v;
	struct hv_regs r;

	setup_vcpu(exits_code, sizeof(exits_code));
	v = V();
	v->vmcb->save.rax = 0x11223344556677aaull;
	v->gprs.rdx = 0x3f8;

	run_expect(HV_EXIT_IO);
	ck_assert(!hr.exit.u.io.in && !hr.exit.u.io.string && hr.exit.u.io.port == 0x80 && hr.exit.u.io.size == 1);
	ck_assert_uint_eq(hr.exit.u.io.data, 0xaa);
	ck_assert_uint_eq(hr.exit.rip, CODE);
	ck_assert_uint_eq(hr.exit.insn_len, 2);
	ck_assert_uint_eq(hr.exit.hw_code, VMEXIT_IOIO);
	/* The first entry flushed this ASID (FlushByAsid), the next do not. */
	ck_assert_uint_eq(cpu.log[0].tlb_control, VMCB_TLB_FLUSH_GUEST);

	run_expect(HV_EXIT_IO); /* in $0x81,%al */
	ck_assert(hr.exit.u.io.in && hr.exit.u.io.port == 0x81 && hr.exit.u.io.size == 1);
	ck_assert_uint_eq(rip(), CODE + 2);
	ck_assert_uint_eq(cpu.log[1].tlb_control, VMCB_TLB_NOTHING);
	hr.exit.u.io.data = 0x5b;
	run_expect(HV_EXIT_IO);                                      /* in (%dx),%ax */
	ck_assert_uint_eq(v->vmcb->save.rax, 0x112233445566775bull); /* al merged */
	ck_assert(hr.exit.u.io.in && hr.exit.u.io.port == 0x3f8 && hr.exit.u.io.size == 2);
	hr.exit.u.io.data = 0xbeef;
	run_expect(HV_EXIT_IO);                                      /* in (%dx),%eax */
	ck_assert_uint_eq(v->vmcb->save.rax, 0x112233445566beefull); /* ax merged */
	ck_assert_uint_eq(hr.exit.u.io.size, 4);
	hr.exit.u.io.data = 0xcafef00d;
	v->gprs.rcx = 7;
	run_expect(HV_EXIT_CPUID);
	ck_assert_uint_eq(v->vmcb->save.rax, 0xcafef00d); /* eax zero-extends */
	ck_assert_uint_eq(rip(), CODE + 7);
	ck_assert_uint_eq(hr.exit.u.cpuid.leaf, 0xcafef00d);
	ck_assert_uint_eq(hr.exit.u.cpuid.subleaf, 7);
	ck_assert_uint_eq(hr.exit.insn_len, 2);
	hr.exit.u.cpuid.eax = 1;
	hr.exit.u.cpuid.ebx = 2;
	hr.exit.u.cpuid.ecx = 0x277;
	hr.exit.u.cpuid.edx = 4;
	run_expect(HV_EXIT_MSR_READ);
	ck_assert(v->vmcb->save.rax == 1 && v->gprs.rbx == 2 && v->gprs.rcx == 0x277 && v->gprs.rdx == 4);
	ck_assert_uint_eq(rip(), CODE + 9);
	ck_assert_uint_eq(hr.exit.u.msr.index, 0x277);
	hr.exit.u.msr.value = 0x0102030405060708ull;
	run_expect(HV_EXIT_MSR_WRITE);
	ck_assert(v->vmcb->save.rax == 0x05060708 && v->gprs.rdx == 0x01020304);
	ck_assert_uint_eq(hr.exit.u.msr.value, 0x0102030405060708ull);
	ck_assert_uint_eq(hr.exit.u.msr.index, 0x277);
	run_expect(HV_EXIT_HLT);
	ck_assert_uint_eq(rip(), CODE + 0xd);
	ck_assert_uint_eq(hr.exit.insn_len, 1);
	run_expect(HV_EXIT_HYPERCALL);
	ck_assert_uint_eq(rip(), CODE + 0xe);
	ck_assert_uint_eq(hr.exit.insn_len, 3);
	run_expect(HV_EXIT_NPF);
	ck_assert_uint_eq(rip(), CODE + 0x11);
	ck_assert_uint_eq(hr.exit.u.npf.gpa, MMIO_GPA);
	ck_assert(hr.exit.u.npf.read && !hr.exit.u.npf.write && !hr.exit.u.npf.exec);
	/* hv/ emulates the access and moves rip itself; completing does not. */
	ck_assert_int_eq(hv_backend_svm.get_regs(vcpu_priv, &r), 0);
	r.gpr[0] = 0x12345678;
	r.rip += 5;
	ck_assert_int_eq(hv_backend_svm.set_regs(vcpu_priv, &r), 0);
	/* vmrun: #UD injected and the guest re-entered without an exit to hv/
	 * (the interpreter then runs on: invd is skipped too). rep outsb:
	 * three elements from ds:esi. */
	memcpy(cpu.ram + 0x3000, "abc", 3);
	v->gprs.rsi = 0x3000;
	v->gprs.rcx = 3;
	v->gprs.rdx = 0x3f8;
	cpu.entries = 0;
	run_expect(HV_EXIT_IO);
	ck_assert_uint_eq(cpu.log[1].event_inj, VMCB_EVT_VALID | VMCB_EVT_TYPE_EXC | 6);
	ck_assert_uint_eq(v->internal_exits, 2);
	/* The interpreter's next vmrun (with the #UD) went on to invd: here it
	 * just walks on, as a guest's #UD handler would return. */
	ck_assert_uint_eq(hr.exit.rip, CODE + 0x1b);
	ck_assert(hr.exit.u.io.string && hr.exit.u.io.rep && !hr.exit.u.io.in);
	ck_assert_uint_eq(hr.exit.u.io.data, 'a');
	run_expect(HV_EXIT_IO);
	ck_assert_uint_eq(hr.exit.u.io.data, 'b');
	ck_assert(v->gprs.rsi == 0x3001 && v->gprs.rcx == 2 && rip() == CODE + 0x1b);
	run_expect(HV_EXIT_IO);
	ck_assert_uint_eq(hr.exit.u.io.data, 'c');
	run_expect(HV_EXIT_HLT);
	ck_assert(v->gprs.rsi == 0x3003 && v->gprs.rcx == 0 && rip() == CODE + 0x1d);
	/* rep insb: two elements to es:edi, backwards (DF). */
	v->gprs.rdi = 0x4001;
	v->gprs.rcx = 2;
	v->vmcb->save.rflags |= 1u << 10;
	run_expect(HV_EXIT_IO);
	ck_assert(hr.exit.u.io.string && hr.exit.u.io.in && hr.exit.u.io.port == 0x3f8);
	ck_assert_uint_eq(rip(), CODE + 0x1e);
	hr.exit.u.io.data = 'X';
	run_expect(HV_EXIT_IO);
	ck_assert(v->gprs.rdi == 0x4000 && v->gprs.rcx == 1 && rip() == CODE + 0x1e);
	hr.exit.u.io.data = 'Y';
	run_expect(HV_EXIT_EXTERNAL_INTR); /* past the nop, spinning */
	ck_assert(cpu.ram[0x4001] == 'X' && cpu.ram[0x4000] == 'Y');
	ck_assert(v->gprs.rdi == 0x3fff && v->gprs.rcx == 0 && rip() == CODE + 0x21);
	v->vmcb->save.rflags &= ~(1ull << 10);

	/* Forced exits: what the interpreter does not produce itself. */
	cpu.forced = true, cpu.force_code = VMEXIT_SHUTDOWN;
	run_expect(HV_EXIT_SHUTDOWN);
	cpu.forced = true, cpu.force_code = VMEXIT_EXCP_BASE + 14, cpu.force_info1 = 6, cpu.force_info2 = 0xdead000;
	run_expect(HV_EXIT_EXCEPTION);
	ck_assert(hr.exit.u.exception.vector == 14 && hr.exit.u.exception.has_error);
	ck_assert(hr.exit.u.exception.error == 6 && hr.exit.u.exception.cr2 == 0xdead000);
	cpu.forced = true, cpu.force_code = VMEXIT_EXCP_BASE + 3;
	run_expect(HV_EXIT_EXCEPTION);
	ck_assert(hr.exit.u.exception.vector == 3 && !hr.exit.u.exception.has_error);
	cpu.forced = true, cpu.force_code = VMEXIT_RDTSC; /* never intercepted: hv/ stops on it */
	run_expect(HV_EXIT_NONE);
	ck_assert_uint_eq(hr.exit.hw_code, VMEXIT_RDTSC);
	cpu.forced = true, cpu.force_code = VMEXIT_NPF, cpu.force_info1 = VMCB_NPF_WRITE | VMCB_NPF_P,
	cpu.force_info2 = 0xfee00300;
	run_expect(HV_EXIT_NPF);
	ck_assert(hr.exit.u.npf.write && !hr.exit.u.npf.read && hr.exit.u.npf.gpa == 0xfee00300);
	cpu.forced = true, cpu.force_code = VMEXIT_NPF, cpu.force_info1 = VMCB_NPF_FETCH;
	run_expect(HV_EXIT_NPF);
	ck_assert(hr.exit.u.npf.exec && !hr.exit.u.npf.read);
	/* An entry the CPU refuses. */
	v->vmcb->ctl.asid = 0;
	run_expect(HV_EXIT_INVALID_STATE);
	ck_assert_uint_eq(hr.exit.hw_code, VMEXIT_INVALID);
	teardown_vcpu();
	return 0;
}

START_TEST(test_exits)
{
	boot_kernel_and_run(body_exits, 1);
}
END_TEST

/* ---- events ---- */

static const uint8_t spin_code[] = {0x90, 0xeb, 0xfe}; /* nop; jmp . */

static int body_events(void)
{
	struct hosted_svm_sim_stats st;
	struct svm_vcpu *v;
	unsigned n;

	setup_vcpu(spin_code, sizeof(spin_code));
	v = V();
	/* IF clear: not ready for an interrupt. */
	run_expect(HV_EXIT_EXTERNAL_INTR);
	ck_assert(!hr.intr_ready);
	v->vmcb->save.rflags |= 1u << 9;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	ck_assert(hr.intr_ready);
	/* An interrupt shadow (after sti or mov ss) blocks injection. */
	v->vmcb->ctl.int_state = VMCB_INT_SHADOW;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	ck_assert(!hr.intr_ready);
	v->vmcb->ctl.int_state = 0;

	/* An external interrupt. */
	n = cpu.entries;
	hr.inject_vector = 0x30;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	ck_assert_uint_eq(cpu.log[n].event_inj, VMCB_EVT_VALID | VMCB_EVT_TYPE_INTR | 0x30);
	ck_assert_uint_eq(v->vmcb->ctl.event_inj, 0);
	/* An exception with an error code, instead of completing. */
	n = cpu.entries;
	hr.exception_vector = 13;
	hr.exception_has_error = true;
	hr.exception_error = 0x18;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	ck_assert_uint_eq(cpu.log[n].event_inj,
	                  VMCB_EVT_VALID | VMCB_EVT_TYPE_EXC | VMCB_EVT_EV | 13 | (0x18ull << VMCB_EVT_ERROR_SHIFT));
	/* The interrupt window: V_IRQ and the VINTR intercept for one entry. */
	n = cpu.entries;
	hr.request_intr_window = true;
	cpu.forced = true, cpu.force_code = VMEXIT_VINTR;
	run_expect(HV_EXIT_INTR_WINDOW);
	ck_assert(cpu.log[n].int_ctl & VMCB_INT_V_IRQ);
	ck_assert(cpu.log[n].int_ctl & VMCB_INT_V_IGN_TPR);
	ck_assert(cpu.log[n].misc1 & VMCB_I1_VINTR);
	ck_assert(!(v->vmcb->ctl.int_ctl & VMCB_INT_V_IRQ));
	ck_assert(!(v->vmcb->ctl.intercept_misc1 & VMCB_I1_VINTR));
	ck_assert(v->vmcb->ctl.int_ctl & VMCB_INT_V_INTR_MASKING);
	/* A delivery the exit interrupted goes in again, before hv/'s next. */
	cpu.force_int_info = VMCB_EVT_VALID | VMCB_EVT_TYPE_INTR | 0x31;
	cpu.forced = true, cpu.force_code = VMEXIT_NPF, cpu.force_info2 = 0x5000;
	run_expect(HV_EXIT_NPF);
	ck_assert(!hr.intr_ready); /* something is still to deliver */
	n = cpu.entries;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	ck_assert_uint_eq(cpu.log[n].event_inj, VMCB_EVT_VALID | VMCB_EVT_TYPE_INTR | 0x31);
	ck_assert(hr.intr_ready);

	/* NMIs: not masked by IF; an injected one blocks the next until the
	 * guest's IRET has run (IRET intercept, then an exit at another rip),
	 * and the held one goes before an interrupt. */
	v->vmcb->save.rflags &= ~(1ull << 9);
	n = cpu.entries;
	hr.inject_nmi = true;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	hr.inject_nmi = false;
	ck_assert_uint_eq(cpu.log[n].event_inj, VMCB_EVT_VALID | VMCB_EVT_TYPE_NMI | 2);
	ck_assert(cpu.log[n].misc1 & VMCB_I1_IRET);
	ck_assert(!(cpu.log[n].int_ctl & VMCB_INT_V_IRQ));
	ck_assert(!hr.intr_ready); /* IF clear */
	n = cpu.entries;
	hr.inject_nmi = true;
	run_expect(HV_EXIT_EXTERNAL_INTR); /* still in the handler: held */
	hr.inject_nmi = false;
	ck_assert(!(cpu.log[n].event_inj & VMCB_EVT_VALID));
	ck_assert(cpu.log[n].misc1 & VMCB_I1_IRET);
	ck_assert(v->nmi_pending && v->nmi_blocked);
	{
		static const uint8_t iret_code[] = {0xcf, 0xeb, 0xfe}; /* iret; jmp . */
		uint64_t internal = v->internal_exits;

		memcpy(cpu.ram + CODE + 0x100, iret_code, sizeof(iret_code));
		v->vmcb->save.rip = CODE + 0x100;
		v->vmcb->save.rflags |= 1u << 9;
		n = cpu.entries;
		run_expect(HV_EXIT_EXTERNAL_INTR);
		/* Entry n: the IRET exits (the backend re-enters); entry n + 1:
		 * no IRET intercept, a window to come back after it. */
		ck_assert_uint_eq(v->internal_exits, internal + 1);
		ck_assert_uint_eq(cpu.entries, n + 2);
		ck_assert(!(cpu.log[n].event_inj & VMCB_EVT_VALID));
		ck_assert(!(cpu.log[n + 1].event_inj & VMCB_EVT_VALID));
		ck_assert(!(cpu.log[n + 1].misc1 & VMCB_I1_IRET));
		ck_assert(cpu.log[n + 1].int_ctl & VMCB_INT_V_IRQ);
		ck_assert_uint_eq(v->vmcb->save.rip, CODE + 0x101);
		ck_assert(!v->nmi_blocked);
	}
	n = cpu.entries;
	hr.inject_vector = 0x33;           /* hv/ saw IF set */
	run_expect(HV_EXIT_EXTERNAL_INTR); /* the held NMI first, then the interrupt */
	ck_assert_uint_eq(cpu.log[n].event_inj, VMCB_EVT_VALID | VMCB_EVT_TYPE_NMI | 2);
	ck_assert(!v->nmi_pending && v->nmi_blocked);
	ck_assert_int_eq(v->pending_irq, 0x33);
	v->nmi_blocked = false; /* as if its handler returned */
	n = cpu.entries;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	ck_assert_uint_eq(cpu.log[n].event_inj, VMCB_EVT_VALID | VMCB_EVT_TYPE_INTR | 0x33);
	ck_assert(!(cpu.log[n].misc1 & VMCB_I1_IRET));

	/* Kicks: before a run, no VMRUN at all; an INTR exit with a kick
	 * pending is a cancelled run. */
	hosted_svm_sim_stats(&st);
	n = cpu.entries;
	hv_backend_svm.kick(vcpu_priv);
	hr.inject_vector = 0x32;
	run_expect(HV_EXIT_CANCELLED);
	ck_assert_uint_eq(cpu.entries, n);
	ck_assert(!hr.intr_ready); /* the injected vector waits in the VMCB */
	run_expect(HV_EXIT_EXTERNAL_INTR);
	ck_assert_uint_eq(cpu.log[n].event_inj, VMCB_EVT_VALID | VMCB_EVT_TYPE_INTR | 0x32);
	ck_assert_int_eq(v->cpu, -1);
	teardown_vcpu();
	return 0;
}

START_TEST(test_events)
{
	boot_kernel_and_run(body_events, 1);
}
END_TEST

/* ---- a whole VM through hv/'s core ---- */

static uint64_t mmio_read(void *d, unsigned c, uint64_t off, unsigned size)
{
	(void)d, (void)c, (void)off, (void)size;
	return 0x5a;
}

static void mmio_write(void *d, unsigned c, uint64_t off, unsigned size, uint64_t v)
{
	(void)d, (void)c, (void)off, (void)size, (void)v;
}

static const struct hv_bus_ops mmio_ops = {mmio_read, mmio_write};

/* cpuid; mov 0xd0000000,%eax (emulated by hv/ from the NPF); out %al,$0xf4 */
static const uint8_t vm_code[] = {0x0f, 0xa2, 0xa1, 0x00, 0x00, 0x00, 0xd0, 0xe6, 0xf4};

static int body_whole_vm(void)
{
	struct hv_vm_config cfg = {"svm", 1, 16ull << 20, &hv_backend_svm};
	struct hv_vm_stop_info info;
	struct hv_vm_stats st;
	struct hv_regs r;
	struct hv_sregs s;
	struct hv_vm *vm;
	int err = 1;

	sim_on(1, 16);
	vm = hv_vm_create(&cfg, &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(hv_vm_add_memory(vm, 0, RAM_SIZE, GMEM_RAM, "ram"), 0);
	ck_assert_int_eq(hv_vm_add_memory(vm, MMIO_GPA, 0x1000, GMEM_MMIO, "dev"), 0);
	ck_assert_int_eq(hv_bus_add(hv_vm_mmio_bus(vm), MMIO_GPA, 0x1000, &mmio_ops, NULL, "dev"), 0);
	ck_assert_int_eq(hv_vm_add_debug_exit(vm, 0xf4), 0);
	ck_assert_int_eq(gmem_write(hv_vm_gmem(vm), CODE, vm_code, sizeof(vm_code)), 0);
	cpu.ram = plat_phys_to_virt(gmem_gpa_to_hpa(hv_vm_gmem(vm), 0));
	memset(&r, 0, sizeof(r));
	hv_regs_reset(&r, &s);
	hv_sregs_flat32(&s);
	r.rip = CODE;
	ck_assert_int_eq(hv_vm_set_boot_state(vm, 0, &r, &s), 0);
	ck_assert_int_eq(hv_vm_start(vm), 0);
	ck_assert_int_eq(hv_vm_wait(vm, 5000000000ull), 0);
	hv_vm_get_stop_info(vm, &info);
	ck_assert_msg(info.reason == HV_STOP_POWEROFF, "stop %d: %s", info.reason, info.message);
	ck_assert_int_eq(info.code, 0x5a); /* the device's value, through hv/'s emulator */
	hv_vm_get_stats(vm, &st);
	ck_assert_uint_eq(st.exits[HV_EXIT_NPF], 1);
	ck_assert_uint_eq(st.exits[HV_EXIT_CPUID], 1);
	ck_assert_uint_eq(st.exits[HV_EXIT_IO], 1);
	hv_vm_destroy(vm);
	hosted_svm_sim_set(NULL);
	return 0;
}

START_TEST(test_whole_vm)
{
	boot_kernel_and_run(body_whole_vm, 2);
}
END_TEST

UNIT_SUITE(hv_svm_suite)
Suite *hv_svm_suite(void)
{
	Suite *s = suite_create("hv_svm");
	TCase *tc = tcase_create("svm");

	tcase_set_timeout(tc, 60);
	tcase_add_exit_test(tc, test_caps, 0);
	tcase_add_exit_test(tc, test_vmcb_setup, 0);
	tcase_add_exit_test(tc, test_state, 0);
	tcase_add_exit_test(tc, test_npt, 0);
	tcase_add_exit_test(tc, test_npt_from_gmem, 0);
	tcase_add_exit_test(tc, test_exits, 0);
	tcase_add_exit_test(tc, test_events, 0);
	tcase_add_exit_test(tc, test_whole_vm, 0);
	suite_add_tcase(s, tc);
	return s;
}
