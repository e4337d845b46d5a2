/* Check unit tests of hv_vm_step (include/hv/step.h): a PC-board VM started
 * without vCPU threads, driven one exit at a time from the test's thread.
 * HLT parks the vCPU until the PIT's IRQ0 (fired by the VM's timer thread
 * while the test sleeps) is pending, which is then injected at the next
 * entry; an AP waits for its SIPI; a power-off ends stepping. */
#include <hv/step.h>
#include <kern/errno.h>
#include <kern/sched.h>

#include "boot.h"
#include "unit.h"

#define MS 1000000ull

struct io_step {
	uint16_t port;
	uint8_t val;
	bool hlt;
};

static const struct io_step *prog;
static unsigned nprog, step, entries[2];
static int injected = -1;

static int prog_next(void *ctx, unsigned vcpu, struct hv_regs *r, struct hv_sregs *s, struct hv_run *run)
{
	unsigned i = step++;

	(void)ctx, (void)s;
	entries[vcpu]++;
	if (run->inject_vector >= 0)
		injected = run->inject_vector;
	run->exit.insn_len = 1;
	if (i >= nprog) {
		run->exit.reason = HV_EXIT_CPUID;
		return 0;
	}
	if (prog[i].hlt) {
		r->rflags |= 1u << 9;
		run->exit.reason = HV_EXIT_HLT;
		return 0;
	}
	run->exit.reason = HV_EXIT_IO;
	run->exit.u.io.port = prog[i].port;
	run->exit.u.io.size = 1;
	run->exit.u.io.data = prog[i].val;
	return 0;
}

static struct hv_vm *make_pc(unsigned ncpus)
{
	static const struct hv_sim_script script = {prog_next, NULL};
	struct hv_vm_config cfg = {"step", ncpus, 64ull << 20, &hv_backend_sim};
	struct hv_vm *vm;
	int err;

	step = 0;
	entries[0] = entries[1] = 0;
	injected = -1;
	hv_backend_sim_set_script(&script);
	vm = hv_vm_create(&cfg, &err);
	ck_assert_ptr_nonnull(vm);
	ck_assert_int_eq(hv_vm_add_memory(vm, 0, 2 << 20, GMEM_RAM, "ram"), 0);
	ck_assert_int_eq(hv_vm_add_pc_devices(vm, NULL), 0);
	return vm;
}

static int body_hlt_woken_by_pit(void)
{
	static const struct io_step p[] = {
	    {0x20, 0x11, false}, {0x21, 0x20, false}, {0x21, 0x04, false},
	    {0x21, 0x01, false},                                           /* PIC: vectors 0x20.. */
	    {0x21, 0xfe, false},                                           /* only IRQ0 */
	    {0x43, 0x34, false}, {0x40, 0x9c, false}, {0x40, 0x2e, false}, /* PIT: 100 Hz, mode 2 */
	    {0, 0, true},                                                  /* sti; hlt */
	    {0xf4, 7, false},
	};
	struct hv_vm_stop_info info;
	struct hv_vm *vm;

	prog = p;
	nprog = ARRAY_SIZE(p);
	vm = make_pc(1);
	ck_assert_int_eq(hv_vm_step(vm, 0), -EINVAL); /* not started */
	ck_assert_int_eq(hv_vm_start_stepped(vm), 0);
	ck_assert_int_eq(hv_vm_start_stepped(vm), -EINVAL);
	for (unsigned i = 0; i < 9; i++)
		ck_assert_int_eq(hv_vm_step(vm, 0), HV_STEP_RAN);
	/* Halted, and no time has passed: nothing pending. */
	ck_assert_int_eq(hv_vm_step(vm, 0), HV_STEP_HALTED);
	ck_assert_int_eq(hv_vm_step(vm, 0), HV_STEP_HALTED);
	ck_assert_uint_eq(entries[0], 9);
	thread_sleep_ns(20 * MS); /* the timer thread raises IRQ0 and kicks */
	/* The kick cancels the first entry (the vector stays queued), the
	 * next one delivers it. */
	ck_assert_int_eq(hv_vm_step(vm, 0), HV_STEP_RAN);
	ck_assert_uint_eq(entries[0], 9);
	ck_assert_int_eq(hv_vm_step(vm, 0), HV_STEP_RAN);
	ck_assert_int_eq(injected, 0x20);
	ck_assert_int_eq(hv_vm_state(vm), HV_VM_STOPPED);
	ck_assert_int_eq(hv_vm_step(vm, 0), -EINVAL);
	hv_vm_get_stop_info(vm, &info);
	ck_assert_int_eq(info.reason, HV_STOP_POWEROFF);
	ck_assert_int_eq(info.code, 7);
	ck_assert_int_eq(hv_vm_stop(vm), 0);
	hv_vm_destroy(vm);
	return 0;
}

START_TEST(test_hlt_woken_by_pit)
{
	boot_kernel_and_run(body_hlt_woken_by_pit, 1);
}
END_TEST

static int body_ap_waits_for_sipi(void)
{
	struct hv_vm *vm;

	prog = NULL;
	nprog = 0;
	vm = make_pc(2);
	ck_assert_int_eq(hv_vm_start_stepped(vm), 0);
	ck_assert_int_eq(hv_vm_step(vm, 1), HV_STEP_WAITING);
	ck_assert_int_eq(hv_vm_step(vm, 0), HV_STEP_RAN);
	ck_assert_int_eq(hv_vm_step(vm, 2), -EINVAL);
	ck_assert_uint_eq(entries[1], 0);
	ck_assert_uint_eq(entries[0], 1);
	/* A thread-started VM cannot be stepped. */
	hv_vm_destroy(vm);
	vm = make_pc(1);
	ck_assert_int_eq(hv_vm_start(vm), 0);
	ck_assert_int_eq(hv_vm_step(vm, 0), -EINVAL);
	hv_vm_destroy(vm);
	return 0;
}

START_TEST(test_ap_waits_for_sipi)
{
	boot_kernel_and_run(body_ap_waits_for_sipi, 1);
}
END_TEST

UNIT_SUITE(hv_step_suite)
Suite *hv_step_suite(void)
{
	Suite *s = suite_create("hv_step");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_exit_test(tc, test_hlt_woken_by_pit, 0);
	tcase_add_exit_test(tc, test_ap_waits_for_sipi, 0);
	suite_add_tcase(s, tc);
	return s;
}
