/* Check unit tests of the scheduler, run in a booted hosted kernel. */
#include <kern/atomic.h>
#include <kern/sched.h>
#include <kern/sync.h>
#include <plat/cpu.h>
#include <plat/time.h>

#include "boot.h"
#include "unit.h"

#define MS 1000000ULL

static volatile int wake_order[8];
static volatile int wake_n;

static void sleeper(void *arg)
{
	int ms = (int)(uintptr_t)arg;
	thread_sleep_ns((ktime_t)ms * MS);
	wake_order[atomic_fetch_add(&wake_n, 1)] = ms;
}

static int body_sleep_order(void)
{
	static const int ms[8] = {7, 3, 8, 1, 5, 2, 6, 4};
	struct thread *t[8];

	for (int i = 0; i < 8; i++)
		t[i] = thread_create(sleeper, (void *)(uintptr_t)ms[i], "sleeper", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	for (int i = 0; i < 8; i++)
		thread_join(t[i]);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(wake_order[i], i + 1);
	return 0;
}

START_TEST(test_sleepers_wake_in_deadline_order)
{
	boot_kernel_and_run(body_sleep_order, 1);
}
END_TEST

static void exit_code_thread(void *arg)
{
	thread_exit((int)(uintptr_t)arg);
}

static int body_create_exit_storm(void)
{
	for (int round = 0; round < 20; round++) {
		struct thread *t[50];
		for (int i = 0; i < 50; i++) {
			t[i] = thread_create(exit_code_thread, (void *)(uintptr_t)(i + round), "storm",
					     i % SCHED_NPRIO, CPU_ANY, false);
			ck_assert_ptr_nonnull(t[i]);
		}
		for (int i = 0; i < 50; i++)
			ck_assert_int_eq(thread_join(t[i]), i + round);
		ck_assert(sched_check_invariants());
	}
	/* Only the idle threads, init and nothing else remain. */
	ck_assert_uint_eq(sched_thread_count(), plat_cpu_count() + 1);
	return 0;
}

START_TEST(test_create_exit_storm_smp)
{
	boot_kernel_and_run(body_create_exit_storm, 4);
}
END_TEST

static void record_cpu(void *arg)
{
	*(volatile int *)arg = (int)plat_cpu_id();
}

static int body_pinned_threads_run_there(void)
{
	for (unsigned c = 0; c < plat_cpu_count(); c++) {
		volatile int where = -1;
		struct thread *t = thread_create(record_cpu, (void *)&where, "pinned", SCHED_PRIO_DEFAULT, (int)c, false);
		thread_join(t);
		ck_assert_int_eq(where, (int)c);
	}
	return 0;
}

START_TEST(test_pinned_threads_run_on_their_cpu)
{
	boot_kernel_and_run(body_pinned_threads_run_there, 4);
}
END_TEST

static volatile int high_ran, low_done_before_high;

static void low_prio(void *arg)
{
	for (int i = 0; i < 1000; i++)
		plat_cpu_relax();
	if (!high_ran)
		low_done_before_high = 1;
}

static void high_prio(void *arg)
{
	high_ran = 1;
}

/* A woken higher-priority thread preempts a running lower one at once. */
static int body_wakeup_preempts(void)
{
	struct thread *lo, *hi;

	thread_set_affinity(0);
	lo = thread_create(low_prio, NULL, "low", 2, 0, false);
	hi = thread_create(high_prio, NULL, "high", 30, 0, false);
	thread_join(lo);
	thread_join(hi);
	ck_assert_int_eq(high_ran, 1);
	ck_assert_int_eq(low_done_before_high, 0);
	return 0;
}

START_TEST(test_higher_priority_preempts)
{
	boot_kernel_and_run(body_wakeup_preempts, 2);
}
END_TEST

UNIT_SUITE(sched_suite)
Suite *sched_suite(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_exit_test(tc, test_sleepers_wake_in_deadline_order, 0);
	tcase_add_exit_test(tc, test_create_exit_storm_smp, 0);
	tcase_add_exit_test(tc, test_pinned_threads_run_on_their_cpu, 0);
	tcase_add_exit_test(tc, test_higher_priority_preempts, 0);
	suite_add_tcase(s, tc);
	return s;
}
