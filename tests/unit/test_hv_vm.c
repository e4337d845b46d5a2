/* Check unit tests of the VM state machine and vCPU threads, with the
 * simulated backend, in a booted hosted kernel. */
#include <hv/vm.h>
#include <kern/atomic.h>
#include <kern/errno.h>
#include <kern/mm.h>
#include <kern/sched.h>
#include <string.h>

#include "boot.h"
#include "unit.h"

#define US 1000ull
#define MS 1000000ull

static volatile unsigned long runs[HV_MAX_VCPUS];
static volatile int in_handler, handler_calls;
static volatile bool script_sleeps = true;
static volatile unsigned long shutdown_after = 0; /* run count of vCPU 0 that reports a triple fault */
static volatile unsigned long poweroff_after = 0; /* ... that writes to port 0xf4 */

/* Every run reports an OUT to port 0x80 (or what the knobs above ask). */
static int spin_next(void *ctx, unsigned vcpu, struct hv_regs *r, struct hv_sregs *s, struct hv_run *run)
{
	unsigned long n = atomic_add_fetch(&runs[vcpu], 1);

	(void)ctx;
	(void)r;
	(void)s;
	if (script_sleeps)
		thread_sleep_ns(50 * US);
	run->exit.insn_len = 1;
	if (vcpu == 0 && shutdown_after && n == shutdown_after) {
		run->exit.reason = HV_EXIT_SHUTDOWN;
		return 0;
	}
	run->exit.reason = HV_EXIT_IO;
	run->exit.u.io.port = (vcpu == 0 && poweroff_after && n == poweroff_after) ? 0xf4 : 0x80;
	run->exit.u.io.size = 1;
	run->exit.u.io.data = 42;
	return 0;
}

/* Port 0x80: a device whose handler takes a while, to catch a transition
 * returning while a vCPU is still inside it. */
static uint64_t slow_read(void *d, unsigned cpu, uint64_t off, unsigned size)
{
	(void)d, (void)cpu, (void)off, (void)size;
	return 0;
}

static void slow_write(void *d, unsigned cpu, uint64_t off, unsigned size, uint64_t v)
{
	(void)d, (void)cpu, (void)off, (void)size, (void)v;
	atomic_add_fetch(&in_handler, 1);
	atomic_add_fetch(&handler_calls, 1);
	for (volatile int i = 0; i < 2000; i++)
		;
	atomic_sub_fetch(&in_handler, 1);
}

static const struct hv_bus_ops slow_ops = {slow_read, slow_write};

static struct hv_vm *make_vm(unsigned ncpus)
{
	static const struct hv_sim_script script = {spin_next, NULL};
	struct hv_vm_config cfg = {"test", ncpus, 64ull << 20, &hv_backend_sim};
	struct hv_vm *vm;
	int err = 1;

	hv_backend_sim_set_script(&script);
	vm = hv_vm_create(&cfg, &err);
	ck_assert_int_eq(err, 0);
	ck_assert_ptr_nonnull(vm);
	ck_assert_int_eq(hv_bus_add(hv_vm_pio_bus(vm), 0x80, 1, &slow_ops, NULL, "slow"), 0);
	return vm;
}

static unsigned long total_runs(void)
{
	unsigned long t = 0;

	for (unsigned i = 0; i < HV_MAX_VCPUS; i++)
		t += runs[i];
	return t;
}

static void wait_runs(unsigned long n)
{
	while (total_runs() < n)
		thread_sleep_ns(100 * US);
}

/* No vCPU runs or handles anything after a transition returned. */
static void assert_quiet(void)
{
	unsigned long before = total_runs();
	int calls = handler_calls;

	ck_assert_int_eq(in_handler, 0);
	thread_sleep_ns(5 * MS);
	ck_assert_uint_eq(total_runs(), before);
	ck_assert_int_eq(handler_calls, calls);
	ck_assert_int_eq(in_handler, 0);
}

static int body_every_transition(void)
{
	struct hv_vm *vm = make_vm(2);
	struct hv_vm_stop_info info;
	struct hv_regs r;
	unsigned long n;

	ck_assert_int_eq(hv_vm_state(vm), HV_VM_CREATED);
	ck_assert_int_eq(hv_vm_pause(vm), -EINVAL);
	ck_assert_int_eq(hv_vm_resume(vm), -EINVAL);
	ck_assert_int_eq(hv_vm_stop(vm), -EINVAL);
	ck_assert_int_eq(hv_vm_add_memory(vm, 0, 1 << 20, GMEM_RAM, "ram"), 0);
	ck_assert_int_eq(hv_vm_wait(vm, 1 * MS), -ETIMEDOUT);

	ck_assert_int_eq(hv_vm_start(vm), 0);
	ck_assert_int_eq(hv_vm_state(vm), HV_VM_RUNNING);
	ck_assert_int_eq(hv_vm_start(vm), -EINVAL);
	ck_assert_int_eq(hv_vm_resume(vm), -EINVAL);
	ck_assert_int_eq(hv_vm_add_memory(vm, 2 << 20, 1 << 20, GMEM_RAM, "late"), -EBUSY);
	ck_assert_int_eq(hv_vm_set_boot_state(vm, 0, &r, NULL), -EBUSY);
	ck_assert_int_eq(hv_vm_add_debug_exit(vm, 0xf4), -EBUSY);
	ck_assert_int_eq(hv_vm_get_vcpu_regs(vm, 0, &r, NULL), -EBUSY);
	ck_assert_int_eq(hv_vm_wait(vm, 2 * MS), -ETIMEDOUT);
	wait_runs(10);

	ck_assert_int_eq(hv_vm_pause(vm), 0);
	ck_assert_int_eq(hv_vm_state(vm), HV_VM_PAUSED);
	assert_quiet();
	ck_assert_int_eq(hv_vm_pause(vm), -EINVAL);
	ck_assert_int_eq(hv_vm_start(vm), -EINVAL);
	ck_assert_int_eq(hv_vm_get_vcpu_regs(vm, 0, &r, NULL), 0);
	ck_assert_uint_gt(r.rip, 0xfff0); /* the OUTs were completed */

	n = total_runs();
	ck_assert_int_eq(hv_vm_resume(vm), 0);
	ck_assert_int_eq(hv_vm_state(vm), HV_VM_RUNNING);
	wait_runs(n + 10);

	ck_assert_int_eq(hv_vm_stop(vm), 0);
	ck_assert_int_eq(hv_vm_state(vm), HV_VM_STOPPED);
	assert_quiet();
	hv_vm_get_stop_info(vm, &info);
	ck_assert_int_eq(info.reason, HV_STOP_REQUESTED);
	ck_assert(info.message[0] != 0);
	ck_assert_int_eq(hv_vm_wait(vm, 0), 0);
	ck_assert_int_eq(hv_vm_stop(vm), 0); /* no-op */
	ck_assert_int_eq(hv_vm_pause(vm), -EINVAL);
	ck_assert_int_eq(hv_vm_resume(vm), -EINVAL);
	ck_assert_int_eq(hv_vm_start(vm), -EINVAL);
	ck_assert_int_eq(hv_vm_get_vcpu_regs(vm, 1, &r, NULL), 0);
	ck_assert_int_eq(hv_vm_get_vcpu_regs(vm, 2, &r, NULL), -EINVAL);
	hv_vm_destroy(vm);
	return 0;
}

START_TEST(test_every_transition)
{
	boot_kernel_and_run(body_every_transition, 2);
}
END_TEST

/* vCPUs that never sleep, more of them than CPUs: pause and stop must
 * still find each one parked when they return. */
static int body_stop_races_running_vcpus(void)
{
	script_sleeps = false;
	for (int round = 0; round < 20; round++) {
		struct hv_vm *vm = make_vm(4);

		ck_assert_int_eq(hv_vm_start(vm), 0);
		wait_runs(total_runs() + 50);
		if (round % 2) {
			ck_assert_int_eq(hv_vm_pause(vm), 0);
			assert_quiet();
			ck_assert_int_eq(hv_vm_resume(vm), 0);
			wait_runs(total_runs() + 50);
		}
		ck_assert_int_eq(hv_vm_stop(vm), 0);
		ck_assert_int_eq(hv_vm_state(vm), HV_VM_STOPPED);
		assert_quiet();
		hv_vm_destroy(vm);
	}
	ck_assert_int_gt(handler_calls, 1000);
	return 0;
}

START_TEST(test_stop_races_running_vcpus)
{
	boot_kernel_and_run(body_stop_races_running_vcpus, 2);
}
END_TEST

/* destroy is legal in every state and gives every page back. */
static int body_destroy_from_every_state(void)
{
	struct page_stats before, after;

	page_stats(&before);
	for (int state = 0; state < 4; state++) {
		struct hv_vm *vm = make_vm(2);

		ck_assert_int_eq(hv_vm_add_memory(vm, 0, 4 << 20, GMEM_RAM, "ram"), 0);
		ck_assert_int_eq(hv_vm_add_memory(vm, 0xfff00000, 1 << 20, GMEM_ROM, "bios"), 0);
		ck_assert_int_eq(hv_vm_add_debug_exit(vm, 0xf4), 0);
		if (state >= 1)
			ck_assert_int_eq(hv_vm_start(vm), 0);
		if (state == 2)
			ck_assert_int_eq(hv_vm_pause(vm), 0); /* pause then destroy */
		if (state == 3)
			ck_assert_int_eq(hv_vm_stop(vm), 0);
		hv_vm_destroy(vm);
	}
	page_stats(&after);
	ck_assert_uint_eq(after.free_pages, before.free_pages);
	return 0;
}

START_TEST(test_destroy_from_every_state)
{
	boot_kernel_and_run(body_destroy_from_every_state, 2);
}
END_TEST

static int body_triple_fault_stops_every_vcpu(void)
{
	struct hv_vm *vm;
	struct hv_vm_stop_info info;
	struct hv_vm_stats st;

	shutdown_after = 20;
	vm = make_vm(3);
	ck_assert_int_eq(hv_vm_start(vm), 0);
	ck_assert_int_eq(hv_vm_wait(vm, 0), 0); /* all vCPUs left their loops */
	ck_assert_int_eq(hv_vm_state(vm), HV_VM_STOPPED);
	hv_vm_get_stop_info(vm, &info);
	ck_assert_int_eq(info.reason, HV_STOP_TRIPLE_FAULT);
	ck_assert_uint_eq(info.vcpu, 0);
	ck_assert_uint_eq(info.rip, 0xfff0 + 19); /* 19 one-byte OUTs before it */
	ck_assert_ptr_nonnull(strstr(info.message, "triple fault"));
	hv_vm_get_stats(vm, &st);
	ck_assert_uint_eq(st.exits[HV_EXIT_SHUTDOWN], 1);
	ck_assert_uint_ge(st.exits[HV_EXIT_IO], 19);
	assert_quiet();
	ck_assert_int_eq(hv_vm_stop(vm), 0);
	hv_vm_get_stop_info(vm, &info);
	ck_assert_int_eq(info.reason, HV_STOP_TRIPLE_FAULT); /* the first reason stays */
	hv_vm_destroy(vm);
	return 0;
}

START_TEST(test_triple_fault_stops_every_vcpu)
{
	boot_kernel_and_run(body_triple_fault_stops_every_vcpu, 2);
}
END_TEST

static int body_poweroff_through_port_f4(void)
{
	struct hv_vm *vm;
	struct hv_vm_stop_info info;

	poweroff_after = 7;
	vm = make_vm(2);
	ck_assert_int_eq(hv_vm_add_debug_exit(vm, 0xf4), 0);
	ck_assert_int_eq(hv_vm_add_debug_exit(vm, 0xf4), -EBUSY);
	ck_assert_int_eq(hv_vm_start(vm), 0);
	ck_assert_int_eq(hv_vm_wait(vm, 0), 0);
	hv_vm_get_stop_info(vm, &info);
	ck_assert_int_eq(info.reason, HV_STOP_POWEROFF);
	ck_assert_int_eq(info.code, 42);
	ck_assert_uint_eq(info.vcpu, 0);
	ck_assert_ptr_nonnull(strstr(info.message, "powered off"));
	hv_vm_destroy(vm);
	return 0;
}

START_TEST(test_poweroff_through_port_f4)
{
	boot_kernel_and_run(body_poweroff_through_port_f4, 2);
}
END_TEST

static int body_create_rejects_bad_config(void)
{
	struct hv_vm_config cfg = {"bad", 0, 0, &hv_backend_sim};
	int err = 0;

	ck_assert_ptr_null(hv_vm_create(&cfg, &err));
	ck_assert_int_eq(err, -EINVAL);
	cfg.ncpus = HV_MAX_VCPUS + 1;
	ck_assert_ptr_null(hv_vm_create(&cfg, &err));
	cfg.ncpus = 1;
	cfg.backend = NULL;
	ck_assert_ptr_null(hv_vm_create(&cfg, &err));
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_str_eq(hv_vm_state_name(HV_VM_PAUSED), "paused");
	ck_assert_str_eq(hv_exit_reason_name(HV_EXIT_NPF), "npf");
	ck_assert_str_eq(hv_exit_reason_name((enum hv_exit_reason)99), "unknown");
	return 0;
}

START_TEST(test_create_rejects_bad_config)
{
	boot_kernel_and_run(body_create_rejects_bad_config, 1);
}
END_TEST

UNIT_SUITE(hv_vm_suite)
Suite *hv_vm_suite(void)
{
	Suite *s = suite_create("hv_vm");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_exit_test(tc, test_every_transition, 0);
	tcase_add_exit_test(tc, test_stop_races_running_vcpus, 0);
	tcase_add_exit_test(tc, test_destroy_from_every_state, 0);
	tcase_add_exit_test(tc, test_triple_fault_stops_every_vcpu, 0);
	tcase_add_exit_test(tc, test_poweroff_through_port_f4, 0);
	tcase_add_exit_test(tc, test_create_rejects_bad_config, 0);
	suite_add_tcase(s, tc);
	return s;
}
