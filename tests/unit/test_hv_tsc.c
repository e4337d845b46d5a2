/* Check unit tests of the guest TSC (hv/core/tsc.c) and the CPUID leaves
 * that report its rate: IA32_TSC and IA32_TSC_ADJUST move one per-vCPU
 * offset over the host counter and hand it to the backend (the register
 * SVM and VMX add in hardware), the VM's rate and zero match it, and
 * CPUID 0x15/0x16/0x40000010 give the rate as Linux computes it. */
#include <hv/cpuid.h>
#include <hv/vm.h>
#include <plat/time.h>

#include "../../hv/core/vm_internal.h"
#include "boot.h"
#include "unit.h"

#define MSR_TSC        0x10
#define MSR_TSC_ADJUST 0x3b
#define SLACK          (1ull << 32) /* host ticks between two reads in a test */

/* ---- CPUID ---- */

static void leaf(const struct hv_cpuid_entry *t, unsigned n, uint32_t l, uint32_t out[4])
{
	hv_cpuid_lookup(t, n, l, 0, out);
}

/* What Linux's native_calibrate_tsc makes of leaf 0x15 (32-bit product). */
static uint64_t linux_tsc_khz(const uint32_t r[4])
{
	uint32_t crystal_khz = r[2] / 1000;

	ck_assert_uint_le((uint64_t)crystal_khz * r[1], UINT32_MAX);
	return r[0] ? (uint64_t)(uint32_t)(crystal_khz * r[1]) / r[0] : 0;
}

static void check_clocks(uint32_t khz)
{
	struct hv_cpuid_entry t[HV_CPUID_MAX_ENTRIES];
	unsigned n = hv_cpuid_build(t, 1, 0, 0);
	uint32_t r[4];
	uint64_t got;

	n = hv_cpuid_add_clocks(t, n, khz, 1000000);
	leaf(t, n, 0, r);
	ck_assert_uint_ge(r[0], 0x16);
	leaf(t, n, 0x40000000, r);
	ck_assert_uint_ge(r[0], 0x40000010);
	leaf(t, n, 0x15, r);
	ck_assert_uint_eq(r[2], 1000000000); /* the crystal: the LAPIC's 1 GHz bus */
	got = linux_tsc_khz(r);
	/* Within 1 ppm (plus the kHz Linux truncates to). */
	ck_assert_msg(got * 1000000 >= (uint64_t)khz * 999999 - 1000000 && got * 1000000 <= (uint64_t)khz * 1000001,
	              "%u kHz reported as %llu", khz, (unsigned long long)got);
	leaf(t, n, 0x16, r);
	ck_assert_uint_eq(r[0], khz / 1000);
	ck_assert_uint_eq(r[2], 1000);
	leaf(t, n, 0x40000010, r);
	ck_assert_uint_eq(r[0], khz);
	ck_assert_uint_eq(r[1], 1000000);
}

START_TEST(test_cpuid_clock_leaves)
{
	struct hv_cpuid_entry t[HV_CPUID_MAX_ENTRIES];
	unsigned n = hv_cpuid_build(t, 1, 0, 0);
	uint32_t r[4];

	check_clocks(2600000); /* exact: 13/5 */
	check_clocks(2593907);
	check_clocks(99997); /* Bochs */
	check_clocks(3999999);
	check_clocks(1000000);
	leaf(t, n, 0x15, r);
	ck_assert_uint_eq(r[0] | r[1] | r[2], 0); /* not without a rate */
	ck_assert_uint_eq(hv_cpuid_add_clocks(t, n, 0, 1000000), n);
}
END_TEST

/* ---- IA32_TSC through a backend that adds an offset ---- */

static int64_t last_offset[2];
static unsigned offset_calls;

static void record_offset(void *vcpu_priv, int64_t offset)
{
	(void)vcpu_priv;
	last_offset[offset_calls++ % 2] = offset;
}

static int body_msr_tsc_offset(void)
{
	static struct hv_backend be;
	struct hv_vm_config cfg = {"tsc", 1, 16ull << 20, &be};
	struct hv_vm *vm;
	struct hv_vcpu *v;
	uint64_t t0, t1, adj, host;
	int err = 1;

	be = hv_backend_sim;
	be.set_tsc_offset = record_offset;
	hv_backend_sim_set_script(NULL);
	vm = hv_vm_create(&cfg, &err);
	ck_assert_int_eq(err, 0);
	v = &vm->vcpu[0];
	/* The guest TSC starts near 0 at the host TSC's rate, and the backend
	 * got the offset that makes it so. */
	ck_assert_uint_eq(offset_calls, 1);
	ck_assert_int_eq(last_offset[0], v->msr.tsc_offset);
	ck_assert_uint_eq(vm->tsc_khz, plat_tsc_khz() ? plat_tsc_khz() : 1000000);
	ck_assert_int_eq(vm->tsc_host, plat_tsc_khz() != 0);
	ck_assert_int_eq(hv_msr_read(v, MSR_TSC, &t0), 0);
	ck_assert_uint_lt(t0, SLACK);
	ck_assert_int_eq(hv_msr_read(v, MSR_TSC_ADJUST, &adj), 0);
	ck_assert_uint_eq(adj, 0);

	/* A write sets the TSC; TSC_ADJUST moves by the same amount. */
	ck_assert_int_eq(hv_msr_read(v, MSR_TSC, &t0), 0);
	ck_assert_int_eq(hv_msr_write(v, MSR_TSC, 1ull << 50), 0);
	host = hv_vm_host_tsc(vm);
	ck_assert_uint_eq(offset_calls, 2);
	ck_assert_int_eq(last_offset[1], v->msr.tsc_offset);
	ck_assert_int_eq(hv_msr_read(v, MSR_TSC, &t1), 0);
	ck_assert(t1 >= (1ull << 50) && t1 < (1ull << 50) + SLACK);
	ck_assert_uint_eq(host + (uint64_t)v->msr.tsc_offset - (1ull << 50) < SLACK, 1);
	ck_assert_int_eq(hv_msr_read(v, MSR_TSC_ADJUST, &adj), 0);
	ck_assert(adj - ((1ull << 50) - t0) < SLACK || ((1ull << 50) - t0) - adj < SLACK);

	/* TSC_ADJUST moves the TSC by its change. */
	ck_assert_int_eq(hv_msr_read(v, MSR_TSC, &t0), 0);
	ck_assert_int_eq(hv_msr_write(v, MSR_TSC_ADJUST, adj + 1000000000000ull), 0);
	ck_assert_int_eq(hv_msr_read(v, MSR_TSC, &t1), 0);
	ck_assert(t1 - t0 >= 1000000000000ull && t1 - t0 < 1000000000000ull + SLACK);
	ck_assert_int_eq(last_offset[(offset_calls - 1) % 2], v->msr.tsc_offset);

	/* The guest picks any 64-bit values: the TSC wraps, nothing overflows
	 * (UBSan in SAN builds; the VM-exit fuzzer found a signed overflow). */
	ck_assert_int_eq(hv_msr_write(v, MSR_TSC_ADJUST, 1ull << 63), 0);
	ck_assert_int_eq(hv_msr_write(v, MSR_TSC_ADJUST, (1ull << 63) - 1), 0);
	ck_assert_int_eq(hv_msr_write(v, MSR_TSC, ~0ull), 0);
	ck_assert_int_eq(hv_msr_write(v, MSR_TSC_ADJUST, 0), 0);
	ck_assert_int_eq(hv_msr_read(v, MSR_TSC, &t1), 0);
	ck_assert_int_eq(hv_msr_read(v, MSR_TSC_ADJUST, &adj), 0);
	ck_assert_uint_eq(adj, 0);
	hv_vm_destroy(vm);
	return 0;
}

START_TEST(test_msr_tsc_offset)
{
	boot_kernel_and_run(body_msr_tsc_offset, 1);
}
END_TEST

UNIT_SUITE(hv_tsc_suite)
Suite *hv_tsc_suite(void)
{
	Suite *s = suite_create("hv_tsc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_cpuid_clock_leaves);
	tcase_add_exit_test(tc, test_msr_tsc_offset, 0);
	suite_add_tcase(s, tc);
	return s;
}
