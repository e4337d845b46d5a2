/* The hardware virtualization backend alone (KVM when hosted), below the VM
 * layer: a 32-bit snippet does port I/O (plain and rep string), MMIO, an
 * MSR hv/ must answer, CPUID from the policy table and hlt; the test plays
 * hv/'s part exit by exit and checks what the guest stored and the dirty
 * log. Then kicks:
 * one before the run, one from another thread while the guest spins. */
#include <hv/backend.h>
#include <kern/ktest.h>
#include <kern/mm.h>
#include <kern/sched.h>
#include <kern/string.h>
#include <plat/mem.h>
#include <plat/virt.h>

#define RAM_ORDER  4 /* 64 KiB of guest RAM at gpa 0 */
#define CODE_GPA   0x1000
#define MMIO_GPA   0xd0000000ull
#define TEST_MSR   0x4b564d99
#define CPUID0_EBX 0x6472484d /* "MHrd" */

/* tests/guests would be overkill here: see test_hv_kvm.S-like listing
 *   mov $0x1234abcd,%eax; out %eax,$0x10; in $0x11,%al; mov %al,0x3000
 *   mov $0x2000,%esi; mov $4,%ecx; mov $0x12,%dx; rep outsb
 *   mov $0x2100,%edi; mov $3,%ecx; mov $0x13,%dx; rep insw
 *   mov 0xd0000000,%eax; mov %eax,0x3004; movl $0xcafef00d,0xd0000008
 *   mov $0x4b564d99,%ecx; rdmsr; mov %eax,0x3008
 *   xor %eax,%eax; cpuid; mov %ebx,0x300c; hlt
 *   mov $0x77,%al; out %al,$0x14; 1: jmp 1b */
static const uint8_t snippet[] = {
    0xb8, 0xcd, 0xab, 0x34, 0x12, 0xe7, 0x10, 0xe4, 0x11, 0xa2, 0x00, 0x30, 0x00, 0x00, 0xbe, 0x00,
    0x20, 0x00, 0x00, 0xb9, 0x04, 0x00, 0x00, 0x00, 0x66, 0xba, 0x12, 0x00, 0xf3, 0x6e, 0xbf, 0x00,
    0x21, 0x00, 0x00, 0xb9, 0x03, 0x00, 0x00, 0x00, 0x66, 0xba, 0x13, 0x00, 0x66, 0xf3, 0x6d, 0xa1,
    0x00, 0x00, 0x00, 0xd0, 0xa3, 0x04, 0x30, 0x00, 0x00, 0xc7, 0x05, 0x08, 0x00, 0x00, 0xd0, 0x0d,
    0xf0, 0xfe, 0xca, 0xb9, 0x99, 0x4d, 0x56, 0x4b, 0x0f, 0x32, 0xa3, 0x08, 0x30, 0x00, 0x00, 0x31,
    0xc0, 0x0f, 0xa2, 0x89, 0x1d, 0x0c, 0x30, 0x00, 0x00, 0xf4, 0xb0, 0x77, 0xe6, 0x14, 0xeb, 0xfe,
};

static struct hv_segment flat(uint16_t sel, uint8_t type)
{
	return (struct hv_segment){
	    .limit = 0xffffffff, .selector = sel, .type = type, .present = 1, .db = 1, .s = 1, .g = 1};
}

struct kicker {
	const struct hv_backend *be;
	void *vcpu;
	volatile bool done;
};

static void kicker_main(void *arg)
{
	struct kicker *k = arg;

	thread_sleep_ns(20000000);
	k->be->kick(k->vcpu);
	k->done = true;
}

/* Runs once and checks the exit is `reason`; *hr keeps the record. */
#define RUN_EXPECT(hr, want)                                                                                           \
	do {                                                                                                           \
		int _e = be->run(vcpu, (hr));                                                                          \
		if (_e || (hr)->exit.reason != (want)) {                                                               \
			ktest_fail(kt, __FILE__, __LINE__, "run: err %d exit %s (hw %#llx) at rip %#llx, want %s", _e, \
			           hv_exit_reason_name((hr)->exit.reason), (unsigned long long)(hr)->exit.hw_code,     \
			           (unsigned long long)(hr)->exit.rip, hv_exit_reason_name(want));                     \
			goto out;                                                                                      \
		}                                                                                                      \
		(hr)->complete = true;                                                                                 \
		(hr)->inject_vector = -1;                                                                              \
		(hr)->exception_vector = -1;                                                                           \
	} while (0)

static void check_snippet(struct ktest_ctx *kt, const struct hv_backend *be, void *vm, void *vcpu, uint8_t *ram)
{
	struct hv_run hr = {.inject_vector = -1, .exception_vector = -1};
	struct kicker k = {be, vcpu, false};
	struct thread *t;
	uint32_t v;

	RUN_EXPECT(&hr, HV_EXIT_IO);
	KT_ASSERT(!hr.exit.u.io.in && hr.exit.u.io.port == 0x10 && hr.exit.u.io.size == 4);
	KT_ASSERT_EQ(hr.exit.u.io.data, 0x1234abcd);
	RUN_EXPECT(&hr, HV_EXIT_IO);
	KT_ASSERT(hr.exit.u.io.in && hr.exit.u.io.port == 0x11 && hr.exit.u.io.size == 1);
	hr.exit.u.io.data = 0x5a;
	for (unsigned i = 0; i < 4; i++) {
		RUN_EXPECT(&hr, HV_EXIT_IO);
		/* KVM may batch the elements or not: only the values count. */
		KT_ASSERT(!hr.exit.u.io.in && hr.exit.u.io.port == 0x12 && hr.exit.u.io.size == 1);
		KT_ASSERT_EQ(hr.exit.u.io.data, (uint32_t) "abcd"[i]);
	}
	for (unsigned i = 0; i < 3; i++) {
		RUN_EXPECT(&hr, HV_EXIT_IO);
		KT_ASSERT(hr.exit.u.io.in && hr.exit.u.io.port == 0x13 && hr.exit.u.io.size == 2);
		hr.exit.u.io.data = 0x1000 + i;
	}
	RUN_EXPECT(&hr, HV_EXIT_MMIO);
	KT_ASSERT(!hr.exit.u.mmio.write && hr.exit.u.mmio.gpa == MMIO_GPA && hr.exit.u.mmio.size == 4);
	hr.exit.u.mmio.data = 0xfeedbeef;
	RUN_EXPECT(&hr, HV_EXIT_MMIO);
	KT_ASSERT(hr.exit.u.mmio.write && hr.exit.u.mmio.gpa == MMIO_GPA + 8 && hr.exit.u.mmio.size == 4);
	KT_ASSERT_EQ(hr.exit.u.mmio.data, 0xcafef00d);
	RUN_EXPECT(&hr, HV_EXIT_MSR_READ);
	KT_ASSERT_EQ(hr.exit.u.msr.index, TEST_MSR);
	hr.exit.u.msr.value = 0x1122334455667788ull;
	RUN_EXPECT(&hr, HV_EXIT_HLT);
	KT_ASSERT_EQ(ram[0x3000], 0x5a);
	memcpy(&v, ram + 0x2100, 4);
	KT_ASSERT_EQ(v, 0x10011000);
	KT_ASSERT_EQ(ram[0x2104] | ram[0x2105] << 8, 0x1002);
	memcpy(&v, ram + 0x3004, 4);
	KT_ASSERT_EQ(v, 0xfeedbeef);
	memcpy(&v, ram + 0x3008, 4);
	KT_ASSERT_EQ(v, 0x55667788);
	memcpy(&v, ram + 0x300c, 4);
	KT_ASSERT_EQ(v, CPUID0_EBX);

	/* The dirty log: the pages the guest wrote (0x2000: rep insw, 0x3000:
	 * its stores), not the code page it only read; a second look is clean. */
	if (be->dirty_log) {
		uint64_t bits = 0;
		KT_ASSERT_EQ(be->dirty_log(vm, 0, 4096u << RAM_ORDER, &bits), 0);
		KT_ASSERT_EQ(bits & 0xe, 0xc);
		KT_ASSERT_EQ(be->dirty_log(vm, 0, 4096u << RAM_ORDER, &bits), 0);
		KT_ASSERT_EQ(bits, 0);
	}
	/* A kick before the run ends the next run at once. */
	be->kick(vcpu);
	RUN_EXPECT(&hr, HV_EXIT_CANCELLED);
	RUN_EXPECT(&hr, HV_EXIT_IO);
	KT_ASSERT(hr.exit.u.io.port == 0x14 && hr.exit.u.io.data == 0x77);
	/* The guest now spins: a kick from another thread gets control back. */
	t = thread_create(kicker_main, &k, "kvm-kicker", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	KT_ASSERT(t != NULL);
	for (unsigned tries = 0; tries < 100000 && !k.done; tries++) {
		int e = be->run(vcpu, &hr);
		hr.complete = false;
		thread_yield(); /* as a vCPU loop would: let the kicker run */
		if (e || hr.exit.reason != HV_EXIT_CANCELLED) {
			thread_join(t);
			ktest_fail(kt, __FILE__, __LINE__, "spinning guest: err %d exit %s", e,
			           hv_exit_reason_name(hr.exit.reason));
			return;
		}
	}
	thread_join(t);
	KT_ASSERT(k.done);
out:;
}

KTEST_TIMEOUT(hv_backend_snippet, 30000000000ull)
{
	const char *why = "no reason given";
	const struct hv_backend *be = plat_virt_backend(&why);
	static const struct hv_cpuid_entry cpuid[] = {{.leaf = 0, .eax = 1, .ebx = CPUID0_EBX}};
	void *vm = NULL, *vcpu = NULL;
	paddr_t pa;
	uint8_t *ram;
	struct hv_regs r;
	struct hv_sregs s;
	int err;

	KT_SKIP_UNLESS(be, why);
	/* SVM exits for CPUID and reports MMIO as nested page faults for hv/
	 * to emulate: hv_backend_vm_guest runs it through the whole VM. */
	KT_SKIP_UNLESS(be->cpuid_in_table, "the backend leaves CPUID and MMIO decoding to hv/ (hv_backend_vm_guest)");
	pa = page_alloc(RAM_ORDER);
	KT_ASSERT(pa != 0);
	ram = plat_phys_to_virt(pa);
	memset(ram, 0, 4096u << RAM_ORDER);
	memcpy(ram + CODE_GPA, snippet, sizeof(snippet));
	memcpy(ram + 0x2000, "abcd", 4);

	err = be->vm_create(&vm);
	if (err) {
		ktest_fail(kt, __FILE__, __LINE__, "vm_create: %d", err);
		goto free_ram;
	}
	err = be->map(vm, 0, pa, 4096u << RAM_ORDER, true);
	if (!err)
		err = be->vcpu_create(vm, 0, &vcpu);
	if (!err)
		err = be->set_cpuid(vcpu, cpuid, 1);
	if (!err)
		err = be->get_sregs(vcpu, &s);
	if (err) {
		ktest_fail(kt, __FILE__, __LINE__, "setting up the VM: %d", err);
		goto destroy;
	}
	s.cs = flat(0x10, 0xb);
	s.ds = s.es = s.ss = s.fs = s.gs = flat(0x18, 0x3);
	s.cr0 = 0x11;
	memset(&r, 0, sizeof(r));
	r.rip = CODE_GPA;
	r.rflags = 2;
	err = be->set_sregs(vcpu, &s);
	if (!err)
		err = be->set_regs(vcpu, &r);
	if (!err) {
		struct hv_regs back;
		err = be->get_regs(vcpu, &back);
		if (!err && back.rip != CODE_GPA)
			err = -1;
	}
	if (err)
		ktest_fail(kt, __FILE__, __LINE__, "setting the boot state: %d", err);
	else
		check_snippet(kt, be, vm, vcpu, ram);
destroy:
	if (vcpu)
		be->vcpu_destroy(vcpu);
	be->vm_destroy(vm);
free_ram:
	page_free(pa, RAM_ORDER);
}
