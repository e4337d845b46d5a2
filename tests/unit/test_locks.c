/* Check unit tests of spinlocks, mutexes and semaphores in a booted kernel. */
#include <kern/atomic.h>
#include <kern/sched.h>
#include <kern/spinlock.h>
#include <kern/sync.h>
#include <plat/cpu.h>
#include <plat/time.h>

#include "boot.h"
#include "unit.h"

#define MS 1000000ULL

static struct mutex fifo_mutex;
static volatile int acquired[6];
static volatile int nacq;

static void fifo_waiter(void *arg)
{
	mutex_lock(&fifo_mutex);
	acquired[nacq++] = (int)(uintptr_t)arg;
	mutex_unlock(&fifo_mutex);
}

/* Waiters get the mutex in arrival order (hand-off, no barging). */
static int body_mutex_fifo(void)
{
	struct thread *t[6];

	mutex_init(&fifo_mutex, "fifo");
	mutex_lock(&fifo_mutex);
	for (int i = 0; i < 6; i++) {
		t[i] = thread_create(fifo_waiter, (void *)(uintptr_t)i, "waiter", SCHED_PRIO_DEFAULT, CPU_ANY, false);
		thread_sleep_ns(1 * MS); /* let it queue before the next one */
	}
	mutex_unlock(&fifo_mutex);
	for (int i = 0; i < 6; i++)
		thread_join(t[i]);
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(acquired[i], i);
	return 0;
}

START_TEST(test_mutex_is_fifo)
{
	boot_kernel_and_run(body_mutex_fifo, 2);
}
END_TEST

static struct mutex owned;

static void unlock_foreign(void *arg)
{
	mutex_unlock(&owned);
}

static int body_mutex_foreign_unlock(void)
{
	mutex_init(&owned, "owned");
	mutex_lock(&owned);
	thread_join(thread_create(unlock_foreign, NULL, "thief", SCHED_PRIO_DEFAULT, CPU_ANY, false));
	return 0;
}

START_TEST(test_mutex_unlock_by_non_owner_panics)
{
	boot_kernel_and_run(body_mutex_foreign_unlock, 1);
}
END_TEST

static int body_spin_recursive(void)
{
	static spinlock_t l = SPINLOCK_INIT("recursive");
	spin_lock(&l);
	spin_lock(&l);
	return 0;
}

START_TEST(test_spinlock_recursion_panics)
{
	boot_kernel_and_run(body_spin_recursive, 1);
}
END_TEST

static int body_mutex_recursive(void)
{
	static struct mutex m;
	mutex_init(&m, "recursive");
	mutex_lock(&m);
	mutex_lock(&m);
	return 0;
}

START_TEST(test_mutex_recursion_panics)
{
	boot_kernel_and_run(body_mutex_recursive, 1);
}
END_TEST

static struct semaphore counting;
static volatile int inside, max_inside;

static void sem_user(void *arg)
{
	for (int i = 0; i < 50; i++) {
		sem_down(&counting);
		int now = atomic_add_fetch(&inside, 1);
		int m = max_inside;
		while (now > m && !atomic_cas(&max_inside, &m, now))
			;
		/* Sleep while holding a unit, so the others really contend: with a
		 * yield alone one CPU could run every holder in turn. */
		thread_sleep_ns(100 * 1000);
		atomic_sub_fetch(&inside, 1);
		sem_up(&counting);
	}
}

/* A semaphore of 3 admits at most 3 holders, and all of them eventually. */
static int body_counting_semaphore(void)
{
	struct thread *t[10];

	sem_init(&counting, 3);
	for (int i = 0; i < 10; i++)
		t[i] = thread_create(sem_user, NULL, "sem", SCHED_PRIO_DEFAULT, CPU_ANY, false);
	for (int i = 0; i < 10; i++)
		thread_join(t[i]);
	ck_assert_int_le(max_inside, 3);
	ck_assert_int_ge(max_inside, 2);
	ck_assert_int_eq(inside, 0);
	for (int i = 0; i < 3; i++)
		ck_assert(sem_trydown(&counting));
	ck_assert(!sem_trydown(&counting));
	return 0;
}

START_TEST(test_counting_semaphore_bounds_holders)
{
	boot_kernel_and_run(body_counting_semaphore, 4);
}
END_TEST

UNIT_SUITE(locks_suite)
Suite *locks_suite(void)
{
	Suite *s = suite_create("locks");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_exit_test(tc, test_mutex_is_fifo, 0);
	tcase_add_exit_test(tc, test_mutex_unlock_by_non_owner_panics, 99);
	tcase_add_exit_test(tc, test_spinlock_recursion_panics, 99);
	tcase_add_exit_test(tc, test_mutex_recursion_panics, 99);
	tcase_add_exit_test(tc, test_counting_semaphore_bounds_holders, 0);
	suite_add_tcase(s, tc);
	return s;
}
