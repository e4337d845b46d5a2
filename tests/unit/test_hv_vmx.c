/* Check unit tests of the VMX backend (hv/vmx) on the hosted platform's
 * simulated VT-x (platform-hosted/vmx_sim.h). The simulated VM entry makes
 * a CPU's checks (launch state, controls against the capability MSRs,
 * host state, the guest state rules the backend must meet) and then runs a
 * tiny interpreter over real guest bytes: it executes a few plain
 * instructions (nop, mov eax,[moffs32], jmp) and turns the intercepted
 * ones into the exit reasons, qualifications and instruction lengths a CPU
 * reports, so every completion the backend makes is checked by the next
 * instruction the interpreter fetches. Two CPUs are modelled: a Skylake
 * MSR set and a minimal one (no TRUE controls, CR3 exiting forced, no
 * VPID, no 2 MiB EPT pages, INVEPT all-context only). */
#include <hv/vm.h>
#include <hv/vmx/vmx.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/sched.h>
#include <plat/mem.h>
#include <string.h>

#include "../../hv/core/vm_internal.h"
#include "../../hv/vmx/vmx_internal.h"
#include "../../platform-hosted/vmx_sim.h"
#include "boot.h"
#include "unit.h"

#define RAM_ORDER    4 /* 64 KiB of guest RAM at gpa 0 */
#define RAM_SIZE     (4096u << RAM_ORDER)
#define CODE         0x1000u
#define MMIO_GPA     0xd0000000u
#define SIM_HOST_TSC 0x1000000000ull /* what the simulated CPU's TSC reads */

/* ---- the CPUs ---- */

static const struct hv_vmx_msrs skylake = {
    .basic = 0x00da040000000004ull,
    .pin = 0x0000007f00000016ull,
    .proc = 0xfff9fffe0401e172ull,
    .exit = 0x01ffffff00036dffull,
    .entry = 0x0003ffff000011ffull,
    .misc = 0x7004c1e7ull,
    .cr0_fixed0 = 0x80000021ull,
    .cr0_fixed1 = 0xffffffffull,
    .cr4_fixed0 = 0x2000ull,
    .cr4_fixed1 = 0x3727ffull,
    .proc2 = 0x00553cfe00000000ull,
    .ept_vpid = 0x00000f0106734141ull,
    .true_pin = 0x0000007f00000016ull,
    .true_proc = 0xfff9fffe04006172ull,
    .true_exit = 0x01ffffff00036dfbull,
    .true_entry = 0x0003ffff000011fbull,
    .feature_control = 5,
};

/* What the backend needs and nothing more; default-1 bits forced. */
static const struct hv_vmx_msrs minimal = {
    .basic = 0x0018100000000001ull, /* revision 1, 4 KiB, write-back, no TRUE controls, no ins/outs info */
    .pin = (0x16ull | 0x09) << 32 | 0x16,
    .proc = (0x0401e172ull | PROC_HLT | PROC_IO_BITMAPS | PROC_MSR_BITMAPS | PROC_SECONDARY | PROC_INTR_WINDOW |
             PROC_CR8_LOAD | PROC_CR8_STORE)
                << 32 |
            0x0401e172,
    .exit = (0x36dffull | EXIT_HOST_64 | EXIT_SAVE_EFER | EXIT_LOAD_EFER | EXIT_ACK_INTR) << 32 | 0x36dff,
    .entry = (0x11ffull | ENTRY_IA32E | ENTRY_LOAD_EFER) << 32 | 0x11ff,
    .cr0_fixed0 = 0x80000021ull,
    .cr0_fixed1 = 0xffffffffull,
    .cr4_fixed0 = 0x2000ull,
    .cr4_fixed1 = 0x27ffull,
    .proc2 = (uint64_t)(PROC2_EPT | PROC2_UNRESTRICTED) << 32,
    .ept_vpid = EPT_CAP_WALK4 | EPT_CAP_WB | EPT_CAP_INVEPT | EPT_CAP_INVEPT_ALL,
    .feature_control = 0, /* unlocked: the platform locks it */
};

static struct {
	uint8_t *ram; /* guest RAM, gpa 0 */
	uint32_t force_reason, force_intr_info, force_idt_info, force_len;
	uint64_t force_qual, force_gpa;
	bool forced;
	bool iret; /* the guest's IRET ends NMI blocking in this run */
	unsigned entries;
} cpu;

#define F(f)    hosted_vmx_sim_field(f)
#define S(f, v) hosted_vmx_sim_set_field(f, v)

static void exit_with(uint32_t reason, uint64_t qual, unsigned len)
{
	S(VMCS_EXIT_REASON, reason);
	S(VMCS_EXIT_QUALIFICATION, qual);
	S(VMCS_EXIT_INSN_LEN, len);
}

static void io(uint16_t port, uint64_t flags, unsigned len)
{
	exit_with(VMX_EXIT_IO, (uint64_t)port << 16 | flags, len);
	S(VMCS_EXIT_INSN_INFO, 1u << 7 | 3u << 15); /* 32-bit address, ds */
}

/* A mov to cr0 exits when it changes a bit the host owns. */
static bool cr0_write_exits(uint64_t val)
{
	return ((val ^ F(VMCS_CR0_SHADOW)) & F(VMCS_CR0_MASK)) != 0;
}

static void sim_run(void *ctx, struct hv_vmx_gprs *g)
{
	struct hosted_vmx_sim_stats st;
	uint64_t rip = F(VMCS_GUEST_RIP);

	(void)ctx;
	cpu.entries++;
	hosted_vmx_sim_stats(&st);
	/* The guest's #UD handler (for the VMX instruction the backend
	 * refused) skips the instruction. */
	if ((st.last_entry_intr & (INTR_INFO_VALID | INTR_INFO_TYPE_MASK | 0xff)) ==
	    (INTR_INFO_VALID | INTR_TYPE_HW_EXC | 6))
		rip += 3;
	S(VMCS_IDT_VECTORING_INFO, cpu.force_idt_info);
	cpu.force_idt_info = 0;
	if (cpu.iret) {
		cpu.iret = false;
		S(VMCS_GUEST_INTERRUPTIBILITY, F(VMCS_GUEST_INTERRUPTIBILITY) & ~INTERRUPTIBILITY_NMI);
	}
	if (cpu.forced) {
		cpu.forced = false;
		S(VMCS_GUEST_RIP, rip);
		exit_with(cpu.force_reason, cpu.force_qual, cpu.force_len);
		S(VMCS_EXIT_INTR_INFO, cpu.force_intr_info);
		S(VMCS_GUEST_PHYS_ADDR, cpu.force_gpa);
		return;
	}
	for (unsigned steps = 0; steps < 100; steps++) {
		const uint8_t *b = cpu.ram + rip;
		uint16_t dx = (uint16_t)g->gpr[2];

		S(VMCS_GUEST_RIP, rip);
		if (rip >= RAM_SIZE - 16)
			break;
		switch (b[0]) {
		case 0x90: rip += 1; continue;
		case 0xeb: exit_with(VMX_EXIT_EXTERNAL_INTR, 0, 0); return;
		case 0xa1: {
			uint32_t addr;
			memcpy(&addr, b + 1, 4);
			if (addr + 4 <= RAM_SIZE) {
				uint32_t v;
				memcpy(&v, cpu.ram + addr, 4);
				g->gpr[0] = v;
				rip += 5;
				continue;
			}
			exit_with(VMX_EXIT_EPT_VIOLATION, EPT_QUAL_READ | 1u << 7 | 1u << 8, 0);
			S(VMCS_GUEST_PHYS_ADDR, addr);
			return;
		}
		case 0xe6: io(b[1], 0, 2); return;
		case 0xe4: io(b[1], IO_QUAL_IN | IO_QUAL_IMM, 2); return;
		case 0xed: io(dx, 3 | IO_QUAL_IN, 1); return;
		case 0x66: io(dx, 1 | IO_QUAL_IN, 2); return; /* 66 ed */
		case 0xf3: io(dx, IO_QUAL_STRING | IO_QUAL_REP | (b[1] == 0x6c ? IO_QUAL_IN : 0), 2); return;
		case 0xf4: exit_with(VMX_EXIT_HLT, 0, 1); return;
		case 0x0f:
			if (b[1] == 0xa2)
				exit_with(VMX_EXIT_CPUID, 0, 2);
			else if (b[1] == 0x32 || b[1] == 0x30)
				exit_with(b[1] == 0x30 ? VMX_EXIT_WRMSR : VMX_EXIT_RDMSR, 0, 2);
			else if (b[1] == 0x08)
				exit_with(VMX_EXIT_INVD, 0, 2);
			else if (b[1] == 0x31 && (F(VMCS_PROC_CTLS) & PROC_RDTSC))
				exit_with(VMX_EXIT_RDTSC, 0, 2);
			else if (b[1] == 0x31) { /* rdtsc: the host TSC plus the offset */
				uint64_t tsc =
				    SIM_HOST_TSC + ((F(VMCS_PROC_CTLS) & PROC_TSC_OFFSET) ? F(VMCS_TSC_OFFSET) : 0);

				g->gpr[0] = (uint32_t)tsc;
				g->gpr[2] = tsc >> 32;
				rip += 2;
				continue;
			} else if (b[1] == 0x01 && b[2] == 0xc1)
				exit_with(VMX_EXIT_VMCALL, 0, 3);
			else if (b[1] == 0x01 && b[2] == 0xc2)
				exit_with(VMX_EXIT_VMLAUNCH, 0, 3);
			else if (b[1] == 0x22 && b[2] == 0xc0) { /* mov %eax,%cr0 */
				if (cr0_write_exits(g->gpr[0])) {
					exit_with(VMX_EXIT_CR_ACCESS, 0, 3);
					return;
				}
				S(VMCS_GUEST_CR0,
				  (g->gpr[0] & ~F(VMCS_CR0_MASK)) | (F(VMCS_GUEST_CR0) & F(VMCS_CR0_MASK)));
				rip += 3;
				continue;
			} else if (b[1] == 0x22 && b[2] == 0xd8) { /* mov %eax,%cr3 */
				if (F(VMCS_PROC_CTLS) & PROC_CR3_LOAD) {
					exit_with(VMX_EXIT_CR_ACCESS, 3, 3);
					return;
				}
				S(VMCS_GUEST_CR3, g->gpr[0]);
				rip += 3;
				continue;
			} else if (b[1] == 0x20 && b[2] == 0xd8) { /* mov %cr3,%eax */
				if (F(VMCS_PROC_CTLS) & PROC_CR3_STORE) {
					exit_with(VMX_EXIT_CR_ACCESS, 3 | 1u << 4, 3);
					return;
				}
				g->gpr[0] = F(VMCS_GUEST_CR3);
				rip += 3;
				continue;
			} else if (b[1] == 0x22 && b[2] == 0xc3) { /* mov %rbx,%cr8 */
				exit_with(VMX_EXIT_CR_ACCESS, 8 | 3u << 8, 3);
			} else if (b[1] == 0x20 && b[2] == 0xc1) { /* mov %cr8,%rcx */
				exit_with(VMX_EXIT_CR_ACCESS, 8 | 1u << 4 | 1u << 8, 3);
			} else
				break;
			return;
		}
		break;
	}
	exit_with(VMX_EXIT_TRIPLE_FAULT, 0, 0); /* unknown byte: the test fails on it */
}

static void sim_on(const struct hv_vmx_msrs *m)
{
	struct hosted_vmx_sim sim = {.cpuid1_ecx = 1u << 5, .msrs = *m, .run = sim_run};

	hosted_vmx_sim_set(&sim);
	memset(&cpu, 0, sizeof(cpu));
}

/* ---- helpers ---- */

static void *vm_priv, *vcpu_priv;
static paddr_t ram_pa;
static struct hv_run hr;

static struct vmx_vcpu *V(void)
{
	return vcpu_priv;
}

static uint64_t field(uint32_t f)
{
	return hosted_vmx_sim_peek(V()->vmcs_pa, f);
}

static struct hv_segment flat(uint16_t sel, uint8_t type)
{
	return (struct hv_segment){
	    .limit = 0xffffffff, .selector = sel, .type = type, .present = 1, .db = 1, .s = 1, .g = 1};
}

static void setup_vcpu_on(const struct hv_vmx_msrs *m, const void *code, size_t len)
{
	struct hv_regs r;
	struct hv_sregs s;

	sim_on(m);
	ck_assert_int_eq(hv_backend_vmx.vm_create(&vm_priv), 0);
	ram_pa = page_alloc(RAM_ORDER);
	ck_assert(ram_pa != 0);
	cpu.ram = plat_phys_to_virt(ram_pa);
	memset(cpu.ram, 0, RAM_SIZE);
	memcpy(cpu.ram + CODE, code, len);
	ck_assert_int_eq(hv_backend_vmx.map(vm_priv, 0, ram_pa, RAM_SIZE, true), 0);
	ck_assert_int_eq(hv_backend_vmx.vcpu_create(vm_priv, 0, &vcpu_priv), 0);
	ck_assert_int_eq(hv_backend_vmx.get_sregs(vcpu_priv, &s), 0);
	s.cs = flat(0x10, 0xb);
	s.ds = s.es = s.ss = s.fs = s.gs = flat(0x18, 0x3);
	s.cr0 = 0x11;
	memset(&r, 0, sizeof(r));
	r.rip = CODE;
	r.rflags = 2;
	ck_assert_int_eq(hv_backend_vmx.set_sregs(vcpu_priv, &s), 0);
	ck_assert_int_eq(hv_backend_vmx.set_regs(vcpu_priv, &r), 0);
	memset(&hr, 0, sizeof(hr));
	hr.inject_vector = hr.exception_vector = -1;
}

static void setup_vcpu(const void *code, size_t len)
{
	setup_vcpu_on(&skylake, code, len);
}

static void teardown_vcpu(void)
{
	struct hosted_vmx_sim_stats st;

	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.irqs_on, 0); /* entries always with interrupts off */
	ck_assert_uint_eq(st.active_elsewhere, 0);
	hv_backend_vmx.vcpu_destroy(vcpu_priv);
	hv_backend_vmx.vm_destroy(vm_priv);
	/* The last VM gone: every CPU left VMX operation. */
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.vmxoffs, st.vmxons);
	page_free(ram_pa, RAM_ORDER);
	hosted_vmx_sim_set(NULL);
}

static void run_expect(enum hv_exit_reason want)
{
	ck_assert_int_eq(hv_backend_vmx.run(vcpu_priv, &hr), 0);
	ck_assert_msg(hr.exit.reason == want, "exit %s (hw %#llx) at rip %#llx, want %s",
	              hv_exit_reason_name(hr.exit.reason), (unsigned long long)hr.exit.hw_code,
	              (unsigned long long)hr.exit.rip, hv_exit_reason_name(want));
	hr.complete = true;
	hr.inject_vector = hr.exception_vector = -1;
	hr.request_intr_window = false;
}

static uint64_t rip(void)
{
	return V()->rip;
}

/* ---- capabilities and controls ---- */

static int body_caps(void)
{
	struct hv_vmx_caps c;
	struct hv_vmx_ctls k;
	struct hv_vmx_msrs m;
	const char *why = NULL;
	uint32_t out;

	/* The allowed-0/allowed-1 rule. */
	ck_assert_int_eq(hv_vmx_ctl(0x000000ff00000011ull, 0x2, 0x100, &out), 0);
	ck_assert_uint_eq(out, 0x13); /* must-be-1 bits kept, optional 0x100 not allowed */
	ck_assert_int_eq(hv_vmx_ctl(0x000000ff00000011ull, 0x100, 0, &out), -ENOTSUP);

	hv_vmx_parse_caps(true, &skylake, &c);
	ck_assert(c.vmx && c.ept && c.unrestricted && c.vpid && c.ept_2m && c.inout_info && !c.feature_locked_off);
	ck_assert_uint_eq(c.revision, 4);
	ck_assert_uint_eq(c.proc, skylake.true_proc); /* TRUE controls used */
	ck_assert_int_eq(hv_vmx_compute_ctls(&c, &k, &why), 0);
	ck_assert_uint_eq(k.pin, 0x7f); /* default-1 0x16 + ext-int, NMI exiting, virtual NMIs, preemption timer */
	ck_assert(k.nmi_window);
	ck_assert_uint_eq(k.proc, 0xb61865fa); /* TRUE default-1 without CR3 exiting, with TSC offsetting */
	ck_assert(!(k.proc & PROC_RDTSC));
	ck_assert(!(k.proc & (PROC_CR3_LOAD | PROC_CR3_STORE | PROC_INTR_WINDOW | PROC_UNCOND_IO)));
	ck_assert_uint_eq(c.preempt_rate, 7);
	ck_assert_uint_eq(k.proc2, PROC2_EPT | PROC2_UNRESTRICTED | PROC2_VPID);
	ck_assert_uint_eq(k.exit, 0x3f6ffb); /* no save-debug (TRUE), 64-bit host, EFER and PAT */
	ck_assert(!(k.exit & EXIT_ACK_INTR));
	ck_assert_uint_eq(k.entry, 0xd1fb);
	ck_assert(!(k.entry & ENTRY_IA32E));

	hv_vmx_parse_caps(true, &minimal, &c);
	ck_assert(c.ept && c.unrestricted && !c.vpid && !c.ept_2m && !c.inout_info);
	ck_assert_int_eq(hv_vmx_compute_ctls(&c, &k, &why), 0);
	ck_assert_uint_eq(k.proc, 0xb619e5f2 & ~(PROC_MWAIT | PROC_MONITOR)); /* CR3 exiting forced */
	ck_assert(k.proc & PROC_CR3_LOAD);
	ck_assert_uint_eq(k.proc2, PROC2_EPT | PROC2_UNRESTRICTED);
	ck_assert_uint_eq(k.pin, 0x1f); /* no preemption timer, no virtual NMIs */
	ck_assert(!k.nmi_window);
	ck_assert(!(k.proc & PROC_RDTSC));
	ck_assert_uint_eq(k.exit, 0x336fff);
	ck_assert_uint_eq(k.entry, 0x91ff);

	/* Without TSC offsetting RDTSC exits to hv/'s TSC. */
	m = minimal;
	m.proc |= (uint64_t)PROC_RDTSC << 32;
	hv_vmx_parse_caps(true, &m, &c);
	ck_assert_int_eq(hv_vmx_compute_ctls(&c, &k, &why), 0);
	ck_assert((k.proc & (PROC_RDTSC | PROC_TSC_OFFSET)) == PROC_RDTSC);

	/* Missing pieces. */
	m = minimal;
	m.exit &= ~((uint64_t)EXIT_LOAD_EFER << 32);
	hv_vmx_parse_caps(true, &m, &c);
	ck_assert_int_eq(hv_vmx_compute_ctls(&c, &k, &why), -ENOTSUP);
	ck_assert_str_eq(why, "64-bit host or EFER save/load on exit");
	m = minimal;
	m.proc &= ~((uint64_t)PROC_INTR_WINDOW << 32);
	hv_vmx_parse_caps(true, &m, &c);
	ck_assert_int_eq(hv_vmx_compute_ctls(&c, &k, &why), -ENOTSUP);
	ck_assert_str_eq(why, "interrupt-window exiting");

	hosted_vmx_sim_set(NULL);
	ck_assert(!hv_vmx_probe(&c, &why));
	ck_assert_str_eq(why, "the CPU has no VMX (Intel VT-x)");
	ck_assert_int_eq(hv_backend_vmx.vm_create(&vm_priv), -ENODEV);
	m = skylake;
	m.feature_control = 1; /* locked, VMX off */
	sim_on(&m);
	ck_assert(!hv_vmx_probe(&c, &why));
	ck_assert_str_eq(why, "VMX is disabled by firmware (IA32_FEATURE_CONTROL locked)");
	m = skylake;
	m.proc2 &= ~((uint64_t)PROC2_UNRESTRICTED << 32);
	sim_on(&m);
	ck_assert(!hv_vmx_probe(&c, &why));
	ck_assert_str_eq(why, "the CPU has VMX without unrestricted guest");
	m = skylake;
	m.ept_vpid &= ~EPT_CAP_WB;
	sim_on(&m);
	ck_assert(!hv_vmx_probe(&c, &why));
	ck_assert_str_eq(why, "the CPU has VMX without EPT (4-level, write-back, INVEPT)");
	m = skylake;
	m.proc &= ~((uint64_t)PROC_SECONDARY << 32);
	m.true_proc &= ~((uint64_t)PROC_SECONDARY << 32);
	sim_on(&m);
	ck_assert(!hv_vmx_probe(&c, &why));
	sim_on(&skylake);
	ck_assert(hv_vmx_probe(&c, &why));
	sim_on(&minimal);
	ck_assert(hv_vmx_probe(&c, &why));
	hosted_vmx_sim_set(NULL);
	return 0;
}

START_TEST(test_caps)
{
	boot_kernel_and_run(body_caps, 1);
}
END_TEST

/* ---- VMCS setup ---- */

static bool msr_exits(const uint8_t *bitmap, uint32_t msr, bool write)
{
	unsigned base = (write ? 2048 : 0) + (msr >= 0xc0000000u ? 1024 : 0), bit = msr & 0x1fff;

	return bitmap[base + bit / 8] >> (bit % 8) & 1;
}

static int body_vmcs_setup(void)
{
	static const uint8_t hlt[] = {0xf4};
	struct hosted_vmx_sim_stats st;
	const struct vmx_msr_entry *gm, *hm;
	const uint8_t *io, *msr;
	struct vmx_vcpu *v, *v2;
	struct hv_sregs s;
	void *second;

	setup_vcpu(hlt, sizeof(hlt));
	v = V();
	ck_assert_uint_eq(*(uint32_t *)plat_phys_to_virt(v->vmcs_pa), 4); /* revision id */
	run_expect(HV_EXIT_HLT);
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.vmxons, 1);
	ck_assert_uint_eq(st.launches, 1);
	ck_assert_uint_eq(st.vmfails, 0);
	ck_assert_uint_eq(field(VMCS_PIN_CTLS), 0x7f);
	ck_assert_uint_eq(field(VMCS_PROC_CTLS), 0xb61865fa);
	ck_assert_uint_eq(field(VMCS_GUEST_PREEMPT_TIMER), (1u << 21) >> 7);
	ck_assert_uint_eq(field(VMCS_PROC_CTLS2), PROC2_EPT | PROC2_UNRESTRICTED | PROC2_VPID);
	ck_assert_uint_eq(field(VMCS_EXIT_CTLS), 0x3f6ffb);
	ck_assert_uint_eq(field(VMCS_ENTRY_CTLS), 0xd1fb);
	ck_assert_uint_eq(field(VMCS_EXCEPTION_BITMAP), 0);
	ck_assert_uint_eq(field(VMCS_LINK_POINTER), ~0ull);
	ck_assert_uint_eq(field(VMCS_EPT_POINTER), v->vm->ept.root | 0x1e); /* WB, 4 levels */
	ck_assert_uint_eq(field(VMCS_VPID), v->vpid);
	ck_assert_uint_eq(field(VMCS_CR0_MASK), 0x20); /* NE; PE and PG are the guest's */
	ck_assert_uint_eq(field(VMCS_CR0_SHADOW), 0x11);
	ck_assert_uint_eq(field(VMCS_GUEST_CR0), 0x31);
	ck_assert_uint_eq(field(VMCS_CR4_MASK), ~0x3727ffull | 0x2000);
	ck_assert_uint_eq(field(VMCS_GUEST_CR4), 0x2000); /* VMXE, hidden by the shadow */
	ck_assert_uint_eq(field(VMCS_CR4_SHADOW), 0);
	ck_assert_uint_eq(field(VMCS_GUEST_PAT), 0x0007040600070406ull);
	/* Host state from the platform. */
	ck_assert_uint_eq(field(VMCS_HOST_CR4), 0x2020);
	ck_assert_uint_eq(field(VMCS_HOST_CS_SEL), 8);
	ck_assert_uint_eq(field(VMCS_HOST_TR_SEL), 0x28);
	ck_assert_uint_eq(field(VMCS_HOST_TR_BASE), 0xffff800000200000ull);
	ck_assert_uint_eq(field(VMCS_HOST_EFER), 0xd01);
	/* The bitmaps: every port, every MSR except those switched. */
	io = plat_phys_to_virt(field(VMCS_IO_BITMAP_A));
	ck_assert_uint_eq(field(VMCS_IO_BITMAP_B), field(VMCS_IO_BITMAP_A) + 4096);
	for (unsigned i = 0; i < 8192; i++)
		ck_assert_uint_eq(io[i], 0xff);
	msr = plat_phys_to_virt(field(VMCS_MSR_BITMAP));
	ck_assert(msr_exits(msr, 0x1b, false) && msr_exits(msr, 0x1b, true));     /* APIC_BASE */
	ck_assert(msr_exits(msr, 0xc0000080u, true));                             /* EFER */
	ck_assert(msr_exits(msr, 0x277, false) && msr_exits(msr, 0x10, false));   /* PAT, TSC */
	ck_assert(msr_exits(msr, 0x3a, false) && msr_exits(msr, 0x480, false));   /* FEATURE_CONTROL, VMX_BASIC */
	ck_assert(!msr_exits(msr, 0x174, false) && !msr_exits(msr, 0x176, true)); /* SYSENTER: in the VMCS */
	ck_assert(!msr_exits(msr, 0xc0000082u, false) && !msr_exits(msr, 0xc0000082u, true)); /* LSTAR */
	ck_assert(!msr_exits(msr, 0xc0000100u, true) && !msr_exits(msr, 0xc0000102u, true));
	ck_assert(msr_exits(msr, 0xc0000103u, false)); /* TSC_AUX */
	/* MSR lists: guest values loaded at entry and stored at exit, the
	 * host's restored at exit. */
	ck_assert_uint_eq(field(VMCS_ENTRY_MSR_LOAD_COUNT), 5);
	ck_assert_uint_eq(field(VMCS_EXIT_MSR_STORE_ADDR), field(VMCS_ENTRY_MSR_LOAD_ADDR));
	gm = plat_phys_to_virt(field(VMCS_ENTRY_MSR_LOAD_ADDR));
	hm = plat_phys_to_virt(field(VMCS_EXIT_MSR_LOAD_ADDR));
	ck_assert(field(VMCS_EXIT_MSR_LOAD_ADDR) % 16 == 0);
	ck_assert_uint_eq(gm[1].index, 0xc0000082u);
	ck_assert_uint_eq(hm[1].index, 0xc0000082u);
	ck_assert_uint_eq(hm[1].value, 0xffffffff81000000ull); /* the host's LSTAR */
	ck_assert_uint_eq(hm[0].value, 0x0023001000000000ull);
	/* The guest state VM entry accepted: accessed types, G from limits. */
	ck_assert_uint_eq(field(VMCS_GUEST_ES_AR + 2 * VMCS_SEG_CS), 0xc09b);
	ck_assert_uint_eq(field(VMCS_GUEST_ES_AR + 2 * VMCS_SEG_DS), 0xc093);
	ck_assert_uint_eq(field(VMCS_GUEST_ES_AR + 2 * VMCS_SEG_TR), 0x8b);
	ck_assert_uint_eq(field(VMCS_GUEST_ES_AR + 2 * VMCS_SEG_LDTR), 0x82);
	ck_assert_uint_eq(field(VMCS_GUEST_RIP), CODE);

	/* A second vCPU: its own VPID; real-mode reset state. */
	ck_assert_int_eq(hv_backend_vmx.vcpu_create(vm_priv, 1, &second), 0);
	v2 = second;
	ck_assert(v->vpid != 0 && v2->vpid != 0 && v->vpid != v2->vpid);
	ck_assert_int_eq(hv_backend_vmx.get_sregs(second, &s), 0);
	ck_assert_uint_eq(s.cs.selector, 0xf000);
	ck_assert_uint_eq(s.cs.base, 0xffff0000);
	ck_assert_uint_eq(s.cr0, 0x60000010); /* NE not shown */
	ck_assert_uint_eq(vmx_cr0_real(v2->vm, s.cr0), 0x60000030);
	ck_assert_uint_eq(v2->rip, 0xfff0);
	ck_assert_uint_eq(v2->gprs.gpr[2], 0x600);
	hv_backend_vmx.vcpu_destroy(second);
	teardown_vcpu();
	return 0;
}

START_TEST(test_vmcs_setup)
{
	boot_kernel_and_run(body_vmcs_setup, 1);
}
END_TEST

/* ---- segments and registers ---- */

static int body_state(void)
{
	static const uint8_t hlt[] = {0xf4, 0xf4};
	struct hv_segment code64 = {
	    .base = 0, .limit = 0xffffffff, .selector = 8, .type = 0xb, .present = 1, .s = 1, .l = 1, .g = 1};
	struct hv_segment data = flat(0x18, 0x3), back;
	struct hv_regs r, r2;
	struct hv_sregs s, s2;
	uint64_t pdpt[4] = {0x5001, 0x6001, 0, 0x7001};

	ck_assert_uint_eq(vmx_seg_ar(&code64), 0xa09b);
	ck_assert_uint_eq(vmx_seg_ar(&data), 0xc093);
	data.dpl = 3;
	ck_assert_uint_eq(vmx_seg_ar(&data), 0xc0f3);
	data.unusable = 1;
	ck_assert_uint_eq(vmx_seg_ar(&data), VMX_AR_UNUSABLE);
	memset(&back, 0, sizeof(back));
	vmx_seg_from_ar(&back, 0xa09b);
	ck_assert(back.l && back.g && back.s && back.present && !back.db && back.type == 0xb && !back.unusable);
	vmx_seg_from_ar(&back, VMX_AR_UNUSABLE);
	ck_assert(back.unusable && !back.present);

	setup_vcpu(hlt, sizeof(hlt));
	for (unsigned i = 0; i < 16; i++)
		r.gpr[i] = 0x1111111111111111ull * (i + 1);
	r.rip = CODE;
	r.rflags = 0x202;
	ck_assert_int_eq(hv_backend_vmx.set_regs(vcpu_priv, &r), 0);
	ck_assert_int_eq(hv_backend_vmx.get_regs(vcpu_priv, &r2), 0);
	ck_assert_mem_eq(&r, &r2, sizeof(r));
	run_expect(HV_EXIT_HLT);
	ck_assert_uint_eq(field(VMCS_GUEST_RSP), r.gpr[4]);
	ck_assert_uint_eq(field(VMCS_GUEST_RFLAGS), 0x202);
	ck_assert_uint_eq(V()->gprs.gpr[15], r.gpr[15]);

	/* 64-bit state: IA-32e mode entry follows EFER.LMA. */
	ck_assert_int_eq(hv_backend_vmx.get_sregs(vcpu_priv, &s), 0);
	s.cs = code64;
	s.cr0 = 0x80000011;
	s.cr3 = 0x8000;
	s.cr4 = 0x20;
	s.cr8 = 5;
	s.efer = 0x500;
	s.cr2 = 0xabc000;
	s.apic_base = 0xfee00900;
	s.gdt = (struct hv_dtable){0x7000, 0x27};
	s.ldt = (struct hv_segment){.unusable = 1};
	s.es = flat(0x18, 0x2);                                  /* not accessed */
	s.es.g = 0;                                              /* and G contradicting the limit */
	s.tr = (struct hv_segment){.limit = 0x67, .present = 1}; /* type 0: not a TSS */
	ck_assert_int_eq(hv_backend_vmx.set_sregs(vcpu_priv, &s), 0);
	ck_assert(V()->flush_vpid);
	run_expect(HV_EXIT_HLT);
	ck_assert(field(VMCS_ENTRY_CTLS) & ENTRY_IA32E);
	ck_assert_uint_eq(field(VMCS_GUEST_EFER), 0x500);
	ck_assert_uint_eq(field(VMCS_GUEST_CR0), 0x80000031);
	ck_assert_uint_eq(field(VMCS_GUEST_ES_AR + 2 * VMCS_SEG_LDTR), VMX_AR_UNUSABLE);
	/* What VM entry demands: accessed, G from the limit, a busy TSS. */
	ck_assert_uint_eq(field(VMCS_GUEST_ES_AR + 2 * VMCS_SEG_ES), 0xc093);
	ck_assert_uint_eq(field(VMCS_GUEST_ES_AR + 2 * VMCS_SEG_TR), 0x8b);
	ck_assert_uint_eq(V()->gprs.cr2, 0xabc000);
	ck_assert_int_eq(hv_backend_vmx.get_sregs(vcpu_priv, &s2), 0);
	ck_assert_mem_eq(&s.cs, &s2.cs, sizeof(s.cs));
	s.es = s2.es; /* as the CPU holds it now */
	ck_assert(s2.cr0 == 0x80000011 && s2.cr3 == 0x8000 && s2.cr4 == 0x20 && s2.cr8 == 5 && s2.efer == 0x500);
	ck_assert(s2.apic_base == 0xfee00900 && s2.gdt.base == 0x7000 && s2.gdt.limit == 0x27 && s2.cr2 == 0xabc000);

	/* PAE paging set from outside: the PDPTEs come from guest memory. */
	memcpy(cpu.ram + 0x3000, pdpt, sizeof(pdpt));
	s.cs = flat(0x10, 0xb);
	s.efer = 0;
	s.cr3 = 0x3000;
	ck_assert_int_eq(hv_backend_vmx.set_sregs(vcpu_priv, &s), 0);
	hr.complete = false;
	V()->rip = CODE;
	ck_assert_int_eq(hv_backend_vmx.run(vcpu_priv, &hr), 0);
	ck_assert_int_eq(hr.exit.reason, HV_EXIT_HLT);
	ck_assert(!(field(VMCS_ENTRY_CTLS) & ENTRY_IA32E));
	ck_assert_uint_eq(field(VMCS_GUEST_PDPTE0), 0x5001);
	ck_assert_uint_eq(field(VMCS_GUEST_PDPTE0 + 6), 0x7001);
	teardown_vcpu();
	return 0;
}

START_TEST(test_state)
{
	boot_kernel_and_run(body_state, 1);
}
END_TEST

/* ---- EPT ---- */

static uint64_t ept_entry(struct vmx_vm *vm, uint64_t gpa, unsigned level)
{
	uint64_t *t = plat_phys_to_virt(vm->ept.root), e = 0;

	for (unsigned l = 3;; l--) {
		e = t[(gpa >> (12 + 9 * l)) & 511];
		if (l == level || !(e & 7) || (e & EPT_LARGE))
			return e;
		t = plat_phys_to_virt(e & EPT_ADDR);
	}
}

static int body_ept(void)
{
	struct vmx_vm *vm;
	uint64_t gen;

	sim_on(&skylake);
	ck_assert_int_eq(hv_backend_vmx.vm_create(&vm_priv), 0);
	vm = vm_priv;
	ck_assert_uint_eq(vm->eptp, vm->ept.root | 6 | 3 << 3);
	ck_assert_int_eq(vmx_ept_map(vm, 0x40000000, 0x80000000, 4 << 20, true), 0);
	ck_assert_uint_eq(ept_entry(vm, 0x40000000, 1), 0x80000000 | EPT_R | EPT_W | EPT_X | EPT_MT_WB | EPT_LARGE);
	ck_assert_uint_eq(ept_entry(vm, 0x40200000, 1), 0x80200000 | EPT_R | EPT_W | EPT_X | EPT_MT_WB | EPT_LARGE);
	ck_assert_uint_eq(ept_entry(vm, 0x40000000, 3) & 7, 7); /* tables: RWX, no memory type */
	ck_assert_uint_eq(ept_entry(vm, 0x40000000, 3) & 0x38, 0);
	ck_assert_uint_eq(vmx_ept_translate(vm, 0x40123456, true), 0x80123456);
	ck_assert_int_eq(vmx_ept_map(vm, 0x10000000, 0x1234000, 3 * 4096, true), 0);
	ck_assert_uint_eq(ept_entry(vm, 0x10001000, 0), 0x1235000 | EPT_R | EPT_W | EPT_X | EPT_MT_WB);
	ck_assert_uint_eq(ept_entry(vm, 0x10003000, 0), 0);
	/* ROM: readable and executable, writes are EPT violations. */
	ck_assert_int_eq(vmx_ept_map(vm, 0xfff00000, 0x2000000, 0x100000, false), 0);
	ck_assert_uint_eq(ept_entry(vm, 0xfff00000, 0), 0x2000000 | EPT_R | EPT_X | EPT_MT_WB);
	ck_assert_uint_eq(vmx_ept_translate(vm, 0xfff00010, true), 0);
	ck_assert_int_eq(vmx_ept_map(vm, 0x10000000, 0x5000000, 4096, true), -EBUSY);
	ck_assert_int_eq(vmx_ept_map(vm, 0x40100000, 0x5000000, 4096, true), -ENOMEM);
	ck_assert_int_eq(vmx_ept_map(vm, 0x10000800, 0x5000000, 4096, true), -EINVAL);
	ck_assert_int_eq(vmx_ept_map(vm, 1ull << 48, 0x5000000, 4096, true), -EINVAL);
	ck_assert_int_eq(vmx_ept_map(vm, 0x0fffe000, 0x6000000, 0x3000, true), -EBUSY);
	ck_assert_uint_eq(vmx_ept_translate(vm, 0x0fffe000, false), 0); /* rolled back */
	gen = vm->ept.gen;
	ck_assert_int_eq(vmx_ept_unmap(vm, 0x40000000, 4 << 20), 0);
	ck_assert_uint_eq(vmx_ept_translate(vm, 0x40123456, false), 0);
	ck_assert_uint_gt(vm->ept.gen, gen);
	hv_backend_vmx.vm_destroy(vm_priv);

	/* A CPU without 2 MiB EPT pages gets 4 KiB ones only. */
	sim_on(&minimal);
	ck_assert_int_eq(hv_backend_vmx.vm_create(&vm_priv), 0);
	vm = vm_priv;
	ck_assert_int_eq(vmx_ept_map(vm, 0x40000000, 0x80000000, 2 << 20, true), 0);
	ck_assert_uint_eq(ept_entry(vm, 0x40000000, 1) & EPT_LARGE, 0);
	ck_assert_uint_eq(ept_entry(vm, 0x401ff000, 0), 0x801ff000 | EPT_R | EPT_W | EPT_X | EPT_MT_WB);
	hv_backend_vmx.vm_destroy(vm_priv);
	hosted_vmx_sim_set(NULL);
	return 0;
}

START_TEST(test_ept)
{
	boot_kernel_and_run(body_ept, 1);
}
END_TEST

static int body_ept_from_gmem(void)
{
	struct hv_vm_config cfg = {"ept", 1, 64ull << 20, &hv_backend_vmx};
	struct hv_vm *vm;
	struct vmx_vm *x;
	struct gmem *m;
	int err = 1;

	sim_on(&skylake);
	vm = hv_vm_create(&cfg, &err);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(hv_vm_add_memory(vm, 0, 6ull << 20, GMEM_RAM, "low"), 0);
	ck_assert_int_eq(hv_vm_add_memory(vm, 0x800000, 0x10000, GMEM_MMIO, "hole"), 0);
	ck_assert_int_eq(hv_vm_add_memory(vm, 0xfffe0000, 0x20000, GMEM_ROM, "bios"), 0);
	ck_assert_int_eq(hv_vm_add_memory(vm, 0x100000000ull, 2ull << 20, GMEM_RAM, "high"), 0);
	m = hv_vm_gmem(vm);
	x = vm->priv;
	for (unsigned i = 0; i < m->n; i++) {
		const struct gmem_region *r = &m->region[i];

		for (uint64_t off = 0; off < r->size; off += 4096) {
			uint64_t gpa = r->gpa + off;
			paddr_t want = r->kind == GMEM_MMIO ? 0 : gmem_gpa_to_hpa(m, gpa);

			ck_assert_uint_eq(vmx_ept_translate(x, gpa + 0x123, false), want ? want + 0x123 : 0);
			ck_assert_uint_eq(vmx_ept_translate(x, gpa, true), r->kind == GMEM_RAM ? want : 0);
		}
	}
	ck_assert_uint_eq(vmx_ept_translate(x, 6ull << 20, false), 0);
	ck_assert_uint_eq(vmx_ept_translate(x, 0x810000, false), 0);
	ck_assert(ept_entry(x, 0, 1) & EPT_LARGE);
	ck_assert(ept_entry(x, 0x100000000ull, 1) & EPT_LARGE);
	ck_assert(!(ept_entry(x, 0xfffe0000, 0) & EPT_W));
	ck_assert_uint_eq(ept_entry(x, 0xfffe0000, 0) & 0x38, EPT_MT_WB);
	hv_vm_destroy(vm);
	hosted_vmx_sim_set(NULL);
	return 0;
}

START_TEST(test_ept_from_gmem)
{
	boot_kernel_and_run(body_ept_from_gmem, 1);
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
 *  100e: 0f 01 c1       vmcall
 *  1011: a1 00 00 00 d0 mov 0xd0000000,%eax   (EPT violation)
 *  1016: 0f 01 c2       vmlaunch              (#UD from the backend)
 *  1019: 0f 08          invd                  (skipped by the backend)
 *  101b: f3 6e          rep outsb
 *  101d: f4             hlt
 *  101e: f3 6c          rep insb
 *  1020: 90             nop
 *  1021: 0f 22 c0       mov %eax,%cr0         (NE: CR access exit, done by the backend)
 *  1024: 0f 22 c3       mov %rbx,%cr8         (CR8 exiting)
 *  1027: 0f 20 c1       mov %cr8,%rcx
 *  102a: 0f 31          rdtsc                 (no exit: TSC offsetting)
 *  102c: eb fe          jmp . */
static const uint8_t exits_code[] = {0xe6, 0x80, 0xe4, 0x81, 0x66, 0xed, 0xed, 0x0f, 0xa2, 0x0f, 0x32, 0x0f,
                                     0x30, 0xf4, 0x0f, 0x01, 0xc1, 0xa1, 0x00, 0x00, 0x00, 0xd0, 0x0f, 0x01,
                                     0xc2, 0x0f, 0x08, 0xf3, 0x6e, 0xf4, 0xf3, 0x6c, 0x90, 0x0f, 0x22, 0xc0,
                                     0x0f, 0x22, 0xc3, 0x0f, 0x20, 0xc1, 0x0f, 0x31, 0xeb, 0xfe};

static int body_exits(void)
{
	struct hosted_vmx_sim_stats st;
	struct vmx_vcpu *v;
	struct hv_regs r;
	struct hv_sregs s;
	uint64_t *g;

	setup_vcpu(exits_code, sizeof(exits_code));
	v = V();
	g = v->gprs.gpr;
	g[0] = 0x11223344556677aaull;
	g[2] = 0x3f8;

	run_expect(HV_EXIT_IO);
	ck_assert(!hr.exit.u.io.in && !hr.exit.u.io.string && hr.exit.u.io.port == 0x80 && hr.exit.u.io.size == 1);
	ck_assert_uint_eq(hr.exit.u.io.data, 0xaa);
	ck_assert_uint_eq(hr.exit.rip, CODE);
	ck_assert_uint_eq(hr.exit.insn_len, 2);
	ck_assert_uint_eq(hr.exit.hw_code, VMX_EXIT_IO);
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.invepts, 1); /* first entry on this CPU: flushed */
	ck_assert_uint_eq(st.invvpids, 1);

	run_expect(HV_EXIT_IO); /* in $0x81,%al */
	ck_assert(hr.exit.u.io.in && hr.exit.u.io.port == 0x81 && hr.exit.u.io.size == 1);
	ck_assert_uint_eq(rip(), CODE + 2);
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.invepts, 1); /* same CPU, same mappings: no flush */
	ck_assert_uint_eq(st.resumes, 1); /* VMRESUME after the first VMLAUNCH */
	hr.exit.u.io.data = 0x5b;
	run_expect(HV_EXIT_IO);                         /* in (%dx),%ax */
	ck_assert_uint_eq(g[0], 0x112233445566775bull); /* al merged */
	ck_assert(hr.exit.u.io.in && hr.exit.u.io.port == 0x3f8 && hr.exit.u.io.size == 2);
	hr.exit.u.io.data = 0xbeef;
	run_expect(HV_EXIT_IO);                         /* in (%dx),%eax */
	ck_assert_uint_eq(g[0], 0x112233445566beefull); /* ax merged */
	ck_assert_uint_eq(hr.exit.u.io.size, 4);
	ck_assert_uint_eq(hr.exit.insn_len, 1);
	hr.exit.u.io.data = 0xcafef00d;
	g[1] = 7;
	run_expect(HV_EXIT_CPUID);
	ck_assert_uint_eq(g[0], 0xcafef00d); /* eax zero-extends */
	ck_assert_uint_eq(rip(), CODE + 7);
	ck_assert_uint_eq(field(VMCS_GUEST_RIP), CODE + 7); /* written back for the entry */
	ck_assert_uint_eq(hr.exit.u.cpuid.leaf, 0xcafef00d);
	ck_assert_uint_eq(hr.exit.u.cpuid.subleaf, 7);
	ck_assert_uint_eq(hr.exit.insn_len, 2);
	hr.exit.u.cpuid.eax = 1;
	hr.exit.u.cpuid.ebx = 2;
	hr.exit.u.cpuid.ecx = 0x277;
	hr.exit.u.cpuid.edx = 4;
	run_expect(HV_EXIT_MSR_READ);
	ck_assert(g[0] == 1 && g[3] == 2 && g[1] == 0x277 && g[2] == 4);
	ck_assert_uint_eq(rip(), CODE + 9);
	ck_assert_uint_eq(hr.exit.u.msr.index, 0x277);
	hr.exit.u.msr.value = 0x0102030405060708ull;
	run_expect(HV_EXIT_MSR_WRITE);
	ck_assert(g[0] == 0x05060708 && g[2] == 0x01020304);
	ck_assert_uint_eq(hr.exit.u.msr.value, 0x0102030405060708ull);
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
	ck_assert_uint_eq(hr.exit.hw_code, VMX_EXIT_EPT_VIOLATION);
	/* hv/ emulates the access and moves rip itself. */
	ck_assert_int_eq(hv_backend_vmx.get_regs(vcpu_priv, &r), 0);
	r.gpr[0] = 0x12345678;
	r.rip += 5;
	ck_assert_int_eq(hv_backend_vmx.set_regs(vcpu_priv, &r), 0);
	/* vmlaunch: #UD injected and re-entered without an exit to hv/; invd
	 * skipped; then rep outsb: three elements from ds:esi. */
	memcpy(cpu.ram + 0x3000, "abc", 3);
	g[6] = 0x3000;
	g[1] = 3;
	g[2] = 0x3f8;
	run_expect(HV_EXIT_IO);
	ck_assert_uint_eq(v->internal_exits, 2);
	ck_assert_uint_eq(hr.exit.rip, CODE + 0x1b);
	ck_assert(hr.exit.u.io.string && hr.exit.u.io.rep && !hr.exit.u.io.in);
	ck_assert_uint_eq(hr.exit.u.io.data, 'a');
	run_expect(HV_EXIT_IO);
	ck_assert_uint_eq(hr.exit.u.io.data, 'b');
	ck_assert(g[6] == 0x3001 && g[1] == 2 && rip() == CODE + 0x1b);
	run_expect(HV_EXIT_IO);
	ck_assert_uint_eq(hr.exit.u.io.data, 'c');
	run_expect(HV_EXIT_HLT);
	ck_assert(g[6] == 0x3003 && g[1] == 0 && rip() == CODE + 0x1d);
	/* rep insb: two elements to es:edi, backwards (DF). */
	g[7] = 0x4001;
	g[1] = 2;
	v->rflags |= 1u << 10;
	run_expect(HV_EXIT_IO);
	ck_assert(hr.exit.u.io.string && hr.exit.u.io.in && hr.exit.u.io.port == 0x3f8);
	hr.exit.u.io.data = 'X';
	run_expect(HV_EXIT_IO);
	ck_assert(g[7] == 0x4000 && g[1] == 1 && rip() == CODE + 0x1e);
	hr.exit.u.io.data = 'Y';
	/* Then: nop; mov %eax,%cr0 setting NE (exits: the backend keeps the
	 * shadow); mov %rbx,%cr8 and mov %cr8,%rcx (exits); jmp. */
	g[0] = 0x31;
	g[3] = 9;
	/* rdtsc runs without an exit: the host TSC plus the vCPU's offset. */
	hv_backend_vmx.set_tsc_offset(vcpu_priv, (int64_t)(0x1122334455667788ull - SIM_HOST_TSC));
	run_expect(HV_EXIT_EXTERNAL_INTR);
	ck_assert(cpu.ram[0x4001] == 'X' && cpu.ram[0x4000] == 'Y');
	ck_assert(g[7] == 0x3fff && g[1] == 9);
	ck_assert_uint_eq(field(VMCS_TSC_OFFSET), 0x1122334455667788ull - SIM_HOST_TSC);
	ck_assert(g[0] == 0x55667788 && g[2] == 0x11223344 && rip() == CODE + 0x2c);
	ck_assert_uint_eq(v->internal_exits, 5);
	ck_assert_int_eq(hv_backend_vmx.get_sregs(vcpu_priv, &s), 0);
	ck_assert_uint_eq(s.cr0, 0x31);
	ck_assert_uint_eq(s.cr8, 9);
	ck_assert_uint_eq(field(VMCS_CR0_SHADOW), 0x31);
	v->rflags &= ~(1ull << 10);

	/* Forced exits. */
	cpu.forced = true, cpu.force_reason = VMX_EXIT_TRIPLE_FAULT;
	run_expect(HV_EXIT_SHUTDOWN);
	cpu.forced = true, cpu.force_reason = VMX_EXIT_EXCEPTION_NMI, cpu.force_qual = 0xdead000,
	cpu.force_intr_info = INTR_INFO_VALID | INTR_TYPE_HW_EXC | INTR_INFO_HAS_ERROR | 14;
	S(VMCS_EXIT_INTR_ERROR, 0);
	run_expect(HV_EXIT_EXCEPTION);
	ck_assert(hr.exit.u.exception.vector == 14 && hr.exit.u.exception.has_error);
	ck_assert(hr.exit.u.exception.cr2 == 0xdead000);
	cpu.forced = true, cpu.force_reason = VMX_EXIT_EXCEPTION_NMI,
	cpu.force_intr_info = INTR_INFO_VALID | INTR_TYPE_NMI | 2;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	cpu.forced = true, cpu.force_reason = VMX_EXIT_RDPMC; /* never enabled: hv/ stops on it */
	run_expect(HV_EXIT_NONE);
	ck_assert_uint_eq(hr.exit.hw_code, VMX_EXIT_RDPMC);
	/* The preemption timer: back in the host, re-entered without hv/. */
	cpu.forced = true, cpu.force_reason = VMX_EXIT_PREEMPT_TIMER;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	ck_assert_uint_eq(v->preempt_exits, 1);
	cpu.forced = true, cpu.force_reason = VMX_EXIT_EPT_VIOLATION, cpu.force_qual = EPT_QUAL_WRITE | 1u << 3,
	cpu.force_gpa = 0xfee00300;
	run_expect(HV_EXIT_NPF);
	ck_assert(hr.exit.u.npf.write && !hr.exit.u.npf.read && hr.exit.u.npf.gpa == 0xfee00300);
	cpu.forced = true, cpu.force_reason = VMX_EXIT_EPT_VIOLATION, cpu.force_qual = EPT_QUAL_FETCH;
	run_expect(HV_EXIT_NPF);
	ck_assert(hr.exit.u.npf.exec && !hr.exit.u.npf.read);
	cpu.forced = true, cpu.force_reason = VMX_EXIT_EPT_MISCONFIG;
	run_expect(HV_EXIT_INVALID_STATE);
	ck_assert_uint_eq(hr.exit.hw_code, VMX_EXIT_EPT_MISCONFIG);
	/* Entries the CPU refuses: bad guest state is an entry-failure exit,
	 * bad controls a VMfail. */
	ck_assert_int_eq(hv_backend_vmx.get_sregs(vcpu_priv, &s), 0);
	v->sregs.cr0 = 0x80000000; /* PG without PE: the CPU refuses */
	v->dirty = true;
	run_expect(HV_EXIT_INVALID_STATE);
	ck_assert_uint_eq(hr.exit.hw_code, VMX_EXIT_REASON_FAILED | VMX_EXIT_INVALID_GUEST);
	ck_assert_int_eq(hv_backend_vmx.set_sregs(vcpu_priv, &s), 0);
	v->vm->ctls.pin &= ~0x16u; /* a default-1 bit cleared */
	v->initialized = false;
	run_expect(HV_EXIT_INVALID_STATE);
	ck_assert_uint_eq(hr.exit.hw_code, VMX_HW_VMFAIL | VMX_ERR_BAD_CONTROLS);
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
	struct hosted_vmx_sim_stats st;
	struct vmx_vcpu *v;
	unsigned long launches;

	setup_vcpu(spin_code, sizeof(spin_code));
	v = V();
	run_expect(HV_EXIT_EXTERNAL_INTR);
	ck_assert(!hr.intr_ready); /* IF clear */
	v->rflags |= 1u << 9;
	v->dirty = true;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	ck_assert(hr.intr_ready);
	/* Blocking by STI or MOV SS blocks injection. */
	v->interruptibility = INTERRUPTIBILITY_STI;
	v->dirty = true;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	ck_assert(!hr.intr_ready);
	v->interruptibility = 0;
	v->dirty = true;

	/* An external interrupt. */
	hr.inject_vector = 0x30;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.last_entry_intr, INTR_INFO_VALID | INTR_TYPE_EXT_INTR | 0x30);
	ck_assert_uint_eq(v->entry_info, 0);
	/* An exception with an error code, instead of completing. */
	hr.exception_vector = 13;
	hr.exception_has_error = true;
	hr.exception_error = 0x18;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.last_entry_intr, INTR_INFO_VALID | INTR_TYPE_HW_EXC | INTR_INFO_HAS_ERROR | 13);
	ck_assert_uint_eq(st.last_entry_error, 0x18);
	/* The interrupt window: interrupt-window exiting for one entry. */
	hr.request_intr_window = true;
	cpu.forced = true, cpu.force_reason = VMX_EXIT_INTR_WINDOW;
	run_expect(HV_EXIT_INTR_WINDOW);
	hosted_vmx_sim_stats(&st);
	ck_assert(st.last_proc & PROC_INTR_WINDOW);
	run_expect(HV_EXIT_EXTERNAL_INTR);
	hosted_vmx_sim_stats(&st);
	ck_assert(!(st.last_proc & PROC_INTR_WINDOW));
	/* A delivery the exit interrupted goes in again (a software interrupt
	 * with its instruction length), before hv/'s next. */
	cpu.force_idt_info = INTR_INFO_VALID | INTR_TYPE_SW_INTR | 0x80 | 1u << 12;
	cpu.forced = true, cpu.force_reason = VMX_EXIT_EPT_VIOLATION, cpu.force_qual = EPT_QUAL_WRITE;
	cpu.force_len = 2; /* the CPU gives the length of the int n being delivered */
	run_expect(HV_EXIT_NPF);
	ck_assert(!hr.intr_ready);
	cpu.force_len = 0;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.last_entry_intr, INTR_INFO_VALID | INTR_TYPE_SW_INTR | 0x80);
	ck_assert_uint_eq(st.last_entry_len, 2);
	ck_assert(hr.intr_ready);
	/* An exception in real mode goes without its error code. */
	hr.exception_vector = 13;
	hr.exception_has_error = true;
	v->sregs.cr0 = 0x10;
	v->dirty = true;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.last_entry_intr, INTR_INFO_VALID | INTR_TYPE_HW_EXC | 13);
	ck_assert_uint_eq(st.entry_failures, 0);
	v->sregs.cr0 = 0x11;
	v->dirty = true;

	/* NMIs: not masked by IF; the injected one blocks the next (the CPU's
	 * virtual-NMI blocking), which waits with NMI-window exiting and goes
	 * in once the guest's IRET ended the blocking, before an interrupt. */
	v->rflags &= ~(1ull << 9);
	v->dirty = true;
	hr.inject_nmi = true;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	hr.inject_nmi = false;
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.last_entry_intr, INTR_INFO_VALID | INTR_TYPE_NMI | 2);
	ck_assert(!(st.last_proc & PROC_NMI_WINDOW));
	ck_assert(v->interruptibility & INTERRUPTIBILITY_NMI);
	v->rflags |= 1ull << 9;
	v->interruptibility |= INTERRUPTIBILITY_STI; /* sti just before */
	v->dirty = true;
	hr.inject_nmi = true;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	hr.inject_nmi = false;
	hosted_vmx_sim_stats(&st);
	ck_assert(!(st.last_entry_intr & INTR_INFO_VALID)); /* NMI blocked */
	ck_assert(st.last_proc & PROC_NMI_WINDOW);
	ck_assert(v->nmi_pending);
	ck_assert_uint_eq(st.entry_failures, 0);
	{
		uint64_t internal = v->internal_exits;

		cpu.iret = true;
		cpu.forced = true, cpu.force_reason = VMX_EXIT_NMI_WINDOW;
		v->interruptibility |= INTERRUPTIBILITY_STI;
		v->dirty = true;
		run_expect(HV_EXIT_EXTERNAL_INTR); /* the window exit stays in the backend */
		ck_assert_uint_eq(v->internal_exits, internal + 1);
	}
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.last_entry_intr, INTR_INFO_VALID | INTR_TYPE_NMI | 2);
	ck_assert(!(st.last_proc & PROC_NMI_WINDOW));
	ck_assert(!v->nmi_pending);
	ck_assert_uint_eq(st.entry_failures, 0);
	v->interruptibility = 0; /* the handler's IRET */
	v->dirty = true;
	hr.inject_vector = 0x33;
	run_expect(HV_EXIT_EXTERNAL_INTR);
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.last_entry_intr, INTR_INFO_VALID | INTR_TYPE_EXT_INTR | 0x33);

	/* Kicks: before a run, no entry at all; an exit for a host interrupt
	 * with a kick pending is a cancelled run. */
	hosted_vmx_sim_stats(&st);
	launches = st.launches + st.resumes;
	hv_backend_vmx.kick(vcpu_priv);
	hr.inject_vector = 0x32;
	run_expect(HV_EXIT_CANCELLED);
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.launches + st.resumes, launches);
	ck_assert(!hr.intr_ready); /* the vector waits for the next entry */
	run_expect(HV_EXIT_EXTERNAL_INTR);
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.last_entry_intr, INTR_INFO_VALID | INTR_TYPE_EXT_INTR | 0x32);
	ck_assert_int_eq(v->cpu, -1);
	teardown_vcpu();
	return 0;
}

START_TEST(test_events)
{
	boot_kernel_and_run(body_events, 1);
}
END_TEST

/* ---- the minimal CPU: CR3 exiting, no VPID, INVEPT all-context ---- */

/* mov %eax,%cr3; mov %cr3,%eax; hlt */
static const uint8_t cr3_code[] = {0x0f, 0x22, 0xd8, 0x0f, 0x20, 0xd8, 0xf4};

static int body_minimal(void)
{
	struct hosted_vmx_sim_stats st;
	struct vmx_vcpu *v;

	setup_vcpu_on(&minimal, cr3_code, sizeof(cr3_code));
	v = V();
	ck_assert_uint_eq(v->vpid, 0);
	ck_assert_uint_eq(*(uint32_t *)plat_phys_to_virt(v->vmcs_pa), 1);
	v->gprs.gpr[0] = 0x9000;
	run_expect(HV_EXIT_HLT);
	ck_assert_uint_eq(v->internal_exits, 2); /* both CR3 accesses done by the backend */
	ck_assert_uint_eq(v->sregs.cr3, 0x9000);
	ck_assert_uint_eq(v->gprs.gpr[0], 0x9000);
	ck_assert_uint_eq(field(VMCS_GUEST_CR3), 0x9000);
	ck_assert(field(VMCS_PROC_CTLS) & PROC_CR3_LOAD);
	ck_assert_uint_eq(field(VMCS_PROC_CTLS2), PROC2_EPT | PROC2_UNRESTRICTED);
	ck_assert_uint_eq(field(VMCS_GUEST_PAT), 0); /* no PAT switching on this CPU */
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.invvpids, 0);
	ck_assert_uint_ge(st.invepts, 1);
	ck_assert_uint_eq(st.entry_failures + st.vmfails, 0);
	teardown_vcpu();
	return 0;
}

START_TEST(test_minimal)
{
	boot_kernel_and_run(body_minimal, 1);
}
END_TEST

/* ---- the vCPU thread moving between CPUs ---- */

static int body_migration(void)
{
	struct hosted_vmx_sim_stats st;
	struct vmx_vcpu *v;

	setup_vcpu(spin_code, sizeof(spin_code));
	v = V();
	thread_set_affinity(0);
	run_expect(HV_EXIT_EXTERNAL_INTR);
	ck_assert_int_eq(v->loaded_cpu, 0);
	thread_set_affinity(1);
	run_expect(HV_EXIT_EXTERNAL_INTR);
	/* Cleared on CPU 0, loaded and launched again on CPU 1, with its
	 * host state and a TLB flush there. */
	ck_assert_int_eq(v->loaded_cpu, 1);
	ck_assert_uint_eq(field(VMCS_HOST_TR_BASE), 0xffff800000201000ull);
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.vmxons, 2);
	ck_assert_uint_eq(st.launches, 2);
	ck_assert_uint_eq(st.vmclears, 2); /* the first load and the move */
	ck_assert_uint_eq(st.invepts, 2);
	ck_assert_uint_eq(st.vmfails, 0);
	run_expect(HV_EXIT_EXTERNAL_INTR);
	hosted_vmx_sim_stats(&st);
	ck_assert_uint_eq(st.resumes, 1);
	thread_set_affinity(CPU_ANY);
	teardown_vcpu(); /* clears it on CPU 1; checks nothing was active elsewhere */
	return 0;
}

START_TEST(test_migration)
{
	boot_kernel_and_run(body_migration, 2);
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

/* cpuid; mov 0xd0000000,%eax (emulated by hv/ from the EPT violation); out %al,$0xf4 */
static const uint8_t vm_code[] = {0x0f, 0xa2, 0xa1, 0x00, 0x00, 0x00, 0xd0, 0xe6, 0xf4};

static int body_whole_vm(void)
{
	struct hv_vm_config cfg = {"vmx", 1, 16ull << 20, &hv_backend_vmx};
	struct hv_vm_stop_info info;
	struct hv_vm_stats st;
	struct hv_regs r;
	struct hv_sregs s;
	struct hv_vm *vm;
	int err = 1;

	sim_on(&skylake);
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
	ck_assert_int_eq(info.code, 0x5a);
	hv_vm_get_stats(vm, &st);
	ck_assert_uint_eq(st.exits[HV_EXIT_NPF], 1);
	ck_assert_uint_eq(st.exits[HV_EXIT_CPUID], 1);
	ck_assert_uint_eq(st.exits[HV_EXIT_IO], 1);
	hv_vm_destroy(vm);
	hosted_vmx_sim_set(NULL);
	return 0;
}

START_TEST(test_whole_vm)
{
	boot_kernel_and_run(body_whole_vm, 2);
}
END_TEST

UNIT_SUITE(hv_vmx_suite)
Suite *hv_vmx_suite(void)
{
	Suite *s = suite_create("hv_vmx");
	TCase *tc = tcase_create("vmx");

	tcase_set_timeout(tc, 60);
	tcase_add_exit_test(tc, test_caps, 0);
	tcase_add_exit_test(tc, test_vmcs_setup, 0);
	tcase_add_exit_test(tc, test_state, 0);
	tcase_add_exit_test(tc, test_ept, 0);
	tcase_add_exit_test(tc, test_ept_from_gmem, 0);
	tcase_add_exit_test(tc, test_exits, 0);
	tcase_add_exit_test(tc, test_events, 0);
	tcase_add_exit_test(tc, test_minimal, 0);
	tcase_add_exit_test(tc, test_migration, 0);
	tcase_add_exit_test(tc, test_whole_vm, 0);
	suite_add_tcase(s, tc);
	return s;
}
