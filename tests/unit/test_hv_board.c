/* Check unit tests of the PC board (hv_vm_add_pc_devices) driven through
 * the simulated backend: COM1 output, the PIT's IRQ0 through the PIC
 * waking a halted vCPU (the VM's timer thread at work), power-off through
 * port 0xf4 and reset through the i8042 and port 0xcf9. */
#include <hv/vm.h>
#include <kern/atomic.h>
#include <kern/errno.h>
#include <string.h>

#include "boot.h"
#include "unit.h"

#define MS 1000000ull

struct io_step {
	uint16_t port;
	uint8_t val;
	bool hlt;
};

static const struct io_step *prog;
static unsigned nprog;
static volatile unsigned step;
static volatile int injected = -1;

static int prog_next(void *ctx, unsigned vcpu, struct hv_regs *r, struct hv_sregs *s, struct hv_run *run)
{
	unsigned i = step;

	(void)ctx, (void)vcpu, (void)s;
	if (run->inject_vector >= 0)
		injected = run->inject_vector;
	atomic_store_release(&step, i + 1);
	run->exit.insn_len = 1;
	if (i >= nprog) {
		run->exit.reason = HV_EXIT_SHUTDOWN;
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

static char out[16];
static size_t nout;

static void con_write(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	if (nout + len <= sizeof(out)) {
		memcpy(out + nout, buf, len);
		nout += len;
	}
}

static void run_prog(const struct io_step *p, unsigned n, enum hv_stop_reason want, int64_t code)
{
	static const struct hv_sim_script script = {prog_next, NULL};
	static const struct hv_chr_backend con = {con_write, NULL};
	struct hv_vm_config cfg = {"pc", 1, 64ull << 20, &hv_backend_sim};
	struct hv_vm_stop_info info;
	struct hv_vm *vm;
	int err;

	prog = p;
	step = 0;
	nprog = n;
	hv_backend_sim_set_script(&script);
	vm = hv_vm_create(&cfg, &err);
	ck_assert_ptr_nonnull(vm);
	ck_assert_int_eq(hv_vm_add_memory(vm, 0, 2 << 20, GMEM_RAM, "ram"), 0);
	ck_assert_int_eq(hv_vm_add_pc_devices(vm, &con), 0);
	ck_assert_int_eq(hv_vm_add_pc_devices(vm, &con), -EEXIST);
	ck_assert_int_eq(hv_vm_start(vm), 0);
	ck_assert_int_eq(hv_vm_wait(vm, 10000 * MS), 0);
	hv_vm_get_stop_info(vm, &info);
	ck_assert_msg(info.reason == want, "stopped: %s", info.message);
	ck_assert_int_eq(info.code, code);
	hv_vm_destroy(vm);
}

static int body_com1_and_poweroff(void)
{
	static const struct io_step p[] = {
	    {0x3fb, 0x03, false},
	    {0x3f8, 'o', false},
	    {0x3f8, 'k', false},
	    {0xf4, 3, false},
	};

	run_prog(p, ARRAY_SIZE(p), HV_STOP_POWEROFF, 3);
	ck_assert_uint_eq(nout, 2);
	ck_assert_mem_eq(out, "ok", 2);
	return 0;
}

START_TEST(test_com1_and_poweroff)
{
	boot_kernel_and_run(body_com1_and_poweroff, 2);
}
END_TEST

static int body_pit_irq_wakes_hlt(void)
{
	static const struct io_step p[] = {
	    {0x20, 0x11, false}, {0x21, 0x20, false}, {0x21, 0x04, false},
	    {0x21, 0x01, false},                                           /* PIC: vectors 0x20.. */
	    {0x21, 0xfe, false},                                           /* only IRQ0 */
	    {0x43, 0x34, false}, {0x40, 0x9c, false}, {0x40, 0x2e, false}, /* PIT: 100 Hz, mode 2 */
	    {0, 0, true},                                                  /* sti; hlt */
	    {0xf4, 9, false},
	};

	run_prog(p, ARRAY_SIZE(p), HV_STOP_POWEROFF, 9);
	ck_assert_int_eq(injected, 0x20);
	return 0;
}

START_TEST(test_pit_irq_wakes_hlt)
{
	boot_kernel_and_run(body_pit_irq_wakes_hlt, 2);
}
END_TEST

static int body_resets(void)
{
	static const struct io_step kbd[] = {{0x64, 0xfe, false}};
	static const struct io_step cf9[] = {{0xcf9, 0x06, false}};

	run_prog(kbd, 1, HV_STOP_RESET, 0);
	run_prog(cf9, 1, HV_STOP_RESET, 0);
	return 0;
}

START_TEST(test_resets)
{
	boot_kernel_and_run(body_resets, 2);
}
END_TEST

UNIT_SUITE(hv_board_suite)
Suite *hv_board_suite(void)
{
	Suite *s = suite_create("hv_board");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_exit_test(tc, test_com1_and_poweroff, 0);
	tcase_add_exit_test(tc, test_pit_irq_wakes_hlt, 0);
	tcase_add_exit_test(tc, test_resets, 0);
	suite_add_tcase(s, tc);
	return s;
}
