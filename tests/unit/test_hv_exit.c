/* Check unit tests of exit dispatch through the simulated backend: port
 * I/O completion, MMIO emulation from a nested page fault (a real
 * instruction fetched through real guest page tables), the CPUID and MSR
 * policies, hypercalls, HLT woken by an interrupt and NMIs (not masked by
 * IF). Scripts record what
 * they see; the test body checks it once the VM stopped. */
#include <hv/hypercall.h>
#include <hv/vm.h>
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/sched.h>
#include <string.h>

#include "boot.h"
#include "unit.h"

#define US 1000ull
#define MS 1000000ull
#define IF (1ull << 9)

typedef void (*step_fn)(unsigned step, unsigned vcpu, struct hv_regs *r, struct hv_sregs *s, struct hv_run *run);

static step_fn scenario;
static volatile unsigned steps[HV_MAX_VCPUS];
static struct hv_regs seen[HV_MAX_VCPUS][16];    /* registers at each step */
static struct hv_run seen_run[HV_MAX_VCPUS][16]; /* run inputs at each step */

static int step_next(void *ctx, unsigned vcpu, struct hv_regs *r, struct hv_sregs *s, struct hv_run *run)
{
	unsigned step = steps[vcpu];

	(void)ctx;
	if (step < 16) {
		seen[vcpu][step] = *r;
		seen_run[vcpu][step] = *run;
	}
	atomic_store_release(&steps[vcpu], step + 1);
	run->exit.reason = HV_EXIT_SHUTDOWN; /* unless the scenario says otherwise */
	scenario(step, vcpu, r, s, run);
	return 0;
}

static struct hv_vm *make_vm(unsigned ncpus, step_fn fn)
{
	static const struct hv_sim_script script = {step_next, NULL};
	struct hv_vm_config cfg = {"exit", ncpus, 64ull << 20, &hv_backend_sim};
	struct hv_vm *vm;
	int err = 1;

	scenario = fn;
	hv_backend_sim_set_script(&script);
	vm = hv_vm_create(&cfg, &err);
	ck_assert_int_eq(err, 0);
	return vm;
}

static void run_to_stop(struct hv_vm *vm, enum hv_stop_reason want)
{
	struct hv_vm_stop_info info;

	ck_assert_int_eq(hv_vm_start(vm), 0);
	ck_assert_int_eq(hv_vm_wait(vm, 5000 * MS), 0);
	hv_vm_get_stop_info(vm, &info);
	ck_assert_msg(info.reason == want, "stop reason %d (%s), want %d", info.reason, info.message, want);
}

/* ---- port I/O ---- */

static uint32_t port_written;
static unsigned port_write_size;

static uint64_t port_read(void *d, unsigned cpu, uint64_t off, unsigned size)
{
	(void)d, (void)cpu, (void)size;
	return 0xa5a5a5a5u + off;
}

static void port_write(void *d, unsigned cpu, uint64_t off, unsigned size, uint64_t v)
{
	(void)d, (void)cpu, (void)off;
	port_written = (uint32_t)v;
	port_write_size = size;
}

static const struct hv_bus_ops port_ops = {port_read, port_write};

static void io_steps(unsigned step, unsigned vcpu, struct hv_regs *r, struct hv_sregs *s, struct hv_run *run)
{
	struct hv_exit *e = &run->exit;

	(void)vcpu, (void)s;
	e->reason = HV_EXIT_IO;
	e->insn_len = 2;
	switch (step) {
	case 0:
		r->gpr[0] = 0x1122334455667788ull;
		e->u.io = (typeof(e->u.io)){.port = 0x60, .size = 1, .in = true};
		break;
	case 1: e->u.io = (typeof(e->u.io)){.port = 0x61, .size = 2, .in = true}; break;
	case 2: e->u.io = (typeof(e->u.io)){.port = 0x60, .size = 4, .in = true}; break;
	case 3: e->u.io = (typeof(e->u.io)){.port = 0x62, .size = 2, .data = 0xbeef}; break;
	case 4:
		e->u.io = (typeof(e->u.io)){.port = 0x99, .size = 1, .in = true}; /* nobody there */
		break;
	default: e->reason = HV_EXIT_SHUTDOWN;
	}
}

static int body_io_completion(void)
{
	struct hv_vm *vm = make_vm(1, io_steps);

	ck_assert_int_eq(hv_bus_add(hv_vm_pio_bus(vm), 0x60, 4, &port_ops, NULL, "port"), 0);
	run_to_stop(vm, HV_STOP_TRIPLE_FAULT);
	ck_assert_uint_eq(seen[0][1].gpr[0], 0x11223344556677a5ull); /* al only */
	ck_assert_uint_eq(seen[0][1].rip, 0xfff0 + 2);
	ck_assert_uint_eq(seen[0][2].gpr[0], 0x112233445566a5a6ull); /* ax */
	ck_assert_uint_eq(seen[0][3].gpr[0], 0xa5a5a5a5ull);         /* eax zero-extends */
	ck_assert_uint_eq(port_written, 0xbeef);
	ck_assert_uint_eq(port_write_size, 2);
	ck_assert_uint_eq(seen[0][5].gpr[0] & 0xff, 0xff); /* unclaimed port */
	ck_assert_uint_eq(seen[0][5].rip, 0xfff0 + 10);
	hv_vm_destroy(vm);
	return 0;
}

START_TEST(test_io_completion)
{
	boot_kernel_and_run(body_io_completion, 2);
}
END_TEST

/* ---- MMIO through an NPF, the decoder and the emulator ---- */

#define MMIO_GPA 0xd0000000ull
#define CODE_GPA 0x5000ull
#define CODE_LIN 0x200000ull
#define MMIO_LIN 0x201000ull
#define PTE_P    1ull
#define PTE_W    2ull

static uint64_t mmio_reg[4];
static unsigned mmio_last_size;

static uint64_t mmio_read(void *d, unsigned cpu, uint64_t off, unsigned size)
{
	(void)d, (void)cpu;
	mmio_last_size = size;
	return off == 8 ? 0x12345678 : mmio_reg[(off / 8) % 4];
}

static void mmio_write(void *d, unsigned cpu, uint64_t off, unsigned size, uint64_t v)
{
	(void)d, (void)cpu;
	mmio_last_size = size;
	mmio_reg[(off / 8) % 4] = v | (uint64_t)(off % 8) << 56;
}

static const struct hv_bus_ops mmio_ops = {mmio_read, mmio_write};

static void npf(struct hv_run *run, uint64_t gpa, bool write)
{
	run->exit.reason = HV_EXIT_NPF;
	run->exit.u.npf.gpa = gpa;
	run->exit.u.npf.write = write;
	run->exit.u.npf.read = !write;
}

static void mmio_steps(unsigned step, unsigned vcpu, struct hv_regs *r, struct hv_sregs *s, struct hv_run *run)
{
	(void)vcpu;
	switch (step) {
	case 0:
		/* Long mode, paging through the tables the body wrote. */
		s->cr0 = 0x80010011; /* PG, WP, ET, PE */
		s->cr3 = 0x10000;
		s->cr4 = 0x20;   /* PAE */
		s->efer = 0x500; /* LME, LMA */
		s->cs.l = 1;
		s->cs.db = 0;
		s->cs.base = 0;
		r->rip = CODE_LIN;
		r->gpr[0] = 0xcafebabe;
		r->gpr[3] = MMIO_LIN;         /* rbx */
		npf(run, MMIO_GPA + 4, true); /* mov [rbx+4], eax */
		break;
	case 1:
		npf(run, MMIO_GPA + 8, false); /* mov ecx, [rbx+8] */
		break;
	case 2:
		npf(run, MMIO_GPA + 16, true); /* mov qword [rbx+16], 0x7f (imm32) */
		break;
	case 3:
		/* Fetching from where nothing is: no instruction to emulate. */
		npf(run, 0x40000000, false);
		run->exit.u.npf.exec = true;
		break;
	}
}

static void write_pte(struct gmem *m, uint64_t table, unsigned idx, uint64_t val)
{
	ck_assert_int_eq(gmem_write(m, table + idx * 8, &val, 8), 0);
}

static int body_mmio_emulated_from_npf(void)
{
	static const uint8_t code[] = {
	    0x89, 0x43, 0x04,                               /* mov [rbx+4], eax */
	    0x8b, 0x4b, 0x08,                               /* mov ecx, [rbx+8] */
	    0x48, 0xc7, 0x43, 0x10, 0x7f, 0x00, 0x00, 0x00, /* mov qword [rbx+16], 0x7f */
	};
	struct hv_vm *vm = make_vm(1, mmio_steps);
	struct gmem *m = hv_vm_gmem(vm);
	struct hv_vm_stop_info info;

	ck_assert_int_eq(hv_vm_add_memory(vm, 0, 2 << 20, GMEM_RAM, "ram"), 0);
	ck_assert_int_eq(hv_vm_add_memory(vm, MMIO_GPA, 0x1000, GMEM_MMIO, "dev"), 0);
	ck_assert_int_eq(hv_bus_add(hv_vm_mmio_bus(vm), MMIO_GPA, 0x1000, &mmio_ops, NULL, "dev"), 0);
	write_pte(m, 0x10000, 0, 0x11000 | PTE_P | PTE_W); /* PML4[0] */
	write_pte(m, 0x11000, 0, 0x12000 | PTE_P | PTE_W); /* PDPT[0] */
	write_pte(m, 0x12000, 1, 0x13000 | PTE_P | PTE_W); /* PD[1]: 2-4 MiB */
	write_pte(m, 0x13000, 0, CODE_GPA | PTE_P);        /* code, read-only */
	write_pte(m, 0x13000, 1, MMIO_GPA | PTE_P | PTE_W);
	ck_assert_int_eq(gmem_write(m, CODE_GPA, code, sizeof(code)), 0);

	run_to_stop(vm, HV_STOP_ERROR);
	ck_assert_uint_eq(mmio_reg[0], 0xcafebabeull | 4ull << 56); /* offset 4, 4 bytes */
	ck_assert_uint_eq(seen[0][1].rip, CODE_LIN + 3);
	ck_assert_uint_eq(seen[0][2].gpr[1], 0x12345678); /* ecx */
	ck_assert_uint_eq(seen[0][2].rip, CODE_LIN + 6);
	ck_assert_uint_eq(mmio_reg[2], 0x7f);
	ck_assert_uint_eq(mmio_last_size, 8);
	ck_assert_uint_eq(seen[0][3].rip, CODE_LIN + 14);
	hv_vm_get_stop_info(vm, &info);
	ck_assert_ptr_nonnull(strstr(info.message, "unbacked"));
	ck_assert_int_eq(info.code, -EFAULT);
	hv_vm_destroy(vm);
	return 0;
}

START_TEST(test_mmio_emulated_from_npf)
{
	boot_kernel_and_run(body_mmio_emulated_from_npf, 2);
}
END_TEST

/* ---- CPUID ---- */

static const uint32_t cpuid_q[][2] = {{0, 0}, {1, 0}, {0x40000000, 0}, {0xb, 1}, {0x80000001, 0}, {0x12345, 0}};

static void cpuid_steps(unsigned step, unsigned vcpu, struct hv_regs *r, struct hv_sregs *s, struct hv_run *run)
{
	(void)r, (void)s;
	if (step >= ARRAY_SIZE(cpuid_q)) {
		/* vCPU 1 halts for good; vCPU 0 ends the VM once it got there. */
		if (vcpu == 1)
			run->exit.reason = HV_EXIT_HLT;
		else if (steps[1] <= ARRAY_SIZE(cpuid_q))
			run->exit.reason = HV_EXIT_CANCELLED;
		return;
	}
	run->exit.reason = HV_EXIT_CPUID;
	run->exit.insn_len = 2;
	run->exit.u.cpuid.leaf = cpuid_q[step][0];
	run->exit.u.cpuid.subleaf = cpuid_q[step][1];
}

static int body_cpuid_policy(void)
{
	struct hv_vm *vm = make_vm(2, cpuid_steps);
	char vendor[13] = {0}, sig[13] = {0};

	run_to_stop(vm, HV_STOP_TRIPLE_FAULT);
	for (unsigned c = 0; c < 2; c++) {
		struct hv_regs *l0 = &seen[c][1], *l1 = &seen[c][2], *hv = &seen[c][3], *topo = &seen[c][4];
		struct hv_regs *ext = &seen[c][5], *none = &seen[c][6];

		memcpy(vendor, &l0->gpr[3], 4); /* ebx edx ecx */
		memcpy(vendor + 4, &l0->gpr[2], 4);
		memcpy(vendor + 8, &l0->gpr[1], 4);
		ck_assert_str_eq(vendor, "GenuineIntel");
		ck_assert_uint_ge(l0->gpr[0], 0xb);
		ck_assert_uint_eq((l1->gpr[0] >> 8) & 0xf, 6); /* family */
		ck_assert_uint_eq(l1->gpr[3] >> 24, c);        /* initial APIC ID */
		ck_assert(l1->gpr[1] & (1u << 31));            /* hypervisor */
		ck_assert(!(l1->gpr[1] & (1u << 5)));          /* no VMX */
		ck_assert(!(l1->gpr[1] & (1u << 21)));         /* no x2APIC */
		ck_assert(l1->gpr[2] & (1u << 28));            /* HTT with 2 CPUs */
		memcpy(sig, &hv->gpr[3], 4);
		memcpy(sig + 4, &hv->gpr[1], 4);
		memcpy(sig + 8, &hv->gpr[2], 4);
		ck_assert_str_eq(sig, "MACROHARDHV");
		ck_assert_uint_eq(sig[11], 0);
		ck_assert_uint_eq(topo->gpr[3] & 0xffff, 2); /* ebx: CPUs at the core level */
		ck_assert_uint_eq(topo->gpr[2], c);          /* edx: x2APIC ID */
		ck_assert(ext->gpr[2] & (1u << 29));         /* long mode */
		ck_assert(!(ext->gpr[1] & (1u << 2)));       /* no SVM */
		ck_assert_uint_eq(none->gpr[0] | none->gpr[1] | none->gpr[2] | none->gpr[3], 0);
		ck_assert_uint_eq(none->rip, 0xfff0 + 2 * ARRAY_SIZE(cpuid_q));
	}
	hv_vm_destroy(vm);
	return 0;
}

START_TEST(test_cpuid_policy)
{
	boot_kernel_and_run(body_cpuid_policy, 2);
}
END_TEST

/* ---- MSRs ---- */

static void msr_steps(unsigned step, unsigned vcpu, struct hv_regs *r, struct hv_sregs *s, struct hv_run *run)
{
	(void)r, (void)s, (void)vcpu;
	run->exit.insn_len = 2;
	switch (step) {
	case 0:
		run->exit.reason = HV_EXIT_MSR_READ;
		run->exit.u.msr.index = 0x12345; /* unknown */
		break;
	case 1:
		run->exit.reason = HV_EXIT_MSR_WRITE;
		run->exit.u.msr.index = 0x277; /* PAT */
		run->exit.u.msr.value = 0x0006060606060606ull;
		break;
	case 2:
		run->exit.reason = HV_EXIT_MSR_READ;
		run->exit.u.msr.index = 0x277;
		break;
	case 3:
		run->exit.reason = HV_EXIT_MSR_WRITE;
		run->exit.u.msr.index = 0x277;
		run->exit.u.msr.value = 0x0202020202020202ull; /* type 2 is reserved */
		break;
	case 4:
		run->exit.reason = HV_EXIT_MSR_WRITE;
		run->exit.u.msr.index = 0xc0000080; /* EFER: NXE | SCE */
		run->exit.u.msr.value = 0x801;
		break;
	case 5:
		run->exit.reason = HV_EXIT_MSR_READ;
		run->exit.u.msr.index = 0xc0000080;
		break;
	}
}

static int body_msr_policy(void)
{
	struct hv_vm *vm = make_vm(1, msr_steps);
	struct hv_sregs s;

	run_to_stop(vm, HV_STOP_TRIPLE_FAULT);
	/* Unknown MSR: #GP(0), the instruction is not skipped. */
	ck_assert_int_eq(seen_run[0][1].exception_vector, 13);
	ck_assert(seen_run[0][1].exception_has_error);
	ck_assert_uint_eq(seen_run[0][1].exception_error, 0);
	ck_assert_uint_eq(seen[0][1].rip, 0xfff0);
	ck_assert_int_eq(seen_run[0][2].exception_vector, -1);
	ck_assert_uint_eq(seen[0][2].rip, 0xfff0 + 2);
	ck_assert_uint_eq(seen[0][3].gpr[0], 0x06060606); /* eax */
	ck_assert_uint_eq(seen[0][3].gpr[2], 0x00060606); /* edx */
	ck_assert_int_eq(seen_run[0][4].exception_vector, 13);
	ck_assert_uint_eq(seen[0][6].gpr[0], 0x801);
	ck_assert_int_eq(hv_vm_get_vcpu_regs(vm, 0, NULL, &s), 0);
	ck_assert_uint_eq(s.efer, 0x801);
	hv_vm_destroy(vm);
	return 0;
}

START_TEST(test_msr_policy)
{
	boot_kernel_and_run(body_msr_policy, 2);
}
END_TEST

/* ---- hypercalls ---- */

static char console_out[64];
static size_t console_len;

static void console_write(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	if (console_len + len <= sizeof(console_out)) {
		memcpy(console_out + console_len, buf, len);
		console_len += len;
	}
}

static void hypercall(struct hv_regs *r, struct hv_run *run, uint64_t nr, uint64_t a1, uint64_t a2)
{
	run->exit.reason = HV_EXIT_HYPERCALL;
	run->exit.insn_len = 3;
	r->gpr[0] = nr;
	r->gpr[7] = a1;
	r->gpr[6] = a2;
}

static void hc_steps(unsigned step, unsigned vcpu, struct hv_regs *r, struct hv_sregs *s, struct hv_run *run)
{
	(void)vcpu;
	switch (step) {
	case 0:
		hv_sregs_flat32(s); /* paging off: linear = physical */
		hypercall(r, run, HV_HC_VERSION, 0, 0);
		break;
	case 1: hypercall(r, run, HV_HC_NOP, 0, 0); break;
	case 2: hypercall(r, run, HV_HC_CONSOLE_WRITE, 0x1000, 5); break;
	case 3:
		hypercall(r, run, HV_HC_CONSOLE_WRITE, (2 << 20) - 2, 5); /* runs off RAM */
		break;
	case 4: hypercall(r, run, 999, 0, 0); break;
	case 5: hypercall(r, run, HV_HC_EXIT, 7, 0); break;
	case 6:
		run->exit.reason = HV_EXIT_IO; /* must not be reached */
		break;
	}
}

static int body_hypercalls(void)
{
	static const struct hv_chr_backend console = {console_write, NULL};
	struct hv_vm *vm = make_vm(1, hc_steps);
	struct hv_vm_stop_info info;

	ck_assert_int_eq(hv_vm_add_memory(vm, 0, 2 << 20, GMEM_RAM, "ram"), 0);
	ck_assert_int_eq(gmem_write(hv_vm_gmem(vm), 0x1000, "hello", 5), 0);
	ck_assert_int_eq(hv_vm_set_console(vm, &console), 0);
	run_to_stop(vm, HV_STOP_POWEROFF);
	ck_assert_uint_eq(seen[0][1].gpr[0], HV_HYPERCALL_VERSION);
	ck_assert_uint_eq(seen[0][1].rip, 0xfff0 + 3);
	ck_assert_uint_eq(seen[0][2].gpr[0], 0);
	ck_assert_uint_eq(seen[0][3].gpr[0], 5);
	ck_assert_uint_eq(console_len, 5);
	ck_assert_mem_eq(console_out, "hello", 5);
	ck_assert_int_eq((int64_t)seen[0][4].gpr[0], -EFAULT);
	ck_assert_int_eq((int64_t)seen[0][5].gpr[0], -ENOSYS);
	ck_assert_uint_eq(steps[0], 6);
	hv_vm_get_stop_info(vm, &info);
	ck_assert_int_eq(info.code, 7);
	hv_vm_destroy(vm);
	return 0;
}

START_TEST(test_hypercalls)
{
	boot_kernel_and_run(body_hypercalls, 2);
}
END_TEST

/* ---- HLT and interrupts ---- */

static volatile bool irq_raised;
static volatile int acked = -1;

static int fake_pending(void *ctx, unsigned cpu)
{
	(void)ctx, (void)cpu;
	return irq_raised ? 0x30 : -1;
}

static void fake_ack(void *ctx, unsigned cpu, int vector)
{
	(void)ctx, (void)cpu;
	acked = vector;
	irq_raised = false;
}

static void hlt_steps(unsigned step, unsigned vcpu, struct hv_regs *r, struct hv_sregs *s, struct hv_run *run)
{
	(void)vcpu, (void)s;
	switch (step) {
	case 0:
		r->rflags &= ~IF; /* an interrupt arrives while masked */
		run->exit.reason = HV_EXIT_IO;
		run->exit.u.io = (typeof(run->exit.u.io)){.port = 0x80, .size = 1};
		irq_raised = true;
		break;
	case 1: /* the core asked for a window instead of injecting */
		r->rflags |= IF;
		run->exit.reason = HV_EXIT_INTR_WINDOW;
		break;
	case 2: /* injected now; then halt with IF set */
		run->exit.reason = HV_EXIT_HLT;
		run->exit.insn_len = 1;
		break;
	}
}

static int body_hlt_woken_by_interrupt(void)
{
	static const struct hv_vm_intr_source src = {fake_pending, fake_ack, NULL, NULL, NULL};
	struct hv_vm *vm = make_vm(1, hlt_steps);
	struct hv_vm_stats st;

	ck_assert_int_eq(hv_vm_set_intr_source(vm, &src), 0);
	ck_assert_int_eq(hv_vm_start(vm), 0);
	while (steps[0] < 3)
		thread_sleep_ns(100 * US);
	thread_sleep_ns(20 * MS);
	ck_assert_uint_eq(steps[0], 3); /* halted: no more runs */
	ck_assert(seen_run[0][1].request_intr_window);
	ck_assert_int_eq(seen_run[0][1].inject_vector, -1);
	ck_assert_int_eq(seen_run[0][2].inject_vector, 0x30);
	ck_assert_int_eq(acked, 0x30);

	hv_vm_lock_devices(vm);
	irq_raised = true;
	hv_vm_unlock_devices(vm);
	hv_vm_kick_vcpu(vm, 0);
	ck_assert_int_eq(hv_vm_wait(vm, 5000 * MS), 0); /* step 3 is the default shutdown */
	ck_assert_uint_eq(steps[0], 4);
	ck_assert_int_eq(seen_run[0][3].inject_vector, 0x30);
	ck_assert_uint_eq(seen[0][3].rip, 0xfff0 + 1); /* past the hlt */
	hv_vm_get_stats(vm, &st);
	ck_assert_uint_eq(st.injected_irqs, 2);
	ck_assert_uint_eq(st.exits[HV_EXIT_HLT], 1);
	ck_assert_uint_eq(st.exits[HV_EXIT_INTR_WINDOW], 1);
	hv_vm_destroy(vm);
	return 0;
}

START_TEST(test_hlt_woken_by_interrupt)
{
	boot_kernel_and_run(body_hlt_woken_by_interrupt, 2);
}
END_TEST

/* ---- NMIs ---- */

static volatile bool nmi_raised, irq_too;
static volatile unsigned nmi_acks;

static int nmi_pending(void *ctx, unsigned cpu)
{
	(void)ctx, (void)cpu;
	return nmi_raised ? 256 /* HV_INTC_NMI */ : irq_too ? 0x31 : -1;
}

static void nmi_ack(void *ctx, unsigned cpu, int vector)
{
	(void)ctx, (void)cpu;
	if (vector == 256) {
		nmi_raised = false;
		nmi_acks++;
	} else {
		irq_too = false;
	}
}

static void nmi_steps(unsigned step, unsigned vcpu, struct hv_regs *r, struct hv_sregs *s, struct hv_run *run)
{
	(void)vcpu, (void)s;
	switch (step) {
	case 0: /* an NMI and an interrupt arrive while IF is clear */
		r->rflags &= ~IF;
		run->exit.reason = HV_EXIT_IO;
		run->exit.u.io = (typeof(run->exit.u.io)){.port = 0x80, .size = 1};
		nmi_raised = irq_too = true;
		break;
	case 1: /* the NMI went in despite IF; then cli; hlt */
		run->exit.reason = HV_EXIT_HLT;
		run->exit.insn_len = 1;
		break;
	}
}

static int body_nmi_not_masked_by_if(void)
{
	static const struct hv_vm_intr_source src = {nmi_pending, nmi_ack, NULL, NULL, NULL};
	struct hv_vm *vm = make_vm(1, nmi_steps);
	struct hv_vm_stats st;

	ck_assert_int_eq(hv_vm_set_intr_source(vm, &src), 0);
	ck_assert_int_eq(hv_vm_start(vm), 0);
	while (steps[0] < 2)
		thread_sleep_ns(100 * US);
	thread_sleep_ns(20 * MS);
	ck_assert_uint_eq(steps[0], 2); /* halted with IF clear: no more runs */
	ck_assert(!seen_run[0][0].inject_nmi);
	ck_assert(seen_run[0][1].inject_nmi);
	ck_assert_int_eq(seen_run[0][1].inject_vector, -1); /* the interrupt waits for IF */
	ck_assert(seen_run[0][1].request_intr_window);
	ck_assert_uint_eq(nmi_acks, 1);

	/* An NMI ends HLT even with IF clear (the interrupt does not). */
	hv_vm_lock_devices(vm);
	nmi_raised = true;
	hv_vm_unlock_devices(vm);
	hv_vm_kick_vcpu(vm, 0);
	ck_assert_int_eq(hv_vm_wait(vm, 5000 * MS), 0); /* step 2 is the default shutdown */
	ck_assert_uint_eq(steps[0], 3);
	ck_assert(seen_run[0][2].inject_nmi);
	ck_assert_int_eq(seen_run[0][2].inject_vector, -1);
	ck_assert_uint_eq(seen[0][2].rip, 0xfff0 + 1); /* past the hlt */
	hv_vm_get_stats(vm, &st);
	ck_assert_uint_eq(st.injected_nmis, 2);
	ck_assert_uint_eq(st.injected_irqs, 0);
	ck_assert_uint_eq(nmi_acks, 2);
	hv_vm_destroy(vm);
	return 0;
}

START_TEST(test_nmi_not_masked_by_if)
{
	boot_kernel_and_run(body_nmi_not_masked_by_if, 2);
}
END_TEST

UNIT_SUITE(hv_exit_suite)
Suite *hv_exit_suite(void)
{
	Suite *s = suite_create("hv_exit");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_exit_test(tc, test_io_completion, 0);
	tcase_add_exit_test(tc, test_mmio_emulated_from_npf, 0);
	tcase_add_exit_test(tc, test_cpuid_policy, 0);
	tcase_add_exit_test(tc, test_msr_policy, 0);
	tcase_add_exit_test(tc, test_hypercalls, 0);
	tcase_add_exit_test(tc, test_hlt_woken_by_interrupt, 0);
	tcase_add_exit_test(tc, test_nmi_not_masked_by_if, 0);
	suite_add_tcase(s, tc);
	return s;
}
