/* Runs every Check suite; exit status 0 only if all pass. */
#include <check.h>
#include <stdlib.h>

Suite *buddy_suite(void);
Suite *heap_suite(void);
Suite *sched_suite(void);
Suite *locks_suite(void);
Suite *cpio_suite(void);

int main(void)
{
	SRunner *sr = srunner_create(buddy_suite());
	int failed;

	srunner_add_suite(sr, heap_suite());
	srunner_add_suite(sr, sched_suite());
	srunner_add_suite(sr, locks_suite());
	srunner_add_suite(sr, cpio_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
